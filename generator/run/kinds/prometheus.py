"""``prometheus``: run an instant PromQL query and judge every series it returns.

The check asks ``GET <url>/api/v1/query`` and judges a scalar, or each series
of an instant vector, against ``value``; the worst series decides the state
and is named in the summary (``{service="search"} 0.12 > warn 0.1``). A
query Prometheus rejects (bad PromQL) could not run: UNKNOWN, with its error.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from generator.format.options import Bool, Choice, DirectedThreshold, MapOf, Number, Obj, Str
from generator.run.kinds.base import (
    CONNECTING,
    NO_VAR_DEFAULTS,
    Judge,
    ProbeContext,
    no_secret_quoting,
    nothing_to_seed,
)
from generator.run.wire import read_bounded
from generator.run.results import Outcome, State, bounded

NAME = "prometheus"
DOC = ("Run an instant PromQL query against Prometheus and judge the scalar, or each series of the vector, "
       "it returns; the worst series decides the state.")
RESPONSE_LIMIT = 8 * 1024 * 1024  # a query answering more than this should aggregate (sum, max, topk)
SHOWN_SERIES = 5  # offending series listed in the evidence besides the worst one
NO_DATA_STATES = {"ok": State.OK, "warning": State.WARNING, "critical": State.CRITICAL, "unknown": State.UNKNOWN}

SCHEMA = Obj({
    "url": Str("Prometheus base URL (the query goes to its /api/v1/query).", required=True,
               example="{{ prometheus_url }}"),
    "query": Str("PromQL instant query; it must return a scalar or an instant vector.", required=True,
                 example='histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="search"}[5m])))'),
    "value": DirectedThreshold(Number(), "Thresholds for every returned value; `when: below` alerts on low values "
                               "(uptime, availability), `above` (default) on high ones.",
                               example={"warn": 0.1, "crit": 0.5, "when": "above"}),
    "no_data": Choice(list(NO_DATA_STATES), "State when the query returns no series (or only NaN).", default="unknown"),
    "request_headers": MapOf(Str(), "Headers sent with the query (a tenant or authorization header); never shown.",
                             default={}, example={"X-Scope-OrgID": "ops"}),
    "verify": Bool("Verify the TLS certificate of an https Prometheus.", default=True),
})
ASSERTIONS: tuple[str, ...] = ("value", "no_data")
IMPLICIT = CONNECTING
VAR_DEFAULTS = NO_VAR_DEFAULTS
USES_HTTP = True
EMULATOR: str | None = None
secret_quoting = no_secret_quoting
seed = nothing_to_seed


@dataclass(frozen=True)
class Series:
    """One returned value, its series name and the verdict on it."""

    name: str
    value: float
    state: State = State.OK
    verdict: str = ""


class CannotJudge(Exception):
    """The answer is not something the check can judge: the result is UNKNOWN."""


def describe(params: dict[str, Any]) -> str:
    return f"PromQL at {params['url']}: {params['query']}"


async def probe(params: dict[str, Any], ctx: ProbeContext) -> Outcome:
    assert ctx.http is not None
    base = params["url"].rstrip("/")
    tls = base.lower().startswith("https:")
    session = ctx.http.session(params["verify"] if tls else None)
    async with session.get(f"{base}/api/v1/query", params={"query": params["query"]},
                           headers=params["request_headers"]) as response:
        body = await read_bounded(response, RESPONSE_LIMIT)  # decoded: Prometheus gzips
    return judge(params, response.status, body)


def judge(params: dict[str, Any], status: int, body: bytes) -> Outcome:
    """Judge a query API answer (``status`` and raw ``body``)."""
    query_line = f"query: {params['query']}"
    try:
        series = _series(status, body)
    except CannotJudge as exc:
        return Outcome(State.UNKNOWN, str(exc), "error", evidence=bounded(f"{query_line}\n{exc}"))
    judged = [_judge_one(s, params.get("value")) for s in series if not math.isnan(s.value)]
    if not judged:
        return _no_data(params, query_line, nan_only=bool(series))
    return _verdict(judged, params.get("value"), query_line)


def _series(status: int, body: bytes) -> list[Series]:
    if len(body) >= RESPONSE_LIMIT:
        raise CannotJudge(f"answer larger than {RESPONSE_LIMIT // 2**20} MiB; aggregate the query (sum, max, topk)")
    try:
        document = json.loads(body)
    except ValueError:
        raise CannotJudge(f"HTTP {status}, not a Prometheus API answer: {_first_line(body)}") from None
    if not isinstance(document, dict):
        raise CannotJudge(f"HTTP {status}, not a Prometheus API answer: {_first_line(body)}")
    if document.get("status") != "success":
        kind = document.get("errorType") or f"HTTP {status}"
        raise CannotJudge(f"query failed: {kind}: {document.get('error') or 'no error text'}")
    return _parse_data(document.get("data") or {})


def _parse_data(data: dict[str, Any]) -> list[Series]:
    kind = data.get("resultType")
    result = data.get("result")
    if kind == "scalar":
        return [Series("scalar", _number(result))]
    if kind == "vector" and isinstance(result, list):
        return [Series(_name(item.get("metric") or {}), _number(item.get("value"))) for item in result]
    if kind == "matrix":
        raise CannotJudge("query returned a range vector (matrix); an instant vector or a scalar is expected: "
                          "drop the [range] selector or wrap it in a function such as rate() or max_over_time()")
    raise CannotJudge(f"query returned a {kind or 'result of no type'}; an instant vector or a scalar is expected")


def _number(sample: Any) -> float:
    """The value of a ``[timestamp, "value"]`` pair; Prometheus spells NaN and ±Inf as strings."""
    try:
        return float(sample[1])
    except (TypeError, ValueError, IndexError):
        raise CannotJudge(f"unreadable sample {json.dumps(sample)[:100]}") from None


def _name(labels: dict[str, str]) -> str:
    """PromQL notation: ``name{label="value", ...}``, bounded."""
    name = labels.get("__name__", "")
    pairs = ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(labels.items()) if k != "__name__")
    shown = f"{name}{{{pairs}}}" if pairs or not name else name
    return shown if len(shown) <= 200 else shown[:199] + "…"


def _judge_one(series: Series, limits: dict[str, Any] | None) -> Series:
    verdict = Judge()  # one per series: its failure text is the series' verdict
    verdict.threshold(series.name, series.value, limits, below=_below(limits))
    if verdict.failures:
        return Series(series.name, series.value, State.CRITICAL, verdict.failures[0])
    if verdict.warnings:
        return Series(series.name, series.value, State.WARNING, verdict.warnings[0])
    return series


def _below(limits: dict[str, Any] | None) -> bool:
    return bool(limits and limits.get("when") == "below")


def _verdict(judged: list[Series], limits: dict[str, Any] | None, query_line: str) -> Outcome:
    below = _below(limits)
    # Worst first: by state, then by how far the value went the bad way.
    ranked = sorted(judged, key=lambda s: (s.state.rank, -s.value if below else s.value), reverse=True)
    worst = ranked[0]
    totals = Judge()  # perfdata and metrics for the worst value
    totals.threshold("worst", worst.value, limits, below=below)
    observed = f"{worst.name} {worst.value:g}" + (f" (worst of {len(judged)} series)" if len(judged) > 1 else "")
    if worst.state is State.OK:
        return Outcome(State.OK, observed, "", observed, "", totals.perfdata, totals.metrics)
    offending = [s for s in ranked if s.state is not State.OK]
    summary = worst.verdict + (f" ({len(offending)} of {len(judged)} series out of bounds)" if len(judged) > 1 else "")
    evidence = _evidence(query_line, limits, offending, len(judged))
    return Outcome(worst.state, summary, "assertion", observed, evidence, totals.perfdata, totals.metrics)


def _evidence(query_line: str, limits: dict[str, Any] | None, offending: list[Series], total: int) -> str:
    lines = [query_line, f"expected: {_expected(limits)}", f"actual: {len(offending)} of {total} series out of bounds"]
    lines += [f"  {s.verdict}" for s in offending[: SHOWN_SERIES + 1]]
    if len(offending) > SHOWN_SERIES + 1:
        lines.append(f"  … and {len(offending) - SHOWN_SERIES - 1} more")
    return bounded("\n".join(lines))


def _expected(limits: dict[str, Any] | None) -> str:
    limits = limits or {}
    bound = "at least" if _below(limits) else "at most"
    parts = [f"{limits[k]:g} ({k})" for k in ("warn", "crit") if limits.get(k) is not None]
    return f"{bound} " + " and ".join(parts) if parts else "any value"


def _no_data(params: dict[str, Any], query_line: str, *, nan_only: bool) -> Outcome:
    state = NO_DATA_STATES[params["no_data"]]
    summary = "query returned only NaN (e.g. 0/0: no traffic)" if nan_only else "query returned no data"
    reason = {State.OK: "", State.UNKNOWN: "error"}.get(state, "assertion")
    return Outcome(state, summary, reason, summary, bounded(f"{query_line}\n{summary}"))


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    return (text.splitlines() or ["empty body"])[0][:200]
