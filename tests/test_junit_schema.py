"""JUnit output that strict consumers accept: valid against junit-10.xsd.

The schema is the one Jenkins' xUnit plugin validates with (and pytest checks
its own output against), vendored in ``tests/schemas/junit-10.xsd``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import xmlschema

from generator.run.reporters import junit
from generator.run.results import FAIL_ON, State

from .test_reporters import fixture_run

SCHEMA = xmlschema.XMLSchema(str(Path(__file__).resolve().parent / "schemas" / "junit-10.xsd"))


@pytest.mark.parametrize("fail_on", list(FAIL_ON))
def test_every_state_under_every_fail_on_is_valid_junit(fail_on: str) -> None:
    run = replace(fixture_run(), fail_on=fail_on)
    text = junit.render(run)
    SCHEMA.validate(text)  # raises with the offending element and the rule it breaks
    root = SCHEMA.decode(text)
    assert "@skipped" not in root  # the root has no skipped attribute in this schema


def test_what_fails_the_run_is_what_junit_fails() -> None:
    """UNKNOWN fails by default (an error); with --fail-on critical it is reported as skipped instead."""
    by_default = junit.render(fixture_run())
    assert '<testsuites name="run-checks local" tests="8" failures="1" errors="1"' in by_default
    assert '<error message="UNKNOWN: secret OPS_TOKEN is not set" type="error">' in by_default
    lenient = junit.render(replace(fixture_run(), fail_on="critical"))
    assert 'errors="0"' in lenient and '<skipped message="UNKNOWN: secret OPS_TOKEN is not set" />' in lenient
    strict = junit.render(replace(fixture_run(), fail_on="warning"))
    assert '<failure message="WARNING: latency 180 ms &gt; warn 100 ms" type="assertion">' in strict


def test_the_validator_rejects_what_the_old_output_carried() -> None:
    """A root ``skipped`` attribute and test-case properties, as the output had them, are invalid: the test can fail."""
    text = junit.render(fixture_run())
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate(text.replace('<testsuites name="run-checks local"', '<testsuites skipped="1" name="x"', 1))
    old_case = '<testcase name="c"><properties><property name="attempts" value="2" /></properties></testcase>'
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        SCHEMA.validate(f'<testsuites><testsuite name="s" tests="1" failures="0" errors="0">{old_case}'
                        "</testsuite></testsuites>")
    assert State.UNKNOWN in FAIL_ON["unknown"] and State.UNKNOWN not in FAIL_ON["critical"]
