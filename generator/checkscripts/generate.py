"""Generate ``checks/<mode>/<runbook>.py``: executable, self-describing check scripts."""

from __future__ import annotations

import os
import pprint
from pathlib import Path

from generator.format.catalog import load_catalog
from generator.format.model import Catalog
from generator.fsutil import write_atomic

__all__ = ["render_scripts", "write_scripts", "stale_scripts"]

SCRIPT_MODE = 0o755


def render_scripts(catalog: Catalog) -> dict[str, str]:
    """Script text by path relative to the root (``checks/local/backup.py``).

    Scripts are committed, so they hold the declared mode variables: a mode's
    ``vars_file`` (run-time values, like the demo's ports) never reaches them.
    """
    from generator.site.templates import environment

    if any(mode.overlaid for mode in catalog.project.modes.values()):
        catalog = load_catalog(catalog.root, overlays=False)
    template = environment().get_template("check_script.py.j2")
    out = {}
    for mode in catalog.project.modes:
        for view in catalog.views(mode):
            checks = [c.to_dict() for c in view.active_checks]
            if not checks:
                continue
            out[f"checks/{mode}/{view.id}.py"] = template.render(
                runbook=view.id, mode=mode, source=catalog.runbooks[view.id].source,
                checks=pprint.pformat(checks, indent=1, width=100, sort_dicts=False))
    return out


def _existing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in (root / "checks").glob("*/*.py")}


def stale_scripts(catalog: Catalog) -> list[str]:
    """Paths that differ from what a build would write, are missing, or should not exist."""
    return _stale(catalog.root, render_scripts(catalog))


def _stale(root: Path, wanted: dict[str, str]) -> list[str]:
    stale = []
    for rel, text in wanted.items():
        path = root / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text or not os.access(path, os.X_OK):
            stale.append(rel)
    stale += sorted(_existing(root) - set(wanted))
    return sorted(stale)


def write_scripts(catalog: Catalog) -> list[str]:
    """Write every script (atomically), remove orphans; return what changed."""
    root = catalog.root
    wanted = render_scripts(catalog)
    changed = _stale(root, wanted)
    for rel in changed:
        if rel in wanted:
            write_atomic(root / rel, wanted[rel], mode=SCRIPT_MODE)
        else:
            (root / rel).unlink()
    return changed
