"""Secrets: ``${env:NAME}`` / ``${file:PATH}`` are filled only when probing and never written anywhere.

The probes hit real servers and real processes that echo the secret back, so
the masking is tested on what a probed system really returns.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.run.results import State
from tests.helpers import run_one

SECRET = "s3cr3t-Tok3n-9f8e7d"
REQUEST_HEADERS = "request_headers"  # the http kind's request-header key


def http_check(check_id: str, params: dict) -> str:
    return "- " + json.dumps({"id": check_id, "title": check_id, "http": params}) + "\n"


def command_check(check_id: str, params: dict) -> str:
    return "- " + json.dumps({"id": check_id, "title": check_id, "command": params}) + "\n"


@pytest.fixture
def secret_env(monkeypatch):
    monkeypatch.setenv("RB_TEST_TOKEN", SECRET)


def test_env_secret_is_sent_and_masked_in_what_comes_back(project, http_server, secret_env):
    url = http_server.route("/secrets/echo", status=500, body=f"denied token={SECRET}")
    project.check("rb", http_check("x", {"url": url + "?t=${env:RB_TEST_TOKEN}", "status": 200,
                                         REQUEST_HEADERS: {"Authorization": "Bearer ${env:RB_TEST_TOKEN}"}}))
    result = run_one(project.root, "rb/x")
    assert http_server.request_headers["/secrets/echo"]["Authorization"] == f"Bearer {SECRET}"
    assert result.state is State.CRITICAL
    assert "denied token=***" in result.evidence
    assert SECRET not in json.dumps(result.to_dict())
    assert result.target.endswith("?t=${env:RB_TEST_TOKEN}")  # the reference is shown, never the value


def test_missing_env_secret_is_unknown_and_names_the_variable(project, http_server, monkeypatch):
    monkeypatch.delenv("RB_TEST_MISSING", raising=False)
    url = http_server.route("/secrets/never")
    project.check("rb", http_check("x", {"url": url, "status": 200,
                                         REQUEST_HEADERS: {"X-Token": "${env:RB_TEST_MISSING}"}}))
    result = run_one(project.root, "rb/x")
    assert result.state is State.UNKNOWN
    assert result.reason == "error"
    assert result.summary == "secret ${env:RB_TEST_MISSING} is not set: environment variable RB_TEST_MISSING is missing"
    assert "/secrets/never" not in http_server.hits


def test_file_secret_is_read_relative_to_the_project_root(project, http_server):
    (project.root / "secrets").mkdir()
    (project.root / "secrets" / "token").write_text(SECRET + "\n")
    url = http_server.route("/secrets/file", body="welcome")
    project.check("rb", http_check("x", {"url": url, "status": 200, "body_contains": "welcome",
                                         REQUEST_HEADERS: {"X-Token": "${file:secrets/token}"}}))
    assert run_one(project.root, "rb/x").state is State.OK
    assert http_server.request_headers["/secrets/file"]["X-Token"] == SECRET


def test_unreadable_file_secret_is_unknown(project, http_server):
    url = http_server.route("/secrets/nofile")
    project.check("rb", http_check("x", {"url": url, "status": 200, REQUEST_HEADERS: {"X": "${file:nope/token}"}}))
    result = run_one(project.root, "rb/x")
    assert result.state is State.UNKNOWN
    assert result.summary == "secret ${file:nope/token} cannot be read: No such file or directory"


def test_command_argument_secret_is_masked_in_stdout(project, secret_env):
    project.check("rb", command_check("x", {
        "run": [sys.executable, "-c", "import sys; print('token is', sys.argv[1])", "${env:RB_TEST_TOKEN}"],
        "stdout_contains": "something else"}))
    result = run_one(project.root, "rb/x")
    assert result.state is State.CRITICAL
    assert "token is ***" in result.evidence
    assert "token is ***" in result.observed
    assert SECRET not in json.dumps(result.to_dict())


def test_a_secret_in_a_shell_command_is_quoted(project, monkeypatch):
    monkeypatch.setenv("RB_TEST_HOSTILE", "x; touch pwned-by-secret")
    project.check("rb", command_check("x", {"run": "echo ${env:RB_TEST_HOSTILE}", "shell": True,
                                            "stdout_contains": "touch"}))
    result = run_one(project.root, "rb/x")
    assert result.state is State.OK, result.summary
    assert not (project.root / "pwned-by-secret").exists()


def test_no_output_anywhere_carries_a_secret(project, http_server, secret_env, tmp_path):
    """Build the site and scripts, run with --site/--json/--junit, run a script: grep everything."""
    bad = http_server.route("/secrets/everywhere", status=503, body=f"echo {SECRET}", headers={"X-Echo": SECRET})
    project.check("rb", http_check("web", {"url": bad, "status": 200,
                                           REQUEST_HEADERS: {"Authorization": "${env:RB_TEST_TOKEN}"}})
                  + command_check("cmd", {"run": ["sh", "-c", "echo $0; echo $0 >&2; exit 3", "${env:RB_TEST_TOKEN}"],
                                          "exit_code": 0}))
    bin_dir = Path(sys.executable).parent
    outputs = [subprocess.run([bin_dir / "runbooks", "build"], cwd=project.root, capture_output=True, text=True)]
    outputs.append(subprocess.run(
        [bin_dir / "run-checks", "--mode", "local", "--site", "site", "--json", str(tmp_path / "r.json"),
         "--junit", str(tmp_path / "r.xml")], cwd=project.root, capture_output=True, text=True))
    outputs.append(subprocess.run([sys.executable, project.root / "checks" / "local" / "rb.py", "-v"],
                                  cwd=project.root, capture_output=True, text=True))
    assert outputs[1].returncode == 1, outputs[1].stdout + outputs[1].stderr
    assert "***" in outputs[2].stdout  # the script shows the masked evidence
    for out in outputs:
        assert SECRET not in out.stdout + out.stderr
    files = [p for d in ("site", "checks", ".runbooks") for p in (project.root / d).rglob("*") if p.is_file()]
    files += [tmp_path / "r.json", tmp_path / "r.xml"]
    assert len(files) > 10
    leaks = [str(p) for p in files if SECRET.encode() in p.read_bytes()]
    assert leaks == []
    assert "***" in (tmp_path / "r.json").read_text()
    assert "${env:RB_TEST_TOKEN}" in (project.root / "checks" / "local" / "rb.py").read_text()
