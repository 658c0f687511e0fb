"""A check's recent states, as pages show them: a strip of cells and a flapping mark.

Pure functions over ``(started_at, state)`` pairs from the results store, so a
build and a stamp draw the same strip. The SVG itself is drawn by the
``history_strip`` macro in ``site_templates/partials/results.html``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

__all__ = ["Cell", "Strip", "state_changes", "strip", "STRIP_HEIGHT"]

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


def state_changes(states: Sequence[str]) -> int:
    """How many times the state differs from the run before it."""
    return sum(1 for before, after in zip(states, states[1:]) if before != after)


def strip(entries: Sequence[tuple[str, str]], flapping_over: int) -> Strip:
    """Cells oldest to newest; flapping when the state changed more than ``flapping_over`` times."""
    pitch = max(_MIN_PITCH, min(_MAX_PITCH, _TARGET_WIDTH // max(1, len(entries))))
    cells = [Cell(i * pitch, pitch - 1, state, started_at) for i, (started_at, state) in enumerate(entries)]
    changes = state_changes([state for _, state in entries])
    return Strip(cells, max(0, len(cells) * pitch - 1), changes, changes > flapping_over, flapping_over)
