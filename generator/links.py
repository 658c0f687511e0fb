"""Absolute links into the published site: pages, a check's row, an alert's entry.

Where the site is published is MkDocs' ``site_url`` (in ``mkdocs.yml``, read
with MkDocs' own loader, so ``!ENV`` works); everything that links into the
site from outside (alert rules, ``runbook-urls``, CI summaries) builds its
URLs here, so they match the pages the plugin writes and the anchors they
carry (``#check-<id>`` on a check's row, ``#alert-<name>`` on an alert).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["SiteLinks", "NoSiteUrl", "site_links", "read_site_url", "check_anchor", "alert_anchor"]


class NoSiteUrl(Exception):
    """Absolute links need a site_url; the message says how to give one."""


def check_anchor(check: str) -> str:
    return f"check-{check}"


def alert_anchor(alert: str) -> str:
    return f"alert-{alert}"


@dataclass(frozen=True)
class SiteLinks:
    """URLs of a site published at ``base`` (ends with ``/``)."""

    base: str
    directory_urls: bool = True

    def page(self, mode: str, runbook: str | None = None, anchor: str = "") -> str:
        path = f"{mode}/{runbook}" if runbook else mode
        if not runbook or self.directory_urls:
            url = f"{self.base}{path}/"
        else:
            url = f"{self.base}{path}.html"
        return f"{url}#{anchor}" if anchor else url

    def check(self, mode: str, runbook: str, check: str) -> str:
        return self.page(mode, runbook, check_anchor(check))

    def alert(self, mode: str, runbook: str, alert: str) -> str:
        return self.page(mode, runbook, alert_anchor(alert))

    def status(self, mode: str) -> str:
        return self.page(mode, "status")

    def file_of(self, url: str) -> tuple[str, str] | None:
        """``(file under site/, fragment)`` a URL of this site is served from; None for another site."""
        if not url.startswith(self.base):
            return None
        parts = urlsplit(url)
        path = parts.path[len(urlsplit(self.base).path):]
        if path == "" or path.endswith("/"):
            path += "index.html"
        return path, parts.fragment


def read_site_url(root: Path) -> tuple[str, bool]:
    """``site_url`` (or "") and ``use_directory_urls`` from the project's ``mkdocs.yml``."""
    config = root / "mkdocs.yml"
    if not config.is_file():
        return "", True
    from mkdocs.utils.yaml import yaml_load

    with config.open("rb") as handle:
        data = yaml_load(handle)
    return str(data.get("site_url") or ""), bool(data.get("use_directory_urls", True))


def site_links(root: Path, override: str | None = None) -> SiteLinks:
    """Links from ``override`` (a command's ``--site-url``), else mkdocs.yml's ``site_url``; NoSiteUrl when neither."""
    configured, directory_urls = read_site_url(root)
    base = override or configured
    if not base:
        raise NoSiteUrl("no site_url: set site_url in mkdocs.yml (where the site is published) or pass "
                        "--site-url URL; links from outside the site must be absolute")
    if urlsplit(base).scheme not in ("http", "https"):
        raise NoSiteUrl(f"site_url {base!r} is not an http(s) URL")
    return SiteLinks(base if base.endswith("/") else base + "/", directory_urls)
