"""What a generated check script runs: the run pipeline, reported as a Nagios plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from importlib.util import find_spec

from generator.format.model import CheckSpec
from generator.run.engine import RunOptions
from generator.run.pipeline import RunRequest, run
from generator.run.results import State, worst

__all__ = ["main"]

# A script falls back to the project's .venv on ImportError: say so now when a dependency is missing.
for _needed in ("aiohttp",):
    if find_spec(_needed) is None:
        raise ImportError(f"No module named {_needed!r}")


def main(runbook: str, mode: str, checks: Sequence[dict[str, Any]], root: str, argv: Sequence[str] = ()) -> int:
    specs = [CheckSpec.from_dict(runbook, c) for c in checks]
    report = run(RunRequest(Path(root), mode, checks=specs, options=RunOptions(concurrency=10), record=False,
                            commit=""))
    verbose = "-v" in argv or "--verbose" in argv
    for result in report.run.results:
        print(result.nagios_line())
        if verbose and result.state not in (State.OK, State.SKIPPED) and result.evidence:
            print("  " + result.evidence.replace("\n", "\n  "))
    return worst(r.state for r in report.run.results).exit_code if report.run.results else State.UNKNOWN.exit_code
