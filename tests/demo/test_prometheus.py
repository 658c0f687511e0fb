"""Process control of the demo's real Prometheus (generator/demo/prometheus.py).

Scraping the demo stack is covered by tests/checks/test_prometheus.py, which
runs every check against it; here: what an operator sees when Prometheus is
missing or its port is taken, and a clean start and stop.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from demo import ports
from demo.ports import PortTaken
from demo.prometheus import INSTALL_HINT, PrometheusError, find_prometheus, start_prometheus
from tests.conftest import REPO, free_port


@pytest.fixture(autouse=True)
def prometheus_installed() -> None:
    if not _installed():
        pytest.fail(INSTALL_HINT, pytrace=False)  # never a skip: CI must have it


def _installed() -> bool:
    try:
        find_prometheus()
    except PrometheusError:
        return False
    return True


def test_demo_without_prometheus_is_one_line_saying_how_to_install(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # python and runbooks, no prometheus
    proc = subprocess.run([sys.executable, "-m", "demo", "--root", str(tmp_path)], env=env, capture_output=True, text=True, cwd=REPO,
                          timeout=60)
    assert proc.returncode == 1
    assert proc.stdout == ""  # failed before starting anything
    assert proc.stderr == f"demo: {INSTALL_HINT}\n"
    assert "make system-deps" in proc.stderr


def test_a_taken_port_is_named(tmp_path: Path) -> None:
    port = free_port()
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Prometheus (Go) binds
        taken.bind(("127.0.0.1", port))
        taken.listen()
        with pytest.raises(PortTaken) as info:
            start_prometheus(tmp_path, {}, port)
    assert str(info.value) == f"port {port} is in use by another process"


def test_without_a_port_it_finds_a_free_one_even_when_the_first_pick_is_taken(tmp_path: Path, monkeypatch) -> None:
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        picks = [busy]  # the first "free" port is taken meanwhile, as by a racing process
        real = ports.free_port
        monkeypatch.setattr(ports, "free_port", lambda host="127.0.0.1": picks.pop() if picks else real(host))
        server = start_prometheus(tmp_path, {})
    try:
        assert not picks, "the taken port was tried first"
        assert not server.url.endswith(f":{busy}")
        assert server.query("vector(1)")["result"][0]["value"][1] == "1"
    finally:
        assert server.stop() == 0


def test_starts_ready_answers_queries_and_stops_cleanly(tmp_path: Path) -> None:
    server = start_prometheus(tmp_path, {})
    try:
        assert server.query("vector(1)")["result"][0]["value"][1] == "1"
        config = json.loads((tmp_path / "prometheus.yml").read_text())
        assert config["global"] == {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"}
    finally:
        assert server.stop() == 0  # SIGTERM: a clean shutdown, not a kill
    assert (tmp_path / "data").is_dir()
