"""Running a demo stack as a process: start it, read its port map, stop it, flip a service; its CLI."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from demo.stack.listeners import serve
from demo.stack.services import (
    DEFAULT_HOST,
    FAIL_ENV,
    MODULE,
    READY_PREFIX,
    SERVICES,
    TCP_SERVICES,
    TLS_LISTENER,
    TLS_VAR,
    StackError,
    parse_fail_ids,
)


@dataclass
class RunningStack:
    """A demo stack process and its port map (listener name → port)."""

    proc: subprocess.Popen[str]
    ports: dict[str, int]
    host: str = DEFAULT_HOST

    def url(self, name: str) -> str:
        """Base URL of a listener: ``http://`` for services, ``https://`` for the TLS one, ``tcp://`` else."""
        scheme = "https" if name == TLS_LISTENER else "http" if name in SERVICES else "tcp"
        return f"{scheme}://{self.host}:{self.ports[name]}"

    def mode_vars(self) -> dict[str, str | int]:
        """The local mode's variables that say where the stack listens (``search_url``, ``db_port``…)."""
        out: dict[str, str | int] = {service.var: self.url(sid) for sid, service in SERVICES.items()}
        out.update({tcp.var: self.ports[tid] for tid, tcp in TCP_SERVICES.items()})
        out[TLS_VAR] = self.ports[TLS_LISTENER]
        return out


def start_stack(
    root: Path,
    fail: Iterable[str] = (),
    timeout: float = 30,
    *,
    host: str = DEFAULT_HOST,
) -> RunningStack:
    """Launch ``serve`` in its own session and wait for its ready line (the port map).

    Raises StackError with the child's stderr if it exits or times out.
    """
    failed = parse_fail_ids(fail)
    cmd = [sys.executable, "-m", MODULE, "serve", "--root", str(root), "--host", host]
    if failed:
        cmd += ["--fail", ",".join(failed)]
    with tempfile.TemporaryFile() as stderr:
        # A file, not a pipe: nobody drains stderr while the stack runs.
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=stderr, text=True,
            env=_child_env(), start_new_session=True,
        )
        ports = _wait_ready(proc, timeout)
        if ports is not None:
            return RunningStack(proc, ports, host)
        timed_out = proc.poll() is None
        _stop(proc)
        stderr.seek(0)
        detail = stderr.read().decode(errors="replace").strip()
    reason = f"timed out after {timeout:g}s" if timed_out else f"exited with {proc.returncode}"
    raise StackError(f"demo stack did not start ({reason}): {detail or 'no stderr output'}")


def _child_env() -> dict[str, str]:
    # The child must import this package even when cwd is not the project root.
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    paths = [package_root, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _wait_ready(proc: subprocess.Popen[str], timeout: float) -> dict[str, int] | None:
    lines: queue.Queue[dict[str, int] | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(READY_PREFIX):
                lines.put({str(k): int(v) for k, v in json.loads(line[len(READY_PREFIX):]).items()})
                return
        lines.put(None)

    threading.Thread(target=pump, name="demo-stack-ready", daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None


def stop_stack(stack: RunningStack) -> int | None:
    """SIGTERM the stack, wait up to 5 s, then kill. Returns the exit code."""
    return _stop(stack.proc)


def _stop(proc: subprocess.Popen[str]) -> int | None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()
    return proc.returncode


def set_failed(stack: RunningStack, service_id: str, failed: bool, timeout: float = 5.0) -> None:
    """Flip a running service into (or out of) failure via its ``/_demo`` toggle."""
    if service_id not in SERVICES:
        raise ValueError(f"unknown service id {service_id!r}")
    action = "fail" if failed else "recover"
    url = f"{stack.url(service_id)}/_demo/{action}"
    # Bypass any *_proxy environment: the stack is always local.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, data=b"", method="POST")
    with opener.open(request, timeout=timeout) as response:
        response.read()




def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m {MODULE}",
        description="Local stand-in services for the runbook checks.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="run the demo stack until SIGTERM/SIGINT")
    serve_cmd.add_argument("--root", default=".", type=Path,
                           help="project root; files go to ROOT/.demo (default: .)")
    serve_cmd.add_argument("--fail", action="append", default=[], metavar="ID[,ID...]",
                           help=f"start these services failed (also ${FAIL_ENV}); "
                                f"ids: {', '.join(SERVICES)}")
    serve_cmd.add_argument("--host", default=DEFAULT_HOST,
                           help=f"address to bind (default: {DEFAULT_HOST})")
    return parser


def _print_ready(line: str) -> None:
    print(line, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns the process exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        fail = parse_fail_ids([*args.fail, os.environ.get(FAIL_ENV, "")])
    except ValueError as exc:
        parser.error(str(exc))
    try:
        asyncio.run(serve(args.root, fail, args.host, on_ready=_print_ready))
    except (StackError, OSError) as exc:
        print(f"demo stack: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass  # SIGINT before the handlers were installed: still a clean stop
    return 0
