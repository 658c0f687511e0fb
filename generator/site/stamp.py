"""Write results into built pages, without a rebuild.

Pages carry slots: ``<!--rb:KIND:ARG-->…<!--/rb-->``. Stamping re-renders the
inside of every slot from a ResultsIndex, so stamping twice gives the same
page (idempotent), and the build renders slots with this same function.
Files are replaced atomically; escaped text cannot contain ``<!--``, so a
probe's output can never forge or close a slot.

What a slot holds is drawn by ``markup`` (Python, not Jinja macros: a stamp
after a 1000-check run draws some 3000 slots). Staleness is judged in the
browser, at view time (``runbooks.js``): every element showing a result with
a run time carries ``data-rb-ran`` (ISO 8601 UTC) and the limit, ``data-rb-stale-after``
(seconds), on itself or on an element around it.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable, NamedTuple

from generator.format.maintenance import Notice, horizon
from generator.fsutil import write_atomic
from generator.run.maintenance import load_adhoc
from generator.run.results import Result, State, worst
from generator.run.store import Listed, ResultsIndex, load_index
from generator.site import markup
from generator.site.history import Strip, strip
from generator.site.slotindex import Located, load_slot_index, locate, part_of, save_slot_index, splice
from generator.site.slots import SLOT
from generator.site.vantages import vantage_states

if TYPE_CHECKING:
    from generator.format.model import Catalog

__all__ = ["stamp_html", "stamp_site", "runbook_state", "filtered_index", "history_strip"]

_ORDER = ("CRITICAL", "UNKNOWN", "WARNING", "OK", "SKIPPED", "MAINTENANCE")


def _split(arg: str) -> tuple[str, str]:
    mode, _, key = arg.partition("/")
    return mode, key


def runbook_state(results: list[Result | None]) -> tuple[str, list[tuple[str, int]]]:
    """Worst state of a runbook's checks (NOTRUN when none ran) and counts by state."""
    ran = [r for r in results if r is not None]
    by_state = Counter(r.state.value for r in ran)
    counts = [(name, by_state[name]) for name in _ORDER]
    missing = len(results) - len(ran)
    counts.append(("NOTRUN", missing))
    judged = [r.state for r in ran if r.state not in (State.SKIPPED, State.MAINTENANCE)]
    if not judged:
        if not missing and any(r.state is State.MAINTENANCE for r in ran):
            return "MAINTENANCE", counts
        return "NOTRUN" if missing or not ran else "SKIPPED", counts
    return worst(judged).value, counts


def _render_check(arg: str, index: ResultsIndex) -> str:
    mode, key = _split(arg)
    return markup.check_cell(index.get(mode, key), index.stale_after, vantage_states(index, mode, key))


def _render_badge(arg: str, index: ResultsIndex) -> str:
    return markup.check_badge(index.get(*_split(arg)), index.stale_after)


def history_strip(index: ResultsIndex, mode: str, key: str) -> Strip:
    """Drawn once per index: a check's strip is on its runbook page and on the dashboard."""
    found = index.drawn.get((mode, key))
    if not isinstance(found, Strip):
        # Checks with the same history share one strip, drawn once: in a run of 1000 checks most were OK in
        # every kept run, so a stamp draws a few dozen strips instead of a thousand. Kept with the index (a
        # --every loop draws new ones each run and lets the old ones go).
        signature = ("strip", index.history_signature(mode, key))
        shared = index.drawn.get(signature)
        if not isinstance(shared, Strip):
            shared = index.drawn[signature] = strip(index.states_of(mode, key), index.flapping)
        found = index.drawn[(mode, key)] = shared
    return found


def _render_history(arg: str, index: ResultsIndex) -> str:
    return str(history_strip(index, *_split(arg)).html)


def _render_dashboard(arg: str, index: ResultsIndex) -> str:
    from generator.site.dashboard import groups

    rows = [(group, *runbook_state(group.results), [history_strip(index, arg, row.key) for row in group.rows])
            for group in groups(arg, index)]
    return markup.dashboard(rows, index.stale_after)


def _render_badgeimg(arg: str, index: ResultsIndex) -> str:
    """The badge image, its alt text saying what the image says ("search-health: 2 failing")."""
    from .badges import badge_message

    mode, runbook = _split(arg)
    listed = next((entry for entry in index.listing.get(mode, []) if entry.id == runbook), None)
    message = badge_message(listed, mode, index)[0] if listed else "not run"
    return markup.badge_img(runbook, message)


def _render_printcheck(arg: str, index: ResultsIndex) -> str:
    return markup.print_check(index.get(*_split(arg)), index.stale_after)


def _render_runbook(arg: str, index: ResultsIndex) -> str:
    target, _, ids = arg.partition(":")
    mode, runbook = _split(target)
    results = [index.get(mode, f"{runbook}/{check}") for check in ids.split(",") if check]
    state, counts = runbook_state(results)
    return markup.aggregate(state, counts)


def _render_summary(arg: str, index: ResultsIndex) -> str:
    results: list[Result | None] = list(index.for_mode(arg).values())
    state, counts = runbook_state(results)
    return markup.aggregate(state, counts)


def _render_lastrun(arg: str, index: ResultsIndex) -> str:
    return markup.last_run(index.runs.get(arg), index.stale_after)


def _render_maintenance(arg: str, index: ResultsIndex) -> str:
    return markup.maintenance_banner(index.notices.get(arg, []))


RENDERERS: dict[str, Callable[[str, ResultsIndex], str]] = {
    "check": _render_check,
    "badge": _render_badge,
    "badgeimg": _render_badgeimg,
    "printcheck": _render_printcheck,
    "runbook": _render_runbook,
    "summary": _render_summary,
    "lastrun": _render_lastrun,
    "history": _render_history,
    "dashboard": _render_dashboard,
    "maintenance": _render_maintenance,
}


def stamp_html(html: str, index: ResultsIndex) -> str:
    def fill(match: re.Match[str]) -> str:
        render = RENDERERS.get(match["kind"])
        if render is None:
            return match.group(0)
        return f"<!--rb:{match['kind']}:{match['arg']}-->{render(match['arg'], index)}<!--/rb-->"

    return SLOT.sub(fill, html)


def stamp_site(site_dir: Path, index: ResultsIndex, modes: list[str], touched: set[str] | None = None) -> list[Path]:
    """Stamp the built pages of ``modes`` (and the home page); return the files changed.

    Only slots of ``modes`` are rendered again; with ``touched`` (the ``runbook/check`` keys a run changed),
    only those checks' slots and the modes' summaries. Pages holding none of them are not opened (the slot
    index says where every slot is, see ``slotindex``).
    """
    slot_index = load_slot_index(site_dir, modes)
    changed = []
    # The runbooks holding a touched check, worked out once: a runbook's own slots ask for them on every page.
    scope = None if touched is None else _Touched(touched, {key.partition("/")[0] for key in touched})
    for rel in _pages(site_dir, slot_index, modes):
        known = slot_index.get(rel)
        if known is not None and not any(_affected(s.kind, s.arg, modes, scope) for s in known):
            continue
        page = site_dir / rel
        try:
            data = page.read_bytes()
        except FileNotFoundError:
            continue
        slots = known if known is not None else locate(data)
        if not slots:
            continue
        stamped, slot_index[rel] = splice(data, slots, lambda kind, arg: _render(kind, arg, index, modes, scope))
        if stamped != data:
            write_atomic(page, stamped, durable=False)  # drawn from the store, which is durable
            changed.append(page)
    save_slot_index(site_dir, slot_index)
    return changed


def _pages(site_dir: Path, slot_index: dict[str, list[Located]], modes: list[str]) -> list[str]:
    """The home page and the modes' pages: from the slot index, or, for a mode it has no part for (lost, or a
    site built before the index), by walking the mode's folder."""
    pages = ["index.html"]
    for mode in modes:
        known = [rel for rel in slot_index if part_of(rel) == mode]
        pages += known or [p.relative_to(site_dir).as_posix() for p in sorted((site_dir / mode).rglob("*.html"))]
    return pages


# Slots whose argument is a runbook, not one of its checks: the badge image (its alt text) and the banner.
_PER_RUNBOOK = frozenset({"badgeimg", "maintenance"})


class _Touched(NamedTuple):
    keys: set[str]  # runbook/check
    runbooks: set[str]  # the runbooks those checks are in


def _affected(kind: str, arg: str, modes: list[str], touched: _Touched | None) -> bool:
    mode, key = _split(arg)
    if kind not in RENDERERS or mode not in modes:
        return False
    if touched is None or kind in ("summary", "lastrun", "dashboard") or (kind == "maintenance" and not key):
        return True
    if kind == "runbook":
        runbook, _, ids = key.partition(":")
        return any(f"{runbook}/{check}" in touched.keys for check in ids.split(","))
    if kind in _PER_RUNBOOK:  # a runbook's slot: it changes with any of its checks
        return key in touched.runbooks
    return key in touched.keys


def _render(kind: str, arg: str, index: ResultsIndex, modes: list[str], touched: _Touched | None) -> str | None:
    return RENDERERS[kind](arg, index) if _affected(kind, arg, modes, touched) else None


def filtered_index(catalog: "Catalog", modes: list[str] | None = None, stored: ResultsIndex | None = None) -> ResultsIndex:
    """Stored results of ``modes`` (default: all), limited to checks that exist now, so removed checks
    vanish; with the project's settings for showing them and the checks each mode lists. ``stored``: the
    store as the caller just wrote it, instead of reading it back."""
    modes = list(catalog.project.modes) if modes is None else modes
    index = stored if stored is not None else load_index(catalog.root, modes)
    index.stale_after = catalog.project.stale_after
    index.flapping = catalog.project.history["flapping"]
    for mode in modes:
        keep = catalog.check_keys(mode)
        index.results[mode] = {k: r for k, r in index.for_mode(mode).items() if k in keep}
        index.vantages[mode] = {k: v for k, v in index.vantages.get(mode, {}).items() if k in keep}
        index.listing[mode] = [Listed(v.id, v.title, [(c.id, c.title) for c in v.active_checks])
                               for v in sorted(catalog.views(mode), key=lambda v: v.title.lower())]
    index.notices = notices(catalog, datetime.now(timezone.utc))
    return index


def notices(catalog: "Catalog", now: datetime) -> dict[str, list[Notice]]:
    """Maintenance banners by page: ``<mode>`` (the dashboard) and ``<mode>/<runbook>`` (its pages),
    from the declared windows and the ad-hoc ones in the store, over the coming weeks."""
    since, until = horizon(now)
    found: dict[str, list[Notice]] = {}
    for window in [*catalog.windows(), *load_adhoc(catalog.root, now)]:
        notice = Notice.of(window, since, until)
        if notice is None:
            continue
        for mode in [m for m in catalog.project.modes if not window.scope.modes or m in window.scope.modes]:
            covered = [v.id for v in catalog.views(mode)
                       if window.scope.covers_any(mode, v.id, v.tags, [c.id for c in v.active_checks])]
            for page in [mode, *(f"{mode}/{runbook}" for runbook in covered)]:
                found.setdefault(page, []).append(notice)
    return found
