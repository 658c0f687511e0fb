"""``runbooks demo`` (``make demo``): the main job, end to end, on the bundled demo.

Starts the demo stack and a real Prometheus scraping it on 127.0.0.1, builds
the site and check scripts, runs the local checks and stamps the results into
the pages. Then it runs the AWS kinds of the aws mode against a seeded
moto_server (a local AWS API) and stamps those too, stops everything, and says
where the site is. Red checks are part of the demo (a stale backup, a slow
endpoint, an alarm), so they do not fail it; a broken pipeline does.

Prometheus starts before the build (it takes about five seconds to schedule
its first scrape) and moto_server boots while the local checks run.

Everything listens on free ports, so a demo runs beside another demo (another
clone, a test run) and beside whatever holds the usual ports. Where the local
services listen is written to ``.demo/vars.yaml``, the local mode's
``vars_file``: the build and the checks read the real URLs from there while the
demo runs, and the file goes when the demo stops.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

from demo import aws
from demo.ports import PortTaken
from demo.prometheus import Prometheus, PrometheusError, demo_targets, find_prometheus, start_prometheus
from demo.stack import RunningStack, StackError, demo_dir, start_stack, stop_stack
from generator.cli import print_report
from generator.errors import EXIT_FAILED, EXIT_OK, RunbooksError
from generator.format.model import Catalog
from generator.fsutil import write_atomic
from generator.run.pipeline import Output, RunRequest, run
from generator.site.build import build

__all__ = ["run_demo"]

VARS_FILE = "vars.yaml"  # under .demo/: the local mode's vars_file in runbooks/_project.yaml
# the operator's own AWS settings must not steer the demo run to a real account
AWS_ENV_DROPPED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN",
                   "AWS_WEB_IDENTITY_TOKEN_FILE")


def _step(text: str) -> None:
    print(f"==> {text}", flush=True)


def _history_runs(root: Path) -> int:
    from generator.run.store import load_index

    return len(load_index(root, ["local"]).history["local"])


def run_demo(root: Path, fail: Sequence[str] = ()) -> int:
    started = time.perf_counter()
    try:
        find_prometheus()  # before anything starts: missing, the demo stops with how to install it
    except PrometheusError as exc:
        raise RunbooksError(str(exc)) from None
    with ExitStack() as running:  # stops what started, in reverse order, whatever happens
        _step("starting the demo stack on 127.0.0.1 (free ports)" + (f", failing: {', '.join(fail)}" if fail else ""))
        stack = _start_stack(root, fail)
        running.callback(_stop, "the demo stack", lambda: stop_stack(stack))
        prometheus = _start_prometheus(root, stack)
        running.callback(_stop, "Prometheus", prometheus.stop)
        _publish_vars(root, stack, prometheus)
        running.callback(lambda: (demo_dir(root) / VARS_FILE).unlink(missing_ok=True))
        moto = _launch_moto()  # boots while the site builds and the local checks run
        if moto is not None:
            running.callback(_stop, "moto_server", lambda: aws.stop_moto(moto))
        code, catalog = _build_and_check(root, prometheus)
        if moto is not None and code in (EXIT_OK, EXIT_FAILED):
            code = _run_aws(root, root / "site", catalog, moto)
    if code not in (EXIT_OK, EXIT_FAILED):
        return code
    _summary(root, time.perf_counter() - started)
    return EXIT_OK


def _summary(root: Path, seconds: float) -> None:
    site = root / "site"
    _step(f"done in {seconds:.1f}s")
    print(f"    site:    {site / 'index.html'}")
    print(f"    status:  {site / 'local' / 'status' / 'index.html'}  (the dashboard)")
    print(f"    history: {_history_runs(root)} run(s) kept in .runbooks/results/local.json (run the demo again to add one)")
    print(f"    badges:  {site / 'local'}/<runbook>/badge.svg")
    print("    print:   runbooks print --mode local --out binder-local.pdf   (the incident binder)")
    print("    browse:  make serve   (then open http://127.0.0.1:8000/local/ or /aws/)")
    print("    results: .runbooks/local-run.json, .runbooks/local-junit.xml, .runbooks/aws-run.json")
    print("    metrics: .runbooks/runbooks_local.prom   (for node_exporter's textfile collector; see README, Monitoring)")


def _start_stack(root: Path, fail: Sequence[str]) -> RunningStack:
    try:
        return start_stack(root, fail)
    except (StackError, ValueError) as exc:  # already running here, unknown service id
        raise RunbooksError(str(exc)) from None


def _start_prometheus(root: Path, stack: RunningStack) -> Prometheus:
    try:
        prometheus = start_prometheus(demo_dir(root) / "prometheus", demo_targets(stack))
    except (PrometheusError, PortTaken) as exc:  # not installed (says how to install), no port found
        raise RunbooksError(str(exc)) from None
    _step(f"started Prometheus on {prometheus.url}, scraping the stack every second")
    return prometheus


def _publish_vars(root: Path, stack: RunningStack, prometheus: Prometheus) -> None:
    """Where the local services listen, as the local mode's variables (JSON is YAML)."""
    values = {**stack.mode_vars(), "prometheus_url": prometheus.url}
    write_atomic(demo_dir(root) / VARS_FILE, json.dumps(values, indent=1) + "\n")
    print(f"    local mode: {', '.join(f'{k}={v}' for k, v in values.items() if k.endswith('_url'))}")


def _stop(what: str, stop: Callable[[], object]) -> None:
    _step(f"stopping {what}")
    stop()


def _build_and_check(root: Path, prometheus: Prometheus) -> tuple[int, Catalog]:
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
    outputs = [Output("json", root / ".runbooks" / "local-run.json"), Output("junit", root / ".runbooks" / "local-junit.xml"),
               Output("openmetrics", root / ".runbooks" / "runbooks_local.prom")]
    return _run(RunRequest(root, "local", outputs=outputs, site=site, catalog=catalog)), catalog


def _launch_moto() -> aws.Moto | None:
    """moto_server for the aws view; None (the view is skipped) when it is not installed."""
    _step("starting moto_server (a free port): a local AWS API for the aws view")
    try:
        return aws.launch_moto()
    except aws.MotoUnavailable as exc:
        print(f"    skipping the aws view: {exc}")
        return None
    except RuntimeError as exc:  # port in use
        raise RunbooksError(str(exc)) from None


def _run_aws(root: Path, site: Path, catalog: Catalog, moto: aws.Moto) -> int:
    """The aws view against moto_server: only the AWS kinds; the rest target real hosts and stay "not run"."""
    started = time.perf_counter()
    _step("seeding moto_server from the aws-mode runbooks (S3 backups, ECS services, CloudWatch alarms)")
    try:
        aws.wait_for_moto(moto)
    except RuntimeError as exc:
        raise RunbooksError(str(exc)) from None
    aws.seed_moto(catalog, moto.endpoint)
    _step(f"running the aws checks ({', '.join(aws.EMULATED_KINDS)}) and stamping the results into site/")
    with _environment({**aws.DEMO_CREDENTIALS, "AWS_ENDPOINT_URL": moto.endpoint}, drop=AWS_ENV_DROPPED):
        code = _run(RunRequest(root, "aws", kinds=aws.EMULATED_KINDS, site=site, catalog=catalog,
                               outputs=[Output("json", root / ".runbooks" / "aws-run.json")]))
    print(f"    aws view: {time.perf_counter() - started:.1f}s")
    return code


def _run(request: RunRequest) -> int:
    """One run through the pipeline, reported as run-checks reports it."""
    report = run(request)
    print_report(report, request, sys.stdout)
    return report.exit_code


@contextmanager
def _environment(values: dict[str, str], drop: Sequence[str]) -> Iterator[None]:
    """Set ``values`` (and unset ``drop``) for the duration of one in-process run."""
    saved = {name: os.environ.get(name) for name in [*values, *drop]}
    os.environ.update(values)
    for name in drop:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
