"""Shared fixtures: real servers on 127.0.0.1 and throw-away projects.

Nothing here mocks a client: checks probe real sockets, real files and real
processes.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import ssl
import stat
import subprocess
import tempfile
import textwrap
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from demo.ports import free_port  # noqa: F401  (one copy; tests import it from here)

REPO = Path(__file__).resolve().parent.parent

# The catalogue cache (generator/format/cache.py) lives in the user's cache directory: this process's own one,
# inherited by every run-checks it starts, so the suite neither reads nor leaves anything in ~/.cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="runbooks-test-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)  # catalogues, templates

PROJECT_YAML = """\
title: Test project
modes:
  local: {title: Local, description: Local mode, vars: {api: "http://127.0.0.1:1"}}
  hybrid: {title: Hybrid, description: Hybrid mode, vars: {api: "http://hybrid.invalid"}}
  aws: {title: AWS, description: AWS mode, vars: {api: "https://aws.invalid"}}
contacts:
  oncall: {name: On-call}
escalation:
  - {level: First line, contact: oncall}
severities:
  P1: {title: Critical, response: 15m}
  P2: {title: High, response: 1h}
"""


@dataclass
class Route:
    status: int = 200
    body: bytes | str = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class HttpServer:
    """A real threaded HTTP server; tests register what each path answers."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Route | Callable[[], Route]] = {}
        self.hits: dict[str, int] = {}
        self.request_headers: dict[str, dict[str, str]] = {}  # the last request's, by path
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                server.request_headers[path] = dict(self.headers.items())
                route = server.routes.get(path, Route(404, b"not found"))
                route = route() if callable(route) else route
                if route.delay:
                    time.sleep(route.delay)
                body = route.body.encode() if isinstance(route.body, str) else route.body
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command == "HEAD":
                    return  # the head only: the body would be read as the next answer
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_HEAD = do_GET

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # tests open many connections at once

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up (a timeout test) is expected here

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls is not None:  # HTTPS: a client that rejects the certificate only fails its own accept
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.scheme = "https" if tls is not None else "http"
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)  # close() waits a poll
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def route(self, path: str, status: int = 200, body: Any = b"ok", headers: dict[str, str] | None = None,
              delay: float = 0.0) -> str:
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            headers = {"Content-Type": "application/json", **(headers or {})}
        self._register(path, Route(status, body, headers or {}, delay))
        return self.url(path)

    def _register(self, path: str, route: Route | Callable[[], Route]) -> None:
        """(Re)define ``path``; its hit count starts again, so a test counts only its own requests."""
        self.routes[path] = route
        self.hits.pop(path, None)
        self.request_headers.pop(path, None)

    def sequence(self, path: str, statuses: list[int], body: str = "ok") -> str:
        """Answer ``statuses`` in turn (the last one repeats): a flaky endpoint."""
        answers = iter(statuses)

        def next_route() -> Route:
            return Route(next(answers, statuses[-1]), body)

        self._register(path, next_route)
        return self.url(path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def http_server() -> Iterator[HttpServer]:
    server = HttpServer()
    yield server
    server.close()


_HELD: list[socket.socket] = []


def closed_port() -> int:
    """A port nothing listens on: bound and never listened on, held until the session ends.

    Released at once, the port could be taken by a server of a test running
    in parallel (another xdist worker, another clone's suite) before the
    probe that expects "connection refused" reaches it.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _HELD.append(sock)
    return int(sock.getsockname()[1])


class Project:
    """A throw-away project directory: runbooks/, mkdocs.yml and an empty docs/ (the plugin adds its assets)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "runbooks").mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        (root / "docs").mkdir(exist_ok=True)
        self.write("_project", PROJECT_YAML)

    def set_site_url(self, url: str) -> None:
        """Append ``site_url: url`` to mkdocs.yml (where the site is published)."""
        config = self.root / "mkdocs.yml"
        config.write_text(config.read_text() + f"site_url: {url}\n")

    def write(self, runbook_id: str, text: str) -> Path:
        path = self.root / "runbooks" / f"{runbook_id}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def check(self, runbook_id: str, checks_yaml: str, **extra: str) -> Path:
        """A runbook holding just ``checks_yaml`` (the list under ``checks:``)."""
        body = textwrap.indent(textwrap.dedent(checks_yaml), "  ")
        head = f"title: {runbook_id}\nsummary: test runbook\n" + "".join(f"{k}: {v}\n" for k, v in extra.items())
        return self.write(runbook_id, head + "checks:\n" + body)

    def add_check(self, kind: str, params: dict[str, Any], **common: Any) -> str:
        """Write runbook ``rb`` holding one ``kind`` check ``x``; return its key, ``rb/x``."""
        self.check("rb", "- " + json.dumps({"id": "x", "title": "t", **common, kind: params}))
        return "rb/x"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "proj")


@pytest.fixture
def shared_project() -> Iterator[Project]:
    """A project other users can read (tmp_path is root's, 0700): files 0644 and directories 0755."""
    base = Path(tempfile.mkdtemp(prefix="runbooks-shared-"))
    base.chmod(0o755)
    closed = [p for p in base.parents if not p.stat().st_mode & stat.S_IXOTH]
    if closed:
        shutil.rmtree(base)
        pytest.fail(f"{closed[0]} is closed to other users; point TMPDIR at a directory they can traverse")
    try:
        with umask(0o022):
            yield Project(base / "proj")
    finally:
        shutil.rmtree(base)


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A directory of its own for a module's fixture, removed afterwards. Not tmp_path_factory: a concurrent
    pytest run (a second clone's suite) prunes older basetemps under /tmp/pytest-of-USER, which would pull
    a built site out from under a browser test."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def umask(value: int) -> Iterator[None]:
    """Run the block under umask ``value``; the previous umask is back afterwards."""
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


def require_root() -> None:
    """Tests that act as another user need root: skipped without it, except in CI, where that fails."""
    if os.geteuid() != 0:
        message = "switching to the user nobody needs root"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)


def require_command(name: str, package: str) -> str:
    """The path of ``name`` from Debian ``package``: skipped without it, except in CI, where that fails."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        message = f"{name} is missing: `make system-deps` installs it (Debian package {package})"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    return found


def run_as_nobody(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` as the user nobody (as a web server would read), with runuser from util-linux."""
    require_root()
    runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin")
    if runuser is None:
        pytest.fail("runuser not found: install util-linux (Debian: apt-get install util-linux)")
    return subprocess.run([runuser, "-u", "nobody", "--", *argv], capture_output=True, text=True, timeout=60, cwd="/")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite the golden files from the current output")
