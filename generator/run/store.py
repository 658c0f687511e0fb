"""The results store: the latest result of every check and the last runs, per mode.

``run-checks`` merges each run into ``.runbooks/results/<mode>.json`` so that a
later ``runbooks build`` or ``mkdocs build`` renders the same results (and
history) the pages were stamped with. The file lives outside ``site/``, so
history survives rebuilds. Concurrent runs read, modify and write the file
inside one exclusive lock, and the write is atomic: no run is lost and no
reader sees a torn file.

File format (``STORE_VERSION`` 2)::

    {"store_version": 2, "schema_version": 1, "mode": "local",
     "last_run": {"mode", "started_at", "commit"},
     "checks": {"<runbook>/<check>": <Result.to_dict()>, ...},
     "history": [{"id", "started_at", "commit", "states": {"<runbook>/<check>": "OK", ...}}, ...]}

``history`` is oldest first and holds at most ``keep`` runs. Version 1 files
(no history) are read as they are: their results stay, their history is empty.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from generator.format.maintenance import Notice
from generator.format.schema import DEFAULT_HISTORY, DEFAULT_STALE_AFTER
from generator.fsutil import locked, write_atomic
from generator.run.results import Result

__all__ = ["SCHEMA_VERSION", "STORE_VERSION", "RunInfo", "RunRecord", "Listed", "ResultsIndex", "store_dir",
           "load_index", "record_run"]

# The version of one result record (as in the JSON report); the store file has its own.
SCHEMA_VERSION = 1
STORE_VERSION = 2


def store_dir(root: Path) -> Path:
    return root / ".runbooks" / "results"


@dataclass
class RunInfo:
    mode: str
    started_at: str
    commit: str


@dataclass
class RunRecord:
    """One run in the history: when, at which commit, and the state of each check it ran."""

    id: str
    started_at: str
    commit: str
    states: dict[str, str]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunRecord":
        states = data.get("states")
        return cls(str(data.get("id", "")), str(data.get("started_at", "")), str(data.get("commit", "")),
                   {str(k): str(v) for k, v in states.items()} if isinstance(states, dict) else {})


@dataclass
class Listed:
    """A runbook as a mode's pages list it: id, title, and its checks' ``(id, title)``, run or not
    (the dashboard lists the not-run ones too)."""

    id: str
    title: str
    checks: list[tuple[str, str]]


@dataclass
class ResultsIndex:
    """What result slots render from: latest results and history by mode, the last run's info,
    and (filled from the project by ``stamp.filtered_index``) how pages judge and list them."""

    results: dict[str, dict[str, Result]] = field(default_factory=dict)
    runs: dict[str, RunInfo] = field(default_factory=dict)
    history: dict[str, list[RunRecord]] = field(default_factory=dict)
    listing: dict[str, list[Listed]] = field(default_factory=dict)
    stale_after: float = DEFAULT_STALE_AFTER
    flapping: int = DEFAULT_HISTORY["flapping"]
    notices: dict[str, list[Notice]] = field(default_factory=dict)  # maintenance banners: "<mode>" and "<mode>/<runbook>"

    def get(self, mode: str, key: str) -> Result | None:
        return self.results.get(mode, {}).get(key)

    def for_mode(self, mode: str) -> dict[str, Result]:
        return self.results.get(mode, {})

    def states_of(self, mode: str, key: str) -> list[tuple[str, str]]:
        """``(started_at, state)`` of one check in the kept runs that ran it, oldest first."""
        return [(run.started_at, run.states[key]) for run in self.history.get(mode, []) if key in run.states]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        return {}
    return data if data.get("store_version", 1) in (1, STORE_VERSION) else {}


def _history(data: dict[str, Any]) -> list[dict[str, Any]]:
    runs = data.get("history")
    return [r for r in runs if isinstance(r, dict)] if isinstance(runs, list) else []


def load_index(root: Path, modes: Iterable[str]) -> ResultsIndex:
    index = ResultsIndex()
    for mode in modes:
        data = _read(store_dir(root) / f"{mode}.json")
        index.results[mode] = {k: Result.from_dict(v) for k, v in data.get("checks", {}).items()}
        index.history[mode] = [RunRecord.from_dict(r) for r in _history(data)]
        if data.get("last_run"):
            index.runs[mode] = RunInfo(**data["last_run"])
    return index


def record_run(root: Path, info: RunInfo, results: list[Result], keep: set[str],
               limit: int = DEFAULT_HISTORY["keep"]) -> RunRecord:
    """Merge a run into the store and append it to the history (at most ``limit`` runs).

    Checks that no longer exist (not in ``keep``) are dropped from the results
    and from the history. Returns the history record of this run.
    """
    path = store_dir(root) / f"{info.mode}.json"
    record = RunRecord(uuid.uuid4().hex[:12], info.started_at, info.commit,
                       {r.key: r.state.value for r in sorted(results, key=lambda r: r.key)})
    with locked(path.with_suffix(".lock")):  # read-modify-write in one lock: a concurrent run waits its turn
        data = _read(path)
        checks = {k: v for k, v in data.get("checks", {}).items() if k in keep}
        checks.update({r.key: r.to_dict() for r in results})
        history = [_pruned(r, keep) for r in _history(data)] + [asdict(record)]
        # By start time, not by finishing order: of two overlapping runs, the later-started one is the newer state.
        history.sort(key=lambda r: str(r.get("started_at", "")))
        payload = {"store_version": STORE_VERSION, "schema_version": SCHEMA_VERSION, "mode": info.mode,
                   "last_run": asdict(info), "checks": dict(sorted(checks.items())), "history": history[-limit:]}
        write_atomic(path, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    return record


def _pruned(run: dict[str, Any], keep: set[str]) -> dict[str, Any]:
    states = run.get("states")
    return {**run, "states": {k: v for k, v in states.items() if k in keep} if isinstance(states, dict) else {}}
