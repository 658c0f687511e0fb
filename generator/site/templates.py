"""The site's templates and assets, shipped inside the package.

``site_templates/`` stays at the top of the repository, where a reader looks
for it; the build backend maps it into the package as
``generator.site_templates``, so an installed wheel finds it through
``importlib.resources`` exactly as an editable checkout does.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from generator.format.cache import template_cache
from generator.format.model import CheckSpec
from generator.format.options import format_duration
from generator.links import alert_anchor
from generator.run.kinds import KINDS
from generator.site.slots import slot

__all__ = ["TEMPLATES", "ASSETS", "THEME_TEMPLATES", "environment"]

TEMPLATES = Path(str(resources.files("generator.site_templates")))
ASSETS = TEMPLATES / "docs" / "assets"  # CSS and JS the pages need; the plugin adds them to every site
THEME_TEMPLATES = TEMPLATES / "theme"  # page templates the plugin adds to the theme (runbooks-paper.html)


@lru_cache(maxsize=1)
def environment() -> Any:
    """The one Jinja2 environment of pages, result slots and check scripts."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=False,
        bytecode_cache=template_cache())
    env.globals.update(slot=slot, describe=_describe, duration=format_duration, alert_anchor=alert_anchor)
    env.filters["inline_md"] = _inline_markdown
    return env


def _describe(check: CheckSpec) -> str:
    return KINDS[check.kind].describe(check.params)


@lru_cache(maxsize=1)
def _markdown() -> Any:
    import markdown  # type: ignore[import-untyped,unused-ignore]  # no stubs installed

    return markdown.Markdown()


@lru_cache(maxsize=65536)
def _inline_markdown(text: str) -> Any:
    """Runbook Markdown as HTML without the paragraph, for the hand-laid print pages.

    Remembered by text: a checklist item is the same in every mode, and in the print page and the binder
    (converting them again was three quarters of rendering the pages)."""
    from markupsafe import Markup

    html = str(_markdown().reset().convert(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)
