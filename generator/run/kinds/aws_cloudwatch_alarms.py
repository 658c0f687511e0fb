"""``aws_cloudwatch_alarms``: named alarms, or every alarm with a prefix, are not in ALARM."""

from __future__ import annotations

from typing import Any, Mapping

from generator.format.options import Choice, ListOf, Obj, Str
from generator.run.kinds import _aws as aws
from generator.run.kinds.base import Emulator, ProbeContext, no_secret_quoting
from generator.run.results import Outcome, State, bounded

NAME = "aws_cloudwatch_alarms"
DOC = ("Check CloudWatch alarms (metric and composite): any alarm in ALARM is CRITICAL; a named alarm that does not "
       "exist, or a prefix matching none, is UNKNOWN. Needs `runbooks[aws]`.")
SCHEMA = Obj({
    "names": ListOf(Str(), "Alarm names (one or a list); each must exist.", single=True,
                    example=["platform-5xx-rate", "platform-p95-latency"]),
    "prefix": Str("Alarm name prefix: every alarm whose name starts with it.", example="platform-"),
    "insufficient_data": Choice(["ok", "warning", "critical", "unknown"],
                                "The result for an alarm in INSUFFICIENT_DATA.", default="warning"),
    **aws.AWS_FIELDS,
}, one_of=("names", "prefix"))
ASSERTIONS: tuple[str, ...] = ()
IMPLICIT = "the alarms' states"
VAR_DEFAULTS: Mapping[str, str] = aws.VAR_DEFAULTS
USES_HTTP = False
EMULATOR: str | None = "aws"
secret_quoting = no_secret_quoting
NAMES_PER_CALL = 100  # DescribeAlarms accepts at most 100 names


# Alarms a seeded prefix holds: what a load-balanced service typically alarms on.
SEED_SUFFIXES = {"5xx-rate": ("HTTPCode_Target_5XX_Count", 1.0), "p95-latency": ("TargetResponseTime", 200.0),
                 "unhealthy-hosts": ("UnHealthyHostCount", 1.0)}


def seed(params: dict[str, Any], emulator: Emulator) -> None:
    """The named alarms (or, for a prefix, one per SEED_SUFFIXES), each in OK."""
    cloudwatch = emulator.client("cloudwatch")
    names = params.get("names") or [params["prefix"] + suffix for suffix in SEED_SUFFIXES]
    for name in names:
        metric, threshold = next((m for s, m in SEED_SUFFIXES.items() if name.endswith(s)), ("Errors", 1.0))
        cloudwatch.put_metric_alarm(AlarmName=name, Namespace="AWS/ApplicationELB", MetricName=metric,
                                    Statistic="Average", Period=60, EvaluationPeriods=3, Threshold=threshold,
                                    ComparisonOperator="GreaterThanThreshold")
        cloudwatch.set_alarm_state(AlarmName=name, StateValue="OK",
                                   StateReason="Threshold Crossed: 3 datapoints were not greater than the threshold.")


def describe(params: dict[str, Any]) -> str:
    if params.get("names"):
        return "CloudWatch alarms " + ", ".join(params["names"])
    return f"CloudWatch alarms {params['prefix']}*"


async def probe(params: dict[str, Any], ctx: ProbeContext) -> Outcome:
    return await aws.call(params, "cloudwatch", lambda client: judge(params, _alarms(client, params)))


def _alarms(client: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    pages = client.get_paginator("describe_alarms")
    types = ["MetricAlarm", "CompositeAlarm"]  # without AlarmTypes only metric alarms come back
    if params.get("prefix"):
        queries = [{"AlarmNamePrefix": params["prefix"]}]
    else:
        names = params["names"]
        queries = [{"AlarmNames": names[i:i + NAMES_PER_CALL]} for i in range(0, len(names), NAMES_PER_CALL)]
    found = []
    for query in queries:
        for page in pages.paginate(AlarmTypes=types, **query):
            found += page.get("MetricAlarms", []) + page.get("CompositeAlarms", [])
    return found


_INSUFFICIENT = {"ok": State.OK, "warning": State.WARNING, "critical": State.CRITICAL, "unknown": State.UNKNOWN}


def judge(params: dict[str, Any], alarms: list[dict[str, Any]]) -> Outcome:
    by_state: dict[str, list[dict[str, Any]]] = {}
    for alarm in sorted(alarms, key=lambda a: a["AlarmName"]):
        by_state.setdefault(alarm["StateValue"], []).append(alarm)
    found = {a["AlarmName"] for a in alarms}
    missing = [n for n in params.get("names") or [] if n not in found]
    observed = ", ".join(f"{len(v)} {k}" for k, v in sorted(by_state.items())) or "no alarm"
    evidence = bounded(_evidence(alarms, missing))
    if by_state.get("ALARM"):
        names = ", ".join(a["AlarmName"] for a in by_state["ALARM"])
        return Outcome(State.CRITICAL, f"in ALARM: {names}", "assertion", observed, evidence)
    if missing:
        return Outcome(State.UNKNOWN, f"no such alarm: {', '.join(missing)}", "error", observed, evidence)
    if not alarms:
        return Outcome(State.UNKNOWN, f"no alarm named {params['prefix']}*", "error", observed, evidence)
    insufficient = by_state.get("INSUFFICIENT_DATA", [])
    state = _INSUFFICIENT[params.get("insufficient_data") or "warning"] if insufficient else State.OK
    if state is not State.OK:
        names = ", ".join(a["AlarmName"] for a in insufficient)
        return Outcome(state, f"INSUFFICIENT_DATA: {names}", "assertion", observed, evidence)
    return Outcome(State.OK, f"{len(alarms)} alarm(s): {observed}", "", observed)


def _evidence(alarms: list[dict[str, Any]], missing: list[str]) -> str:
    order = {"ALARM": 0, "INSUFFICIENT_DATA": 1}
    lines = [f"{a['AlarmName']}: {a['StateValue']} since {aws.timestamp(a.get('StateUpdatedTimestamp', ''))}\n"
             f"  {a.get('StateReason', '')}"
             for a in sorted(alarms, key=lambda a: (order.get(a["StateValue"], 2), a["AlarmName"]))]
    lines += [f"{name}: does not exist" for name in missing]
    return "\n".join(lines)
