"""Result markup: what a slot holds, as HTML. Both ``runbooks build`` and ``run-checks --site`` render slots
through these functions (``stamp.RENDERERS``), so a stamped page and a rebuilt page match.

Written in Python rather than as Jinja macros: a stamp after a 1000-check run renders some 3000 slots, and
calling that many macros was most of what stamping cost. Every value that came from a probed system, a
result file or the store is escaped (``esc``, the same entities as Jinja's autoescape); only the constants
below and markup built here are not.

The staleness contract: an element that shows a result with a run time carries ``data-rb-ran`` (ISO 8601
UTC) and ``data-rb-stale-after`` (seconds, ``stale_after`` in ``_project.yaml``), on itself or on an element
around it (the dashboard says it once, on its table). ``runbooks.js`` marks it ``rb-stale`` with a "stale"
label when it is older, at view time; not-run results carry neither and stay as they are.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Protocol, Sequence

if TYPE_CHECKING:
    from generator.format.maintenance import Notice
    from generator.run.results import Result
    from generator.run.store import RunInfo
    from generator.site.dashboard import Group
    from generator.site.vantages import VantageState

__all__ = ["LABELS", "ICONS", "esc", "utc_text", "ran", "badge", "badge_img", "when", "check_badge", "vantage_states",
           "check_cell", "aggregate", "last_run", "dashboard", "maintenance_banner", "print_check"]

LABELS = {"OK": "OK", "WARNING": "WARNING", "CRITICAL": "CRITICAL", "UNKNOWN": "UNKNOWN", "SKIPPED": "SKIPPED",
          "NOTRUN": "NOT RUN", "MAINTENANCE": "MAINTENANCE"}
ICONS = {"OK": "✔", "WARNING": "▲", "CRITICAL": "✖", "UNKNOWN": "?", "SKIPPED": "–", "NOTRUN": "○",
         "MAINTENANCE": "⚙"}
NOT_RUN = "not run yet"


class Drawn(Protocol):
    """A history strip (``history.Strip``; history draws with ``esc``, so it is not imported here)."""

    @property
    def compact(self) -> Any: ...

PRINT_OBSERVED = 90  # characters of an observed value on paper


def esc(value: Any) -> str:
    """Text as HTML: ``& < > " '`` as entities, exactly as markupsafe (Jinja's autoescape) writes them."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    text = value if type(value) is str else str(value)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


@lru_cache(maxsize=256)  # the checks of a run share its time
def ran(iso: str | None, stale_after: float | None = None) -> str:
    """The staleness attributes of an element showing a result (none for a result that has not run)."""
    if not iso:
        return ""
    limit = f' data-rb-stale-after="{int(stale_after)}"' if stale_after is not None else ""
    return f' data-rb-ran="{esc(iso)}"{limit}'


def badge(state: str, tip: str = "") -> str:
    """A state in words with its icon (never colour alone); ``tip`` is its tooltip."""
    icon = ICONS[state]  # a state is one of these names (a KeyError otherwise), so it needs no escaping
    title = f' title="{esc(tip)}"' if tip else ""
    return (f'<span class="rb-state rb-state--{state.lower()}" data-rb-state="{state}"{title}>'
            f'<span class="rb-state__icon" aria-hidden="true">{icon}</span> {LABELS[state]}</span>')


def badge_img(runbook: str, message: str) -> str:
    """The runbook's status badge (badge.svg), named by what it says: it is an image of text."""
    return f'<img class="rb-badge" src="badge.svg" alt="{esc(runbook)}: {esc(message)}">'


@lru_cache(maxsize=256)  # the checks of a run share its time
def when(iso: str) -> str:
    return f'<time class="rb-time" datetime="{esc(iso)}">{esc(utc_text(iso))}</time>'


def utc_text(iso: str) -> str:
    """``2026-12-02T05:54:12Z`` as ``2026-12-02 05:54:12 UTC``."""
    return str(iso).replace("T", " ").replace("Z", " UTC")


def check_badge(r: Result | None, stale_after: float | None) -> str:
    """A step's result badge (the checklist, print): the state, its summary as the tooltip."""
    if r is None:
        return badge("NOTRUN", NOT_RUN)
    return f'<span class="rb-stepresult"{ran(r.started_at, stale_after)}>{badge(r.state.value, r.summary)}</span>'


def vantage_states(vantages: Sequence[VantageState]) -> str:
    """One state per vantage, worst first, when runs named their vantage: "CRITICAL from eu-west, OK from us-east"."""
    if not vantages:
        return ""
    disagree = len({v.state for v in vantages}) > 1
    each = ", ".join(f'<span class="rb-vantage rb-vantage--{esc(v.state.lower())}" data-rb-vantage="{esc(v.name)}" '
                     f'data-rb-vantage-state="{esc(v.state)}">{esc(v.state)} from {esc(v.name)}</span>' for v in vantages)
    label = '<span class="rb-vantages__label">Vantages disagree:</span> ' if disagree else ""
    return (f'\n<span class="rb-vantages{" rb-vantages--disagree" if disagree else ""}" '
            f'data-rb-vantages="{len(vantages)}">{label}{each}</span>')


def check_cell(r: Result | None, stale_after: float | None, vantages: Sequence[VantageState] = ()) -> str:
    """A check's row on its runbook page: state, observed value, notes, time and duration, and the evidence
    of a result that is not OK (folded)."""
    if r is None:
        return f'<span class="rb-result">{badge("NOTRUN", NOT_RUN)} <span class="rb-observed">{NOT_RUN}</span></span>'
    state = r.state.value
    parts = [f'<span class="rb-result"{ran(r.started_at, stale_after)}>{badge(state, r.summary)} '
             f'<span class="rb-observed">{esc(r.observed or r.summary)}</span>']
    if r.note:
        parts.append(f' <span class="rb-note rb-note--{esc(state.lower())}">{esc(r.note)}</span>')
    if r.maintenance:
        parts.append(f' <span class="rb-note rb-note--maintenance">maintenance: {esc(r.maintenance)} · '
                     f'the probe saw {esc(r.probed_state)}</span>')
    parts.append(f' <span class="rb-meta">{when(r.started_at)} · {"%.0f" % r.duration_ms} ms</span>')
    parts.append(vantage_states(vantages))
    parts.append("</span>")
    if state not in ("OK", "SKIPPED") and (state != "MAINTENANCE" or r.evidence):
        evidence = f"<pre>{esc(r.evidence)}</pre>" if r.evidence else ""
        parts.append(f'\n<details class="rb-evidence rb-evidence--{esc(state.lower())}"><summary>'
                     f'{esc(r.reason or "failed")}: {esc(r.summary)}</summary>{evidence}</details>')
    return "".join(parts)


def aggregate(state: str, counts: Iterable[tuple[str, int]]) -> str:
    """A runbook's (or a mode's) worst state, and how many checks are in each state."""
    each = "".join(f'<span class="rb-count rb-count--{esc(name.lower())}">{n} {LABELS[name].lower()}</span>'
                   for name, n in counts if n)
    return f'<span class="rb-aggregate">{badge(state)} <span class="rb-counts">{each}</span></span>'


def last_run(info: RunInfo | None, stale_after: float | None) -> str:
    if info is None:
        return ('<span class="rb-lastrun">Checks have not run in this mode yet: '
                '<code>run-checks --mode …  --site site</code>.</span>')
    commit = f" at commit <code>{esc(info.commit[:12])}</code>" if info.commit else ""
    return f'<span class="rb-lastrun"{ran(info.started_at, stale_after)}>Checks last ran {when(info.started_at)}{commit}.</span>'


def dashboard(groups: Iterable[tuple[Group, str, list[tuple[str, int]], Sequence[Drawn]]], stale_after: float) -> str:
    """The status dashboard: runbooks worst first (``dashboard.groups``), each a ``<tbody>`` of its checks.

    A thousand rows share this page: the stale limit is said once, on the table, the phone layout names the
    cells by their column (phone.css), and the strips are the compact ones."""
    parts = [f'<table class="rb-table rb-status rb-dashboard" data-rb-stale-after="{int(stale_after)}">\n'
             '<thead><tr><th>Check</th><th>State</th><th>Reason</th><th>Observed</th><th>Last run</th>'
             '<th>History <small>(oldest → newest)</small></th></tr></thead>']
    for group, state, counts, strips in groups:
        runbook = esc(group.runbook)
        parts.append(f'\n<tbody id="{runbook}" class="rb-dashboard__group" data-rb-group-state="{esc(state)}">\n'
                     f'<tr class="rb-dashboard__runbook"><th colspan="6"><a href="../{runbook}/">{esc(group.title)}</a> '
                     f'{aggregate(state, counts)}</th></tr>')
        for row, drawn in zip(group.rows, strips):
            r, check = row.result, esc(row.check)
            if r is None:
                cell, reason, observed, ran_at = badge("NOTRUN", NOT_RUN), "", NOT_RUN, "—"
            else:
                tip = r.summary if r.observed and r.summary != r.observed else ""
                cell = (f'<span class="rb-result"{ran(r.started_at)}>{badge(r.state.value, tip)}</span>'
                        f'{vantage_states(row.vantages)}')
                reason, observed, ran_at = esc(r.reason), esc(r.observed or r.summary), when(r.started_at)
            parts.append(f'\n<tr id="{runbook}--{check}" data-rb-row-state="{esc(row.state)}"><td>'
                         f'<a href="../{runbook}/#check-{check}">{esc(row.title)}</a><br><code>{check}</code></td>\n'
                         f'<td class="rb-dashboard__state">{cell}</td>\n<td>{reason}</td>\n'
                         f'<td class="rb-dashboard__observed">{observed}</td>\n<td>{ran_at}</td>\n'
                         f'<td>{drawn.compact}</td></tr>')
        parts.append("\n</tbody>")
    parts.append("\n</table>")
    return "".join(parts)


def maintenance_banner(notices: Sequence[Notice]) -> str:
    """Maintenance windows, announced while active: the browser (runbooks.js) shows a window whose
    data-rb-intervals (ISO 8601 UTC start/end pairs, the coming weeks of a schedule) hold the time the page is
    viewed, like staleness; otherwise the banner stays hidden."""
    if not notices:
        return ""
    windows = "".join(
        f'\n<p class="rb-maintenance__window" data-rb-intervals="{" ".join(f"{esc(s)}/{esc(e)}" for s, e in n.intervals)}" '
        f'hidden><span class="rb-maintenance__icon" aria-hidden="true">⚙</span> <strong>Maintenance</strong> '
        f'<span class="rb-maintenance__until"></span>: {esc(n.reason)} <small>({esc(n.covers)}; {esc(n.schedule)}). '
        f'Checks still run; their results show as MAINTENANCE and raise no alert.</small></p>' for n in notices)
    return f'<div class="rb-maintenance" role="status" hidden>{windows}\n</div>'


def print_check(r: Result | None, stale_after: float | None) -> str:
    """For paper: the absolute time it ran (a relative "5 min ago" is wrong once printed). The badge is
    check_badge's, so whatever marks a result (state, staleness) on screen marks it here too."""
    if r is None:
        return f'<span class="rb-result rb-result--print">{check_badge(r, stale_after)} <span class="rb-observed">{NOT_RUN}</span></span>'
    return (f'<span class="rb-result rb-result--print">{check_badge(r, stale_after)} '
            f'<span class="rb-observed">{esc(_truncate(r.observed or r.summary, PRINT_OBSERVED))}</span> '
            f'<span class="rb-meta">ran <time class="rb-abstime" datetime="{esc(r.started_at)}">{esc(utc_text(r.started_at))}'
            f'</time></span></span>')


def _truncate(text: str, length: int, leeway: int = 5, end: str = "...") -> str:
    """Cut at a word, as Jinja's ``truncate`` filter did on paper: text within ``leeway`` of ``length`` stays whole."""
    if len(text) <= length + leeway:
        return text
    return text[: length - len(end)].rsplit(" ", 1)[0] + end
