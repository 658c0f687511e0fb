"""Maintenance windows: planned work during which checks still run but do not count.

A window is either one interval (``start`` and ``end``) or a weekly schedule
(``every: "sun 02:00"`` and a ``duration``), read in a named time zone
(``timezone``, default UTC), with a ``reason`` and a ``scope``: the modes,
runbooks, tags and checks it covers (each key narrows it; a window without a
scope covers everything). ``_project.yaml`` and any runbook may declare
windows; a runbook's windows cover only its own checks.

Results of checks inside a window are MAINTENANCE (``generator.run.maintenance``);
pages show a banner while a window is active, judged in the browser at view
time from the intervals listed here (``Window.intervals``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from generator.format.document import PathKey
from generator.format.options import (
    INVALID,
    SAFE_ID,
    SAFE_ID_HINT,
    Ctx,
    Duration,
    ListOf,
    Obj,
    Option,
    Problem,
    Str,
    Tmpl,
    describe,
    format_duration,
)

__all__ = ["WEEKDAYS", "Scope", "Weekly", "Window", "Notice", "WindowOption", "window_list", "check_references",
           "parse_every", "iso", "horizon", "zone_named"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CHECK_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}/[a-z0-9][a-z0-9_-]{0,63}$")
_EVERY = re.compile(r"^(?:(?P<days>[a-z,\-]+)\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})$")


def zone_named(name: str) -> tzinfo:
    """An IANA time zone (from the system's database, or the tzdata package); UTC needs neither."""
    return timezone.utc if name == "UTC" else ZoneInfo(name)


def iso(when: datetime) -> str:
    """``2026-12-06T02:00:00Z``: the UTC form pages, stores and reports use."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Scope:
    """What a window covers; every key given narrows it (a check must match them all)."""

    modes: tuple[str, ...] = ()
    runbooks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()  # ``runbook/check`` keys

    def covers(self, mode: str, runbook: str, tags: Iterable[str], check: str | None = None) -> bool:
        """Whether the window covers ``check`` of ``runbook`` in ``mode`` (or, without ``check``, the runbook)."""
        if (self.modes and mode not in self.modes) or (self.runbooks and runbook not in self.runbooks):
            return False
        if self.tags and not set(self.tags) & set(tags):
            return False
        return not self.checks or check is None or f"{runbook}/{check}" in self.checks

    def covers_any(self, mode: str, runbook: str, tags: Iterable[str], checks: Iterable[str]) -> bool:
        """Whether it covers the runbook at all: some of its ``checks``, or all when it names none."""
        if not self.covers(mode, runbook, tags):
            return False
        return not self.checks or any(f"{runbook}/{check}" in self.checks for check in checks)

    def describe(self) -> str:
        """``modes local; checks api/db``: what it covers, in words (checks name their runbooks already)."""
        runbooks = () if self.checks else self.runbooks
        parts = [f"{name} {', '.join(values)}" for name, values in
                 (("modes", self.modes), ("runbooks", runbooks), ("tags", self.tags), ("checks", self.checks))
                 if values]
        return "; ".join(parts) or "every check"

    def to_dict(self) -> dict[str, list[str]]:
        return {name: list(values) for name, values in
                (("modes", self.modes), ("runbooks", self.runbooks), ("tags", self.tags), ("checks", self.checks))
                if values}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Scope":
        def strings(name: str) -> tuple[str, ...]:
            values = data.get(name)
            return tuple(str(v) for v in values) if isinstance(values, list) else ()

        return cls(strings("modes"), strings("runbooks"), strings("tags"), strings("checks"))


@dataclass(frozen=True)
class Weekly:
    """``every: "mon-fri 02:00"``: on these weekdays (0 is Monday), at this local time."""

    days: tuple[int, ...]
    at: time
    text: str


@dataclass(frozen=True)
class Window:
    reason: str
    scope: Scope = field(default_factory=Scope)
    start: datetime | None = None  # aware; with ``end``: one interval
    end: datetime | None = None
    every: Weekly | None = None  # with ``duration``: a weekly schedule
    duration: float = 0.0
    zone: str = "UTC"
    origin: str = ""  # who declared it: "runbooks/_project.yaml", "run-checks --maintenance"

    def intervals(self, since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
        """Its occurrences that overlap ``[since, until)``, in UTC, in order."""
        if self.every is None:
            assert self.start is not None and self.end is not None
            found = [(self.start, self.end)]
        else:
            found = self._weekly(since, until)
        return [(s.astimezone(timezone.utc), e.astimezone(timezone.utc)) for s, e in found if s < until and e > since]

    def _weekly(self, since: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
        assert self.every is not None
        zone, length = zone_named(self.zone), timedelta(seconds=self.duration)
        first = (since - length).astimezone(zone).date() - timedelta(days=1)
        days = (until.astimezone(zone).date() - first).days + 1
        starts = [datetime.combine(first + timedelta(days=n), self.every.at, zone) for n in range(days)]
        # In UTC before adding: aware arithmetic in one zone is wall-clock time, and a window
        # over the night clocks go back would last an hour longer than its duration.
        return [(start, start.astimezone(timezone.utc) + length) for start in starts
                if start.weekday() in self.every.days]

    def active_at(self, when: datetime) -> tuple[datetime, datetime] | None:
        """The occurrence ``when`` falls in, or None."""
        hits = self.intervals(when, when + timedelta(seconds=1))
        return next((hit for hit in hits if hit[0] <= when < hit[1]), None)

    def when(self) -> str:
        """The schedule in words: ``sun 02:00 for 2h (Europe/Berlin)``, or the interval."""
        if self.every is not None:
            return f"{self.every.text} for {format_duration(self.duration)} ({self.zone})"
        assert self.start is not None and self.end is not None
        return f"{iso(self.start)} to {iso(self.end)}"

    def to_dict(self) -> dict[str, Any]:
        """A one-off window, as the results store keeps an ad-hoc one."""
        assert self.start is not None and self.end is not None
        return {"reason": self.reason, "start": iso(self.start), "end": iso(self.end),
                "scope": self.scope.to_dict(), "origin": self.origin}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Window | None":
        try:
            start, end = _utc(str(data["start"])), _utc(str(data["end"]))
        except (KeyError, ValueError):
            return None
        scope = data.get("scope")
        return cls(str(data.get("reason", "")), Scope.from_dict(scope if isinstance(scope, dict) else {}),
                   start, end, origin=str(data.get("origin", "")))


@dataclass(frozen=True)
class Notice:
    """A window as a page announces it: its occurrences over the coming weeks, for the browser to judge."""

    reason: str
    covers: str
    schedule: str
    intervals: tuple[tuple[str, str], ...]  # ISO 8601 UTC (start, end)

    @classmethod
    def of(cls, window: Window, since: datetime, until: datetime) -> "Notice | None":
        found = window.intervals(since, until)
        if not found:
            return None
        return cls(window.reason, window.scope.describe(), window.when(), tuple((iso(s), iso(e)) for s, e in found))


HORIZON_DAYS = 42


def horizon(now: datetime) -> tuple[datetime, datetime]:
    """The span pages list occurrences for: from yesterday (UTC midnight) for six weeks.

    Whole days, so a page stamped and one rebuilt on the same day are identical; pages are
    stamped on every run, which moves it along."""
    since = datetime.combine(now.astimezone(timezone.utc).date() - timedelta(days=1), time(), timezone.utc)
    return since, since + timedelta(days=HORIZON_DAYS + 1)


def _utc(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# ---------------------------------------------------------------- the option types

class Timestamp(Option):
    """A date and time, ISO 8601: ``2026-12-05T22:00:00Z``, or local to the window's ``timezone`` without an offset."""

    type_name = "date-time"

    def parse(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value
        if isinstance(value, str) and len(value.strip()) > len("2026-12-05"):  # a date alone is not a time
            try:
                return datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
            except ValueError:
                pass
        shown = value.isoformat() if isinstance(value, date) else describe(value)
        raise Problem(f"expected a date and time such as 2026-12-05T22:00:00Z, got {shown}")


def parse_every(text: str) -> Weekly:
    """``"sun 02:00"``, ``"mon-fri 06:30"``, ``"mon,thu 01:00"``, ``"daily 02:00"`` or ``"02:00"``; Problem otherwise."""
    match = _EVERY.match(text.strip().lower())
    hour = int(match["hour"]) if match else 24
    if not match or hour > 23 or int(match["minute"]) > 59:
        raise Problem(f"expected days and a time such as \"sun 02:00\", \"mon-fri 06:30\" or \"daily 02:00\", "
                      f"got {describe(text)}")
    days = _days(match["days"] or "daily", text)
    return Weekly(days, time(hour, int(match["minute"])), text.strip())


def _days(spec: str, text: str) -> tuple[int, ...]:
    if spec == "daily":
        return tuple(range(7))
    days: set[int] = set()
    for part in spec.split(","):
        first, _, last = part.partition("-")
        if first not in WEEKDAYS or (last and last not in WEEKDAYS):
            raise Problem(f"unknown day in {describe(text)}; days are {', '.join(WEEKDAYS)}, a range such as "
                          "mon-fri, or daily")
        a, b = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return tuple(sorted(days))


class Every(Str):
    type_name = "weekly schedule"

    def parse(self, value: Any) -> Any:
        return parse_every(super().parse(value))


class Zone(Str):
    type_name = "time zone"

    def parse(self, value: Any) -> Any:
        text = super().parse(value)
        try:
            zone_named(text)
        except (ZoneInfoNotFoundError, ValueError):
            raise Problem(f"unknown time zone {describe(text)}; use an IANA name such as UTC or Europe/Berlin") from None
        return text


def _scope(*, in_runbook: bool) -> Obj:
    fields: dict[str, Option] = {"modes": ListOf(Str(), "Only in these modes.", example=["aws"])}
    if in_runbook:
        fields["checks"] = ListOf(Str(pattern=SAFE_ID, hint=SAFE_ID_HINT), "Only these checks of this runbook (ids).",
                                  example=["health"])
    else:
        fields["runbooks"] = ListOf(Str(pattern=SAFE_ID, hint=SAFE_ID_HINT), "Only these runbooks (ids).",
                                    example=["search-health"])
        fields["tags"] = ListOf(Str(), "Only runbooks with one of these tags.", example=["search"])
        fields["checks"] = ListOf(Str(pattern=CHECK_KEY, hint="is not runbook/check (two safe ids)"),
                                  "Only these checks, as runbook/check.", example=["search-health/p95"])
    return Obj(fields, "What the window covers; each key narrows it. Default: " +
               ("every check of this runbook." if in_runbook else "every check."))


class WindowOption(Obj):
    """One window: ``start`` and ``end``, or ``every`` and ``duration``; checked as a whole, made a ``Window``."""

    type_name = "maintenance window"

    def __init__(self, *, in_runbook: bool) -> None:
        super().__init__({
            "reason": Str("Why: shown on the pages and in results.", required=True, example="Database upgrade"),
            "start": Timestamp("Start of a one-off window (ISO 8601).", example="2026-12-05T22:00:00Z"),
            "end": Timestamp("End of a one-off window (ISO 8601).", example="2026-12-06T02:00:00Z"),
            "every": Every("A weekly schedule: weekdays (mon-fri, sat,sun, daily) and a local time.",
                           example="sun 02:00"),
            "duration": Duration("How long each scheduled window lasts.", example="2h"),
            "timezone": Zone("IANA time zone of `every`, and of `start`/`end` without an offset.", default="UTC",
                             example="Europe/Berlin"),
            "scope": _scope(in_runbook=in_runbook),
        }, one_of=("start", "every"))

    def validate(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        out = super().validate(value, path, ctx)
        leaves = _leaves(out) if out is not INVALID else [INVALID]
        if any(isinstance(v, Tmpl) for v in leaves):
            ctx.error(path, "maintenance windows take no {{ variables }}")
            return INVALID
        return INVALID if any(v is INVALID for v in leaves) else self._window(out, path, ctx)

    def _window(self, out: dict[str, Any], path: PathKey, ctx: Ctx) -> Any:
        zone = zone_named(out["timezone"])
        scope = out["scope"] or {}
        made = Scope(tuple(scope.get("modes") or ()), tuple(scope.get("runbooks") or ()),
                     tuple(scope.get("tags") or ()), tuple(scope.get("checks") or ()))
        if (out["every"] is None) == (out["start"] is None):
            return INVALID  # neither or both: Obj's one_of said so
        if out["every"] is not None:
            return self._weekly(out, made, path, ctx)
        if out["duration"] is not None:
            ctx.error(path + ("duration",), "duration goes with every; a window with start ends at its end")
            return INVALID
        if out["end"] is None:
            ctx.error(path, "a window with start needs an end")
            return INVALID
        start, end = (t if t.tzinfo else t.replace(tzinfo=zone) for t in (out["start"], out["end"]))
        if end <= start:
            ctx.error(path + ("end",), f"end ({iso(end)}) must be after start ({iso(start)})")
            return INVALID
        return Window(out["reason"], made, start, end, zone=out["timezone"])

    def _weekly(self, out: dict[str, Any], scope: Scope, path: PathKey, ctx: Ctx) -> Any:
        if out["end"] is not None:
            ctx.error(path + ("end",), "end goes with start; a window with every lasts its duration")
            return INVALID
        if not out["duration"]:
            ctx.error(path, "a window with every needs a duration longer than 0s, e.g. duration: 2h")
            return INVALID
        return Window(out["reason"], scope, every=out["every"], duration=out["duration"], zone=out["timezone"])


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def window_list(*, in_runbook: bool) -> ListOf:
    where = "this runbook's checks" if in_runbook else "checks"
    return ListOf(WindowOption(in_runbook=in_runbook),
                  f"Maintenance windows: while one is active, {where} in its scope still run, but their results are "
                  "MAINTENANCE (they fail no run and raise no alert) and the pages show a banner.", default=[],
                  example=[{"reason": "Weekly index rebuild", "every": "sun 02:00", "duration": "2h",
                            "timezone": "Europe/Berlin", "scope": {"modes": ["hybrid"]}}])


def check_references(windows: Sequence[Any], ctx: Ctx, modes: Sequence[str], checks: Mapping[str, Iterable[str]],
                     *, runbook: str | None = None) -> None:
    """Every mode, runbook and check a scope names exists (``checks``: runbook id → its check ids)."""
    for index, window in enumerate(windows):
        if not isinstance(window, Window):
            continue
        where: PathKey = ("maintenance", index, "scope")
        for i, mode in enumerate(window.scope.modes):
            if mode not in modes:
                ctx.error(where + ("modes", i), f"undeclared mode {describe(mode)}; declared modes: {', '.join(modes)}")
        for i, name in enumerate(window.scope.runbooks):
            if name not in checks:
                ctx.error(where + ("runbooks", i), f"unknown runbook {describe(name)}")
        for i, key in enumerate(window.scope.checks):
            owner, _, check = key.rpartition("/") if runbook is None else (runbook, "/", key)
            if check not in set(checks.get(owner, ())):
                ctx.error(where + ("checks", i), f"unknown check {describe(key)}"
                          + ("" if runbook is None else "; checks in this runbook: " + ", ".join(checks[runbook])))
