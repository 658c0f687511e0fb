"""The results store: the latest result of every check, per mode.

``run-checks`` merges each run into ``.runbooks/results/<mode>.json`` (under
a lock, written atomically) so that a later ``runbooks build`` or ``mkdocs
build`` renders the same results the pages were stamped with.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .fsutil import locked, write_atomic
from .results import Result

__all__ = ["SCHEMA_VERSION", "RunInfo", "ResultsIndex", "store_dir", "load_index", "record_run"]

SCHEMA_VERSION = 1


def store_dir(root: Path) -> Path:
    return root / ".runbooks" / "results"


@dataclass
class RunInfo:
    mode: str
    started_at: str
    commit: str


@dataclass
class ResultsIndex:
    """Latest results by mode and ``runbook/check`` key, plus the last run's info."""

    results: dict[str, dict[str, Result]] = field(default_factory=dict)
    runs: dict[str, RunInfo] = field(default_factory=dict)

    def get(self, mode: str, key: str) -> Result | None:
        return self.results.get(mode, {}).get(key)

    def for_mode(self, mode: str) -> dict[str, Result]:
        return self.results.get(mode, {})


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("schema_version") == SCHEMA_VERSION else {}


def load_index(root: Path, modes: Iterable[str]) -> ResultsIndex:
    index = ResultsIndex()
    for mode in modes:
        data = _read(store_dir(root) / f"{mode}.json")
        index.results[mode] = {k: Result.from_dict(v) for k, v in data.get("checks", {}).items()}
        if data.get("last_run"):
            index.runs[mode] = RunInfo(**data["last_run"])
    return index


def record_run(root: Path, info: RunInfo, results: list[Result], keep: set[str]) -> ResultsIndex:
    """Merge a run into the store; drop checks that no longer exist (not in ``keep``)."""
    path = store_dir(root) / f"{info.mode}.json"
    with locked(path.with_suffix(".lock")):
        data = _read(path)
        checks = {k: v for k, v in data.get("checks", {}).items() if k in keep}
        checks.update({r.key: r.to_dict() for r in results})
        payload = {"schema_version": SCHEMA_VERSION, "mode": info.mode,
                   "last_run": info.__dict__, "checks": dict(sorted(checks.items()))}
        write_atomic(path, json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    index = ResultsIndex({info.mode: {k: Result.from_dict(v) for k, v in checks.items()}}, {info.mode: info})
    return index
