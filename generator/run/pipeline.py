"""One run, end to end: select → execute → record → report → stamp.

``run(request) -> RunReport`` is the single way checks are run. The
``run-checks`` CLI, the demo, the generated check scripts and the tests all
call it; nobody builds an argv for somebody else.
"""

from __future__ import annotations

import sys
import time
import uuid
from datetime import datetime, timezone
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from generator.errors import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, RunbooksError, UsageError
from generator.format.model import Catalog, CheckSpec
from generator.run.engine import RunOptions, run_checks_sync, utc_now, young_collections_only
from generator.run.results import DEFAULT_FAIL_ON, FAIL_ON, Result, Run, parse_utc, recordable

if TYPE_CHECKING:
    from generator.format.maintenance import Window
    from generator.run.shard import Shard
    from generator.run.store import ResultsIndex, RunInfo

# A generated check script runs one mode's few checks through run(): what it does not use (the catalogue, the
# store, the formats, git, S3, the site) is imported where it is used, so the script starts in a blink.

__all__ = ["FAIL_ON", "Output", "RunRequest", "RunReport", "UnknownKind", "run", "select", "exit_code_for"]

class UnknownKind(RunbooksError):
    exit_code = EXIT_CONFIG


@dataclass(frozen=True)
class Output:
    """A format to write, and where: a file, or standard output when ``path`` is None."""

    format: str
    path: Path | None = None


@dataclass
class RunRequest:
    """What to run and what to do with the results.

    The checks are a selection of the project's catalog (``runbooks``,
    ``tags``, ``kinds``; empty means all), or, for a generated script, the
    ``checks`` it carries.
    """

    root: Path
    mode: str
    runbooks: Sequence[str] = ()
    tags: Sequence[str] = ()
    kinds: Sequence[str] = ()
    checks: Sequence[CheckSpec] | None = None
    options: RunOptions = field(default_factory=RunOptions)
    outputs: Sequence[Output] = ()
    site: Path | None = None  # stamp the results into this built site
    record: bool = True  # merge into the results store (.runbooks/results/)
    fail_on: str = DEFAULT_FAIL_ON  # the lowest state that fails the run: critical, unknown or warning
    on_start: Callable[[list[CheckSpec]], None] | None = None  # once the checks are selected
    on_result: Callable[[Result], None] | None = None  # as each check finishes
    catalog: Catalog | None = None  # loaded from ``root`` when not given
    commit: str | None = None  # what the run is recorded against; default: the project's git commit
    shard: Shard | None = None  # run only the K-th of N shards of the selection
    vantage: str = ""  # where this run probes from (a label: "eu-west", "inside")
    run_id: str = ""  # shards of one run share it (a CI run id); default: a new one
    upload: str | None = None  # s3://bucket/prefix: put the JSON report there
    maintenance: Window | None = None  # an ad-hoc window (run-checks --maintenance), kept in the store when recording


@dataclass
class RunReport:
    run: Run
    stamped: list[Path] = field(default_factory=list)
    badges: list[Path] = field(default_factory=list)
    uploaded: str = ""  # the s3:// address of the uploaded report

    @property
    def exit_code(self) -> int:
        return self.run.exit_code


def run(request: RunRequest) -> RunReport:
    """Select, run, record, write every requested format, and stamp the site."""
    _check_outputs(request)
    _check_vantage(request.vantage)
    catalog = request.catalog
    if request.checks is None or request.record or request.site is not None:
        from generator.format.cache import cached_catalog

        catalog = catalog or cached_catalog(request.root, modes=[request.mode])  # a run renders its own mode only
    specs = _selected(request, catalog)
    started_at, started = utc_now(), time.perf_counter()
    precisely = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # orders two runs of one second
    results = run_checks_sync(specs, request.mode, request.root, request.options, request.on_result)
    for result in results:
        result.vantage = request.vantage
    if catalog is not None:
        results = _in_maintenance(catalog, request, results, started_at)
    report = RunReport(_record_of(request, results, started_at, time.perf_counter() - started))
    with young_collections_only():  # the results are alive while they are recorded, written and stamped
        _keep(request, catalog, report, precisely)
    return report


def _selected(request: RunRequest, catalog: Catalog | None) -> list[CheckSpec]:
    specs = list(request.checks) if request.checks is not None else select(_needs(catalog), request)
    if request.shard is not None:
        from generator.run.shard import shard_checks

        specs = shard_checks(specs, request.shard)
    if request.site is not None and not (request.site / "index.html").is_file():
        raise UsageError(f"--site {request.site}: no built site there; run `runbooks build` first")
    if request.on_start is not None:
        request.on_start(specs)
    return specs


def _keep(request: RunRequest, catalog: Catalog | None, report: RunReport, precisely: str) -> None:
    """Record the run in the store, write its formats, upload it, stamp the site: whichever were asked for."""
    record, results = report.run, report.run.results
    if request.record or request.site is not None:
        from generator.run.store import RunInfo

        info = RunInfo(request.mode, record.started_at, record.commit, record.id, request.vantage, precisely)
        stored = None
        if request.record:
            stored = _store(_needs(catalog), info, results, keep_index=request.site is not None)
        if request.site is not None:
            report.stamped, report.badges = _stamp(_needs(catalog), request.site, info, results, stored)
    for output in request.outputs:
        _write(output, record)
    if request.upload is not None:
        report.uploaded = _upload(request, record)


def _needs(catalog: Catalog | None) -> Catalog:
    assert catalog is not None, "loaded by run() whenever a stage needs it"
    return catalog


def select(catalog: Catalog, request: RunRequest) -> list[CheckSpec]:
    """The checks of the mode's runbooks that match the request, plus the checks they need."""
    modes = catalog.project.modes
    if request.mode not in modes:
        raise UsageError(f"unknown mode '{request.mode}'; modes: {', '.join(modes)}")
    unknown = [r for r in request.runbooks if r not in catalog.runbooks]
    if unknown:
        raise UsageError(f"unknown runbook '{unknown[0]}'; runbooks: {', '.join(catalog.runbooks)}")
    kinds = _kinds(request.kinds)
    views = [v for v in catalog.views(request.mode)
             if (not request.runbooks or v.id in request.runbooks) and (not request.tags or set(request.tags) & set(v.tags))]
    return [check for view in views for check in _with_needs(view.checks, kinds)]


def _kinds(names: Sequence[str]) -> set[str]:
    from generator.run.kinds import KINDS

    wanted = {name.strip() for option in names for name in option.split(",") if name.strip()}
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise UnknownKind(f"unknown check kind '{unknown[0]}'; kinds: {', '.join(KINDS)}")
    return wanted


def _with_needs(checks: list[CheckSpec], kinds: set[str]) -> list[CheckSpec]:
    """The checks of the selected kinds, plus the checks they need (whatever their kind)."""
    if not kinds:
        return checks
    by_id = {check.id: check for check in checks}
    wanted = {check.id for check in checks if check.kind in kinds}
    todo = list(wanted)
    while todo:
        for need in by_id[todo.pop()].needs:
            if need not in wanted:
                wanted.add(need)
                todo.append(need)
    return [check for check in checks if check.id in wanted]


def exit_code_for(results: Sequence[Result], fail_on: str) -> int:
    failing = FAIL_ON[fail_on]
    return EXIT_FAILED if any(r.state in failing for r in results) else EXIT_OK


def _record_of(request: RunRequest, results: list[Result], started_at: str, seconds: float) -> Run:
    code = exit_code_for(results, request.fail_on)
    if request.commit is None:
        from generator.provenance import git_commit

        commit = git_commit(request.root)
    else:
        commit = request.commit
    return Run(request.mode, commit, started_at, utc_now(), seconds * 1000, results, request.fail_on, code,
               id=request.run_id or uuid.uuid4().hex[:12], vantage=request.vantage, site_url=_site_url(request))


def _site_url(request: RunRequest) -> str:
    """mkdocs.yml's site_url, for formats that link to the pages (read only when one is written)."""
    if not request.outputs:
        return ""
    from generator.run.reporters import REPORTERS

    if not any(REPORTERS[o.format].USES_SITE_URL for o in request.outputs):
        return ""
    from generator.links import read_site_url

    try:
        return read_site_url(request.root)[0]
    except Exception:  # a broken mkdocs.yml costs the links, not the run; `runbooks build` reports it
        return ""


def _in_maintenance(catalog: Catalog, request: RunRequest, results: list[Result], started_at: str) -> list[Result]:
    """Results inside a declared or ad-hoc window become MAINTENANCE; a new ad-hoc window is stored."""
    from generator.run import maintenance

    when = parse_utc(started_at)
    windows = [*catalog.windows(), *maintenance.load_adhoc(catalog.root, when)]
    if request.maintenance is not None:
        windows.append(request.maintenance)
        if request.record:
            maintenance.store_adhoc(catalog.root, request.maintenance, when)
    tags = {view.id: view.tags for view in catalog.views(request.mode)}
    return maintenance.apply(results, windows, tags, when)


def _check_vantage(vantage: str) -> None:
    from generator.format.options import SAFE_ID, SAFE_ID_HINT

    if vantage and not SAFE_ID.match(vantage):
        raise UsageError(f"--vantage {vantage!r}: {SAFE_ID_HINT}")


def _upload(request: RunRequest, record: Run) -> str:
    """Put the JSON report at ``request.upload``, named so that no shard or vantage overwrites another's."""
    from generator.run.remote import put_text
    from generator.run.reporters import REPORTERS

    assert request.upload is not None
    record.uploaded_at = utc_now()  # the runner's clock just before the object store notes its own (see merge)
    shard = f"-{request.shard[0]}of{request.shard[1]}" if request.shard else ""
    name = f"{record.mode}/{record.started_at}-{record.id}-{record.vantage or 'default'}{shard}.json"
    return put_text(request.upload, name, REPORTERS["json"].render(record))


def _store(catalog: Catalog, info: RunInfo, results: list[Result], keep_index: bool) -> ResultsIndex | None:
    """Record the run; with ``keep_index``, return the mode's store as written (the stamp that follows)."""
    from generator.run.store import ResultsIndex, record_run

    keep = catalog.check_keys(info.mode)
    index = ResultsIndex() if keep_index else None
    record_run(catalog.root, info, [r for r in results if recordable(r)], keep, catalog.project.history["keep"], index)
    return index


def _check_outputs(request: RunRequest) -> None:
    """Every format is known before anything runs; at most one goes to standard output."""
    if not request.outputs:
        return
    from generator.run.reporters import REPORTERS

    for output in request.outputs:
        if output.format not in REPORTERS:
            raise UsageError(f"unknown format '{output.format}'; formats: {', '.join(REPORTERS)}")
    if sum(1 for o in request.outputs if o.path is None) > 1:
        raise UsageError("only one format can go to standard output")


def _write(output: Output, record: Run) -> None:
    from generator.fsutil import write_atomic
    from generator.run.reporters import REPORTERS

    text = REPORTERS[output.format].render(record)
    if output.path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(output.path, text)


def _stamp(catalog: Catalog, site: Path, info: RunInfo, results: list[Result],
           stored: ResultsIndex | None) -> tuple[list[Path], list[Path]]:
    """Stamp this mode's slots (on its pages and the home page) and badges from the store (``stored``: as the
    run just wrote it), plus this run when not recorded. Only the checks it ran change, unless the history
    window moved on for every check."""
    from generator.site.badges import write_badges
    from generator.site.stamp import filtered_index, stamp_site

    index = filtered_index(catalog, [info.mode], stored)  # only this mode's slots are stamped
    ran = [r for r in results if recordable(r)]
    if stored is None:
        index.results[info.mode].update({r.key: r for r in ran})
        index.runs[info.mode] = info
    full = len(index.history.get(info.mode, [])) >= catalog.project.history["keep"]
    touched = None if full else {r.key for r in ran}
    return stamp_site(site, index, [info.mode], touched), write_badges(site, index, [info.mode])
