"""The ``command`` check kind: real subprocesses, run without a shell from the project root."""

from __future__ import annotations

import json
import os
import sys
import time

from generator.run.results import State
from tests.helpers import run_one

PY = sys.executable


def process_gone(pid):
    """True once ``pid`` no longer runs (a zombie waiting to be reaped counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def gone_soon(pid, within=15.0):
    """Wait (at most ``within`` s: a busy machine reaps late) for ``pid`` to go; kill it if it does not."""
    deadline = time.monotonic() + within
    while not process_gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if process_gone(pid):
        return True
    os.kill(pid, 9)  # do not leave it behind, whatever the verdict
    return False


# --- OK ----------------------------------------------------------------------

def test_argv_list_with_exit_code_stdout_contains_and_regex_is_ok(project):
    key = project.add_check("command", {
        "run": [PY, "-c", "print('status: ready'); print('connections: 42')"],
        "exit_code": 0, "stdout_contains": "ready", "stdout_regex": r"^connections: \d+$",
    })
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.reason == ""
    assert result.observed == "exit 0: status: ready"
    assert result.evidence == ""


def test_string_form_is_split_into_argv_without_a_shell(project):
    key = project.add_check("command", {"run": "echo 'hello world' '$HOME'", "exit_code": 0,
                              "stdout_contains": ["hello world", "$HOME"]})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.observed == "exit 0: hello world $HOME"
    assert result.target == "echo 'hello world' '$HOME'"


def test_commands_run_in_the_project_root(project):
    (project.root / "marker.txt").write_text("found-the-marker\n")
    scripts = project.root / "scripts"
    scripts.mkdir()
    (scripts / "probe.sh").write_text("#!/bin/sh\ncat marker.txt\n")
    (scripts / "probe.sh").chmod(0o755)
    project.check("rb", """\
        - id: cat
          title: t
          command: {run: "cat marker.txt", stdout_contains: found-the-marker}
        - id: sh
          title: t
          command: {run: "sh scripts/probe.sh", stdout_contains: found-the-marker}
        - id: exe
          title: t
          command: {run: "./scripts/probe.sh", stdout_contains: found-the-marker}
        """)
    for check in ("cat", "sh", "exe"):
        result = run_one(project.root, f"rb/{check}")
        assert result.state is State.OK, (check, result.summary)


# --- WARNING -----------------------------------------------------------------

def test_failing_assertion_with_severity_warning_is_warning(project):
    key = project.add_check("command", {"run": [PY, "-c", "raise SystemExit(3)"], "exit_code": 0}, severity="warning")
    result = run_one(project.root, key)
    assert result.state is State.WARNING
    assert result.reason == "assertion"
    assert "exit code: expected 0, got 3" in result.summary


# --- CRITICAL ----------------------------------------------------------------

def test_exit_code_mismatch_is_critical_with_stdout_and_stderr_tails(project):
    key = project.add_check("command", {"run": ["sh", "-c", "echo out-line; echo err-line >&2; exit 3"], "exit_code": 0})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert "exit code: expected 0, got 3" in result.summary
    assert result.observed == "exit 3: out-line"
    assert "exit code 3" in result.evidence
    stdout_part, stderr_part = result.evidence.split("--- stderr (tail) ---")
    assert "out-line" in stdout_part
    assert "err-line" in stderr_part


def test_stdout_contains_miss_is_critical(project):
    key = project.add_check("command", {"run": "echo rejecting connections", "stdout_contains": "accepting"})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert "stdout: expected to contain 'accepting', got no match" in result.summary


def test_stdout_regex_miss_is_critical(project):
    key = project.add_check("command", {"run": "echo version: beta", "stdout_regex": r"^version: \d+$"})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert r"stdout: expected to match /^version: \d+$/, got no match" in result.summary


def test_command_past_its_timeout_is_critical_timeout(project):
    key = project.add_check("command", {"run": ["sleep", "60"], "exit_code": 0}, timeout="0.5s")
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "timeout"
    assert "0.5s" in result.summary
    assert result.duration_ms < 10_000  # cut at its timeout, not waited out (60 s): loose for busy machines


def test_timeout_kills_the_whole_process_group(project, tmp_path):
    pidfile = tmp_path / "child.pid"
    key = project.add_check("command", {"run": ["sh", "-c", f"sleep 30 & echo $! > {pidfile}; wait"], "exit_code": 0},
                    timeout="0.5s")
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "timeout"
    pid = int(pidfile.read_text())
    assert gone_soon(pid), f"child {pid} of the timed-out command still runs"


def test_output_flood_completes_with_bounded_evidence(project):
    flood = "import sys\nfor _ in range(20): sys.stdout.write('x' * 1_000_000)\nsys.stdout.write('END')"
    key = project.add_check("command", {"run": [PY, "-c", flood], "stdout_contains": "not-in-output"}, timeout="20s")
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert "stdout: expected to contain 'not-in-output', got no match" in result.summary
    assert len(result.evidence) <= 2200
    assert "exit code 0" in result.evidence
    assert len(result.observed) < 200


# --- UNKNOWN -----------------------------------------------------------------

def test_command_not_found_is_unknown_error(project):
    key = project.add_check("command", {"run": "definitely-not-a-command-7f3a --version", "exit_code": 0})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.reason == "error"
    assert result.summary == "command not found: definitely-not-a-command-7f3a"


def test_command_that_is_not_executable_is_unknown_error(project):
    (project.root / "notexec.sh").write_text("#!/bin/sh\necho hi\n")
    (project.root / "notexec.sh").chmod(0o644)
    key = project.add_check("command", {"run": "./notexec.sh", "exit_code": 0})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.reason == "error"
    assert result.summary.startswith("command not executable")


# --- shell and quoting -------------------------------------------------------

def test_shell_true_runs_through_sh_with_pipes(project):
    key = project.add_check("command", {"run": "printf 'a\\nb\\nc\\n' | wc -l", "shell": True, "stdout_regex": r"^\s*3$"})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.target == "printf 'a\\nb\\nc\\n' | wc -l"


def test_without_shell_a_pipe_is_just_an_argument(project):
    key = project.add_check("command", {"run": "echo a | wc -l", "stdout_contains": "a | wc -l"})
    assert run_one(project.root, key).state is State.OK


def test_a_filled_in_value_stays_one_argument(project):
    check = {"id": "x", "title": "t", "command": {
        "run": f"{PY} -c 'import sys; print(len(sys.argv) - 1, sys.argv[1])' {{{{ name }}}}",
        "stdout_contains": "1 two words; echo injected"}}
    project.check("rb", "- " + json.dumps(check), vars='{name: "two words; echo injected"}')
    result = run_one(project.root, "rb/x")
    assert result.state is State.OK, result.summary


def test_a_filled_in_value_cannot_inject_into_a_shell_command(project):
    check = {"id": "x", "title": "t", "command": {"run": "echo {{ name }}", "shell": True, "exit_code": 0}}
    project.check("rb", "- " + json.dumps(check), vars='{name: "hi; touch injected-file"}')
    result = run_one(project.root, "rb/x")
    assert result.state is State.OK, result.summary
    assert result.observed == "exit 0: hi; touch injected-file"
    assert not (project.root / "injected-file").exists()


def test_shell_timeout_kills_the_shell_and_its_children(project, tmp_path):
    pidfile = tmp_path / "shell-child.pid"
    key = project.add_check("command", {"run": f"sleep 30 & echo $! > {pidfile}; wait", "shell": True, "exit_code": 0},
                    timeout="0.5s")
    result = run_one(project.root, key)
    assert (result.state, result.reason) == (State.CRITICAL, "timeout")
    pid = int(pidfile.read_text())
    assert gone_soon(pid), f"child {pid} of the timed-out shell still runs"
    assert "expected: an answer from sleep 30 &" in result.evidence
