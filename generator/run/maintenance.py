"""Maintenance during a run: which results fall in a window, and the ad-hoc windows of ``--maintenance``.

A check inside an active window still runs; its result becomes MAINTENANCE
with the window's reason and keeps what the probe saw (``probed_state``), so
metrics still carry the real state and the generated alert rules silence it
through the maintenance series instead.

``run-checks --maintenance "2h: reason"`` declares a window from now on for
what the run selects; it is kept in the results store
(``.runbooks/results/maintenance.json``, merged under a lock, written
atomically, expired windows dropped), so later runs and builds honour it too.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from generator.format.maintenance import Scope, Window
from generator.format.options import Problem, parse_duration
from generator.fsutil import locked, write_atomic
from generator.run.results import Result, State
from generator.run.store import store_dir

__all__ = ["ADHOC_FILE", "ADHOC_ORIGIN", "parse_adhoc", "adhoc_window", "load_adhoc", "store_adhoc", "apply"]

ADHOC_FILE = "maintenance.json"
ADHOC_ORIGIN = "run-checks --maintenance"
_ADHOC = re.compile(r"^\s*(?P<duration>[0-9][0-9a-z. ]*?)\s*:\s*(?P<reason>\S.*?)\s*$", re.S)


def parse_adhoc(text: str) -> tuple[float, str]:
    """``"2h: database upgrade"`` → (7200.0, "database upgrade"); ValueError with the expected form otherwise."""
    match = _ADHOC.match(text)
    try:
        seconds = parse_duration(match["duration"]) if match else 0.0
    except Problem:
        seconds = 0.0
    if not match or seconds <= 0:
        raise ValueError(f"expected DURATION: REASON, such as '2h: database upgrade', got {text!r}")
    return seconds, match["reason"]


def adhoc_window(seconds: float, reason: str, start: datetime, mode: str, runbooks: Sequence[str] = (),
                 tags: Sequence[str] = ()) -> Window:
    """A window from ``start`` for ``seconds``, over what a run selects (its mode, runbooks and tags)."""
    start = start.replace(microsecond=0)
    return Window(reason, Scope((mode,), tuple(runbooks), tuple(tags)), start, start + timedelta(seconds=seconds),
                  origin=ADHOC_ORIGIN)


def _path(root: Path) -> Path:
    return store_dir(root) / ADHOC_FILE


def _read(path: Path) -> list[Window]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return []
    entries = data.get("windows") if isinstance(data, dict) else None
    found = [Window.from_dict(e) for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    return [w for w in found if w is not None]


def load_adhoc(root: Path, now: datetime) -> list[Window]:
    """The stored ad-hoc windows that have not ended."""
    return [w for w in _read(_path(root)) if w.end is not None and w.end > now]


def store_adhoc(root: Path, window: Window, now: datetime) -> None:
    """Add ``window`` (once) and drop the ended ones, in one lock."""
    path = _path(root)
    with locked(path.with_suffix(".lock")):
        kept = [w for w in _read(path) if w.end is not None and w.end > now and w != window]
        payload = {"windows": [w.to_dict() for w in [*kept, window]]}
        write_atomic(path, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")


def apply(results: Iterable[Result], windows: Sequence[Window], tags: Mapping[str, Sequence[str]],
          when: datetime) -> list[Result]:
    """Results, with those inside a window active at ``when`` made MAINTENANCE (``tags``: runbook → its tags)."""
    active = [w for w in windows if w.active_at(when)]  # ``when`` is the run's: the same for every result
    if not active:
        return list(results)
    out = []
    for result in results:
        window = _covering(result, active, tags) if result.state is not State.SKIPPED else None
        if window is not None:
            result = replace(result, state=State.MAINTENANCE, maintenance=window.reason,
                             probed_state=result.state.value)
        out.append(result)
    return out


def _covering(result: Result, windows: Sequence[Window], tags: Mapping[str, Sequence[str]]) -> Window | None:
    """The first of the (active) ``windows`` whose scope covers ``result``."""
    for window in windows:
        if window.scope.covers(result.mode, result.runbook, tags.get(result.runbook, ()), result.check):
            return window
    return None
