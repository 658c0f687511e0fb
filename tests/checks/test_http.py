"""The ``http`` check kind, probed against real servers on 127.0.0.1.

Nothing is mocked: each test registers a route on the session's threaded
HTTP server (or points at a closed port / an unresolvable host) and runs
the real engine. Every test uses its own route path.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from typing import Callable, Iterator

import pytest

from generator.run.results import State
from tests.conftest import HttpServer, closed_port
from tests.helpers import each_http_client, run_one  # noqa: F401  (a fixture)

# Every test here runs through both HTTP clients: they must agree on every feature.
pytestmark = pytest.mark.usefixtures("each_http_client")

# --- OK ----------------------------------------------------------------------

def test_status_json_fields_body_contains_and_regex_all_pass(project, http_server):
    body = {"status": "ok", "checks": {"db": "up"}, "items": [1, 2], "version": "1.2.3"}
    url = http_server.route("/http/ok", body=body)
    key = project.add_check("http", {
        "url": url, "status": 200,
        "json": {"status": "ok", "checks.db": "up", "items.1": 2},
        "body_contains": '"status": "ok"',
        "body_regex": r'"version": "\d+\.\d+\.\d+"',
    })
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.reason == ""
    assert result.observed.startswith("HTTP 200 in ")
    assert result.summary == result.observed
    assert result.target == f"GET {url}"


def test_a_list_of_statuses_accepts_any_of_them(project, http_server):
    url = http_server.route("/http/list-204", status=204, body="")
    key = project.add_check("http", {"url": url, "status": [200, 204]})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert "HTTP 204" in result.observed


def test_a_list_of_statuses_names_them_all_when_none_matches(project, http_server):
    url = http_server.route("/http/list-500", status=500, body="boom")
    key = project.add_check("http", {"url": url, "status": [200, 204]})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert "status: expected 200 or 204, got 500" in result.summary


def test_head_method_works(project, http_server):
    url = http_server.route("/http/head", body="ignored by HEAD")
    key = project.add_check("http", {"url": url, "method": "HEAD", "status": 200})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.target == f"HEAD {url}"


def test_without_status_any_status_below_400_passes(project, http_server):
    url = http_server.route("/http/default-ok", status=302, body="", headers={"Location": "/elsewhere"})
    key = project.add_check("http", {"url": url, "latency_ms": {"crit": 5000}})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert "HTTP 302" in result.observed


def test_latency_metric_is_recorded_and_at_least_the_server_delay(project, http_server):
    url = http_server.route("/http/metric", body="slow", delay=0.2)
    key = project.add_check("http", {"url": url, "status": 200})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert "latency_ms" in result.metrics
    assert 200 * 0.98 <= result.metrics["latency_ms"] < 10_000  # milliseconds (not s or µs), however busy the machine
    assert any(p.startswith("latency=") for p in result.perfdata)


# --- WARNING -----------------------------------------------------------------

def test_latency_over_warn_is_warning(project, http_server):
    url = http_server.route("/http/warn-latency", body="slow", delay=0.15)
    key = project.add_check("http", {"url": url, "status": 200, "latency_ms": {"warn": 100, "crit": 10_000}})
    result = run_one(project.root, key)
    assert result.state is State.WARNING, result.summary
    assert result.reason == "assertion"
    assert "latency" in result.summary and "> warn 100 ms" in result.summary
    assert result.metrics["latency_ms"] >= 150 * 0.98


# --- CRITICAL ----------------------------------------------------------------

def test_wrong_status_is_critical_with_status_line_headers_and_body_in_evidence(project, http_server):
    url = http_server.route("/http/503", status=503, body="upstream down", headers={"Retry-After": "30"})
    key = project.add_check("http", {"url": url, "status": 200})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert "status: expected 200, got 503" in result.summary
    assert result.observed.startswith("HTTP 503")
    assert result.evidence.startswith("status: expected 200, got 503\n\nHTTP 503\n")
    assert "retry-after: 30" in result.evidence
    assert "content-length: 13" in result.evidence
    assert "upstream down" in result.evidence


def test_default_status_rule_fails_at_400_and_above(project, http_server):
    url = http_server.route("/http/default-404", status=404, body="nope")
    key = project.add_check("http", {"url": url, "latency_ms": {"crit": 5000}})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert "status: expected below 400, got 404" in result.summary


def test_json_field_mismatch_is_critical(project, http_server):
    url = http_server.route("/http/json-mismatch", body={"status": "ok", "checks": {"db": "down"}})
    key = project.add_check("http", {"url": url, "json": {"status": "ok", "checks.db": "up"}})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert 'checks.db: expected "up", got "down"' in result.summary
    assert "status:" not in result.summary  # the matching field is not reported


def test_json_missing_field_is_reported_as_no_such_field(project, http_server):
    url = http_server.route("/http/json-missing", body={"status": "ok"})
    key = project.add_check("http", {"url": url, "json": {"checks.db": "up"}})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert 'checks.db: expected "up", got no such field' in result.summary


def test_json_assertion_on_a_non_json_body_is_critical(project, http_server):
    url = http_server.route("/http/json-not-json", body="<html>hello</html>")
    key = project.add_check("http", {"url": url, "json": {"status": "ok"}})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert "body: expected JSON, got a body that is not JSON" in result.summary


def test_body_regex_miss_is_critical(project, http_server):
    url = http_server.route("/http/regex-miss", body="version: beta")
    key = project.add_check("http", {"url": url, "body_regex": r"version: \d+"})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert r"body: expected to match /version: \d+/, got no match" in result.summary


def test_body_contains_miss_is_critical(project, http_server):
    url = http_server.route("/http/contains-miss", body="all systems degraded")
    key = project.add_check("http", {"url": url, "body_contains": "operational"})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert "body: expected to contain 'operational', got no match" in result.summary


def test_latency_over_crit_is_critical(project, http_server):
    url = http_server.route("/http/crit-latency", body="slow", delay=0.15)
    key = project.add_check("http", {"url": url, "status": 200, "latency_ms": {"warn": 10, "crit": 50}})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert "> crit 50 ms" in result.summary


def test_connection_refused_is_critical_connect(project):
    key = project.add_check("http", {"url": f"http://127.0.0.1:{closed_port()}/health", "status": 200})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "connect"
    assert result.summary.startswith("connection failed: [Errno 111] Connect call failed ('127.0.0.1', ")


def test_slow_server_past_the_check_timeout_is_critical_timeout(project, http_server):
    url = http_server.route("/http/hang", body="late", delay=10)
    key = project.add_check("http", {"url": url, "status": 200}, timeout="0.3s")
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "timeout"
    assert result.summary == "timed out after 0.3s"
    assert result.duration_ms < 5000  # the probe was cut, not waited out (10 s): bounded loosely for busy machines


def test_unresolvable_host_is_critical_dns(project):
    key = project.add_check("http", {"url": "http://nonexistent.invalid/health", "status": 200}, timeout="5s")
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "dns"
    assert result.summary.startswith("cannot resolve host")


# --- UNKNOWN -----------------------------------------------------------------

def test_unsupported_scheme_is_unknown_error(project):
    key = project.add_check("http", {"url": "ftp://127.0.0.1/x", "status": 200})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.reason == "error"
    assert result.summary.startswith("cannot probe")


# --- bounded reads and raw evidence -----------------------------------------

def test_a_5mb_body_is_read_bounded_and_still_judged(project, http_server):
    url = http_server.route("/http/big", body="x" * (5 * 1024 * 1024))
    key = project.add_check("http", {"url": url, "status": 200, "body_contains": "needle-not-in-body"})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert "body: expected to contain 'needle-not-in-body', got no match" in result.summary
    expectation, excerpt = result.evidence.split("\n\n", 1)
    assert expectation == "body: expected to contain 'needle-not-in-body', got no match"
    assert excerpt.startswith("HTTP 200\n")
    assert len(excerpt) <= 2300  # status line, a few headers, 2 KB of body and the cut note
    assert "more characters cut" in excerpt


def test_a_5mb_body_passes_when_the_assertion_holds(project, http_server):
    url = http_server.route("/http/big-ok", body="x" * (5 * 1024 * 1024))
    key = project.add_check("http", {"url": url, "status": 200, "body_contains": "xxxx"})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary


def test_html_and_script_in_the_body_are_kept_raw_in_evidence(project, http_server):
    body = '<html><script>alert("x")</script><b>down</b></html>'
    url = http_server.route("/http/html", status=500, body=body, headers={"Content-Type": "text/html"})
    key = project.add_check("http", {"url": url, "status": 200})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert body in result.evidence
    assert "content-type: text/html" in result.evidence


# --- response headers and request headers ------------------------------------

def test_header_exact_and_regex_pass_with_names_in_any_case(project, http_server):
    url = http_server.route("/http/hdr-ok", body={"ok": True},
                            headers={"Strict-Transport-Security": "max-age=31536000; includeSubDomains"})
    key = project.add_check("http", {"url": url, "headers": {
        "content-type": "application/json", "STRICT-TRANSPORT-SECURITY": {"regex": r"max-age=\d{7,}"}}})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary


def test_header_value_mismatch_shows_expected_and_actual(project, http_server):
    url = http_server.route("/http/hdr-bad", body="<p>hi</p>", headers={"Content-Type": "text/html",
                                                                        "X-Frame-Options": "SAMEORIGIN"})
    key = project.add_check("http", {"url": url, "headers": {"Content-Type": "application/json",
                                                      "X-Frame-Options": {"regex": "^DENY$"}}})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert result.summary == ("header Content-Type: expected 'application/json', got 'text/html'; "
                              "header X-Frame-Options: expected to match /^DENY$/, got 'SAMEORIGIN'")
    assert "content-type: text/html" in result.evidence
    assert "x-frame-options: SAMEORIGIN" in result.evidence  # asserted headers are shown too


def test_missing_header_fails_with_got_none(project, http_server):
    url = http_server.route("/http/hdr-missing", body="plain")
    key = project.add_check("http", {"url": url, "headers": {"Strict-Transport-Security": {"regex": "max-age"}}})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert result.summary == "expected header Strict-Transport-Security, got none"


def test_request_headers_are_sent(project, http_server):
    url = http_server.route("/http/req-hdr", body="ok")
    key = project.add_check("http", {"url": url, "request_headers": {"X-Probe": "runbooks"}, "status": 200})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert http_server.request_headers["/http/req-hdr"]["X-Probe"] == "runbooks"


# --- what goes on the wire: the same through both clients --------------------

def test_the_request_carries_the_default_headers_and_the_checks_own_win(project, http_server):
    url = http_server.route("/http/defaults", body="ok")
    key = project.add_check("http", {"url": url, "status": 200})
    assert run_one(project.root, key).state is State.OK
    sent = {k.lower(): v for k, v in http_server.request_headers["/http/defaults"].items()}
    assert sent == {"host": f"127.0.0.1:{http_server.port}", "user-agent": "runbooks-checks", "accept": "*/*",
                    "accept-encoding": "gzip, deflate"}
    key = project.add_check("http", {"url": url, "status": 200, "request_headers": {"user-agent": "probe/2"}})
    assert run_one(project.root, key).state is State.OK
    assert {k.lower(): v for k, v in http_server.request_headers["/http/defaults"].items()}["user-agent"] == "probe/2"


def test_a_gzip_body_is_judged_decoded(project, http_server):
    url = http_server.route("/http/gzip", body=gzip.compress(b'{"status": "ok"}'),
                            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    key = project.add_check("http", {"url": url, "status": 200, "json": {"status": "ok"}})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary


def test_a_body_that_does_not_decode_is_a_failed_connection(project, http_server):
    url = http_server.route("/http/bad-gzip", body=b"not gzip at all", headers={"Content-Encoding": "gzip"})
    result = run_one(project.root, project.add_check("http", {"url": url, "status": 200}))
    assert (result.state, result.reason) == (State.CRITICAL, "connect"), result.summary
    assert result.summary == "connection failed: Error -3 while decompressing data: incorrect header check"


def test_redirects_are_followed_only_when_asked(project, http_server):
    http_server.route("/http/moved", status=302, body="", headers={"Location": "/http/landed?from=moved"})
    landed = http_server.route("/http/landed", body="landed here")
    moved = http_server.url("/http/moved")
    key = project.add_check("http", {"url": moved, "status": 200, "body_contains": "landed here",
                                     "follow_redirects": True})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert http_server.hits["/http/landed"] == 1
    key = project.add_check("http", {"url": moved, "status": 302})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert http_server.hits["/http/landed"] == 1 and landed


def test_a_redirect_to_another_origin_drops_the_authorization_header(project, http_server):
    other = HttpServer()
    try:
        target = other.route("/http/elsewhere", body="ok")
        http_server.route("/http/away", status=307, body="", headers={"Location": target})
        http_server.route("/http/near", status=307, body="", headers={"Location": "/http/here"})
        http_server.route("/http/here", body="ok")
        for path in ("/http/away", "/http/near"):
            key = project.add_check("http", {"url": http_server.url(path), "status": 200, "follow_redirects": True,
                                             "request_headers": {"Authorization": "Bearer s3cret"}})
            assert run_one(project.root, key).state is State.OK
        assert "Authorization" not in other.request_headers["/http/elsewhere"]
        assert http_server.request_headers["/http/here"]["Authorization"] == "Bearer s3cret"
    finally:
        other.close()


@pytest.mark.parametrize(("location", "state", "summary", "hits"), [
    # a loop: the tenth redirect is one too many, and the server's fault (check_http: CRITICAL)
    ("/http/bad-redirect", State.CRITICAL, "connection failed: ", 10),
    ("ftp://127.0.0.1/file", State.UNKNOWN, "cannot probe", 1),  # a scheme an http check cannot request
], ids=["loop", "another-scheme"])
def test_a_redirect_that_cannot_be_followed(project, http_server, location, state, summary, hits):
    http_server.route("/http/bad-redirect", status=302, body="", headers={"Location": location})
    key = project.add_check("http", {"url": http_server.url("/http/bad-redirect"), "status": 200,
                                     "follow_redirects": True})
    result = run_one(project.root, key)
    assert result.state is state and result.reason == ("connect" if state is State.CRITICAL else "error"), \
        result.summary
    assert result.summary.startswith(summary)
    assert http_server.hits["/http/bad-redirect"] == hits


@pytest.fixture
def raw_answer() -> Iterator[Callable[[bytes], str]]:
    """A server that answers every request with the given bytes, HTTP or not, then closes: its URL."""
    servers: list[socket.socket] = []

    def serve(answer: bytes) -> str:
        server = socket.create_server(("127.0.0.1", 0))
        servers.append(server)

        def loop() -> None:
            while True:
                try:
                    conn, _ = server.accept()
                except OSError:
                    return
                with conn:
                    conn.recv(65536)
                    try:
                        conn.sendall(answer)
                    except OSError:
                        pass

        threading.Thread(target=loop, daemon=True).start()
        return f"http://127.0.0.1:{server.getsockname()[1]}/"

    yield serve
    for server in servers:
        server.close()


@pytest.mark.parametrize("answer", [
    b"",
    b"SPAM SPAM SPAM\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc",
    b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\nContent-Length: 2\r\n\r\nok",
], ids=["closed-without-answer", "not-http", "body-cut-short", "header-too-long"])
def test_an_answer_that_is_not_whole_http_is_a_failed_connection(project, raw_answer, answer):
    result = run_one(project.root, project.add_check("http", {"url": raw_answer(answer), "status": 200}, timeout="5s"))
    assert (result.state, result.reason) == (State.CRITICAL, "connect"), result.summary
    assert result.summary.startswith("connection failed: ") and len(result.summary) > len("connection failed: ")


def test_a_probe_cut_by_its_timeout_leaves_nothing_behind(project, http_server, each_http_client, monkeypatch):
    """The stdlib client's thread outlives a probe its timeout cut; when it ends, after the run, it must not
    raise into a loop that is closed (nor may anything else the run left)."""
    failures = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))
    url = http_server.route("/http/cut", body="late", delay=0.6)
    key = project.add_check("http", {"url": url, "status": 200}, timeout="0.2s")
    assert run_one(project.root, key).summary == "timed out after 0.2s"
    deadline = time.monotonic() + 10
    while any(t.name == "runbooks-http" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert failures == []


def test_the_stdlib_client_reads_as_much_of_an_answer_as_any_kind_judges():
    from generator.run.kinds.http import BODY_LIMIT
    from generator.run.kinds.prometheus import RESPONSE_LIMIT
    from generator.run.stdhttp import READ_LIMIT

    assert READ_LIMIT >= max(BODY_LIMIT, RESPONSE_LIMIT)
