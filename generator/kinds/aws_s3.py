"""``aws_s3``: the newest object under a bucket prefix is fresh and big enough (backups)."""

from __future__ import annotations

import heapq
from typing import Any

from ..results import Outcome
from ..schema import Duration, Obj, Size, Str, Threshold, format_duration
from . import aws
from .base import Judge, ProbeContext

NAME = "aws_s3"
DOC = ("Check the newest object under an S3 prefix (backup freshness and size); no object under the prefix is "
       "CRITICAL. Needs `runbooks[aws]`.")
SCHEMA = Obj({
    "bucket": Str("Bucket name.", required=True, example="{{ backup_bucket }}"),
    "prefix": Str("Key prefix; the newest object under it is judged.", default="", example="platform/"),
    "newest_age": Threshold(Duration(), "Age thresholds for the newest object.", example={"warn": "26h", "crit": "48h"}),
    "min_size": Size("Minimum size of the newest object (bytes, or 10KB, 5MiB…).", example="2KB"),
    **aws.AWS_FIELDS,
})
ASSERTIONS: tuple[str, ...] = ("newest_age", "min_size")
VAR_DEFAULTS = aws.VAR_DEFAULTS
SHOWN = 10  # newest objects listed in the evidence


def describe(params: dict[str, Any]) -> str:
    return f"s3://{params['bucket']}/{params.get('prefix') or ''}"


async def probe(params: dict[str, Any], ctx: ProbeContext) -> Outcome:
    def work(client: Any) -> Outcome:
        count, newest = _list(client, params["bucket"], params.get("prefix") or "")
        return judge(params, count, newest, ctx.clock())

    return await aws.call(params, "s3", work)


def _list(client: Any, bucket: str, prefix: str) -> tuple[int, list[dict[str, Any]]]:
    """Count every object under ``prefix``; keep only the newest few (a prefix may hold millions)."""
    count, newest = 0, list[dict[str, Any]]()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        contents = page.get("Contents", [])
        count += len(contents)
        newest = heapq.nlargest(SHOWN, newest + contents, key=lambda o: (o["LastModified"], o["Key"]))
    return count, newest


def judge(params: dict[str, Any], count: int, newest: list[dict[str, Any]], now: float) -> Outcome:
    verdict = Judge()
    where = describe(params)
    if not newest:
        verdict.expect(False, "objects", f"at least one object under {where}", "none")
        return verdict.outcome("no object", f"no object under {where}")
    top = newest[0]
    age = float(max(0, round(now - top["LastModified"].timestamp())))  # S3 keeps whole seconds
    if params.get("newest_age"):
        verdict.threshold("age", round(age), params["newest_age"], durations=True)
    if params.get("min_size") is not None:
        verdict.expect(top["Size"] >= params["min_size"], "size", f">= {params['min_size']} B", f"{top['Size']} B")
    observed = f"newest {top['Key']}: {_ago(age)} old, {top['Size']} B ({count} objects)"
    return verdict.outcome(observed, _evidence(params, count, newest, age))


def _evidence(params: dict[str, Any], count: int, newest: list[dict[str, Any]], age: float) -> str:
    top = newest[0]
    lines = [f"newest key:    {top['Key']}", f"size:          {top['Size']} B",
             f"last modified: {aws.timestamp(top['LastModified'])} ({_ago(age)} ago)",
             f"objects:       {count} under {describe(params)}"]
    limits = params.get("newest_age") or {}
    if limits:
        shown = ", ".join(f"{k} {format_duration(v)}" for k, v in limits.items() if v is not None)
        lines.append(f"expected age:  below {shown}; actual {_ago(age)}")
    if params.get("min_size") is not None:
        lines.append(f"expected size: at least {params['min_size']} B; actual {top['Size']} B")
    lines += ["", "newest objects:"]
    lines += [f"{aws.timestamp(o['LastModified'])}  {o['Size']:>12}  {o['Key']}" for o in newest]
    return "\n".join(lines)


def _ago(age: float) -> str:
    return format_duration(age) if age >= 1 else "0s"  # whole seconds: "0ms old" would claim a precision S3 lacks
