#!/usr/bin/env python3
"""``make bench``: every row of the scale targets, measured as whole processes, beside the floor and real peers.

Rows (see bench/README.md): the build of 30 and of 300 runbooks (× 3 modes), a
runbook edited under ``mkdocs serve`` in the 300-runbook catalogue, 1000 HTTP
checks at concurrency 50 and 10,000 at 200 against a loopback server answering
after 50 ms, stamping after a 1000-check run, and one generated check script
run cold, and the size of the status dashboard of 1000 checks with a 50-run
history. The HTTP rows run beside the floor (⌈N/c⌉ × 50 ms) and two peers
from Debian, driven at the same concurrency: Nagios' ``check_http`` (one
process per check, ``xargs -P``) and ``prometheus-blackbox-exporter`` (its
own instance on a free port) driven by ``hey``. Each figure is the median of
``--repeat`` runs, alternating with its peers. Targets are printed as PASS or
FAIL with the ratio to the target; the exit code is 0 unless ``--strict``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402  (bench/bench.py: the loopback server, the generated project, wait4)

BIN = Path(sys.executable).parent
CHECK_HTTP = "/usr/lib/nagios/plugins/check_http"
DELAY_MS = 50.0


@dataclass
class Row:
    work: str
    measured: str
    target: str
    ok: bool | None  # None: measured for information
    beside: str = ""  # the floor and the peers, with ratios


def median_of(repeat: int, measure: Callable[[], float]) -> float:
    return statistics.median(measure() for _ in range(repeat))


def timed(cmd: list[str], cwd: Path) -> tuple[float, int, float | None]:
    """Wall s, exit code, peak RSS MB of one process."""
    wall, code, rss, _ = bench.spawn_and_wait4(cmd, cwd, cwd / ".bench.out", cwd / ".bench.err", 900)
    return wall, code, rss


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- build

def scale_project(dest: Path, copies: int) -> Path:
    """The bundled catalogue, ``copies`` times over (30 runbooks each), as its own project. A copy has its
    own title and its own alert names (an alert links to one runbook)."""
    (dest / "runbooks").mkdir(parents=True)
    (dest / "docs").mkdir()
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copy(REPO / "runbooks" / "_project.yaml", dest / "runbooks" / "_project.yaml")
    for path in sorted((REPO / "runbooks").glob("[!_]*.yaml")):
        text = path.read_text(encoding="utf-8")
        for k in range(copies):
            copy = text if k == 0 else _copy(text, k)
            (dest / "runbooks" / (f"{path.stem}.yaml" if k == 0 else f"{path.stem}-{k:02d}.yaml")).write_text(copy)
    return dest


def _copy(text: str, k: int) -> str:
    text = re.sub(r"^title: (.*)$", lambda m: f"title: {m[1].strip(chr(34))} {k:02d}", text, count=1, flags=re.M)
    return re.sub(r"^alerts: \[(.*)\]$", lambda m: "alerts: [" + ", ".join(
        f"{name.strip()}Copy{k:02d}" for name in m[1].split(",")) + "]", text, count=1, flags=re.M)


def build_rows(work: Path, repeat: int) -> list[Row]:
    small, large = scale_project(work / "b30", 1), scale_project(work / "b300", 10)
    runs: dict[str, list[tuple[float, float | None]]] = {"30": [], "300": []}
    for _ in range(repeat):  # alternating, so both sizes see the same machine
        for name, root in (("30", small), ("300", large)):
            wall, code, rss = timed([str(BIN / "runbooks"), "build"], root)
            assert code == 0, (root / ".bench.err").read_text()
            runs[name].append((wall, rss))
    t30 = statistics.median(w for w, _ in runs["30"])
    t300 = statistics.median(w for w, _ in runs["300"])
    rss300 = max(r or 0 for _, r in runs["300"])
    return [
        Row("runbooks build, 30 runbooks × 3 modes", f"{t30:.2f} s", "≤ 3 s", t30 <= 3.0),
        Row("runbooks build, 300 runbooks × 3 modes", f"{t300:.2f} s, {rss300:.0f} MB", "≤ 30 s, ≤ 300 MB",
            t300 <= 30.0 and rss300 <= 300),
        Row("build growth 30 → 300 runbooks", f"×{t300 / t30:.1f}", "≤ ×10 (linear)", t300 / t30 <= 10.0),
    ]


def serve_row(work: Path, *flags: str) -> Row:
    """Edit one runbook of the 300-runbook catalogue under `mkdocs serve`; time until its page says so."""
    root = work / "b300"
    port = free_port()
    url = f"http://127.0.0.1:{port}/local/search-health-05/"
    what = " ".join(["mkdocs serve", *flags])
    proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}", *flags], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if not _wait_for(url, "Search service health 05", 600):
            return Row(f"{what}: one runbook edited, 300 runbooks", "no page", "≤ 5 s", False)
        path = root / "runbooks" / "search-health-05.yaml"
        before = path.read_text()
        step = "Check the status endpoint for degraded components"
        path.write_text(before.replace(f"{step}.", f"{step} (edited).", 1))
        saved = time.perf_counter()
        seen = _wait_for(url, f"{step} (edited)", 600)
        took = time.perf_counter() - saved
        path.write_text(before)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
    return Row(f"{what}: one runbook edited, 300 runbooks", f"{took:.1f} s" if seen else "never", "≤ 5 s",
               seen and took <= 5.0)


def _wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text in response.read().decode():
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


# ---------------------------------------------------------------- HTTP checks

def http_project(work: Path, url: str, n: int) -> Path:
    root = work / f"http{n}"
    bench.write_site_project(root, url, n)
    return root


def runner(root: Path, n: int, concurrency: int, *extra: str) -> tuple[float, float | None, float]:
    """Wall s, peak RSS MB and the worst check latency of one ``run-checks`` (a check that is not OK is the
    worst latency: every check asserts status 200 and warns at 200 ms)."""
    out = root / "out.json"
    wall, code, rss = timed([str(BIN / "run-checks"), "--root", str(root), "--mode", "local", "--concurrency",
                             str(concurrency), "--json", str(out), "-q", *extra], root)
    result = bench.RunnerRun()
    bench.parse_runner_json(json.loads(out.read_text()), result)
    assert code in (0, 1) and len(result.latencies_ms) == n, f"exit {code}: {(root / '.bench.err').read_text()}"
    return wall, rss, max(result.latencies_ms) if result.ok == n else math.inf


RUNNING_RUNS = 4  # runs of the running runner: the last three are timed


def running_runner(root: Path, concurrency: int) -> float:
    """Seconds a run takes in a runner that is already running (``run-checks --every``, runs back to back):
    (the wall of RUNNING_RUNS runs - the wall of one) / (RUNNING_RUNS - 1). Each such run pays everything a run
    pays (the lock, the checks, the store, the report, the collection after it), and none of the start-up."""
    walls = []
    for runs in (1, RUNNING_RUNS):
        wall, code, _ = timed([str(BIN / "run-checks"), "--root", str(root), "--mode", "local", "--concurrency",
                               str(concurrency), "--json", str(root / "out.json"), "-q", "--every", "1ms",
                               "--jitter", "0s", "--runs", str(runs)], root)
        assert code in (0, 1), f"exit {code}: {(root / '.bench.err').read_text()}"
        walls.append(wall)
    return (walls[1] - walls[0]) / (RUNNING_RUNS - 1)


def check_http_peer(port: int, n: int, concurrency: int, work: Path) -> float:
    paths = "".join(f"/r/{i}\n" for i in range(n))
    started = time.perf_counter()
    subprocess.run(["xargs", "-P", str(concurrency), "-I{}", CHECK_HTTP, "-H", "127.0.0.1", "-p", str(port), "-u", "{}"],
                   input=paths, text=True, stdout=subprocess.DEVNULL, check=False, cwd=work)
    return time.perf_counter() - started


class Blackbox:
    """prometheus-blackbox-exporter on a free port with a config of its own (never the system service's)."""

    def __init__(self, work: Path) -> None:
        config = work / "blackbox.yml"
        config.write_text("modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n")
        self.port = free_port()
        self.proc = subprocess.Popen(["prometheus-blackbox-exporter", f"--config.file={config}",
                                      f"--web.listen-address=127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not _wait_for(f"http://127.0.0.1:{self.port}/metrics", "blackbox", 30):
            raise RuntimeError("prometheus-blackbox-exporter did not start")

    def drive(self, target: str, n: int, concurrency: int) -> float:
        """``hey`` asks for N probes of ``target``: the wall time of its process, as every figure here is (its
        own "Total" leaves its start-up out: 7-15 ms less, on this kind of machine)."""
        url = f"http://127.0.0.1:{self.port}/probe?module=http_2xx&target={target}"
        started = time.perf_counter()
        out = subprocess.run(["hey", "-n", str(n), "-c", str(concurrency), url], capture_output=True, text=True,
                             check=True).stdout
        wall = time.perf_counter() - started
        assert re.search(r"Total:\s+([\d.]+) secs", out) and "[200]" in out, out
        return wall

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def http_rows(work: Path, server_url: str, port: int, repeat: int) -> list[Row]:
    rows = []
    root = http_project(work, server_url, 1000)
    blackbox = Blackbox(work)
    try:
        ours, running, theirs_nagios, theirs_bb, worst = [], [], [], [], 0.0
        for _ in range(repeat):
            wall, _, latency = runner(root, 1000, 50)
            ours.append(wall)
            worst = max(worst, latency)
            theirs_nagios.append(check_http_peer(port, 1000, 50, work))
            theirs_bb.append(blackbox.drive(f"{server_url}/r/1", 1000, 50))
            running.append(running_runner(root, 50))
    finally:
        blackbox.stop()
    t, nag, bb = statistics.median(ours), statistics.median(theirs_nagios), statistics.median(theirs_bb)
    floor = math.ceil(1000 / 50) * DELAY_MS / 1000
    peers = (f"check_http × 1000, xargs -P 50: {nag:.2f} s (×{t / nag:.2f}); "
             f"blackbox-exporter + hey -c 50: {bb:.2f} s (×{t / bb:.2f})")
    rows.append(Row("1000 HTTP checks, c = 50, 50 ms server", f"{t:.2f} s; worst check {worst:.1f} ms",
                    "≤ 1.3 s, faster than both peers, no check > 75 ms", t <= 1.3 and t < nag and t < bb and worst <= 75,
                    f"floor {floor:.2f} s (×{t / floor:.2f}); {peers}"))
    kept = statistics.median(running)
    rows.append(Row("the same, a run of a running runner (--every)", f"{kept:.2f} s", "", None,
                    f"floor {floor:.2f} s (×{kept / floor:.2f}); check_http: ×{kept / nag:.2f}; "
                    f"blackbox-exporter + hey: ×{kept / bb:.2f}"))
    big = http_project(work, server_url, 10000)
    walls, rss_peak = [], 0.0
    for _ in range(repeat):
        wall, rss, _ = runner(big, 10000, 200)
        walls.append(wall)
        rss_peak = max(rss_peak, rss or 0.0)
    t10k, floor10k = statistics.median(walls), math.ceil(10000 / 200) * DELAY_MS / 1000
    rows.append(Row("10,000 HTTP checks, c = 200, 50 ms server", f"{t10k:.2f} s, {rss_peak:.0f} MB", "≤ 5 s, ≤ 150 MB",
                    t10k <= 5.0 and rss_peak <= 150, f"floor {floor10k:.2f} s (×{t10k / floor10k:.2f})"))
    rows += stamp_rows(root, repeat)
    return rows


def stamp_rows(root: Path, repeat: int) -> list[Row]:
    """``run-checks --site`` against the same run without it: the difference is what stamping costs. Twice:
    with the few runs of history the bench made, and with a full one (50 runs, bench/history.py), where
    every strip has 50 cells and every run moves the window of every check."""
    from history import record_month  # bench/history.py

    rows = [_stamp_row(root, repeat, "a new store")]
    record_month(root, runs=50)
    rows.append(_stamp_row(root, max(repeat, 5), "a full 50-run history"))
    return rows


def _stamp_row(root: Path, repeat: int, history: str) -> Row:
    """The median of paired differences: each run with ``--site`` beside one without, so a pair sees the
    same machine. A 1000-check run varies by ±0.1 s from one run to the next, as much as stamping costs,
    so there are many pairs (15 at the default --repeat 3), and every other pair runs the other way round
    (ABBA), so that a machine getting slower or faster during the row does not count as stamping. The
    quartiles of the differences say how sure the median is."""
    rebuild = median_of(repeat, lambda: timed([str(BIN / "runbooks"), "build"], root)[0])
    site = str(root / "site")
    pairs = []
    for n in range(max(5 * repeat, 7)):
        order = [("--site", site), ()] if n % 2 else [(), ("--site", site)]
        wall = {bool(extra): runner(root, 1000, 50, *extra)[0] for extra in order}  # run in that order
        pairs.append(wall[True] - wall[False])
    stamping = max(0.0, statistics.median(pairs))
    low, _, high = statistics.quantiles(pairs, n=4)
    return Row(f"stamping after a 1000-check run, {history}", f"{stamping:.2f} s", "≤ 0.3 s, ≥ 20× faster than a rebuild",
               stamping <= 0.3 and rebuild >= 20 * stamping,
               f"a full rebuild: {rebuild:.2f} s (×{rebuild / max(stamping, 1e-3):.0f}); {len(pairs)} pairs, "
               f"quartiles {low:.2f}–{high:.2f} s")


def dashboard_row(work: Path) -> Row:
    """The status dashboard of 1000 checks after a month of hourly runs (bench/history.py: 50 runs, some
    incidents, some flapping), built by ``runbooks build``: its size, and that every check has its row and strip."""
    from history import month_project  # bench/history.py, shared with tests/test_dashboard_scale.py

    root = work / "dashboard"
    checks = month_project(root, 1000, runs=50)
    subprocess.run([str(BIN / "runbooks"), "build"], cwd=root, check=True, stdout=subprocess.DEVNULL)
    html = (root / "site" / "local" / "status" / "index.html").read_bytes()
    rows, strips = html.count(b'<tr id="bench-'), html.count(b'<svg class="rb-strip"')
    return Row("status dashboard, 1000 checks, 50-run history", f"{len(html) / 1e6:.2f} MB of HTML "
               f"({rows} rows, {strips} strips)", "≤ 1 MB, every check findable, its strip drawn",
               len(html) <= 1_000_000 and rows == strips == checks == 1000)


def script_row(work: Path, port: int, repeat: int) -> Row:
    """One generated check script with one http check, cold (a new interpreter each time)."""
    root = work / "script"
    (root / "runbooks").mkdir(parents=True)
    shutil.copy(REPO / "runbooks" / "_project.yaml", root / "runbooks" / "_project.yaml")
    (root / "runbooks" / "one.yaml").write_text(
        f'title: One\nsummary: one check\nmodes: [local]\nchecks:\n  - id: up\n    title: Up\n'
        f'    http: {{url: "http://127.0.0.1:{port}/r/1", status: 200}}\n')
    subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; "
                    "from generator.format.catalog import load_catalog; "
                    "from generator.checkscripts.generate import write_scripts; "
                    "write_scripts(load_catalog(Path(sys.argv[1])))", str(root)], check=True)
    script = root / "checks" / "local" / "one.py"
    ours = median_of(max(5, repeat), lambda: timed([sys.executable, str(script)], root)[0])
    theirs = median_of(max(5, repeat), lambda: timed([CHECK_HTTP, "-H", "127.0.0.1", "-p", str(port), "-u", "/r/1"],
                                                      root)[0])
    return Row("one generated check script (one http check), cold", f"{ours:.3f} s", "≤ 0.2 s", ours <= 0.2,
               f"check_http: {theirs:.3f} s (server answers after 50 ms in both)")


# ---------------------------------------------------------------- report

def table(rows: list[Row]) -> str:
    label = {True: "PASS", False: "FAIL", None: "info"}
    width = max(len(r.work) for r in rows)
    lines = []
    for r in rows:
        target = f"  (target {r.target})" if r.ok is not None else ""
        lines.append(f"[{label[r.ok]}] {r.work.ljust(width)}  {r.measured}{target}")
        if r.beside:
            lines.append(f"       {' ' * width}  beside: {r.beside}")
    return "\n".join(lines)


def compile_package() -> None:
    """The package's modules as bytecode, as ``pip install`` leaves them (pip compiles a wheel's modules when it
    installs it). The bench's package is the checkout, installed editable: under ``PYTHONDONTWRITEBYTECODE``
    (set on CI machines) Python never writes the bytecode, and every process would compile every module it
    imports: 0.095-0.099 s against 0.061-0.064 s to import what ``run-checks`` imports of it, 3 runs each of
    ``python -c "import generator.cli, generator.run.pipeline, …"`` on a copy with and one without bytecode."""
    import compileall

    if not compileall.compile_dir(str(REPO / "generator"), quiet=1):
        raise RuntimeError("the package does not compile")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is shown (default 3)")
    parser.add_argument("--only", default="build,serve,http,dashboard,script", help="rows to run (default: all)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    missing = [tool for tool in (CHECK_HTTP, "hey", "prometheus-blackbox-exporter") if not shutil.which(tool)]
    if missing and "http" in args.only:
        print(f"missing peers {missing}: run `make system-deps`", file=sys.stderr)
        return 2
    only = set(args.only.split(","))
    compile_package()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="runbooks-bench-") as tmp:
        work = Path(tmp)
        # The runs' caches (catalogues, compiled templates) go with the projects: nothing is left in ~/.cache.
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, "
              f"repeat {args.repeat}", flush=True)
        if "build" in only or "serve" in only:
            rows += build_rows(work, args.repeat) if "build" in only else []
            if "serve" in only:
                if not (work / "b300").exists():
                    scale_project(work / "b300", 10)
                rows.append(serve_row(work, "--dirty"))
                rows.append(serve_row(work))
        with bench.LoopbackServer(DELAY_MS) as server:
            if "http" in only:
                rows += http_rows(work, server.url, server.port, args.repeat)
            if "script" in only:
                rows.append(script_row(work, server.port, args.repeat))
        if "dashboard" in only:
            rows.append(dashboard_row(work))
    print(f"\nload after: {os.getloadavg()[0]:.1f}\n")
    print(table(rows))
    return 1 if args.strict and any(r.ok is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
