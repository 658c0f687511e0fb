"""Bundled demo stack: local stand-ins for the five systems the runbooks describe.

One asyncio process serves a tiny HTTP service per system plus two plain TCP
listeners standing in for the databases, and the platform service again over
HTTPS (a certificate from a demo CA made at start, in ``.demo/tls/``), so
every check kind (http, tcp, tls, file, disk, command, metrics) has something
real to run against. Every listener takes a free port; the port map is in
the ready line and in ``.demo/ports.json``::

    python -m demo.stack serve [--root DIR] [--fail IDS] [--host HOST]

Everything a check can observe is deterministic: metrics are pure functions
of elapsed time and of when failures were injected, files are rebuilt with
fixed relative mtimes on every start.

Failure injection: ``--fail ID[,ID...]`` or ``DEMO_FAIL`` at start, and at run
time ``POST /_demo/fail`` / ``POST /_demo/recover`` on a service's own port.
The ``/_demo`` endpoints exist for the operator and the tests only; runbook
checks never call them.

Modules: ``services`` (the catalogue), ``metrics`` (the traffic model and its
Prometheus text), ``httpserver`` (HTTP/1.1 over asyncio streams), ``routes``
(what each service answers), ``listeners`` (binding and ``serve``), ``files``
(backups, logs, config, TLS), ``process`` (start, stop, toggle; the CLI).
"""

from __future__ import annotations

from demo.stack.files import prepare
from demo.stack.listeners import serve
from demo.stack.metrics import ServiceState, render_metrics
from demo.stack.process import RunningStack, main, set_failed, start_stack, stop_stack
from demo.stack.services import (DEFAULT_HOST, FAIL_ENV, PORTS_FILE, SERVICES, TCP_SERVICES, TLS_LISTENER, TLS_SERVICE,
                                 VERSION, AlreadyRunning, Service, StackError, TcpService, demo_dir, parse_fail_ids)

__all__ = [
    "DEFAULT_HOST", "FAIL_ENV", "PORTS_FILE", "SERVICES", "TCP_SERVICES", "TLS_LISTENER", "TLS_SERVICE", "VERSION",
    "AlreadyRunning", "RunningStack", "Service", "ServiceState", "StackError", "TcpService", "demo_dir", "main",
    "parse_fail_ids", "prepare", "render_metrics", "serve", "set_failed", "start_stack", "stop_stack",
]
