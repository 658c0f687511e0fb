"""The demo's AWS: moto_server seeded from the aws-mode runbooks, checked by the real AWS kinds."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo import aws
from generator.format.catalog import load_catalog
from generator.run.engine import RunOptions, run_checks_sync
from generator.run.results import State
from tests.conftest import REPO


@pytest.fixture(scope="module")
def seeded() -> Iterator[str]:
    """A seeded moto_server on a free port, as the demo starts it."""
    moto = aws.start_moto()
    try:
        assert aws.seed_moto(load_catalog(REPO), moto.endpoint) == 6 + 10 + 5
        yield moto.endpoint
    finally:
        aws.stop_moto(moto)
    assert moto.proc.poll() is not None


def test_the_emulated_kinds_come_from_the_registry():
    assert set(aws.EMULATED_KINDS) == {"aws_s3", "aws_cloudwatch_alarms", "aws_ecs_service"}


def test_each_kind_seeded_what_its_checks_look_at(seeded):
    emulator = aws.MotoEmulator(seeded)
    keys = [o["Key"] for o in emulator.client("s3").list_objects_v2(Bucket="example-ops-backups")["Contents"]]
    assert len([k for k in keys if k.startswith("intentbot/sessions-")]) == 3 and len(keys) == 6 * 3
    services = emulator.client("ecs").list_services(cluster="ops-prod")["serviceArns"]
    assert len(services) == 10 and any(s.endswith("/openframe-green") for s in services)
    alarms = {a["AlarmName"] for a in emulator.client("cloudwatch").describe_alarms()["MetricAlarms"]}
    assert {"search-p95-latency", "platform-5xx-rate"} <= alarms and len(alarms) == 15


def test_demo_aws_view_is_green_except_the_alarms_broken_on_purpose(seeded, monkeypatch):
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in {**aws.DEMO_CREDENTIALS, "AWS_ENDPOINT_URL": seeded}.items():
        monkeypatch.setenv(name, value)
    catalog = load_catalog(REPO)
    specs = [c for v in catalog.views("aws") for c in v.active_checks if c.kind in aws.EMULATED_KINDS]
    results = {r.key: r for r in run_checks_sync(specs, "aws", REPO, RunOptions())}
    assert len(results) == 6 + 10 + 5  # S3 (intentbot has two), ECS blue and green, alarms
    assert results["search-incident/alarms"].state is State.CRITICAL
    assert results["search-incident/alarms"].summary == "in ALARM: search-p95-latency"
    assert "Threshold Crossed: 3 datapoints [231.4" in results["search-incident/alarms"].evidence
    assert results["intentbot-incident/alarms"].state is State.WARNING
    others = {k: (r.state, r.summary) for k, r in results.items()
              if k not in ("search-incident/alarms", "intentbot-incident/alarms")}
    assert {k: s for k, (s, _) in others.items() if s is not State.OK} == {}, others
    assert results["openframe-deploy/ecs-green"].summary == "ACTIVE: 2/2 running, 0 pending"
    assert results["omnichat-deploy/ecs-blue"].summary == "ACTIVE: 2/2 running, 0 pending"
    assert results["platform-backup/s3-backup"].observed.startswith("newest platform/platform-db-")


def test_busy_port_is_a_one_line_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(RuntimeError, match=rf"^port {port} is in use \(is another demo running\?\)$"):
            aws.start_moto(port)


def test_missing_moto_server_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))  # no moto_server beside it
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(aws.MotoUnavailable) as info:
        aws.start_moto()
    assert str(info.value) == ("moto_server not found: install runbooks[aws] and moto[server] "
                               "(pip install 'runbooks[aws]' 'moto[server]')")
    assert Path(sys.executable).parent == tmp_path
