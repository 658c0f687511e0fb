"""A check's recent states, as pages show them: a strip of cells and a flapping mark.

Pure functions over ``(started_at, state)`` pairs from the results store, so a
build and a stamp draw the same strip. The SVG is drawn here, in Python, not by
a Jinja macro: a page of 1000 checks carries 50 cells each, and drawing them
through Jinja was 86 % of the time a stamp took. ``markup`` places it (the
runbook page's slot, and a cell of the dashboard).

A strip never tells a state by colour alone: a cell is taller the worse its
state (a failure stands out to someone who cannot tell red from green), and
the strip's text alternative says what it shows, for a screen reader
("last 10 runs: 8 OK, 2 CRITICAL, last failure 2026-12-02 05:54 UTC").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Sequence

from markupsafe import Markup

from generator.site.markup import LABELS, esc, utc_text

__all__ = ["Cell", "Strip", "state_changes", "strip", "strip_html", "strip_compact_html", "describe", "STRIP_HEIGHT"]

STRIP_HEIGHT = 14
# The strip stays about this wide whatever the kept window, so a dashboard row fits a laptop screen.
_TARGET_WIDTH = 240
_MIN_PITCH, _MAX_PITCH = 4, 10
# A cell's height, in fourths of the strip, by state: the worse, the taller.
_HEIGHT = {"CRITICAL": 4, "UNKNOWN": 4, "WARNING": 3, "OK": 2, "MAINTENANCE": 2, "SKIPPED": 1, "NOTRUN": 1}
# The text alternative's order, and its words (as the result badges say them).
_ORDER = ("OK", "WARNING", "CRITICAL", "UNKNOWN", "MAINTENANCE", "SKIPPED", "NOTRUN")
_FAILURES = frozenset({"WARNING", "CRITICAL", "UNKNOWN"})


@dataclass
class Cell:
    x: int
    width: int
    state: str
    started_at: str

    @property
    def height(self) -> int:
        return STRIP_HEIGHT * _HEIGHT.get(self.state, 1) // 4

    @property
    def y(self) -> int:
        """Cells stand on the strip's baseline."""
        return STRIP_HEIGHT - self.height


@dataclass
class Strip:
    cells: list[Cell]
    width: int
    changes: int
    flapping: bool
    flapping_over: int

    @property
    def height(self) -> int:
        return STRIP_HEIGHT

    @property
    def summary(self) -> str:
        return describe([(cell.started_at, cell.state) for cell in self.cells])

    @cached_property
    def html(self) -> Markup:
        return strip_html(self)

    @cached_property
    def compact(self) -> Markup:
        return strip_compact_html(self)


def state_changes(states: Sequence[str]) -> int:
    """How many times the state differs from the run before it."""
    return sum(1 for before, after in zip(states, states[1:]) if before != after)


def _minute(iso: str) -> str:
    """``2026-12-02T05:54:12Z`` as ``2026-12-02 05:54 UTC``."""
    return f"{iso[:10]} {iso[11:16]} UTC" if len(iso) >= 16 else iso


def describe(entries: Sequence[tuple[str, str]]) -> str:
    """What a strip shows, in words: how many runs, how many in each state, the last failure."""
    if not entries:
        return "no history yet"
    states = [state for _, state in entries]
    counts = [f"{states.count(s)} {LABELS.get(s, s)}" for s in (*_ORDER, *sorted(set(states) - set(_ORDER)))
              if s in states]
    failures = [started_at for started_at, state in entries if state in _FAILURES]
    last = f"last failure {_minute(failures[-1])}" if failures else "no failures"
    runs = f"last {len(entries)} run{'s' if len(entries) != 1 else ''}"
    return f"{runs}: {', '.join(counts)}, {last}"


def strip(entries: Sequence[tuple[str, str]], flapping_over: int) -> Strip:
    """Cells oldest to newest; flapping when the state changed more than ``flapping_over`` times."""
    pitch = max(_MIN_PITCH, min(_MAX_PITCH, _TARGET_WIDTH // max(1, len(entries))))
    cells = [Cell(i * pitch, pitch - 1, state, started_at) for i, (started_at, state) in enumerate(entries)]
    changes = state_changes([state for _, state in entries])
    return Strip(cells, max(0, len(cells) * pitch - 1), changes, changes > flapping_over, flapping_over)


# As the state badges colour states (runbooks.css recolours the cells for dark mode).
_FILLS = {"OK": "#18733a", "WARNING": "#8a5a00", "CRITICAL": "#b3261e", "UNKNOWN": "#6a3d9a", "SKIPPED": "#5f6368",
          "NOTRUN": "#5f6368", "MAINTENANCE": "#1a5fb4"}


def _cell(cell: Cell) -> str:
    return _drawn_cell(cell.x, cell.width, cell.state, cell.started_at)


@lru_cache(maxsize=8192)
def _drawn_cell(x: int, width: int, state: str, started_at: str) -> str:
    """Remembered: the checks of one run share its time, so a page of 1000 strips draws each cell a few times."""
    height = STRIP_HEIGHT * _HEIGHT.get(state, 1) // 4
    when = esc(utc_text(started_at))
    return (f'<rect class="rb-strip__cell rb-strip__cell--{esc(state.lower())}" x="{x}" y="{STRIP_HEIGHT - height}" '
            f'width="{width}" height="{height}" rx="1" fill="{_FILLS.get(state, _FILLS["NOTRUN"])}">'
            f"<title>{when}: {esc(LABELS.get(state, state))}</title></rect>")


def strip_html(s: Strip) -> Markup:
    """The strip as inline SVG: a cell per run, oldest first, each titled with its time and state; its text
    alternative says the states in words."""
    return _drawn(s, "".join(_cell(c) for c in s.cells))


def strip_compact_html(s: Strip) -> Markup:
    """The same strip for the status dashboard, where a thousand of them share a page: each stretch of runs
    in one state is one bar, and the bars of a state are one path, so a stable check's fifty runs cost a
    few dozen bytes instead of fifty titled cells. The strip's title says its states in words."""
    bars: dict[str, list[str]] = {}
    for cells in _stretches(s.cells):
        first, last = cells[0], cells[-1]
        bars.setdefault(first.state, []).append(
            f"M{first.x} {first.y}h{last.x + last.width - first.x}v{first.height}H{first.x}z")
    # Coloured by class (runbooks.css, both schemes): no fill attribute per bar.
    paths = "".join(f'<path class="rb-strip__cell--{esc(state.lower())}" d="{"".join(d)}"/>'
                    for state, d in bars.items())
    return _drawn(s, paths, titled=True)


def _drawn(s: Strip, cells: str, *, titled: bool = False) -> Markup:
    """The strip's frame. Its name (what a screen reader says, and a tooltip when ``titled``) is its summary."""
    if not s.cells:
        return Markup('<span class="rb-history rb-history--empty" data-rb-runs="0">no history yet</span>')
    runs = len(s.cells)
    flapping = (f' <span class="rb-flapping" title="changed state {s.changes} times in the last {runs} runs '
                f'(more than {s.flapping_over})"><span aria-hidden="true">⇅</span> flapping</span>') if s.flapping else ""
    name = f"<title>{esc(s.summary)}</title>" if titled else ""
    # The runbook page's strip keeps its namespace and aria-label; the dashboard's needs neither inline.
    xmlns = "" if titled else ' xmlns="http://www.w3.org/2000/svg"'
    label = "" if titled else f' aria-label="{esc(s.summary)}"'
    return Markup(f'<span class="rb-history" data-rb-runs="{runs}" data-rb-changes="{s.changes}"><svg class="rb-strip"{xmlns} '
                  f'width="{s.width}" height="{s.height}" viewBox="0 0 {s.width} {s.height}" role="img"{label}>'
                  f'{name}{cells}</svg>{flapping}</span>')


def _stretches(cells: Sequence[Cell]) -> list[list[Cell]]:
    out: list[list[Cell]] = []
    for cell in cells:
        if out and out[-1][-1].state == cell.state:
            out[-1].append(cell)
        else:
            out.append([cell])
    return out
