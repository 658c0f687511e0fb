#!/usr/bin/env python3
"""Benchmark ``run-checks`` against a loopback HTTP server.

For each size N the harness generates a throw-away runbooks project with N
HTTP checks, runs ``run-checks`` on it as a subprocess, and puts the result
next to two "bare" asyncio + httpx loops making the same N requests, plus
the theoretical floor ``ceil(N / concurrency) * delay``.  The gap between the
runner and the bare loops is the runner's own overhead.

Modes (one file, so ``make bench`` needs nothing but this script):

* default        run the benchmark and print the table
* ``--serve P``  internal: the loopback server (P=0 picks a free port and
                 prints ``PORT <n>`` on stdout)
* ``--bare``     internal: one bare request loop, prints a JSON line

Only the stdlib, httpx and PyYAML are used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import yaml

HERE = Path(__file__).resolve().parent
RESULTS_PATH = HERE / "results" / "latest.json"

# Targets (see bench/README.md).
TARGET_WALL_N = 1000
TARGET_WALL_S = 2.5
TARGET_LATENCY_MS = 75.0
TARGET_HELP_S = 0.5

# Runner exit codes that mean "ran to completion" (1 = some check not OK).
RUNNER_OK_EXIT_CODES = (0, 1)

RUNBOOK_FILES = 10
STDERR_TAIL_LINES = 40


# --------------------------------------------------------------------------
# Loopback server
# --------------------------------------------------------------------------

_RESPONSE_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
RESPONSE_KEEP_ALIVE = _RESPONSE_HEAD + b"Connection: keep-alive\r\n\r\nok"
RESPONSE_CLOSE = _RESPONSE_HEAD + b"Connection: close\r\n\r\nok"


class DelayedOkProtocol(asyncio.Protocol):
    """HTTP/1.1 keep-alive protocol answering ``200 ok`` after a fixed delay.

    A raw Protocol plus ``loop.call_later`` keeps the per-request cost to one
    timer handle: no task, no stream reader, so the server cannot be what
    limits the benchmark.
    """

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        # Loop: a client may send more than one request in a single segment.
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).lower()
            total = end + 4 + _content_length(head)
            if len(self.buffer) < total:
                return  # body not complete yet
            del self.buffer[:total]
            self.loop.call_later(self.delay_s, self._respond, _wants_keep_alive(head))

    def _respond(self, keep_alive: bool) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return  # client went away while we were "thinking"
        transport.write(RESPONSE_KEEP_ALIVE if keep_alive else RESPONSE_CLOSE)
        if not keep_alive:
            transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


def _content_length(head: bytes) -> int:
    """Return the Content-Length of a lower-cased request head (0 if absent)."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip() == b"content-length":
            try:
                return max(0, int(value.strip()))
            except ValueError:
                return 0
    return 0


def _wants_keep_alive(head: bytes) -> bool:
    """HTTP/1.1 defaults to keep-alive, HTTP/1.0 to close; honour the header."""
    request_line, _, _ = head.partition(b"\r\n")
    if b"connection: close" in head:
        return False
    if request_line.endswith(b"http/1.0"):
        return b"connection: keep-alive" in head
    return True


async def serve(port: int, delay_ms: float) -> None:
    """Run the loopback server forever; announce the bound port on stdout."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: DelayedOkProtocol(delay_ms / 1000.0),
        host="127.0.0.1",
        port=port,
        backlog=2048,  # a runner without keep-alive opens many connections at once
        reuse_address=True,
    )
    bound = server.sockets[0].getsockname()[1]
    print(f"PORT {bound}", flush=True)
    async with server:
        await server.serve_forever()


class LoopbackServer:
    """The server running in its own process, so it never shares our CPU."""

    def __init__(self, delay_ms: float) -> None:
        self.delay_ms = delay_ms
        self.proc: subprocess.Popen[str] | None = None
        self.port = 0

    def __enter__(self) -> "LoopbackServer":
        cmd = [sys.executable, str(Path(__file__).resolve()), "--serve", "0",
               "--delay-ms", str(self.delay_ms)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("PORT "):
            self.proc.kill()
            raise RuntimeError(f"loopback server failed to start (got {line!r})")
        self.port = int(line.split()[1])
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --------------------------------------------------------------------------
# Bare request loop (runs in its own subprocess)
# --------------------------------------------------------------------------

async def bare_loop(url: str, n: int, concurrency: int, clients: int,
                    conns_per_client: int) -> dict[str, Any]:
    """Make N GETs through ``clients`` AsyncClients (round-robin), timed.

    Only the request phase is timed: interpreter start-up and client
    construction are excluded, connection set-up is included (the runner
    pays for it too).
    """
    import httpx  # imported here so the --serve mode does not pay for it

    limits = httpx.Limits(max_connections=conns_per_client,
                          max_keepalive_connections=conns_per_client)
    # trust_env=False: a proxy from the environment must not hijack loopback.
    pool = [httpx.AsyncClient(limits=limits, trust_env=False, timeout=30.0)
            for _ in range(clients)]
    sem = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    ok = 0

    async def one(i: int) -> None:
        nonlocal ok
        async with sem:
            start = time.perf_counter()
            resp = await pool[i % clients].get(f"{url}/r/{i}")
            latencies.append((time.perf_counter() - start) * 1000.0)
            ok += resp.status_code == 200

    try:
        start = time.perf_counter()
        results = await asyncio.gather(*(one(i) for i in range(n)), return_exceptions=True)
        elapsed = time.perf_counter() - start
    finally:
        for client in pool:
            await client.aclose()
    errors = [repr(r) for r in results if isinstance(r, BaseException)]
    return {"elapsed_s": elapsed, "ok": ok, "n": n, "errors": len(errors),
            "first_error": errors[0] if errors else None,
            **latency_summary(latencies)}


def run_bare_subprocess(url: str, n: int, concurrency: int, clients: int,
                        conns_per_client: int, timeout_s: float) -> dict[str, Any]:
    """Run :func:`bare_loop` in a fresh interpreter and return its report."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--bare", "--url", url,
           "--n", str(n), "--concurrency", str(concurrency),
           "--clients", str(clients), "--conns-per-client", str(conns_per_client)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return {"failed": f"timed out after {timeout_s:.0f}s"}
    if proc.returncode != 0:
        return {"failed": f"exit {proc.returncode}: {tail(proc.stderr, 5)}"}
    try:
        report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"failed": f"no report on stdout: {tail(proc.stderr, 5)}"}
    if report["ok"] != n:
        report["failed"] = f"{report['ok']}/{n} OK; {report['first_error']}"
    return report


# --------------------------------------------------------------------------
# Generated project
# --------------------------------------------------------------------------

def project_yaml(url: str) -> dict[str, Any]:
    """The ``_project.yaml`` document; every mode points at the server."""
    modes = {
        "local": {"title": "Local", "description": "Loopback benchmark"},
        "hybrid": {"title": "Hybrid", "description": "unused"},
        "aws": {"title": "AWS", "description": "unused"},
    }
    for mode in modes.values():
        mode["vars"] = {"bench_url": url}
    return {
        "title": "Benchmark",
        "modes": modes,
        "contacts": {},
        "escalation": [],
        "severities": {
            "P1": {"title": "Critical", "response": "15m"},
            "P2": {"title": "High", "response": "1h"},
            "P3": {"title": "Medium", "response": "4h"},
            "P4": {"title": "Low", "response": "24h"},
        },
    }


def runbook_yaml(index: int, check_ids: range) -> dict[str, Any]:
    """One runbook holding a contiguous slice of the N checks."""
    checks = [
        {
            "id": f"c{i:04d}",
            "title": f"Check {i}",
            "http": {
                "url": f"{{{{ bench_url }}}}/r/{i}",
                "status": 200,
                "latency_ms": {"warn": 200, "crit": 1000},
            },
        }
        for i in check_ids
    ]
    return {"title": f"Bench {index:02d}", "summary": "Benchmark runbook", "checks": checks}


def write_project(root: Path, url: str, n: int) -> None:
    """Write the project for N checks split across RUNBOOK_FILES runbooks."""
    runbooks = root / "runbooks"
    runbooks.mkdir(parents=True, exist_ok=True)
    dump = lambda doc: yaml.safe_dump(doc, sort_keys=False, default_flow_style=False)  # noqa: E731
    (runbooks / "_project.yaml").write_text(dump(project_yaml(url)))
    for index in range(RUNBOOK_FILES):
        # Even split (sizes differ by at most one); skip empty files for tiny N
        # because a runbook without checks may not pass schema validation.
        ids = range(index * n // RUNBOOK_FILES, (index + 1) * n // RUNBOOK_FILES)
        if ids:
            (runbooks / f"bench-{index:02d}.yaml").write_text(dump(runbook_yaml(index, ids)))


def write_site_project(root: Path, url: str, n: int) -> None:
    """``write_project`` plus what ``runbooks build`` needs: a docs/ directory and the repository's mkdocs.yml."""
    write_project(root, url, n)
    (root / "docs").mkdir(exist_ok=True)
    shutil.copy(HERE.parent / "mkdocs.yml", root / "mkdocs.yml")


# --------------------------------------------------------------------------
# Runner
# --------------------------------------------------------------------------

@dataclass
class RunnerRun:
    """One ``run-checks`` invocation."""

    wall_s: float | None = None
    exit_code: int | None = None
    peak_rss_mb: float | None = None
    peak_rss_source: str = "wait4"  # or "sampled" (see HwmSampler)
    states: dict[str, int] = field(default_factory=dict)
    ok: int | None = None  # None until the JSON output was read
    latencies_ms: list[float] = field(default_factory=list)
    failed: str | None = None


def child_env() -> dict[str, str]:
    """Environment for the runner: never route loopback through a proxy."""
    env = dict(os.environ)
    extra = "127.0.0.1,localhost"
    for key in ("NO_PROXY", "no_proxy"):
        env[key] = f"{env[key]},{extra}" if env.get(key) else extra
    return env


def spawn_and_wait4(cmd: Sequence[str], cwd: Path, stdout_path: Path, stderr_path: Path,
                    timeout_s: float) -> tuple[float, int, float | None, str]:
    """Run ``cmd``; return (wall s, exit code, peak RSS MB or None, RSS source).

    ``os.wait4`` reaps the child ourselves so ``ru_maxrss`` is the runner's
    own peak, not a max over every child this harness ever had (which is what
    ``resource.getrusage(RUSAGE_CHILDREN)`` would give).  Output goes to
    files rather than pipes so nobody has to drain them while we block.
    """
    # Linux folds the pre-exec memory (the harness's own, via fork/vfork) into
    # the child's ru_maxrss, so a reading at or below our peak may be ours.
    harness_peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, env=child_env())
        sampler = HwmSampler(proc.pid)
        # Watchdog: a hung runner must not hang the benchmark.
        watchdog = threading.Timer(timeout_s, _kill_quietly, args=(proc.pid,))
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
            sampler.stop()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it is reaped
    if sys.platform == "darwin":  # bytes there, KiB on Linux; no fork inheritance
        return wall, proc.returncode, usage.ru_maxrss / 2**20, "wait4"
    if usage.ru_maxrss > harness_peak_kib:
        return wall, proc.returncode, usage.ru_maxrss / 1024, "wait4"
    sampled = sampler.peak_kib / 1024 if sampler.peak_kib else None
    return wall, proc.returncode, sampled, "sampled"


class HwmSampler:
    """Poll ``VmHWM`` (peak RSS of the current image) of a running process.

    The fallback for when ``ru_maxrss`` is masked by the harness's own memory:
    VmHWM is reset at exec, so it is the runner's alone, but growth after the
    last sample (every 10 ms) is missed.
    """

    def __init__(self, pid: int, interval_s: float = 0.01) -> None:
        self.path = Path(f"/proc/{pid}/status")
        self.interval_s = interval_s
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        if self.path.exists():
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                text = self.path.read_text()
            except OSError:
                return  # process gone
            for line in text.splitlines():
                if line.startswith("VmHWM:"):
                    self.peak_kib = max(self.peak_kib, int(line.split()[1]))
                    break
            self._stop.wait(self.interval_s)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def _kill_quietly(pid: int) -> None:
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass


def run_runner(run_checks: str, root: Path, n: int, concurrency: int,
               timeout_s: float) -> RunnerRun:
    """Run ``run-checks`` on the generated project and parse its JSON."""
    out_json = root / "out.json"
    out_json.unlink(missing_ok=True)
    cmd = [run_checks, "--root", str(root), "--mode", "local",
           "--concurrency", str(concurrency), "--json", str(out_json)]
    run = RunnerRun()
    stderr_path = root / "runner.stderr"
    try:
        run.wall_s, run.exit_code, run.peak_rss_mb, run.peak_rss_source = spawn_and_wait4(
            cmd, root, root / "runner.stdout", stderr_path, timeout_s)
    except OSError as exc:  # e.g. run-checks not installed yet
        run.failed = f"cannot start: {exc}"
        return run

    if run.exit_code not in RUNNER_OK_EXIT_CODES:
        run.failed = f"exit {run.exit_code}"
    else:
        try:
            parse_runner_json(json.loads(out_json.read_text()), run)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            run.failed = f"exit {run.exit_code}, bad/missing JSON ({type(exc).__name__})"
        else:
            if run.ok != n:
                run.failed = f"{run.ok}/{n} OK"
    if run.failed:
        print(f"\n[N={n}] runner failed: {run.failed}", file=sys.stderr)
        print(tail(stderr_path.read_text(errors="replace"), STDERR_TAIL_LINES) or "(no stderr)",
              file=sys.stderr)
    return run


def parse_runner_json(doc: dict[str, Any], run: RunnerRun) -> None:
    """Fill states and per-check latencies from the runner's ``--json``."""
    for result in doc["results"]:
        state = str(result.get("state"))
        run.states[state] = run.states.get(state, 0) + 1
        latency = check_latency_ms(result)
        if latency is not None:
            run.latencies_ms.append(latency)
    run.ok = sum(count for state, count in run.states.items() if state.upper() == "OK")


def check_latency_ms(result: dict[str, Any]) -> float | None:
    """The latency the check measured (``metrics.latency_ms``, what a
    ``latency_ms`` threshold is compared with), else its ``duration_ms``."""
    value = (result.get("metrics") or {}).get("latency_ms")
    if value is None:
        value = result.get("duration_ms")
    return float(value) if isinstance(value, (int, float)) else None


def time_help(run_checks: str, runs: int) -> dict[str, Any]:
    """Median wall time of ``run-checks --help`` (start-up / import cost)."""
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            proc = subprocess.run([run_checks, "--help"], capture_output=True,
                                  env=child_env(), timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return {"failed": f"cannot run: {exc}", "times_s": times}
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            return {"failed": f"exit {proc.returncode}", "times_s": times}
    return {"median_s": statistics.median(times), "times_s": times}


# --------------------------------------------------------------------------
# Measurement per size
# --------------------------------------------------------------------------

def latency_summary(latencies: list[float]) -> dict[str, float | None]:
    """max / p50 / p99 in ms (nearest-rank), None when nothing was measured."""
    if not latencies:
        return {"lat_max_ms": None, "p50_ms": None, "p99_ms": None}
    ordered = sorted(latencies)
    return {"lat_max_ms": ordered[-1], "p50_ms": percentile(ordered, 50),
            "p99_ms": percentile(ordered, 99)}


def percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return ordered[rank - 1]


def median_or_none(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


@dataclass
class Row:
    """One line of the table (medians over ``--repeat`` runs)."""

    n: int
    ok: int | None
    runner_wall_s: float | None
    floor_s: float
    bare_1_client_s: float | None
    bare_5x10_s: float | None
    lat_max_ms: float | None
    p50_ms: float | None
    p99_ms: float | None
    peak_rss_mb: float | None
    peak_rss_sampled: bool  # True: from VmHWM polling, may under-read slightly
    states: dict[str, int]
    runner_failed: str | None
    bare_failed: str | None
    raw: dict[str, Any] = field(default_factory=dict)


def measure_size(args: argparse.Namespace, url: str, n: int) -> Row:
    """Runner + both bare loops for one N, ``--repeat`` times each."""
    runs: list[RunnerRun] = []
    bare1: list[dict[str, Any]] = []
    bare5: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as tmp:
        root = Path(tmp)
        write_project(root, url, n)
        for _ in range(args.repeat):
            runs.append(run_runner(args.run_checks, root, n, args.concurrency, args.timeout))
            bare1.append(run_bare_subprocess(url, n, args.concurrency, 1,
                                             args.concurrency, args.timeout))
            bare5.append(run_bare_subprocess(url, n, args.concurrency, 5,
                                             max(1, args.concurrency // 5), args.timeout))

    runner_failed = next((r.failed for r in runs if r.failed), None)
    bare_failed = next((b["failed"] for b in bare1 + bare5 if "failed" in b), None)
    good = [r for r in runs if not r.failed]
    # Latency across all repeats: max is the worst ever seen, percentiles pooled.
    lat = latency_summary([x for r in good for x in r.latencies_ms])
    return Row(
        n=n,
        ok=min((r.ok for r in runs if r.ok is not None), default=None),
        runner_wall_s=median_or_none([r.wall_s for r in good]) if not runner_failed else None,
        floor_s=math.ceil(n / args.concurrency) * args.delay_ms / 1000.0,
        bare_1_client_s=median_or_none([b.get("elapsed_s") for b in bare1 if "failed" not in b]),
        bare_5x10_s=median_or_none([b.get("elapsed_s") for b in bare5 if "failed" not in b]),
        lat_max_ms=lat["lat_max_ms"] if not runner_failed else None,
        p50_ms=lat["p50_ms"] if not runner_failed else None,
        p99_ms=lat["p99_ms"] if not runner_failed else None,
        peak_rss_mb=max((r.peak_rss_mb for r in runs if r.peak_rss_mb is not None),
                        default=None),
        peak_rss_sampled=any(r.peak_rss_source == "sampled" for r in runs),
        states=runs[-1].states if runs else {},
        runner_failed=runner_failed,
        bare_failed=bare_failed,
        raw={"runner": [_runner_raw(r) for r in runs], "bare_1_client": bare1,
             "bare_5x10": bare5},
    )


def _runner_raw(run: RunnerRun) -> dict[str, Any]:
    """RunnerRun for the JSON file, without the (long) latency list."""
    data = asdict(run)
    data.pop("latencies_ms")
    data.update(latency_summary(run.latencies_ms))
    return data


# --------------------------------------------------------------------------
# Targets, table, output
# --------------------------------------------------------------------------

def evaluate_targets(rows: list[Row], help_result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with its measured value and whether it was met."""
    targets: list[dict[str, Any]] = []
    big = next((r for r in rows if r.n == TARGET_WALL_N), None)
    targets.append({
        "target": f"{TARGET_WALL_N} checks within {TARGET_WALL_S} s wall",
        # None = not measured (N=1000 not in --sizes): neither met nor missed.
        "measured": _fmt(big.runner_wall_s, 2, " s") if big else f"N={TARGET_WALL_N} not run",
        "met": None if big is None else
        big.runner_wall_s is not None and big.runner_wall_s <= TARGET_WALL_S,
    })
    worst = [r.lat_max_ms for r in rows]
    targets.append({
        "target": f"every check's latency < {TARGET_LATENCY_MS:.0f} ms",
        "measured": _fmt(max(worst) if None not in worst else None, 1, " ms max"),
        "met": bool(rows) and None not in worst and max(worst) < TARGET_LATENCY_MS,  # type: ignore[type-var]
    })
    targets.append({
        "target": "all checks OK",
        "measured": ", ".join(f"{r.ok if r.ok is not None else '-'}/{r.n}" for r in rows),
        "met": all(r.ok == r.n and not r.runner_failed for r in rows),
    })
    targets.append({
        "target": f"run-checks --help < {TARGET_HELP_S} s (median)",
        "measured": _fmt(help_result.get("median_s"), 3, " s") if "failed" not in help_result
        else f"failed: {help_result['failed']}",
        "met": "failed" not in help_result and help_result["median_s"] < TARGET_HELP_S,
    })
    return targets


def _fmt(value: float | None, digits: int, suffix: str = "") -> str:
    return "-" if value is None else f"{value:.{digits}f}{suffix}"


COLUMNS: list[tuple[str, str]] = [
    ("N", "n"), ("OK", "ok"), ("runner wall s", "runner_wall_s"), ("floor s", "floor_s"),
    ("bare 1 client s", "bare_1_client_s"), ("bare 5x10 s", "bare_5x10_s"),
    ("latency max ms", "lat_max_ms"), ("p50 ms", "p50_ms"), ("p99 ms", "p99_ms"),
    ("peak RSS MB", "peak_rss_mb"),
]
DIGITS = {"runner_wall_s": 3, "floor_s": 3, "bare_1_client_s": 3, "bare_5x10_s": 3,
          "lat_max_ms": 1, "p50_ms": 1, "p99_ms": 1, "peak_rss_mb": 1}


def render_table(rows: list[Row]) -> str:
    """A right-aligned plain-text table, one row per N, plus a status column."""
    header = [title for title, _ in COLUMNS] + ["status"]
    body: list[list[str]] = []
    for row in rows:
        cells = []
        for _, key in COLUMNS:
            value = getattr(row, key)
            cells.append(_fmt(value, DIGITS[key]) if key in DIGITS else
                         ("-" if value is None else str(value)))
        if row.peak_rss_sampled and row.peak_rss_mb is not None:
            cells[-1] += "~"  # see the legend printed under the table
        status = "ok"
        if row.runner_failed or row.bare_failed:
            status = "FAIL: " + "; ".join(
                f"{what} {why}" for what, why in (("runner", row.runner_failed),
                                                  ("bare", row.bare_failed)) if why)
        body.append(cells + [status])
    widths = [max(len(line[i]) for line in [header] + body) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        # Numbers right-aligned; the free-text status column left-aligned.
        parts = [c.rjust(w) for c, w in zip(cells[:-1], widths[:-1])]
        return "  ".join(parts + [cells[-1].ljust(widths[-1])]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule] + [line(b) for b in body])


def render_targets(targets: list[dict[str, Any]]) -> str:
    width = max(len(t["target"]) for t in targets)
    label = {True: "PASS", False: "FAIL", None: "SKIP"}
    return "\n".join(f"  [{label[t['met']]}] {t['target'].ljust(width)}  "
                     f"{t['measured']}" for t in targets)


def write_results(path: Path, args: argparse.Namespace, rows: list[Row],
                  help_result: dict[str, Any], targets: list[dict[str, Any]]) -> None:
    """Persist everything (including raw per-repeat data) as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "host": {"python": platform.python_version(), "platform": platform.platform(),
                 "cpus": os.cpu_count()},
        "params": {"sizes": args.sizes, "concurrency": args.concurrency,
                   "delay_ms": args.delay_ms, "repeat": args.repeat,
                   "run_checks": args.run_checks},
        "columns": [title for title, _ in COLUMNS],
        "rows": [asdict(r) for r in rows],
        "help": help_result,
        "targets": targets,
        "all_targets_met": not any(t["met"] is False for t in targets),
    }
    path.write_text(json.dumps(doc, indent=2) + "\n")


def tail(text: str, lines: int) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# --------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------

def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="200,500,1000",
                        type=lambda s: [int(x) for x in s.split(",") if x.strip()],
                        help="comma-separated check counts (default: 200,500,1000)")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--delay-ms", type=float, default=50.0,
                        help="server answer delay (default: 50)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per size; the table shows medians (default: 1)")
    parser.add_argument("--run-checks", default=str(Path(sys.executable).parent / "run-checks"),
                        help="path to run-checks (default: next to this Python)")
    parser.add_argument("--help-runs", type=int, default=5,
                        help="run-checks --help timings to take the median of")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="kill any single run after this many seconds")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a target is missed")
    parser.add_argument("--output", type=Path, default=RESULTS_PATH,
                        help=f"JSON results file (default: {RESULTS_PATH.relative_to(HERE.parent)})")
    # Internal modes (the harness spawns itself with these).
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--clients", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--conns-per-client", type=int, default=50, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run_benchmark(args: argparse.Namespace) -> int:
    """The default mode: measure, print, persist; return the exit code."""
    print(f"run-checks: {args.run_checks}")
    print(f"sizes {args.sizes}, concurrency {args.concurrency}, delay {args.delay_ms:g} ms, "
          f"repeat {args.repeat}, python {platform.python_version()}, cpus {os.cpu_count()}")
    if shutil.which(args.run_checks) is None:
        print(f"warning: {args.run_checks} is not an executable; runner rows will fail",
              file=sys.stderr)

    help_result = time_help(args.run_checks, args.help_runs)
    rows: list[Row] = []
    with LoopbackServer(args.delay_ms) as server:
        print(f"loopback server on {server.url}")
        for n in args.sizes:
            print(f"  N={n} ...", flush=True)
            rows.append(measure_size(args, server.url, n))

    targets = evaluate_targets(rows, help_result)
    help_text = (_fmt(help_result.get("median_s"), 3, " s") if "failed" not in help_result
                 else f"failed ({help_result['failed']})")
    print()
    print(render_table(rows))
    if any(r.peak_rss_sampled and r.peak_rss_mb is not None for r in rows):
        print("~ peak RSS sampled from /proc VmHWM every 10 ms (wait4 value was masked "
              "by the harness's own memory)")
    print()
    print(f"run-checks --help: {help_text} (median of {args.help_runs})")
    print("targets:")
    print(render_targets(targets))
    write_results(args.output, args, rows, help_result, targets)
    print(f"\nresults written to {args.output}")
    missed = any(t["met"] is False for t in targets)
    return 1 if (args.strict and missed) else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve is not None:
        try:
            asyncio.run(serve(args.serve, args.delay_ms))
        except KeyboardInterrupt:
            pass
        return 0
    if args.bare:
        if not args.url or args.n is None:
            raise SystemExit("--bare needs --url and --n")
        report = asyncio.run(bare_loop(args.url, args.n, args.concurrency,
                                       args.clients, args.conns_per_client))
        print(json.dumps(report))
        return 0
    return run_benchmark(args)


if __name__ == "__main__":
    sys.exit(main())
