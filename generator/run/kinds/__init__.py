"""The check kinds, listed once.

Each kind is a module that implements ``base.Kind`` (its schema, probe,
description, and the hooks with defaults in ``base``). The validator, the
engine, the CLI, the site, the format reference and the demo all read this
dict: adding a kind is its module, one line here, its tests and the
regenerated reference.
"""

from __future__ import annotations

from generator.run.kinds import (
                                 aws_cloudwatch_alarms,
                                 aws_ecs_service,
                                 aws_s3,
                                 command,
                                 disk,
                                 file,
                                 http,
                                 prometheus,
                                 tcp,
                                 tls,
)
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
