"""Bundled demo stack: local stand-ins for the five systems the runbooks describe.

One asyncio process serves a tiny HTTP service per system plus two plain TCP
listeners standing in for the databases, and the platform service again over
HTTPS (a certificate from a demo CA made at start, in ``.demo/tls/``), so
every check kind (http, tcp, tls, file, disk, command, metrics) has something
real to run against::

    python -m demo.stack serve [--root DIR] [--fail IDS] [--host HOST]

Everything a check can observe is deterministic: metrics are pure functions
of elapsed time and of when failures were injected, files are rebuilt with
fixed relative mtimes on every start.

Failure injection: ``--fail ID[,ID...]`` or ``DEMO_FAIL`` at start, and at run
time ``POST /_demo/fail`` / ``POST /_demo/recover`` on a service's own port.
The ``/_demo`` endpoints exist for the operator and the tests only; runbook
checks never call them.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import functools
import gzip
import hashlib
import io
import json
import math
import os
import queue
import shutil
import signal
import ssl
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import traceback
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path
from types import MappingProxyType
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "DEFAULT_HOST",
    "FAIL_ENV",
    "SERVICES",
    "TCP_SERVICES",
    "TLS_LISTENER",
    "TLS_SERVICE",
    "VERSION",
    "AlreadyRunning",
    "PORTS_FILE",
    "RunningStack",
    "Service",
    "ServiceState",
    "StackError",
    "TcpService",
    "demo_dir",
    "main",
    "parse_fail_ids",
    "prepare",
    "render_metrics",
    "serve",
    "set_failed",
    "start_stack",
    "stop_stack",
]

VERSION = "1.4.2"
DEFAULT_HOST = "127.0.0.1"
FAIL_ENV = "DEMO_FAIL"
READY_PREFIX = "demo stack ready:"

_MODULE = "demo.stack"
_DEMO_DIRNAME = ".demo"
_PIDFILE_NAME = "stack.pid"
_LOCK_NAME = "stack.lock"
PORTS_FILE = "ports.json"  # the port map: listener name → port, while the stack runs
_MANAGED_DIRS = ("backups", "data", "logs", "config", "tls")

# Pretend every service has already been running this long (in its initial
# state), so even the first scrape has stable ratios and quantiles.
_VIRTUAL_HISTORY_S = 600.0
_IDLE_TIMEOUT_S = 30.0
_MAX_BODY_BYTES = 64 * 1024


# --------------------------------------------------------------------------
# Service catalogue


@dataclass(frozen=True)
class Service:
    """One HTTP stand-in service.

    ``delay`` (seconds) is added to every response; paths in ``slow_paths``
    get ``slow_delay`` instead. ``failing_component`` is the health component
    reported "down" while the service is failed.
    """

    id: str
    title: str
    delay: float
    components: tuple[str, ...]
    failing_component: str
    slow_paths: frozenset[str] = frozenset()
    slow_delay: float = 0.0

    def delay_for(self, path: str) -> float:
        """Response delay in seconds for a request path."""
        return self.slow_delay if path in self.slow_paths else self.delay

    @property
    def var(self) -> str:
        """The local mode variable holding this service's base URL."""
        return f"{self.id}_url"


@dataclass(frozen=True)
class TcpService:
    """A plain TCP listener standing in for a database.

    With ``reply`` set, every chunk received is answered with it; without,
    the connection is closed right after accept (enough for a connect check).
    """

    id: str
    title: str
    var: str  # the local mode variable holding its port
    reply: bytes | None = None


SERVICES: Mapping[str, Service] = MappingProxyType(
    {
        s.id: s
        for s in (
            Service(
                "omnichat", "Horizons OmniChat chatbot platform", 0.005,
                ("api", "nlu", "session_store", "channel_gateway"), "nlu",
            ),
            Service(
                "search", "Search service", 0.005,
                ("api", "index", "query_cache"), "index",
                # Above the 100 ms SLO on purpose: latency checks show WARNING.
                slow_paths=frozenset({"/health", "/search"}), slow_delay=0.120,
            ),
            Service(
                "intentbot", "Intent-classifier chatbot API", 0.005,
                ("api", "model", "session_store"), "model",
            ),
            Service(
                "openframe", "OpenFrame event platform", 0.005,
                ("api", "event_bus", "stream_processor"), "event_bus",
            ),
            Service(
                "platform", "Web platform API gateway", 0.005,
                ("api", "postgres", "redis"), "postgres",
            ),
        )
    }
)

TCP_SERVICES: Mapping[str, TcpService] = MappingProxyType(
    {
        t.id: t
        for t in (
            TcpService("postgres", "PostgreSQL stand-in", "db_port"),
            TcpService("redis", "Redis stand-in", "cache_port", reply=b"+PONG\r\n"),
        )
    }
)


# The platform gateway is also served over HTTPS, so a tls check sees a real
# certificate: issued by a demo CA for 127.0.0.1 and localhost, ~60 days left.
TLS_SERVICE = "platform"
TLS_LISTENER = "platform-tls"  # its name in the port map
TLS_VAR = "platform_tls_port"
_TLS_DAYS = 60
_TLS_HOSTS = (DEFAULT_HOST, "localhost")


class StackError(Exception):
    """The demo stack cannot start; the message is meant for the operator."""


class AlreadyRunning(StackError):
    """Another demo stack serves this project (it holds ``.demo/stack.lock``)."""

    def __init__(self, root: Path, pid: str) -> None:
        super().__init__(
            f"a demo stack is already running for {root} (pid {pid or 'unknown'}, "
            f"see {_DEMO_DIRNAME}/{_PIDFILE_NAME}); stop it first"
        )


def parse_fail_ids(values: Iterable[str]) -> tuple[str, ...]:
    """Parse ``ID[,ID...]`` strings into known service ids (catalogue order).

    Raises ValueError naming the first unknown id.
    """
    wanted: set[str] = set()
    for value in values:
        wanted.update(part.strip() for part in value.split(",") if part.strip())
    unknown = sorted(wanted - SERVICES.keys())
    if unknown:
        raise ValueError(
            f"unknown service id {unknown[0]!r} (choose from {', '.join(SERVICES)})"
        )
    return tuple(sid for sid in SERVICES if sid in wanted)


def demo_dir(root: Path) -> Path:
    """The ``.demo`` directory the stack manages under ``root``."""
    return Path(root) / _DEMO_DIRNAME


# --------------------------------------------------------------------------
# Runtime state and metrics


class ServiceState:
    """Mutable runtime state of one HTTP service; every metric derives from it.

    Time spent healthy and failed is tracked separately so counters stay
    monotonic across failure toggles while their rates follow the current mode.
    """

    def __init__(self, service: Service, failed: bool, started: float) -> None:
        self.service = service
        self.started = started
        self.failed = failed
        self._since = started
        self._spent = {False: 0.0, True: 0.0}
        self._spent[failed] += _VIRTUAL_HISTORY_S

    def set_failed(self, failed: bool, now: float) -> None:
        """Switch mode at ``now`` (monotonic seconds)."""
        self._spent[self.failed] += now - self._since
        self._since = now
        self.failed = failed

    def time_in(self, now: float) -> dict[bool, float]:
        """Seconds spent healthy (False) and failed (True) up to ``now``."""
        spent = dict(self._spent)
        spent[self.failed] += now - self._since
        return spent

    def uptime(self, now: float) -> float:
        """Reported uptime, including the virtual history."""
        return now - self.started + _VIRTUAL_HISTORY_S


@dataclass(frozen=True)
class _Traffic:
    requests_per_s: float
    error_ratio: float
    cumulative_fractions: tuple[float, ...]  # one per finite bucket in _BUCKETS
    mean_latency_s: float


_BUCKETS = (0.05, 0.1, 0.2, 0.5, 1.0)
# Fractions chosen so Prometheus' linear interpolation gives p95 = 80 ms,
# 120 ms and 800 ms respectively: search is above its 100 ms SLO on purpose
# (as its slow /health and /search are), so its p95 check shows WARNING.
_NORMAL = _Traffic(50.0, 0.0005, (0.89, 0.99, 0.998, 0.9995, 1.0), 0.035)
_SLOW = _Traffic(50.0, 0.0005, (0.40, 0.94, 0.99, 0.999, 1.0), 0.060)
_FAILED = _Traffic(50.0, 0.10, (0.30, 0.50, 0.70, 0.89, 0.99), 0.300)
_HEALTHY_TRAFFIC = {"search": _SLOW}


def _traffic(service_id: str, failed: bool) -> _Traffic:
    return _FAILED if failed else _HEALTHY_TRAFFIC.get(service_id, _NORMAL)


@dataclass(frozen=True)
class _Family:
    name: str
    kind: str
    help: str
    samples: tuple[tuple[str, float], ...]  # (series with labels, value)


def _gauge(name: str, help_text: str, value: float) -> _Family:
    return _Family(name, "gauge", help_text, ((name, value),))


def _format_value(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _render_family(family: _Family) -> str:
    lines = [f"# HELP {family.name} {family.help}", f"# TYPE {family.name} {family.kind}"]
    lines += [f"{series} {_format_value(value)}" for series, value in family.samples]
    return "\n".join(lines) + "\n"


def _request_families(state: ServiceState, now: float) -> list[_Family]:
    total = errors = latency_sum = 0.0
    buckets = [0.0] * len(_BUCKETS)
    for failed, seconds in state.time_in(now).items():
        traffic = _traffic(state.service.id, failed)
        n = traffic.requests_per_s * seconds
        total += n
        errors += n * traffic.error_ratio
        latency_sum += n * traffic.mean_latency_s
        for i, fraction in enumerate(traffic.cumulative_fractions):
            buckets[i] += n * fraction
    # Not whole numbers: rounding each counter down would make the rates over
    # a few seconds of scrapes jitter (one error more or less in 50 requests
    # swings the error ratio by 2 %), and the SLO checks must be stable.
    count, n_errors = round(total, 3), round(errors, 3)
    hist = "http_request_duration_seconds"
    samples = [
        (f'{hist}_bucket{{le="{_format_value(le)}"}}', round(b, 3))
        for le, b in zip(_BUCKETS, buckets)
    ]
    samples += [
        (f'{hist}_bucket{{le="+Inf"}}', count),
        (f"{hist}_sum", round(latency_sum, 3)),
        (f"{hist}_count", count),
    ]
    return [
        _Family(
            "http_requests_total", "counter", "HTTP requests served, by status code.",
            (('http_requests_total{code="200"}', round(count - n_errors, 3)),
             ('http_requests_total{code="500"}', n_errors)),
        ),
        _Family(hist, "histogram", "HTTP request latency in seconds.", tuple(samples)),
    ]


def _omnichat_families(state: ServiceState, now: float) -> list[_Family]:
    sessions = 12 if state.failed else round(240 + 40 * math.sin(state.uptime(now) / 60))
    return [_gauge("omnichat_active_sessions", "Open chat sessions.", sessions)]


def _search_families(state: ServiceState, now: float) -> list[_Family]:
    documents = 1_284_000 + math.floor(2 * state.uptime(now))
    return [_gauge("search_index_documents", "Documents in the search index.", documents)]


def _intentbot_families(state: ServiceState, now: float) -> list[_Family]:
    return [
        _gauge("intentbot_model_loaded", "1 if the intent model is loaded.",
               0 if state.failed else 1),
        _gauge("intentbot_model_accuracy", "Validation accuracy of the loaded model.", 0.93),
    ]


def _openframe_families(state: ServiceState, now: float) -> list[_Family]:
    spent = state.time_in(now)
    # 100K events/s is the platform's rated throughput; a failed bus drops to 20%.
    events = math.floor(100_000 * spent[False] + 20_000 * spent[True])
    return [
        _Family("openframe_events_processed_total", "counter", "Events processed.",
                (("openframe_events_processed_total", events),)),
    ]


def _platform_families(state: ServiceState, now: float) -> list[_Family]:
    in_use = 100 if state.failed else 18 + round(6 * (1 + math.sin(state.uptime(now) / 45)))
    return [
        _gauge("platform_db_connections_in_use", "PostgreSQL pool connections in use.", in_use),
        _gauge("platform_db_connections_max", "PostgreSQL pool size.", 100),
        _Family(
            "platform_deployment_color", "gauge", "1 for the live blue/green color.",
            (('platform_deployment_color{color="blue"}', 1),
             ('platform_deployment_color{color="green"}', 0)),
        ),
    ]


_SPECIFIC_FAMILIES: dict[str, Callable[[ServiceState, float], list[_Family]]] = {
    "omnichat": _omnichat_families,
    "search": _search_families,
    "intentbot": _intentbot_families,
    "openframe": _openframe_families,
    "platform": _platform_families,
}


def render_metrics(state: ServiceState, now: float) -> str:
    """Prometheus text exposition (format 0.0.4) for a service at ``now``."""
    # No ``up`` here: Prometheus writes that series itself for every scrape
    # (an exported one would collide with it), and the uptime SLO reads it.
    families = [
        _gauge("process_uptime_seconds", "Seconds since the service started.",
               round(state.uptime(now), 3)),
        *_request_families(state, now),
        *_SPECIFIC_FAMILIES[state.service.id](state, now),
    ]
    return "".join(_render_family(f) for f in families)


# --------------------------------------------------------------------------
# HTTP


@dataclass(frozen=True)
class _Request:
    method: str
    path: str
    query: dict[str, list[str]]
    version: str
    headers: dict[str, str]
    body: bytes

    @property
    def keep_alive(self) -> bool:
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return connection == "keep-alive"
        return connection != "close"


@dataclass(frozen=True)
class _Response:
    status: int
    body: bytes
    content_type: str = "application/json"


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _json(status: int, payload: object) -> _Response:
    return _Response(status, json.dumps(payload).encode())


def _error(status: int, message: str) -> _Response:
    return _json(status, {"error": HTTPStatus(status).phrase.lower(), "detail": message})


def _encode(response: _Response, *, head_only: bool, keep_alive: bool) -> bytes:
    head = [
        f"HTTP/1.1 {response.status} {HTTPStatus(response.status).phrase}",
        f"Content-Type: {response.content_type}",
        f"Content-Length: {len(response.body)}",
        f"Connection: {'keep-alive' if keep_alive else 'close'}",
        "Cache-Control: no-store",
        f"Server: demo-stack/{VERSION}",
    ]
    data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
    return data if head_only else data + response.body


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    """Next request on a connection, or None when the client is done."""
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), _IDLE_TIMEOUT_S)
    except asyncio.IncompleteReadError as exc:
        if exc.partial.strip():
            raise _BadRequest(400, "incomplete request head") from None
        return None
    except asyncio.TimeoutError:
        return None
    except asyncio.LimitOverrunError:
        raise _BadRequest(431, "request head too large") from None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _BadRequest(400, "malformed request line")
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise _BadRequest(400, "malformed header line")
        headers[name.strip().lower()] = value.strip()
    body = await _read_body(reader, headers)
    url = urlsplit(target)
    return _Request(method.upper(), url.path or "/", parse_qs(url.query), version, headers, body)


async def _read_body(reader: asyncio.StreamReader, headers: Mapping[str, str]) -> bytes:
    if "transfer-encoding" in headers:
        raise _BadRequest(501, "chunked request bodies are not supported")
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise _BadRequest(400, "invalid Content-Length") from None
    if length < 0:
        raise _BadRequest(400, "invalid Content-Length")
    if length > _MAX_BODY_BYTES:
        raise _BadRequest(413, "request body too large")
    return await reader.readexactly(length) if length else b""


_SEARCH_CORPUS = (
    ("doc-001", "Restarting the query cache"),
    ("doc-002", "Rebuilding the search index"),
    ("doc-003", "Search latency SLO: p95 under 100 ms"),
    ("doc-004", "Scaling search replicas"),
    ("doc-005", "Reindexing after a schema change"),
)


class _HttpApp:
    """Routes requests of one service; stateless apart from its ServiceState."""

    def __init__(self, state: ServiceState, clock: Callable[[], float]) -> None:
        self.state = state
        self.clock = clock
        self.routes: dict[str, tuple[str, Callable[[_Request], _Response]]] = {
            "/health": ("GET", self._health),
            "/metrics": ("GET", self._metrics),
            "/status": ("GET", self._status),
            "/_demo/fail": ("POST", functools.partial(self._toggle, failed=True)),
            "/_demo/recover": ("POST", functools.partial(self._toggle, failed=False)),
        }
        if state.service.id == "search":
            self.routes["/search"] = ("GET", self._search)

    async def respond(self, request: _Request) -> _Response:
        """Answer a request after the service's configured latency."""
        await asyncio.sleep(self.state.service.delay_for(request.path))
        try:
            return self._route(request)
        except Exception:  # noqa: BLE001 - a bug must not kill the connection loop
            traceback.print_exc()
            return _error(500, "internal error in demo stack")

    def _route(self, request: _Request) -> _Response:
        route = self.routes.get(request.path)
        if route is None:
            return _error(404, f"no route for {request.path}")
        method, handler = route
        if request.method != method and not (method == "GET" and request.method == "HEAD"):
            return _error(405, f"{request.path} only accepts {method}")
        return handler(request)

    def _components(self) -> dict[str, str]:
        service = self.state.service
        return {
            name: "down" if self.state.failed and name == service.failing_component else "up"
            for name in service.components
        }

    def _health(self, request: _Request) -> _Response:
        service = self.state.service
        body = {
            "status": "down" if self.state.failed else "ok",
            "service": service.id,
            "version": VERSION,
            "checks": self._components(),
        }
        return _json(503 if self.state.failed else 200, body)

    def _metrics(self, request: _Request) -> _Response:
        text = render_metrics(self.state, self.clock())
        return _Response(200, text.encode(), "text/plain; version=0.0.4; charset=utf-8")

    def _status(self, request: _Request) -> _Response:
        return _json(200, {
            "service": self.state.service.id,
            "version": VERSION,
            "status": "degraded" if self.state.failed else "operational",
            "uptime_seconds": round(self.state.uptime(self.clock()), 1),
            "components": self._components(),
            "deployment": {"color": "blue", "canary_percent": 0},
        })

    def _search(self, request: _Request) -> _Response:
        query = " ".join(request.query.get("q", [])).strip()
        if not query:
            return _error(400, "missing query parameter q")
        if self.state.failed:
            return _error(503, "search index unavailable")
        words = query.lower().split()
        hits = [
            {"id": doc_id, "title": title, "score": round(1 - i * 0.1, 2)}
            for i, (doc_id, title) in enumerate(_SEARCH_CORPUS)
            if any(word in title.lower() for word in words)
        ]
        took_ms = round(self.state.service.delay_for("/search") * 1000)
        return _json(200, {"query": query, "total": len(hits), "took_ms": took_ms, "results": hits})

    def _toggle(self, request: _Request, *, failed: bool) -> _Response:
        self.state.set_failed(failed, self.clock())
        return _json(200, {"service": self.state.service.id, "failed": failed})


# --------------------------------------------------------------------------
# Listeners


class _Stack:
    """All listeners of one demo stack plus their open connections."""

    def __init__(self, host: str, failed: Iterable[str],
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.host = host
        now = clock()
        failed_ids = set(failed)
        self.apps = {
            sid: _HttpApp(ServiceState(service, sid in failed_ids, now), clock)
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

    async def _http(self, app: _HttpApp, reader: asyncio.StreamReader,
                    writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            while True:
                try:
                    request = await _read_request(reader)
                except _BadRequest as exc:
                    writer.write(_encode(_error(exc.status, str(exc)),
                                         head_only=False, keep_alive=False))
                    await writer.drain()
                    break
                if request is None:
                    break
                response = await app.respond(request)
                writer.write(_encode(response, head_only=request.method == "HEAD",
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
                data = await asyncio.wait_for(reader.read(4096), _IDLE_TIMEOUT_S)
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
        stack = _Stack(host, failed)
        base = demo_dir(root)
        try:
            await stack.bind()
            prepare(root, failed=failed, ports=stack.ports)
            stack.load_tls(base / "tls")
            _write_atomic(base / PORTS_FILE, json.dumps(stack.ports, indent=1) + "\n")
            (base / _PIDFILE_NAME).write_text(f"{os.getpid()}\n")
            try:
                if on_ready is not None:
                    on_ready(stack.ready_line())
                await stop.wait()
            finally:
                for name in (_PIDFILE_NAME, PORTS_FILE):
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
    with open(base / _LOCK_NAME, "a+") as lock:
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = ""
            with suppress(OSError):
                pid = (base / _PIDFILE_NAME).read_text().strip()
            raise AlreadyRunning(Path(root).resolve(), pid) from None
        yield


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# --------------------------------------------------------------------------
# Files on disk


_FRESH_AGES_H = (2, 26, 50)
_STALE_AGES_H = (74, 98, 122)
_PAYLOAD_BYTES = 3000  # incompressible, so every archive stays above 2 KB

_DATA_FILES: dict[str, dict[str, str]] = {
    "omnichat": {
        "channels.json": '{"channels": ["web", "slack", "teams"]}\n',
        "conversations.jsonl": '{"id": "c-1", "turns": 6}\n{"id": "c-2", "turns": 3}\n',
    },
    "search": {
        "index.meta.json": '{"shards": 4, "replicas": 2, "documents": 1284000}\n',
        "synonyms.txt": "runbook, playbook\nlatency, response time\n",
    },
    "intentbot": {
        "intents.json": '{"intents": ["greeting", "billing", "cancel", "handoff"]}\n',
        "model-manifest.json": '{"models": ["svm", "bert"], "accuracy": 0.93}\n',
    },
    "openframe": {
        "topics.json": '{"topics": ["events.raw", "events.enriched"], "partitions": 32}\n',
        "offsets.json": '{"events.raw": 918273645, "events.enriched": 918270001}\n',
    },
    "platform": {
        "migrations.txt": "0001_init\n0002_users\n0003_sessions\n",
        "feature-flags.json": '{"canary": false, "color": "blue"}\n',
    },
}

_LOG_MESSAGES: dict[str, tuple[str, ...]] = {
    "omnichat": ("channel gateway connected (web, slack, teams)",
                 "nlu model warm-up finished"),
    "search": ("index shards loaded (4/4)", "query cache hit ratio 0.82"),
    "intentbot": ("svm and bert models loaded", "session store connected"),
    "openframe": ("stream processor assigned 32 partitions", "event bus lag 120 ms"),
    "platform": ("postgres pool ready (100 connections)", "redis connected"),
}

_CONFIG_EXTRA: dict[str, str] = {
    "omnichat": "channels: [web, slack, teams]\nsession_ttl_minutes: 30\n",
    "search": "slo:\n  latency_p95_ms: 100\nshards: 4\n",
    "intentbot": "models: [svm, bert]\nsession_ttl_minutes: 20\n",
    "openframe": "target_events_per_second: 100000\npartitions: 32\n",
    "platform": (
        "database: postgres://127.0.0.1:{postgres}/platform\n"
        "cache: redis://127.0.0.1:{redis}/0\n"
        "deployment:\n  strategy: blue-green\n  color: blue\n  canary_percent: 0\n"
    ),
}


def prepare(root: Path, *, failed: Iterable[str] = (), now: float | None = None,
            ports: Mapping[str, int] | None = None) -> None:
    """(Re)create the demo files under ``<root>/.demo/``.

    Backups get fixed ages (newest 2 h, intentbot sessions deliberately 74 h),
    logs of ``failed`` services get ERROR lines, ``tls/`` gets a fresh demo CA
    and server certificate. Safe to call repeatedly.
    """
    now = time.time() if now is None else now
    failed_ids = set(failed)
    base = demo_dir(root)
    for sub in _MANAGED_DIRS:
        shutil.rmtree(base / sub, ignore_errors=True)
    for sid, service in SERVICES.items():
        _write_backups(base / "backups" / sid, sid, now)
        _write_files(base / "data" / sid, _DATA_FILES[sid])
        _write_log(base / "logs" / sid / "app.log", sid, sid in failed_ids, now)
        _write_files(base / "config", {f"{sid}.yaml": _config_text(service, ports or {})})
    _write_tls(base / "tls", now)


def _write_tls(directory: Path, now: float) -> None:
    """``ca.pem`` (for a check's ca_file), ``server.pem`` and ``server.key`` (~5 ms with P-256 keys)."""
    from demo.certs import issue  # here: callers that only start or stop the stack skip cryptography

    moment = datetime.fromtimestamp(now, timezone.utc)
    ca = issue("Runbooks demo CA", ca=True, expires=3 * _TLS_DAYS, now=moment)
    issue(DEFAULT_HOST, _TLS_HOSTS, signer=ca, expires=_TLS_DAYS, now=moment).write(directory, "server")
    (directory / "ca.pem").write_bytes(ca.cert_pem)  # its key is never written: nothing else gets signed


def _backup_plan(service_id: str) -> list[tuple[str, tuple[int, ...]]]:
    if service_id == "intentbot":
        return [("sessions", _STALE_AGES_H), ("model", _FRESH_AGES_H)]
    return [(f"{service_id}-db", _FRESH_AGES_H)]


def _write_backups(directory: Path, service_id: str, now: float) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for prefix, ages in _backup_plan(service_id):
        for hours in ages:
            mtime = now - hours * 3600
            stamp = time.strftime("%Y%m%d-%H%M", time.gmtime(mtime))
            _write_archive(directory / f"{prefix}-{stamp}.tar.gz", service_id, prefix, mtime)


def _write_archive(path: Path, service_id: str, kind: str, mtime: float) -> None:
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(mtime))
    manifest = f"system: {service_id}\nkind: {kind}\ncreated: {created}\nversion: {VERSION}\n"
    payload = hashlib.shake_256(path.name.encode()).digest(_PAYLOAD_BYTES)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in (("MANIFEST", manifest.encode()), (f"{kind}.dump", payload)):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), int(mtime), 0o644
            tar.addfile(info, io.BytesIO(data))
    path.write_bytes(gzip.compress(buffer.getvalue(), mtime=int(mtime)))
    os.utime(path, (mtime, mtime))


def _write_files(directory: Path, files: Mapping[str, str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text)


def _write_log(path: Path, service_id: str, failed: bool, now: float) -> None:
    def line(minutes_ago: int, level: str, message: str) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - minutes_ago * 60))
        return f"{stamp} {level:<5} [{service_id}] {message}\n"

    first, second = _LOG_MESSAGES[service_id]
    lines = [
        line(45, "INFO", f"starting {service_id} version {VERSION}"),
        line(44, "INFO", first),
        line(30, "WARN", "slow request: GET /health took 240 ms"),
        line(5, "INFO", second),
    ]
    if failed:
        component = SERVICES[service_id].failing_component
        lines.append(line(1, "ERROR", f"health check failed: {component} unreachable"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines))


def _config_text(service: Service, ports: Mapping[str, int]) -> str:
    """What a service's config file says; the ports are the ones bound (0 before)."""
    where = {name: ports.get(name, 0) for name in (*SERVICES, *TCP_SERVICES)}
    return (
        f"# Demo configuration for {service.title} (written by the demo stack)\n"
        f"service: {service.id}\n"
        f"version: {VERSION}\n"
        f"listen: {DEFAULT_HOST}:{where[service.id]}\n"
        f"health_path: /health\n"
        f"metrics_path: /metrics\n"
        f"backup_dir: {_DEMO_DIRNAME}/backups/{service.id}\n"
        f"log_file: {_DEMO_DIRNAME}/logs/{service.id}/app.log\n"
        + _CONFIG_EXTRA[service.id].format(**where)
    )


# --------------------------------------------------------------------------
# Process control (used by the orchestrator and the tests)


@dataclass
class RunningStack:
    """A demo stack process and its port map (listener name → port)."""

    proc: subprocess.Popen[str]
    ports: dict[str, int]
    host: str = DEFAULT_HOST

    def url(self, name: str) -> str:
        """Base URL of a listener: ``http://`` for services, ``https://`` for the TLS one, ``tcp://`` else."""
        scheme = "https" if name == TLS_LISTENER else "http" if name in SERVICES else "tcp"
        return f"{scheme}://{self.host}:{self.ports[name]}"

    def mode_vars(self) -> dict[str, str | int]:
        """The local mode's variables that say where the stack listens (``search_url``, ``db_port``…)."""
        out: dict[str, str | int] = {service.var: self.url(sid) for sid, service in SERVICES.items()}
        out.update({tcp.var: self.ports[tid] for tid, tcp in TCP_SERVICES.items()})
        out[TLS_VAR] = self.ports[TLS_LISTENER]
        return out


def start_stack(
    root: Path,
    fail: Iterable[str] = (),
    timeout: float = 30,
    *,
    host: str = DEFAULT_HOST,
) -> RunningStack:
    """Launch ``serve`` in its own session and wait for its ready line (the port map).

    Raises StackError with the child's stderr if it exits or times out.
    """
    failed = parse_fail_ids(fail)
    cmd = [sys.executable, "-m", _MODULE, "serve", "--root", str(root), "--host", host]
    if failed:
        cmd += ["--fail", ",".join(failed)]
    with tempfile.TemporaryFile() as stderr:
        # A file, not a pipe: nobody drains stderr while the stack runs.
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=stderr, text=True,
            env=_child_env(), start_new_session=True,
        )
        ports = _wait_ready(proc, timeout)
        if ports is not None:
            return RunningStack(proc, ports, host)
        timed_out = proc.poll() is None
        _stop(proc)
        stderr.seek(0)
        detail = stderr.read().decode(errors="replace").strip()
    reason = f"timed out after {timeout:g}s" if timed_out else f"exited with {proc.returncode}"
    raise StackError(f"demo stack did not start ({reason}): {detail or 'no stderr output'}")


def _child_env() -> dict[str, str]:
    # The child must import this package even when cwd is not the project root.
    package_root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ)
    paths = [package_root, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def _wait_ready(proc: subprocess.Popen[str], timeout: float) -> dict[str, int] | None:
    lines: queue.Queue[dict[str, int] | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(READY_PREFIX):
                lines.put({str(k): int(v) for k, v in json.loads(line[len(READY_PREFIX):]).items()})
                return
        lines.put(None)

    threading.Thread(target=pump, name="demo-stack-ready", daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None


def stop_stack(stack: RunningStack) -> int | None:
    """SIGTERM the stack, wait up to 5 s, then kill. Returns the exit code."""
    return _stop(stack.proc)


def _stop(proc: subprocess.Popen[str]) -> int | None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()
    return proc.returncode


def set_failed(stack: RunningStack, service_id: str, failed: bool, timeout: float = 5.0) -> None:
    """Flip a running service into (or out of) failure via its ``/_demo`` toggle."""
    if service_id not in SERVICES:
        raise ValueError(f"unknown service id {service_id!r}")
    action = "fail" if failed else "recover"
    url = f"{stack.url(service_id)}/_demo/{action}"
    # Bypass any *_proxy environment: the stack is always local.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(url, data=b"", method="POST")
    with opener.open(request, timeout=timeout) as response:
        response.read()


# --------------------------------------------------------------------------
# CLI


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m {_MODULE}",
        description="Local stand-in services for the runbook checks.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="run the demo stack until SIGTERM/SIGINT")
    serve_cmd.add_argument("--root", default=".", type=Path,
                           help="project root; files go to ROOT/.demo (default: .)")
    serve_cmd.add_argument("--fail", action="append", default=[], metavar="ID[,ID...]",
                           help=f"start these services failed (also ${FAIL_ENV}); "
                                f"ids: {', '.join(SERVICES)}")
    serve_cmd.add_argument("--host", default=DEFAULT_HOST,
                           help=f"address to bind (default: {DEFAULT_HOST})")
    return parser


def _print_ready(line: str) -> None:
    print(line, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns the process exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        fail = parse_fail_ids([*args.fail, os.environ.get(FAIL_ENV, "")])
    except ValueError as exc:
        parser.error(str(exc))
    try:
        asyncio.run(serve(args.root, fail, args.host, on_ready=_print_ready))
    except StackError as exc:
        print(f"demo stack: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"demo stack: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass  # SIGINT before the handlers were installed: still a clean stop
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
