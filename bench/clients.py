#!/usr/bin/env python3
"""The HTTP client, side by side: N GETs at concurrency C against the bench's loopback server.

Each client runs in a fresh interpreter (``--client NAME``) and reports its
import time, the wall time of its request phase and the CPU it used there:

* ``httpx``     httpx, sharded into clients of ten connections, as the runner used it until this bench
                (then over a transport of its own for wire timing; the figures in generator/run/wire.py
                were taken with that transport);
* ``httpcore``  httpcore's AsyncConnectionPool straight, with the same sharding;
* ``aiohttp``   one aiohttp ClientSession (its HTTP parser is in C), a TCPConnector of C connections.

httpx and httpcore are no longer dependencies: ``pip install -e '.[bench]'``.

``python bench/clients.py --n 1000 --concurrency 50`` prints the table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

HERE = Path(__file__).resolve().parent
CLIENTS = ("httpx", "httpcore", "aiohttp")


async def _drive(n: int, concurrency: int, get: Callable[[int], Awaitable[int]]) -> dict[str, Any]:
    gate = asyncio.Semaphore(concurrency)
    ok = 0

    async def one(i: int) -> None:
        nonlocal ok
        async with gate:
            status = await get(i)
        ok += status == 200

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    return {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu, "ok": ok}


async def _httpx(url: str, n: int, concurrency: int) -> dict[str, Any]:
    import httpx

    size = max(1, concurrency // 10)
    limits = httpx.Limits(max_connections=10, max_keepalive_connections=10)
    clients = [httpx.AsyncClient(limits=limits, timeout=None, trust_env=False) for _ in range(size)]

    async def get(i: int) -> int:
        response = await clients[i % size].get(f"{url}/r/{i}")
        return response.status_code

    try:
        return await _drive(n, concurrency, get)
    finally:
        for client in clients:
            await client.aclose()


async def _httpcore(url: str, n: int, concurrency: int) -> dict[str, Any]:
    import httpcore

    size = max(1, concurrency // 10)
    pools = [httpcore.AsyncConnectionPool(max_connections=10, max_keepalive_connections=10) for _ in range(size)]

    async def get(i: int) -> int:
        response = await pools[i % size].request("GET", f"{url}/r/{i}")
        return response.status

    try:
        return await _drive(n, concurrency, get)
    finally:
        for pool in pools:
            await pool.aclose()


async def _aiohttp(url: str, n: int, concurrency: int) -> dict[str, Any]:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency, ssl=False)
    async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:
        async def get(i: int) -> int:
            async with session.get(f"{url}/r/{i}") as response:
                await response.read()
                return response.status

        return await _drive(n, concurrency, get)


def client_main(name: str, url: str, n: int, concurrency: int) -> None:
    started = time.perf_counter()
    runner = {"httpx": _httpx, "httpcore": _httpcore, "aiohttp": _aiohttp}[name]
    __import__(name)  # a key of the table above: the import is timed, not the lookup
    imported = time.perf_counter() - started
    report = asyncio.run(runner(url, n, concurrency))
    print(json.dumps({"client": name, "import_s": imported, **report}))


def measure(url: str, n: int, concurrency: int, repeat: int) -> list[dict[str, Any]]:
    rows = []
    for name in CLIENTS:
        runs = []
        for _ in range(repeat):
            out = subprocess.run([sys.executable, __file__, "--client", name, "--url", url, "--n", str(n),
                                  "--concurrency", str(concurrency)], capture_output=True, text=True, timeout=300,
                                 cwd=HERE.parent)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        rows.append({"client": name, **{key: statistics.median(r[key] for r in runs)
                                         for key in ("import_s", "wall_s", "cpu_s", "ok")}})
    return rows


def table(rows: list[dict[str, Any]], n: int) -> str:
    lines = [f"{'client':<9} {'import s':>8} {'wall s':>7} {'CPU s':>6} {'CPU ms/request':>14} {'OK':>5}"]
    lines += [f"{r['client']:<9} {r['import_s']:8.3f} {r['wall_s']:7.3f} {r['cpu_s']:6.3f} "
              f"{r['cpu_s'] / n * 1000:14.3f} {r['ok']:5.0f}" for r in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--delay-ms", type=float, default=50.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--client", choices=CLIENTS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client_main(args.client, args.url, args.n, args.concurrency)
        return 0
    sys.path.insert(0, str(HERE))
    from bench import LoopbackServer  # type: ignore[import-not-found]

    with LoopbackServer(args.delay_ms) as server:
        rows = measure(server.url, args.n, args.concurrency, args.repeat)
    print(f"{args.n} GETs at concurrency {args.concurrency}, server delay {args.delay_ms:g} ms, "
          f"median of {args.repeat}")
    print(table(rows, args.n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
