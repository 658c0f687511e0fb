"""Load YAML into plain values while keeping where every key came from.

Parsing uses libyaml's composer (fast) and builds values by hand so that
duplicate keys are caught and every key and list item keeps its position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Loc", "Document", "load_file", "load_text", "format_path"]

Loc = tuple[int, int]
PathKey = tuple[Any, ...]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_scalar = yaml.constructor.SafeConstructor()


@dataclass
class Document:
    """A parsed file: its data, the position of each key path, and problems."""

    path: str
    data: Any
    positions: dict[PathKey, Loc] = field(default_factory=dict)
    value_positions: dict[PathKey, Loc] = field(default_factory=dict)
    problems: list[tuple[Loc, str]] = field(default_factory=list)
    fatal: bool = False  # a syntax error: there is no data to validate

    def loc(self, path: PathKey) -> Loc:
        """The position of ``path``, or of its nearest ancestor that has one."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def value_loc(self, path: PathKey) -> Loc:
        return self.value_positions.get(path) or self.loc(path)


def format_path(path: PathKey) -> str:
    """``('checks', 2, 'http', 'status')`` → ``checks[2].http.status``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load_file(path: Path, display: str | None = None) -> Document:
    return load_text(path.read_text(encoding="utf-8"), display or str(path))


def load_text(text: str, display: str) -> Document:
    doc = Document(display, None)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        doc.problems.append((where, f"invalid YAML: {exc.problem or exc.context}"))
        doc.fatal = True
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(((1, 1), f"invalid YAML: {exc}"))
        doc.fatal = True
        return doc
    doc.positions[()] = (1, 1)
    if node is not None:
        doc.data = _build(node, (), doc)
    return doc


def _pos(node: yaml.Node) -> Loc:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _build(node: yaml.Node, path: PathKey, doc: Document) -> Any:
    doc.value_positions[path] = _pos(node)
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(node, path, doc)
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            doc.positions[path + (index,)] = _pos(item)
            items.append(_build(item, path + (index,), doc))
        return items
    return _scalar.construct_object(node, deep=True)


def _build_mapping(node: yaml.MappingNode, path: PathKey, doc: Document) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            doc.problems.append((_pos(key_node), f"{format_path(path) or 'document'}: merge keys (<<) are not supported"))
            continue
        key = _scalar.construct_object(key_node, deep=True)
        key = key if isinstance(key, str) else str(key)
        child = path + (key,)
        if key in out:
            first = doc.positions[child]
            doc.problems.append((_pos(key_node), f"{format_path(child)}: duplicate key (first defined at line {first[0]})"))
            continue
        doc.positions[child] = _pos(key_node)
        out[key] = _build(value_node, child, doc)
    return out
