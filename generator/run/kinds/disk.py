"""``disk``: how full the file system holding a path is."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from generator.format.options import Number, Obj, Str, Threshold
from generator.run.kinds.base import (
    CONNECTING,
    NO_VAR_DEFAULTS,
    Judge,
    ProbeContext,
    no_secret_quoting,
    nothing_to_seed,
)
from generator.run.results import Outcome

NAME = "disk"
DOC = "Check how full the file system holding a path is (as df's Use%)."
SCHEMA = Obj({
    "path": Str("Any path on the file system; relative paths start at the project root.", default="/", example="/var/lib/postgresql"),
    "used_percent": Threshold(Number(min=0, max=100), "Used-space thresholds in percent.", example={"warn": 80, "crit": 90}),
})
ASSERTIONS: tuple[str, ...] = ("used_percent",)
IMPLICIT = CONNECTING
VAR_DEFAULTS = NO_VAR_DEFAULTS
USES_HTTP = False
EMULATOR: str | None = None
secret_quoting = no_secret_quoting
seed = nothing_to_seed


def describe(params: dict[str, Any]) -> str:
    return f"disk {params['path']}"


def used_percent(path: Path) -> tuple[float, int]:
    """df's Use%: used / (used + available to unprivileged users)."""
    st = os.statvfs(path)
    used = (st.f_blocks - st.f_bfree) * st.f_frsize
    avail = st.f_bavail * st.f_frsize
    return (100.0 * used / (used + avail) if used + avail else 0.0), st.f_blocks * st.f_frsize


async def probe(params: dict[str, Any], ctx: ProbeContext) -> Outcome:
    path = ctx.root / params["path"]
    percent, total = await asyncio.to_thread(used_percent, path)
    verdict = Judge()
    verdict.threshold("used", round(percent, 1), params.get("used_percent"), "%")
    return verdict.outcome(f"{percent:.1f}% used of {total / 1e9:.1f} GB")
