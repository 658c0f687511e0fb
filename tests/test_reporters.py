"""Every output format against its golden file, on one small fixed run.

The goldens live in ``tests/goldens/run.<format>``. After an intended change
to a format, regenerate them with ``pytest tests/test_reporters.py
--update-goldens`` and read the diff before committing it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from generator.run.reporters import REPORTERS
from generator.run.results import Result, Run, State

GOLDENS = Path(__file__).resolve().parent / "goldens"


def fixture_run() -> Run:
    """One check per state, with what makes formats differ: retries, perfdata, evidence, XML-hostile text,
    a check in a maintenance window and one skipped for its needs."""
    base = Result("local", "web", "", "", "http", State.OK, "", started_at="2026-12-02T09:00:00Z",
                  target="GET http://127.0.0.1:8080/")

    def result(check: str, state: State, summary: str, **extra: object) -> Result:
        return replace(base, check=check, title=f"Check {check}", state=state, summary=summary, **extra)

    results = [
        result("up", State.OK, "HTTP 200 in 12 ms", observed="HTTP 200 in 12 ms", duration_ms=12.5,
               perfdata=["latency=12.5ms;100;500"], metrics={"latency_ms": 12.5}),
        result("flaky", State.OK, "HTTP 200 in 15 ms", observed="HTTP 200 in 15 ms", duration_ms=1015.0, attempts=2,
               note="passed after 1 retry"),
        result("slow", State.WARNING, "latency 180 ms > warn 100 ms", reason="assertion", observed="HTTP 200 in 180 ms",
               evidence="latency: expected at most 100 ms (warn), got 180 ms", duration_ms=180.0,
               perfdata=["latency=180ms;100;500"], severity="warning"),
        result("health", State.CRITICAL, "status: expected 200, got 503", reason="assertion",
               observed="HTTP 503 in 4 ms", evidence="status: expected 200, got 503\n\nHTTP 503\n\n<b>down</b> & \x07out",
               duration_ms=4.2, runbook="api"),
        result("token", State.UNKNOWN, "secret OPS_TOKEN is not set", reason="error", runbook="api"),
        result("aws-only", State.SKIPPED, "does not apply to mode local", runbook="api"),
        result("db", State.MAINTENANCE, "connection failed: [Errno 111] Connection refused", reason="connect",
               runbook="api", kind="tcp", target="tcp 127.0.0.1:5432", duration_ms=0.8,
               evidence="expected: an answer from tcp 127.0.0.1:5432 within the timeout", maintenance="Database upgrade",
               probed_state="CRITICAL"),
        result("after-db", State.SKIPPED, "needs db (it is MAINTENANCE)", reason="needs", runbook="api"),
    ]
    return Run("local", "feedc0ffee1234567890", "2026-12-02T09:00:00Z", "2026-12-02T09:00:01Z", 1234.5, results,
               "unknown", 1)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "format_name" in metafunc.fixturenames:
        metafunc.parametrize("format_name", list(REPORTERS))


def test_format_matches_its_golden_file(format_name: str, request: pytest.FixtureRequest) -> None:
    golden = GOLDENS / f"run.{format_name}"
    text = REPORTERS[format_name].render(fixture_run())
    if request.config.getoption("--update-goldens"):
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run pytest {__file__} --update-goldens"
    assert text == golden.read_text(encoding="utf-8"), f"{format_name} drifted from {golden} (--update-goldens)"


def test_every_golden_file_belongs_to_a_format() -> None:
    assert sorted(p.suffix[1:] for p in GOLDENS.glob("run.*")) == sorted(REPORTERS)
