"""``nagios``: one plugin line per check, ``STATE - check: summary | perfdata``."""

from __future__ import annotations

from generator.run.results import Run

__all__ = ["NAME", "HELP", "USES_SITE_URL", "render"]

NAME = "nagios"
HELP = "one Nagios plugin line per check: STATE - check: summary | perfdata"
USES_SITE_URL = False


def render(run: Run) -> str:
    return "".join(r.nagios_line() + "\n" for r in run.results)
