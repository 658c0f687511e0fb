"""Status badges: ``site/<mode>/<runbook>/badge.svg``, shields-style (flat), to embed in a README.

Written at build time by the plugin (from the results store) and again by
``run-checks --site`` for the mode it ran; each file is replaced atomically
and only when it changed. No external badge service is involved.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from generator.fsutil import write_atomic
from generator.run.store import Listed, ResultsIndex
from generator.site.stamp import runbook_state

__all__ = ["BADGE_FILE", "badge_message", "badge_svg", "write_badges"]

BADGE_FILE = "badge.svg"
# The site's state colours (runbooks.css, light scheme), not shields' brighter palette: white
# 11 px text needs 4.5:1 (WCAG AA), which shields' green (2.1:1) and yellow (2.0:1) miss.
_GREEN, _YELLOW, _RED, _PURPLE, _GREY, _BLUE = "#18733a", "#8a5a00", "#b3261e", "#6a3d9a", "#5f6368", "#1d5fa8"
_LABEL = "#555"
_NARROW, _WIDE = set("fijlrt.,:;!|' -()[]1I"), set("mwMW@%")


def badge_message(listed: Listed, mode: str, index: ResultsIndex) -> tuple[str, str]:
    """The right half of the badge and its colour, from the runbook's latest results."""
    if not listed.checks:
        return "no checks", _GREY
    state, counts = runbook_state([index.get(mode, f"{listed.id}/{check}") for check, _ in listed.checks])
    by_state = dict(counts)
    if state == "CRITICAL":
        return f"{by_state['CRITICAL']} failing", _RED
    if state == "UNKNOWN":
        return f"{by_state['UNKNOWN']} unknown", _PURPLE
    if state == "WARNING":
        return "warning", _YELLOW
    if state == "OK":
        return "passing", _GREEN
    if state == "MAINTENANCE":
        return "maintenance", _BLUE
    return "not run", _GREY


def _text_width(text: str) -> int:
    """Rough Verdana 11px advance widths: good enough to size the two halves."""
    return round(sum(4 if c in _NARROW else 10 if c in _WIDE else 8 if c.isupper() else 6.5 for c in text))


def badge_svg(label: str, message: str, colour: str) -> str:
    left, right = _text_width(label) + 10, _text_width(message) + 10
    total = left + right
    label_e, message_e, title = escape(label), escape(message), escape(f"{label}: {message}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="{_LABEL}"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{colour}"/>'
        f'<rect width="{total}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2:g}" y="15" fill="#010101" fill-opacity=".3">{label_e}</text>'
        f'<text x="{left / 2:g}" y="14">{label_e}</text>'
        f'<text x="{left + right / 2:g}" y="15" fill="#010101" fill-opacity=".3">{message_e}</text>'
        f'<text x="{left + right / 2:g}" y="14">{message_e}</text></g></svg>\n')


def write_badges(site_dir: Path, index: ResultsIndex, modes: list[str]) -> list[Path]:
    """Write the badge of every runbook of ``modes`` that has a page; return the files changed."""
    changed = []
    for mode in modes:
        for listed in index.listing.get(mode, []):
            folder = site_dir / mode / listed.id
            if not folder.is_dir():
                continue
            path = folder / BADGE_FILE
            svg = badge_svg(listed.id, *badge_message(listed, mode, index))
            if not path.is_file() or path.read_text(encoding="utf-8") != svg:
                write_atomic(path, svg)
                changed.append(path)
    return changed
