"""HTTP transport whose latency is measured on the wire, not in the event loop.

With 50 checks in flight, responses arrive in bursts, and the event loop
needs a while to hand each one to its coroutine. Timing from the coroutine
would count that queueing as the server's latency and trip thresholds that
the server meets. Here the clock starts when a request is written to the
socket, and stops when the last bytes of the response reach the protocol's
``data_received`` callback. A new connection's connect time is added for
the request that opened it.

Built on public extension points only: ``TimedTransport`` is an
``httpx.AsyncBaseTransport`` over an ``httpcore.AsyncConnectionPool``, whose
network backend (``httpcore.AsyncNetworkBackend``) is a plain asyncio
protocol of our own. That also skips anyio's per-read overhead, which is
significant at 1000 requests a second. Tested with the httpx and httpcore
versions pinned in ``pyproject.toml``.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from contextlib import contextmanager
from typing import Any, AsyncIterator, Iterable, Iterator

import httpcore
import httpx

__all__ = ["TimedTransport", "wire_latency_ms"]

READ_HIGH_WATER = 256 * 1024  # bytes buffered before the socket stops being read


class _WireProtocol(asyncio.Protocol):
    """One connection's bytes, buffered as they arrive, with the time the last ones came."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.closed = False
        self.error: BaseException | None = None
        self.last_data_at = 0.0
        self._paused = False
        self._readable: asyncio.Future[None] | None = None
        self._writable = asyncio.Event()
        self._writable.set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.last_data_at = time.perf_counter()
        self.buffer += data
        if len(self.buffer) > READ_HIGH_WATER and self.transport is not None and not self._paused:
            self._paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.closed = True
        self._wake()
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed, self.error = True, exc
        self._writable.set()
        self._wake()

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    def _wake(self) -> None:
        if self._readable is not None and not self._readable.done():
            self._readable.set_result(None)

    async def read(self, max_bytes: int) -> bytes:
        while not self.buffer and not self.closed:
            self._readable = asyncio.get_running_loop().create_future()
            await self._readable
        data = bytes(self.buffer[:max_bytes])
        del self.buffer[:max_bytes]
        if self._paused and len(self.buffer) <= READ_HIGH_WATER and not self.closed and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        if not data and self.error is not None:
            raise self.error
        return data

    async def drain(self) -> None:
        await self._writable.wait()
        if self.closed and self.error is not None:
            raise self.error


@contextmanager
def _mapped(timeout_error: type[Exception], io_error: type[Exception], what: str) -> Iterator[None]:
    try:
        yield
    except asyncio.TimeoutError as exc:
        raise timeout_error(f"{what} timed out") from exc
    except (OSError, ssl.SSLError) as exc:
        raise io_error(str(exc) or type(exc).__name__) from exc


class _TimedStream(httpcore.AsyncNetworkStream):
    def __init__(self, protocol: _WireProtocol, connect_ms: float) -> None:
        self.protocol = protocol
        self.connect_ms = connect_ms
        self.requests = 0
        self.sent_at = 0.0
        self._writing = False

    @property
    def _transport(self) -> asyncio.Transport:
        assert self.protocol.transport is not None
        return self.protocol.transport

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self._writing = False
        with _mapped(httpcore.ReadTimeout, httpcore.ReadError, "read"):
            return await asyncio.wait_for(self.protocol.read(max_bytes), timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not self._writing:  # the first write of a new request
            self._writing = True
            self.requests += 1
            self.sent_at = time.perf_counter()
        with _mapped(httpcore.WriteTimeout, httpcore.WriteError, "write"):
            if self.protocol.closed:
                raise ConnectionResetError("the connection is closed")
            self._transport.write(buffer)
            await asyncio.wait_for(self.protocol.drain(), timeout)

    async def aclose(self) -> None:
        if self.protocol.transport is not None:
            self.protocol.transport.close()

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError, "TLS handshake"):
            tls = await asyncio.wait_for(loop.start_tls(self._transport, self.protocol, ssl_context,
                                                        server_hostname=server_hostname), timeout)
        assert isinstance(tls, asyncio.Transport)
        self.protocol.transport = tls
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # idle but readable means the server closed it
            return self.protocol.closed or bool(self.protocol.buffer)
        names = {"ssl_object": "ssl_object", "client_addr": "sockname", "server_addr": "peername", "socket": "socket"}
        return self._transport.get_extra_info(names[info]) if info in names else None


class _TimedBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        local = (local_address, 0) if local_address else None
        with _mapped(httpcore.ConnectTimeout, httpcore.ConnectError, "connect"):
            transport, protocol = await asyncio.wait_for(
                loop.create_connection(_WireProtocol, host, port, local_addr=local), timeout)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return _TimedStream(protocol, (time.perf_counter() - started) * 1000)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not supported by checks")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


# httpcore's exceptions as httpx's, most specific first (what httpx's own transport does, through public classes).
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout), (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout), (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError), (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError), (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError), (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.TimeoutException, httpx.TimeoutException), (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _as_httpx(request: httpx.Request) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for theirs, ours in _HTTPX_ERRORS:
            if isinstance(exc, theirs):
                raise ours(str(exc), request=request) from exc
        raise


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any, request: httpx.Request) -> None:
        self._stream, self._request = stream, request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx(self._request):
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        await self._stream.aclose()


class TimedTransport(httpx.AsyncBaseTransport):
    """An httpx transport over httpcore's pool with the wire-timing backend (no proxy: checks go direct).

    ``ssl_context`` is shared by all clients with the same TLS settings:
    loading the CA bundle costs ~25 ms, once is enough (and never for http).
    """

    def __init__(self, *, ssl_context: ssl.SSLContext | None, limits: httpx.Limits) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context, max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections, keepalive_expiry=limits.keepalive_expiry,
            http1=True, http2=False, network_backend=_TimedBackend())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        core = httpcore.Request(method=request.method, url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host,
                                                                        port=url.port, target=url.raw_path),
                                headers=request.headers.raw, content=request.stream, extensions=request.extensions)
        with _as_httpx(request):
            answer = await self._pool.handle_async_request(core)
        return httpx.Response(status_code=answer.status, headers=answer.headers,
                              stream=_ResponseStream(answer.stream, request), extensions=answer.extensions)

    async def aclose(self) -> None:
        await self._pool.aclose()


def wire_latency_ms(response: httpx.Response) -> float | None:
    """Request written → last byte received (plus connect time on a new connection); None off this transport."""
    stream = response.extensions.get("network_stream")
    if not isinstance(stream, _TimedStream) or not stream.sent_at:
        return None
    latency = (stream.protocol.last_data_at - stream.sent_at) * 1000
    return latency + (stream.connect_ms if stream.requests == 1 else 0.0)
