"""``runbooks demo`` (``make demo``): the main job, end to end, on the bundled demo.

Starts the demo stack and a real Prometheus scraping it on 127.0.0.1, builds
the site and check scripts, runs the local checks, stamps the results into
the pages, stops both, and says where the site is. Red checks are part of
the demo (a stale backup, a slow endpoint), so they do not fail it; a broken
pipeline does.

Prometheus starts before the build: it takes about five seconds to schedule
its first scrape, and the build runs meanwhile.
"""

from __future__ import annotations

import subprocess
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Callable, Sequence

from ..build import build
from ..errors import EXIT_FAILED, EXIT_OK, RunbooksError
from .prometheus import DEMO_PORT, Prometheus, PrometheusError, find_prometheus, start_prometheus
from .stack import demo_dir, start_stack, stop_stack

__all__ = ["run_demo"]


def _step(text: str) -> None:
    print(f"==> {text}", flush=True)


def _history_runs(root: Path) -> int:
    from ..store import load_index

    return len(load_index(root, ["local"]).history["local"])


def run_demo(root: Path, fail: Sequence[str] = ()) -> int:
    started = time.perf_counter()
    try:
        find_prometheus()  # before anything starts: missing, the demo stops with how to install it
    except PrometheusError as exc:
        raise RunbooksError(str(exc)) from None
    with ExitStack() as running:  # stops what started, in reverse order, whatever happens
        _step("starting the demo stack on 127.0.0.1" + (f" (failing: {', '.join(fail)})" if fail else ""))
        stack = _start_stack(root, fail)
        running.callback(_stop, "the demo stack", lambda: stop_stack(stack))
        _step(f"starting Prometheus on 127.0.0.1:{DEMO_PORT}, scraping the stack every second")
        prometheus = _start_prometheus(root)
        running.callback(_stop, "Prometheus", prometheus.stop)
        code = _build_and_check(root, prometheus)
    if code not in (EXIT_OK, EXIT_FAILED):
        return code
    site = root / "site"
    _step(f"done in {time.perf_counter() - started:.1f}s")
    print(f"    site:    {site / 'index.html'}")
    print(f"    status:  {site / 'local' / 'status' / 'index.html'}  (the dashboard)")
    print(f"    history: {_history_runs(root)} run(s) kept in .runbooks/results/local.json (run the demo again to add one)")
    print(f"    badges:  {site / 'local'}/<runbook>/badge.svg")
    print("    browse:  make serve   (then open http://127.0.0.1:8000/local/)")
    print("    results: .runbooks/local-run.json, .runbooks/local-junit.xml")
    return EXIT_OK


def _start_stack(root: Path, fail: Sequence[str]) -> subprocess.Popen[str]:
    try:
        return start_stack(root, fail)
    except (RuntimeError, ValueError) as exc:  # port in use, unknown service id
        raise RunbooksError(str(exc)) from None


def _start_prometheus(root: Path) -> Prometheus:
    try:
        return start_prometheus(demo_dir(root) / "prometheus", DEMO_PORT)
    except PrometheusError as exc:  # not installed (says how to install), port in use
        raise RunbooksError(str(exc)) from None


def _stop(what: str, stop: Callable[[], object]) -> None:
    _step(f"stopping {what}")
    stop()


def _build_and_check(root: Path, prometheus: Prometheus) -> int:
    from ..cli import run_checks_main

    site = root / "site"
    _step("building site/ and checks/ from runbooks/")
    catalog, changed = build(root, site)
    print(f"    {len(catalog.runbooks)} runbooks × {len(catalog.project.modes)} modes; {len(changed)} check scripts changed")
    _step("waiting until Prometheus has scraped every service twice")
    try:
        prometheus.wait_scraped()
    except PrometheusError as exc:
        raise RunbooksError(str(exc)) from None
    _step("running the local checks and stamping the results into site/")
    return run_checks_main(["--root", str(root), "--mode", "local", "--site", str(site),
                            "--json", str(root / ".runbooks" / "local-run.json"),
                            "--junit", str(root / ".runbooks" / "local-junit.xml"), "--quiet"])
