"""Secrets: ``${env:NAME}`` and ``${file:PATH}`` references in check options.

A reference stays a reference everywhere the tool writes (site, check
scripts): only the probe, at the moment it runs, sees the value. Every
value resolved for a probe is then masked as ``***`` in what the probe
reports, so it never reaches results, JSON, JUnit, pages or logs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

__all__ = ["REFERENCE", "MASK", "MissingSecret", "Resolved", "resolve_secrets", "has_reference"]

REFERENCE = re.compile(r"\$\{(env|file):([^}\s]+)\}")
MASK = "***"


class MissingSecret(Exception):
    """A referenced secret is not available; the message names it."""


@dataclass
class Resolved:
    """Parameters with secrets filled in, and the values to mask in what comes back."""

    params: Any
    values: list[str] = field(default_factory=list)

    def mask(self, text: str) -> str:
        # Longest first: a secret that contains another is masked whole.
        for value in sorted(self.values, key=len, reverse=True):
            text = text.replace(value, MASK)
        return text


def has_reference(value: Any) -> bool:
    if isinstance(value, str):
        return REFERENCE.search(value) is not None
    if isinstance(value, dict):
        return any(has_reference(v) for v in value.values())
    if isinstance(value, list):
        return any(has_reference(v) for v in value)
    return False


def resolve_secrets(params: Mapping[str, Any], root: Path,
                    quoting: Mapping[str, Callable[[str], str]] | None = None) -> Resolved:
    """Fill every reference in ``params``; ``quoting[key]`` quotes values filled into that top-level key.

    Raises MissingSecret naming the first reference that cannot be read.
    """
    resolved = Resolved({})
    if not has_reference(params):
        resolved.params = dict(params)
        return resolved
    quoting = quoting or {}
    resolved.params = {key: _fill(value, root, resolved, quoting.get(key)) for key, value in params.items()}
    return resolved


def _fill(value: Any, root: Path, resolved: Resolved, quote: Callable[[str], str] | None) -> Any:
    if isinstance(value, str):
        return REFERENCE.sub(lambda m: _value(m, root, resolved, quote), value)
    if isinstance(value, dict):
        return {k: _fill(v, root, resolved, quote) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, root, resolved, quote) for v in value]
    return value


def _value(match: re.Match[str], root: Path, resolved: Resolved, quote: Callable[[str], str] | None) -> str:
    source, name = match.group(1), match.group(2)
    secret = _read_env(name) if source == "env" else _read_file(name, root)
    if secret.strip():
        resolved.values.append(secret)
    return quote(secret) if quote is not None else secret


def _read_env(name: str) -> str:
    value = os.environ.get(name)
    if value is None:
        raise MissingSecret(f"secret ${{env:{name}}} is not set: environment variable {name} is missing")
    return value


def _read_file(name: str, root: Path) -> str:
    path = Path(name).expanduser()
    path = path if path.is_absolute() else root / path
    try:
        return path.read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise MissingSecret(f"secret ${{file:{name}}} cannot be read: {reason}") from None
