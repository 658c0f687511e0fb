"""Time ``record_run`` and size the store: 170 checks, keep 50, 60 runs (python bench/store_bench.py)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from generator.run.results import Result, State
from generator.run.store import RunInfo, load_index, record_run, store_dir

CHECKS, KEEP, RUNS = 170, 50, 60


def main() -> None:
    root = Path(tempfile.mkdtemp())
    keys = {f"rb{i // 6}/c{i}" for i in range(CHECKS)}
    took = []
    for run in range(RUNS):
        results = [Result("local", key.split("/")[0], key.split("/")[1], "t", "http",
                          State.OK if (run + i) % 7 else State.CRITICAL, "HTTP 200 in 5 ms", observed="HTTP 200")
                   for i, key in enumerate(sorted(keys))]
        started = time.perf_counter()
        record_run(root, RunInfo("local", f"2026-11-23T12:{run // 60:02d}:{run % 60:02d}Z", "abc"), results, keys, KEEP)
        took.append(time.perf_counter() - started)
    size = (store_dir(root) / "local.json").stat().st_size
    started = time.perf_counter()
    index = load_index(root, ["local"])
    load_ms = (time.perf_counter() - started) * 1000
    print(f"record_run: mean {sum(took) / len(took) * 1000:.1f} ms, max {max(took) * 1000:.1f} ms over {RUNS} runs")
    print(f"store file: {size / 1024:.0f} KiB with {len(index.history['local'])} runs x {CHECKS} checks; "
          f"load_index {load_ms:.1f} ms")


if __name__ == "__main__":
    main()
