"""run-checks: exit codes, selection, JSON and JUnit output."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

from generator.cli import run_checks_main
from generator.run.kinds import KINDS
from tests.conftest import closed_port

RUN_CHECKS = str(Path(sys.executable).parent / "run-checks")


def make(project, http_server, warn: bool = False, crit: bool = False) -> None:
    ok = http_server.route("/cli-ok")
    slow = http_server.route("/cli-slow", delay=0.12)
    bad = http_server.route("/cli-bad", status=500, body="boom")
    blocks = [f"""\
        - id: ok
          title: ok
          http: {{url: "{ok}", status: 200}}
        - id: aws-only
          title: aws only
          modes: [aws]
          tcp: {{host: 127.0.0.1, port: 1}}
    """]
    if warn:
        blocks.append(f"""\
        - id: slow
          title: slow
          http: {{url: "{slow}", latency_ms: {{warn: 50, crit: 5000}}}}
    """)
    if crit:
        blocks.append(f"""\
        - id: bad
          title: bad
          http: {{url: "{bad}", status: 200}}
    """)
    project.check("web", "".join(textwrap.dedent(b) for b in blocks), tags="[web, api]")
    project.check("other", """\
        - id: c
          title: c
          command: {run: ["true"], exit_code: 0}
    """, tags="[batch]")


def cli(project, *args: str) -> int:
    return run_checks_main(["--root", str(project.root), "--mode", "local", "-q", "--no-store", *args])


def test_exit_codes(project, http_server):
    make(project, http_server)
    assert cli(project) == 0
    make(project, http_server, warn=True)
    assert cli(project) == 0
    assert cli(project, "--fail-on", "warning") == 1
    make(project, http_server, warn=True, crit=True)
    assert cli(project) == 1


def test_invalid_runbooks_exit_78_and_usage_errors_exit_2(project, http_server, capsys):
    make(project, http_server)
    assert cli(project, "--mode", "nope") == 2
    assert "unknown mode 'nope'; modes: local, hybrid, aws" in capsys.readouterr().err
    assert cli(project, "--runbook", "missing") == 2
    project.write("broken", "title: t\n")
    assert cli(project) == 78
    assert "runbooks/broken.yaml:1:1: missing required key 'summary'" in capsys.readouterr().err


def test_json_results(project, http_server, tmp_path):
    make(project, http_server, warn=True, crit=True)
    out = tmp_path / "results.json"
    cli(project, "--json", str(out))
    data = json.loads(out.read_text())
    assert data["schema_version"] == 1 and data["mode"] == "local" and data["exit_code"] == 1
    assert set(data) >= {"commit", "started_at", "finished_at", "summary", "results"}
    by_key = {f"{r['runbook']}/{r['check']}": r for r in data["results"]}
    bad = by_key["web/bad"]
    assert bad["state"] == "CRITICAL" and bad["reason"] == "assertion"
    assert bad["observed"].startswith("HTTP 500 in ")
    assert "boom" in bad["evidence"] and bad["duration_ms"] > 0
    assert by_key["web/aws-only"]["state"] == "SKIPPED"
    assert by_key["web/slow"]["state"] == "WARNING" and by_key["web/slow"]["metrics"]["latency_ms"] >= 100
    assert data["summary"] == {"OK": 2, "WARNING": 1, "CRITICAL": 1, "UNKNOWN": 0, "SKIPPED": 1, "MAINTENANCE": 0}


def test_junit_is_well_formed(project, http_server, tmp_path):
    make(project, http_server, warn=True, crit=True)
    out = tmp_path / "junit.xml"
    cli(project, "--junit", str(out))
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == ("5", "1", "1", "0")
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["bad"].find("failure").get("message").startswith("CRITICAL: status: expected 200, got 500")
    assert cases["aws-only"].find("skipped") is not None
    assert cases["slow"].find("failure") is None  # WARNING passes unless --fail-on warning


def test_selection_by_runbook_and_tag(project, http_server, tmp_path):
    make(project, http_server)
    out = tmp_path / "r.json"
    cli(project, "--tag", "batch", "--json", str(out))
    assert [r["runbook"] for r in json.loads(out.read_text())["results"]] == ["other"]
    cli(project, "--runbook", "web", "--json", str(out))
    assert {r["runbook"] for r in json.loads(out.read_text())["results"]} == {"web"}


def test_selection_by_kind(project, http_server, tmp_path, capsys):
    make(project, http_server, crit=True)
    out = tmp_path / "r.json"
    assert cli(project, "--kind", "command", "--json", str(out)) == 0  # the failing http check is not run
    assert [f"{r['runbook']}/{r['check']}" for r in json.loads(out.read_text())["results"]] == ["other/c"]
    assert cli(project, "--kind", "command,tcp", "--kind", "http", "--json", str(out)) == 1
    keys = {f"{r['runbook']}/{r['check']}" for r in json.loads(out.read_text())["results"]}
    assert keys == {"other/c", "web/aws-only", "web/ok", "web/bad"}
    capsys.readouterr()
    assert cli(project, "--kind", "http,htp") == 78
    err = capsys.readouterr().err
    assert err == f"run-checks: unknown check kind 'htp'; kinds: {', '.join(KINDS)}\n"
    assert "aws_s3, aws_cloudwatch_alarms, aws_ecs_service" in err


def test_plain_output_without_tty_and_help(project, http_server):
    make(project, http_server, crit=True)
    out = subprocess.run([RUN_CHECKS, "--root", str(project.root), "--mode", "local", "--no-store"],
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert "CRITICAL  web/bad  status: expected 200, got 500" in out.stdout
    assert "4 checks in mode local (2 ok, 1 critical, 1 skipped)" in out.stdout
    help_out = subprocess.run([RUN_CHECKS, "--help"], capture_output=True, text=True)
    assert "--fail-on {warning,critical}" in help_out.stdout and "78" in help_out.stdout


def test_retries_and_needs_reach_json_and_junit(project, http_server, tmp_path):
    flaky = http_server.sequence("/cli-flaky", [500, 200])
    project.check("rb", f"""\
        - id: flaky
          title: flaky
          retries: {{count: 2, delay: 0.01s}}
          http: {{url: "{flaky}", status: 200}}
        - id: db
          title: db
          tcp: {{host: 127.0.0.1, port: {closed_port()}}}
        - id: app
          title: app
          needs: db
          http: {{url: "{flaky}", status: 200}}
    """)
    code = run_checks_main(["--root", str(project.root), "--mode", "local", "--json", str(tmp_path / "r.json"),
                            "--junit", str(tmp_path / "r.xml"), "-q"])
    assert code == 1
    results = {r["check"]: r for r in json.loads((tmp_path / "r.json").read_text())["results"]}
    assert (results["flaky"]["state"], results["flaky"]["attempts"]) == ("OK", 2)
    assert results["flaky"]["note"] == "passed after 1 retry"
    assert (results["app"]["state"], results["app"]["reason"]) == ("SKIPPED", "needs")
    assert results["app"]["summary"] == "needs db (it is CRITICAL)"
    cases = {c.get("name"): c for c in ET.parse(tmp_path / "r.xml").iter("testcase")}
    assert cases["flaky"].find("properties/property").attrib == {"name": "attempts", "value": "2"}
    assert cases["flaky"].find("system-out").text.startswith("passed after 1 retry")
    assert cases["app"].find("skipped").get("message") == "SKIPPED: needs db (it is CRITICAL)"


def test_selection_by_kind_brings_the_checks_it_needs(project, http_server, tmp_path):
    up = http_server.route("/cli-kind-needs")
    project.check("rb", f"""\
        - id: port
          title: port
          tcp: {{host: 127.0.0.1, port: {closed_port()}}}
        - id: web
          title: web
          needs: port
          http: {{url: "{up}", status: 200}}
        - id: other
          title: other
          tcp: {{host: 127.0.0.1, port: {closed_port()}}}
    """)
    code = run_checks_main(["--root", str(project.root), "--mode", "local", "--kind", "http",
                            "--json", str(tmp_path / "r.json"), "-q"])
    results = {r["check"]: r for r in json.loads((tmp_path / "r.json").read_text())["results"]}
    assert sorted(results) == ["port", "web"]  # 'other' is a tcp check nobody needs
    assert results["web"]["summary"] == "needs port (it is CRITICAL)"
    assert code == 1


def test_an_unexpected_error_writes_a_log_of_its_own_per_process(tmp_path):
    crash = "import sys; from generator.cli import guard; sys.exit(guard('runbooks', lambda argv: 1 / 0, None))"
    runs = [subprocess.Popen([sys.executable, "-c", crash], stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "TMPDIR": str(tmp_path)}) for _ in range(2)]
    for run in runs:
        log = tmp_path / f"runbooks-crash-{run.pid}.log"
        assert run.wait(timeout=60) == 70
        assert run.stderr is not None and run.stderr.read() == (
            f"runbooks: unexpected error: ZeroDivisionError: division by zero (traceback in {log})\n")
        assert log.read_text().startswith("Traceback (most recent call last):\n")
        assert log.read_text().endswith("ZeroDivisionError: division by zero\n")
        assert stat.S_IMODE(log.stat().st_mode) == 0o600  # tracebacks may quote paths and values
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"runbooks-crash-{r.pid}.log" for r in runs)
