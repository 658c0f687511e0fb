"""``runbooks merge RESULTS…``: fold the result files of many runners into the store, and stamp the site.

Runners (CI matrix jobs, CronJobs, one per shard and vantage) each write the
JSON report of their run, and ``run-checks --upload s3://bucket/prefix`` puts
it in S3. The merge reads them (paths, directories or an ``s3://`` prefix),
folds them into ``.runbooks/results/`` and stamps the built site.

It is idempotent: a run has an id, and a history entry per id and vantage,
so merging a file twice (or a whole prefix every time) adds nothing new.
Files arrive in any order: for each check and vantage the result of the
newest run wins. "Newest" is the run's start time as its runner recorded it,
corrected for that runner's clock when the file came through S3: the runner
notes its own time just before the upload (``uploaded_at``) and S3 notes its
time on receipt (``LastModified``); the difference is the runner's clock
error (give or take the upload's duration), so runners whose clocks disagree
are compared on S3's one clock. Runs that start in the same second are
ordered by id, so every merge decides alike.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from generator.errors import RunbooksError
from generator.format.catalog import load_catalog
from generator.format.model import Catalog
from generator.run.remote import is_s3, read_all
from generator.run.results import Result, parse_utc, recordable
from generator.run.store import SCHEMA_VERSION, RunInfo, fold_runs

__all__ = ["RunFile", "MergeReport", "read_run", "merge"]

_TIME = "%Y-%m-%dT%H:%M:%SZ"  # what parse_utc reads: a corrected start is written back in it


@dataclass
class RunFile:
    name: str
    info: RunInfo
    results: list[Result]


@dataclass
class MergeReport:
    files: int = 0
    runs: dict[str, int] = field(default_factory=dict)  # mode → runs folded
    stamped: list[Path] = field(default_factory=list)
    badges: list[Path] = field(default_factory=list)


def _corrected(data: dict[str, Any], stored_at: datetime | None) -> str:
    """The run's start on the object store's clock, when the file says when its runner uploaded it."""
    started = str(data["started_at"])
    if stored_at is None or not data.get("uploaded_at"):
        return started
    offset = stored_at - parse_utc(str(data["uploaded_at"]))
    return (parse_utc(started) + offset).strftime(_TIME)


def read_run(name: str, text: str, stored_at: datetime | None = None) -> RunFile:
    """A run-checks JSON report; anything else is an error naming the file."""
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"not a run-checks JSON report (schema_version {SCHEMA_VERSION})")
        mode, vantage = str(data["mode"]), str(data.get("vantage", ""))
        run_id = str(data.get("run_id") or hashlib.sha256(text.encode()).hexdigest()[:12])
        results = [Result.from_dict({**r, "vantage": vantage}) for r in data["results"]]
        info = RunInfo(mode, str(data["started_at"]), str(data.get("commit", "")), run_id, vantage,
                       _corrected(data, stored_at))
    except (ValueError, KeyError, TypeError) as exc:
        raise RunbooksError(f"{name}: cannot merge it: {exc}") from None
    return RunFile(name, info, [r for r in results if recordable(r)])


def _read_sources(sources: Sequence[str]) -> list[RunFile]:
    files: list[RunFile] = []
    for source in sources:
        if is_s3(source):
            files += [read_run(f.name, f.text, f.stored_at) for f in read_all(source)]
            continue
        path = Path(source)
        paths = sorted(path.rglob("*.json")) if path.is_dir() else [path]
        for one in paths:
            try:
                files.append(read_run(str(one), one.read_text(encoding="utf-8")))
            except OSError as exc:
                raise RunbooksError(f"{one}: cannot read it: {exc.strerror or exc}") from None
    return files


def merge(root: Path, sources: Sequence[str], site: Path | None = None, catalog: Catalog | None = None) -> MergeReport:
    """Fold every run of ``sources`` into the store; stamp ``site`` for the modes they ran."""
    catalog = catalog or load_catalog(root)
    files = _read_sources(sources)
    report = MergeReport(files=len(files))
    by_mode: dict[str, list[RunFile]] = {}
    for run in files:
        if run.info.mode not in catalog.project.modes:
            raise RunbooksError(f"{run.name}: mode '{run.info.mode}' is not a mode of this project "
                                f"({', '.join(catalog.project.modes)})")
        by_mode.setdefault(run.info.mode, []).append(run)
    for mode, runs in by_mode.items():
        keep = catalog.check_keys(mode)
        fold_runs(root, mode, [(r.info, r.results) for r in runs], keep, catalog.project.history["keep"])
        report.runs[mode] = len({(r.info.id, r.info.vantage) for r in runs})
    if site is not None and by_mode:
        from generator.site.badges import write_badges
        from generator.site.stamp import filtered_index, stamp_site

        modes = sorted(by_mode)
        index = filtered_index(catalog, modes)  # only these modes' slots are stamped
        report.stamped = stamp_site(site, index, modes)
        report.badges = write_badges(site, index, modes)
    return report
