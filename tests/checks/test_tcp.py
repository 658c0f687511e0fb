"""The ``tcp`` check kind: connecting to a real socket on 127.0.0.1 is the assertion."""

from __future__ import annotations

import socket

import pytest

from generator.run.results import State
from tests.conftest import closed_port
from tests.helpers import run_one


@pytest.fixture
def listening_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


def test_connecting_to_a_listening_port_is_ok(project, listening_port):
    key = project.add_check("tcp", {"host": "127.0.0.1", "port": listening_port})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.reason == ""
    assert result.summary.startswith("connected in ") and result.summary.endswith(" ms")
    assert result.metrics["connect_ms"] >= 0
    assert result.target == f"tcp://127.0.0.1:{listening_port}"


def test_connect_time_over_warn_is_warning(project, listening_port):
    key = project.add_check("tcp", {"host": "127.0.0.1", "port": listening_port, "latency_ms": {"warn": 0}})
    result = run_one(project.root, key)
    assert result.state is State.WARNING, result.summary
    assert result.reason == "assertion"
    assert result.summary.startswith("connect ") and "> warn 0 ms" in result.summary


def test_connect_time_over_crit_is_critical(project, listening_port):
    key = project.add_check("tcp", {"host": "127.0.0.1", "port": listening_port, "latency_ms": {"warn": 0, "crit": 0}})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert "> crit 0 ms" in result.summary


def test_refused_connection_is_critical_connect(project):
    key = project.add_check("tcp", {"host": "127.0.0.1", "port": closed_port()})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "connect"
    assert result.summary.startswith("connection failed")


def test_unresolvable_host_is_critical_dns(project):
    key = project.add_check("tcp", {"host": "nonexistent.invalid", "port": 80}, timeout="5s")
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "dns"
    assert result.summary.startswith("cannot resolve host")


def test_malformed_host_name_is_unknown_error(project):
    key = project.add_check("tcp", {"host": "exa..mple", "port": 80})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.reason == "error"
    assert result.summary.startswith("probe error")
