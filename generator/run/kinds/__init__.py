"""The check kinds, listed once.

Each kind is a module with ``NAME``, ``DOC``, ``SCHEMA`` (its block's keys),
``ASSERTIONS`` (keys that assert something; empty when connecting is the
assertion), ``describe(params)`` and ``async probe(params, ctx)``; optionally
``VAR_DEFAULTS`` (key → mode variable it defaults to, read by the model). The
validator, the CLI help, the site and the format reference all read this dict.
"""

from __future__ import annotations

from generator.run.kinds import aws_cloudwatch_alarms, aws_ecs_service, aws_s3, command, disk, file, http, prometheus, tcp, tls
from generator.run.kinds.base import Kind

__all__ = ["KINDS", "Kind"]

KINDS: dict[str, Kind] = {
    "http": http,
    "tcp": tcp,
    "command": command,
    "file": file,
    "disk": disk,
    "tls": tls,
    "prometheus": prometheus,
    "aws_s3": aws_s3,
    "aws_cloudwatch_alarms": aws_cloudwatch_alarms,
    "aws_ecs_service": aws_ecs_service,
}
