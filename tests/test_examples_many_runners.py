"""The examples for many runners (examples/): a GitHub Actions matrix workflow and a CronJob per vantage.

The workflow is validated against the GitHub workflow schema check-jsonschema
vendors (no network), and every ``run-checks`` and ``runbooks`` command in
both is parsed by the real command-line parsers, so an example never names an
option that does not exist.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import yaml

from generator.cli import _run_checks_parser, _runbooks_parser

from .conftest import REPO

WORKFLOW = REPO / "examples" / "ci" / "github-actions-matrix.yml"
CRONJOBS = REPO / "examples" / "kubernetes" / "cronjob-per-vantage.yaml"
MATRIX = {"matrix.shard": "2", "matrix.vantage": "eu-west", "env.AWS_REGION": "eu-west-1"}


def commands(script: str) -> Iterator[list[str]]:
    """The run-checks and runbooks command lines of a shell snippet, expressions and variables filled in."""
    script = re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: MATRIX.get(m[1], "x"), script.replace("\\\n", " "))
    script = script.replace('"$RUN_ID"', "123-1").replace('"$RESULTS"', "s3://bucket/checks")
    for line in re.split(r"\|\||&&|;|\n", script):
        words = shlex.split(line)
        if words and words[0] in ("run-checks", "runbooks"):
            yield words


def parse(words: list[str]) -> Any:
    parser = _run_checks_parser() if words[0] == "run-checks" else _runbooks_parser()
    return parser.parse_args(words[1:])


def test_the_workflow_is_a_valid_github_workflow() -> None:
    done = subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema",
                           "vendor.github-workflows", str(WORKFLOW)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_workflow_runs_shards_by_vantages_then_one_merge() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    matrix = workflow["jobs"]["checks"]["strategy"]["matrix"]
    shards, vantages = matrix["shard"], matrix["vantage"]
    assert len(shards) > 1 and len(vantages) > 1
    steps = [step.get("run", "") for step in workflow["jobs"]["checks"]["steps"]]
    runs = [parse(words) for step in steps for words in commands(step)]
    assert len(runs) == 1
    assert (runs[0].shard, runs[0].vantage, runs[0].upload) == (f"2/{len(shards)}", "eu-west", "s3://bucket/checks")
    assert runs[0].run_id == "123-1"  # shards of one workflow run share an id
    publish = workflow["jobs"]["publish"]
    assert publish["needs"] == "checks" and publish["if"] == "always()"
    merged = [parse(words) for step in publish["steps"] for words in commands(step.get("run", ""))]
    assert [m.command for m in merged] == ["build", "merge"]
    assert merged[1].sources == ["s3://bucket/checks"]


def test_one_cronjob_per_vantage_uploads_to_s3() -> None:
    jobs = list(yaml.safe_load_all(CRONJOBS.read_text(encoding="utf-8")))
    vantages = []
    for job in jobs:
        assert (job["apiVersion"], job["kind"]) == ("batch/v1", "CronJob")
        spec = job["spec"]
        assert len(spec["schedule"].split()) == 5 and spec["concurrencyPolicy"] == "Forbid"
        pod = spec["jobTemplate"]["spec"]["template"]["spec"]
        assert pod["restartPolicy"] == "Never"
        (container,) = pod["containers"]
        (args,) = [parse(words) for script in container["args"] for words in commands(script)]
        assert args.upload.startswith("s3://") and args.no_store
        vantages.append(args.vantage)
        assert job["metadata"]["labels"]["runbooks/vantage"] == args.vantage
    assert len(vantages) == len(set(vantages)) >= 2
