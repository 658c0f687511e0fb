"""History strips: one cell per run, oldest first, and the flapping mark past K changes."""

from __future__ import annotations

from generator.site.history import state_changes, strip


def runs(*states: str) -> list[tuple[str, str]]:
    return [(f"2026-01-01T00:00:{i:02d}Z", s) for i, s in enumerate(states)]


def test_state_changes_count_transitions_not_failures():
    assert state_changes([]) == 0
    assert state_changes(["CRITICAL"] * 5) == 0
    assert state_changes(["OK", "CRITICAL", "CRITICAL", "OK"]) == 2
    assert state_changes(["OK", "WARNING", "CRITICAL", "UNKNOWN"]) == 3


def test_flapping_means_more_than_k_changes():
    assert not strip(runs("OK", "CRITICAL", "OK", "CRITICAL"), 3).flapping  # 3 changes: not more than 3
    flapping = strip(runs("OK", "CRITICAL", "OK", "CRITICAL", "OK"), 3)
    assert flapping.flapping and flapping.changes == 4 and flapping.flapping_over == 3
    assert strip(runs("OK", "CRITICAL"), 0).flapping


def test_cells_are_oldest_first_and_do_not_overlap():
    cells = strip(runs("OK", "WARNING", "CRITICAL"), 3).cells
    assert [c.state for c in cells] == ["OK", "WARNING", "CRITICAL"]
    assert [c.started_at[-3:-1] for c in cells] == ["00", "01", "02"]
    assert all(a.x + a.width < b.x for a, b in zip(cells, cells[1:]))


def test_a_long_window_stays_about_as_wide_as_a_short_one():
    wide = strip(runs(*["OK"] * 50), 3)
    narrow = strip(runs(*["OK"] * 2), 3)
    assert len(wide.cells) == 50 and wide.width <= 250 and min(c.width for c in wide.cells) >= 3
    assert narrow.width < 30
    assert strip([], 3).cells == [] and strip([], 3).width == 0
