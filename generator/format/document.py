"""A parsed file and the paths of its keys: what validation reports against, without the YAML reader itself
(the options and the check kinds need these types; a check script never reads YAML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Loc", "PathKey", "Document", "format_path"]

Loc = tuple[int, int]
PathKey = tuple[Any, ...]


@dataclass
class Document:
    """A parsed file: its data, the position of each key path, and problems."""

    path: str
    data: Any
    positions: dict[PathKey, Loc] = field(default_factory=dict)
    value_positions: dict[PathKey, Loc] = field(default_factory=dict)
    problems: list[tuple[Loc, str]] = field(default_factory=list)
    fatal: bool = False  # the file could not be read as plain YAML: there is no data to validate

    def loc(self, path: PathKey) -> Loc:
        """The position of ``path``, or of its nearest ancestor that has one."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))

    def value_loc(self, path: PathKey) -> Loc:
        return self.value_positions.get(path) or self.loc(path)

    def fail(self, where: Loc, message: str) -> "Document":
        self.problems.append((where, message))
        self.fatal = True
        return self


def format_path(path: PathKey) -> str:
    """``('checks', 2, 'http', 'status')`` → ``checks[2].http.status``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
