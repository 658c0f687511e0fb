"""The demo's AWS: moto_server on a free port of 127.0.0.1, seeded from the aws-mode runbooks.

Each check of a kind that moto emulates (``Kind.EMULATOR == "aws"``) seeds
what it expects through its kind's own ``seed`` hook: fresh backups under an
``aws_s3`` prefix, an ``aws_ecs_service`` at its desired count, the alarms of
an ``aws_cloudwatch_alarms`` check in OK. Then a few alarms are broken on
purpose (``BROKEN_ALARMS``) so the AWS view shows red and yellow as well as
green. Nothing here knows a kind by name.

moto stamps S3 objects with its own clock, so a backup cannot be made "30
hours old" here: no stale backup in this demo (the local one has it). moto's
ECS has no scheduler: a service reports ``MOTO_ECS_SERVICE_RUNNING`` tasks.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from generator.format.model import Catalog
from generator.run.kinds import KINDS

from demo.ports import ATTEMPTS, free_port

__all__ = ["REGION", "DEMO_CREDENTIALS", "BROKEN_ALARMS", "EMULATED_KINDS", "Moto", "MotoEmulator", "start_moto",
           "launch_moto", "wait_for_moto", "seed_moto", "stop_moto", "MotoUnavailable"]

REGION = "eu-west-1"
DEMO_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "demo", "AWS_SECRET_ACCESS_KEY": "demo"}
EMULATED_KINDS = tuple(name for name, kind in KINDS.items() if kind.EMULATOR == "aws")
TASKS_RUNNING = 2  # MOTO_ECS_SERVICE_RUNNING: what every seeded service wants
BROKEN_ALARMS = {
    # the search service is the slow one in the local demo too
    "search-p95-latency": ("ALARM", "Threshold Crossed: 3 datapoints [231.4, 240.5, 212.0] were greater than "
                                    "the threshold (200.0)."),
    "intentbot-unhealthy-hosts": ("INSUFFICIENT_DATA", "Insufficient Data: 1 datapoint was unknown."),
}
SEED_THREADS = 12
INSTALL = "install runbooks[aws] and moto[server] (pip install 'runbooks[aws]' 'moto[server]')"


class MotoUnavailable(RuntimeError):
    """moto_server or boto3 is not installed: the AWS part of the demo is skipped."""


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
    settings = {"MOTO_ECS_SERVICE_RUNNING": str(TASKS_RUNNING)} if env is None else dict(env)
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


class MotoEmulator:
    """boto3 clients of one moto_server, with the demo's credentials (``base.Emulator``)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str) -> Any:
        """One client per service, made under a lock: seeding calls this from many threads at once, and
        creating clients from boto3's default session is not thread-safe (botocore#2985); using them is."""
        import boto3

        with self._lock:
            if service not in self._clients:
                self._clients[service] = boto3.client(
                    service, endpoint_url=self.endpoint, region_name=REGION,
                    aws_access_key_id=DEMO_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                    aws_secret_access_key=DEMO_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
            return self._clients[service]


def seed_moto(catalog: Catalog, endpoint: str) -> int:
    """Seed what every emulated aws-mode check expects, then break ``BROKEN_ALARMS``; return the checks seeded."""
    emulator = MotoEmulator(endpoint)
    checks = [c for v in catalog.views("aws") for c in v.active_checks if c.kind in EMULATED_KINDS]
    # about a hundred calls, each a few tens of ms in moto: in parallel (boto3 clients are thread-safe)
    with ThreadPoolExecutor(SEED_THREADS) as pool:
        for job in [pool.submit(KINDS[c.kind].seed, c.params, emulator) for c in checks]:
            job.result()
    cloudwatch = emulator.client("cloudwatch")
    for name, (state, reason) in BROKEN_ALARMS.items():
        cloudwatch.set_alarm_state(AlarmName=name, StateValue=state, StateReason=reason)
    return len(checks)
