"""``markdown``: a summary for a CI job page (GitHub's ``$GITHUB_STEP_SUMMARY``, a GitLab report, a PR comment).

Counts by state, then every check that is not OK with its evidence folded
(``<details>``), linked to its row on the runbook page when the project sets
``site_url`` in mkdocs.yml, and a link to the mode's status page. Text from
probed systems is escaped: it can neither add Markdown nor HTML.
"""

from __future__ import annotations

import html
import re

from generator.links import SiteLinks
from generator.run.results import Result, Run, State, counts

__all__ = ["NAME", "HELP", "USES_SITE_URL", "render", "MAX_LISTED"]

NAME = "markdown"
HELP = "a CI job summary ($GITHUB_STEP_SUMMARY): counts, the checks not OK with their evidence folded, links to pages"
USES_SITE_URL = True

MAX_LISTED = 100  # job summaries are capped (1 MiB on GitHub); evidence is at most 4 KB a check
ICONS = {"OK": "✅", "WARNING": "⚠️", "CRITICAL": "❌", "UNKNOWN": "❔", "SKIPPED": "➖", "MAINTENANCE": "🔧"}
_ORDER = (State.CRITICAL, State.UNKNOWN, State.WARNING, State.MAINTENANCE)
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _pre(value: str) -> str:
    return html.escape(_CONTROL.sub("", value), quote=False)


def _text(value: str) -> str:
    """Probed text as inert Markdown: HTML escaped, Markdown punctuation backslashed, on one line."""
    return _SPECIAL.sub(r"\\\1", _pre(" ".join(value.split())))


def _links(run: Run) -> SiteLinks | None:
    if not run.site_url:
        return None
    return SiteLinks(run.site_url if run.site_url.endswith("/") else run.site_url + "/")


def _link(run: Run, result: Result) -> str:
    label = f"`{result.key}`"
    links = _links(run)
    return f"[{label}]({links.check(run.mode, result.runbook, result.check)})" if links else label


def _headline(run: Run) -> str:
    failed = sum(1 for r in run.results if run.fails(r))
    verdict = f"{failed} failed" if failed else "nothing failed"
    return f"## {'❌' if failed else '✅'} run-checks `{run.mode}`: {verdict} (--fail-on {run.fail_on})"


def _counts(run: Run) -> list[str]:
    total = counts(run.results)
    rows = [f"| {ICONS[name]} {name} | {n} |" for name, n in total.items() if n]
    when = run.started_at.replace("T", " ").replace("Z", " UTC")
    origin = f", commit `{run.commit[:12]}`" if run.commit else ""
    vantage = f", from `{_text(run.vantage)}`" if run.vantage else ""
    return [f"{len(run.results)} checks in {run.duration_ms / 1000:.2f} s, started {when}{origin}{vantage}.", "",
            "| State | Checks |", "|---|---:|", *rows]


def _entry(run: Run, result: Result) -> list[str]:
    state = result.state.value
    detail = _text(result.summary)
    if result.maintenance:
        detail = f"{_text(result.window_note)}: {detail}"
    reason = f" ({result.reason})" if result.reason else ""
    lines = [f"- {ICONS[state]} **{state}** {_link(run, result)}{reason}: {detail}", ""]
    if result.evidence:  # at the top level: a <pre> inside a list item would end at its first unindented line
        lines += ["<details><summary>Evidence</summary>", "",
                  f"<pre>{_pre(result.evidence)}</pre>", "", "</details>", ""]
    return lines


def render(run: Run) -> str:
    lines = [_headline(run), "", *_counts(run)]
    listed = sorted((r for r in run.results if r.state in _ORDER), key=lambda r: _ORDER.index(r.state))
    if listed:
        lines += ["", "### Not OK", ""]
        for result in listed[:MAX_LISTED]:
            lines += _entry(run, result)
        if len(listed) > MAX_LISTED:
            lines.append(f"- … and {len(listed) - MAX_LISTED} more (see the JSON or JUnit report)")
    links = _links(run)
    if links:
        lines += ["", f"Every check of the mode: [status page]({links.status(run.mode)})."]
    return "\n".join(lines).rstrip("\n") + "\n"
