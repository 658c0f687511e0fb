"""Generated check scripts: shape, exit codes, staleness, and the same verdicts as run-checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.checkscripts.generate import stale_scripts, write_scripts
from generator.cli import run_checks_main, runbooks_main
from generator.format.catalog import load_catalog

from .conftest import REPO, closed_port


@pytest.fixture
def script_project(project):
    return project  # the scripts import the package installed in the test venv (its python3 is first on PATH)


def write(project) -> None:
    write_scripts(load_catalog(project.root))


def run_script(project, runbook: str, mode: str = "local") -> subprocess.CompletedProcess[str]:
    script = project.root / "checks" / mode / f"{runbook}.py"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    return subprocess.run([str(script)], capture_output=True, text=True, env=env, timeout=60)


def test_script_shape(script_project, http_server):
    url = http_server.route("/script-ok")
    script_project.check("web", f"""\
        - id: up
          title: Up
          http: {{url: "{url}", status: 200}}
    """)
    write(script_project)
    script = script_project.root / "checks" / "local" / "web.py"
    text = script.read_text()
    assert text.startswith("#!/usr/bin/env python3\n")
    assert "Generated from runbooks/web.yaml" in text and "DO NOT EDIT" in text
    assert f"'url': '{url}'" in text  # the definition is inline, readable
    assert os.access(script, os.X_OK)


@pytest.mark.parametrize("route, check, code, state", [
    ("/s0", "status: 200", 0, "OK"),
    ("/s1", "latency_ms: {warn: 0.001, crit: 10000}", 1, "WARNING"),
    ("/s2", "status: 204", 2, "CRITICAL"),
])
def test_script_exit_codes(script_project, http_server, route, check, code, state):
    url = http_server.route(route)
    script_project.check("web", f"""\
        - id: c
          title: c
          http: {{url: "{url}", {check}}}
    """)
    write(script_project)
    out = run_script(script_project, "web")
    assert out.returncode == code, out.stdout + out.stderr
    first, line = out.stdout.splitlines()
    assert first.startswith(f"{state} - web: 1 {state.lower()}")  # the runbook's worst state and a summary
    assert line.startswith(f"{state} - c: ")  # then one line per check


def test_script_exit_code_unknown_and_worst_state(script_project, http_server):
    url = http_server.route("/s3")
    script_project.check("web", f"""\
        - id: missing-tool
          title: c
          command: {{run: [no-such-command-xyz], exit_code: 0}}
        - id: fine
          title: c
          http: {{url: "{url}", status: 200}}
    """)
    write(script_project)
    out = run_script(script_project, "web")
    assert out.returncode == 3
    first, unknown, fine = out.stdout.splitlines()
    assert first.startswith("UNKNOWN - web: 1 unknown, 1 ok: missing-tool: command not found: "
                            "no-such-command-xyz | fine.latency=")  # perfdata after the pipe, labelled per check
    assert unknown == "UNKNOWN - missing-tool: command not found: no-such-command-xyz"
    assert fine.startswith("OK - fine: HTTP 200 in ") and "|" not in fine


def test_script_and_run_checks_give_the_same_verdicts(script_project, http_server, tmp_path):
    ok = http_server.route("/same-ok", body={"status": "ok"})
    bad = http_server.route("/same-bad", status=503)
    slow = http_server.route("/same-slow", delay=0.15)
    (script_project.root / "fresh.txt").write_text("x" * 100)
    script_project.check("mix", f"""\
        - id: ok
          title: t
          http: {{url: "{ok}", json: {{status: ok}}}}
        - id: bad
          title: t
          http: {{url: "{bad}", status: 200}}
        - id: slow
          title: t
          http: {{url: "{slow}", latency_ms: {{warn: 100, crit: 5000}}}}
        - id: refused
          title: t
          tcp: {{host: 127.0.0.1, port: {closed_port()}}}
        - id: file
          title: t
          file: {{path: fresh.txt, newest_age: {{warn: 1h}}, min_size: 1KB}}
        - id: cmd
          title: t
          command: {{run: "echo hello", stdout_contains: hello}}
    """)
    write(script_project)
    script_states = {line.split(" - ")[1].split(":")[0]: line.split(" - ")[0]
                     for line in run_script(script_project, "mix").stdout.splitlines()[1:]}
    report = tmp_path / "r.json"
    run_checks_main(["--root", str(script_project.root), "--mode", "local", "--json", str(report), "-q", "--no-store"])
    runner_states = {r["check"]: r["state"] for r in json.loads(report.read_text())["results"]}
    assert script_states == runner_states == {
        "ok": "OK", "bad": "CRITICAL", "slow": "WARNING", "refused": "CRITICAL", "file": "CRITICAL", "cmd": "OK"}


def test_build_check_detects_stale_missing_and_orphan_scripts(project):
    project.check("web", """\
        - id: c
          title: c
          tcp: {host: 127.0.0.1, port: 1}
    """)
    root = ["--root", str(project.root), "build", "--check"]
    assert runbooks_main(root) == 1  # missing
    write(project)
    assert runbooks_main(root) == 0
    script = project.root / "checks" / "local" / "web.py"
    script.write_text(script.read_text() + "# edited\n")
    assert stale_scripts(load_catalog(project.root)) == ["checks/local/web.py"]
    write(project)
    (project.root / "checks" / "local" / "gone.py").write_text("")
    assert stale_scripts(load_catalog(project.root)) == ["checks/local/gone.py"]
    write(project)
    os.chmod(script, 0o644)
    assert runbooks_main(root) == 1  # lost its executable bit


def test_committed_scripts_are_up_to_date():
    """CI fails when someone edits runbooks/ without running `runbooks build`."""
    assert stale_scripts(load_catalog(REPO)) == []
