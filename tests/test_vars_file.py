"""A mode's ``vars_file``: run-time values (the demo's ports) over the declared variables."""

from __future__ import annotations

import json

import pytest

from generator.checkscripts.generate import render_scripts, stale_scripts, write_scripts
from generator.errors import ConfigError
from generator.format.catalog import load_catalog

from .conftest import PROJECT_YAML

RUNBOOK = """\
title: Web
summary: test runbook
modes: [local]
checks:
  - id: up
    title: Up
    tcp: {host: 127.0.0.1, port: "{{ web_port }}"}
"""


@pytest.fixture
def overlaid(project):
    project.write("_project", PROJECT_YAML.replace(
        'local: {title: Local, description: Local mode, vars: {api: "http://127.0.0.1:1"}}',
        'local: {title: Local, description: Local mode, vars_file: run/vars.yaml,\n'
        '         vars: {api: "http://127.0.0.1:1", web_port: 8080}}'))
    project.write("web", RUNBOOK)
    return project


def _port(catalog, mode: str = "local") -> int:
    return catalog.view("web", mode).checks[0].params["port"]


def test_without_the_file_the_declared_vars_apply(overlaid):
    assert _port(load_catalog(overlaid.root)) == 8080


def test_the_file_wins_over_the_declared_vars_and_is_type_checked_after_filling(overlaid):
    (overlaid.root / "run").mkdir()
    (overlaid.root / "run" / "vars.yaml").write_text(json.dumps({"web_port": 43121}))
    catalog = load_catalog(overlaid.root)
    assert _port(catalog) == 43121
    assert catalog.project.modes["local"].vars["api"] == "http://127.0.0.1:1"  # the others stay
    assert _port(load_catalog(overlaid.root, overlays=False)) == 8080


def test_check_scripts_keep_the_declared_vars(overlaid):
    write_scripts(load_catalog(overlaid.root))
    (overlaid.root / "run").mkdir()
    (overlaid.root / "run" / "vars.yaml").write_text("web_port: 43121\n")
    catalog = load_catalog(overlaid.root)
    assert "'port': 8080" in render_scripts(catalog)["checks/local/web.py"]
    assert stale_scripts(catalog) == []  # the committed scripts do not churn while a demo runs


def test_a_broken_file_is_a_positioned_error(overlaid):
    (overlaid.root / "run").mkdir()
    (overlaid.root / "run" / "vars.yaml").write_text("web_port: 1\nweb_port: 2\n")
    with pytest.raises(ConfigError) as info:
        load_catalog(overlaid.root)
    assert str(info.value) == "run/vars.yaml:2:1: web_port: duplicate key (first defined at line 1)"


def test_a_file_that_is_not_a_mapping_is_an_error(overlaid):
    (overlaid.root / "run").mkdir()
    (overlaid.root / "run" / "vars.yaml").write_text("- 1\n- 2\n")
    with pytest.raises(ConfigError) as info:
        load_catalog(overlaid.root)
    assert str(info.value) == "run/vars.yaml:1:1: expected a mapping, got a list"


def test_a_value_of_the_wrong_type_is_reported_where_it_is_used(overlaid):
    (overlaid.root / "run").mkdir()
    (overlaid.root / "run" / "vars.yaml").write_text("web_port: eighty\n")
    with pytest.raises(ConfigError) as info:
        load_catalog(overlaid.root)
    assert str(info.value) == ("runbooks/web.yaml:7:28: checks[0].tcp.port: expected an integer 1-65535, "
                               "got 'eighty' (after filling variables) in mode 'local'")
