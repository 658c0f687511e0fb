"""``runbooks demo`` (``make demo``): the main job, end to end, on the bundled demo.

Starts the demo stack on 127.0.0.1, builds the site and check scripts, runs
the local checks, stamps the results into the pages, stops the stack, and
says where the site is. Red checks are part of the demo (a stale backup, a
slow endpoint), so they do not fail it; a broken pipeline does.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

from ..build import build
from ..errors import EXIT_FAILED, EXIT_OK, RunbooksError
from .stack import start_stack, stop_stack

__all__ = ["run_demo"]


def _step(text: str) -> None:
    print(f"==> {text}", flush=True)


def _history_runs(root: Path) -> int:
    from ..store import load_index

    return len(load_index(root, ["local"]).history["local"])


def run_demo(root: Path, fail: Sequence[str] = ()) -> int:
    from ..cli import run_checks_main

    started = time.perf_counter()
    site = root / "site"
    _step("building site/ and checks/ from runbooks/")
    catalog, changed = build(root, site)
    print(f"    {len(catalog.runbooks)} runbooks × {len(catalog.project.modes)} modes; {len(changed)} check scripts changed")
    _step("starting the demo stack on 127.0.0.1" + (f" (failing: {', '.join(fail)})" if fail else ""))
    try:
        stack = start_stack(root, fail)
    except (RuntimeError, ValueError) as exc:  # port in use, unknown service id
        raise RunbooksError(str(exc)) from None
    try:
        _step("running the local checks and stamping the results into site/")
        code = run_checks_main(["--root", str(root), "--mode", "local", "--site", str(site),
                                "--json", str(root / ".runbooks" / "local-run.json"),
                                "--junit", str(root / ".runbooks" / "local-junit.xml"), "--quiet"])
    finally:
        _step("stopping the demo stack")
        stop_stack(stack)
    if code not in (EXIT_OK, EXIT_FAILED):
        return code
    _step(f"done in {time.perf_counter() - started:.1f}s")
    print(f"    site:    {site / 'index.html'}")
    print(f"    status:  {site / 'local' / 'status' / 'index.html'}  (the dashboard)")
    print(f"    history: {_history_runs(root)} run(s) kept in .runbooks/results/local.json (run the demo again to add one)")
    print(f"    badges:  {site / 'local'}/<runbook>/badge.svg")
    print("    browse:  make serve   (then open http://127.0.0.1:8000/local/)")
    print("    results: .runbooks/local-run.json, .runbooks/local-junit.xml")
    return EXIT_OK
