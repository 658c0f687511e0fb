"""What each demo service answers: /health, /metrics, /status, /search and the /_demo toggles."""

from __future__ import annotations

import asyncio
import functools
import traceback
from collections.abc import Callable

from demo.stack.httpserver import Request, Response, error_response, json_response
from demo.stack.metrics import ServiceState, render_metrics
from demo.stack.services import VERSION

_SEARCH_CORPUS = (
    ("doc-001", "Restarting the query cache"),
    ("doc-002", "Rebuilding the search index"),
    ("doc-003", "Search latency SLO: p95 under 100 ms"),
    ("doc-004", "Scaling search replicas"),
    ("doc-005", "Reindexing after a schema change"),
)


class HttpApp:
    """Routes requests of one service; stateless apart from its ServiceState."""

    def __init__(self, state: ServiceState, clock: Callable[[], float]) -> None:
        self.state = state
        self.clock = clock
        self.routes: dict[str, tuple[str, Callable[[Request], Response]]] = {
            "/health": ("GET", self._health),
            "/metrics": ("GET", self._metrics),
            "/status": ("GET", self._status),
            "/_demo/fail": ("POST", functools.partial(self._toggle, failed=True)),
            "/_demo/recover": ("POST", functools.partial(self._toggle, failed=False)),
        }
        if state.service.id == "search":
            self.routes["/search"] = ("GET", self._search)

    async def respond(self, request: Request) -> Response:
        """Answer a request after the service's configured latency."""
        await asyncio.sleep(self.state.service.delay_for(request.path))
        try:
            return self._route(request)
        except Exception:  # noqa: BLE001 - a bug must not kill the connection loop
            traceback.print_exc()
            return error_response(500, "internal error in demo stack")

    def _route(self, request: Request) -> Response:
        route = self.routes.get(request.path)
        if route is None:
            return error_response(404, f"no route for {request.path}")
        method, handler = route
        if request.method != method and not (method == "GET" and request.method == "HEAD"):
            return error_response(405, f"{request.path} only accepts {method}")
        return handler(request)

    def _components(self) -> dict[str, str]:
        service = self.state.service
        return {
            name: "down" if self.state.failed and name == service.failing_component else "up"
            for name in service.components
        }

    def _health(self, request: Request) -> Response:
        service = self.state.service
        body = {
            "status": "down" if self.state.failed else "ok",
            "service": service.id,
            "version": VERSION,
            "checks": self._components(),
        }
        return json_response(503 if self.state.failed else 200, body)

    def _metrics(self, request: Request) -> Response:
        text = render_metrics(self.state, self.clock())
        return Response(200, text.encode(), "text/plain; version=0.0.4; charset=utf-8")

    def _status(self, request: Request) -> Response:
        return json_response(200, {
            "service": self.state.service.id,
            "version": VERSION,
            "status": "degraded" if self.state.failed else "operational",
            "uptime_seconds": round(self.state.uptime(self.clock()), 1),
            "components": self._components(),
            "deployment": {"color": "blue", "canary_percent": 0},
        })

    def _search(self, request: Request) -> Response:
        query = " ".join(request.query.get("q", [])).strip()
        if not query:
            return error_response(400, "missing query parameter q")
        if self.state.failed:
            return error_response(503, "search index unavailable")
        words = query.lower().split()
        hits = [
            {"id": doc_id, "title": title, "score": round(1 - i * 0.1, 2)}
            for i, (doc_id, title) in enumerate(_SEARCH_CORPUS)
            if any(word in title.lower() for word in words)
        ]
        took_ms = round(self.state.service.delay_for("/search") * 1000)
        return json_response(200, {"query": query, "total": len(hits), "took_ms": took_ms, "results": hits})

    def _toggle(self, request: Request, *, failed: bool) -> Response:
        self.state.set_failed(failed, self.clock())
        return json_response(200, {"service": self.state.service.id, "failed": failed})
