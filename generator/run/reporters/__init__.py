"""Output formats for a run, listed once.

Each format is a module with ``NAME``, ``HELP``, ``USES_SITE_URL`` and
``render(run) -> str`` (the ``Reporter`` protocol). The CLI generates its options from this registry
(``--format NAME[=PATH]`` and one ``--NAME PATH`` flag per format), so adding
a format is its module and one line here.
"""

from __future__ import annotations

from typing import Protocol

from generator.run.reporters import json, junit, markdown, nagios, openmetrics
from generator.run.results import Run

__all__ = ["Reporter", "REPORTERS"]


class Reporter(Protocol):
    NAME: str
    HELP: str  # one line, for --help
    USES_SITE_URL: bool  # links to the pages: the pipeline fills ``Run.site_url`` (mkdocs.yml's site_url)

    def render(self, run: Run) -> str: ...


REPORTERS: dict[str, Reporter] = {
    "json": json,
    "junit": junit,
    "nagios": nagios,
    "openmetrics": openmetrics,
    "markdown": markdown,
}
