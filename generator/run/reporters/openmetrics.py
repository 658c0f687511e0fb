"""``openmetrics``: the run as metrics, for node_exporter's textfile collector.

Write it where the collector reads, with a ``.prom`` name, e.g.
``--openmetrics /var/lib/prometheus/node-exporter/runbooks_local.prom``
(one file per mode, or per mode and vantage). Every output is written to a
temporary file and renamed, so the collector never reads half a file.

Per check (labels ``mode``, ``runbook``, ``check``, ``kind``, ``severity``,
and ``vantage`` when the run names one):

- ``runbooks_check_state``: what the probe saw, as a Nagios exit code
  (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN), also inside a maintenance window;
  a SKIPPED check has none;
- ``runbooks_check_skipped`` and ``runbooks_check_maintenance``: 1 or 0; the
  generated alert rules drop checks in maintenance with ``unless``;
- ``runbooks_check_duration_seconds``, ``runbooks_check_last_run_timestamp_seconds``;
- ``runbooks_check_perfdata{label, uom}``: each perfdata value as the check
  reported it (``latency=12.5ms`` is ``{label="latency",uom="ms"} 12.5``).

Per run: ``runbooks_run_last_timestamp_seconds`` (an alert fires when it stops
moving), ``runbooks_run_duration_seconds`` and ``runbooks_run_checks{state}``.
Checks that do not apply to the mode are left out.
"""

from __future__ import annotations

import re
from typing import Iterator

from generator.run.results import Result, Run, State, counts, parse_utc, recordable

__all__ = ["NAME", "HELP", "USES_SITE_URL", "render", "FAMILIES"]

NAME = "openmetrics"
HELP = "metrics for node_exporter's textfile collector (write to a *.prom file): state, duration, last run, perfdata"
USES_SITE_URL = False

# name → (type, help); in the order they are written.
FAMILIES = {
    "runbooks_check_state": "State the probe saw, as a Nagios exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
    "runbooks_check_skipped": "1 when the check was skipped (a check it needs is not OK).",
    "runbooks_check_maintenance": "1 when the check ran inside a maintenance window.",
    "runbooks_check_duration_seconds": "How long the check took, retries included.",
    "runbooks_check_last_run_timestamp_seconds": "When the check last ran (Unix time).",
    "runbooks_check_perfdata": "Performance data the check reported, in its unit of measure (label uom).",
    "runbooks_run_last_timestamp_seconds": "When the last run of the mode finished (Unix time).",
    "runbooks_run_duration_seconds": "How long the last run of the mode took.",
    "runbooks_run_checks": "Checks of the last run, by state.",
}
# Nagios perfdata: 'label'=value[UOM];warn;crit;min;max
_PERFDATA = re.compile(r"^'?(?P<label>[^'=]+)'?=(?P<value>-?[0-9.]+(?:[eE][-+]?\d+)?)(?P<uom>[a-zA-Z%]*)")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(pairs: dict[str, str]) -> str:
    return "{" + ",".join(f'{name}="{_escape(value)}"' for name, value in pairs.items()) + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else format(value, ".15g")


def _check_labels(result: Result, vantage: str) -> dict[str, str]:
    labels = {"mode": result.mode, "runbook": result.runbook, "check": result.check, "kind": result.kind,
              "severity": result.severity}
    return {**labels, "vantage": vantage} if vantage else labels


def _check_samples(result: Result, vantage: str) -> Iterator[tuple[str, dict[str, str], float]]:
    labels = _check_labels(result, vantage)
    skipped = result.state is State.SKIPPED
    if not skipped:
        yield "runbooks_check_state", labels, result.seen.exit_code
    yield "runbooks_check_skipped", labels, int(skipped)
    yield "runbooks_check_maintenance", labels, int(result.state is State.MAINTENANCE)
    yield "runbooks_check_duration_seconds", labels, result.duration_ms / 1000
    if result.started_at:
        yield "runbooks_check_last_run_timestamp_seconds", labels, parse_utc(result.started_at).timestamp()
    seen: set[str] = set()
    for item in result.perfdata:
        match = _PERFDATA.match(item)
        if match and match["label"] not in seen:  # one series per label: a repeated label would be a duplicate
            seen.add(match["label"])
            yield "runbooks_check_perfdata", {**labels, "label": match["label"], "uom": match["uom"]}, \
                float(match["value"])


def _run_samples(run: Run, results: list[Result]) -> Iterator[tuple[str, dict[str, str], float]]:
    labels = {"mode": run.mode, **({"vantage": run.vantage} if run.vantage else {})}
    yield "runbooks_run_last_timestamp_seconds", labels, parse_utc(run.finished_at).timestamp()
    yield "runbooks_run_duration_seconds", labels, run.duration_ms / 1000
    for state, count in counts(results).items():
        yield "runbooks_run_checks", {**labels, "state": state}, count


def render(run: Run) -> str:
    results = [r for r in run.results if recordable(r)]
    by_family: dict[str, list[str]] = {name: [] for name in FAMILIES}
    samples = [s for r in results for s in _check_samples(r, run.vantage)] + list(_run_samples(run, results))
    for name, labels, value in samples:
        by_family[name].append(f"{name}{_labels(labels)} {_number(value)}")
    lines = []
    for name, help_text in FAMILIES.items():
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
        if name.endswith("_seconds"):
            lines.append(f"# UNIT {name} seconds")
        lines += by_family[name]
    return "\n".join(lines) + "\n# EOF\n"
