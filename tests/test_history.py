"""History strips: one cell per run, oldest first, and the flapping mark past K changes."""

from __future__ import annotations

from generator.site.history import STRIP_HEIGHT, state_changes, strip


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


def test_the_text_alternative_says_the_states_and_the_last_failure():
    from generator.site.history import describe

    ten = [(f"2026-12-02T0{i}:54:12Z", "CRITICAL" if i in (3, 5) else "OK") for i in range(10)]
    assert describe(ten) == "last 10 runs: 8 OK, 2 CRITICAL, last failure 2026-12-02 05:54 UTC"
    assert strip(ten, 3).summary == describe(ten)
    assert describe(runs("OK", "OK")) == "last 2 runs: 2 OK, no failures"
    assert describe(runs("UNKNOWN")) == "last 1 run: 1 UNKNOWN, last failure 2026-01-01 00:00 UTC"
    # every state, in the badges' order and words; a skipped run is no failure
    assert describe(runs("SKIPPED", "WARNING", "OK", "NOTRUN", "CRITICAL", "SKIPPED")) == \
        "last 6 runs: 1 OK, 1 WARNING, 1 CRITICAL, 2 SKIPPED, 1 NOT RUN, last failure 2026-01-01 00:00 UTC"
    assert describe([]) == "no history yet"


def test_a_worse_state_draws_a_taller_cell():
    """Not colour alone: a failure stands out by its height too; cells stand on the baseline."""
    cells = {c.state: c for c in strip(runs("SKIPPED", "OK", "WARNING", "CRITICAL", "UNKNOWN"), 3).cells}
    assert cells["SKIPPED"].height < cells["OK"].height < cells["WARNING"].height < cells["CRITICAL"].height
    assert cells["CRITICAL"].height == cells["UNKNOWN"].height == STRIP_HEIGHT
    assert all(c.y + c.height == STRIP_HEIGHT and c.height > 0 for c in cells.values())
