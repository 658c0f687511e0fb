"""Output formats for a run, listed once.

Each format is a module with ``NAME``, ``HELP`` and ``render(run) -> str``
(the ``Reporter`` protocol). The CLI generates its options from this registry
(``--format NAME[=PATH]`` and one ``--NAME PATH`` flag per format), so adding
a format is its module and one line here.
"""

from __future__ import annotations

from typing import Protocol

from generator.run.reporters import json, junit, nagios
from generator.run.results import Run

__all__ = ["Reporter", "REPORTERS"]


class Reporter(Protocol):
    NAME: str
    HELP: str  # one line, for --help

    def render(self, run: Run) -> str: ...


REPORTERS: dict[str, Reporter] = {
    "json": json,
    "junit": junit,
    "nagios": nagios,
}
