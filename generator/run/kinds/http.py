"""``http``: request a URL and assert on status, headers, body, JSON fields, latency and certificate days left."""

from __future__ import annotations

import json as jsonlib
import re
import ssl
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.format.document import PathKey
from generator.format.options import (
    INVALID,
    Bool,
    Choice,
    Ctx,
    Int,
    ListOf,
    MapOf,
    Number,
    Obj,
    Option,
    Regex,
    Scalar,
    Str,
    Threshold,
)
from generator.run.kinds.base import (
    CONNECTING,
    NO_VAR_DEFAULTS,
    Judge,
    ProbeContext,
    no_secret_quoting,
    nothing_to_seed,
)
from generator.run.kinds.tls import (
    CaFileError,
    CertFacts,
    default_context,
    no_verify_context,
    peer_certificate,
    read_cert,
    trust_context,
)
from generator.run.results import Outcome, State, bounded
from generator.run.wire import Exchange, read_bounded

NAME = "http"
DOC = "Request a URL (read-only methods only) and check the answer."
BODY_LIMIT = 1024 * 1024  # assertions see the first MiB; a 100 MB body is never held
SHOWN_HEADERS = ("content-type", "content-length", "location", "retry-after", "www-authenticate", "server")


class HeaderValue(Option):
    """An expected response header value: exact text, or ``{regex: ...}``."""

    type_name = "string or {regex}"
    _REGEX = Obj({"regex": Regex("Regular expression the value must match.", required=True)})

    def json_type(self) -> dict[str, Any]:
        return {"anyOf": [Str().json_type(), self._REGEX.json_schema()]}

    def check(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        if isinstance(value, dict):
            return self._REGEX.validate(value, path, ctx)
        return Str().check(value, path, ctx)


class HttpBlock(Obj):
    """The http block: its keys, plus rules that span them."""

    def validate(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        out = super().validate(value, path, ctx)
        if out is INVALID:
            return out
        url = out.get("url")
        limits = out.get("tls_days_left")
        if limits and limits is not INVALID and isinstance(url, str) and not url.lower().startswith("https:"):
            ctx.error(path + ("tls_days_left",), f"only https URLs have a certificate; url is {url!r}")
            return INVALID
        if out.get("ca_file") and out.get("verify") is False:
            ctx.error(path + ("ca_file",), "has no effect with verify: false; remove one of them")
            return INVALID
        return out


SCHEMA: Obj = HttpBlock({
    "url": Str("URL to request.", required=True, example="{{ api_url }}/health"),
    "method": Choice(["GET", "HEAD", "OPTIONS"], "HTTP method; only read-only methods are allowed.", default="GET"),
    "request_headers": MapOf(Str(), "Headers sent with the request.", default={}, example={"Accept": "application/json"}),
    "headers": MapOf(HeaderValue(), "Response headers to assert: name (any case) → exact value, or {regex: ...} "
                     "the value must match. A missing header fails.",
                     example={"Content-Type": "application/json", "Strict-Transport-Security": {"regex": "max-age=\\d+"}}),
    "status": ListOf(Int(min=100, max=599), "Expected status code, or a list of them. Without it, any status below 400 passes.", single=True, example=[200, 204]),
    "body_contains": ListOf(Str(), "Text the body must contain (one or a list).", single=True, example='"status": "ok"'),
    "body_regex": ListOf(Regex(), "Regular expression the body must match (one or a list).", single=True, example="version: \\d+"),
    "json": MapOf(Scalar(), "Dotted JSON field → expected value.", example={"status": "ok", "checks.db": "up"}),
    "latency_ms": Threshold(Number(min=0), "Response time thresholds in milliseconds.", example={"warn": 200, "crit": 1000}),
    "follow_redirects": Bool("Follow redirects before judging.", default=False),
    "verify": Bool("Verify the TLS certificate of https URLs, and of those a followed redirect leads to.", default=True),
    "ca_file": Str("PEM file of a CA to trust for https URLs (and those a followed redirect leads to) instead of the "
                   "default trust store (an internal CA); relative paths start at the project root.",
                   example="certs/internal-ca.pem"),
    "tls_days_left": Threshold(Number(min=0), "Days the server certificate has left (https URLs only; a literal "
                               "http URL is a validation error, a templated one UNKNOWN at run time).",
                               higher_is_worse=False, example={"warn": 30, "crit": 7}),
})
ASSERTIONS: tuple[str, ...] = ("status", "headers", "body_contains", "body_regex", "json", "latency_ms", "tls_days_left")
IMPLICIT = CONNECTING
VAR_DEFAULTS = NO_VAR_DEFAULTS
USES_HTTP = True
EMULATOR: str | None = None
secret_quoting = no_secret_quoting
seed = nothing_to_seed


def describe(params: dict[str, Any]) -> str:
    return f"{params['method']} {params['url']}"


async def probe(params: dict[str, Any], ctx: ProbeContext) -> Outcome:
    assert ctx.http is not None
    tls = params["url"].lower().startswith("https:")
    if params.get("tls_days_left") and not tls:  # a templated URL that rendered to http://
        return Outcome(State.UNKNOWN, f"cannot probe: tls_days_left needs an https URL, got {params['url']}", "error")
    try:
        # An http URL that may be redirected to https verifies there as an https URL would: verify, ca_file.
        verify = _verify(params, ctx.root) if tls or params["follow_redirects"] else None
    except CaFileError as exc:
        return Outcome(State.UNKNOWN, f"cannot probe: {exc}", "error")
    with Exchange() as wire:
        async with ctx.http.session(verify).request(params["method"], params["url"], headers=params["request_headers"],
                                                    allow_redirects=params["follow_redirects"]) as response:
            body = await read_bounded(response, BODY_LIMIT)
            latency_ms = wire.latency_ms()
            status, headers, final = response.status, response.headers, response.url
    cert = await _peer_cert(final, verify) if params.get("tls_days_left") else None
    return judge(params, status, headers, body, latency_ms, cert, ctx.now())


def _verify(params: dict[str, Any], root: Path) -> bool | ssl.SSLContext:
    """The pool's TLS key: true/false, or the (cached) context trusting ``ca_file``.

    A missing or broken file raises CaFileError: UNKNOWN, not a TLS failure.
    """
    if not params.get("ca_file") or params["verify"] is False:
        return bool(params["verify"])
    return trust_context(root, params["ca_file"])


async def _peer_cert(url: Any, verify: bool | ssl.SSLContext | None) -> CertFacts | None:
    """The certificate the answering server presents (the last URL, after redirects), from a handshake of its own:
    aiohttp hands a finished connection back to its pool before a caller could ask it."""
    context = verify if isinstance(verify, ssl.SSLContext) else default_context() if verify else no_verify_context()
    der = await peer_certificate(url.host, url.port or 443, context, url.host)
    return read_cert(der) if der else None


def judge(params: dict[str, Any], status: int, headers: Any, raw: bytes, latency_ms: float,
          cert: CertFacts | None, now: datetime) -> Outcome:
    verdict = Judge()
    text = raw.decode("utf-8", errors="replace")
    expected = params.get("status")
    if expected:
        verdict.expect(status in expected, "status", " or ".join(map(str, expected)), status)
    else:
        verdict.expect(status < 400, "status", "below 400", status)
    for name, want in (params.get("headers") or {}).items():
        _judge_header(verdict, name, want, headers.get(name))
    for needle in params.get("body_contains") or []:
        verdict.expect(needle in text, "body", f"to contain {needle!r}", "no match")
    for pattern in params.get("body_regex") or []:
        verdict.expect(re.search(pattern, text) is not None, "body", f"to match /{pattern}/", "no match")
    if params.get("json"):
        _judge_json(verdict, params["json"], text)
    verdict.threshold("latency", round(latency_ms, 1), params.get("latency_ms"), " ms")
    observed = f"HTTP {status} in {latency_ms:.0f} ms"
    if params.get("tls_days_left"):
        observed += _judge_cert(verdict, params["tls_days_left"], cert, now)
    shown = [*SHOWN_HEADERS, *(n.lower() for n in params.get("headers") or {} if n.lower() not in SHOWN_HEADERS)]
    return verdict.outcome(observed, _evidence(status, headers, text, shown, cert))


def _judge_header(verdict: Judge, name: str, want: Any, got: str | None) -> None:
    """``want`` is the exact value or ``{regex: ...}``; header names are matched in any case."""
    if got is None:
        verdict.expect(False, f"header {name}", "it to be present", "none", summary=f"expected header {name}, got none")
    elif isinstance(want, dict):
        verdict.expect(re.search(want["regex"], got) is not None, f"header {name}", f"to match /{want['regex']}/",
                       repr(got))
    else:
        verdict.expect(got == want, f"header {name}", repr(want), repr(got))


def _judge_cert(verdict: Judge, limits: dict[str, Any], cert: CertFacts | None, now: datetime) -> str:
    if cert is None:
        verdict.expect(False, "certificate", "a server certificate", "none")
        return ""
    days = cert.days_left(now)
    verdict.threshold("tls_days_left", round(days, 1), limits, " days", below=True)
    return f", certificate valid for {days:.0f} more days"


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


def _evidence(status: int, headers: Any, text: str, shown: list[str], cert: CertFacts | None) -> str:
    lines = [f"HTTP {status}"]
    lines += [f"{name}: {headers[name]}" for name in shown if name in headers]
    lines += [f"certificate {line}" for line in cert.lines()] if cert else []
    return "\n".join(lines) + "\n\n" + bounded(text)
