"""Generate ``checks/<mode>/<runbook>.py``: executable check scripts that are Nagios plugins.

A script carries its checks as the mode sees them (variables filled in) with
only the keys that differ from their defaults; ``nagios.py`` makes them whole
again through the validator that read the runbook, so a script holds what a
reader needs and nothing the format already says.
"""

from __future__ import annotations

import os
import pprint
from pathlib import Path
from typing import Any

from generator.format.catalog import load_catalog
from generator.format.model import Catalog, CheckSpec
from generator.format.options import Obj, Option, Threshold
from generator.fsutil import write_atomic
from generator.run.kinds import KINDS

__all__ = ["render_scripts", "write_scripts", "stale_scripts", "script_check"]

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
            checks = [script_check(c) for c in view.active_checks]
            if not checks:
                continue
            path = f"checks/{mode}/{view.id}.py"
            script = {"runbook": view.id, "mode": mode, "path": path, "source": catalog.runbooks[view.id].source}
            out[path] = template.render(script=script, script_literal=pprint.pformat(script, sort_dicts=False),
                                        checks=pprint.pformat(checks, indent=1, width=110, sort_dicts=False))
    return out


def script_check(spec: CheckSpec) -> dict[str, Any]:
    """A check as a script carries it: the keys a reader needs, without the ones at their default."""
    data: dict[str, Any] = {"id": spec.id, "title": spec.title}
    if spec.timeout is not None:
        data["timeout"] = spec.timeout
    if spec.severity != "critical":
        data["severity"] = spec.severity
    if spec.needs:
        data["needs"] = spec.needs
    if spec.retries:
        data["retries"] = {"count": spec.retries, "delay": spec.retry_delay}
    data["source"] = spec.source
    data[spec.kind] = _compact(KINDS[spec.kind].SCHEMA, spec.params)
    return data


def _compact(option: Option, value: Any) -> Any:
    """``value`` without what the validator would put back: keys at their default, unset threshold limits."""
    if isinstance(option, Obj) and isinstance(value, dict):
        return {key: _compact(option.fields[key], item) if key in option.fields else item
                for key, item in value.items()
                if key not in option.fields or option.fields[key].required or item != option.fields[key].default}
    if isinstance(option, Threshold) and isinstance(value, dict):
        return {key: item for key, item in value.items() if item is not None and (key, item) != ("when", "above")}
    return value


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
