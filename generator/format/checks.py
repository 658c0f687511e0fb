"""One check, validated: for the catalogue that reads it from a runbook, and for a generated script that
carries it. Apart from the catalogue so that a script never imports the YAML parser."""

from __future__ import annotations

from typing import Any, Mapping

from generator.errors import ConfigError
from generator.format.document import Document, PathKey
from generator.format.model import CheckSpec
from generator.format.options import INVALID, Ctx, Obj, describe
from generator.format.schema import CHECK_FIELDS
from generator.run.kinds import KINDS

__all__ = ["check_spec", "validate_check"]


def validate_check(raw: Any, path: PathKey, ctx: Ctx) -> dict[str, Any] | Any:
    if not isinstance(raw, dict):
        ctx.error(path, f"expected a check (a mapping with id, title and one kind), got {describe(raw)}")
        return INVALID
    common = {k: v for k, v in raw.items() if k in CHECK_FIELDS}
    blocks = {k: v for k, v in raw.items() if k not in CHECK_FIELDS}
    out = Obj(CHECK_FIELDS).validate(common, path, ctx)
    kinds = [k for k in blocks if k in KINDS]
    for key in blocks:
        if key not in KINDS:
            what = "check kind" if isinstance(blocks[key], dict) else "key"
            ctx.error(path, f"unknown {what} '{key}'; expected one of: {', '.join(KINDS)}"
                      + ("" if what == "check kind" else f", {', '.join(CHECK_FIELDS)}"), at=path + (key,))
    if len(kinds) != 1:
        if not kinds and len(blocks) == 0:
            ctx.error(path, f"no check kind; add exactly one of: {', '.join(KINDS)}")
        elif len(kinds) > 1:
            ctx.error(path, f"more than one check kind ({', '.join(kinds)}); a check has exactly one",
                      at=path + (kinds[1],))
        return INVALID
    kind = kinds[0]
    module = KINDS[kind]
    params = module.SCHEMA.validate(blocks[kind], path + (kind,), ctx)
    if isinstance(blocks[kind], dict) and module.ASSERTIONS and not any(k in blocks[kind] for k in module.ASSERTIONS):
        ctx.error(path + (kind,), f"no assertion; add at least one of: {', '.join(module.ASSERTIONS)}")
    if out is INVALID or params is INVALID:
        return INVALID
    return {**out, "kind": kind, "params": params}



def check_spec(runbook: str, data: Mapping[str, Any], where: str) -> CheckSpec:
    """A check as a generated script carries it (values filled in, defaults left out) made whole by the
    validator that read it from its runbook; ConfigError when it is not valid (an edited script)."""
    ctx = Ctx(Document(where, data))
    check = validate_check({k: v for k, v in data.items() if k != "source"}, (), ctx)
    if check is INVALID or ctx.diagnostics:
        raise ConfigError(ctx.diagnostics)
    retries = check["retries"] or {"count": 0, "delay": 0.0}
    return CheckSpec(runbook, check["id"], check["title"], check["kind"], check["params"], check["timeout"],
                     check["severity"], True, data.get("source", ""), list(check["needs"] or []), retries["count"],
                     retries["delay"])
