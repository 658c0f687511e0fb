"""Fill ``{{ var }}`` references for one mode (Jinja2, StrictUndefined).

Most runbook strings only hold plain ``{{ name }}`` references; those take a
fast path that behaves exactly like Jinja2 (``str(value)``, undefined is an
error) without compiling a template. Anything else (filters, expressions,
``{% %}`` blocks) goes through Jinja2.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable, Mapping

__all__ = ["TemplateProblem", "is_template", "render", "check_syntax"]

_SIMPLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_UNDEFINED = re.compile(r"'([^']+)' is undefined")


class TemplateProblem(Exception):
    """A template that cannot be rendered: undefined variable or bad syntax."""


def is_template(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


def render(text: str, variables: Mapping[str, Any], quote: Callable[[str], str] | None = None) -> str:
    """Fill ``text``; with ``quote``, every substituted value is passed through it
    (``shlex.quote`` for commands, so a value is always one shell word)."""
    if not is_template(text):
        return text
    if _is_simple(text):
        return _SIMPLE.sub(lambda m: _quoted(_lookup(m.group(1), variables), quote), text)
    return _render_jinja(text, variables, quote)


def _quoted(text: str, quote: Callable[[str], str] | None) -> str:
    return quote(text) if quote is not None else text


def _is_simple(text: str) -> bool:
    """Only ``{{ name }}`` references: no filters, expressions or blocks."""
    return "{%" not in text and "{#" not in text and text.count("{{") == len(_SIMPLE.findall(text))


def check_syntax(text: str) -> None:
    """Raise TemplateProblem when ``text`` is not a valid template."""
    if is_template(text) and not _is_simple(text):
        _compile(text)


def _lookup(name: str, variables: Mapping[str, Any]) -> str:
    if name not in variables:
        raise TemplateProblem(f"undefined variable '{name}'")
    return str(variables[name])


def _render_jinja(text: str, variables: Mapping[str, Any], quote: Callable[[str], str] | None = None) -> str:
    import jinja2

    try:
        return str(_compile(text, quote).render(**variables))
    except jinja2.UndefinedError as exc:
        match = _UNDEFINED.search(str(exc))
        raise TemplateProblem(f"undefined variable '{match.group(1)}'" if match else str(exc)) from None
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"template error: {exc}") from None


@lru_cache(maxsize=4096)
def _compile(text: str, quote: Callable[[str], str] | None = None) -> Any:
    import jinja2

    env = _environment(quote)
    try:
        return env.from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"invalid template: {exc.message}") from None


@lru_cache(maxsize=4)
def _environment(quote: Callable[[str], str] | None = None) -> Any:
    import jinja2

    finalize = None if quote is None else (lambda value: quote(str(value)))
    return jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False,
                              finalize=finalize)
