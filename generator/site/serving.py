"""``mkdocs serve --dirty`` on a large catalogue: after an edit, only the pages whose text changed are built.

MkDocs' dirty builds skip a page whose source file is older than its output.
Generated pages have no source file, so under ``serve --dirty`` the plugin
writes each page's Markdown to ``.runbooks/serve/`` (only when it changed, so
an unchanged page keeps its old time) and hands MkDocs those files. Pages
show the time the serve session began (not every rebuild's), so a page that
did not change really does not. A dirty build indexes only the pages it
built; the search index is kept whole by folding each build's entries into
the previous ones. A title change still needs a full build (MkDocs warns that
dirty builds leave navigation stale): save again without ``--dirty``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File

from generator.fsutil import write_atomic

__all__ = ["ServeCache"]

SEARCH_INDEX = Path("search") / "search_index.json"


class ServeCache:
    def __init__(self, root: Path) -> None:
        self.directory = root / ".runbooks" / "serve"
        self.search: dict[str, list[Any]] = {}  # page location → its search entries, from the last build of it

    def file(self, config: Any, path: str, content: str) -> File:
        """A page as a file of its own, rewritten only when its text changed."""
        target = self.directory / path
        try:
            same = target.read_text(encoding="utf-8") == content
        except OSError:
            same = False
        if not same:
            write_atomic(target, content)
        return File(path, str(self.directory), config.site_dir, config.use_directory_urls)

    def keep_search_whole(self, site_dir: Path) -> None:
        """Fold this build's search entries into the ones of the pages it did not build."""
        path = site_dir / SEARCH_INDEX
        try:
            index = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        built: dict[str, list[Any]] = {}
        for entry in index.get("docs", []):
            built.setdefault(str(entry.get("location", "")).split("#")[0], []).append(entry)
        self.search.update(built)
        index["docs"] = [entry for entries in self.search.values() for entry in entries]
        write_atomic(path, json.dumps(index, ensure_ascii=False, separators=(",", ":")))
