"""``mkdocs serve`` on a large catalogue: after an edit, only the pages whose text changed are built.

MkDocs' dirty builds skip a page whose source file is older than its output.
Generated pages have no source file, so under ``serve`` the plugin writes each
page's Markdown to ``.runbooks/serve/`` (only when it changed, so an unchanged
page keeps its old time) and hands MkDocs those files. Pages show the time the
serve session began (not every rebuild's), so a page that did not change
really does not. A dirty build indexes only the pages it built; the search
index is kept whole by folding each build's entries into the previous ones.

``mkdocs serve --dirty`` builds that way after every change. A plain ``mkdocs
serve`` does too when a save changed only the text of runbooks (``Rebuild``):
the page is up in seconds instead of after a rebuild of every page. Whatever
else changed (``mkdocs.yml``, ``docs/``, a runbook added or removed), and a
save that changed the navigation (a title), gets the full build MkDocs would
have run, right after.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any, Callable

from mkdocs.structure.files import File

from generator.fsutil import write_atomic

__all__ = ["ServeCache", "Rebuild"]

log = logging.getLogger("mkdocs.plugins.runbooks")

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


class Rebuild:
    """What a plain ``mkdocs serve`` runs after a change: a dirty build when only runbooks' text changed, else
    (and after a dirty build that changed the navigation) MkDocs' own full build, ``full``."""

    def __init__(self, full: Callable[[], None], config: Any, runbooks: Path, nav_changed: Callable[[], bool]) -> None:
        self.full = full
        self.config_file = config.config_file_path
        self.site_dir = config.site_dir
        self.serve_url = config.site_url  # serve set it to its own address
        self.runbooks = runbooks
        self.watched = [runbooks, Path(config.docs_dir)] + ([Path(self.config_file)] if self.config_file else [])
        self.nav_changed = nav_changed
        self.seen = self._snapshot()

    def __call__(self) -> None:
        before, self.seen = self.seen, self._snapshot()
        changed = {path for path in before.keys() | self.seen.keys() if before.get(path) != self.seen.get(path)}
        if not changed or not all(path in before and path in self.seen and path.parent == self.runbooks
                                  for path in changed):
            self.full()
            return
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        log.info("runbooks: only runbook text changed: building the pages it changed")
        config = load_config(config_file=self.config_file, site_dir=self.site_dir)
        config.site_url = self.serve_url
        build(config, serve_url=self.serve_url, dirty=True)
        if self.nav_changed():
            log.info("runbooks: the navigation changed: building every page")
            self.full()

    def _snapshot(self) -> dict[Path, tuple[int, int]]:
        """Size and time of every file watched (the runbooks, docs/, mkdocs.yml)."""
        found: dict[Path, tuple[int, int]] = {}
        for top in self.watched:
            paths = [top] if top.is_file() else [Path(d) / f for d, _, fs in os.walk(top) for f in fs]
            for path in paths:
                try:
                    stat = path.stat()
                except OSError:
                    continue
                found[path] = (stat.st_size, stat.st_mtime_ns)
        return found
