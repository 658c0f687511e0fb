"""Output formats for a run, listed once: ``REPORTERS[name](run) -> str``."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Callable

from . import __version__
from .results import Result, State
from .store import SCHEMA_VERSION

__all__ = ["Run", "REPORTERS", "to_json", "to_junit", "to_nagios", "summary_table", "counts"]


@dataclass
class Run:
    mode: str
    commit: str
    started_at: str
    finished_at: str
    duration_ms: float
    results: list[Result]
    fail_on: str = "critical"
    exit_code: int = 0


def counts(results: list[Result]) -> dict[str, int]:
    return {s.value: sum(1 for r in results if r.state is s) for s in State}


def to_json(run: Run) -> str:
    payload = {
        "schema_version": SCHEMA_VERSION, "tool": f"runbooks {__version__}", "mode": run.mode, "commit": run.commit,
        "started_at": run.started_at, "finished_at": run.finished_at, "duration_ms": round(run.duration_ms, 1),
        "fail_on": run.fail_on, "exit_code": run.exit_code, "summary": counts(run.results),
        "results": [r.to_dict() for r in run.results],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    """XML 1.0 cannot carry control characters, even escaped: drop them."""
    return _XML_BAD.sub("", text)


def to_junit(run: Run) -> str:
    """JUnit XML as Jenkins, GitLab and GitHub reporters read it: one suite per runbook."""
    suites = ET.Element("testsuites", name=f"run-checks {run.mode}")
    by_runbook: dict[str, list[Result]] = {}
    for result in run.results:
        by_runbook.setdefault(result.runbook, []).append(result)
    for runbook, results in by_runbook.items():
        suite = ET.SubElement(suites, "testsuite", name=f"{run.mode}.{runbook}", timestamp=run.started_at)
        for result in results:
            _testcase(suite, result, run)
        _totals(suite, results, run)
    _totals(suites, run.results, run)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _fails(result: Result, run: Run) -> bool:
    return result.state is State.CRITICAL or (result.state is State.WARNING and run.fail_on == "warning")


def _testcase(suite: ET.Element, result: Result, run: Run) -> None:
    case = ET.SubElement(suite, "testcase", classname=f"{run.mode}.{result.runbook}", name=result.check,
                         time=f"{result.duration_ms / 1000:.3f}")
    note = f" ({result.note})" if result.note else ""
    message = _x(f"{result.state.value}: {result.summary}{note}")
    body = _x(f"{result.reason or 'ok'}: {result.summary}{note}\nobserved: {result.observed}\n\n{result.evidence}")
    if result.attempts > 1:
        properties = ET.SubElement(case, "properties")
        ET.SubElement(properties, "property", name="attempts", value=str(result.attempts))
    if result.state is State.OK and result.note:
        ET.SubElement(case, "system-out").text = _x(f"{result.note}: {result.summary}")
    elif result.state is State.SKIPPED:
        ET.SubElement(case, "skipped", message=message)
    elif result.state is State.UNKNOWN:
        ET.SubElement(case, "error", message=message, type=result.reason or "error").text = body
    elif _fails(result, run):
        ET.SubElement(case, "failure", message=message, type=result.reason or "assertion").text = body
    elif result.state is State.WARNING:
        ET.SubElement(case, "system-out").text = body


def _totals(element: ET.Element, results: list[Result], run: Run) -> None:
    element.set("tests", str(len(results)))
    element.set("failures", str(sum(1 for r in results if r.state is not State.UNKNOWN and _fails(r, run))))
    element.set("errors", str(sum(1 for r in results if r.state is State.UNKNOWN)))
    element.set("skipped", str(sum(1 for r in results if r.state is State.SKIPPED)))
    element.set("time", f"{sum(r.duration_ms for r in results) / 1000:.3f}")


def to_nagios(run: Run) -> str:
    return "".join(r.nagios_line() + "\n" for r in run.results)


def summary_table(run: Run) -> str:
    """The closing table: one row per non-OK check, then counts."""
    rows = [r for r in run.results if r.state not in (State.OK, State.SKIPPED)]
    lines = []
    if rows:
        width = max(len(r.key) for r in rows)
        lines.append(f"{'STATE':<9} {'CHECK':<{width}}  {'REASON':<10} SUMMARY")
        lines += [f"{r.state.value:<9} {r.key:<{width}}  {r.reason:<10} {r.summary[:160]}" for r in rows]
        lines.append("")
    total = counts(run.results)
    parts = ", ".join(f"{n} {s.lower()}" for s, n in total.items() if n)
    lines.append(f"{len(run.results)} checks in mode {run.mode} ({parts}) in {run.duration_ms / 1000:.2f}s")
    return "\n".join(lines) + "\n"


REPORTERS: dict[str, Callable[[Run], str]] = {"json": to_json, "junit": to_junit, "nagios": to_nagios}
