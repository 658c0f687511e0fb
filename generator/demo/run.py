"""``runbooks demo`` (``make demo``): the main job, end to end, on the bundled demo.

Starts the demo stack on 127.0.0.1, builds the site and check scripts, runs
the local checks, stamps the results into the pages, stops the stack; then
runs the AWS kinds of the aws mode against a seeded moto_server (a local AWS
API) and stamps those too, and says where the site is. Red checks are part of the demo (a stale backup, a
slow endpoint), so they do not fail it; a broken pipeline does.
"""

from __future__ import annotations

import os
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..build import build
from ..errors import EXIT_FAILED, EXIT_OK, RunbooksError
from . import aws
from .stack import start_stack, stop_stack

__all__ = ["run_demo"]


def _step(text: str) -> None:
    print(f"==> {text}", flush=True)


def run_demo(root: Path, fail: Sequence[str] = ()) -> int:
    started = time.perf_counter()
    site = root / "site"
    _step("building site/ and checks/ from runbooks/")
    catalog, changed = build(root, site)
    print(f"    {len(catalog.runbooks)} runbooks × {len(catalog.project.modes)} modes; {len(changed)} check scripts changed")
    moto = _launch_moto()
    try:
        code = _run_local(root, site, fail)
        if code not in (EXIT_OK, EXIT_FAILED):
            return code
        if moto is not None:
            code = _run_aws(root, site, catalog, moto)
            if code not in (EXIT_OK, EXIT_FAILED):
                return code
    finally:
        if moto is not None:
            _step("stopping moto_server")
            aws.stop_moto(moto)
    _step(f"done in {time.perf_counter() - started:.1f}s")
    print(f"    site:    {site / 'index.html'}")
    print(f"    status:  {site / 'local' / 'status' / 'index.html'}")
    print("    browse:  make serve   (then open http://127.0.0.1:8000/local/ or /aws/)")
    print("    results: .runbooks/local-run.json, .runbooks/local-junit.xml, .runbooks/aws-run.json")
    return EXIT_OK


def _run_local(root: Path, site: Path, fail: Sequence[str]) -> int:
    from ..cli import run_checks_main

    _step("starting the demo stack on 127.0.0.1" + (f" (failing: {', '.join(fail)})" if fail else ""))
    try:
        stack = start_stack(root, fail)
    except (RuntimeError, ValueError) as exc:  # port in use, unknown service id
        raise RunbooksError(str(exc)) from None
    try:
        _step("running the local checks and stamping the results into site/")
        return run_checks_main(["--root", str(root), "--mode", "local", "--site", str(site),
                                "--json", str(root / ".runbooks" / "local-run.json"),
                                "--junit", str(root / ".runbooks" / "local-junit.xml"), "--quiet"])
    finally:
        _step("stopping the demo stack")
        stop_stack(stack)


def _launch_moto() -> subprocess.Popen[bytes] | None:
    """moto_server boots (about a second) while the local checks run; None when it is not installed."""
    _step(f"starting moto_server on {aws.ENDPOINT}: a local AWS API for the aws view")
    try:
        return aws.launch_moto()
    except aws.MotoUnavailable as exc:
        print(f"    skipping the aws view: {exc}")
        return None
    except RuntimeError as exc:  # port in use
        raise RunbooksError(str(exc)) from None


def _run_aws(root: Path, site: Path, catalog: Any, moto: subprocess.Popen[bytes]) -> int:
    """The aws view against moto_server: only the AWS kinds; the rest target real hosts and stay "not run"."""
    from ..cli import run_checks_main

    started = time.perf_counter()
    _step("seeding moto_server from the aws-mode runbooks (S3 backups, ECS services, CloudWatch alarms)")
    try:
        aws.wait_for_moto(moto)
    except RuntimeError as exc:
        raise RunbooksError(str(exc)) from None
    aws.seed_moto(aws.plan_seed(catalog))
    _step(f"running the aws checks ({', '.join(AWS_KINDS)}) and stamping the results into site/")
    with _environment({**aws.DEMO_CREDENTIALS, "AWS_ENDPOINT_URL": aws.ENDPOINT}, drop=AWS_ENV_DROPPED):
        code = run_checks_main(["--root", str(root), "--mode", "aws", "--kind", ",".join(AWS_KINDS),
                                "--site", str(site), "--json", str(root / ".runbooks" / "aws-run.json"), "--quiet"])
    print(f"    aws view: {time.perf_counter() - started:.1f}s")
    return code


AWS_KINDS = ("aws_s3", "aws_cloudwatch_alarms", "aws_ecs_service")
# the operator's own AWS settings must not steer the demo run to a real account
AWS_ENV_DROPPED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN",
                   "AWS_WEB_IDENTITY_TOKEN_FILE")


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
