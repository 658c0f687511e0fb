"""``junit``: JUnit XML as Jenkins, GitLab and GitHub read it; one suite per runbook."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from generator.run.results import Result, Run, State

__all__ = ["NAME", "HELP", "USES_SITE_URL", "render"]

NAME = "junit"
HELP = ("JUnit XML, one suite per runbook: what fails the run (--fail-on) is a failure, UNKNOWN an error, "
        "SKIPPED and MAINTENANCE skipped")
USES_SITE_URL = False

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: str) -> str:
    """XML 1.0 cannot carry control characters, even escaped: drop them."""
    return _XML_BAD.sub("", text)


def render(run: Run) -> str:
    """One ``testsuite`` per runbook, one ``testcase`` per check; valid against junit-10.xsd (Jenkins xunit)."""
    suites = ET.Element("testsuites", name=f"run-checks {run.mode}")
    by_runbook: dict[str, list[Result]] = {}
    for result in run.results:
        by_runbook.setdefault(result.runbook, []).append(result)
    for runbook, results in by_runbook.items():
        suite = ET.SubElement(suites, "testsuite", name=f"{run.mode}.{runbook}", timestamp=run.started_at)
        _properties(suite, results)
        for result in results:
            _testcase(suite, result, run)
        _totals(suite, results, run)
        suite.set("skipped", str(sum(1 for r in results if _verdict(r, run) == "skipped")))
    _totals(suites, run.results, run)  # junit-10.xsd has no ``skipped`` on the root
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _verdict(result: Result, run: Run) -> str | None:
    """The element a result becomes: what fails the run (per --fail-on) is a failure, or an error when
    the check could not run (UNKNOWN); an UNKNOWN that does not fail the run is reported as skipped."""
    if result.state in (State.SKIPPED, State.MAINTENANCE) or (result.state is State.UNKNOWN and not run.fails(result)):
        return "skipped"
    if run.fails(result):
        return "error" if result.state is State.UNKNOWN else "failure"
    return None


def _properties(suite: ET.Element, results: list[Result]) -> None:
    """Attempts of retried checks: junit-10.xsd allows properties on a suite, not on a test case."""
    retried = [r for r in results if r.attempts > 1]
    if retried:
        properties = ET.SubElement(suite, "properties")
        for result in retried:
            ET.SubElement(properties, "property", name=f"{result.check}.attempts", value=str(result.attempts))


def _testcase(suite: ET.Element, result: Result, run: Run) -> None:
    case = ET.SubElement(suite, "testcase", classname=f"{run.mode}.{result.runbook}", name=result.check,
                         time=f"{result.duration_ms / 1000:.3f}")
    note = f" ({result.note})" if result.note else ""
    message = _x(f"{result.state.value}: {result.summary}{note}")
    body = _x(f"{result.reason or 'ok'}: {result.summary}{note}\nobserved: {result.observed}\n\n{result.evidence}")
    verdict = _verdict(result, run)
    if result.state is State.MAINTENANCE:  # planned work: reported, never failing
        ET.SubElement(case, "skipped", message=_x(f"MAINTENANCE: {result.maintenance}; the probe saw "
                                                  f"{result.probed_state}: {result.summary}"))
    elif verdict == "skipped":
        ET.SubElement(case, "skipped", message=message)
    elif verdict is not None:
        ET.SubElement(case, verdict, message=message, type=result.reason or verdict).text = body
    elif result.state is State.OK and result.note:
        ET.SubElement(case, "system-out").text = _x(f"{result.note}: {result.summary}")
    elif result.state is not State.OK:
        ET.SubElement(case, "system-out").text = body


def _totals(element: ET.Element, results: list[Result], run: Run) -> None:
    verdicts = [_verdict(r, run) for r in results]
    element.set("tests", str(len(results)))
    element.set("failures", str(verdicts.count("failure")))
    element.set("errors", str(verdicts.count("error")))
    element.set("time", f"{sum(r.duration_ms for r in results) / 1000:.3f}")
