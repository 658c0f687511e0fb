"""The demo's AWS: moto_server on a free port of 127.0.0.1, seeded to match the aws-mode runbooks.

The seed is read from the catalog, so it follows the runbooks: every ``aws_s3``
check gets fresh backups under its prefix, every ``aws_ecs_service`` check a
service running its desired count, every ``aws_cloudwatch_alarms`` check its
alarms. A few are broken on purpose (``BROKEN_ALARMS``) so the AWS view shows
red and yellow as well as green.

moto stamps S3 objects with its own clock, so a backup cannot be made "30
hours old" here: no stale backup in this demo (the local one has it). moto's
ECS has no scheduler: a service reports ``MOTO_ECS_SERVICE_RUNNING`` tasks and
a COMPLETED rollout when that covers its desired count; ``update_service``
then sets the count it really wants.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Iterable, Iterator, Mapping

from demo.ports import ATTEMPTS, free_port

__all__ = ["REGION", "DEMO_CREDENTIALS", "BROKEN_ALARMS", "Seed", "Moto", "plan_seed", "start_moto",
           "launch_moto", "wait_for_moto", "seed_moto", "stop_moto", "MotoUnavailable"]

REGION = "eu-west-1"
DEMO_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo"}
ALARM_SUFFIXES = ("5xx-rate", "p95-latency", "unhealthy-hosts")
TASKS_AT_START = 3  # MOTO_ECS_SERVICE_RUNNING: the most any demo service wants
DESIRED = {"openframe": 3, "platform": 3}  # tasks per system (others: 2), as the deploy runbooks ask
BROKEN_ALARMS = {
    # the search service is the slow one in the local demo too
    "search-p95-latency": ("ALARM", "Threshold Crossed: 3 datapoints [231.4, 240.5, 212.0] were greater than "
                                    "the threshold (200.0)."),
    "intentbot-unhealthy-hosts": ("INSUFFICIENT_DATA", "Insufficient Data: 1 datapoint was unknown."),
}
BACKUP_SIZE = 64 * 1024
SEED_THREADS = 12
INSTALL = "install runbooks[aws] and moto[server] (pip install 'runbooks[aws]' 'moto[server]')"


class MotoUnavailable(RuntimeError):
    """moto_server or boto3 is not installed: the AWS part of the demo is skipped."""


@dataclass
class Seed:
    """What the demo AWS holds: S3 prefixes, ECS services and CloudWatch alarms."""

    backups: set[tuple[str, str]] = field(default_factory=set)  # (bucket, prefix)
    services: set[tuple[str, str]] = field(default_factory=set)  # (cluster, service)
    alarms: set[str] = field(default_factory=set)


def plan_seed(catalog: Any) -> Seed:
    """Read what to create from the aws-mode checks."""
    seed = Seed()
    for view in catalog.views("aws"):
        for check in view.active_checks:
            params = check.params
            if check.kind == "aws_s3":
                seed.backups.add((params["bucket"], params["prefix"] or ""))
            elif check.kind == "aws_ecs_service":
                seed.services.add((params["cluster"], params["service"]))
            elif check.kind == "aws_cloudwatch_alarms":
                names = params.get("names") or [params["prefix"] + s for s in ALARM_SUFFIXES]
                seed.alarms.update(names)
    return seed


def _moto_binary() -> str:
    local = Path(sys.executable).parent / "moto_server"
    found = str(local) if local.exists() else shutil.which("moto_server")
    if not found:
        raise MotoUnavailable(f"moto_server not found: {INSTALL}")
    try:
        import boto3  # noqa: F401  (seeding and the checks need it)
    except ImportError:
        raise MotoUnavailable(f"boto3 not found: {INSTALL}") from None
    return found


@dataclass
class Moto:
    """A moto_server process and the port it serves."""

    proc: subprocess.Popen[bytes]
    port: int
    settings: dict[str, str]
    chosen: bool  # the port was picked here (free): on a clash, another may be picked

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_moto(port: int | None = None, timeout: float = 30, env: Mapping[str, str] | None = None) -> Moto:
    """Start moto_server on 127.0.0.1:``port`` (default: a free port) and wait until it answers."""
    return wait_for_moto(launch_moto(port, env), timeout)


def launch_moto(port: int | None = None, env: Mapping[str, str] | None = None) -> Moto:
    """Start moto_server without waiting: it boots (about a second) while the local checks run.

    ``env`` is moto's own settings, MOTO_ECS_SERVICE_RUNNING by default.
    """
    binary = _moto_binary()
    if port is not None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise RuntimeError(f"port {port} is in use (is another demo running?)")
    settings = {"MOTO_ECS_SERVICE_RUNNING": str(TASKS_AT_START)} if env is None else dict(env)
    chosen = free_port() if port is None else port
    return Moto(_spawn(binary, chosen, settings), chosen, settings, port is None)


def _spawn(binary: str, port: int, settings: Mapping[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(port)], env={**os.environ, **settings},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_for_moto(moto: Moto, timeout: float = 30) -> Moto:
    """Until moto answers; a moto that exited at once on a port picked here (taken meanwhile) starts again on another."""
    deadline = time.monotonic() + timeout
    attempts = 1
    while time.monotonic() < deadline:
        if moto.proc.poll() is not None:
            if not moto.chosen or attempts >= ATTEMPTS:
                raise RuntimeError(f"moto_server exited with {moto.proc.returncode} (port {moto.port} taken?)")
            attempts += 1
            moto.port = free_port()
            moto.proc = _spawn(_moto_binary(), moto.port, moto.settings)
            continue
        try:
            with urllib.request.urlopen(f"{moto.endpoint}/moto-api/data.json", timeout=1):
                return moto
        except OSError:
            time.sleep(0.1)
    stop_moto(moto)
    raise RuntimeError(f"moto_server did not answer on port {moto.port} within {timeout:g}s")


def stop_moto(moto: Moto) -> None:
    moto.proc.terminate()
    try:
        moto.proc.wait(5)
    except subprocess.TimeoutExpired:
        moto.proc.kill()
        moto.proc.wait()


def seed_moto(seed: Seed, endpoint: str) -> None:
    import boto3

    def client(service: str) -> Any:
        return boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                            aws_access_key_id=DEMO_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=DEMO_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])

    # about a hundred calls, each a few tens of ms in moto: in parallel (boto3 clients are thread-safe)
    s3, ecs, cloudwatch = client("s3"), client("ecs"), client("cloudwatch")
    with ThreadPoolExecutor(SEED_THREADS) as pool:
        _seed_backups(s3, seed.backups, pool)
        _seed_services(ecs, seed.services, pool)
        _seed_alarms(cloudwatch, seed.alarms, pool)


def _all(pool: ThreadPoolExecutor, work: Callable[[Any], None], items: Iterable[Any]) -> None:
    for job in [pool.submit(work, item) for item in sorted(items)]:
        job.result()


def _seed_backups(s3: Any, backups: set[tuple[str, str]], pool: ThreadPoolExecutor) -> None:
    for bucket in sorted({b for b, _ in backups}):
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})

    def put(where: tuple[str, str]) -> None:
        for name in _backup_names(where[1]):  # in order: today's archive is the newest
            s3.put_object(Bucket=where[0], Key=name, Body=b"\x1f\x8b" + bytes(BACKUP_SIZE - 2))

    _all(pool, put, backups)


def _backup_names(prefix: str) -> Iterator[str]:
    """Three nightly archives; the last one written (the newest) is today's."""
    today = time.time()
    for days_ago in (2, 1, 0):
        yield f"{prefix}{time.strftime('%Y%m%d', time.gmtime(today - days_ago * 86400))}.tar.gz"


def _seed_services(ecs: Any, services: set[tuple[str, str]], pool: ThreadPoolExecutor) -> None:
    for cluster in sorted({c for c, _ in services}):
        ecs.create_cluster(clusterName=cluster)
    _all(pool, lambda where: _seed_service(ecs, *where), services)


def _seed_service(ecs: Any, cluster: str, service: str) -> None:
    family = service.rsplit("-", 1)[0]
    ecs.register_task_definition(family=family, containerDefinitions=[
        {"name": family, "image": f"example/{family}:1.4.2", "memory": 512}])
    ecs.create_service(cluster=cluster, serviceName=service, taskDefinition=family, desiredCount=TASKS_AT_START)
    wanted = DESIRED.get(family, 2)
    if wanted != TASKS_AT_START:
        ecs.update_service(cluster=cluster, service=service, desiredCount=wanted)


def _seed_alarms(cloudwatch: Any, alarms: set[str], pool: ThreadPoolExecutor) -> None:
    _all(pool, lambda name: _seed_alarm(cloudwatch, name), alarms)


def _seed_alarm(cloudwatch: Any, name: str) -> None:
    cloudwatch.put_metric_alarm(
        AlarmName=name, Namespace="AWS/ApplicationELB", MetricName=_metric(name), Statistic="Average",
        Period=60, EvaluationPeriods=3, Threshold=200.0 if "latency" in name else 1.0,
        ComparisonOperator="GreaterThanThreshold")
    state, reason = BROKEN_ALARMS.get(name, ("OK", "Threshold Crossed: 3 datapoints were not greater than the "
                                                   "threshold."))
    cloudwatch.set_alarm_state(AlarmName=name, StateValue=state, StateReason=reason)


def _metric(alarm: str) -> str:
    if "latency" in alarm:
        return "TargetResponseTime"
    if "unhealthy" in alarm:
        return "UnHealthyHostCount"
    return "HTTPCode_Target_5XX_Count"
