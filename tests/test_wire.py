"""Wire timing: latency is measured from the request's first byte written to the response's last byte received.

The scenario that tells wire timing from coroutine timing: one connection,
two requests at once to a server that answers after DELAY. The second request
waits a whole DELAY for the connection before it is written, so a clock
started by its coroutine reads about 2 × DELAY, while the wire reads DELAY.
These tests fail when the timing stops being measured on the wire (an aiohttp
release that stops calling the socket factory or the tracing signals, or a
kind that falls back to its own clock).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp

from generator.format.load import Document
from generator.format.options import Ctx
from generator.run.kinds import http
from generator.run.kinds.base import ProbeContext
from generator.run.wire import Exchange, session_for_tests

DELAY = 0.3
# A request that waited for the connection waited at least the other request's whole answer (DELAY, less a
# little for clock granularity): its wire time leaves that wait out, whatever the machine's speed. A fixed upper
# bound on wire time would not: on a busy machine the test server itself answers late (seen: 923 ms for 300).
WAIT_MS = 0.9 * DELAY * 1000


async def _timed_get(session: aiohttp.ClientSession, url: str) -> tuple[float | None, float]:
    started = time.perf_counter()
    with Exchange() as wire:
        async with session.get(url) as response:
            await response.read()
    return (wire.latency_ms() if wire.sock is not None else None), (time.perf_counter() - started) * 1000


def test_the_second_request_on_a_busy_connection_is_timed_from_when_it_was_written(http_server) -> None:
    url = http_server.route("/wire-slow", delay=DELAY)

    async def main() -> list[tuple[float | None, float]]:
        async with session_for_tests(1) as session:
            await _timed_get(session, http_server.route("/wire-warm"))  # the connection exists: no connect time in either
            return list(await asyncio.gather(_timed_get(session, url), _timed_get(session, url)))

    timings = asyncio.run(main())
    waited = max(timings, key=lambda t: t[1])  # the request that waited for the connection
    assert waited[1] >= 1.9 * DELAY * 1000, "the scenario: one request waited a whole DELAY for the connection"
    for wire, seen in timings:
        assert wire is not None, "the request did not go out on a socket of the wire clock"
        assert DELAY * 1000 <= wire <= seen, (wire, seen)
    assert waited[0] is not None and waited[0] <= waited[1] - WAIT_MS, ("the wait for the connection was timed", waited)


def test_a_new_connection_counts_its_connect_time(http_server) -> None:
    """The first request on a connection also counts the TCP handshake; the next one on it does not."""
    url = http_server.route("/wire-new", delay=0.05)

    async def main() -> tuple[Exchange, Exchange]:
        async with session_for_tests(1) as session:
            first, second = Exchange(), Exchange()
            for wire in (first, second):
                with wire:
                    async with session.get(url) as response:
                        await response.read()
            return first, second

    first, second = asyncio.run(main())
    assert first.new_connection and not second.new_connection
    assert first.sock is second.sock and first.sock is not None
    sent, answered = first.sock.times(first.exchange) or (0.0, 0.0)
    assert 0 < first.sock.connect_ms < 1000
    assert first.latency_ms() == (answered - sent) * 1000 + first.sock.connect_ms


class _OneSession:
    """The run's HTTP sessions, reduced to one session of one connection (``base.HttpClients``)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.one = session

    def session(self, verify: Any) -> aiohttp.ClientSession:
        return self.one


def test_the_http_kind_reports_the_wire_latency(http_server, tmp_path: Path) -> None:
    url = http_server.route("/wire-kind", delay=DELAY)
    params = http.SCHEMA.validate({"url": url}, (), _ctx())

    async def main() -> list[tuple[Any, float]]:
        async with session_for_tests(1) as session:
            await _timed_get(session, http_server.route("/wire-warm-kind"))
            ctx = ProbeContext(root=tmp_path, http=_OneSession(session))

            async def timed() -> tuple[Any, float]:
                started = time.perf_counter()
                outcome = await http.probe(params, ctx)
                return outcome, (time.perf_counter() - started) * 1000

            return list(await asyncio.gather(timed(), timed()))

    probes = asyncio.run(main())
    assert all(o.state.value == "OK" for o, _ in probes), [o.summary for o, _ in probes]
    outcome, seen = max(probes, key=lambda p: p[1])  # the probe that waited for the connection
    assert seen >= 1.9 * DELAY * 1000, "the scenario: one probe waited a whole DELAY for the connection"
    latency = outcome.metrics["latency_ms"]
    assert DELAY * 1000 <= latency <= seen - WAIT_MS, ("the kind judged the wait for the connection", latency, seen)


def _ctx() -> Ctx:
    return Ctx(Document("test", None))


def test_aiohttp_is_imported_without_the_system_trust_store_and_ssl_is_left_as_it_was() -> None:
    """The pool imports aiohttp with ``load_default_certs`` and ``set_default_verify_paths`` idle (the trust
    store its two module-level contexts would load is never used): afterwards they are ssl's own again, and a
    context made the usual way holds the system's CAs. A new interpreter, so aiohttp is not imported yet."""
    code = (
        "import ssl, sys\n"
        "before = {n: ssl.SSLContext.__dict__.get(n) for n in ('load_default_certs', 'set_default_verify_paths')}\n"
        "from generator.run import wire\n"
        "assert 'aiohttp' not in sys.modules\n"
        "wire.load_aiohttp()\n"
        "import aiohttp\n"
        "import aiohttp.connector as connector\n"
        "assert connector._SSL_CONTEXT_VERIFIED.cert_store_stats()['x509_ca'] == 0\n"
        "assert {n: ssl.SSLContext.__dict__.get(n) for n in before} == before\n"
        "assert ssl.create_default_context().cert_store_stats()['x509_ca'] > 0\n"
        "wire.load_aiohttp()\n"
        "print('ok')\n")
    import os
    import subprocess
    import sys

    import certifi

    # The system's trust store, wherever the machine keeps it (or has none): certifi's, through OpenSSL's variable.
    env = {**os.environ, "SSL_CERT_FILE": certifi.where()}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr
