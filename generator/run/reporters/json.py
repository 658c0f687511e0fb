"""``json``: the whole run, every result with its evidence (``schema_version`` 1)."""

from __future__ import annotations


from generator import __version__
from generator.run.results import Run, counts
from generator.run.store import SCHEMA_VERSION, json_lines

__all__ = ["NAME", "HELP", "USES_SITE_URL", "render"]

NAME = "json"
HELP = "results as JSON: mode, commit, times, and per check its state, reason, observed value, metrics, evidence"
USES_SITE_URL = False


def render(run: Run) -> str:
    payload = {
        "schema_version": SCHEMA_VERSION, "tool": f"runbooks {__version__}", "mode": run.mode, "commit": run.commit,
        "started_at": run.started_at, "finished_at": run.finished_at, "duration_ms": round(run.duration_ms, 1),
        "fail_on": run.fail_on, "exit_code": run.exit_code, "summary": counts(run.results), "run_id": run.id,
        **({"vantage": run.vantage} if run.vantage else {}), **({"uploaded_at": run.uploaded_at} if run.uploaded_at else {}),
    }
    return json_lines(payload, "results", [r.to_dict() for r in run.results])
