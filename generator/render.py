"""Render the site's pages (Markdown for MkDocs) from ``site_templates/``.

The page set: ``index.md`` (pick a mode), and per mode ``<mode>/index.md``
(runbooks with status), ``<mode>/status.md`` (the dashboard: every check, worst first) and
``<mode>/<runbook>.md`` (served as ``/<mode>/<runbook>/``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from .kinds import KINDS
from .model import Catalog, CheckSpec
from .schema import format_duration
from .stamp import slot

__all__ = ["TEMPLATES", "environment", "render_pages", "nav"]

TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates"


@lru_cache(maxsize=1)
def environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=False)
    env.globals.update(slot=slot, describe=_describe, duration=format_duration)
    return env


def _describe(check: CheckSpec) -> str:
    return KINDS[check.kind].describe(check.params)


def render_pages(catalog: Catalog) -> dict[str, str]:
    """Every generated page, by its path under docs (e.g. ``local/backup.md``)."""
    env = environment()
    project = catalog.project
    modes = list(project.modes.values())
    pages = {"index.md": env.get_template("home.md.j2").render(project=project, modes=modes)}
    for mode in modes:
        views = sorted(catalog.views(mode.id), key=lambda v: v.title.lower())
        pages[f"{mode.id}/index.md"] = env.get_template("mode.md.j2").render(mode=mode, views=views)
        pages[f"{mode.id}/status.md"] = env.get_template("status.md.j2").render(mode=mode, stale_after=project.stale_after)
        for view in views:
            available = [m for m in project.modes if catalog.view(view.id, m) is not None]
            pages[f"{mode.id}/{view.id}.md"] = env.get_template("runbook.md.j2").render(
                view=view, modes=modes, available=available, severities=project.severities)
    return pages


def nav(catalog: Catalog) -> list[Any]:
    """One top-level tab per mode: the mode switcher."""
    items: list[Any] = [{"Home": "index.md"}]
    for mode in catalog.project.modes.values():
        views = sorted(catalog.views(mode.id), key=lambda v: v.title.lower())
        items.append({mode.title: [{"Overview": f"{mode.id}/index.md"}, {"Status": f"{mode.id}/status.md"}]
                      + [{v.title: f"{mode.id}/{v.id}.md"} for v in views]})
    return items
