"""Defaults of the format that the run needs too, in a module that imports nothing (a check script loads it)."""

from __future__ import annotations

__all__ = ["DEFAULT_TIMEOUT", "DEFAULT_STALE_AFTER", "DEFAULT_HISTORY"]

DEFAULT_TIMEOUT = 10.0
DEFAULT_STALE_AFTER = 86400.0
DEFAULT_HISTORY = {"keep": 50, "flapping": 3}
