"""What every check kind shares: the probe context and the assertion judge."""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Protocol

from ..results import Outcome, State, expected_actual
from ..schema import Obj, format_duration

if TYPE_CHECKING:
    import httpx

__all__ = ["Kind", "Clock", "ProbeContext", "Judge", "HttpClients", "PROBE_TIMEOUT"]

# The running probe's time limit, set by the engine per check: kinds whose
# client library blocks in a thread (boto3) size their own socket timeouts
# from it, so a cancelled probe does not leave a thread waiting far longer.
PROBE_TIMEOUT: ContextVar[float] = ContextVar("probe_timeout", default=10.0)


class HttpClients(Protocol):
    def lease(self, verify: Any) -> Any: ...


Clock = Callable[[], float]  # seconds since the epoch, as time.time


@dataclass
class ProbeContext:
    """What a probe may use: the project root (relative paths), HTTP clients, and the clock.

    Ages (file, S3 object) and certificate days left are judged against
    ``clock()``, never against time.time directly, so a caller (a test) can
    fix "now" and get exact ages however slow the machine is.
    """

    root: Path
    http: HttpClients | None = None
    clock: Clock = time.time

    def now(self) -> datetime:
        """``clock()`` as an aware UTC datetime."""
        return datetime.fromtimestamp(self.clock(), timezone.utc)


class Kind(Protocol):
    """A check kind module: see generator/kinds/http.py for a full example."""

    NAME: str
    SCHEMA: Obj
    ASSERTIONS: tuple[str, ...]
    DOC: str

    def describe(self, params: dict[str, Any]) -> str: ...

    async def probe(self, params: dict[str, Any], ctx: ProbeContext) -> Outcome: ...


@dataclass
class Judge:
    """Collects assertion verdicts and threshold crossings into one Outcome."""

    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    perfdata: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    mismatches: list[tuple[str, str, str]] = field(default_factory=list)  # (what, expected, actual)

    def expect(self, ok: bool, what: str, expected: Any, actual: Any, *, summary: str | None = None) -> bool:
        """Record a failed assertion; ``summary`` replaces the default ``what: expected X, got Y`` wording."""
        if not ok:
            self.failures.append(summary or f"{what}: expected {expected}, got {actual}")
            self.mismatches.append((what, str(expected), str(actual)))
        return ok

    def threshold(self, label: str, value: float, limits: dict[str, Any] | None, unit: str = "",
                  *, durations: bool = False, below: bool = False) -> None:
        """Compare ``value`` with ``{warn, crit}``: crossing above is bad, or below when ``below``."""
        show: Callable[[Any], str] = format_duration if durations else (lambda v: f"{v:g}{unit}")
        limits = limits or {}
        self.metrics[f"{label}_{_perf_unit(unit, durations) or 'value'}".replace("%", "percent")] = value
        warn: Any = limits.get("warn")  # Any: mypy cannot see that crossed() rules out None
        crit: Any = limits.get("crit")
        self.perfdata.append(f"{label}={value:g}{_perf_unit(unit, durations)};{_g(warn, below)};{_g(crit, below)}")
        sign, bound = ("<", "at least") if below else (">", "at most")
        for level, limit, into in (("crit", crit, self.failures), ("warn", warn, self.warnings)):
            if limit is not None and (value < limit if below else value > limit):
                into.append(f"{label} {show(value)} {sign} {level} {show(limit)}")
                self.mismatches.append((label, f"{bound} {show(limit)} ({level})", show(value)))
                return

    def outcome(self, observed: str, evidence: str = "") -> Outcome:
        """The verdict; a failure's evidence starts with expected-against-actual, then ``evidence`` (an excerpt)."""
        if not self.failures and not self.warnings:
            return Outcome(State.OK, observed, "", observed, "", self.perfdata, self.metrics)
        state, summary = (State.CRITICAL, self.failures) if self.failures else (State.WARNING, self.warnings)
        shown = expected_actual(self.mismatches) + (f"\n\n{evidence}" if evidence else "")
        return Outcome(state, "; ".join(summary), "assertion", observed, shown, self.perfdata, self.metrics)


def _g(value: Any, below: bool = False) -> str:
    """A Nagios threshold: ``X`` alerts above X, ``X:`` alerts below X."""
    if value is None:
        return ""
    return f"{value:g}:" if below else f"{value:g}"


def _perf_unit(unit: str, durations: bool) -> str:
    if durations:
        return "s"
    return {"ms": "ms", "%": "%", "B": "B"}.get(unit.strip(), "")
