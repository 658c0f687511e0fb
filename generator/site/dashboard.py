"""The status dashboard's order: runbooks worst first, and checks worst first within each.

The order depends on results, so it is decided when slots are rendered (at
build and at every stamp), not when the page template is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.run.results import Result
from generator.run.store import Listed, ResultsIndex
from generator.site.vantages import VantageState, vantage_states

__all__ = ["RANK", "Row", "Group", "groups"]

# Worst first. A check that has not run is unproven: below any failure, above OK; one in
# maintenance is planned work: below the unproven, above OK.
RANK = {"CRITICAL": 6, "UNKNOWN": 5, "WARNING": 4, "NOTRUN": 3, "MAINTENANCE": 2, "OK": 1, "SKIPPED": 0}


@dataclass
class Row:
    runbook: str
    check: str
    title: str
    result: Result | None
    vantages: list[VantageState] = field(default_factory=list)  # worst first

    @property
    def key(self) -> str:
        return f"{self.runbook}/{self.check}"

    @property
    def state(self) -> str:
        return self.result.state.value if self.result else "NOTRUN"


@dataclass
class Group:
    runbook: str
    title: str
    rows: list[Row]

    @property
    def results(self) -> list[Result | None]:
        return [row.result for row in self.rows]


def _group(mode: str, listed: Listed, index: ResultsIndex) -> Group:
    rows = [Row(listed.id, check, title, index.get(mode, f"{listed.id}/{check}"),
                vantage_states(index, mode, f"{listed.id}/{check}")) for check, title in listed.checks]
    rows.sort(key=lambda row: -RANK[row.state])  # stable: equal states keep the runbook's order
    return Group(listed.id, listed.title, rows)


def _badness(group: Group) -> tuple[int, int]:
    worst = max((RANK[row.state] for row in group.rows), default=-1)
    return worst, sum(1 for row in group.rows if RANK[row.state] == worst)


def groups(mode: str, index: ResultsIndex) -> list[Group]:
    """Runbooks with checks in ``mode``: worst state first, then most checks in it, then by title."""
    found = [_group(mode, listed, index) for listed in index.listing.get(mode, []) if listed.checks]
    return sorted(found, key=lambda g: (-_badness(g)[0], -_badness(g)[1], g.title.lower()))
