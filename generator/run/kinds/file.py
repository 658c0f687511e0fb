"""``file``: a path or glob exists, is fresh enough (backups) and big enough."""

from __future__ import annotations

import asyncio
import glob
import os
import time
from pathlib import Path
from typing import Any

from generator.format.options import Bool, Duration, Obj, Size, Str, Threshold, format_duration
from generator.run.kinds.base import (
    CONNECTING,
    NO_VAR_DEFAULTS,
    Judge,
    ProbeContext,
    no_secret_quoting,
    nothing_to_seed,
)
from generator.run.results import Outcome

NAME = "file"
DOC = "Check a file or glob: existence, age of the newest match (backup freshness), size."
SCHEMA = Obj({
    "path": Str("A path or a glob; relative paths start at the project root.", required=True, example="/var/backups/db-*.tar.gz"),
    "exists": Bool("Whether a match must exist (true) or must not (false).", example=True),
    "newest_age": Threshold(Duration(), "Age thresholds for the newest match.", example={"warn": "26h", "crit": "48h"}),
    "min_size": Size("Minimum size of the newest match (bytes, or 10KB, 5MiB…).", example="1KB"),
})
ASSERTIONS: tuple[str, ...] = ("exists", "newest_age", "min_size")
IMPLICIT = CONNECTING
VAR_DEFAULTS = NO_VAR_DEFAULTS
USES_HTTP = False
EMULATOR: str | None = None
secret_quoting = no_secret_quoting
seed = nothing_to_seed


def describe(params: dict[str, Any]) -> str:
    return str(params["path"])


async def probe(params: dict[str, Any], ctx: ProbeContext) -> Outcome:
    matches = await asyncio.to_thread(_stat_matches, ctx.root, params["path"])
    return judge(params, matches, ctx.clock())


def _stat_matches(root: Path, pattern: str) -> list[tuple[str, os.stat_result]]:
    full = pattern if os.path.isabs(pattern) else str(root / pattern)
    paths = glob.glob(full) if glob.has_magic(full) else ([full] if os.path.lexists(full) else [])
    out = []
    for path in paths:
        try:
            out.append((path, os.stat(path)))
        except FileNotFoundError:
            continue  # removed between the glob and the stat; other errors mean we cannot tell
    return out


def judge(params: dict[str, Any], matches: list[tuple[str, os.stat_result]], now: float) -> Outcome:
    verdict = Judge()
    wants_file = params.get("exists") is not False
    if params.get("exists") is not None:
        shown = f"{len(matches)} match(es)" if matches else "no match"
        verdict.expect(bool(matches) == wants_file, "exists", "a match" if wants_file else "no match", shown)
    if not matches:
        if params.get("newest_age") or params.get("min_size") is not None:
            verdict.expect(False, "path", "a matching file", "no match")
        return verdict.outcome("no match")
    path, st = max(matches, key=lambda m: m[1].st_mtime)
    age = max(0.0, now - st.st_mtime)
    if params.get("newest_age"):
        verdict.threshold("age", round(age), params["newest_age"], durations=True)
    if params.get("min_size") is not None:
        verdict.expect(st.st_size >= params["min_size"], "size", f">= {params['min_size']} B", f"{st.st_size} B")
    observed = f"newest {os.path.basename(path)}: {format_duration(age)} old, {st.st_size} B"
    listing = "\n".join(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime(s.st_mtime))}  {s.st_size:>10}  {p}"
                        for p, s in sorted(matches, key=lambda m: -m[1].st_mtime)[:20])
    return verdict.outcome(observed, listing)
