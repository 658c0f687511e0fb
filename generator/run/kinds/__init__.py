"""The check kinds, listed once.

Each kind is a module that implements ``base.Kind`` (its schema, probe,
description, and the hooks with defaults in ``base``). The validator, the
engine, the CLI, the site, the format reference and the demo all read this
mapping: adding a kind is its module, one line here, its tests and the
regenerated reference.

A kind's module is imported the first time it is asked for: a generated
script that runs one http check never imports the AWS kinds (or their
thread pool and logging). Names, order and membership need no import.
"""

from __future__ import annotations

import importlib
from typing import Iterator, Mapping, cast

from generator.run.kinds.base import Kind

__all__ = ["KINDS", "Kind"]


class _Kinds(Mapping[str, Kind]):
    """Kind name → its module (``generator.run.kinds.<name>``), imported on first use."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self._names = names
        self._loaded: dict[str, Kind] = {}

    def __getitem__(self, name: str) -> Kind:
        kind = self._loaded.get(name)
        if kind is None:
            if name not in self._names:
                raise KeyError(name)
            kind = self._loaded[name] = cast(Kind, importlib.import_module(f"{__name__}.{name}"))
        return kind

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


KINDS: Mapping[str, Kind] = _Kinds((
    "http",
    "tcp",
    "command",
    "file",
    "disk",
    "tls",
    "prometheus",
    "aws_s3",
    "aws_cloudwatch_alarms",
    "aws_ecs_service",
))
