"""``http``: request a URL and assert on status, body, JSON fields and latency."""

from __future__ import annotations

import json as jsonlib
import re
import time
from typing import Any

from ..results import Outcome, bounded
from ..schema import Bool, Choice, Int, ListOf, MapOf, Number, Obj, Regex, Scalar, Str, Threshold
from ..wire import wire_latency_ms
from .base import Judge, ProbeContext

NAME = "http"
DOC = "Request a URL (read-only methods only) and check the answer."
BODY_LIMIT = 1024 * 1024  # assertions see the first MiB; a 100 MB body is never held
SHOWN_HEADERS = ("content-type", "content-length", "location", "retry-after", "www-authenticate", "server")

SCHEMA = Obj({
    "url": Str("URL to request.", required=True, example="{{ api_url }}/health"),
    "method": Choice(["GET", "HEAD", "OPTIONS"], "HTTP method; only read-only methods are allowed.", default="GET"),
    "headers": MapOf(Str(), "Request headers.", default={}, example={"Accept": "application/json"}),
    "status": ListOf(Int(min=100, max=599), "Expected status code, or a list of them. Without it, any status below 400 passes.", single=True, example=[200, 204]),
    "body_contains": ListOf(Str(), "Text the body must contain (one or a list).", single=True, example='"status": "ok"'),
    "body_regex": ListOf(Regex(), "Regular expression the body must match (one or a list).", single=True, example="version: \\d+"),
    "json": MapOf(Scalar(), "Dotted JSON field → expected value.", example={"status": "ok", "checks.db": "up"}),
    "latency_ms": Threshold(Number(min=0), "Response time thresholds in milliseconds.", example={"warn": 200, "crit": 1000}),
    "follow_redirects": Bool("Follow redirects before judging.", default=False),
    "verify": Bool("Verify the TLS certificate of https URLs.", default=True),
})
ASSERTIONS: tuple[str, ...] = ("status", "body_contains", "body_regex", "json", "latency_ms")


def describe(params: dict[str, Any]) -> str:
    return f"{params['method']} {params['url']}"


async def probe(params: dict[str, Any], ctx: ProbeContext) -> Outcome:
    assert ctx.http is not None
    tls = params["url"].lower().startswith("https:")
    async with ctx.http.lease(params["verify"] if tls else None) as client:
        started = time.perf_counter()
        request = client.build_request(params["method"], params["url"], headers=params["headers"])
        response = await client.send(request, stream=True, follow_redirects=params["follow_redirects"])
        try:
            body = await read_bounded(response)
        finally:
            await response.aclose()
        latency_ms = wire_latency_ms(response) or (time.perf_counter() - started) * 1000
    return judge(params, response.status_code, response.headers, body, latency_ms)


async def read_bounded(response: Any, limit: int = BODY_LIMIT, *, decoded: bool = False) -> bytes:
    """At most ``limit`` bytes of a streamed body (gunzipped when ``decoded``): a huge answer is never held."""
    chunks, size = [], 0
    async for chunk in response.aiter_bytes() if decoded else response.aiter_raw():
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)[:limit]


def judge(params: dict[str, Any], status: int, headers: Any, raw: bytes, latency_ms: float) -> Outcome:
    verdict = Judge()
    text = raw.decode("utf-8", errors="replace")
    expected = params.get("status")
    if expected:
        verdict.expect(status in expected, "status", " or ".join(map(str, expected)), status)
    else:
        verdict.expect(status < 400, "status", "below 400", status)
    for needle in params.get("body_contains") or []:
        verdict.expect(needle in text, "body", f"to contain {needle!r}", "no match")
    for pattern in params.get("body_regex") or []:
        verdict.expect(re.search(pattern, text) is not None, "body", f"to match /{pattern}/", "no match")
    if params.get("json"):
        _judge_json(verdict, params["json"], text)
    verdict.threshold("latency", round(latency_ms, 1), params.get("latency_ms"), " ms")
    observed = f"HTTP {status} in {latency_ms:.0f} ms"
    return verdict.outcome(observed, _evidence(status, headers, text))


def _judge_json(verdict: Judge, fields: dict[str, Any], text: str) -> None:
    try:
        document = jsonlib.loads(text)
    except ValueError:
        verdict.expect(False, "body", "JSON", "a body that is not JSON")
        return
    for dotted, want in fields.items():
        found, got = _dig(document, dotted)
        shown = jsonlib.dumps(got) if found else "no such field"
        verdict.expect(found and _same(got, want), dotted, jsonlib.dumps(want), shown)


def _dig(document: Any, dotted: str) -> tuple[bool, Any]:
    node = document
    for part in dotted.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False, None
    return True, node


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return float(got) == float(want)
    return bool(got == want)


def _evidence(status: int, headers: Any, text: str) -> str:
    lines = [f"HTTP {status}"]
    lines += [f"{name}: {headers[name]}" for name in SHOWN_HEADERS if name in headers]
    return "\n".join(lines) + "\n\n" + bounded(text)
