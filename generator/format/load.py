"""Load YAML into plain values while keeping where every key came from.

Runbooks use plain YAML: mappings, lists and scalars. Values are built in one
pass over libyaml's parser events (no recursion, no alias expansion), so that
duplicate keys are caught, every key and list item keeps its position, and a
hostile file costs bounded time and memory:

- a file larger than ``MAX_FILE_BYTES`` is not read;
- bytes that are not UTF-8, and characters YAML forbids (NUL, other control
  characters), are reported at their line and column;
- mappings and lists nested deeper than ``MAX_DEPTH`` stop the parse;
- tags (``!!python/object``, ``!custom``, ``!!binary``), anchors and aliases
  are refused where they appear: the format has no use for them, and an
  alias is how a few hundred bytes expand to gigabytes ("billion laughs").
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from generator.format.document import Document, Loc, PathKey, format_path

__all__ = ["Loc", "PathKey", "Document", "MAX_FILE_BYTES", "MAX_DEPTH", "MAX_PROBLEMS", "load_file", "load_bytes",
           "load_text", "format_path"]


MAX_FILE_BYTES = 256 * 1024  # 30 times the largest bundled runbook; the densest such file loads in under a second
MAX_DEPTH = 64  # mappings and lists inside each other; real runbooks use fewer than 10
MAX_PROBLEMS = 100  # YAML-level problems reported per file before reading stops

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_resolver = Resolver()
_constructor = SafeConstructor()
_STANDARD_PREFIX = "tag:yaml.org,2002:"
_MERGE = _STANDARD_PREFIX + "merge"
_STR = _STANDARD_PREFIX + "str"
_KINDS = {"int": "integer", "float": "number", "timestamp": "date"}
# YAML 1.1 allows tab, line breaks and printable characters; libyaml rejects the rest without a line number.
_UNACCEPTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


class _Unreadable(Exception):
    """The file cannot be read as text: its one-line reason."""


def load_file(path: Path, display: str | None = None) -> Document:
    display = display or str(path)
    try:
        data = _read_bounded(path)
    except _Unreadable as exc:
        return Document(display, None).fail((1, 1), str(exc))
    except OSError as exc:
        return Document(display, None).fail((1, 1), f"cannot read the file: {exc.strerror or exc}")
    return load_bytes(data, display)


def _read_bounded(path: Path) -> bytes:
    # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _Unreadable("not a file: it is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable("not a regular file (a device, FIFO or socket)")
        _check_size(info.st_size)
        chunks, total = [], 0
        while chunk := os.read(fd, min(1 << 16, MAX_FILE_BYTES + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            _check_size(total)  # the file grew, or its size lies (/proc)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise _Unreadable(f"file too large ({size} bytes; the limit is {MAX_FILE_BYTES} bytes, "
                          f"{MAX_FILE_BYTES // 1024} KiB)")


def load_bytes(data: bytes, display: str) -> Document:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("utf-8").removeprefix("\ufeff")  # valid up to the bad byte
        return Document(display, None).fail(
            _line_col(before, len(before)),
            f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded; save the file as UTF-8")
    return load_text(text, display)


def _line_col(text: str, index: int) -> Loc:
    """1-based line and column of ``text[index]``, counting line breaks as libyaml does."""
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, match.end()
    return line, index - start + 1


def load_text(text: str, display: str) -> Document:
    doc = Document(display, None)
    text = text.removeprefix("\ufeff")  # a UTF-8 byte order mark is allowed
    bad = _UNACCEPTABLE.search(text)
    if bad:
        return doc.fail(_line_col(text, bad.start()), f"unacceptable character U+{ord(bad.group()):04X}: YAML "
                                                      "allows only printable characters, tab and line breaks")
    try:
        _Builder(doc).run(yaml.parse(text, Loader=_Loader))
    except _Stop:
        pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        doc.fail(_mark(mark) if mark else (1, 1), f"invalid YAML: {exc.problem or exc.context}")
    except yaml.YAMLError as exc:
        doc.fail((1, 1), f"invalid YAML: {exc}")
    doc.positions[()] = (1, 1)
    if doc.fatal:
        doc.data = None
    return doc


def _mark(mark: Any) -> Loc:
    return mark.line + 1, mark.column + 1


def _implicit_tag(event: yaml.ScalarEvent) -> str:
    """The tag YAML gives an untagged scalar: str, int, float, bool, null, timestamp (or merge)."""
    return str(_resolver.resolve(yaml.ScalarNode, event.value, event.implicit))  # type: ignore[no-untyped-call]


class _Stop(Exception):
    """Reading stops: the problem that says why is already in the document."""


@dataclass
class _Open:
    """A mapping or list being built. ``path`` is None while a value is skipped (a duplicate key's)."""

    path: PathKey | None
    value: dict[str, Any] | list[Any]
    key: PathKey | None = None  # a mapping's key path, set from its key until its value arrives
    has_key: bool = False


class _Builder:
    """Plain values from parser events: one pass, an explicit stack, no alias expansion."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.stack: list[_Open] = []
        self.documents = 0
        self.references: list[int] = []  # [index of the first anchor or alias problem, how many more]
        self.handlers: dict[type, Callable[[Any], None]] = {
            yaml.DocumentStartEvent: self._document, yaml.ScalarEvent: self._scalar,
            yaml.MappingStartEvent: self._start, yaml.SequenceStartEvent: self._start,
            yaml.MappingEndEvent: self._end, yaml.SequenceEndEvent: self._end, yaml.AliasEvent: self._alias,
        }

    def run(self, events: Iterable[yaml.Event]) -> None:
        try:
            for event in events:
                handler = self.handlers.get(type(event))
                if handler is not None:
                    handler(event)
        finally:
            self._count_references()

    def problem(self, event: yaml.Event, message: str, *, fatal: bool = True) -> None:
        if len(self.doc.problems) >= MAX_PROBLEMS:
            self.doc.fail(_mark(event.start_mark), f"too many problems; stopped reading after {MAX_PROBLEMS}")
            raise _Stop
        self.doc.problems.append((_mark(event.start_mark), message))
        self.doc.fatal = self.doc.fatal or fatal

    def _document(self, event: yaml.DocumentStartEvent) -> None:
        self.documents += 1
        if self.documents > 1:
            self.doc.fail(_mark(event.start_mark), "invalid YAML: a second document (---); a file holds one document")
            raise _Stop

    def _where(self) -> tuple[PathKey | None, bool]:
        """Where the next node goes: its path (None: skipped), and whether it is a mapping key."""
        if not self.stack:
            return (), False
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (None if top.path is None else top.path + (len(top.value),)), False
        return (top.key if top.has_key else top.path), not top.has_key

    def _properties(self, event: Any, path: PathKey | None) -> bool:
        """Refuse an explicit tag or an anchor; True when the node is plain."""
        if event.tag is None and event.anchor is None:
            return True
        where = f"{format_path(path)}: " if path else ""
        if event.tag is not None:
            tag = "!!" + event.tag[len(_STANDARD_PREFIX):] if event.tag.startswith(_STANDARD_PREFIX) else event.tag
            self.problem(event, f"{where}tag {tag} is not supported; runbooks hold plain text, numbers, "
                                "lists and mappings")
        if event.anchor is not None:
            self._reference(event, f"{where}anchor &{event.anchor}")
        return False

    def _reference(self, event: yaml.NodeEvent, what: str) -> None:
        """Anchors and aliases: one problem per file, at the first, counting the others."""
        if self.references:
            self.references[1] += 1
            return
        self.problem(event, f"{what}: anchors and aliases are not part of the format; write the value out")
        self.references = [len(self.doc.problems) - 1, 0]

    def _count_references(self) -> None:
        if self.references and self.references[1]:
            index, more = self.references
            where, message = self.doc.problems[index]
            self.doc.problems[index] = (where, f"{message} ({more} more in this file)")

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        path, is_key = self._where()
        if is_key:
            self._key(event)
            return
        if self._properties(event, path):
            self._place(path, event, self._construct(event, path, _implicit_tag(event)))
        else:
            self._place(None, event, None)

    def _construct(self, event: yaml.ScalarEvent, path: PathKey | None, tag: str) -> Any:
        if tag == _STR:  # most scalars: no constructor needed
            return event.value
        construct = SafeConstructor.yaml_constructors.get(tag) or SafeConstructor.construct_yaml_str
        try:
            return construct(_constructor, yaml.ScalarNode(tag, event.value))
        except ValueError as exc:  # 2024-13-01; an integer of 5000 digits (beyond Python's limit)
            kind = _KINDS.get(tag[len(_STANDARD_PREFIX):], "value")
            shown = event.value if len(event.value) <= 40 else event.value[:40] + "…"
            reason = f"{len(event.value)} digits, too many" if kind == "integer" else str(exc)
            self.problem(event, f"{format_path(path or ()) or 'document'}: invalid {kind} '{shown}' ({reason})",
                         fatal=False)
            return event.value

    def _key(self, event: yaml.ScalarEvent) -> None:
        top = self.stack[-1]
        parent = top.path
        top.has_key, top.key = True, None  # skip the value unless the key is good
        if not self._properties(event, parent) or parent is None:
            return
        tag = _implicit_tag(event)
        if tag == _MERGE:
            self.problem(event, f"{format_path(parent) or 'document'}: merge keys (<<) are not supported",
                         fatal=False)
            return
        name = self._construct(event, parent, tag)
        name = name if isinstance(name, str) else str(name)
        child = parent + (name,)
        if child in self.doc.positions:
            first = self.doc.positions[child]
            self.problem(event, f"{format_path(child)}: duplicate key (first defined at line {first[0]})",
                         fatal=False)
            return
        self.doc.positions[child] = _mark(event.start_mark)
        top.key = child

    def _start(self, event: yaml.CollectionStartEvent) -> None:
        path, is_key = self._where()
        if is_key:
            what = "mapping" if isinstance(event, yaml.MappingStartEvent) else "list"
            self.doc.fail(_mark(event.start_mark), f"{format_path(self.stack[-1].path or ()) or 'document'}: "
                                                   f"a key must be plain text, not a {what}")
            raise _Stop
        if len(self.stack) >= MAX_DEPTH:
            self.doc.fail(_mark(event.start_mark), f"nested too deeply: more than {MAX_DEPTH} levels of "
                                                   "mappings and lists")
            raise _Stop
        if not self._properties(event, path):
            path = None
        value: dict[str, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
        self._place(path, event, value)
        self.stack.append(_Open(path, value))

    def _end(self, event: yaml.CollectionEndEvent) -> None:
        self.stack.pop()

    def _alias(self, event: yaml.AliasEvent) -> None:
        path, is_key = self._where()
        self._reference(event, f"{format_path(path)}: alias *{event.anchor}" if path else f"alias *{event.anchor}")
        if is_key:
            self.stack[-1].has_key, self.stack[-1].key = True, None
        else:
            self._place(None, event, None)

    def _place(self, path: PathKey | None, event: yaml.NodeEvent, value: Any) -> None:
        """Put a finished (or just opened) value where it belongs; a mapping now expects a key."""
        if path is not None:
            self.doc.value_positions[path] = where = _mark(event.start_mark)
        if not self.stack:
            self.doc.data = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
            if path is not None:
                self.doc.positions[path] = where
            return
        if path is not None and top.key is not None:
            top.value[top.key[-1]] = value
        top.has_key, top.key = False, None
