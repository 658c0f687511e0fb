"""What a generated check script runs: the same engine as ``run-checks``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import httpx  # noqa: F401  imported here so a script falls back to the venv when it is missing
import yaml  # noqa: F401

from .engine import RunOptions, run_checks_sync
from .model import CheckSpec
from .results import State, worst

__all__ = ["main"]


def main(runbook: str, mode: str, checks: Sequence[dict[str, Any]], root: str, argv: Sequence[str] = ()) -> int:
    specs = [CheckSpec.from_dict(runbook, c) for c in checks]
    results = run_checks_sync(specs, mode, Path(root), RunOptions(concurrency=10))
    verbose = "-v" in argv or "--verbose" in argv
    for result in results:
        print(result.nagios_line())
        if verbose and result.state not in (State.OK, State.SKIPPED) and result.evidence:
            print("  " + result.evidence.replace("\n", "\n  "))
    return worst(r.state for r in results).exit_code if results else State.UNKNOWN.exit_code
