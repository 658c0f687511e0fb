"""The JSON Schema for editors (`runbooks schema`): it accepts every shipped file and rejects what it can express.

Editors (yaml-language-server) read it through the modeline `runbooks init`
writes. It is generated from the validator's declarations, so the bad inputs
of test_validation.py that a schema can express are rejected here too, each
also checked against the validator. What a schema cannot express (a severity
declared in another file, unique check ids, cycles in needs, warn beyond crit,
a mode's variables, YAML duplicate keys) stays the validator's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.errors import ConfigError
from generator.format.catalog import load_catalog
from generator.format.editor_schema import DIALECT, project_schema, runbook_schema
from generator.run.kinds import KINDS

from .conftest import PROJECT_YAML, REPO

RUNBOOKS = str(Path(sys.executable).parent / "runbooks")
RUNBOOK = jsonschema.Draft202012Validator(runbook_schema(), format_checker=jsonschema.FormatChecker())
PROJECT = jsonschema.Draft202012Validator(project_schema(), format_checker=jsonschema.FormatChecker())


def test_runbooks_schema_prints_a_draft_2020_12_schema():
    for which, expected in (("runbook", runbook_schema()), ("project", project_schema())):
        out = subprocess.run([RUNBOOKS, "schema", which], capture_output=True, text=True, timeout=60)
        schema = json.loads(out.stdout)
        assert schema == expected and schema["$schema"] == DIALECT
        jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", sorted((REPO / "runbooks").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_file_is_valid(path: Path):
    validator = PROJECT if path.name == "_project.yaml" else RUNBOOK
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(
        yaml.safe_load(path.read_text(encoding="utf-8")))]
    assert errors == []


def test_every_key_of_every_kind_is_documented():
    """Hover text: a description, and a default, an enum or an example for each key."""
    checks = runbook_schema()["properties"]["checks"]["items"]["properties"]
    for kind in KINDS:
        assert checks[kind]["description"] == KINDS[kind].DOC
        for key, schema in checks[kind]["properties"].items():
            assert schema.get("description"), f"{kind}.{key}"
            enum = any("enum" in alt for alt in schema.get("anyOf", [schema]))
            assert "default" in schema or "examples" in schema or enum, f"{kind}.{key}"
    assert checks["http"]["properties"]["method"]["anyOf"][0] == {"enum": ["GET", "HEAD", "OPTIONS"]}
    assert checks["http"]["properties"]["method"]["default"] == "GET"


CHECK = {"id": "c", "title": "t", "tcp": {"host": "127.0.0.1", "port": 1}}
# Bad checks from test_validation.py that a schema can express; each one is also refused by the validator.
BAD_CHECKS = {
    "unknown kind": {"id": "c", "title": "t", "htp": {"url": "x"}},
    "status not an integer": {"id": "c", "title": "t", "http": {"url": "http://x", "status": "ok"}},
    "unsafe id": {**CHECK, "id": "Bad Id"},
    "port out of range": {**CHECK, "tcp": {"host": "x", "port": 99999}},
    "bad timeout": {**CHECK, "timeout": "5x"},
    "no assertion": {"id": "c", "title": "t", "command": {"run": "true"}},
    "two kinds": {**CHECK, "disk": {"used_percent": {"warn": 1}}},
    "no kind": {"id": "c", "title": "t"},
    "bad duration in a threshold": {"id": "c", "title": "t", "file": {"path": "/x", "newest_age": {"warn": "26x"}}},
    "threshold not a mapping": {"id": "c", "title": "t", "file": {"path": "/x", "newest_age": "26h"}},
    "unknown threshold key": {"id": "c", "title": "t", "disk": {"used_percent": {"warning": 80}}},
    "percent above 100": {"id": "c", "title": "t", "disk": {"used_percent": {"warn": 101}}},
    "bad size": {"id": "c", "title": "t", "file": {"path": "/x", "min_size": "big"}},
    "bad regex": {"id": "c", "title": "t", "http": {"url": "http://x", "body_regex": "(unclosed"}},
    "retries not a mapping": {**CHECK, "retries": 3},
    "retries count 0": {**CHECK, "retries": {"count": 0}},
    "retries bad delay": {**CHECK, "retries": {"count": 1, "delay": "soon"}},
    "retries without count": {**CHECK, "retries": {"delay": "1s"}},
    "tls without host": {"id": "c", "title": "t", "tls": {"port": 443}},
    "days_left not a mapping": {"id": "c", "title": "t", "tls": {"host": "h", "days_left": 30}},
    "unknown tls key": {"id": "c", "title": "t", "tls": {"host": "h", "sni": "x"}},
    "header value a list": {"id": "c", "title": "t", "http": {"url": "https://x/", "headers": {"X-A": [1]}}},
    "header bad regex": {"id": "c", "title": "t", "http": {"url": "https://x/", "headers": {"X-B": {"regex": "("}}}},
    "header without regex": {"id": "c", "title": "t", "http": {"url": "https://x/", "headers": {"X-C": {"rx": "a"}}}},
    "both names and prefix": {"id": "c", "title": "t", "aws_cloudwatch_alarms": {"names": "a", "prefix": "b"}},
}


def runbook_with(check: dict | None = None, **top: object) -> dict:
    return {"title": "t", "summary": "s", **top, "checks": [check or CHECK]}


def refused_by_the_validator(project, data: dict, name: str = "rb") -> bool:
    project.write(name, yaml.safe_dump(data, sort_keys=False))
    try:
        load_catalog(project.root)
    except ConfigError:
        return True
    return False


@pytest.mark.parametrize("case", list(BAD_CHECKS))
def test_bad_checks_are_refused_by_the_schema_and_the_validator(project, case: str):
    data = runbook_with(BAD_CHECKS[case])
    assert refused_by_the_validator(project, data)
    assert list(RUNBOOK.iter_errors(data)), f"the schema accepts: {case}"


def test_bad_runbook_and_project_keys_are_refused_too(project):
    good = runbook_with()
    assert not refused_by_the_validator(project, good) and not list(RUNBOOK.iter_errors(good))
    bad = runbook_with(colour="blue")
    assert refused_by_the_validator(project, bad) and list(RUNBOOK.iter_errors(bad))
    fixture = yaml.safe_load(PROJECT_YAML)
    assert not list(PROJECT.iter_errors(fixture))
    for broken in ({**fixture, "modes": {}},
                   {**fixture, "severities": {"P1": {"title": "C"}}},
                   {**fixture, "severities": {"S1": {"title": "C", "response": "1h"}}}):
        assert refused_by_the_validator(project, broken, "_project")
        assert list(PROJECT.iter_errors(broken)), broken


def test_a_template_may_stand_for_any_scalar():
    data = runbook_with({"id": "c", "title": "t", "tcp": {"host": "{{ db_host }}", "port": "{{ db_port }}"},
                         "timeout": "{{ slow }}"})
    assert not list(RUNBOOK.iter_errors(data))
    assert list(RUNBOOK.iter_errors(runbook_with({**CHECK, "tcp": {"host": "h", "port": "5432x"}})))


def test_the_modeline_of_init_points_at_the_schema(tmp_path):
    subprocess.run([RUNBOOKS, "init", str(tmp_path)], check=True, capture_output=True, timeout=60)
    head = (tmp_path / "runbooks" / "getting-started.yaml").read_text().splitlines()[0]
    schema_path = (tmp_path / "runbooks" / head.split("$schema=")[1]).resolve()
    assert json.loads(schema_path.read_text()) == runbook_schema()
    assert not list(RUNBOOK.iter_errors(yaml.safe_load((tmp_path / "runbooks" / "getting-started.yaml").read_text())))
