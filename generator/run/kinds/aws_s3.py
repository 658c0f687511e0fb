"""``aws_s3``: the newest object under a bucket prefix is fresh and big enough (backups)."""

from __future__ import annotations

import heapq
import time
from typing import Any, Mapping

from generator.format.options import Duration, Obj, Size, Str, Threshold, format_duration
from generator.run.kinds import _aws as aws
from generator.run.kinds.base import CONNECTING, Emulator, Judge, ProbeContext, no_secret_quoting
from generator.run.results import Outcome

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
VAR_DEFAULTS: Mapping[str, str] = aws.VAR_DEFAULTS
IMPLICIT = CONNECTING
USES_HTTP = False
EMULATOR: str | None = "aws"
secret_quoting = no_secret_quoting
SHOWN = 10  # newest objects listed in the evidence


SEED_OBJECTS = 3  # nightly archives under the prefix; the last written is the newest
SEED_SIZE = 64 * 1024


def seed(params: dict[str, Any], emulator: Emulator) -> None:
    """A bucket holding three nightly archives under the prefix, big enough for any ``min_size`` up to 64 KiB."""
    s3 = emulator.client("s3")
    region = params.get("region") or "us-east-1"
    try:
        location = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
        s3.create_bucket(Bucket=params["bucket"], **location)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass  # another check's prefix in the same bucket
    today = time.time()
    for days_ago in range(SEED_OBJECTS - 1, -1, -1):
        name = f"{params['prefix'] or ''}{time.strftime('%Y%m%d', time.gmtime(today - days_ago * 86400))}.tar.gz"
        s3.put_object(Bucket=params["bucket"], Key=name, Body=b"\x1f\x8b" + bytes(SEED_SIZE - 2))


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
