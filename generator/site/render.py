"""Render the site's pages (Markdown for MkDocs) from ``site_templates/``.

The page set: ``index.md`` (pick a mode), and per mode ``<mode>/index.md``
(runbooks with status), ``<mode>/status.md`` (the dashboard: every check, worst first),
``<mode>/<runbook>.md`` (served as ``/<mode>/<runbook>/``), its printable
checklist ``<mode>/<runbook>/print.md`` and the mode's incident binder
``<mode>/binder.md`` (every incident runbook, for paper). The print pages
are not in the navigation: the runbook and mode pages link to them.
"""

from __future__ import annotations

from typing import Any

from generator.format.model import Catalog, Mode, Project, RunbookView
from generator.provenance import BuildInfo, build_info
from generator.site.templates import environment

__all__ = ["INCIDENT_TAG", "render_pages", "nav", "incident_views"]

# Runbooks tagged with this go into a mode's incident binder.
INCIDENT_TAG = "incident"


def incident_views(catalog: Catalog, mode: str) -> list[RunbookView]:
    """The runbooks of a mode's incident binder, by title."""
    views = [v for v in catalog.views(mode) if INCIDENT_TAG in v.tags]
    return sorted(views, key=lambda v: v.title.lower())


def render_pages(catalog: Catalog, built: BuildInfo | None = None, site_url: str | None = None) -> dict[str, str]:
    """Every generated page, by its path under docs (e.g. ``local/backup.md``).

    ``site_url`` (mkdocs.yml's) makes the absolute links real: the badge snippets, the address on paper.
    """
    env = environment()
    project = catalog.project
    built = built or build_info(catalog.root)
    site_url = site_url.rstrip("/") + "/" if site_url else None
    modes = list(project.modes.values())
    pages = {"index.md": env.get_template("home.md.j2").render(project=project, modes=modes)}
    for mode in modes:
        views = sorted(catalog.views(mode.id), key=lambda v: v.title.lower())
        pages[f"{mode.id}/index.md"] = env.get_template("mode.md.j2").render(mode=mode, views=views)
        pages[f"{mode.id}/status.md"] = env.get_template("status.md.j2").render(mode=mode, stale_after=project.stale_after)
        for view in views:
            available = [m for m in project.modes if catalog.view(view.id, m) is not None]
            pages[f"{mode.id}/{view.id}.md"] = env.get_template("runbook.md.j2").render(
                view=view, modes=modes, available=available, severities=project.severities, site_url=site_url)
        pages.update(_print_pages(catalog, mode, views, built, site_url))
    return pages


def _print_pages(catalog: Catalog, mode: Mode, views: list[RunbookView], built: BuildInfo,
                 site_url: str | None) -> dict[str, str]:
    env = environment()
    common = {"project": catalog.project, "mode": mode, "built": built, "contacts": _contacts(catalog.project),
              "site_url": site_url}
    pages = {f"{mode.id}/{view.id}/print.md": env.get_template("print.md.j2").render(view=view, **common)
             for view in views}
    pages[f"{mode.id}/binder.md"] = env.get_template("binder.md.j2").render(
        views=incident_views(catalog, mode.id), **common)
    return pages


def _contacts(project: Project) -> list[dict[str, Any]]:
    """Contacts for paper: the escalation chain in order, then everyone else."""
    in_chain = {level["contact"] for level in project.escalation}
    chain = [{**project.contacts[level["contact"]], "level": level["level"], "after": level["after"]}
             for level in project.escalation]
    rest = [{**contact, "level": None, "after": None} for cid, contact in project.contacts.items()
            if cid not in in_chain]
    return chain + rest


# Above this many runbooks in a mode, its navigation groups them by their first tag (their service, in the
# bundled catalogue): each page then carries the groups and its own group's runbooks, not every runbook.
NAV_GROUP_OVER = 40


def nav(catalog: Catalog) -> list[Any]:
    """One top-level tab per mode: the mode switcher."""
    items: list[Any] = [{"Home": "index.md"}]
    for mode in catalog.project.modes.values():
        views = sorted(catalog.views(mode.id), key=lambda v: v.title.lower())
        items.append({mode.title: [{"Overview": f"{mode.id}/index.md"}, {"Status": f"{mode.id}/status.md"}]
                      + _runbooks_nav(mode.id, views)})
    return items


def _runbooks_nav(mode: str, views: list[RunbookView]) -> list[Any]:
    entries = [{v.title: f"{mode}/{v.id}.md"} for v in views]
    if len(views) <= NAV_GROUP_OVER:
        return entries
    groups: dict[str, list[Any]] = {}
    for view, entry in zip(views, entries):
        groups.setdefault(view.tags[0] if view.tags else "other", []).append(entry)
    return [{"Runbooks": [{f"{tag} ({len(group)})": group} for tag, group in sorted(groups.items())]}]
