"""A check seen from several vantage points: one state per vantage, worst first.

Runs that name a vantage (``run-checks --vantage eu-west``) keep a result per
check and vantage; the headline is the worst of them, and the pages list each
("CRITICAL from eu-west, OK from us-east").
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.run.results import State
from generator.run.store import ResultsIndex

__all__ = ["VantageState", "vantage_states"]


@dataclass(frozen=True)
class VantageState:
    name: str
    state: str


def vantage_states(index: ResultsIndex, mode: str, key: str) -> list[VantageState]:
    """Each vantage's state of a check, worst first (empty when no run named a vantage)."""
    found = [VantageState(name or "default", r.state.value) for name, r in index.by_vantage(mode, key).items()]
    return sorted(found, key=lambda v: (-State(v.state).rank, v.name))
