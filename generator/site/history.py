"""A check's recent states, as pages show them: a strip of cells and a flapping mark.

Pure functions over ``(started_at, state)`` pairs from the results store, so a
build and a stamp draw the same strip. The SVG is drawn here, in Python, not by
a Jinja macro: a page of 1000 checks carries 50 cells each, and drawing them
through Jinja was 86 % of the time a stamp took. The ``history_strip`` macro in
``site_templates/partials/results.html`` places it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from markupsafe import Markup, escape

__all__ = ["Cell", "Strip", "state_changes", "strip", "strip_html", "STRIP_HEIGHT"]

STRIP_HEIGHT = 14
# The strip stays about this wide whatever the kept window, so a dashboard row fits a laptop screen.
_TARGET_WIDTH = 240
_MIN_PITCH, _MAX_PITCH = 4, 10


@dataclass
class Cell:
    x: int
    width: int
    state: str
    started_at: str


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
    def html(self) -> Markup:
        return strip_html(self)


def state_changes(states: Sequence[str]) -> int:
    """How many times the state differs from the run before it."""
    return sum(1 for before, after in zip(states, states[1:]) if before != after)


def strip(entries: Sequence[tuple[str, str]], flapping_over: int) -> Strip:
    """Cells oldest to newest; flapping when the state changed more than ``flapping_over`` times."""
    pitch = max(_MIN_PITCH, min(_MAX_PITCH, _TARGET_WIDTH // max(1, len(entries))))
    cells = [Cell(i * pitch, pitch - 1, state, started_at) for i, (started_at, state) in enumerate(entries)]
    changes = state_changes([state for _, state in entries])
    return Strip(cells, max(0, len(cells) * pitch - 1), changes, changes > flapping_over, flapping_over)


# As results.html names and colours states (runbooks.css recolours the cells for dark mode).
_LABELS = {"NOTRUN": "NOT RUN"}
_FILLS = {"OK": "#1b7f3b", "WARNING": "#d29b00", "CRITICAL": "#b3261e", "UNKNOWN": "#6a3d9a", "SKIPPED": "#9aa0a6",
          "NOTRUN": "#9aa0a6"}


def _cell(cell: Cell, height: int) -> str:
    when = escape(cell.started_at.replace("T", " ").replace("Z", " UTC"))
    return (f'<rect class="rb-strip__cell rb-strip__cell--{escape(cell.state.lower())}" x="{cell.x}" y="0" '
            f'width="{cell.width}" height="{height}" rx="1" fill="{_FILLS.get(cell.state, _FILLS["NOTRUN"])}">'
            f"<title>{when}: {escape(_LABELS.get(cell.state, cell.state))}</title>"
            "</rect>")


def strip_html(s: Strip) -> Markup:
    """The strip as inline SVG: a cell per run, oldest first, each titled with its time and state."""
    if not s.cells:
        return Markup('<span class="rb-history rb-history--empty" data-rb-runs="0">no history yet</span>')
    runs = len(s.cells)
    flapping = (f' <span class="rb-flapping" title="changed state {s.changes} times in the last {runs} runs '
                f'(more than {s.flapping_over})"><span aria-hidden="true">⇅</span> flapping</span>') if s.flapping else ""
    return Markup(f'<span class="rb-history" data-rb-runs="{runs}" data-rb-changes="{s.changes}"><svg class="rb-strip" '
                  f'xmlns="http://www.w3.org/2000/svg" width="{s.width}" height="{s.height}" '
                  f'viewBox="0 0 {s.width} {s.height}" role="img" aria-label="last {runs} runs, oldest first: '
                  f'{s.changes} state changes">' + "".join(_cell(c, s.height) for c in s.cells)
                  + f"</svg>{flapping}</span>")
