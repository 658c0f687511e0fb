"""Wire timing: latency is measured from the request's first byte written to the response's last byte received.

The scenario that tells wire timing from coroutine timing: one connection,
two requests at once to a server that answers after DELAY. The second request
waits a whole DELAY for the connection before it is written, so a clock
started by its coroutine reads about 2 × DELAY, while the wire reads DELAY.
These tests fail when the timing stops being measured on the wire (an httpx
or httpcore release that bypasses the backend, or a kind that falls back to
its own clock).
"""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

import httpx

from generator.format.load import Document
from generator.format.options import Ctx
from generator.run.kinds import http
from generator.run.kinds.base import ProbeContext
from generator.run.wire import TimedTransport, wire_latency_ms

DELAY = 0.3
# Wire time is DELAY plus loopback round trips; the coroutine's clock for the second request is 2 × DELAY.
WIRE_LIMIT_MS = 1.5 * DELAY * 1000


def one_connection_client() -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return httpx.AsyncClient(transport=TimedTransport(ssl_context=None, limits=limits), timeout=None, trust_env=False)


async def _timed_get(client: httpx.AsyncClient, url: str) -> tuple[float | None, float]:
    started = time.perf_counter()
    response = await client.get(url)
    return wire_latency_ms(response), (time.perf_counter() - started) * 1000


def test_the_second_request_on_a_busy_connection_is_timed_from_when_it_was_written(http_server) -> None:
    url = http_server.route("/wire-slow", delay=DELAY)

    async def main() -> list[tuple[float | None, float]]:
        async with one_connection_client() as client:
            await client.get(http_server.route("/wire-warm"))  # the connection exists: no connect time in either
            return list(await asyncio.gather(_timed_get(client, url), _timed_get(client, url)))

    timings = asyncio.run(main())
    waited = max(timings, key=lambda t: t[1])  # the request that waited for the connection
    assert waited[1] >= 1.9 * DELAY * 1000, "the scenario: one request waited a whole DELAY for the connection"
    for wire, seen in timings:
        assert wire is not None, "the response did not come through the timed backend"
        assert DELAY * 1000 <= wire < WIRE_LIMIT_MS, (wire, seen)


class _OneClient:
    """The run's HTTP clients, reduced to one client of one connection (``base.HttpClients``)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    @asynccontextmanager
    async def lease(self, verify: Any) -> AsyncIterator[httpx.AsyncClient]:
        yield self.client


def test_the_http_kind_reports_the_wire_latency(http_server, tmp_path: Path) -> None:
    url = http_server.route("/wire-kind", delay=DELAY)
    params = http.SCHEMA.validate({"url": url, "latency_ms": {"warn": WIRE_LIMIT_MS}}, (), _ctx())

    async def main() -> list[Any]:
        async with one_connection_client() as client:
            ctx = ProbeContext(root=tmp_path, http=_OneClient(client))
            return list(await asyncio.gather(http.probe(params, ctx), http.probe(params, ctx)))

    outcomes = asyncio.run(main())
    latencies = sorted(o.metrics["latency_ms"] for o in outcomes)
    assert all(o.state.value == "OK" for o in outcomes), [o.summary for o in outcomes]
    assert DELAY * 1000 <= latencies[1] < WIRE_LIMIT_MS, latencies


def _ctx() -> Ctx:
    return Ctx(Document("test", None))
