"""The services' metrics: a deterministic model of traffic, and its Prometheus text exposition.

Every value is a pure function of elapsed time and of when failures were
injected, so a scrape is repeatable and the SLO checks are stable.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from demo.stack.services import VIRTUAL_HISTORY_S, Service


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
        self._spent[failed] += VIRTUAL_HISTORY_S

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
        return now - self.started + VIRTUAL_HISTORY_S


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
