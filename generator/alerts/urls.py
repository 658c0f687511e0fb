"""``runbooks runbook-urls --mode MODE``: each alert a runbook names, and the URL of its anchor.

For the alert rules a team already has: put each URL in its rule's ``runbook_url``
annotation; ``runbooks lint-rules`` then checks they still resolve.
"""

from __future__ import annotations

import json

import yaml

from generator.format.model import Catalog
from generator.links import SiteLinks

__all__ = ["runbook_urls", "render_urls"]


def runbook_urls(catalog: Catalog, mode: str, links: SiteLinks) -> dict[str, str]:
    """Alert name → its anchor on the page of the runbook that answers it, for the runbooks of ``mode``."""
    return {alert: links.alert(mode, view.id, alert)
            for view in sorted(catalog.views(mode), key=lambda v: v.id) for alert in view.alerts}


def render_urls(urls: dict[str, str], mode: str, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(urls, indent=2) + "\n"
    head = f"# runbook_url of each alert the runbooks of mode {mode} answer (`runbooks runbook-urls --mode {mode}`)\n"
    return head + (yaml.safe_dump(urls, sort_keys=False, width=1000) if urls else "{}\n")
