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

from generator.format.defaults import DEFAULT_HISTORY, DEFAULT_STALE_AFTER
from generator.format.maintenance import Notice
from generator.fsutil import locked, write_atomic
from generator.run.results import Result

__all__ = ["SCHEMA_VERSION", "STORE_VERSION", "RunInfo", "RunRecord", "Listed", "ResultsIndex", "store_dir",
           "load_index", "record_run", "json_lines"]

# The version of one result record (as in the JSON report); the store file has its own.
SCHEMA_VERSION = 1
STORE_VERSION = 2


def store_dir(root: Path) -> Path:
    return root / ".runbooks" / "results"


@dataclass
class RunInfo:
    """A run as the store knows it. ``at`` orders runs (see ``fold_runs``); it is ``started_at`` unless a merge
    corrected it for the runner's clock."""

    mode: str
    started_at: str
    commit: str
    id: str = ""
    vantage: str = ""  # where the checks ran from ("eu-west", "inside"); "" when the run did not say
    at: str = ""

    def __post_init__(self) -> None:
        self.at = order_time(self.at or self.started_at)
        self.id = self.id or uuid.uuid4().hex[:12]

    @property
    def order(self) -> tuple[str, str]:
        """Newest last: by time, then by id, so that two runs of the same second sort the same everywhere."""
        return self.at, self.id


def order_time(text: str) -> str:
    """A UTC time that sorts as text whatever its precision: ``…:59Z`` becomes ``…:59.000000Z``."""
    return f"{text[:-1]}.000000Z" if len(text) == 20 and text.endswith("Z") else text


@dataclass
class RunRecord:
    """One run in the history: when, at which commit, and the state of each check it ran."""

    id: str
    started_at: str
    commit: str
    states: dict[str, str]
    vantage: str = ""
    at: str = ""  # what orders the history (RunInfo.at); started_at is what pages show

    @property
    def order(self) -> tuple[str, str]:
        return order_time(self.at or self.started_at), self.id

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunRecord":
        states = data.get("states")
        if not isinstance(states, dict):
            states = {}
        elif not set(map(type, states.values())) <= {str}:  # JSON keys are strings already; one C pass over 1000s
            states = {str(k): str(v) for k, v in states.items()}
        return cls(str(data.get("id", "")), str(data.get("started_at", "")), str(data.get("commit", "")),
                   states, str(data.get("vantage", "")), str(data.get("at", "")))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "started_at": self.started_at, "commit": self.commit,
                                "states": self.states}
        if self.vantage:
            data["vantage"] = self.vantage
        if self.at:
            data["at"] = self.at
        return data


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

    results: dict[str, dict[str, Result]] = field(default_factory=dict)  # the headline: the worst vantage's
    vantages: dict[str, dict[str, dict[str, Result]]] = field(default_factory=dict)  # mode → key → vantage → result
    runs: dict[str, RunInfo] = field(default_factory=dict)
    history: dict[str, list[RunRecord]] = field(default_factory=dict)
    listing: dict[str, list[Listed]] = field(default_factory=dict)
    stale_after: float = DEFAULT_STALE_AFTER
    flapping: int = DEFAULT_HISTORY["flapping"]
    notices: dict[str, list[Notice]] = field(default_factory=dict)  # maintenance banners: "<mode>" and "<mode>/<runbook>"
    drawn: dict[Any, Any] = field(default_factory=dict, repr=False)  # what pages drew from it, drawn once

    def get(self, mode: str, key: str) -> Result | None:
        return self.results.get(mode, {}).get(key)

    def for_mode(self, mode: str) -> dict[str, Result]:
        return self.results.get(mode, {})

    def by_vantage(self, mode: str, key: str) -> dict[str, Result]:
        """The latest result from each vantage, when runs named one; else empty."""
        return self.vantages.get(mode, {}).get(key, {})

    def states_of(self, mode: str, key: str) -> list[tuple[str, str]]:
        """``(started_at, state)`` of one check in the kept runs that ran it, oldest first."""
        times, by_key = self._states(mode)
        found = by_key.get(key, ())
        return list(zip(times, found)) if times is not None else list(found)

    def history_signature(self, mode: str, key: str) -> tuple[Any, ...]:
        """What a check's strip is drawn from, cheap to hash: checks with equal signatures share one strip."""
        times, by_key = self._states(mode)
        return mode, times is not None, by_key.get(key, ())

    def _states(self, mode: str) -> tuple[tuple[str, ...] | None, dict[str, tuple[Any, ...]]]:
        """Every check's states in the kept runs, worked out once (pages ask for all of them): when every run
        ran the same checks in the same order (the usual case), the runs' times and each check's states,
        transposed in one C pass; else each check's ``(started_at, state)`` pairs."""
        found = self.drawn.get(("states", mode))
        if found is None:
            runs = self.history.get(mode, [])
            keys = list(runs[0].states) if runs else []
            if runs and all(list(run.states) == keys for run in runs[1:]):
                found = (tuple(run.started_at for run in runs),
                         dict(zip(keys, zip(*(run.states.values() for run in runs)))))
            else:
                pairs: dict[str, list[tuple[str, str]]] = {}
                for run in runs:
                    for check, state in run.states.items():
                        pairs.setdefault(check, []).append((run.started_at, state))
                found = (None, {check: tuple(entries) for check, entries in pairs.items()})
            self.drawn[("states", mode)] = found
        return found


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


def slot_key(key: str, vantage: str) -> str:
    """Where the store keeps a check's latest result from a vantage: ``runbook/check`` or ``runbook/check@vantage``."""
    return f"{key}@{vantage}" if vantage else key


def load_index(root: Path, modes: Iterable[str]) -> ResultsIndex:
    index = ResultsIndex()
    for mode in modes:
        _index_mode(index, mode, _read(store_dir(root) / f"{mode}.json"))
    return index


def _index_mode(index: ResultsIndex, mode: str, data: dict[str, Any], fresh: dict[str, Result] | None = None) -> None:
    """``mode``'s part of the index, from its store file's content; ``fresh``: the results a fold just stored,
    by slot, taken as they are rather than made again from their records."""
    checks = data.get("checks")
    fresh = fresh or {}
    index.results[mode], index.vantages[mode] = _headlines(
        fresh.get(slot) or Result.from_dict(v)
        for slot, v in (checks.items() if isinstance(checks, dict) else ()) if isinstance(v, dict))
    index.history[mode] = [RunRecord.from_dict(r) for r in _history(data)]
    last = _info(data.get("last_run"))
    if last is not None:
        index.runs[mode] = last


def _info(data: Any) -> RunInfo | None:
    if not isinstance(data, dict):
        return None
    return RunInfo(**{k: str(v) for k, v in data.items() if k in RunInfo.__dataclass_fields__})


def _headlines(results: Iterable[Result]) -> tuple[dict[str, Result], dict[str, dict[str, Result]]]:
    """A check's headline is its worst vantage; the results by vantage are kept when a run named one."""
    by_key: dict[str, dict[str, Result]] = {}
    for result in results:
        by_key.setdefault(result.key, {})[result.vantage] = result
    headlines = {key: max(found.values(), key=lambda r: (r.state.rank, r.started_at)) for key, found in by_key.items()}
    named = {key: dict(sorted(found.items())) for key, found in by_key.items() if set(found) != {""}}
    return headlines, named


def record_run(root: Path, info: RunInfo, results: list[Result], keep: set[str],
               limit: int = DEFAULT_HISTORY["keep"], into: ResultsIndex | None = None) -> RunRecord:
    """Merge a run into the store and append it to the history (at most ``limit`` runs); return its record.

    Checks that no longer exist (not in ``keep``) are dropped from the results and from the history.
    ``into``: an index that gets the mode's store as written, as ``load_index`` would read it back.
    """
    return fold_runs(root, info.mode, [(info, results)], keep, limit, into)[0]


def fold_runs(root: Path, mode: str, runs: list[tuple[RunInfo, list[Result]]], keep: set[str],
              limit: int = DEFAULT_HISTORY["keep"], into: ResultsIndex | None = None) -> list[RunRecord]:
    """Fold runs of ``mode`` into the store, in any order, any number of times.

    For each check and vantage the store keeps the result of the newest run (``RunInfo.order``), whatever
    order the runs arrive in. A run is one history entry per vantage: folding it again, or folding the
    other shards of it (the same id), adds to that entry and never a second one. With ``into``, that index
    gets the mode's store as written (a stamp that follows need not read it back).
    """
    path = store_dir(root) / f"{mode}.json"
    with locked(path.with_suffix(".lock")):  # read-modify-write in one lock: a concurrent run waits its turn
        data = _read(path)
        stored = data.pop("checks", {})
        checks = {k: v for k, v in (stored.items() if isinstance(stored, dict) else ()) if isinstance(v, dict) and _base(k) in keep}
        history = {(r.id, r.vantage): r for r in (RunRecord.from_dict(d) for d in _history(data))}
        last = _info(data.get("last_run"))
        # Nothing else holds the stored results now: each one a run replaces is freed as it is replaced
        # (10,000 checks: tens of MB that would otherwise sit beside their replacements).
        del data, stored
        records, fresh = [], {}
        for info, results in sorted(runs, key=lambda run: run[0].order):
            fresh.update(_fold_results(checks, info, results))
            record = history.setdefault((info.id, info.vantage), RunRecord(info.id, info.started_at, info.commit, {},
                                                                          info.vantage, info.at))
            record.states.update({r.key: r.state.value for r in results})
            records.append(record)
            last = info if last is None or last.order <= info.order else last
        kept = sorted(history.values(), key=lambda r: r.order)[-limit:]
        assert last is not None
        head = {"store_version": STORE_VERSION, "schema_version": SCHEMA_VERSION, "mode": mode,
                "last_run": asdict(last)}
        checks, history_kept = dict(sorted(checks.items())), [_pruned(r.to_dict(), keep) for r in kept]
        write_atomic(path, _store_text(head, checks, history_kept))
    if into is not None:
        _index_mode(into, mode, {**head, "checks": checks, "history": history_kept},
                    {slot: result for slot, result in fresh.items() if slot in checks})
    return records


def _base(slot: str) -> str:
    return slot.partition("@")[0]


def _fold_results(checks: dict[str, Any], info: RunInfo, results: list[Result]) -> dict[str, Result]:
    """Each result replaces the stored one of its check and vantage unless that came from a newer run; the
    results that did, by slot."""
    stored = {}
    for result in results:
        slot = slot_key(result.key, info.vantage)
        held = checks.get(slot)
        if held is None or (order_time(str(held.get("run_at", ""))), str(held.get("run_id", ""))) <= info.order:
            checks[slot] = {**result.to_dict(), "run_id": info.id, "run_at": info.at}
            stored[slot] = result
    return stored


def json_lines(head: dict[str, Any], key: str, items: list[Any]) -> str:
    """``head`` plus ``key``: ``items``, one item a line: as readable as indented JSON, and written by json's
    C encoder (an indent makes it use the pure-Python one: seconds at 10,000 results)."""
    opening = json.dumps(head, ensure_ascii=False)[:-1] + (", " if head else "") + json.dumps(key) + ": ["
    body = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    return f"{opening}\n{body}\n]}}\n" if items else f"{opening}]}}\n"


def _store_text(head: dict[str, Any], checks: dict[str, Any], history: list[dict[str, Any]]) -> str:
    """The store file: a check a line, then a run a line."""
    # Joined once (10,000 checks make it megabytes: every copy of it shows in the run's peak memory).
    parts = [json.dumps(head, ensure_ascii=False)[:-1], ', "checks": {']
    for n, (key, value) in enumerate(checks.items()):
        parts += [",\n" if n else "\n", json.dumps(key), ": ", json.dumps(value, ensure_ascii=False)]
    parts.append("\n}" if checks else "}")
    parts.append(', "history": [')
    for n, run in enumerate(history):
        parts += [",\n" if n else "\n", json.dumps(run, ensure_ascii=False)]
    parts.append("\n]}\n" if history else "]}\n")
    return "".join(parts)


def _pruned(run: dict[str, Any], keep: set[str]) -> dict[str, Any]:
    """A history entry without the checks that no longer exist."""
    states = run.get("states")
    if isinstance(states, dict) and states.keys() <= keep:  # the usual case: every check still exists
        return run
    return {**run, "states": {k: v for k, v in states.items() if k in keep} if isinstance(states, dict) else {}}
