"""Tests for the bundled demo stack, run against its real listeners (on free ports)."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.stack import (
    PORTS_FILE,
    SERVICES,
    TCP_SERVICES,
    TLS_LISTENER,
    RunningStack,
    parse_fail_ids,
    set_failed,
    start_stack,
    stop_stack,
)

HOST = "127.0.0.1"
SAMPLE = re.compile(
    r"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\""
    r"(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\})? (-?[0-9.]+(e[+-]?[0-9]+)?|[+-]Inf|NaN)$"
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """A running stack (platform failed from the start)."""
    path = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DEMO_FAIL", raising=False)
        running = start_stack(path, fail=["platform"])
    running.root = path  # type: ignore[attr-defined]
    try:
        yield running
    finally:
        assert stop_stack(running) == 0
        assert not (path / ".demo" / "stack.pid").exists()
        assert not (path / ".demo" / PORTS_FILE).exists()


@pytest.fixture(scope="module")
def root(stack: RunningStack) -> Path:
    return stack.root  # type: ignore[attr-defined, no-any-return]


def get(port: int, path: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type", ""), resp.read()
    finally:
        conn.close()


def get_json(port: int, path: str) -> tuple[int, dict]:
    status, ctype, body = get(port, path)
    assert ctype.startswith("application/json")
    return status, json.loads(body)


def parse_metrics(text: str) -> dict[str, float]:
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        assert SAMPLE.match(line), line
        series, value = line.rsplit(" ", 1)
        samples[series] = float(value)
    return samples


def metrics(port: int) -> dict[str, float]:
    status, ctype, body = get(port, "/metrics")
    assert status == 200
    assert ctype.startswith("text/plain; version=0.0.4")
    return parse_metrics(body.decode())


def p95(samples: dict[str, float]) -> float:
    """histogram_quantile(0.95, ...) the way Prometheus interpolates."""
    les = [0.05, 0.1, 0.2, 0.5, 1.0]
    counts = [samples[f'http_request_duration_seconds_bucket{{le="{le:g}"}}'] for le in les]
    target = 0.95 * samples["http_request_duration_seconds_count"]
    lower_le, lower_count = 0.0, 0.0
    for le, count in zip(les, counts):
        if count >= target:
            return lower_le + (le - lower_le) * (target - lower_count) / (count - lower_count)
        lower_le, lower_count = le, count
    return float("inf")


def error_ratio(samples: dict[str, float]) -> float:
    ok = samples['http_requests_total{code="200"}']
    bad = samples['http_requests_total{code="500"}']
    return bad / (ok + bad)


@pytest.mark.parametrize("sid", [s for s in SERVICES if s != "platform"])
def test_health_ok(stack: RunningStack, sid: str) -> None:
    status, body = get_json(stack.ports[sid], "/health")
    assert status == 200
    assert body["status"] == "ok" and body["service"] == sid and body["version"] == "1.4.2"
    assert body["checks"] and set(body["checks"].values()) == {"up"}


def test_fail_at_start_and_status(stack: RunningStack, root: Path) -> None:
    status, body = get_json(stack.ports["platform"], "/health")
    assert status == 503 and body["status"] == "down"
    assert body["checks"]["postgres"] == "down"
    status, body = get_json(stack.ports["platform"], "/status")
    assert status == 200 and body["status"] == "degraded"
    status, body = get_json(stack.ports["omnichat"], "/status")
    assert status == 200 and body["status"] == "operational"
    assert body["deployment"] == {"color": "blue", "canary_percent": 0}
    assert body["uptime_seconds"] > 0 and body["components"]


def test_metrics_parse_and_shape(stack: RunningStack, root: Path) -> None:
    specific = {
        "omnichat": ["omnichat_active_sessions"],
        "search": ["search_index_documents"],
        "intentbot": ["intentbot_model_loaded", "intentbot_model_accuracy"],
        "openframe": ["openframe_events_processed_total"],
        "platform": ["platform_db_connections_in_use",
                     'platform_deployment_color{color="blue"}'],
    }
    for sid, service in SERVICES.items():
        samples = metrics(stack.ports[sid])
        assert "up" not in samples  # Prometheus writes ``up`` itself for each scrape
        assert samples["process_uptime_seconds"] > 0
        for name in specific[sid]:
            assert name in samples, (sid, name)
    assert metrics(stack.ports["intentbot"])["intentbot_model_accuracy"] == 0.93
    assert metrics(stack.ports["platform"])['platform_deployment_color{color="blue"}'] == 1


def test_metrics_quantiles_and_error_ratios(stack: RunningStack, root: Path) -> None:
    omnichat = metrics(stack.ports["omnichat"])
    assert p95(omnichat) == pytest.approx(0.08, abs=0.005)
    assert error_ratio(omnichat) == pytest.approx(0.0005, abs=0.0002)
    assert p95(metrics(stack.ports["search"])) == pytest.approx(0.12, abs=0.005)  # above its 100 ms SLO
    platform = metrics(stack.ports["platform"])
    assert p95(platform) == pytest.approx(0.8, abs=0.02)
    assert error_ratio(platform) == pytest.approx(0.10, abs=0.005)


def test_counters_grow(stack: RunningStack, root: Path) -> None:
    before = metrics(stack.ports["openframe"])
    time.sleep(0.2)
    after = metrics(stack.ports["openframe"])
    for series in ('http_requests_total{code="200"}', "openframe_events_processed_total"):
        assert after[series] > before[series]


def test_search_is_slow(stack: RunningStack, root: Path) -> None:
    search_port = stack.ports["search"]
    start = time.perf_counter()
    status, _ = get_json(search_port, "/health")
    assert status == 200 and time.perf_counter() - start >= 0.100
    status, body = get_json(search_port, "/search?q=index")
    assert status == 200 and body["total"] >= 1 and body["took_ms"] == 120  # the slow path, as it reports itself
    # Only search is slow: the others answer after 5 ms. A lower bound on wall time is safe on a busy
    # machine; an upper one is not, so the fast path is read from the catalogue the server answers with.
    assert {sid: s.delay_for("/health") for sid, s in SERVICES.items() if sid != "search"} == dict.fromkeys(
        ("omnichat", "intentbot", "openframe", "platform"), 0.005)


def test_keep_alive_and_not_found(stack: RunningStack, root: Path) -> None:
    conn = http.client.HTTPConnection(HOST, stack.ports["intentbot"], timeout=5)
    try:
        for path, expected in (("/health", 200), ("/nope", 404), ("/status", 200)):
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            assert resp.status == expected
            assert resp.getheader("Content-Length") == str(len(body))
            json.loads(body)
    finally:
        conn.close()


def test_failure_toggle(stack: RunningStack, root: Path) -> None:
    omnichat_port = stack.ports["omnichat"]
    try:
        set_failed(stack, "omnichat", True)
        status, body = get_json(omnichat_port, "/health")
        assert status == 503 and body["status"] == "down"
        assert body["checks"]["nlu"] == "down"
    finally:
        set_failed(stack, "omnichat", False)
    status, body = get_json(omnichat_port, "/health")
    assert status == 200 and body["status"] == "ok"


def test_backup_ages(root: Path) -> None:
    now = time.time()
    backups = root / ".demo" / "backups"

    def newest_age_h(directory: Path, pattern: str) -> float:
        files = sorted(directory.glob(pattern))
        assert len(files) == 3, files
        for file in files:
            assert file.stat().st_size >= 2048
            with tarfile.open(file) as tar:
                assert "MANIFEST" in tar.getnames()
        return (now - max(f.stat().st_mtime for f in files)) / 3600

    for sid in SERVICES:
        if sid != "intentbot":
            assert newest_age_h(backups / sid, f"{sid}-db-*.tar.gz") == pytest.approx(2, abs=0.05)
    assert newest_age_h(backups / "intentbot", "sessions-*.tar.gz") == pytest.approx(74, abs=0.05)
    assert newest_age_h(backups / "intentbot", "model-*.tar.gz") == pytest.approx(2, abs=0.05)
    assert re.fullmatch(r"omnichat-db-\d{8}-\d{4}\.tar\.gz",
                        next((backups / "omnichat").iterdir()).name)


def test_other_files(stack: RunningStack, root: Path) -> None:
    demo = root / ".demo"
    assert (demo / "stack.pid").read_text().strip().isdigit()
    for sid in SERVICES:
        assert len(list((demo / "data" / sid).iterdir())) >= 2
        assert (demo / "config" / f"{sid}.yaml").read_text().startswith("#")
        log = (demo / "logs" / sid / "app.log").read_text()
        assert "INFO" in log and "WARN" in log
        assert ("ERROR" in log) == (sid == "platform")


def test_tcp_listeners(stack: RunningStack, root: Path) -> None:
    with socket.create_connection((HOST, stack.ports["redis"]), timeout=5) as sock:
        sock.sendall(b"PING\r\n")
        assert sock.recv(64) == b"+PONG\r\n"
    with socket.create_connection((HOST, stack.ports["postgres"]), timeout=5):
        pass


def test_tls_listener_serves_the_platform_with_a_60_day_demo_ca_certificate(stack: RunningStack, root: Path) -> None:
    tls = root / ".demo" / "tls"
    assert sorted(p.name for p in tls.iterdir()) == ["ca.pem", "server.key", "server.pem"]  # no CA key
    context = ssl.create_default_context(cafile=str(tls / "ca.pem"))
    conn = http.client.HTTPSConnection("localhost", stack.ports[TLS_LISTENER], context=context, timeout=5)
    try:
        conn.request("GET", "/health")
        response = conn.getresponse()
        assert response.status == 503  # the platform service, failed by the fixture
        assert json.loads(response.read())["service"] == "platform"
        cert = conn.sock.getpeercert()
    finally:
        conn.close()
    assert ("IP Address", "127.0.0.1") in cert["subjectAltName"] and ("DNS", "localhost") in cert["subjectAltName"]
    days_left = (ssl.cert_time_to_seconds(cert["notAfter"]) - time.time()) / 86400
    assert 59 < days_left <= 60
    with socket.create_connection((HOST, stack.ports[TLS_LISTENER]), timeout=5) as sock:
        with pytest.raises(ssl.SSLCertVerificationError, match="unable to get local issuer certificate"):
            ssl.create_default_context().wrap_socket(sock, server_hostname=HOST)


def test_second_instance_for_the_same_project_refuses(stack: RunningStack, root: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    before = {p.name: p.stat().st_mtime_ns for p in (root / ".demo").iterdir()}
    result = subprocess.run(
        [sys.executable, "-m", "demo.stack", "serve", "--root", str(root)],
        capture_output=True, text=True, timeout=60, env=env,
    )
    assert result.returncode == 1
    pid = stack.proc.pid
    assert result.stderr == (f"demo stack: a demo stack is already running for {root.resolve()} (pid {pid}, "
                             f"see .demo/stack.pid); stop it first\n")
    assert {p.name: p.stat().st_mtime_ns for p in (root / ".demo").iterdir()} == before  # nothing touched
    assert get(stack.ports["omnichat"], "/health")[0] == 200


def test_listens_on_free_ports_and_publishes_them(stack: RunningStack, root: Path) -> None:
    names = {*SERVICES, *TCP_SERVICES, TLS_LISTENER}
    assert set(stack.ports) == names and len(set(stack.ports.values())) == len(names)
    assert json.loads((root / ".demo" / PORTS_FILE).read_text()) == stack.ports
    config = (root / ".demo" / "config" / "platform.yaml").read_text()
    assert f"listen: 127.0.0.1:{stack.ports['platform']}\n" in config
    assert f"database: postgres://127.0.0.1:{stack.ports['postgres']}/platform\n" in config
    assert stack.mode_vars()["search_url"] == f"http://127.0.0.1:{stack.ports['search']}"
    assert stack.mode_vars()["db_port"] == stack.ports["postgres"]


def test_a_second_project_runs_its_own_stack_beside(stack: RunningStack, tmp_path: Path) -> None:
    other = start_stack(tmp_path)
    try:
        assert not set(other.ports.values()) & set(stack.ports.values())
        assert get_json(other.ports["platform"], "/health")[0] == 200  # not failed: its own state
        assert get_json(stack.ports["platform"], "/health")[0] == 503
    finally:
        assert stop_stack(other) == 0


def test_parse_fail_ids() -> None:
    assert parse_fail_ids(["platform, search", "", "search"]) == ("search", "platform")
    with pytest.raises(ValueError, match="unknown service id 'nope'"):
        parse_fail_ids(["nope"])
