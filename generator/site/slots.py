"""Result slots: the marks a page carries where a result is shown.

A slot is ``<!--rb:KIND:ARG-->…<!--/rb-->``. Page templates write empty ones
(``slot(kind, arg)``); ``stamp`` fills them, at build time and after every run.
Escaped text cannot contain ``<!--``, so a probe's output never forges or
closes a slot.
"""

from __future__ import annotations

import re

__all__ = ["SLOT", "MARK", "slot"]

SLOT = re.compile(r"<!--rb:(?P<kind>[a-z]+):(?P<arg>[^<>]*?)-->(?P<body>.*?)<!--/rb-->", re.S)
MARK = "<!--rb:"  # a page without it has no slot


def slot(kind: str, arg: str) -> str:
    """An empty slot, as page templates write it."""
    return f"<!--rb:{kind}:{arg}--><!--/rb-->"
