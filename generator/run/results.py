"""Results: states, outcomes of one probe, and results of one check run.

A probe that could not run (bad input at run time) is UNKNOWN; a probe that
ran and saw something wrong is WARNING or CRITICAL with a classified reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Any, Iterable

__all__ = ["State", "FAIL_ON", "DEFAULT_FAIL_ON", "REASONS", "Outcome", "Result", "Run", "counts", "worst",
           "EVIDENCE_LIMIT", "EVIDENCE_TOTAL", "bounded", "expected_actual", "retry_note", "parse_utc", "recordable"]

# ``needs``: skipped because a check it needs is not OK.
REASONS = ("timeout", "connect", "dns", "tls", "assertion", "error", "needs")
EVIDENCE_LIMIT = 2048  # one excerpt: a body, a stdout tail
EVIDENCE_TOTAL = 4096  # everything a result carries as evidence


class State(str, Enum):
    OK = "OK"
    WARNING = "WARNING"
    CRITICAL = "CRITICAL"
    UNKNOWN = "UNKNOWN"
    SKIPPED = "SKIPPED"
    MAINTENANCE = "MAINTENANCE"  # ran inside a maintenance window: shown, never failing (``Result.probed_state`` says what it saw)

    @property
    def exit_code(self) -> int:
        """Nagios plugin exit code (SKIPPED and MAINTENANCE count as OK)."""
        return {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3, "SKIPPED": 0, "MAINTENANCE": 0}[self.value]

    @property
    def rank(self) -> int:
        """Badness, as monitoring-plugins' max_state_alt: CRITICAL > UNKNOWN > WARNING > OK."""
        return {"SKIPPED": 0, "MAINTENANCE": 0, "OK": 1, "WARNING": 2, "UNKNOWN": 3, "CRITICAL": 4}[self.value]


def parse_utc(text: str) -> datetime:
    """A result's time (``2026-12-02T09:00:00Z``, as ``engine.utc_now`` writes it) as an aware datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


# --fail-on: the lowest state that fails a run, and the states that then fail it. UNKNOWN (a check that
# could not run: a missing secret, a missing binary) fails by default, as it does for a Nagios plugin.
FAIL_ON = {"critical": frozenset({State.CRITICAL}),
           "unknown": frozenset({State.CRITICAL, State.UNKNOWN}),
           "warning": frozenset({State.CRITICAL, State.UNKNOWN, State.WARNING})}
DEFAULT_FAIL_ON = "unknown"


def worst(states: Iterable[State]) -> State:
    return max(states, key=lambda s: s.rank, default=State.OK)


def bounded(text: str, limit: int = EVIDENCE_LIMIT) -> str:
    """Keep evidence small: pages and JSON never carry more than ``limit`` chars."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… ({len(text) - limit} more characters cut)"


def expected_actual(rows: Iterable[tuple[str, str, str]]) -> str:
    """``what: expected X, got Y`` lines: the first thing a reader of a failure needs."""
    return "\n".join(f"{what}: expected {expected}, got {actual}" for what, expected, actual in rows)


def retry_note(state: "State", attempts: int) -> str:
    """"passed after 2 retries" (or "failed after …"); empty when the first attempt decided."""
    if attempts <= 1:
        return ""
    retries = attempts - 1
    verb = "passed" if state is State.OK else "still failing"
    return f"{verb} after {retries} retr{'y' if retries == 1 else 'ies'}"


@dataclass
class Outcome:
    """What one probe judged."""

    state: State
    summary: str
    reason: str = ""
    observed: str = ""
    evidence: str = ""
    perfdata: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass
class Result:
    """One check, in one mode, at one time."""

    mode: str
    runbook: str
    check: str
    title: str
    kind: str
    state: State
    summary: str
    reason: str = ""
    observed: str = ""
    evidence: str = ""
    perfdata: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    duration_ms: float = 0.0
    started_at: str = ""
    target: str = ""
    attempts: int = 1
    note: str = ""  # "passed after 2 retries"
    severity: str = "critical"  # the check's declared severity (critical or warning)
    maintenance: str = ""  # the reason of the maintenance window it ran in (state MAINTENANCE)
    probed_state: str = ""  # in a window: the state the probe saw (OK, CRITICAL…)
    vantage: str = ""  # where the run probed from (run-checks --vantage); "" when it did not say

    @property
    def seen(self) -> "State":
        """The state the probe saw, maintenance or not (what metrics and alert rules judge)."""
        return State(self.probed_state) if self.probed_state else self.state

    @property
    def window_note(self) -> str:
        """"maintenance: upgrade; the probe saw CRITICAL" for a result in a window, else ""."""
        return f"maintenance: {self.maintenance}; the probe saw {self.probed_state}" if self.maintenance else ""

    @property
    def key(self) -> str:
        return f"{self.runbook}/{self.check}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON record (``dataclasses.asdict`` deep-copies every field: ten times slower on 10,000 results)."""
        return {"mode": self.mode, "runbook": self.runbook, "check": self.check, "title": self.title, "kind": self.kind,
                "state": self.state.value, "summary": self.summary, "reason": self.reason, "observed": self.observed,
                "evidence": self.evidence, "perfdata": list(self.perfdata), "metrics": dict(self.metrics),
                "duration_ms": self.duration_ms, "started_at": self.started_at, "target": self.target,
                "attempts": self.attempts, "note": self.note, "severity": self.severity, "maintenance": self.maintenance,
                "probed_state": self.probed_state, **({"vantage": self.vantage} if self.vantage else {})}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Result":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["state"] = State(known["state"])
        return cls(**known)

    def nagios_line(self) -> str:
        """``STATE - title: summary | perfdata``, as a Nagios plugin prints it."""
        text = f"{self.state.value} - {self.check}: {self.summary}" + (f" ({self.note})" if self.note else "")
        if self.maintenance:
            text += f" ({self.window_note})"
        return f"{text} | {' '.join(self.perfdata)}" if self.perfdata else text


@dataclass
class Run:
    """One run of a mode's checks: what every output format renders."""

    mode: str
    commit: str
    started_at: str
    finished_at: str
    duration_ms: float
    results: list[Result]
    fail_on: str = DEFAULT_FAIL_ON
    exit_code: int = 0
    id: str = ""  # the run's id: shards of one run share it, and a merge counts it once
    vantage: str = ""  # where the checks ran from (run-checks --vantage); a label in metrics
    uploaded_at: str = ""  # the runner's clock when it uploaded this report (run-checks --upload)
    site_url: str = ""  # where the site is published (mkdocs.yml site_url), for links in reports

    def fails(self, result: Result) -> bool:
        """Whether this result fails the run (per ``fail_on``)."""
        return result.state in FAIL_ON[self.fail_on]


def recordable(result: Result) -> bool:
    """Checks that do not apply to the mode leave no result; a check skipped for its needs does."""
    return result.state is not State.SKIPPED or result.reason == "needs"


def counts(results: list[Result]) -> dict[str, int]:
    return {s.value: sum(1 for r in results if r.state is s) for s in State}
