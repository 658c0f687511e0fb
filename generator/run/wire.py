"""HTTP for checks: aiohttp sessions whose latency is measured on the wire, not in the event loop.

Why aiohttp: side by side (``bench/clients.py``, 1000 GETs at concurrency 50
against a 50 ms loopback server), httpx over httpcore cost 0.72 ms of CPU a
request, httpcore alone 0.46 ms and aiohttp, whose HTTP parser is in C,
0.17 ms; at 10,000 requests and concurrency 200 that is 20.8 s, 10.0 s and
3.2 s of wall time against a 2.5 s floor.

With many checks in flight, responses arrive in bursts and the event loop
needs a while to hand each one to its coroutine; timing from the coroutine
would count that queueing as the server's latency. So the clock runs on the
socket: a check's sockets come from ``WireSocket`` (through aiohttp's public
``socket_factory``), which notes when a request's first bytes are sent and
when the last bytes of its answer arrive. A request on a new connection also
counts the TCP handshake, as the kernel measured it. A probe makes an
``Exchange`` current around its request; the connector (``connect``, the
public hook of aiohttp's connectors) tells it which socket the request got
and whether that connection is new.
"""

from __future__ import annotations

import functools
import socket
import ssl
import struct
import sys
import time
import weakref
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiohttp

__all__ = ["WireSocket", "Exchange", "HttpPool", "current_exchange", "handshake_ms", "load_aiohttp", "read_bounded",
           "session_for_tests"]

_SOCKETS: "weakref.WeakValueDictionary[int, WireSocket]" = weakref.WeakValueDictionary()
_KEPT = 4  # exchanges of a connection whose times are kept (a finished request reads its own a moment later)


class WireSocket(socket.socket):
    """A socket that stamps each exchange's first byte sent and its answer's last byte received.

    An exchange starts with the first send after bytes came in (or the first send at all): one
    request and its answer, as HTTP/1.1 takes turns on a connection.
    """

    def __init__(self, family: int, kind: int, proto: int) -> None:
        super().__init__(family, kind, proto)
        self.opened_at = time.perf_counter()
        self.handed_out = 0  # requests the pool gave this connection to
        self.connect_ms = 0.0
        self.exchange = 0  # exchanges started so far
        self._sent: dict[int, float] = {}
        self._answered: dict[int, float] = {}
        self._replied = True

    def _sending(self) -> None:
        if self._replied:
            if not self.exchange:
                self.connect_ms = handshake_ms(self, self.opened_at)
            self.exchange += 1
            self._sent[self.exchange] = time.perf_counter()
            self._sent.pop(self.exchange - _KEPT, None)
            self._answered.pop(self.exchange - _KEPT, None)
            self._replied = False

    def _received(self, size: int) -> None:
        if size:
            self._answered[self.exchange] = time.perf_counter()
            self._replied = True

    def send(self, data: Any, flags: int = 0) -> int:
        self._sending()
        return super().send(data, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._sending()
        super().sendall(data, flags)

    def sendmsg(self, buffers: Any, *args: Any) -> int:
        self._sending()
        return super().sendmsg(buffers, *args)

    def recv(self, size: int, flags: int = 0) -> bytes:
        data = super().recv(size, flags)
        self._received(len(data))
        return data

    def recv_into(self, buffer: Any, size: int = 0, flags: int = 0) -> int:
        got = super().recv_into(buffer, size, flags)
        self._received(got)
        return got

    def times(self, exchange: int) -> tuple[float, float] | None:
        """When exchange ``exchange`` was sent and last answered, if it was."""
        if exchange not in self._sent or exchange not in self._answered:
            return None
        return self._sent[exchange], self._answered[exchange]


_TCP_INFO_RTT = 68  # offset of tcpi_rtt (microseconds) in Linux's struct tcp_info


def handshake_ms(sock: socket.socket, opened_at: float) -> float:
    """How long the TCP handshake took: the kernel's round-trip sample of it where it keeps one (Linux), so the
    time the event loop took to notice the connection does not count; else the time since the socket opened."""
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, getattr(socket, "TCP_INFO"), 104)
        return float(struct.unpack_from("I", info, _TCP_INFO_RTT)[0]) / 1000
    except (AttributeError, OSError, struct.error):
        return (time.perf_counter() - opened_at) * 1000


def _open_socket(addr_info: Any) -> socket.socket:
    family, kind, proto = addr_info[0], addr_info[1], addr_info[2]
    sock = WireSocket(family, kind, proto)
    _SOCKETS[sock.fileno()] = sock
    return sock


@dataclass
class Exchange:
    """One request's view of the wire: the socket it went out on, its exchange there, whether it opened it.

    The probe makes it current (``with exchange:``) around its request; the connector fills it in when it
    hands the request a connection.
    """

    sock: WireSocket | None = None
    exchange: int = 0
    new_connection: bool = False
    started: float = field(default_factory=time.perf_counter)
    measured_ms: float | None = None  # set by a client that times the wire itself (``stdhttp``, in its thread)

    def __enter__(self) -> "Exchange":
        self._token = _CURRENT.set(self)
        return self

    def __exit__(self, *exc: object) -> None:
        _CURRENT.reset(self._token)

    def latency_ms(self) -> float:
        """First byte sent → last byte received (from the connect on a new connection); the coroutine's
        clock when the request never went out on a socket of ours."""
        if self.measured_ms is not None:
            return self.measured_ms
        times = self.sock.times(self.exchange) if self.sock is not None else None
        if times is None or self.sock is None:
            return (time.perf_counter() - self.started) * 1000
        sent, answered = times
        return max(0.0, (answered - sent) * 1000) + (self.sock.connect_ms if self.new_connection else 0.0)


_CURRENT: ContextVar[Exchange | None] = ContextVar("wire_exchange", default=None)


def current_exchange() -> Exchange | None:
    """The Exchange the running probe made current, if any."""
    return _CURRENT.get()


def load_aiohttp() -> None:
    """aiohttp, imported without loading the system's trust store into the two default TLS contexts its
    connector makes at import (``aiohttp.connector._SSL_CONTEXT_*``): the import takes 0.070-0.072 s so,
    0.105-0.109 s otherwise, on a 2-core machine, before the first request can go out (README: Speed).

    No session here uses those contexts: ``_ssl`` gives every connector either False (no verification,
    where a trust store is never consulted) or a context of ours (``tls.default_context`` loads certifi's
    CAs with ``load_verify_locations``, which stays as it is). For the length of the import only,
    ``load_default_certs`` and ``set_default_verify_paths`` do nothing; nothing else of a run makes a
    context meanwhile (the engine imports aiohttp on the event loop, at the first http probe)."""
    if "aiohttp" in sys.modules:
        return
    methods = ("load_default_certs", "set_default_verify_paths")
    saved = {name: ssl.SSLContext.__dict__.get(name) for name in methods}
    try:
        for name in methods:
            setattr(ssl.SSLContext, name, _no_trust_store)
        import aiohttp  # noqa: F401
    finally:
        for name, method in saved.items():
            if method is None:
                delattr(ssl.SSLContext, name)  # the C base class's own again
            else:
                setattr(ssl.SSLContext, name, method)


def _no_trust_store(self: ssl.SSLContext, *args: Any) -> None:
    return None


@functools.lru_cache(maxsize=1)
def _connector_class() -> type:
    load_aiohttp()
    import aiohttp

    class WireConnector(aiohttp.TCPConnector):
        """Tells the current Exchange which connection its request got (``connect`` is the public hook)."""

        async def connect(self, req: Any, traces: Any, timeout: Any) -> Any:
            conn = await super().connect(req, traces, timeout)
            exchange = _CURRENT.get()
            transport = conn.transport
            raw = transport.get_extra_info("socket") if exchange is not None and transport is not None else None
            sock = _SOCKETS.get(raw.fileno()) if raw is not None else None
            if exchange is not None and sock is not None:
                exchange.sock, exchange.exchange, exchange.new_connection = sock, sock.exchange + 1, not sock.handed_out
                sock.handed_out += 1
            return conn

    return WireConnector


class HttpPool:
    """The run's HTTP sessions: one per TLS setting, each with as many connections as the run's concurrency."""

    def __init__(self, concurrency: int) -> None:
        self.concurrency = max(1, concurrency)
        self._sessions: dict[Any, aiohttp.ClientSession] = {}

    def session(self, verify: bool | ssl.SSLContext | None) -> "aiohttp.ClientSession":
        """The session for TLS settings ``verify``: true/false, a context trusting a ``ca_file``, or None (http)."""
        found = self._sessions.get(verify)
        if found is None:
            found = self._sessions[verify] = _session(self.concurrency, verify)
        return found

    async def aclose(self) -> None:
        for session in self._sessions.values():
            await session.close()


def _session(connections: int, verify: bool | ssl.SSLContext | None) -> "aiohttp.ClientSession":
    load_aiohttp()
    import aiohttp

    connector = _connector_class()(limit=connections, limit_per_host=0, ssl=_ssl(verify),
                                   socket_factory=_open_socket, ttl_dns_cache=300)
    # No cookie jar: each check stands alone (a cookie one answer sets must not ride along with another
    # check's request), and no jar to consult is less work for every request.
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=None), trust_env=False,
                                 skip_auto_headers=("User-Agent",), headers={"User-Agent": "runbooks-checks"},
                                 cookie_jar=aiohttp.DummyCookieJar())


def _ssl(verify: bool | ssl.SSLContext | None) -> bool | ssl.SSLContext:
    """aiohttp's ``ssl``: False skips verification (and plain http needs no context); a context is used as it is;
    True is the default trust store, the one the ``tls`` kind uses."""
    from generator.run.kinds.tls import verifying_context

    return verifying_context(verify) or False


async def read_bounded(response: Any, limit: int) -> bytes:
    """At most ``limit`` bytes of the (decoded) body: a huge answer is never held."""
    chunks, size = [], 0
    while size < limit:
        chunk = await response.content.read(limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def session_for_tests(connections: int = 1) -> "aiohttp.ClientSession":
    """A session of ``connections`` connections on the wire clock (tests drive one connection at a time)."""
    return _session(connections, None)
