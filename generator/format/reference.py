"""The runbook format reference, generated from the schema declarations.

The README embeds this text between markers; a test fails when it drifts
(regenerate with ``runbooks reference``).
"""

from __future__ import annotations

import json
from typing import Any

from generator.format.options import (
    INVALID,
    DirectedThreshold,
    Duration,
    KeyedMap,
    ListOf,
    MapOf,
    Obj,
    Option,
    PerMode,
    Threshold,
    format_duration,
)
from generator.format.schema import CHECK_FIELDS, PROJECT_SCHEMA, RUNBOOK_SCHEMA
from generator.run.kinds import KINDS

__all__ = ["format_reference"]


def _type(option: Option) -> str:
    if isinstance(option, DirectedThreshold):
        return f"threshold of {_type(option.unit)}, `when`: `above` \\| `below`"
    if isinstance(option, Threshold):
        return f"threshold of {_type(option.unit)}"
    if isinstance(option, ListOf):
        return f"{_type(option.item)} or list" if option.single else f"list of {_type(option.item)}"
    if isinstance(option, PerMode):
        return f"{_type(option.item)} or map mode → {_type(option.item)}"
    if isinstance(option, MapOf):
        return "mapping"
    if isinstance(option, KeyedMap):
        return "map id → object"
    if hasattr(option, "choices"):
        return " \\| ".join(f"`{c}`" for c in option.choices)
    return option.type_name


def _default(option: Option) -> str:
    if option.required:
        return "**required**"
    if option.default in (None, INVALID, [], {}):
        return ""
    if isinstance(option, Duration):  # as it would be written: `24h`, not `86400.0`
        return f"`{format_duration(option.default) if option.default else '0s'}`"
    return f"`{json.dumps(option.default)}`"


def _table(fields: dict[str, Option], prefix: str = "") -> list[str]:
    rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    nested: list[tuple[str, Obj, bool]] = []
    for name, option in fields.items():
        doc = option.doc.replace("|", "\\|")
        if option.example is not None:
            doc += f" Example: `{json.dumps(option.example)}`"
        rows.append(f"| `{prefix}{name}` | {_type(option)} | {_default(option)} | {doc} |")
        inner = option.item if isinstance(option, (ListOf, KeyedMap)) else option
        if isinstance(inner, Obj):
            nested.append((f"{prefix}{name}", inner, inner is not option))
    for name, obj, many in nested:
        title = f"Keys of each `{name}` entry:" if many else f"Keys of `{name}`:"
        rows += ["", title, ""] + _table(obj.fields, "")
    return rows


def format_reference() -> str:
    out: list[Any] = ["### `runbooks/_project.yaml`", ""]
    out += _table(PROJECT_SCHEMA.fields)
    runbook = {k: v for k, v in RUNBOOK_SCHEMA.fields.items() if k != "checks"}
    out += ["", "### `runbooks/<id>.yaml`", "",
            "The file name, without `.yaml` (or `.yml`), is the runbook id (a safe file name).", ""]
    out += _table(runbook)
    out += ["", "### Checks", "", "Each entry of `checks:` has these keys and exactly one kind block.", ""]
    out += _table(CHECK_FIELDS)
    for name, kind in KINDS.items():
        # a kind without assertion keys judges what it finds (a connection, an alarm's state)
        assertions = ", ".join(f"`{a}`" for a in kind.ASSERTIONS) or kind.IMPLICIT
        one_of = " Give exactly one of " + ", ".join(f"`{k}`" for k in kind.SCHEMA.one_of) + "." if kind.SCHEMA.one_of else ""
        out += ["", f"#### `{name}`", "", f"{kind.DOC} Asserts with: {assertions}.{one_of}", ""]
        out += _table(kind.SCHEMA.fields)
    return "\n".join(out) + "\n"
