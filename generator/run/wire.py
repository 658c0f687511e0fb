"""HTTP transport whose latency is measured on the wire, not in the event loop.

With 50 checks in flight, responses arrive in bursts, and the event loop
needs a while to hand each one to its coroutine. Timing from the coroutine
would count that queueing as the server's latency and trip thresholds that
the server meets. Here the clock starts when a request is written to the
socket, and stops when the last bytes of the response reach the protocol's
``data_received`` callback. A new connection's connect time is added for
the request that opened it.

It is an httpcore network backend over plain asyncio streams. It also skips
anyio's per-read overhead, which is significant at 1000 requests a second.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from typing import Any, Iterable

import httpcore
import httpx

__all__ = ["TimedTransport", "wire_latency_ms"]


class _TimedReader(asyncio.StreamReader):
    last_data_at = 0.0

    def feed_data(self, data: Any) -> None:
        self.last_data_at = time.perf_counter()
        super().feed_data(data)


class _TimedStream(httpcore.AsyncNetworkStream):
    def __init__(self, reader: _TimedReader, writer: asyncio.StreamWriter, connect_ms: float) -> None:
        self._reader, self._writer = reader, writer
        self.connect_ms = connect_ms
        self.requests = 0
        self.sent_at = 0.0
        self._writing = False

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        self._writing = False
        try:
            return await asyncio.wait_for(self._reader.read(max_bytes), timeout)
        except asyncio.TimeoutError as exc:
            raise httpcore.ReadTimeout(str(exc) or "read timed out") from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc)) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not self._writing:  # the first write of a new request
            self._writing = True
            self.requests += 1
            self.sent_at = time.perf_counter()
        try:
            self._writer.write(buffer)
            await asyncio.wait_for(self._writer.drain(), timeout)
        except asyncio.TimeoutError as exc:
            raise httpcore.WriteTimeout(str(exc) or "write timed out") from exc
        except OSError as exc:
            raise httpcore.WriteError(str(exc)) from exc

    async def aclose(self) -> None:
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except (OSError, ssl.SSLError):
            pass  # closing a connection that the peer already dropped

    async def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                        timeout: float | None = None) -> httpcore.AsyncNetworkStream:
        try:
            await asyncio.wait_for(self._writer.start_tls(ssl_context, server_hostname=server_hostname), timeout)
        except asyncio.TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc) or "TLS handshake timed out") from exc
        except (OSError, ssl.SSLError) as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # idle but readable means the server closed it
            return self._reader.at_eof() or bool(getattr(self._reader, "_buffer", b""))
        names = {"ssl_object": "ssl_object", "client_addr": "sockname", "server_addr": "peername", "socket": "socket"}
        return self._writer.get_extra_info(names[info]) if info in names else None


class _TimedBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        reader = _TimedReader(limit=2**16, loop=loop)
        protocol = asyncio.StreamReaderProtocol(reader, loop=loop)
        local = (local_address, 0) if local_address else None
        try:
            transport, _ = await asyncio.wait_for(
                loop.create_connection(lambda: protocol, host, port, local_addr=local), timeout)
        except asyncio.TimeoutError as exc:
            raise httpcore.ConnectTimeout(str(exc) or "connect timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        writer = asyncio.StreamWriter(transport, protocol, reader, loop)
        return _TimedStream(reader, writer, (time.perf_counter() - started) * 1000)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not supported by checks")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class TimedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport with the wire-timing backend (no proxy support: checks go direct).

    ``ssl_context`` is shared by all clients with the same TLS settings:
    loading the CA bundle costs ~25 ms, once is enough (and never for http).
    """

    def __init__(self, *, ssl_context: ssl.SSLContext | None, limits: httpx.Limits) -> None:
        # Not calling super().__init__: it would build a TLS context per client.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections, max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry, http1=True, http2=False, network_backend=_TimedBackend())


def wire_latency_ms(response: httpx.Response) -> float | None:
    """Request written → last byte received (plus connect time on a new connection)."""
    stream = response.extensions.get("network_stream")
    if not isinstance(stream, _TimedStream) or not stream.sent_at:
        return None
    reader_at = stream._reader.last_data_at
    latency = (reader_at - stream.sent_at) * 1000
    return latency + (stream.connect_ms if stream.requests == 1 else 0.0)
