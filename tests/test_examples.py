"""The examples in examples/: CI workflows against check-jsonschema's vendored CI schemas, the systemd
units through ``systemd-analyze verify``, the Kubernetes CronJob by its shape; and every
``run-checks``/``runbooks`` command line in them through the real argument parsers."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from generator.cli import _run_checks_parser, _runbooks_parser

from .conftest import REPO, require_command

EXAMPLES = REPO / "examples"
BIN = Path(sys.executable).parent
WORKFLOWS = {"github-actions.yml": "vendor.github-workflows", "gitlab-ci.yml": "vendor.gitlab-ci"}


def commands(text: str) -> Iterator[list[str]]:
    """Each ``run-checks …`` or ``runbooks …`` command in shell text (YAML folding already undone)."""
    for line in text.replace("\\\n", " ").splitlines():
        words = shlex.split(line.split(" #", 1)[0].strip().removeprefix("- "))
        if words and words[0] in ("run-checks", "runbooks") or words and words[0].endswith("/run-checks"):
            yield words


def parses(words: list[str]) -> None:
    """The real parsers accept the options (exit 2 raises SystemExit, failing the test)."""
    parser = _runbooks_parser() if words[0] == "runbooks" else _run_checks_parser()
    parser.parse_args(words[1:])


def shell_lines(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "script") and isinstance(value, (str, list)):
                yield from [value] if isinstance(value, str) else value
            else:
                yield from shell_lines(value)
    elif isinstance(node, list):
        for item in node:
            yield from shell_lines(item)


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_ci_workflows_follow_their_schemas(name):
    done = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", WORKFLOWS[name],
                           str(EXAMPLES / "ci" / name)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_ci_workflows_run_on_push_and_a_schedule_and_publish_the_results(name):
    workflow = yaml.safe_load((EXAMPLES / "ci" / name).read_text())
    found = [words for line in shell_lines(workflow) for words in commands(line)]
    run_checks = [w for w in found if w[0] == "run-checks"]
    assert len(run_checks) == 1 and {"--site", "--json", "--junit", "--markdown"} <= set(run_checks[0])
    assert ["runbooks", "build", "--check"] in found and ["runbooks", "build"] in found
    for words in found:
        parses(words)
    text = (EXAMPLES / "ci" / name).read_text()
    if name == "github-actions.yml":
        triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
        assert "push" in triggers and triggers["schedule"][0]["cron"]
        assert "$GITHUB_STEP_SUMMARY" in run_checks[0][run_checks[0].index("--markdown") + 1]
        assert "actions/deploy-pages@v4" in text and "actions/upload-artifact@v4" in text
    else:
        rules = [rule["if"] for rule in workflow["workflow"]["rules"]]
        assert '$CI_PIPELINE_SOURCE == "push"' in rules and '$CI_PIPELINE_SOURCE == "schedule"' in rules
        assert workflow["run-checks"]["artifacts"]["reports"]["junit"] == "results/junit.xml"
        assert workflow["pages"]["script"] == ["mv site public"]


def test_the_systemd_units_verify(tmp_path):
    analyze = require_command("systemd-analyze", "systemd")
    service = (EXAMPLES / "systemd" / "runbooks-checks.service").read_text()
    exec_start = next(line for line in service.splitlines() if line.startswith("ExecStart="))
    words = shlex.split(exec_start.removeprefix("ExecStart="))
    assert words[0] == "/srv/runbooks/.venv/bin/run-checks"
    _run_checks_parser().parse_args(words[1:])
    # systemd-analyze checks the command exists: point it at this run-checks
    (tmp_path / "runbooks-checks.service").write_text(service.replace(words[0], str(BIN / "run-checks")))
    (tmp_path / "runbooks-checks.timer").write_text((EXAMPLES / "systemd" / "runbooks-checks.timer").read_text())
    done = subprocess.run([analyze, "verify", "runbooks-checks.service", "runbooks-checks.timer"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr
    assert "Type=oneshot" in service  # a oneshot started by a timer never runs twice at once


def test_the_kubernetes_cronjob_has_the_shape_kubernetes_expects():
    """Without a cluster or kubeconform (not in Debian): the fields a CronJob needs, and a valid command."""
    job = yaml.safe_load((EXAMPLES / "kubernetes" / "cronjob.yaml").read_text())
    assert (job["apiVersion"], job["kind"]) == ("batch/v1", "CronJob")
    spec = job["spec"]
    assert len(spec["schedule"].split()) == 5 and spec["concurrencyPolicy"] == "Forbid"
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] in ("Never", "OnFailure")
    (container,) = pod["containers"]
    assert container["command"][0] == "run-checks"
    _run_checks_parser().parse_args(container["command"][1:])
    volumes = {volume["name"] for volume in pod["volumes"]}
    assert {mount["name"] for mount in container["volumeMounts"]} <= volumes
    assert all(isinstance(v, str) for v in container["command"])
