"""The listeners of one demo stack (HTTP, TCP and HTTPS, each on a free port) and ``serve``."""

from __future__ import annotations

import asyncio
import functools
import json
import os
import signal
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from generator.fsutil import write_atomic

from demo.stack.files import prepare
from demo.stack.httpserver import BadRequest, encode, error_response, read_request
from demo.stack.metrics import ServiceState
from demo.stack.routes import HttpApp
from demo.stack.services import (
    DEFAULT_HOST,
    IDLE_TIMEOUT_S,
    LOCK_NAME,
    PIDFILE_NAME,
    PORTS_FILE,
    READY_PREFIX,
    SERVICES,
    TCP_SERVICES,
    TLS_LISTENER,
    TLS_SERVICE,
    AlreadyRunning,
    StackError,
    TcpService,
    demo_dir,
    parse_fail_ids,
)


class Stack:
    """All listeners of one demo stack plus their open connections."""

    def __init__(self, host: str, failed: Iterable[str],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.host = host
        now = clock()
        failed_ids = set(failed)
        self.apps = {
            sid: HttpApp(ServiceState(service, sid in failed_ids, now), clock)
            for sid, service in SERVICES.items()
        }
        self._servers: list[asyncio.AbstractServer] = []
        self._connections: set[asyncio.StreamWriter] = set()
        self.ports: dict[str, int] = {}
        # Bound before the certificate exists (ports first, files second); it is
        # loaded into this same context before the ready line.
        self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)

    async def bind(self) -> None:
        """Bind every listener to a free port (the kernel picks: port 0), or none:
        a failure closes what was already bound. ``self.ports`` is the port map."""
        try:
            for sid in SERVICES:
                await self._listen(sid, functools.partial(self._http, self.apps[sid]))
            for tcp in TCP_SERVICES.values():
                await self._listen(tcp.id, functools.partial(self._tcp, tcp))
            await self._listen(TLS_LISTENER, functools.partial(self._http, self.apps[TLS_SERVICE]), tls=self.tls)
        except BaseException:
            await self.close()
            raise

    def load_tls(self, directory: Path) -> None:
        """Serve the certificate that ``prepare`` wrote."""
        self.tls.load_cert_chain(directory / "server.pem", directory / "server.key")

    async def _listen(self, name: str, handler: Callable[..., object], tls: ssl.SSLContext | None = None) -> None:
        try:
            server = await asyncio.start_server(handler, self.host, 0, ssl=tls)  # type: ignore[arg-type]
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise StackError(f"cannot listen on {self.host}: {reason}") from None
        self._servers.append(server)
        self.ports[name] = int(server.sockets[0].getsockname()[1])

    def ready_line(self) -> str:
        """The single line announcing that every listener is bound: the port map as JSON."""
        return f"{READY_PREFIX} {json.dumps(self.ports)}"

    async def close(self) -> None:
        """Stop accepting, drop open (keep-alive) connections, wait briefly."""
        for server in self._servers:
            server.close()
        # Since 3.12 wait_closed() waits for open connections; close them first.
        for writer in list(self._connections):
            writer.close()
        for server in self._servers:
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(server.wait_closed(), 2.0)
        self._servers.clear()

    async def _http(self, app: HttpApp, reader: asyncio.StreamReader,
                    writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            while True:
                try:
                    request = await read_request(reader)
                except BadRequest as exc:
                    writer.write(encode(error_response(exc.status, str(exc)),
                                         head_only=False, keep_alive=False))
                    await writer.drain()
                    break
                if request is None:
                    break
                response = await app.respond(request)
                writer.write(encode(response, head_only=request.method == "HEAD",
                                     keep_alive=request.keep_alive))
                await writer.drain()
                if not request.keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # client went away mid-request
        finally:
            await self._drop(writer)

    async def _tcp(self, service: TcpService, reader: asyncio.StreamReader,
                   writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            while service.reply is not None:
                data = await asyncio.wait_for(reader.read(4096), IDLE_TIMEOUT_S)
                if not data:
                    break
                writer.write(service.reply)
                await writer.drain()
        except (ConnectionError, asyncio.TimeoutError):
            pass
        finally:
            await self._drop(writer)

    async def _drop(self, writer: asyncio.StreamWriter) -> None:
        self._connections.discard(writer)
        writer.close()
        with suppress(OSError):
            await writer.wait_closed()


def _install_signal_handlers(stop: asyncio.Event) -> list[signal.Signals]:
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    return installed


async def serve(
    root: Path,
    fail: Iterable[str] = (),
    host: str = DEFAULT_HOST,
    *,
    on_ready: Callable[[str], None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Run the stack until SIGTERM/SIGINT (or ``stop`` is set).

    One stack per project: ``.demo/stack.lock`` is held while it runs, so a
    second instance for the same root fails with AlreadyRunning without
    touching the running one's files. Stacks of other projects (another clone,
    a test) run side by side: every listener has a port of its own, published
    in ``.demo/ports.json`` and in the ready line.
    """
    failed = parse_fail_ids(fail)
    stop = stop or asyncio.Event()
    with _exclusive(root):
        signals = _install_signal_handlers(stop)
        stack = Stack(host, failed)
        base = demo_dir(root)
        try:
            await stack.bind()
            prepare(root, failed=failed, ports=stack.ports)
            stack.load_tls(base / "tls")
            # rewritten on every start, so no fsync (as before)
            write_atomic(base / PORTS_FILE, json.dumps(stack.ports, indent=1) + "\n", durable=False)
            (base / PIDFILE_NAME).write_text(f"{os.getpid()}\n")
            try:
                if on_ready is not None:
                    on_ready(stack.ready_line())
                await stop.wait()
            finally:
                for name in (PIDFILE_NAME, PORTS_FILE):
                    with suppress(FileNotFoundError):
                        (base / name).unlink()
        finally:
            await stack.close()
            loop = asyncio.get_running_loop()
            for sig in signals:
                loop.remove_signal_handler(sig)


@contextmanager
def _exclusive(root: Path) -> Iterator[None]:
    """Hold ``.demo/stack.lock`` (an advisory lock the kernel drops when the process dies)."""
    import fcntl

    base = demo_dir(root)
    base.mkdir(parents=True, exist_ok=True)
    with open(base / LOCK_NAME, "a+") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = ""
            with suppress(OSError):
                pid = (base / PIDFILE_NAME).read_text().strip()
            raise AlreadyRunning(Path(root).resolve(), pid) from None
        yield
