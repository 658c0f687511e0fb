"""Where each page's result slots are: byte offsets kept at build time, so a stamp touches only what changed.

``site/.runbooks-slots.json`` maps each page (its path under the site) to its
slots as ``[kind, arg, start, end]``, the byte range of each slot's body. The
build writes it; every stamp reads it to find the pages holding a slot whose
result changed (the others are not even opened), splices the new bodies in at
their offsets (no scan of the page) and writes the new offsets back. An entry
that no longer matches its page (the page was changed by something else) is
found by checking the marks around each range, and the page is scanned again.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Callable, Iterable, NamedTuple

from generator.fsutil import write_atomic

__all__ = ["INDEX_FILE", "Located", "locate", "splice", "load_slot_index", "save_slot_index"]

INDEX_FILE = ".runbooks-slots.json"
_SLOT = re.compile(rb"<!--rb:(?P<kind>[a-z]+):(?P<arg>[^<>]*?)-->(?P<body>.*?)<!--/rb-->", re.S)
_CLOSE = b"<!--/rb-->"


class Located(NamedTuple):
    """A slot of a page (a tuple: a site's index holds thousands, read at every stamp)."""

    kind: str
    arg: str
    start: int  # the body's first byte
    end: int  # one past its last byte

    @property
    def opening(self) -> bytes:
        return f"<!--rb:{self.kind}:{self.arg}-->".encode()


def locate(data: bytes) -> list[Located]:
    """Every slot of a page, scanned."""
    return [Located(m["kind"].decode(), m["arg"].decode(), m.start("body"), m.end("body")) for m in _SLOT.finditer(data)]


def _still_there(data: bytes, slots: Iterable[Located]) -> bool:
    return all(data[s.start - len(s.opening):s.start] == s.opening and data[s.end:s.end + len(_CLOSE)] == _CLOSE
               for s in slots)


def splice(data: bytes, slots: list[Located],
           render: Callable[[str, str], str | None]) -> tuple[bytes, list[Located]]:
    """The page with each slot's body replaced by ``render(kind, arg)`` (None keeps it), and the new offsets."""
    if not _still_there(data, slots):
        slots = locate(data)
    parts: list[bytes] = []
    moved: list[Located] = []
    at = size = 0
    for slot in slots:
        body = render(slot.kind, slot.arg)
        piece = data[slot.start:slot.end] if body is None else body.encode("utf-8")
        parts += [data[at:slot.start], piece]
        size += slot.start - at
        moved.append(Located(slot.kind, slot.arg, size, size + len(piece)))
        size += len(piece)
        at = slot.end
    parts.append(data[at:])
    return b"".join(parts), moved


def load_slot_index(site: Path) -> dict[str, list[Located]]:
    try:
        raw = json.loads((site / INDEX_FILE).read_text(encoding="utf-8"))
        return {page: [Located(str(k), str(a), int(s), int(e)) for k, a, s, e in slots] for page, slots in raw.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def save_slot_index(site: Path, index: dict[str, list[Located]]) -> None:
    body = ",\n".join(f"{json.dumps(page)}: {json.dumps([[s.kind, s.arg, s.start, s.end] for s in slots])}"
                      for page, slots in sorted(index.items()))
    write_atomic(site / INDEX_FILE, "{\n" + body + "\n}\n", durable=False)  # lost, the pages are scanned again
