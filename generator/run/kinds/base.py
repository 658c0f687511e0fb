"""What every check kind shares: the contract (``Kind``), its defaults, the probe context and the judge.

A kind is a module. ``Kind`` names every member a kind module must have; a
member most kinds do not need has a default here (``CONNECTING``,
``NO_VAR_DEFAULTS``, ``no_secret_quoting``, ``nothing_to_seed``), which a
kind assigns explicitly, as pre-commit's languages take ``lang_base``'s
``basic_*`` functions. Nobody reads a kind with ``getattr``: a missing member
is a type error.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol

from generator.format.options import Obj, format_duration
from generator.run.results import Outcome, State, expected_actual

if TYPE_CHECKING:
    import ssl

__all__ = ["Kind", "Clock", "Emulator", "ProbeContext", "Judge", "HttpClients", "PROBE_TIMEOUT", "CONNECTING", "NO_VAR_DEFAULTS",
           "no_secret_quoting", "nothing_to_seed"]

# The running probe's time limit, set by the engine per check: kinds whose
# client library blocks in a thread (boto3) size their own socket timeouts
# from it, so a cancelled probe does not leave a thread waiting far longer.
PROBE_TIMEOUT: ContextVar[float] = ContextVar("probe_timeout", default=10.0)


class HttpClients(Protocol):
    def session(self, verify: "bool | ssl.SSLContext | None") -> Any:
        """The run's session for these TLS settings (None: plain http): an aiohttp ClientSession
        (``wire.HttpPool``), or one with the same ``request`` over the standard library (``stdhttp``)."""


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


class Emulator(Protocol):
    """A local stand-in for a provider's API (moto_server for AWS), as the demo and the tests run one."""

    def client(self, service: str) -> Any:
        """A client of the emulator for ``service`` (a boto3 client for AWS)."""


class Kind(Protocol):
    """A check kind module: see generator/run/kinds/http.py for a full example."""

    NAME: str
    DOC: str  # one paragraph, for the format reference
    SCHEMA: Obj  # the keys of its block
    ASSERTIONS: tuple[str, ...]  # keys that assert something; empty when the probe itself is the assertion
    IMPLICIT: str  # what it asserts when ASSERTIONS is empty, for the reference ("connecting")
    VAR_DEFAULTS: Mapping[str, str]  # key → the mode variable it defaults to when the check leaves it out
    USES_HTTP: bool  # probes through the run's shared HTTP clients (``ProbeContext.http``)
    EMULATOR: str | None  # the emulator the demo and tests run it against ("aws": moto_server), or None

    def describe(self, params: dict[str, Any]) -> str:
        """The target in a few words (``GET https://…``), for pages and evidence."""

    async def probe(self, params: dict[str, Any], ctx: ProbeContext) -> Outcome:
        """Look, judge and return an Outcome; raise for what ``engine.classify`` maps (timeouts, refusals…)."""

    def secret_quoting(self, params: dict[str, Any]) -> Mapping[str, Callable[[str], str]]:
        """Key → how a ``${env:…}`` secret filled into that key is quoted (a shell word in a command line)."""

    def seed(self, params: dict[str, Any], emulator: Emulator) -> None:
        """Make ``emulator`` hold what a passing check expects (a bucket with a fresh backup, an alarm in OK)."""


CONNECTING = "connecting"  # the default IMPLICIT: the probe connecting is the assertion
NO_VAR_DEFAULTS: Mapping[str, str] = MappingProxyType({})


def no_secret_quoting(params: dict[str, Any]) -> Mapping[str, Callable[[str], str]]:
    """Secrets are filled in as they are."""
    return {}


def nothing_to_seed(params: dict[str, Any], emulator: Emulator) -> None:
    """No emulator holds what this kind looks at (it probes the demo stack, a file, a process)."""


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
