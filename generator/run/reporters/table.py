"""The closing table a run prints on the terminal: what is not OK, then counts."""

from __future__ import annotations

from generator.run.results import Result, Run, State, counts

__all__ = ["summary_table"]


def _summary(result: Result) -> str:
    return f"{result.window_note}: {result.summary}" if result.maintenance else result.summary


def summary_table(run: Run) -> str:
    """The closing table: one row per non-OK check, then counts."""
    rows = [r for r in run.results if r.state not in (State.OK, State.SKIPPED)]
    lines = []
    if rows:
        width, states = max(len(r.key) for r in rows), max(9, *(len(r.state.value) for r in rows))
        lines.append(f"{'STATE':<{states}} {'CHECK':<{width}}  {'REASON':<10} SUMMARY")
        lines += [f"{r.state.value:<{states}} {r.key:<{width}}  {r.reason:<10} {_summary(r)[:160]}" for r in rows]
        lines.append("")
    total = counts(run.results)
    parts = ", ".join(f"{n} {s.lower()}" for s, n in total.items() if n)
    lines.append(f"{len(run.results)} checks in mode {run.mode} ({parts}) in {run.duration_ms / 1000:.2f}s")
    return "\n".join(lines) + "\n"
