"""Read a project into the model: validate every file, render every mode.

``load_catalog(root)`` reads ``runbooks/_project.yaml`` and every
``runbooks/<id>.yaml``, validates them against the schema, renders every
mode's variables, and returns a ``Catalog``, or raises ``ConfigError``
listing every problem at once.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Collection, Mapping

from generator.errors import ConfigError, Diagnostic
from generator.format.load import Document, PathKey, load_file
from generator.format.checks import validate_check
from generator.format.maintenance import Scope, Window, check_references
from generator.format.model import Catalog, CheckSpec, Mode, Project, Runbook, RunbookView
from generator.format.options import INVALID, SAFE_ID, SAFE_ID_HINT, Ctx, ModeValue, Obj, describe, resolve
from generator.format.schema import (
    MODE_VARS,
    PROJECT_FILE,
    PROJECT_SCHEMA,
    RESERVED_IDS,
    RESERVED_MODE_IDS,
    RUNBOOK_SCHEMA,
)
from generator.run.kinds import KINDS

__all__ = ["load_catalog"]


def load_catalog(root: Path, *, overlays: bool = True, modes: Collection[str] | None = None) -> Catalog:
    """Validate the project under ``root``; raise ConfigError with every problem.

    With ``overlays``, a mode's ``vars_file`` (when it exists) overrides its ``vars``. With ``modes``, only
    those modes are rendered (a run of one mode needs no other): the others' views are absent.
    """
    directory = root / "runbooks"
    files, diagnostics = _runbook_files(directory, root)
    project_path = directory / PROJECT_FILE
    if not os.path.lexists(project_path):  # a broken link or a directory is reported by the loader
        raise ConfigError([Diagnostic(_display(project_path, root), 1, 1, "project file is missing"), *diagnostics])
    project, ctx = _load_project(project_path, root)
    diagnostics += ctx.diagnostics
    if project is not None and overlays:
        diagnostics += _overlay_vars(project, root)
    runbooks: dict[str, Runbook] = {}
    for path in files:
        runbook, problems = _load_runbook(path, root, project, modes)
        diagnostics += problems
        if runbook is not None:
            runbooks[runbook.id] = runbook
    if project is not None and not diagnostics:
        diagnostics += _project_windows(project, runbooks, ctx) + _alert_claims(runbooks)
    if diagnostics:
        raise ConfigError(diagnostics)
    assert project is not None
    return Catalog(root, project, runbooks)


def _runbook_files(directory: Path, root: Path) -> tuple[list[Path], list[Diagnostic]]:
    """``<id>.yaml`` and ``<id>.yml``, one file per id. Dot files (editors' lock files) are not runbooks."""
    by_id: dict[str, list[Path]] = {}
    for path in sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml")):
        if not path.name.startswith("."):
            by_id.setdefault(path.stem, []).append(path)
    problems = [Diagnostic(_display(path, root), 1, 1, f"not read: the project file is named {PROJECT_FILE}")
                for path in by_id.pop(Path(PROJECT_FILE).stem, []) if path.name != PROJECT_FILE]
    problems += [Diagnostic(_display(path, root), 1, 1, f"two files for runbook id '{stem}': "
                            f"{_display(paths[0], root)} and {_display(path, root)}; keep one")
                 for stem, paths in by_id.items() for path in paths[1:]]
    return [paths[0] for paths in by_id.values()], problems


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _load_document(path: Path, root: Path, schema: Obj | None = None, what: str = "") -> tuple[Document, Ctx]:
    """Parse a file; with a ``schema``, an empty one (or only comments) is an error naming what it should hold."""
    doc = load_file(path, _display(path, root))
    ctx = Ctx(doc)
    if schema is not None and not doc.fatal and doc.data is None:
        required = [name for name, option in schema.fields.items() if option.required]
        keys = f"{', '.join(required[:-1])} and {required[-1]}" if len(required) > 1 else "".join(required)
        doc.fail((1, 1), f"empty {what}: expected a mapping with {keys}")
    for (line, col), message in doc.problems:
        ctx.diagnostics.append(Diagnostic(doc.path, line, col, message))
    return doc, ctx


def _load_project(path: Path, root: Path) -> tuple[Project | None, Ctx]:
    doc, ctx = _load_document(path, root, PROJECT_SCHEMA, "project file")
    if doc.fatal:
        return None, ctx
    data = PROJECT_SCHEMA.validate(doc.data, (), ctx)
    if data is INVALID:
        return None, ctx
    modes = data["modes"] if data["modes"] is not INVALID else {}
    _check_mode_ids(data["modes"], ctx)
    contacts = data["contacts"] if data["contacts"] is not INVALID else {}
    for index, level in enumerate(data["escalation"] if isinstance(data["escalation"], list) else []):
        if isinstance(level, dict) and level.get("contact") not in (None, INVALID) and level["contact"] not in contacts:
            ctx.error(("escalation", index, "contact"), f"unknown contact {describe(level['contact'])}; "
                      f"contacts: {', '.join(contacts) or '(none)'}")
    if ctx.diagnostics:
        return None, ctx
    windows = [replace(w, origin=doc.path) for w in data["maintenance"]]
    return Project(data["title"], data["description"],
                   {mid: Mode(mid, m["title"], m["description"], m["vars"], m["vars_file"]) for mid, m in modes.items()},
                   contacts, data["escalation"], data["severities"], data["stale_after"], dict(data["history"]),
                   windows), ctx


def _project_windows(project: Project, runbooks: dict[str, Runbook], ctx: Ctx) -> list[Diagnostic]:
    """The project's windows name modes, runbooks and checks that exist (known once every runbook is read)."""
    ctx.diagnostics = []
    checks = {rb.id: [c["id"] for c in rb.data["checks"]] for rb in runbooks.values()}
    check_references(project.maintenance, ctx, list(project.modes), checks)
    return ctx.diagnostics


def _alert_claims(runbooks: dict[str, Runbook]) -> list[Diagnostic]:
    """An alert links to one page: a second runbook naming it is an error at its line."""
    owner: dict[str, Runbook] = {}
    problems = []
    for runbook in sorted(runbooks.values(), key=lambda rb: rb.source):
        for index, name in enumerate(runbook.alerts):
            first = owner.setdefault(name, runbook)
            if first is not runbook:
                problems.append(Diagnostic(runbook.source, runbook.alert_locs[name][0], runbook.alert_locs[name][1],
                                           f"alerts[{index}]: alert '{name}' is already answered by runbook "
                                           f"{first.id} ({first.source}:{first.alert_locs[name][0]}); "
                                           "an alert links to one runbook"))
    return problems


def _check_mode_ids(modes: Any, ctx: Ctx) -> None:
    """At least one mode, and none named like a top-level folder of the site."""
    if modes == {}:
        ctx.error(("modes",), "expected at least one mode, e.g. prod: {title: Production, description: ...}")
    for mode_id in modes if isinstance(modes, dict) else []:
        if mode_id in RESERVED_MODE_IDS:
            ctx.error(("modes", mode_id), f"mode id '{mode_id}' is taken by a folder of the site; "
                      f"reserved: {', '.join(RESERVED_MODE_IDS)}")


def _overlay_vars(project: Project, root: Path) -> list[Diagnostic]:
    """Apply each mode's ``vars_file`` that exists: its values win over the declared ``vars``."""
    problems: list[Diagnostic] = []
    for mode in project.modes.values():
        path = root / mode.vars_file if mode.vars_file else None
        if path is None or not path.is_file():
            continue
        doc, ctx = _load_document(path, root)
        values = MODE_VARS.validate(doc.data if doc.data is not None else {}, (), ctx) if not doc.fatal else INVALID
        problems += ctx.diagnostics
        if values is not INVALID and not ctx.diagnostics:
            mode.vars = {**mode.vars, **values}
            mode.overlaid = True
    return problems


def _load_runbook(path: Path, root: Path, project: Project | None,
                  modes: Collection[str] | None = None) -> tuple[Runbook | None, list[Diagnostic]]:
    doc, ctx = _load_document(path, root, RUNBOOK_SCHEMA, "runbook")
    if not SAFE_ID.match(path.stem):
        ctx.error((), f"runbook id '{path.stem}' (the file name) {SAFE_ID_HINT}")
    elif path.stem in RESERVED_IDS:
        ctx.error((), f"runbook id '{path.stem}' (the file name) is taken by a generated page; "
                      f"reserved: {', '.join(RESERVED_IDS)}")
    if doc.fatal or project is None:
        return None, ctx.diagnostics
    ctx.modes = list(project.modes)
    data = RUNBOOK_SCHEMA.validate(doc.data, (), ctx)
    if data is INVALID:
        return None, ctx.diagnostics
    checks = [validate_check(raw, ("checks", i), ctx) for i, raw in enumerate(data["checks"] or [])]
    data["checks"] = checks
    _cross_check(data, doc.data.get("checks") if isinstance(doc.data, dict) else None, project, ctx)
    if any(c is INVALID for c in checks) or ctx.diagnostics:
        return None, ctx.diagnostics
    runbook = Runbook(path.stem, doc.path, data["modes"] or list(project.modes), data,
                      maintenance=_runbook_windows(path.stem, data["maintenance"], doc.path),
                      alert_locs={name: ctx.doc.loc(("alerts", i)) for i, name in enumerate(data["alerts"])})
    for mode in runbook.modes:
        if modes is None or mode in modes:
            runbook.views[mode] = _render_view(runbook, project.modes[mode], ctx)
    return (runbook if not ctx.diagnostics else None), ctx.diagnostics


def _cross_check(data: dict[str, Any], raw_checks: Any, project: Project, ctx: Ctx) -> None:
    """Rules that span fields: unique ids, step → check references, severity."""
    ids: dict[str, int] = {}
    for index, check in enumerate(raw_checks if isinstance(raw_checks, list) else []):
        check_id = check.get("id") if isinstance(check, dict) else None
        if not isinstance(check_id, str):
            continue
        if check_id in ids:
            ctx.error(("checks", index, "id"), f"duplicate check id '{check_id}' (first at checks[{ids[check_id]}])")
        ids.setdefault(check_id, index)
    _check_needs(data["checks"], ids, ctx)
    for s_index, section in enumerate(data["sections"] or []):
        for t_index, step in enumerate(section["steps"] if section is not INVALID and section["steps"] else []):
            ref = step["check"] if step is not INVALID else None
            if isinstance(ref, str) and ref not in ids:
                ctx.error(("sections", s_index, "steps", t_index, "check"),
                          f"unknown check '{ref}'; checks in this runbook: {', '.join(ids) or '(none)'}")
    alerts = data["alerts"] if isinstance(data["alerts"], list) else []
    for index, name in enumerate(alerts):
        if name is not INVALID and name in alerts[:index]:
            ctx.error(("alerts", index), f"duplicate alert '{name}'")
    windows = data["maintenance"] if isinstance(data["maintenance"], list) else []
    check_references(windows, ctx, list(project.modes), {"": list(ids)}, runbook="")
    severity = data["severity"]
    if isinstance(severity, str) and severity not in project.severities:
        ctx.error(("severity",), f"unknown severity '{severity}'; expected one of: {', '.join(project.severities)}")


def _runbook_windows(runbook: str, windows: list[Window], source: str) -> list[Window]:
    """A runbook's windows cover its own checks: its scope names check ids, the model keeps keys."""
    return [replace(w, origin=source, scope=Scope(w.scope.modes, (runbook,), (),
                                                  tuple(f"{runbook}/{check}" for check in w.scope.checks)))
            for w in windows]


def _check_needs(checks: list[Any], ids: dict[str, int], ctx: Ctx) -> None:
    """Every need names a check of this runbook, and needs form no cycle."""
    graph: dict[str, list[str]] = {}
    for index, check in enumerate(checks):
        if check is INVALID:
            continue
        for need in check["needs"] or []:
            if need not in ids:
                ctx.error(("checks", index, "needs"), f"unknown check '{need}'; checks in this runbook: {', '.join(ids)}")
        graph[check["id"]] = [n for n in check["needs"] or [] if n in ids]
    reported: set[str] = set()
    for start in graph:
        cycle = _cycle_from(start, graph)
        if cycle and not reported & set(cycle):
            reported |= set(cycle)
            ctx.error(("checks", ids[cycle[0]], "needs"), f"dependency cycle: {' → '.join(cycle + [cycle[0]])}")


def _cycle_from(start: str, graph: dict[str, list[str]]) -> list[str]:
    """The cycle through ``start``, as a path of ids, or [] when there is none."""
    path: list[str] = []

    def walk(node: str, seen: set[str]) -> bool:
        path.append(node)
        for nxt in graph.get(node, []):
            if nxt == start or (nxt not in seen and walk(nxt, seen | {nxt})):
                return True
        path.pop()
        return False

    return path if walk(start, {start}) else []


def _render_view(runbook: Runbook, mode: Mode, ctx: Ctx) -> RunbookView:
    def report(path: PathKey, message: str) -> None:
        ctx.error(path, f"{message} in mode '{mode.id}'")

    data = runbook.data
    variables = _variables(data["vars"], mode, report)

    def fill(value: Any) -> Any:
        return resolve(value, variables, report)

    checks = [_check_spec(runbook.id, c, i, mode.id, fill, ctx, variables) for i, c in enumerate(data["checks"])]
    active = {c.id for c in checks if c.applies}
    for check in checks:  # a need that does not run in this mode does not hold the check back
        check.needs = [need for need in check.needs if need in active]
    sections = [_render_section(s, mode.id, fill, active) for s in data["sections"] if _applies(s.get("modes"), mode.id)]
    if ctx.diagnostics:
        return RunbookView(runbook.id, mode.id, "", "", "", None, [], [], [], [], [])
    return RunbookView(runbook.id, mode.id, fill(data["title"]), fill(data["summary"]), data["owner"], data["severity"],
                       data["tags"], data["alerts"], sections,
                       [{"group": fill(g["group"]), "items": fill(g["items"])} for g in data["checklist"]], checks)


def _variables(runbook_vars: dict[str, ModeValue], mode: Mode, report: Any) -> dict[str, Any]:
    """Project mode vars, then runbook vars (which may use the former), then ``mode``."""
    variables: dict[str, Any] = {"mode": mode.id}
    for name, value in mode.vars.items():
        variables[name] = resolve(value, variables, lambda p, m: report(("modes", mode.id, "vars", name), m))
    for name, value in runbook_vars.items():
        if isinstance(value, ModeValue) and (mode.id in value.by_mode or not value.by_mode):
            variables[name] = resolve(value.get(mode.id), variables, report)
    variables["mode"] = mode.id
    return variables


def _applies(modes: list[str] | None, mode: str) -> bool:
    return modes is None or mode in modes


def _render_section(section: dict[str, Any], mode: str, fill: Any, active: set[str]) -> dict[str, Any]:
    """A step links its check only in modes where that check runs."""
    steps = []
    for step in section["steps"]:
        if not _applies(step.get("modes"), mode):
            continue
        run = step["run"].get(mode) if isinstance(step["run"], ModeValue) else None
        check = step["check"] if step["check"] in active else None
        steps.append({"text": fill(step["text"]), "run": fill(run) if run is not None else None, "check": check})
    return {"title": fill(section["title"]), "body": fill(section["body"]), "steps": steps}


def _check_spec(runbook: str, check: dict[str, Any], index: int, mode: str, fill: Any, ctx: Ctx,
                variables: Mapping[str, Any]) -> CheckSpec:
    applies = _applies(check["modes"], mode)
    params = _var_defaults(check["kind"], fill(check["params"]), variables) if applies else check["params"]
    line, _ = ctx.doc.loc(("checks", index))
    title = fill(check["title"]) if applies else getattr(check["title"], "source", check["title"])
    retries = check["retries"] or {"count": 0, "delay": 0.0}
    return CheckSpec(runbook, check["id"], title, check["kind"], params, check["timeout"], check["severity"], applies,
                     f"{ctx.doc.path}:{line}", list(check["needs"] or []), retries["count"], retries["delay"])


def _var_defaults(kind: str, params: dict[str, Any], variables: Mapping[str, Any]) -> dict[str, Any]:
    """Keys a kind declares in ``VAR_DEFAULTS`` take the mode variable when the check leaves them out."""
    hook = KINDS[kind].VAR_DEFAULTS
    unset = {key: str(variables[var]) for key, var in hook.items() if params.get(key) is None and var in variables}
    return {**params, **unset}
