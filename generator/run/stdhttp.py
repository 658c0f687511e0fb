"""HTTP for a run of a few checks started cold: the standard library's http.client, a request a thread.

A generated check script (a Nagios plugin) runs one runbook's few checks in a
new process every few minutes, so what it costs is mostly start-up, and
importing aiohttp (0.1-0.15 s on a 2-core machine, two TLS contexts loaded at
import among it) took more than the rest of the script together. Such a run
(``RunOptions.http_client = "stdlib"``; the scripts ask for it) sends its
http checks through ``http.client`` and ``ssl`` instead, which the run has
imported already, each request in a daemon thread of its own so the checks
still run at once and a hung one never holds the process at exit.

It makes the same request and reads the answer as the aiohttp pool does
(``tests/checks/test_http.py`` and ``test_http_tls.py`` run on both):

- the same headers: ``Host``, ``User-Agent: runbooks-checks``, ``Accept: */*``,
  ``Accept-Encoding: gzip, deflate``, then the check's ``request_headers``
  (which win, in any case);
- gzip and deflate bodies decoded, at most ``limit`` bytes of the decoded body
  kept;
- redirects followed as aiohttp follows them: at most 10, 303 turns the method
  into GET (but HEAD), a Location without a scheme is relative, another
  scheme is a URL the check cannot request (UNKNOWN), and a redirect to
  another origin drops ``Authorization`` and ``Cookie``;
- the same TLS contexts (``verify``, ``ca_file``), and the same errors for
  the engine to classify: a refused connection is ``Connect call failed
  (host, port)``, as asyncio words it;
- latency on the wire: from the request's first byte sent to the answer's last
  byte read, plus the TCP handshake as the kernel measured it (``TCP_INFO``).
  In a thread of its own nothing queues between the socket and the clock.
"""

from __future__ import annotations

import asyncio
import http.client
import socket
import ssl
import threading
import time
import zlib
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from email.message import Message
from typing import Any, AsyncIterator, Callable, Mapping
from urllib.parse import SplitResult, urlencode, urljoin, urlsplit

from generator.run.kinds.base import PROBE_TIMEOUT
from generator.run.wire import Exchange, current_exchange, handshake_ms

__all__ = ["READ_LIMIT", "StdlibPool", "TooManyRedirects"]

MAX_REDIRECTS = 10  # aiohttp's: the tenth redirect is an error
# Bytes of a decoded body read, at most: as much as any kind reads of an answer (http's BODY_LIMIT, 1 MiB;
# prometheus' RESPONSE_LIMIT, 8 MiB; a test holds them to it). aiohttp streams; here the thread reads it all.
READ_LIMIT = 8 * 1024 * 1024
_DEFAULT_HEADERS = {"User-Agent": "runbooks-checks", "Accept": "*/*", "Accept-Encoding": "gzip, deflate"}
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024


class TooManyRedirects(http.client.HTTPException):
    """More redirects than a check follows: the server's answer is broken (check_http: CRITICAL)."""


@dataclass(frozen=True)
class _Url:
    """Where the answer came from (after redirects): what ``tls_days_left`` handshakes with."""

    host: str
    port: int | None


class _Body:
    """The body, read already; ``read`` as aiohttp's ``response.content`` has it."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    async def read(self, size: int = -1) -> bytes:
        if size < 0:
            size = len(self._data)
        chunk, self._data = self._data[:size], self._data[size:]
        return chunk


@dataclass
class _Response:
    status: int
    headers: Message  # names in any case, as aiohttp's CIMultiDictProxy
    url: _Url
    content: _Body


class _Session:
    def __init__(self, context: ssl.SSLContext, limit: int) -> None:
        self._context = context
        self._limit = limit

    @asynccontextmanager
    async def request(self, method: str, url: str, *, params: Mapping[str, str] | None = None,
                      headers: Mapping[str, str] | None = None, allow_redirects: bool = True) -> AsyncIterator[_Response]:
        """As aiohttp's ``ClientSession.request``: ``params`` make the query string, redirects are followed
        unless ``allow_redirects`` is false."""
        if params:
            url += ("&" if urlsplit(url).query else "?") + urlencode(params)
        exchange = current_exchange()
        timeout = PROBE_TIMEOUT.get()
        yield await _in_thread(lambda: _fetch(method, url, dict(headers or {}), allow_redirects, self._context,
                                              timeout, self._limit, exchange))

    def get(self, url: str, **kwargs: Any) -> AbstractAsyncContextManager[_Response]:
        return self.request("GET", url, **kwargs)


class StdlibPool:
    """The run's HTTP client for a few checks: one session per TLS setting, as ``wire.HttpPool``."""

    def __init__(self, limit: int = READ_LIMIT) -> None:
        self._limit = limit  # bytes of a decoded body kept
        self._sessions: dict[Any, _Session] = {}

    def session(self, verify: bool | ssl.SSLContext | None) -> _Session:
        found = self._sessions.get(verify)
        if found is None:
            found = self._sessions[verify] = _Session(_context(verify), self._limit)
        return found

    async def aclose(self) -> None:
        return None


def _context(verify: bool | ssl.SSLContext | None) -> ssl.SSLContext:
    """As ``wire._ssl`` hands aiohttp its ``ssl``: a context as it is, the default trust store for True, no
    verification for False (None: an http URL that follows no redirect, so never an https connection)."""
    from generator.run.kinds.tls import no_verify_context, verifying_context

    return verifying_context(verify) or no_verify_context()


async def _in_thread(work: Callable[[], _Response]) -> _Response:
    """``work()`` in a daemon thread: a probe cancelled by its timeout leaves it to end on its socket timeout,
    and the process never waits for it at exit (asyncio's default executor would be joined)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[_Response] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def hand_over(outcome: Callable[[], None]) -> None:
        try:
            loop.call_soon_threadsafe(settle, outcome)
        except RuntimeError:  # the run is over (its deadline cut this probe): nobody waits for the answer
            pass

    def run() -> None:
        try:
            response = work()
        except BaseException as exc:  # handed to the probe, which the engine classifies
            error = exc
            hand_over(lambda: future.set_exception(error))
        else:
            hand_over(lambda: future.set_result(response))

    threading.Thread(target=run, name="runbooks-http", daemon=True).start()
    return await future


def _fetch(method: str, url: str, headers: dict[str, str], follow: bool, context: ssl.SSLContext,
           timeout: float, limit: int, exchange: Exchange | None) -> _Response:
    redirects = 0
    while True:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise http.client.InvalidURL(url)
        scheme, host, port = _origin(parts)
        sock, connect_ms = _connect(host, port, timeout, context if scheme == "https" else None)
        try:
            status, answer, body, wire_ms = _exchange(sock, method, parts, host, port, scheme, headers, limit)
        finally:
            sock.close()
        if exchange is not None:
            exchange.measured_ms = wire_ms + connect_ms
        location = answer.get("Location") or answer.get("URI")
        if not follow or status not in _REDIRECTS or location is None:
            return _Response(status, answer, _Url(host, parts.port), _Body(body))
        redirects += 1
        if redirects >= MAX_REDIRECTS:
            raise TooManyRedirects(f"{redirects} redirects, the last from {url} to {location}")
        target = urljoin(url, location)
        following = urlsplit(target)
        if following.scheme.lower() not in ("http", "https"):
            raise http.client.InvalidURL(f"redirect to {location}: not an http or https URL")
        if status == 303 and method != "HEAD":
            method = "GET"
        if _origin(following) != (scheme, host, port):
            headers = {k: v for k, v in headers.items() if k.lower() not in ("authorization", "cookie",
                                                                                "proxy-authorization")}
        url = target


def _origin(parts: SplitResult) -> tuple[str, str, int]:
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def _connect(host: str, port: int, timeout: float, tls: ssl.SSLContext | None) -> tuple[socket.socket, float]:
    """A connected socket (TLS done when ``tls``), and the TCP handshake's time as the kernel measured it."""
    last: OSError | None = None
    for family, kind, proto, _, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        sock = socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        opened = time.perf_counter()
        try:
            sock.connect(address)
        except OSError as exc:
            sock.close()
            if isinstance(exc, (TimeoutError, socket.timeout)):
                raise
            last = OSError(exc.errno, f"Connect call failed {address}")  # asyncio's words, as aiohttp reports
            continue
        connect_ms = handshake_ms(sock, opened)
        if tls is None:
            return sock, connect_ms
        try:
            return tls.wrap_socket(sock, server_hostname=host), connect_ms
        except BaseException:
            sock.close()
            raise
    raise last if last is not None else OSError(f"no address for {host}")


def _exchange(sock: socket.socket, method: str, parts: Any, host: str, port: int, scheme: str,
              headers: dict[str, str], limit: int) -> tuple[int, Message, bytes, float]:
    """Send the request, read the answer: status, headers, at most ``limit`` bytes of the decoded body, and the
    milliseconds from its first byte sent to the last byte read."""
    conn = http.client.HTTPConnection(host, port)
    conn.sock = sock
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    given = {name.lower() for name in headers}
    conn.putrequest(method, path, skip_host="host" in given, skip_accept_encoding=True)
    for name, value in {**{k: v for k, v in _DEFAULT_HEADERS.items() if k.lower() not in given}, **headers}.items():
        conn.putheader(name, value)
    sent = time.perf_counter()
    conn.endheaders()
    response = conn.getresponse()
    body = b"" if method == "HEAD" else _read(response, limit)
    done = time.perf_counter()
    response.close()
    return response.status, response.msg, body, (done - sent) * 1000


def _read(response: http.client.HTTPResponse, limit: int) -> bytes:
    encoding = (response.getheader("Content-Encoding") or "").strip().lower()
    decoder = (zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding in ("gzip", "x-gzip")
               else _Deflate() if encoding == "deflate" else None)
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        raw = response.read(_CHUNK)
        if not raw:
            if response.length:  # the connection closed before the body it announced (as aiohttp's payload error)
                raise http.client.IncompleteRead(b"".join(chunks), response.length)
            break
        try:
            data = decoder.decompress(raw, limit - size) if decoder is not None else raw[:limit - size]
        except zlib.error as exc:  # a broken answer, as aiohttp's ClientPayloadError: the connection failed
            raise http.client.HTTPException(f"cannot decode the {encoding} body") from exc
        chunks.append(data)
        size += len(data)
    return b"".join(chunks)


class _Deflate:
    """``deflate``: zlib-wrapped as the standard says, or raw as some servers send it (aiohttp reads both)."""

    def __init__(self) -> None:
        self._inner: Any = None

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._inner is None:
            self._inner = zlib.decompressobj(zlib.MAX_WBITS if data[:1] and data[0] & 0x0F == 8 else -zlib.MAX_WBITS)
        return bytes(self._inner.decompress(data, max_length))
