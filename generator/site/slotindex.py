"""Where each page's result slots are: byte offsets kept at build time, so a stamp touches only what changed.

``site/.runbooks-slots/<part>.json`` maps each page (its path under the site)
to its slots as ``[kind, arg, start, end]``, the byte range of each slot's
body; a part is a top folder of the site (a mode's pages), ``-`` for the pages
at the top. A stamp of one mode reads and writes only that mode's part and the
top's. The build writes them all; every stamp reads them to find the pages holding a slot whose
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

__all__ = ["INDEX_DIR", "Located", "locate", "splice", "load_slot_index", "save_slot_index", "part_of"]

INDEX_DIR = ".runbooks-slots"
_TOP = "-"  # the part of the pages at the top of the site (a mode id starts with a letter or digit)
_OLD_FILE = ".runbooks-slots.json"  # one file for the whole site, before the parts
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


def part_of(page: str) -> str:
    """The part of the index a page is kept in: its top folder, or ``-`` for a page at the top."""
    folder, sep, _ = page.partition("/")
    return folder if sep else _TOP


def load_slot_index(site: Path, modes: Iterable[str] | None = None) -> dict[str, list[Located]]:
    """The slots of every page, or (with ``modes``) of those modes' pages and the top's. A part that is
    missing or damaged is left out: its pages are scanned again."""
    directory = site / INDEX_DIR
    if modes is None:
        try:
            files = sorted(directory.glob("*.json"))
        except OSError:
            return {}
    else:
        files = [directory / f"{part}.json" for part in (_TOP, *modes)]
    index: dict[str, list[Located]] = {}
    for path in files:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            index.update({page: [Located(str(k), str(a), int(s), int(e)) for k, a, s, e in slots]
                          for page, slots in raw.items()})
        except (OSError, ValueError, TypeError, AttributeError):
            continue
    return index


def save_slot_index(site: Path, index: dict[str, list[Located]], *, complete: bool = False) -> None:
    """Write the parts ``index`` holds pages of; ``complete``: it is the whole site's, and the parts of
    folders it no longer has go."""
    parts: dict[str, list[str]] = {}
    for page in sorted(index):
        parts.setdefault(part_of(page), []).append(page)
    directory = site / INDEX_DIR
    for part, pages in parts.items():
        body = ",\n".join(f"{json.dumps(page)}: {json.dumps([[s.kind, s.arg, s.start, s.end] for s in index[page]])}"
                          for page in pages)
        write_atomic(directory / f"{part}.json", "{\n" + body + "\n}\n", durable=False)  # lost: pages are scanned
    if complete:
        for stale in [p for p in directory.glob("*.json") if p.stem not in parts] + [site / _OLD_FILE]:
            stale.unlink(missing_ok=True)
