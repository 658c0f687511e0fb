"""``command``: run a read-only command (without a shell unless asked) and judge its output.

The command runs in its own process group; on timeout the whole group is
killed, children included. Output is read to the end but only the first
256 KiB is kept, so a command that floods stdout cannot exhaust memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shlex
import signal
from typing import Any

from generator.format.options import Argv, Bool, Int, ListOf, Obj, Regex, Str
from generator.run.kinds.base import CONNECTING, NO_VAR_DEFAULTS, Judge, ProbeContext, nothing_to_seed
from generator.run.results import EVIDENCE_LIMIT, Outcome, State

NAME = "command"
DOC = "Run a command (no shell unless `shell: true`; cwd is the project root) and check its exit code and output."
OUTPUT_LIMIT = 256 * 1024  # kept for matching; the rest is read and dropped

SCHEMA = Obj({
    "run": Argv("An argv list, or a string split into one. Values filled into the string form ({{ var }}, "
                "${env:NAME}) are shell-quoted, so each stays one argument.", required=True,
                example=["pg_isready", "-h", "127.0.0.1"]),
    "shell": Bool("Run `run` with /bin/sh -c (pipes, globs). Filled-in values are still quoted.", default=False),
    "exit_code": Int("Expected exit code.", min=0, max=255, example=0),
    "stdout_contains": ListOf(Str(), "Text stdout must contain (one or a list).", single=True, example="accepting connections"),
    "stdout_regex": ListOf(Regex(), "Regular expression stdout must match (one or a list).", single=True, example="^ok$"),
})
ASSERTIONS: tuple[str, ...] = ("exit_code", "stdout_contains", "stdout_regex")
IMPLICIT = CONNECTING
VAR_DEFAULTS = NO_VAR_DEFAULTS
USES_HTTP = False
EMULATOR: str | None = None
seed = nothing_to_seed


def argv(params: dict[str, Any]) -> list[str]:
    run = params["run"]
    if params.get("shell"):
        return ["/bin/sh", "-c", shlex.join(run) if isinstance(run, list) else run]
    return list(run) if isinstance(run, list) else shlex.split(run)


def describe(params: dict[str, Any]) -> str:
    if params.get("shell"):
        return argv(params)[2]
    return shlex.join(argv(params))


def secret_quoting(params: dict[str, Any]) -> dict[str, Any]:
    """A secret filled into a command line is one quoted word; an argv item needs no quoting."""
    return {"run": shlex.quote} if isinstance(params["run"], str) else {}


async def probe(params: dict[str, Any], ctx: ProbeContext) -> Outcome:
    args = argv(params)
    try:
        proc = await asyncio.create_subprocess_exec(
            *args, cwd=ctx.root, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, start_new_session=True)
    except FileNotFoundError:
        return Outcome(State.UNKNOWN, f"command not found: {args[0]}", "error")
    except PermissionError:
        return Outcome(State.UNKNOWN, f"command not executable: {args[0]}", "error")
    try:
        stdout, stderr = await asyncio.gather(_read(proc.stdout), _read(proc.stderr))
        code = await proc.wait()
    except BaseException:
        _kill_group(proc)  # timeouts cancel us: take the children down too
        with contextlib.suppress(BaseException):  # reap it, so no transport outlives the loop
            await asyncio.wait_for(proc.wait(), 2)
        raise
    return judge(params, code, stdout, stderr)


async def _read(stream: asyncio.StreamReader | None) -> str:
    assert stream is not None
    kept = bytearray()
    while chunk := await stream.read(65536):
        if len(kept) < OUTPUT_LIMIT:
            kept += chunk[: OUTPUT_LIMIT - len(kept)]
    return kept.decode("utf-8", errors="replace")


def _kill_group(proc: asyncio.subprocess.Process) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def judge(params: dict[str, Any], code: int, stdout: str, stderr: str) -> Outcome:
    verdict = Judge()
    if params.get("exit_code") is not None:
        verdict.expect(code == params["exit_code"], "exit code", params["exit_code"], code)
    for needle in params.get("stdout_contains") or []:
        verdict.expect(needle in stdout, "stdout", f"to contain {needle!r}", "no match")
    for pattern in params.get("stdout_regex") or []:
        verdict.expect(re.search(pattern, stdout, re.M) is not None, "stdout", f"to match /{pattern}/", "no match")
    first = stdout.strip().splitlines()[0][:120] if stdout.strip() else ""
    observed = f"exit {code}" + (f": {first}" if first else "")
    return verdict.outcome(observed, _evidence(code, stdout, stderr))


def _tail(text: str, limit: int) -> str:
    return text if len(text) <= limit else "…" + text[-limit:]


def _evidence(code: int, stdout: str, stderr: str) -> str:
    half = EVIDENCE_LIMIT // 2
    return f"exit code {code}\n--- stdout (tail) ---\n{_tail(stdout, half)}\n--- stderr (tail) ---\n{_tail(stderr, half)}"
