"""The MkDocs plugin: ``mkdocs build --strict`` and ``mkdocs serve`` work from the repo root.

It validates the runbooks, adds the generated pages and the mode tabs, fills
result slots from the results store, writes each runbook's status badge, and
watches ``runbooks/`` when serving. It adds what its pages need (Markdown
extensions, CSS, JS, the bundled faces instead of Google Fonts unless
``theme.font`` is set, the tabs and copy-button features), so a minimal
``mkdocs.yml`` (``site_name``, ``theme: material``, ``plugins: [runbooks]``)
works; a setting that would leave its pages broken (another theme,
``use_directory_urls: false``) fails the build, naming the key.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from generator.errors import ConfigError
from generator.format.cache import template_cache
from generator.format.catalog import load_catalog
from generator.format.model import Catalog
from generator.run.store import ResultsIndex
from generator.site.badges import write_badges
from generator.site.render import nav, render_pages
from generator.provenance import BuildInfo, build_info
from generator.site.serving import Rebuild, ServeCache
from generator.site.slotindex import Located, locate, save_slot_index
from generator.site.slots import MARK
from generator.site.stamp import filtered_index, stamp_html
from generator.site.templates import ASSETS, THEME_TEMPLATES

__all__ = ["RunbooksPlugin"]

log = logging.getLogger("mkdocs.plugins.runbooks")


class _Options(Config):  # type: ignore[no-untyped-call]  # mkdocs is untyped here
    root = config_options.Type(str, default="")


class RunbooksPlugin(BasePlugin[_Options]):  # type: ignore[no-untyped-call]
    catalog: Catalog | None = None
    index: ResultsIndex | None = None
    preloaded: Catalog | None = None  # the catalog `runbooks build` already validated: not read twice
    serving: ServeCache | None = None  # under `mkdocs serve`: pages as files, built when they change
    built: BuildInfo | None = None  # what pages say they were generated from (fixed for a serve session)
    serve: bool = False  # `mkdocs serve`, with or without --dirty
    dirty_serve: bool = False
    navigation: str | None = None  # the last build's, to tell whether a dirty build left other pages' stale
    navigation_changed: bool = False

    def __init__(self) -> None:
        super().__init__()
        self.slot_index: dict[str, list[Located]] = {}

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining this keeps the plugin alive across `mkdocs serve` rebuilds, with what it remembers.
        self.serve = command == "serve"
        self.dirty_serve = self.serve and dirty

    def _root(self, config: Any) -> Path:
        base = Path(config.config_file_path or ".").resolve().parent
        return (base / self.config.root).resolve() if self.config.root else base

    def on_config(self, config: Any) -> Any:
        _refuse_what_breaks_pages(config)
        root = self._root(config)
        try:
            preloaded = self.preloaded
            self.catalog = preloaded if preloaded is not None and preloaded.root == root else load_catalog(root)
        except ConfigError as exc:
            raise PluginError(f"invalid runbooks:\n{exc}") from None
        self.index = filtered_index(self.catalog)
        if self.serve:
            self.serving = self.serving or ServeCache(root)
            self.built = self.built or build_info(root)
        if self.catalog.project.title and config.site_name in (None, "", "Runbooks"):
            config.site_name = self.catalog.project.title
        config.nav = nav(self.catalog) + list(config.nav or [])  # the project's own pages after the modes
        navigation = repr((config.site_name, config.nav))
        self.navigation_changed = self.navigation is not None and navigation != self.navigation
        self.navigation = navigation
        _add_what_pages_need(config)
        return config

    def on_files(self, files: Files, config: Any) -> Files:
        assert self.catalog is not None
        self.paper: dict[str, str] = {}
        for path, content in render_pages(self.catalog, self.built, site_url=config.site_url).items():
            content = self._without_markdown(path, content)
            files.append(self.serving.file(config, path, content) if self.serving is not None
                         else File.generated(config, path, content=content))
        for asset in sorted(p for p in ASSETS.rglob("*") if p.is_file()):
            uri = f"assets/{asset.relative_to(ASSETS).as_posix()}"
            if files.get_file_from_path(uri) is None:  # the project's own file of that name wins
                files.append(File.generated(config, uri, abs_src_path=str(asset)))
        return files

    def _without_markdown(self, path: str, content: str) -> str:
        """A checklist for paper is HTML already: Markdown would hand it back as it is (tested page by page), at
        a cost that was a fifth of a large build. Its body waits beside a mark that Markdown passes through."""
        front, sep, body = content.partition("\n---\n")
        if not path.endswith("/print.md") or not sep or not _passes_through(body):
            return content
        self.paper[path] = _RAW_BLOCK_GAP.sub("\n\n", body.strip())
        return f"{front}{sep}\n{PAPER_MARK}\n"

    def on_page_content(self, html: str, page: Any, config: Any, files: Files) -> str:
        body = self.paper.get(page.file.src_uri)
        return html.replace(PAPER_MARK, body, 1) if body is not None else html

    def on_env(self, env: Any, config: Any, files: Files) -> Any:
        if env.bytecode_cache is None:  # the theme's templates, compiled once (format.cache.template_cache)
            env.bytecode_cache = template_cache()
        return env

    def on_pre_build(self, config: Any) -> None:
        if self.serving is None:  # a dirty build builds some pages: the others' slots stay where they were
            self.slot_index = {}

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        assert self.index is not None
        if MARK not in output:
            return output
        stamped = stamp_html(output, self.index)
        # Where the slots are, for run-checks to stamp without scanning (MkDocs writes the output as UTF-8).
        self.slot_index[page.file.dest_uri] = locate(stamped.encode("utf-8", errors="xmlcharrefreplace"))
        return stamped

    def on_post_build(self, config: Any) -> None:
        assert self.catalog is not None and self.index is not None
        write_badges(Path(config.site_dir), self.index, list(self.catalog.project.modes))
        save_slot_index(Path(config.site_dir), self.slot_index, complete=True)
        if self.serving is not None:
            self.serving.keep_search_whole(Path(config.site_dir))

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        runbooks = self._root(config) / "runbooks"
        server.watch(str(runbooks))
        if not self.dirty_serve:  # a plain serve: a save of runbook text builds only the pages it changed
            server.builder = Rebuild(builder, config, runbooks, lambda: self.navigation_changed)
        return server


def _refuse_what_breaks_pages(config: Any) -> None:
    """Settings under which the pages would build but come out broken: a build error instead, naming the key."""
    if config.theme.name != "material":
        raise PluginError(f"the runbooks plugin needs the Material theme (theme: {{name: material}}); "
                          f"mkdocs.yml sets theme {config.theme.name!r}")
    if not config.use_directory_urls:
        raise PluginError("the runbooks plugin needs use_directory_urls: true (its pages link to "
                          "<mode>/<runbook>/); mkdocs.yml sets use_directory_urls: false")


PAPER_MARK = "<!--rb-paper-->"
_RAW_BLOCK_GAP = re.compile(r"\n\s*\n(?:\s*\n)*")  # Markdown joins raw HTML blocks with one blank line
_PRE = re.compile(r"<pre\b.*?</pre>", re.S)


def _passes_through(body: str) -> bool:
    """Raw HTML whose blank lines may be folded: none inside a <pre> (a command's own blank lines)."""
    return body.lstrip().startswith("<") and not any("\n\n" in pre for pre in _PRE.findall(body))


# What the generated pages are written with: Material's Markdown extensions, and the plugin's own CSS and JS.
MARKDOWN_EXTENSIONS: dict[str, dict[str, Any]] = {
    "admonition": {}, "attr_list": {}, "md_in_html": {}, "tables": {}, "toc": {"permalink": True},
    "pymdownx.details": {}, "pymdownx.highlight": {"anchor_linenums": True}, "pymdownx.inlinehilite": {},
    "pymdownx.superfences": {}, "pymdownx.tasklist": {"custom_checkbox": True, "clickable_checkbox": True},
}
STYLESHEETS = ("assets/fonts/fonts.css", "assets/runbooks.css", "assets/print.css", "assets/phone.css")  # the bundled faces first
SCRIPTS = ("assets/runbooks.js", "assets/checklist.js", "assets/print.js")
# Material features the pages are laid out for: each page carries only its own mode's navigation (without it,
# every page of a 300-runbook site listed the 900 runbooks of all modes, and rendering that was most of the
# build), each mode is a top-level tab, and commands have a copy button.
FEATURES = ("navigation.prune", "navigation.tabs", "content.code.copy")
MATERIAL_FONT = {"text": "Roboto", "code": "Roboto Mono"}  # Material's default theme.font


def _add_what_pages_need(config: Any) -> None:
    """Add the extensions, assets, templates and theme features the pages need (as Material's own plugins do),
    keeping the project's settings."""
    config.theme.dirs.append(str(THEME_TEMPLATES))
    features = config.theme.get("features") or []
    config.theme["features"] = [*features, *(f for f in FEATURES if f not in features)]
    for name, options in MARKDOWN_EXTENSIONS.items():
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)
            config.mdx_configs[name] = dict(options)
    listed_css = {str(entry) for entry in config.extra_css}
    config.extra_css.extend(css for css in STYLESHEETS if css not in listed_css)
    listed_js = {str(entry) for entry in config.extra_javascript}
    config.extra_javascript.extend(js for js in SCRIPTS if js not in listed_js)
    if config.theme["font"] == MATERIAL_FONT:
        # Material's default faces are the ones the site carries (assets/fonts/): no Google Fonts, so it works
        # offline, in the middle of an outage.
        config.theme["font"] = False
    elif config.theme["font"]:
        log.info("runbooks: theme.font names other faces, so pages load them from Google Fonts; "
                 "without it (or with font: false) they use the faces the site carries and work offline")
