"""A month of history for a catalogue: what the status dashboard of a real team holds.

Used by ``make bench`` (the dashboard row) and by the Chromium test of the
dashboard at that size (tests/test_dashboard_scale.py), so both judge the
same page. Every check of the mode gets ``runs`` results, hourly, ending now:
most checks always OK; one in 20 had an incident (four runs CRITICAL, then
OK again); one in 50 flaps between OK and WARNING; one in 100 is CRITICAL in
the last three runs. Deterministic: the same catalogue gives the same store.
"""

from __future__ import annotations

import time
from pathlib import Path

from generator.format.catalog import load_catalog
from generator.run.results import Result, State
from generator.run.store import RunInfo, record_run

import bench  # bench/bench.py (importers of this module put bench/ on sys.path)

__all__ = ["month_project", "record_month", "state_of"]


def state_of(index: int, run: int, runs: int) -> State:
    """The state of the ``index``-th check in run ``run`` of ``runs`` (oldest first)."""
    if index % 100 == 0 and run >= runs - 3:
        return State.CRITICAL
    if index % 20 == 7 and runs // 2 - 5 <= run < runs // 2 - 1:
        return State.CRITICAL
    if index % 50 == 13 and run % 3 == 0:
        return State.WARNING
    return State.OK


def month_project(root: Path, checks: int = 1000, runs: int = 50) -> int:
    """The benchmark's project of ``checks`` http checks, ready to build, with a month of ``runs`` runs
    recorded; return the checks recorded."""
    bench.write_site_project(root, "http://127.0.0.1:9", checks)
    return record_month(root, runs=runs)


def record_month(root: Path, mode: str = "local", runs: int = 50, now: float | None = None) -> int:
    """Record ``runs`` hourly runs of every check of ``mode`` into the project's store; return the checks."""
    catalog = load_catalog(root)
    checks = [c for v in catalog.views(mode) for c in v.active_checks]
    keep = catalog.check_keys(mode)
    end = time.time() if now is None else now
    for run in range(runs):
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end - (runs - 1 - run) * 3600))
        results = [_result(mode, c, i, state_of(i, run, runs), started) for i, c in enumerate(checks)]
        record_run(root, RunInfo(mode, started, "0" * 40), results, keep, catalog.project.history["keep"])
    return len(checks)


def _result(mode: str, check: object, index: int, state: State, started: str) -> Result:
    ok = state is State.OK
    summary = f"HTTP 200 in {index % 50} ms" if ok else "status: expected 200, got 503"
    return Result(mode, check.runbook, check.id, check.title, check.kind, state, summary,  # type: ignore[attr-defined]
                  "" if ok else "assertion", f"HTTP {200 if ok else 503} in {index % 50} ms",
                  "" if ok else "status: expected 200, got 503", [f"latency={index % 50}ms;200;1000"], {}, 3.0, started,
                  f"GET {check.params['url']}")  # type: ignore[attr-defined]
