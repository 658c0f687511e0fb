"""The check kinds, listed once.

Each kind is a module with ``NAME``, ``DOC``, ``SCHEMA`` (its block's keys),
``ASSERTIONS`` (keys that assert something; empty when connecting is the
assertion), ``describe(params)`` and ``async probe(params, ctx)``. The
validator, the CLI help, the site and the format reference all read this dict.
"""

from __future__ import annotations

from . import command, disk, file, http, prometheus, tcp, tls
from .base import Kind

__all__ = ["KINDS", "Kind"]

KINDS: dict[str, Kind] = {
    "http": http,
    "tcp": tcp,
    "command": command,
    "file": file,
    "disk": disk,
    "tls": tls,
    "prometheus": prometheus,
}
