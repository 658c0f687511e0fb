"""``run-checks --every DURATION``: run a mode's checks again and again, recording and stamping each time.

Each run is ``pipeline.run`` itself, so it records into the store (keeping the history
rotation), writes the requested formats and stamps the site exactly as a single run does.

- **Jitter.** Runs start every ``every`` seconds, each one up to ``jitter`` seconds later
  (a random share), so many runners do not probe the same targets in step.
- **No overlap.** A run holds ``.runbooks/results/<mode>.run.lock`` (an flock) while it
  runs: a second ``--every`` of the same mode waits for its turn, and a run that takes
  longer than the interval is followed at once, never doubled up.
- **SIGTERM** (systemd stopping the service, Kubernetes deleting the pod): the run in
  progress finishes, within its ``--deadline`` (its writes are atomic anyway), and the loop
  stops with exit code 0; a second SIGTERM stops at once. Ctrl-C stops at once.
- **Flat memory.** Each run reads the runbooks afresh (an edit takes effect on the next run)
  and keeps nothing from the one before.

A run that fails to start (the runbooks became invalid, say) is reported and retried at
the next turn; only the first run's failure stops the loop.
"""

from __future__ import annotations

import fcntl
import gc
import random
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Callable, Iterator

from generator.errors import EXIT_OK, RunbooksError
from generator.run.pipeline import RunReport, RunRequest, run
from generator.run.store import store_dir

__all__ = ["Schedule", "Stopping", "run_every", "run_lock"]

LOCK_POLL = 0.05  # seconds between tries for a lock another run holds


@dataclass(frozen=True)
class Schedule:
    every: float  # seconds from one run's start to the next
    jitter: float = 0.0  # up to this much later, at random
    runs: int | None = None  # stop after this many runs; None: until stopped


class Stopping:
    """SIGTERM sets it (the loop ends after the current run); a second SIGTERM stops at once."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._previous: Any = signal.SIG_DFL

    def __enter__(self) -> "Stopping":
        self._previous = signal.signal(signal.SIGTERM, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGTERM, self._previous)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.event.is_set():
            raise KeyboardInterrupt  # the second one: now
        self.event.set()

    def is_set(self) -> bool:
        return self.event.is_set()

    def wait(self, seconds: float) -> bool:
        return self.event.wait(seconds)


@contextmanager
def run_lock(path: Path, stopping: Stopping) -> Iterator[bool]:
    """Hold the mode's run lock (waiting for another run to finish); False when stopped while waiting."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if stopping.wait(LOCK_POLL):
                    yield False
                    return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def run_every(request: RunRequest, schedule: Schedule, report: Callable[[RunReport], None],
              failed: Callable[[RunbooksError], None], *, clock: Callable[[], float] = time.monotonic,
              share: Callable[[], float] = random.random) -> int:
    """Run ``request`` on ``schedule`` until SIGTERM (exit 0) or ``schedule.runs`` runs (the last run's code)."""
    lock = store_dir(request.root) / f"{request.mode}.run.lock"
    code, done, start = EXIT_OK, 0, clock()
    with Stopping() as stopping:
        while not stopping.is_set():
            with run_lock(lock, stopping) as ours:
                outcome = _one(request, done == 0, failed) if ours else None
            if outcome is not None:
                report(outcome)
                code = outcome.exit_code
            del outcome
            # Between runs, where a pause costs nothing: each run freezes the heap without collecting
            # (a collection then would stall its probes), so the last run's cycles are freed here.
            gc.collect()
            done += 1
            if schedule.runs is not None and done >= schedule.runs:
                break
            start = max(start + schedule.every, clock())  # a run longer than the interval: the next starts now
            stopping.wait(start - clock() + share() * schedule.jitter)
        return EXIT_OK if stopping.is_set() else code


def _one(request: RunRequest, first: bool, failed: Callable[[RunbooksError], None]) -> RunReport | None:
    try:
        return run(request)
    except RunbooksError as exc:
        if first:
            raise
        failed(exc)
        return None
