"""Declarative option types for the runbook format.

Each field is declared once, with its type, default and doc string (as in
mkdocs' ``config_options``). Validation collects every problem with the
position of the offending key; the format reference in the README is
generated from the same declarations (``generator.format.reference``).

A string holding ``{{ var }}`` is accepted for any scalar type and checked
after it is rendered for a mode (a port may be ``"{{ redis_port }}"``).
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from generator.errors import Diagnostic
from generator.format.document import Document, PathKey, format_path
from generator.format.templating import TemplateProblem, check_syntax, is_template, render

__all__ = [
    "INVALID", "Ctx", "Tmpl", "Option", "Field", "Str", "Int", "Number", "Bool", "Choice",
    "Duration", "Size", "Threshold", "DirectedThreshold", "ListOf", "MapOf", "Scalar", "Obj", "KeyedMap", "ModeList",
    "PerMode", "ModeValue", "SAFE_ID", "describe", "parse_duration", "resolve", "format_duration",
]

SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SAFE_ID_HINT = "is not a safe file name (use 1-64 lowercase letters, digits, '-' or '_', starting with a letter or digit)"


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


class Problem(Exception):
    """Raised by ``Option.parse``; the message states expected against got."""


class Ctx:
    """Validation context: the document (for positions), declared modes, errors."""

    def __init__(self, doc: Document, modes: Sequence[str] = ()) -> None:
        self.doc = doc
        self.modes = list(modes)
        self.diagnostics: list[Diagnostic] = []

    def error(self, path: PathKey, message: str, *, at: PathKey | None = None) -> None:
        line, col = self.doc.loc(path if at is None else at)
        prefix = f"{format_path(path)}: " if path else ""
        self.diagnostics.append(Diagnostic(self.doc.path, line, col, prefix + message))


@dataclass(frozen=True)
class Tmpl:
    """A templated value, checked against its option once rendered for a mode."""

    source: str
    option: "Option"
    path: PathKey


@dataclass(frozen=True)
class ModeValue:
    """A value that is either the same in every mode or given per mode."""

    default: Any
    by_mode: Mapping[str, Any]

    def get(self, mode: str) -> Any:
        return self.by_mode.get(mode, self.default)


def describe(value: Any) -> str:
    """How a received value is quoted in messages."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if "'" not in value else '"' + value + '"'
    return str(value)


TEMPLATE_REF = {"$ref": "#/$defs/template"}  # a ``{{ var }}`` string, in the JSON Schema (format.editor_schema)


class Option:
    """One field type. Subclasses implement ``parse`` (scalars) or ``check``, and ``json_type``.

    ``json_schema`` is the field as JSON Schema (draft 2020-12) for editors: its
    type, with the doc string, default and example of the declaration.
    """

    type_name = "value"
    quote: Callable[[str], str] | None = None  # applied to each value filled into a template
    templatable = False  # a scalar: a ``{{ var }}`` string may stand for it (checked once rendered)

    def __init__(self, doc: str = "", *, default: Any = None, required: bool = False, example: Any = None) -> None:
        self.doc = doc
        self.default = default
        self.required = required
        self.example = example

    def validate(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        if isinstance(value, str) and is_template(value):
            try:
                check_syntax(value)
            except TemplateProblem as exc:
                ctx.error(path, str(exc))
                return INVALID
            return Tmpl(value, self, path)
        return self.check(value, path, ctx)

    def check(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        try:
            return self.parse(value)
        except Problem as exc:
            ctx.error(path, str(exc))
            return INVALID

    def parse(self, value: Any) -> Any:
        return value

    def from_text(self, text: str) -> Any:
        """Parse a rendered template: scalars are read as YAML would read them."""
        return self.parse(_scalar_from_text(text))

    def json_type(self) -> dict[str, Any]:
        """The JSON Schema of a value of this type (any value, here)."""
        return {}

    def json_schema(self) -> dict[str, Any]:
        schema = self.json_type()
        if self.templatable:
            alternatives = schema["anyOf"] if list(schema) == ["anyOf"] else [schema]
            schema = {"anyOf": [*alternatives, TEMPLATE_REF]}
        if self.doc:
            schema["description"] = self.doc
        default = self.json_default()
        if default is not None:
            schema["default"] = default
        if self.example is not None:
            schema["examples"] = [self.example]
        return schema

    def json_default(self) -> Any:
        return None if self.default is INVALID else self.default


def _scalar_from_text(text: str) -> Any:
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text, text)


@dataclass
class Field:
    name: str
    option: Option


class Str(Option):
    type_name = "string"

    def __init__(self, doc: str = "", *, pattern: re.Pattern[str] | None = None, hint: str = "", **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.pattern = pattern
        self.hint = hint
        self.templatable = pattern is not None  # a template does not match the pattern: allow it beside

    def parse(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise Problem(f"expected a string, got {describe(value)}")
        text = str(value)
        if self.pattern and not self.pattern.match(text):
            raise Problem(f"{describe(text)} {self.hint}")
        return text

    def from_text(self, text: str) -> Any:
        return self.parse(text)

    def json_type(self) -> dict[str, Any]:
        if self.pattern is None:  # any string, a template included (numbers are read as text)
            return {"type": ["string", "number"]}
        return {"type": "string", "pattern": self.pattern.pattern}


class Int(Option):
    type_name = "integer"

    def __init__(self, doc: str = "", *, min: int | None = None, max: int | None = None, **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.min, self.max = min, max

    def _expected(self) -> str:
        if self.min is not None and self.max is not None:
            return f"an integer {self.min}-{self.max}"
        if self.min is not None:
            return f"an integer >= {self.min}"
        return "an integer"

    templatable = True

    def json_type(self) -> dict[str, Any]:
        return _bounded({"type": "integer"}, self.min, self.max)

    def parse(self, value: Any) -> Any:
        ok = isinstance(value, int) and not isinstance(value, bool)
        if not ok or (self.min is not None and value < self.min) or (self.max is not None and value > self.max):
            raise Problem(f"expected {self._expected()}, got {describe(value)}")
        return value


class Number(Option):
    type_name = "number"

    def __init__(self, doc: str = "", *, min: float | None = None, max: float | None = None, **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.min, self.max = min, max

    templatable = True

    def json_type(self) -> dict[str, Any]:
        return _bounded({"type": "number"}, self.min, self.max)

    def parse(self, value: Any) -> Any:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if ok and (self.min is None or value >= self.min) and (self.max is None or value <= self.max):
            return float(value)
        bounds = f" {self.min:g}-{self.max:g}" if self.min is not None and self.max is not None else ""
        raise Problem(f"expected a number{bounds}, got {describe(value)}")


def _bounded(schema: dict[str, Any], low: float | None, high: float | None) -> dict[str, Any]:
    if low is not None:
        schema["minimum"] = low
    if high is not None:
        schema["maximum"] = high
    return schema


class Bool(Option):
    type_name = "boolean"
    templatable = True

    def json_type(self) -> dict[str, Any]:
        return {"type": "boolean"}

    def parse(self, value: Any) -> Any:
        if not isinstance(value, bool):
            raise Problem(f"expected true or false, got {describe(value)}")
        return value


class Scalar(Option):
    """Any YAML scalar (string, number, boolean or null): an expected JSON value."""

    type_name = "scalar"

    def json_type(self) -> dict[str, Any]:
        return {"type": ["string", "number", "boolean", "null"]}

    def parse(self, value: Any) -> Any:
        if isinstance(value, (dict, list)):
            raise Problem(f"expected a string, number, boolean or null, got {describe(value)}")
        return value


class Choice(Option):
    type_name = "choice"
    templatable = True

    def json_type(self) -> dict[str, Any]:
        return {"enum": list(self.choices)}

    def __init__(self, choices: Sequence[str], doc: str = "", **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.choices = list(choices)

    def parse(self, value: Any) -> Any:
        if value not in self.choices:
            raise Problem(f"expected one of {', '.join(self.choices)}; got {describe(value)}")
        return value


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: Any) -> float:
    """``90`` → 90.0, ``"1h30m"`` → 5400.0; raises Problem otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    if isinstance(value, str):
        text = value.replace(" ", "")
        parts = _DURATION_PART.findall(text)
        if parts and "".join(n + u for n, u in parts) == text:
            return float(sum(float(n) * _DURATION_UNITS[u] for n, u in parts))
    raise Problem(f"expected a duration such as 30s, 5m, 26h or 7d, got {describe(value)}")


def format_duration(seconds: float) -> str:
    """Short human form: 93600 → '26h', 90 → '1m30s', 0.25 → '250ms'."""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    out, rest = "", int(round(seconds))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            out += f"{rest // size}{unit}"
            rest %= size
    return out or "0s"


class Duration(Option):
    type_name = "duration"
    templatable = True

    def json_type(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "number", "minimum": 0},
                          {"type": "string", "pattern": r"^[ ]*([0-9]+(\.[0-9]+)?[ ]*(ms|s|m|h|d|w)[ ]*)+$"}]}

    def json_default(self) -> Any:  # as it would be written: "1d", not 86400.0
        return format_duration(self.default) if isinstance(self.default, float) else super().json_default()

    def parse(self, value: Any) -> Any:
        return parse_duration(value)


_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$")
_SIZE_UNITS = {None: 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
               "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}


class Size(Option):
    type_name = "size"
    templatable = True

    def json_type(self) -> dict[str, Any]:
        units = "|".join(u for u in _SIZE_UNITS if u)
        return {"anyOf": [{"type": "integer", "minimum": 0},
                          {"type": "string", "pattern": rf"^\s*[0-9]+(\.[0-9]+)?\s*({units})?\s*$"}]}

    def parse(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        match = _SIZE.match(value.strip()) if isinstance(value, str) else None
        if not match:
            raise Problem(f"expected a size such as 512, 10KB or 5MiB, got {describe(value)}")
        return int(float(match.group(1)) * _SIZE_UNITS[match.group(2)])


class Threshold(Option):
    """``{warn: X, crit: Y}``: crossing warn is WARNING, crossing crit is CRITICAL.

    ``higher_is_worse=False`` flips the direction (days left on a certificate).
    """

    type_name = "threshold"
    keys_hint = "warn or crit"

    def __init__(self, unit: Option, doc: str = "", *, higher_is_worse: bool | None = True, **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.unit = unit
        self.higher_is_worse = higher_is_worse

    def check(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        return self._limits(value, path, ctx, self.higher_is_worse)

    def json_type(self) -> dict[str, Any]:
        unit = self.unit.json_schema()
        return {"type": "object", "properties": {"warn": unit, "crit": unit}, "additionalProperties": False,
                "anyOf": [{"required": ["warn"]}, {"required": ["crit"]}]}

    def _limits(self, value: Any, path: PathKey, ctx: Ctx, higher_is_worse: bool | None) -> Any:
        if not isinstance(value, dict):
            ctx.error(path, f"expected a mapping with warn and/or crit, got {describe(value)}")
            return INVALID
        out: dict[str, Any] = {}
        for key, raw in value.items():
            if key not in ("warn", "crit"):
                ctx.error(path, f"unknown key '{key}'; expected {self.keys_hint}", at=path + (key,))
                continue
            out[key] = self.unit.validate(raw, path + (key,), ctx)
        if not value:
            ctx.error(path, "expected at least one of warn, crit")
            return INVALID
        if any(v is INVALID for v in out.values()):
            return INVALID
        return self._ordered(out, path, ctx, higher_is_worse)

    def _ordered(self, out: dict[str, Any], path: PathKey, ctx: Ctx, higher_is_worse: bool | None) -> Any:
        warn, crit = out.get("warn"), out.get("crit")
        if isinstance(warn, (int, float)) and isinstance(crit, (int, float)) and higher_is_worse is not None:
            wrong = warn > crit if higher_is_worse else warn < crit
            if wrong:
                relation = "greater" if higher_is_worse else "less"
                ctx.error(path, f"warn ({warn:g}) must not be {relation} than crit ({crit:g})")
                return INVALID
        return {"warn": warn, "crit": crit}


class DirectedThreshold(Threshold):
    """``{warn, crit, when: above|below}``: the runbook says which way is bad.

    ``when: above`` (the default) alerts on values above the limits (latency,
    error rate); ``when: below`` on values below them (uptime, availability).
    The result has a ``when`` key next to warn and crit.
    """

    keys_hint = "warn, crit or when"
    DIRECTIONS = ("above", "below")

    def json_type(self) -> dict[str, Any]:
        schema = super().json_type()
        when = Choice(self.DIRECTIONS, "above: values above the limits alert; below: values below them.",
                      default="above")
        schema["properties"] = {**schema["properties"], "when": when.json_schema()}
        return schema

    def check(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        if not isinstance(value, dict) or "when" not in value:
            limits = super().check(value, path, ctx)
            return limits if limits is INVALID else {**limits, "when": "above"}
        when = Choice(self.DIRECTIONS).check(value["when"], path + ("when",), ctx)
        rest = {k: v for k, v in value.items() if k != "when"}
        limits = self._limits(rest, path, ctx, when != "below")
        if limits is INVALID or when is INVALID:
            return INVALID
        return {**limits, "when": when}


class ListOf(Option):
    type_name = "list"

    def __init__(self, item: Option, doc: str = "", *, single: bool = False, **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.item = item
        self.single = single

    def json_type(self) -> dict[str, Any]:
        many = {"type": "array", "items": self.item.json_schema()}
        return {"anyOf": [self.item.json_schema(), many]} if self.single else many

    def validate(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        if self.single and not isinstance(value, (list, dict)):
            item = self.item.validate(value, path, ctx)
            return INVALID if item is INVALID else [item]
        if not isinstance(value, list):
            ctx.error(path, f"expected a list, got {describe(value)}")
            return INVALID
        return [self.item.validate(v, path + (i,), ctx) for i, v in enumerate(value)]


class MapOf(Option):
    type_name = "mapping"

    def __init__(self, value: Option, doc: str = "", **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.value = value

    def json_type(self) -> dict[str, Any]:
        return {"type": "object", "additionalProperties": self.value.json_schema()}

    def validate(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        if not isinstance(value, dict):
            ctx.error(path, f"expected a mapping, got {describe(value)}")
            return INVALID
        return {k: self.value.validate(v, path + (k,), ctx) for k, v in value.items()}


class Obj(Option):
    """A mapping with declared keys: unknown keys and missing required keys are errors."""

    type_name = "object"

    def __init__(self, fields: Mapping[str, Option], doc: str = "", *, one_of: Sequence[str] = (), **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.fields = dict(fields)
        self.one_of = tuple(one_of)  # keys of which exactly one must be given

    def json_type(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "object",
                                  "properties": {name: o.json_schema() for name, o in self.fields.items()},
                                  "additionalProperties": False}
        required = [name for name, option in self.fields.items() if option.required]
        if required:
            schema["required"] = required
        if self.one_of:
            schema["oneOf"] = [{"required": [key]} for key in self.one_of]
        return schema

    def validate(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        if not isinstance(value, dict):
            ctx.error(path, f"expected a mapping, got {describe(value)}")
            return INVALID
        out: dict[str, Any] = {}
        for key, raw in value.items():
            option = self.fields.get(key)
            if option is None:
                self.unknown(key, path, ctx)
                continue
            out[key] = option.validate(raw, path + (key,), ctx)
        for name, option in self.fields.items():
            if name not in value:
                if option.required:
                    ctx.error(path, f"missing required key '{name}'")
                out[name] = option.default
        self._check_one_of(value, path, ctx)
        return out

    def _check_one_of(self, value: dict[str, Any], path: PathKey, ctx: Ctx) -> None:
        if not self.one_of:
            return
        given = [k for k in self.one_of if k in value]
        choices = " or ".join(self.one_of)
        if len(given) > 1:
            ctx.error(path, f"give either {choices}, not both", at=path + (given[1],))
        elif not given:
            ctx.error(path, f"missing {choices} (give exactly one)")

    def unknown(self, key: str, path: PathKey, ctx: Ctx) -> None:
        ctx.error(path, f"unknown key '{key}'; expected one of: {', '.join(self.fields)}", at=path + (key,))


class KeyedMap(Option):
    """Objects keyed by id: a mapping ``id: {...}`` or a list of ``{id: ..., ...}``."""

    type_name = "keyed mapping"

    def __init__(self, item: Obj, doc: str = "", *, id_pattern: re.Pattern[str] = SAFE_ID, **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.item = item
        self.id_pattern = id_pattern

    def json_type(self) -> dict[str, Any]:
        """A mapping of id to settings, or a list of settings with an ``id``; at least one."""
        by_id = {"type": "object", "propertyNames": {"pattern": self.id_pattern.pattern},
                 "additionalProperties": self.item.json_schema(), "minProperties": 1}
        with_id = Obj({"id": Str("Id.", required=True, pattern=self.id_pattern), **self.item.fields})
        return {"anyOf": [by_id, {"type": "array", "items": with_id.json_schema(), "minItems": 1}]}

    def validate(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        if isinstance(value, list):
            value = self._from_list(value, path, ctx)
        if not isinstance(value, dict):
            ctx.error(path, f"expected a mapping of id to settings, got {describe(value)}")
            return INVALID
        out: dict[str, Any] = {}
        for key, raw in value.items():
            if not self.id_pattern.match(key):
                ctx.error(path + (key,), f"id {describe(key)} is not valid")
            out[key] = self.item.validate(raw, path + (key,), ctx)
        return out

    def _from_list(self, items: list[Any], path: PathKey, ctx: Ctx) -> Any:
        out: dict[str, Any] = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                ctx.error(path + (index,), "expected a mapping with an 'id'")
                continue
            if item["id"] in out:
                ctx.error(path + (index,), f"duplicate id '{item['id']}'")
                continue
            _move_positions(ctx.doc, path + (index,), path + (item["id"],))
            out[item["id"]] = {k: v for k, v in item.items() if k != "id"}
        return out


def _move_positions(doc: Document, old: PathKey, new: PathKey) -> None:
    """Let a list item be addressed by its id, keeping its positions."""
    for table in (doc.positions, doc.value_positions):
        for key in [k for k in table if k[: len(old)] == old]:
            table[new + key[len(old):]] = table[key]


class ModeList(Option):
    type_name = "list of modes"

    def json_type(self) -> dict[str, Any]:
        mode = {"type": "string", "description": "A mode id declared in _project.yaml."}
        return {"anyOf": [mode, {"type": "array", "items": mode}]}

    def validate(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            ctx.error(path, f"expected a list of modes, got {describe(value)}")
            return INVALID
        out = []
        for index, mode in enumerate(value):
            if mode not in ctx.modes:
                ctx.error(path + (index,), f"undeclared mode {describe(mode)}; declared modes: {', '.join(ctx.modes)}")
                return INVALID
            out.append(mode)
        return out


class PerMode(Option):
    """A plain value, or a mapping from mode to value."""

    type_name = "value or mode mapping"

    def __init__(self, item: Option, doc: str = "", **kw: Any) -> None:
        super().__init__(doc, **kw)
        self.item = item

    def json_type(self) -> dict[str, Any]:
        by_mode = {"type": "object", "additionalProperties": self.item.json_schema(),
                   "description": "A value per mode id."}
        any_value = not self.item.json_type()  # vars: a mapping is a value too, so anything goes
        return {} if any_value else {"anyOf": [self.item.json_schema(), by_mode]}

    def validate(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        if not isinstance(value, dict):
            return ModeValue(self.item.validate(value, path, ctx), {})
        by_mode: dict[str, Any] = {}
        for mode, raw in value.items():
            if mode not in ctx.modes:
                ctx.error(path + (mode,), f"undeclared mode {describe(mode)}; declared modes: {', '.join(ctx.modes)}")
                continue
            by_mode[mode] = self.item.validate(raw, path + (mode,), ctx)
        return ModeValue(None, by_mode)


def resolve(value: Any, variables: Mapping[str, Any], report: Callable[[PathKey, str], None]) -> Any:
    """Render every template in ``value`` for one set of variables."""
    if isinstance(value, Tmpl):
        return _resolve_template(value, variables, report)
    if isinstance(value, dict):
        return {k: resolve(v, variables, report) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, variables, report) for v in value]
    return value


def _resolve_template(value: Tmpl, variables: Mapping[str, Any], report: Callable[[PathKey, str], None]) -> Any:
    try:
        text = render(value.source, variables, value.option.quote)
    except TemplateProblem as exc:
        report(value.path, str(exc))
        return INVALID
    try:
        return value.option.from_text(text)
    except Problem as exc:
        report(value.path, f"{exc} (after filling variables)")
        return INVALID



class Regex(Str):
    """A regular expression (Python syntax), checked when the runbook is validated."""

    type_name = "regex"

    def json_type(self) -> dict[str, Any]:
        return {"type": "string", "format": "regex"}

    def parse(self, value: Any) -> Any:
        text = super().parse(value)
        try:
            re.compile(text)
        except re.error as exc:
            raise Problem(f"invalid regular expression {describe(text)}: {exc}") from None
        return text


class ShellWords(Str):
    """A command line: each value filled into it is shell-quoted, so it stays one word."""

    quote = staticmethod(shlex.quote)


class Argv(Option):
    """A command: an argv list, or a string split like a shell would (no shell runs it).

    In the string form, ``{{ var }}`` values are quoted: a value with spaces or
    ``;`` stays one argument and cannot add commands. List items are single
    arguments already, so they are filled as they are.
    """

    type_name = "command"

    def json_type(self) -> dict[str, Any]:
        return {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": ["string", "number"]}, "minItems": 1}]}

    def validate(self, value: Any, path: PathKey, ctx: Ctx) -> Any:
        if isinstance(value, list):
            if not value:
                ctx.error(path, "expected a non-empty command")
                return INVALID
            return [Str().validate(v, path + (i,), ctx) for i, v in enumerate(value)]
        return ShellWords().validate(value, path, ctx)


__all__ += ["Regex", "Argv", "Problem"]
