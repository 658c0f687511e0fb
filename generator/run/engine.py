"""Run checks concurrently: each bounded by its timeout, the run by a deadline.

A check that crashes, hangs or times out becomes a Result with a classified
reason; nothing a probe does can crash the run. Exceptions from the network
stack are translated into reasons in one place (``classify``), as httpx's
``map_httpcore_exceptions`` does.

Around each probe: a check waits for the checks it ``needs`` (and is SKIPPED
when one is not OK), its ``${env:…}``/``${file:…}`` secrets are filled in just
before the probe and masked in what comes back, and it is tried again up to
``retries`` times while it is not OK.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import ssl
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Coroutine, Iterator, Sequence

from generator.format.model import CheckSpec
from generator.format.defaults import DEFAULT_TIMEOUT
from generator.run.kinds import KINDS
from generator.run.kinds.base import PROBE_TIMEOUT, Clock, ProbeContext
from generator.run.results import EVIDENCE_TOTAL, Outcome, Result, State, bounded, retry_note
from generator.run.secrets import MissingSecret, Resolved, resolve_secrets

__all__ = ["RunOptions", "classify", "run_checks", "run_checks_sync", "utc_now"]


@dataclass
class RunOptions:
    concurrency: int = 50
    timeout: float | None = None  # default per-check timeout; a check's own timeout wins
    deadline: float = 300.0  # the whole run
    # The wall clock results are stamped with and ages are judged against; a test fixes it.
    # Durations and timeouts always use the monotonic clocks.
    clock: Clock = time.time
    # "aiohttp": the pool for many checks (its parser is in C); "stdlib": http.client in threads, for a run of
    # a few checks started cold (a check script), which then never imports aiohttp. See generator/run/stdhttp.py.
    http_client: str = "aiohttp"


def utc_now(clock: Clock = time.time) -> str:
    return datetime.fromtimestamp(clock(), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    node: BaseException | None = exc
    while node is not None and node not in seen:
        seen.append(node)
        node = node.__cause__ or node.__context__
    return seen


def classify(exc: BaseException) -> Outcome:
    """Map any probe exception to a result: the one place that knows them all."""
    chain = _chain(exc)
    detail = _detail(chain)
    if any(isinstance(e, (ssl.SSLError, ssl.CertificateError)) for e in chain):
        return Outcome(State.CRITICAL, f"TLS error: {detail}", "tls")
    if any(isinstance(e, socket.gaierror) for e in chain):
        return Outcome(State.CRITICAL, f"cannot resolve host: {detail}", "dns")
    if any(isinstance(e, (TimeoutError, asyncio.TimeoutError)) for e in chain):
        return Outcome(State.CRITICAL, f"timed out: {detail}", "timeout")
    http = _http_errors()
    if isinstance(exc, http.unusable):
        return Outcome(State.UNKNOWN, f"cannot probe: {detail}", "error")
    if isinstance(exc, (*http.transport, ConnectionError)) or (isinstance(exc, OSError) and exc.errno in _NET_ERRNOS):
        return Outcome(State.CRITICAL, f"connection failed: {detail}", "connect")
    if isinstance(exc, (FileNotFoundError, NotADirectoryError, PermissionError)):
        return Outcome(State.UNKNOWN, f"cannot probe: {detail}", "error")
    return Outcome(State.UNKNOWN, f"probe error: {type(exc).__name__}: {detail}", "error")


_NET_ERRNOS = {101, 104, 110, 111, 113}  # unreachable, reset, timed out, refused, no route


@dataclass(frozen=True)
class _HttpErrors:
    unusable: tuple[type[BaseException], ...] = ()  # a URL the client cannot request: the check cannot run
    transport: tuple[type[BaseException], ...] = ()  # the connection failed or broke


def _http_errors() -> _HttpErrors:
    """The HTTP clients' exceptions, of those loaded (a run without http checks loads neither): aiohttp's, and
    http.client's (``stdhttp``)."""
    unusable: tuple[type[BaseException], ...] = ()
    transport: tuple[type[BaseException], ...] = ()
    aiohttp = sys.modules.get("aiohttp")
    if aiohttp is not None:
        unusable += (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError)
        # An answer that is not HTTP, or a redirect loop (ClientResponseError), is the server's failure, as
        # check_http says CRITICAL for both; so is a body cut short (ClientPayloadError).
        transport += (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, aiohttp.ClientResponseError)
    client = sys.modules.get("http.client")
    if client is not None:
        unusable += (client.InvalidURL,)
        transport += (client.HTTPException,)
    return _HttpErrors(unusable, transport)


def _detail(chain: list[BaseException]) -> str:
    for exc in reversed(chain):  # the root cause says most
        message = getattr(exc, "message", None)  # aiohttp's parser errors: "400, message:" first, then what
        text = (message if isinstance(message, str) and message.strip() else str(exc)).strip()
        if text:
            return text.splitlines()[0][:300]
    return type(chain[0]).__name__


async def _probe(spec: CheckSpec, ctx: ProbeContext, timeout: float) -> Outcome:
    kind = KINDS[spec.kind]
    PROBE_TIMEOUT.set(timeout)  # this check's task only: each check runs in a task of its own
    try:
        secrets = resolve_secrets(spec.params, ctx.root, kind.secret_quoting(spec.params))
    except MissingSecret as exc:
        return Outcome(State.UNKNOWN, str(exc), "error")
    try:
        outcome = await _within(kind.probe(secrets.params, ctx), timeout)
    except asyncio.TimeoutError:
        outcome = _failed(spec, Outcome(State.CRITICAL, f"timed out after {timeout:g}s", "timeout"))
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a probe must never take the run down
        outcome = _failed(spec, classify(exc), exc)
    return _masked(outcome, secrets)


async def _within(probe: Coroutine[Any, Any, Outcome], timeout: float) -> Outcome:
    """The probe, bounded in time in its own task: wait_for would wrap it in another task, two more trips
    through the event loop for every check."""
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(timeout):
            return await probe
    return await asyncio.wait_for(probe, timeout)


def _failed(spec: CheckSpec, outcome: Outcome, exc: BaseException | None = None) -> Outcome:
    """Evidence for a probe that got no answer to judge: what it tried, and what went wrong."""
    lines = [f"expected: an answer from {KINDS[spec.kind].describe(spec.params)} within the timeout",
             f"got: {outcome.summary}"]
    lines += [f"  {type(e).__name__}: {str(e).strip()[:300]}" for e in (_chain(exc) if exc else []) if str(e).strip()]
    outcome.evidence = "\n".join(lines)
    return outcome


def _masked(outcome: Outcome, secrets: Resolved) -> Outcome:
    if secrets.values:
        outcome.summary, outcome.observed = secrets.mask(outcome.summary), secrets.mask(outcome.observed)
        outcome.evidence = secrets.mask(outcome.evidence)
        outcome.perfdata = [secrets.mask(p) for p in outcome.perfdata]
    return outcome


def _result(spec: CheckSpec, mode: str, outcome: Outcome, started_at: str, duration_ms: float,
            attempts: int = 1) -> Result:
    state = outcome.state
    if spec.severity == "warning" and state is State.CRITICAL:
        state = State.WARNING  # a non-critical check: failures are capped at WARNING
    return Result(mode, spec.runbook, spec.id, spec.title, spec.kind, state, outcome.summary, outcome.reason,
                  outcome.observed, bounded(outcome.evidence, EVIDENCE_TOTAL), outcome.perfdata, outcome.metrics,
                  round(duration_ms, 2), started_at,
                  KINDS[spec.kind].describe(spec.params) if spec.applies else "", attempts, retry_note(state, attempts),
                  severity=spec.severity)


async def _run_one(spec: CheckSpec, mode: str, ctx: ProbeContext, gate: asyncio.Semaphore,
                   options: RunOptions, finished: dict[str, asyncio.Future[Result | None]]) -> Result:
    if not spec.applies:
        return _result(spec, mode, Outcome(State.SKIPPED, f"does not apply to mode {mode}"), utc_now(ctx.clock), 0.0)
    blocked = await _blocking_need(spec, finished)
    if blocked is not None:
        return _result(spec, mode, blocked, utc_now(ctx.clock), 0.0)
    started_at, started = utc_now(ctx.clock), time.perf_counter()
    timeout = spec.timeout or options.timeout or DEFAULT_TIMEOUT
    attempts = 0
    while True:
        attempts += 1
        async with gate:  # not held while waiting to retry
            outcome = await _probe(spec, ctx, timeout)
        if outcome.state is State.OK or attempts > spec.retries:
            break
        await asyncio.sleep(spec.retry_delay)
    return _result(spec, mode, outcome, started_at, (time.perf_counter() - started) * 1000, attempts)


async def _blocking_need(spec: CheckSpec, finished: dict[str, asyncio.Future[Result | None]]) -> Outcome | None:
    """SKIPPED "needs X" when a needed check (in this run) ends other than OK."""
    for key, need in zip(spec.need_keys, spec.needs):
        future = finished.get(key)
        if future is None:
            continue  # not selected for this run: nothing to wait for
        got = await asyncio.shield(future)
        if got is None or got.state is not State.OK:
            state = got.state.value if got else "did not finish"
            detail = f"{got.summary}" if got else ""
            return Outcome(State.SKIPPED, f"needs {need} (it is {state})", "needs",
                           evidence=f"expected: {need} to be OK first\ngot: {state}" + (f": {detail}" if detail else ""))
    return None


async def run_checks(specs: Sequence[CheckSpec], mode: str, root: Path, options: RunOptions,
                     on_result: Callable[[Result], None] | None = None) -> list[Result]:
    """Run ``specs`` and return one Result each, in the order given.

    ``concurrency`` workers take the checks in order, one at a time, as xargs -P does: no task per check.
    (A task per check, all created up front, cost 30 ms before the first request of 1000 checks, 950 of
    them only to wait for a slot.) A check that needs others gets a task of its own, which waits for them
    without holding a slot; the gate bounds the probes of both to ``concurrency`` at once.
    """
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(max(1, options.concurrency))
    pool = None
    if any(KINDS[s.kind].USES_HTTP and s.applies for s in specs):
        pool = _http_pool(options)
    ctx = ProbeContext(root=root, http=pool, clock=options.clock)
    finished: dict[str, asyncio.Future[Result | None]] = {spec.key: loop.create_future() for spec in specs}
    results: list[Result | None] = [None] * len(specs)

    async def check(index: int) -> None:
        spec = specs[index]
        try:
            result = await _run_one(spec, mode, ctx, gate, options, finished)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # nothing a check does takes the run down
            result = _result(spec, mode, classify(exc), utc_now(options.clock), 0.0)
        results[index] = result
        if not finished[spec.key].done():
            finished[spec.key].set_result(result)
        if on_result is not None:
            on_result(result)

    queue = iter([i for i, spec in enumerate(specs) if not spec.needs])

    async def worker() -> None:
        for index in queue:  # shared: each index goes to one worker
            await check(index)

    waiting = [i for i, spec in enumerate(specs) if spec.needs]
    tasks = [loop.create_task(check(i)) for i in waiting]
    tasks += [loop.create_task(worker()) for _ in range(min(max(1, options.concurrency), len(specs) - len(waiting)))]
    try:
        if tasks:
            await asyncio.wait(tasks, timeout=options.deadline)
        return [result if result is not None else _unfinished(spec, mode, options)
                for result, spec in zip(results, specs)]
    finally:
        for task in tasks:
            task.cancel()
        if pool is not None:
            await pool.aclose()


def _http_pool(options: RunOptions) -> Any:
    if options.http_client == "stdlib":
        from generator.run.stdhttp import StdlibPool

        return StdlibPool()
    if options.http_client != "aiohttp":
        raise ValueError(f"http_client {options.http_client!r}: 'aiohttp' or 'stdlib'")
    from generator.run.wire import HttpPool

    return HttpPool(options.concurrency)


def _unfinished(spec: CheckSpec, mode: str, options: RunOptions) -> Result:
    """A check still running (or not started) when the run's deadline came."""
    outcome = Outcome(State.CRITICAL, f"run deadline of {options.deadline:g}s reached", "timeout")
    return _result(spec, mode, outcome, utc_now(options.clock), 0.0)


def run_checks_sync(specs: Sequence[CheckSpec], mode: str, root: Path, options: RunOptions,
                    on_result: Callable[[Result], None] | None = None) -> list[Result]:
    with young_collections_only():
        return asyncio.run(run_checks(specs, mode, root, options, on_result))


@contextmanager
def young_collections_only() -> Iterator[None]:
    """No full collection inside: what exists on entry is frozen, and only the young generations are
    collected (the work's garbage is short-lived).

    A full collection walks every object alive: 70-80 ms with the loop stalled at 10,000 checks, which
    lands on whichever checks are waiting for bytes, and again in the middle of recording and stamping
    (the results of a run are alive then). No gc.collect() first: it costs time in proportion to the
    caller's whole heap (0.5 s per run in a test process holding botocore's service models); a loop of
    runs (--every) collects between them.
    """
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], 1_000_000)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
