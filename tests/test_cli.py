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

from generator.cli import run_checks_main, runbooks_main
from generator.run.kinds import KINDS
from tests.conftest import closed_port
from tests.test_junit_schema import SCHEMA

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


def test_a_run_leaves_collection_on_as_it_found_it(project, http_server):
    """run-checks pauses the collector for its start-up; a caller in the same process (these tests, a service
    calling run_checks_main) gets it back on, after a run and after a usage error alike."""
    import gc

    make(project, http_server, crit=True)
    assert gc.isenabled()
    assert cli(project) == 1 and gc.isenabled()
    assert cli(project, "--runbook", "no-such-runbook") == 2 and gc.isenabled()
    gc.disable()
    try:
        assert cli(project) == 1 and not gc.isenabled()
    finally:
        gc.enable()


def test_the_command_ends_with_everything_written(project, http_server):
    """The run-checks command ends the process at once (os._exit) once the run is over: its exit code is the
    run's and what it wrote to a pipe arrives whole."""
    import subprocess
    import sys

    make(project, http_server, crit=True)
    done = subprocess.run([sys.executable, "-c", "from generator.cli import run_checks_command; run_checks_command()",
                           "--root", str(project.root), "--mode", "local", "--json", "-", "--no-store"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["exit_code"] == 1 and report["summary"]["CRITICAL"] == 1, report["summary"]
    assert len(report["results"]) == sum(report["summary"].values()) == 4
    assert "1 critical" in done.stderr.splitlines()[-1], done.stderr  # the summary, the last thing written


def test_unknown_fails_the_run_by_default(project):
    """A check that could not run (a missing secret, a missing binary) fails CI unless --fail-on critical."""
    project.check("tools", """\
        - id: missing-binary
          title: t
          command: {run: [no-such-command-xyz], exit_code: 0}
        - id: missing-secret
          title: t
          http: {url: "http://127.0.0.1:1/?t=${env:RUNBOOKS_TEST_UNSET_SECRET}", status: 200}
    """)
    assert cli(project) == 1
    assert cli(project, "--fail-on", "unknown") == 1
    assert cli(project, "--fail-on", "critical") == 0


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
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "1", "0")
    assert root.get("skipped") is None  # not in junit-10.xsd: the suites carry it
    assert sorted(suite.get("skipped") for suite in root) == ["0", "1"]
    SCHEMA.validate(str(out))
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
    assert "--fail-on {warning,unknown,critical}" in help_out.stdout and "(default:\n" in help_out.stdout
    assert "  78  invalid runbooks, or an unknown --kind" in help_out.stdout


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
    suite = ET.parse(tmp_path / "r.xml").getroot().find("testsuite")
    assert suite.find("properties/property").attrib == {"name": "flaky.attempts", "value": "2"}
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


RUNBOOKS = str(Path(sys.executable).parent / "runbooks")


def test_options_go_before_or_after_the_command(project, capsys):
    project.check("rb", """\
        - id: c
          title: c
          command: {run: ["true"], exit_code: 0}
    """)
    root = str(project.root)
    assert runbooks_main(["--root", root, "validate"]) == runbooks_main(["validate", "--root", root]) == 0
    assert capsys.readouterr().out.count("1 runbooks, 1 checks, modes local, hybrid, aws: valid") == 2
    assert runbooks_main(["build", "--root", root, "--check"]) == 1  # its checks/ is not written yet
    assert run_checks_main(["-q", "--no-store", "--mode", "local", "--root", root]) == 0


def test_version_and_per_command_exit_codes_in_help():
    from generator import __version__

    for argv in ([RUNBOOKS, "--version"], [RUNBOOKS, "build", "--version"], [RUN_CHECKS, "--version"]):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert (done.returncode, done.stdout.split()[-1]) == (0, __version__), done
    top = subprocess.run([RUNBOOKS, "--help"], capture_output=True, text=True, timeout=60).stdout
    assert "--fail-on" not in top and "a check failed" not in top  # run-checks' codes are its own
    assert "  0   success\n" in top and "  78  invalid runbooks" in top
    init = subprocess.run([RUNBOOKS, "init", "--help"], capture_output=True, text=True, timeout=60).stdout
    assert "  1   a file it would write exists (nothing is written)" in init
    build = subprocess.run([RUNBOOKS, "build", "--help"], capture_output=True, text=True, timeout=60).stdout
    assert "with --check: checks/ is stale" in build


def test_help_names_the_project_modes(tmp_path):
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "_project.yaml").write_text("title: t\nmodes: {staging: {}, prod: {}}\n")
    for argv in ([RUN_CHECKS, "--help", "--root", str(tmp_path)], [RUNBOOKS, "--root", str(tmp_path), "print", "-h"]):
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60).stdout
        assert "deployment mode, one of: staging, prod" in " ".join(out.split()), out


def test_dash_is_standard_output_for_json_and_junit(project, http_server):
    make(project, http_server, crit=True)
    for flag in ("--json", "--junit"):
        out = subprocess.run([RUN_CHECKS, "--root", str(project.root), "--mode", "local", "--no-store", flag, "-"],
                             capture_output=True, text=True, cwd=project.root, timeout=60)
        assert out.returncode == 1 and not (project.root / "-").exists()
        assert "4 checks in mode local" in out.stderr and "4 checks" not in out.stdout  # the summary on stderr
        if flag == "--json":
            assert json.loads(out.stdout)["summary"]["CRITICAL"] == 1
        else:
            SCHEMA.validate(out.stdout)
