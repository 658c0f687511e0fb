"""The engine: concurrency, timeouts, the run deadline, modes, severity and classification.

Checks run against real servers on 127.0.0.1: the session's threaded server,
or, for the latency test, a small asyncio server started here.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import threading
import time

import aiohttp
import pytest

import generator.run.kinds.file as file_kind
from generator.format.catalog import load_catalog
from generator.run.engine import RunOptions, classify, run_checks_sync
from generator.run.results import State
from tests.conftest import closed_port
from tests.helpers import run_mode


def checks_yaml(*checks):
    """Runbook ``checks:`` items as YAML flow mappings (JSON is valid YAML)."""
    return "".join(f"- {json.dumps(check)}\n" for check in checks)


def http_check(check_id, url, **common):
    return {"id": check_id, "title": check_id, **common, "http": {"url": url, "status": 200}}


def specs_for(root, mode="local"):
    catalog = load_catalog(root)
    return [c for view in catalog.views(mode) for c in view.checks]


class AsyncHttpServer:
    """A minimal keep-alive HTTP/1.1 server on its own event loop thread.

    Every answer is "ok" after ``?delay=SECONDS`` from the query string, or,
    with ``?together=N``, once N such requests are in flight at the same time
    (or after ``TOGETHER_WAIT`` seconds, whichever comes first); ``in_flight_max``
    records the most requests it held at once. It accepts a burst of
    connections at once (the threaded fixture server's listen backlog of 5
    makes a burst of 20 connects wait ~1 s for SYN retransmits, which would
    hide the engine's own concurrency).
    """

    TOGETHER_WAIT = 20.0

    def __init__(self):
        self.in_flight = self.in_flight_max = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        assert self.ready.wait(5), "asyncio test server did not start"

    def _serve(self):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=512))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _handle(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                target = head.split(b" ", 2)[1].decode()
                query = dict(p.split("=", 1) for p in target.partition("?")[2].split("&") if "=" in p)
                await asyncio.sleep(float(query.get("delay", 0)))
                if "together" in query:
                    await self._together(int(query["together"]))
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def _together(self, count):
        """Hold this request until ``count`` are held (the loop's thread alone touches the counters)."""
        self.in_flight += 1
        self.in_flight_max = max(self.in_flight_max, self.in_flight)
        try:
            deadline = self.loop.time() + self.TOGETHER_WAIT
            while self.in_flight_max < count and self.loop.time() < deadline:
                await asyncio.sleep(0.01)
        finally:
            self.in_flight -= 1

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.port}{path}"

    async def _shutdown(self):
        self.server.close()
        await self.server.wait_closed()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def close(self):
        asyncio.run_coroutine_threadsafe(self._shutdown(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def async_server():
    server = AsyncHttpServer()
    yield server
    server.close()


# --- concurrency and latency -------------------------------------------------

def test_checks_run_concurrently(project, async_server):
    # The server answers only once all 20 requests are in flight: run one after another, the
    # first would wait until its 10 s timeout. No wall-clock bound, so a busy machine cannot fail it.
    checks = (http_check(f"c{i}", async_server.url(f"/concurrent?together=20&n={i}"), timeout="10s")
              for i in range(20))
    project.check("rb", checks_yaml(*checks))
    results = run_checks_sync(specs_for(project.root), "local", project.root, RunOptions(concurrency=20))
    assert [r.state for r in results] == [State.OK] * 20, [r.summary for r in results]
    assert async_server.in_flight_max == 20


def test_concurrency_bounds_the_checks_in_flight(project, async_server):
    # The first three are held until three are in flight; unbounded, all six would be in flight then.
    checks = (http_check(f"c{i}", async_server.url(f"/bounded?together=3&n={i}"), timeout="10s") for i in range(6))
    project.check("rb", checks_yaml(*checks))
    results = run_checks_sync(specs_for(project.root), "local", project.root, RunOptions(concurrency=3))
    assert [r.state for r in results] == [State.OK] * 6, [r.summary for r in results]
    assert async_server.in_flight_max == 3


def test_results_keep_input_order_not_completion_order(project, http_server):
    slow = http_server.route("/engine/order-slow", body="ok", delay=0.3)
    fast = http_server.route("/engine/order-fast", body="ok")
    mid = http_server.route("/engine/order-mid", body="ok", delay=0.15)
    project.check("rb", checks_yaml(http_check("a", slow), http_check("b", fast), http_check("c", mid)))
    specs = specs_for(project.root)
    forward = run_checks_sync(specs, "local", project.root, RunOptions())
    backward = run_checks_sync(specs[::-1], "local", project.root, RunOptions())
    assert [r.check for r in forward] == ["a", "b", "c"]
    assert [r.check for r in backward] == ["c", "b", "a"]


def test_on_result_is_called_once_per_check(project, http_server):
    url = http_server.route("/engine/callback", body="ok")
    project.check("rb", checks_yaml(http_check("a", url), http_check("b", url)))
    seen = []
    results = run_checks_sync(specs_for(project.root), "local", project.root, RunOptions(), seen.append)
    assert sorted(r.check for r in seen) == ["a", "b"]
    assert [r.check for r in results] == ["a", "b"]


# --- timeouts and the run deadline -------------------------------------------

def test_run_deadline_cuts_a_hung_check(project, http_server):
    hung = http_server.route("/engine/deadline-hung", body="late", delay=30)
    fine = http_server.route("/engine/deadline-fine", body="ok")
    project.check("rb", checks_yaml(http_check("hung", hung, timeout="60s"), http_check("fine", fine)))
    started = time.perf_counter()
    # 1 s: room for the fine check on a busy machine; the hung one would take 30 s
    results = run_mode(project.root, "local", deadline=1.0)
    elapsed = time.perf_counter() - started
    assert elapsed < 15, f"the run took {elapsed:.1f} s: the deadline did not cut the 30 s check"
    hung_result = results["rb/hung"]
    assert hung_result.state is State.CRITICAL
    assert hung_result.reason == "timeout"
    assert hung_result.summary == "run deadline of 1s reached"
    assert results["rb/fine"].state is State.OK, results["rb/fine"].summary


def test_checks_that_never_got_a_slot_by_the_deadline_say_so(project, http_server):
    hung = http_server.route("/engine/deadline-queue-hung", body="late", delay=30)
    fine = http_server.route("/engine/deadline-queue-fine", body="ok")
    project.check("rb", checks_yaml(http_check("hung", hung, timeout="60s"),
                                    *(http_check(f"queued{i}", fine) for i in range(3))))
    results = run_mode(project.root, "local", deadline=1.0, concurrency=1)
    assert [results[f"rb/{c}"].summary for c in ("hung", "queued0", "queued1", "queued2")] == \
        ["run deadline of 1s reached"] * 4
    assert http_server.hits.get("/engine/deadline-queue-fine", 0) == 0


def test_run_default_timeout_applies_unless_the_check_sets_its_own(project, http_server):
    url = http_server.route("/engine/default-timeout", body="ok", delay=0.5)
    project.check("rb", checks_yaml(http_check("own", url, timeout="3s"), http_check("default", url)))
    results = run_mode(project.root, "local", timeout=0.2)
    assert results["rb/own"].state is State.OK, results["rb/own"].summary
    assert results["rb/default"].state is State.CRITICAL
    assert results["rb/default"].reason == "timeout"
    assert "0.2s" in results["rb/default"].summary


# --- modes and severity ------------------------------------------------------

def test_check_for_another_mode_is_skipped(project, http_server):
    url = http_server.route("/engine/modes", body="ok")
    project.check("rb", checks_yaml(http_check("hybrid-only", url, modes=["hybrid"]), http_check("all", url)))
    results = run_mode(project.root, "local")
    skipped = results["rb/hybrid-only"]
    assert skipped.state is State.SKIPPED
    assert skipped.summary == "does not apply to mode local"
    assert http_server.hits.get("/engine/modes") == 1  # only the check that applies was probed
    assert results["rb/all"].state is State.OK

def test_severity_warning_caps_critical_at_warning(project, http_server):
    down = f"http://127.0.0.1:{closed_port()}/"
    wrong = http_server.route("/engine/severity-503", status=503, body="down")
    ok = http_server.route("/engine/severity-ok", body="ok")
    project.check("rb", checks_yaml(
        http_check("refused", down, severity="warning"),
        http_check("wrong-status", wrong, severity="warning"),
        http_check("fine", ok, severity="warning"),
        http_check("critical", wrong),
    ))
    results = run_mode(project.root, "local")
    assert results["rb/refused"].state is State.WARNING
    assert results["rb/refused"].reason == "connect"
    assert results["rb/wrong-status"].state is State.WARNING
    assert "status: expected 200, got 503" in results["rb/wrong-status"].summary
    assert results["rb/fine"].state is State.OK
    assert results["rb/critical"].state is State.CRITICAL


# --- crashes and classification ----------------------------------------------

def test_probe_crash_becomes_unknown_and_other_checks_still_run(project, http_server, monkeypatch):
    async def broken_probe(params, ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(file_kind, "probe", broken_probe)
    url = http_server.route("/engine/crash-neighbour", body="ok")
    project.check("rb", checks_yaml(
        {"id": "crash", "title": "t", "file": {"path": "x", "exists": True}},
        http_check("neighbour", url),
    ))
    results = run_mode(project.root, "local")
    crashed = results["rb/crash"]
    assert crashed.state is State.UNKNOWN
    assert crashed.reason == "error"
    assert crashed.summary == "probe error: RuntimeError: boom"
    assert results["rb/neighbour"].state is State.OK


def _chained(outer, inner):
    try:
        try:
            raise inner
        except BaseException as exc:
            raise outer from exc
    except BaseException as exc:
        return exc


@pytest.mark.parametrize("exc, state, reason", [
    (ConnectionRefusedError(111, "Connection refused"), State.CRITICAL, "connect"),
    (ConnectionResetError(104, "Connection reset by peer"), State.CRITICAL, "connect"),
    (OSError(113, "No route to host"), State.CRITICAL, "connect"),
    (socket.gaierror(-2, "Name or service not known"), State.CRITICAL, "dns"),
    (ssl.SSLError(1, "certificate verify failed"), State.CRITICAL, "tls"),
    (TimeoutError(), State.CRITICAL, "timeout"),
    (asyncio.TimeoutError(), State.CRITICAL, "timeout"),
    (aiohttp.SocketTimeoutError("Timeout on reading data from socket"), State.CRITICAL, "timeout"),
    (aiohttp.ServerDisconnectedError(), State.CRITICAL, "connect"),
    (aiohttp.ClientPayloadError("Response payload is not completed"), State.CRITICAL, "connect"),
    (aiohttp.NonHttpUrlClientError("ftp://example.com/"), State.UNKNOWN, "error"),
    (FileNotFoundError(2, "No such file or directory"), State.UNKNOWN, "error"),
    (ValueError("bad value"), State.UNKNOWN, "error"),
], ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else str(v))
def test_classify_maps_exceptions_to_state_and_reason(exc, state, reason):
    outcome = classify(exc)
    assert (outcome.state, outcome.reason) == (state, reason), outcome.summary


def test_classify_looks_through_the_cause_chain():
    dns = classify(_chained(aiohttp.ClientConnectionError("[Errno -2] Name or service not known"),
                            socket.gaierror(-2, "Name or service not known")))
    assert (dns.state, dns.reason) == (State.CRITICAL, "dns")
    assert dns.summary == "cannot resolve host: [Errno -2] Name or service not known"
    tls = classify(_chained(aiohttp.ClientConnectionError("handshake failed"), ssl.SSLError(1, "certificate verify failed")))
    assert (tls.state, tls.reason) == (State.CRITICAL, "tls")


def test_classify_summary_names_unexpected_exception_types():
    outcome = classify(ValueError("bad value"))
    assert outcome.summary == "probe error: ValueError: bad value"


# --- retries -----------------------------------------------------------------

def test_a_check_that_passes_on_a_retry_is_ok_and_says_so(project, http_server):
    url = http_server.sequence("/engine/flaky-twice", [503, 503, 200])
    project.check("rb", checks_yaml(http_check("flaky", url, retries={"count": 3, "delay": "0.05s"})))
    result = run_mode(project.root)["rb/flaky"]
    assert result.state is State.OK
    assert result.attempts == 3
    assert result.note == "passed after 2 retries"
    assert result.nagios_line().startswith("OK - flaky: HTTP 200")
    assert "(passed after 2 retries)" in result.nagios_line()
    assert http_server.hits["/engine/flaky-twice"] == 3


def test_retries_give_up_after_count_and_report_the_last_failure(project, http_server):
    url = http_server.sequence("/engine/always-down", [503])
    project.check("rb", checks_yaml(http_check("down", url, retries={"count": 2, "delay": "0.01s"})))
    result = run_mode(project.root)["rb/down"]
    assert result.state is State.CRITICAL
    assert result.attempts == 3
    assert result.note == "still failing after 2 retries"
    assert "status: expected 200, got 503" in result.summary


def test_an_ok_first_attempt_is_not_retried(project, http_server):
    url = http_server.sequence("/engine/fine", [200, 503])
    project.check("rb", checks_yaml(http_check("fine", url, retries={"count": 5})))
    result = run_mode(project.root)["rb/fine"]
    assert (result.state, result.attempts, result.note) == (State.OK, 1, "")
    assert http_server.hits["/engine/fine"] == 1


# --- needs -------------------------------------------------------------------

def test_a_check_whose_need_fails_is_skipped_with_needs_reason(project, http_server):
    up = http_server.route("/engine/needs-up")
    project.check("rb", checks_yaml(
        http_check("db", f"http://127.0.0.1:{closed_port()}/"),
        http_check("api", up, needs="db"),
        http_check("ui", up, needs=["api"]),
        http_check("free", up),
    ))
    results = run_mode(project.root)
    assert results["rb/db"].state is State.CRITICAL
    api = results["rb/api"]
    assert api.state is State.SKIPPED
    assert api.reason == "needs"
    assert api.summary == "needs db (it is CRITICAL)"
    assert "expected: db to be OK first" in api.evidence
    assert results["rb/ui"].summary == "needs api (it is SKIPPED)"  # a skip propagates down the chain
    assert results["rb/free"].state is State.OK
    assert http_server.hits["/engine/needs-up"] == 1  # only "free": api and ui were never probed


def test_a_check_runs_after_the_checks_it_needs(project, http_server):
    from tests.conftest import Route

    order = []

    def slow():
        time.sleep(0.3)
        order.append("first answered")
        return Route()

    def fast():
        order.append("after asked")
        return Route()

    http_server.routes["/engine/needs-slow"], http_server.routes["/engine/needs-fast"] = slow, fast
    project.check("rb", checks_yaml(http_check("after", http_server.url("/engine/needs-fast"), needs="first"),
                                    http_check("first", http_server.url("/engine/needs-slow"))))
    results = run_mode(project.root)
    assert results["rb/first"].state is State.OK and results["rb/after"].state is State.OK
    assert order == ["first answered", "after asked"]


def test_a_check_listed_before_its_need_runs_after_it_with_one_slot(project, http_server):
    """With concurrency 1 the check that waits for its need must not hold the only slot."""
    up = http_server.route("/engine/needs-one-slot")
    project.check("rb", checks_yaml(http_check("ui", up, needs="api"), http_check("api", up, needs="db"),
                                    http_check("db", up)))
    results = run_mode(project.root, "local", concurrency=1, deadline=20)
    assert [results[f"rb/{c}"].state for c in ("ui", "api", "db")] == [State.OK] * 3
    assert http_server.hits["/engine/needs-one-slot"] == 3


def test_a_need_that_does_not_run_in_the_mode_does_not_block(project, http_server):
    up = http_server.route("/engine/needs-mode")
    project.check("rb", checks_yaml(
        {**http_check("vpn", f"http://127.0.0.1:{closed_port()}/"), "modes": ["hybrid"]},
        http_check("api", up, needs="vpn"),
    ))
    assert load_catalog(project.root).view("rb", "local").checks[1].needs == []
    assert run_mode(project.root)["rb/api"].state is State.OK
