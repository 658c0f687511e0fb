"""``junit``: JUnit XML as Jenkins, GitLab and GitHub read it; one suite per runbook."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from generator.run.results import Result, Run, State

__all__ = ["NAME", "HELP", "USES_SITE_URL", "render"]

NAME = "junit"
HELP = ("JUnit XML, one suite per runbook: CRITICAL is a failure, UNKNOWN an error, SKIPPED and MAINTENANCE "
        "skipped")
USES_SITE_URL = False

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    """XML 1.0 cannot carry control characters, even escaped: drop them."""
    return _XML_BAD.sub("", text)


def render(run: Run) -> str:
    """One ``testsuite`` per runbook, one ``testcase`` per check."""
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
    elif result.state is State.MAINTENANCE:  # planned work: reported, never failing
        reason = _x(f"MAINTENANCE: {result.maintenance}; the probe saw {result.probed_state}: {result.summary}")
        ET.SubElement(case, "skipped", message=reason).text = body
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
    element.set("skipped", str(sum(1 for r in results if r.state in (State.SKIPPED, State.MAINTENANCE))))
    element.set("time", f"{sum(r.duration_ms for r in results) / 1000:.3f}")
