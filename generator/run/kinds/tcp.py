"""``tcp``: open a TCP connection; connecting is the assertion."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from generator.format.options import Int, Number, Obj, Str, Threshold
from generator.run.kinds.base import (
    CONNECTING,
    NO_VAR_DEFAULTS,
    Judge,
    ProbeContext,
    no_secret_quoting,
    nothing_to_seed,
)
from generator.run.results import Outcome

NAME = "tcp"
DOC = "Connect to a TCP port. A refused or timed-out connection is CRITICAL."
SCHEMA = Obj({
    "host": Str("Host name or address.", required=True, example="127.0.0.1"),
    "port": Int("Port number.", min=1, max=65535, required=True, example=5432),
    "latency_ms": Threshold(Number(min=0), "Connect time thresholds in milliseconds.", example={"warn": 50, "crit": 500}),
})
ASSERTIONS: tuple[str, ...] = ()  # connecting is the assertion
IMPLICIT = CONNECTING
VAR_DEFAULTS = NO_VAR_DEFAULTS
USES_HTTP = False
EMULATOR: str | None = None
secret_quoting = no_secret_quoting
seed = nothing_to_seed


def describe(params: dict[str, Any]) -> str:
    return f"tcp://{params['host']}:{params['port']}"


async def probe(params: dict[str, Any], ctx: ProbeContext) -> Outcome:
    started = time.perf_counter()
    _reader, writer = await asyncio.open_connection(params["host"], params["port"])
    latency_ms = (time.perf_counter() - started) * 1000
    writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass  # the peer may reset a connection we only opened to test it
    verdict = Judge()
    verdict.threshold("connect", round(latency_ms, 2), params.get("latency_ms"), " ms")
    return verdict.outcome(f"connected in {latency_ms:.1f} ms")
