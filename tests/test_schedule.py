"""``run-checks --every``: runs of a mode never overlap, SIGTERM stops cleanly, memory stays flat.

Real processes (the ``run-checks`` entry point) on one small project whose site is built once;
the probe that takes time is an HTTP route of the session's test server that notes when each
request starts and ends.
"""

from __future__ import annotations

import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from generator.run.store import store_dir
from generator.site.build import build
from generator.site.slots import SLOT

from .conftest import PROJECT_YAML, HttpServer, Project, Route, scratch_dir

RUN_CHECKS = str(Path(sys.executable).parent / "run-checks")
SUMMARY = re.compile(r"^\d+ checks in mode local ")
SLOW_PATH = "/schedule-slow"


@pytest.fixture(scope="module")
def looped(http_server: HttpServer) -> Iterator[Project]:
    with scratch_dir("runbooks-schedule-") as tmp:
        project = Project(tmp / "proj")
        project.write("_project", PROJECT_YAML.replace('vars: {api: "http://127.0.0.1:1"}',
                                                       f'vars: {{api: "{http_server.url()}"}}'))
        project.check("slow", """\
            - id: answer
              title: The slow endpoint answers
              http: {url: "{{ api }}schedule-slow", status: 200}
        """)
        project.check("quick", """\
            - id: project-file
              title: The project file is there
              file: {path: runbooks/_project.yaml, exists: true}
        """)
        build(project.root, project.root / "site")
        yield project


class Lines:
    """A process's standard output, line by line, with a deadline (a reader thread feeds a queue)."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc, self.queue = proc, queue.Queue[str | None]()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def next_summary(self, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            line = self.queue.get(timeout=max(0.1, deadline - time.monotonic()))
            if line is None:
                raise AssertionError(f"run-checks exited ({self.proc.wait()}) before the next run's summary")
            if SUMMARY.match(line):
                return line

    def rest(self) -> list[str]:
        lines = []
        while (line := self.queue.get(timeout=30)) is not None:
            lines.append(line)
        return lines


def every(project: Project, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([RUN_CHECKS, "--root", str(project.root), "--mode", "local", "-q", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def slow_route(server: HttpServer, seconds: float, calls: list[tuple[float, float]], started: threading.Event) -> None:
    def answer() -> Route:
        begin = time.monotonic()
        started.set()
        time.sleep(seconds)
        calls.append((begin, time.monotonic()))
        return Route(200, "ok")

    server.routes[SLOW_PATH] = answer


def history(project: Project) -> list[dict[str, object]]:
    return json.loads((store_dir(project.root) / "local.json").read_text(encoding="utf-8"))["history"]


def test_two_every_loops_of_a_mode_never_overlap(looped, http_server):
    calls: list[tuple[float, float]] = []
    slow_route(http_server, 0.25, calls, threading.Event())
    procs = [every(looped, "--runbook", "slow", "--every", "50ms", "--runs", "4") for _ in range(2)]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outputs
    assert [sum(1 for line in out.splitlines() if SUMMARY.match(line)) for out, _ in outputs] == [4, 4]
    calls.sort()
    assert len(calls) == 8
    overlaps = [(a, b) for a, b in zip(calls, calls[1:]) if b[0] < a[1]]
    assert overlaps == [], "two runs of mode local probed at the same time"
    assert (store_dir(looped.root) / "local.run.lock").is_file()


def test_sigterm_during_a_run_lets_it_finish_and_leaves_store_and_pages_whole(looped, http_server):
    calls: list[tuple[float, float]] = []
    started = threading.Event()
    slow_route(http_server, 1.0, calls, started)
    before = len(history(looped)) if (store_dir(looped.root) / "local.json").exists() else 0
    proc = every(looped, "--runbook", "slow", "--every", "100ms", "--site", str(looped.root / "site"))
    try:
        assert started.wait(60), "the first run never reached the server"
        proc.send_signal(signal.SIGTERM)  # the probe is waiting for its answer: mid-run
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    summaries = [line for line in out.splitlines() if SUMMARY.match(line)]
    assert len(summaries) == len(calls) >= 1  # the run in progress finished and was reported
    assert len(history(looped)) == min(before + len(calls), 50)
    for page in (looped.root / "site").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert html.count("<!--rb:") == html.count("<!--/rb-->") == len(SLOT.findall(html)), page
        assert html.rstrip().endswith("</html>"), page
    slow_page = (looped.root / "site" / "local" / "slow" / "index.html").read_text(encoding="utf-8")
    assert 'data-rb-state="OK"' in slow_page
    leftovers = [p for p in [*looped.root.joinpath("site").rglob("*.tmp"), *store_dir(looped.root).glob("*.tmp")]]
    assert leftovers == []


def test_sigterm_between_runs_stops_at_once(looped):
    proc = every(looped, "--runbook", "quick", "--every", "1h")
    lines = Lines(proc)
    try:
        lines.next_summary()
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert time.monotonic() - started < 30  # not the hour
    finally:
        proc.kill()


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize("stamping", [False, True], ids=["store", "store-and-site"])
def test_memory_stays_flat_over_200_runs(looped, stamping):
    """Tiny runs (one file check) each recording into the store, and stamping the site: what grows, grows
    per run (a cache of what pages drew would)."""
    site = ["--site", str(looped.root / "site")] if stamping else []
    proc = every(looped, "--runbook", "quick", "--every", "1ms", "--jitter", "0s", *site)
    lines = Lines(proc)
    try:
        for _ in range(10):
            lines.next_summary()
        after_10 = rss_kib(proc.pid)
        for _ in range(190):
            lines.next_summary()
        after_200 = rss_kib(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
    print(f"RSS after 10 runs: {after_10} KiB, after 200: {after_200} KiB ({after_200 / after_10 - 1:+.1%})")
    assert after_200 <= after_10 * 1.10
    assert len(history(looped)) == 50  # the history kept its rotation
