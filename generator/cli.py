"""Command line: ``runbooks`` (validate, build, print, reference, alerts, runbook-urls, lint-rules) and ``run-checks``.

A thin shell: it parses arguments, calls one plain function of a stage
(``generator.run.pipeline.run`` for a run, ``generator.site.build.build``
for a build…) and turns what comes back into output and an exit code. Heavy
imports wait until after argument parsing, so ``--help`` is instant; the
types they bring are imported for the type checker only.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, NoReturn, Sequence, TextIO

from generator.errors import EXIT_CONFIG, EXIT_INTERRUPTED, EXIT_OK, EXIT_SOFTWARE, ConfigError, RunbooksError

if TYPE_CHECKING:
    from generator.format.maintenance import Window
    from generator.format.model import Catalog, CheckSpec
    from generator.links import SiteLinks
    from generator.run.pipeline import Output, RunReport, RunRequest
    from generator.run.results import Result

__all__ = ["runbooks_main", "run_checks_main", "guard", "print_report"]

# Exit codes, per command: each --help lists its own.
_COMMON_CODES = (("2", "bad command-line use"), ("70", "unexpected error (a bug: see the log file named)"),
                 ("130", "interrupted"))
_INVALID = ("78", "invalid runbooks (each problem printed as path:line:col: message)")
RUN_CHECKS_CODES = (("0", "no check failed, per --fail-on (default: none is CRITICAL or UNKNOWN)"),
                    ("1", "a check failed (per --fail-on)"), ("78", "invalid runbooks, or an unknown --kind"))
RUNBOOKS_CODES = {
    "": (("0", "success"), ("1", "the command failed (see its --help)"), _INVALID),
    "validate": (("0", "the runbooks are valid"), _INVALID),
    "build": (("0", "built (with --check: checks/ is up to date)"),
              ("1", "the site build failed (the previous site is untouched), or with --check: checks/ is stale"),
              _INVALID),
    "print": (("0", "the PDF is written"), ("1", "no Chromium, or printing failed"), _INVALID),
    "reference": (("0", "printed"),),
    "schema": (("0", "printed"),),
    "init": (("0", "the project is written"), ("1", "a file it would write exists (nothing is written)")),
    "alerts": (("0", "the rules are written"), _INVALID),
    "runbook-urls": (("0", "printed"), _INVALID),
    "lint-rules": (("0", "no problem found"), ("1", "a problem was found (printed as path:line: message)"), _INVALID),
    "merge": (("0", "merged (and stamped)"), ("1", "a report could not be read"), _INVALID),
}


def exit_codes_help(codes: Sequence[tuple[str, str]]) -> str:
    rows = sorted((*codes, *_COMMON_CODES), key=lambda row: int(row[0]))
    return "exit codes:\n" + "\n".join(f"  {code:<4}{meaning}" for code, meaning in rows)


def _project_modes(root: str) -> str:
    """The project's mode ids for --help, read with the format's bounded loader; a hint when unreadable."""
    from generator.format.load import load_file
    from generator.format.schema import PROJECT_FILE

    path = Path(root) / "runbooks" / PROJECT_FILE
    doc = load_file(path, str(path)) if path.is_file() else None
    modes = doc.data.get("modes") if doc is not None and not doc.fatal and isinstance(doc.data, dict) else None
    ids = list(modes) if isinstance(modes, dict) else [m.get("id") for m in modes if isinstance(m, dict)] \
        if isinstance(modes, list) else []
    named = ", ".join(str(i) for i in ids if i)
    return f"one of: {named}" if named else f"one of the modes in runbooks/{PROJECT_FILE}"


def _pre_root(argv: Sequence[str] | None) -> str:
    """--root, wherever it is on the line: the modes named in --help come from that project."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--root", default=".")
    return str(pre.parse_known_args(argv)[0].root)


def _version() -> str:
    from generator import __version__

    return f"%(prog)s {__version__}"


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """--root and --version, before or after the command (a command's copy does not reset the top's)."""
    default = "." if top else argparse.SUPPRESS
    parser.add_argument("--root", default=default, metavar="DIR",
                        help="project directory holding runbooks/ and mkdocs.yml (default: .)")
    parser.add_argument("--version", action="version", version=_version())


def guard(prog: str, func: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None) -> int:
    try:
        code = func(argv)
        # The process ends now: the collection at exit would walk every object left (1.2 s after 10,000 checks).
        gc.freeze()
        return code
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        count = len(exc.diagnostics)
        print(f"{prog}: {count} error{'s' if count != 1 else ''} in runbooks", file=sys.stderr)
        return EXIT_CONFIG
    except RunbooksError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: one line here, the traceback in a log
        print(f"{prog}: unexpected error: {type(exc).__name__}: {exc} ({_crash_log(prog)})", file=sys.stderr)
        return EXIT_SOFTWARE


def _crash_log(prog: str) -> str:
    """The traceback, in $TMPDIR/<prog>-crash-<pid>.log: one log per process, so no run overwrites another's."""
    import tempfile
    import traceback

    from generator.fsutil import write_atomic

    log = Path(tempfile.gettempdir()) / f"{prog}-crash-{os.getpid()}.log"
    try:
        write_atomic(log, traceback.format_exc(), mode=0o600)  # private: it may quote paths and values
    except OSError as exc:
        traceback.print_exc()
        return f"cannot write {log}: {exc.strerror}; traceback above"
    return f"traceback in {log}"


# ---------------------------------------------------------------- runbooks

def _runbooks_parser(modes: str = "one of the project's modes") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="runbooks", description="Validate runbooks and build the site and check scripts.",
                                     epilog=exit_codes_help(RUNBOOKS_CODES[""]),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(parser, top=True)
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, help: str, description: str | None = None) -> argparse.ArgumentParser:
        child = sub.add_parser(name, help=help, description=description or help[0].upper() + help[1:] + ".",
                               epilog=exit_codes_help(RUNBOOKS_CODES[name]),
                               formatter_class=argparse.RawDescriptionHelpFormatter)
        _common(child, top=False)
        return child

    command("validate", "check every runbook file and report all errors")
    build = command("build", "build site/ and checks/ (atomically)")
    build.add_argument("--check", action="store_true", help="write nothing; exit 1 when checks/ is stale")
    build.add_argument("--site-dir", default="site", help="where to build the site (default: site)")
    build.add_argument("--no-strict", action="store_true", help="do not fail on MkDocs warnings")
    printing = command("print", "print a mode's incident binder (or one runbook's checklist) to PDF",
                       "Print with headless Chromium. Without --site, the site is built "
                       "first into a temporary directory (site/ is left alone).")
    printing.add_argument("--mode", required=True, help=f"deployment mode, {modes}")
    printing.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    printing.add_argument("--runbook", metavar="ID", help="print this runbook's checklist instead of the binder")
    printing.add_argument("--site", metavar="DIR", help="print from this built site (e.g. one run-checks stamped)")
    printing.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size (default: a4)")
    command("reference", "print the runbook format reference (Markdown)")
    schema = command("schema", "print the JSON Schema (draft 2020-12) of a runbook file or of the project file",
                     "Print the JSON Schema of runbooks/<id>.yaml (or of runbooks/_project.yaml), for editors: "
                     "runbooks schema > schemas/runbook.schema.json")
    schema.add_argument("file", nargs="?", choices=["runbook", "project"], default="runbook",
                        help="which file's schema (default: runbook)")
    init = command("init", "write a new project: mkdocs.yml, runbooks/, an example runbook, a CI workflow",
                   "Write a new project in DIR (default: --root): mkdocs.yml, runbooks/_project.yaml with your "
                   "modes, an example runbook whose checks pass on any machine, the editor schemas, docs/, "
                   ".gitignore and a GitHub Actions workflow. It never overwrites a file.")
    init.add_argument("directory", nargs="?", metavar="DIR", help="where to write the project (default: --root)")
    init.add_argument("--modes", default="prod", metavar="ID[,ID]",
                      help="the deployment modes, e.g. staging,prod (default: prod)")
    init.add_argument("--title", help="the site's title (default: '<directory name> runbooks')")
    _alert_parsers(command, modes)
    merging = command("merge", "fold result files of many runners into the store and stamp the site",
                      "Read run-checks JSON reports (files, directories or s3://bucket/prefix), keep the newest "
                      "result per check and vantage, and stamp the site. Merging the same run again changes nothing.")
    merging.add_argument("sources", nargs="+", metavar="RESULTS", help="a JSON report, a directory of them, or s3://bucket/prefix")
    merging.add_argument("--site", default="site", metavar="DIR",
                         help="the built site to stamp (default: site; left alone when it is not built)")
    return parser


def _alert_parsers(command: Callable[..., argparse.ArgumentParser], modes: str) -> None:
    site_url: dict[str, Any] = {"metavar": "URL", "help": "where the site is published (default: site_url in mkdocs.yml)"}
    alerts = command("alerts", "write Prometheus alerting rules for a mode's checks, each linking to its check",
                     "Rules over the metrics run-checks --openmetrics writes: an alert per check "
                     "CRITICAL, WARNING or UNKNOWN for --for, one when results stop arriving; "
                     "checks in a maintenance window raise none.")
    alerts.add_argument("--mode", required=True, help=f"deployment mode, {modes}")
    alerts.add_argument("--out", metavar="FILE", help="write the rules file here (atomically); default: standard output")
    alerts.add_argument("--for", dest="hold", type=_duration, default=300.0, metavar="DURATION",
                        help="how long a state must last before its alert fires (default 5m)")
    alerts.add_argument("--stale-after", type=_duration, metavar="DURATION",
                        help="alert when no results arrived for this long (default: stale_after in _project.yaml)")
    alerts.add_argument("--site-url", **site_url)
    urls = command("runbook-urls", "print alert name → runbook_url for the alerts a mode's runbooks answer")
    urls.add_argument("--mode", required=True, help=f"deployment mode, {modes}")
    urls.add_argument("--format", choices=["yaml", "json"], default="yaml", help="output format (default: yaml)")
    urls.add_argument("--site-url", **site_url)
    lint = command("lint-rules", "check Prometheus rule files against the runbooks and the built site",
                   "Reports, as path:line: message, alerts without runbook_url, runbook_urls "
                   "the built site cannot answer (page or anchor), and alerts the runbooks name "
                   "that no rule defines. Exit 1 when there is a problem.")
    lint.add_argument("files", nargs="+", metavar="RULES.yml", help="Prometheus rule files (or PrometheusRule objects)")
    lint.add_argument("--site", default="site", metavar="DIR", help="the built site to resolve URLs in (default: site)")
    lint.add_argument("--mode", help="runbook_urls must point at this mode's pages")
    lint.add_argument("--site-url", **site_url)


def _duration(text: str) -> float:
    from generator.format.options import Problem, parse_duration

    try:
        return parse_duration(text)
    except Problem as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _runbooks(argv: Sequence[str] | None) -> int:
    args = _runbooks_parser(_help_modes(argv)).parse_args(argv)
    root = Path(args.root).resolve()
    commands: dict[str, Callable[[Path, argparse.Namespace], int]] = {
        "validate": _validate, "build": _build, "print": _print, "reference": _reference, "schema": _schema,
        "init": _init, "alerts": _alerts, "runbook-urls": _runbook_urls, "lint-rules": _lint_rules, "merge": _merge}
    return commands[args.command](root, args)


def _help_modes(argv: Sequence[str] | None) -> str:
    """The project's modes, named in --help only: other runs need not read the project twice."""
    args = sys.argv[1:] if argv is None else list(argv)
    return _project_modes(_pre_root(args)) if "-h" in args or "--help" in args else "one of the project's modes"


def _validate(root: Path, args: argparse.Namespace) -> int:
    from generator.format.catalog import load_catalog

    catalog = load_catalog(root)
    checks = sum(len(rb.data["checks"]) for rb in catalog.runbooks.values())
    print(f"{len(catalog.runbooks)} runbooks, {checks} checks, modes {', '.join(catalog.project.modes)}: valid")
    return EXIT_OK


def _build(root: Path, args: argparse.Namespace) -> int:
    from generator.checkscripts.generate import stale_scripts
    from generator.format.catalog import load_catalog
    from generator.site.build import build

    if args.check:
        stale = stale_scripts(load_catalog(root))
        for rel in stale:
            print(f"{rel}: stale (run `runbooks build`)", file=sys.stderr)
        print(f"checks/: {'stale' if stale else 'up to date'}")
        return 1 if stale else EXIT_OK
    started = time.perf_counter()
    site_dir = (root / args.site_dir).resolve()
    catalog, changed = build(root, site_dir, strict=not args.no_strict)
    print(f"built {site_dir} ({len(catalog.runbooks)} runbooks × {len(catalog.project.modes)} modes) "
          f"and checks/ ({len(changed)} scripts changed) in {time.perf_counter() - started:.1f}s")
    return EXIT_OK


def _print(root: Path, args: argparse.Namespace) -> int:
    from generator.site.printing import PrintJob, print_pdf

    site = Path(args.site).resolve() if args.site else None
    out = print_pdf(PrintJob(root, args.mode, Path(args.out), args.runbook, site, args.paper))
    what = f"{args.runbook} checklist" if args.runbook else "incident binder"
    print(f"wrote {out} ({args.mode} {what}, {args.paper}, {out.stat().st_size // 1024} KiB)")
    return EXIT_OK


def _reference(root: Path, args: argparse.Namespace) -> int:
    from generator.format.reference import format_reference

    print(format_reference(), end="")
    return EXIT_OK


def _schema(root: Path, args: argparse.Namespace) -> int:
    from generator.format.editor_schema import schema_text

    print(schema_text(args.file), end="")
    return EXIT_OK


def _init(root: Path, args: argparse.Namespace) -> int:
    from generator.scaffold import InitRequest, init_project, parse_modes

    directory = Path(args.directory).resolve() if args.directory else root
    modes = parse_modes(args.modes)
    written = init_project(InitRequest(directory, modes, args.title or f"{directory.name} runbooks"))
    print(f"wrote {len(written)} files in {directory}:")
    print("".join(f"  {rel}\n" for rel in written), end="")
    at = "" if directory == Path.cwd() else f" --root {directory}"
    print(f"next:\n  runbooks{at} build                 # the site in site/ and the check scripts in checks/\n"
          f"  run-checks{at} --mode {modes[0]} --site site   # run the checks, stamp the results into the site\n"
          f"  python3 -m http.server --directory {directory / 'site'} 8000   # then open "
          f"http://127.0.0.1:8000/{modes[0]}/")
    return EXIT_OK


def _catalog_and_links(root: Path, mode: str | None, site_url: str | None) -> tuple[Catalog, SiteLinks]:
    from generator.errors import UsageError
    from generator.format.catalog import load_catalog
    from generator.links import NoSiteUrl, site_links

    catalog = load_catalog(root)
    if mode is not None and mode not in catalog.project.modes:
        raise UsageError(f"unknown mode '{mode}'; modes: {', '.join(catalog.project.modes)}")
    try:
        return catalog, site_links(root, site_url)
    except NoSiteUrl as exc:
        raise UsageError(str(exc)) from None


def _alerts(root: Path, args: argparse.Namespace) -> int:
    from generator.alerts.rules import RuleOptions, render_rules
    from generator.fsutil import write_atomic

    catalog, links = _catalog_and_links(root, args.mode, args.site_url)
    stale = args.stale_after if args.stale_after is not None else catalog.project.stale_after
    text = render_rules(RuleOptions(args.mode, links, args.hold, stale))
    if args.out:
        write_atomic(Path(args.out), text)
        print(f"wrote {args.out}: alerting rules for mode {args.mode} (check them with `promtool check rules`)",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _runbook_urls(root: Path, args: argparse.Namespace) -> int:
    from generator.alerts.urls import render_urls, runbook_urls

    catalog, links = _catalog_and_links(root, args.mode, args.site_url)
    sys.stdout.write(render_urls(runbook_urls(catalog, args.mode, links), args.mode, args.format))
    return EXIT_OK


def _lint_rules(root: Path, args: argparse.Namespace) -> int:
    from generator.alerts.lint import lint_rules
    from generator.errors import UsageError

    catalog, links = _catalog_and_links(root, args.mode, args.site_url)
    site = (root / args.site).resolve()
    if not (site / "index.html").is_file():
        raise UsageError(f"--site {args.site}: no built site there; run `runbooks build` first "
                         "(runbook_urls are checked against its pages and anchors)")
    problems, alerts = lint_rules(catalog, [(Path(f), f) for f in args.files], site, links, args.mode)
    for problem in problems:
        print(problem)
    count = len(problems)
    print(f"lint-rules: {alerts} alerting rules in {len(args.files)} file(s), {count} problem{'s' if count != 1 else ''}",
          file=sys.stderr)
    return 1 if problems else EXIT_OK


def _merge(root: Path, args: argparse.Namespace) -> int:
    from generator.run.merge import merge

    site = (root / args.site).resolve()
    built = (site / "index.html").is_file()  # merge stamps pages that exist; it builds none
    report = merge(root, args.sources, site if built else None)
    runs = ", ".join(f"{n} {mode}" for mode, n in report.runs.items()) or "none"
    print(f"merged {report.files} file(s): runs {runs}; stamped {len(report.stamped)} page(s) and "
          f"{len(report.badges)} badge(s)" + ("" if built else f" ({site} is not built)"))
    return EXIT_OK


def runbooks_main(argv: Sequence[str] | None = None) -> int:
    return guard("runbooks", _runbooks, argv)


# ---------------------------------------------------------------- run-checks

def _run_checks_parser(modes: str = "one of the project's modes") -> argparse.ArgumentParser:
    from generator.run.reporters import REPORTERS

    parser = argparse.ArgumentParser(
        prog="run-checks", description="Run a mode's checks concurrently and report (and stamp) the results.",
        epilog=exit_codes_help(RUN_CHECKS_CODES), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", required=True, help=f"deployment mode, {modes}")
    parser.add_argument("--runbook", action="append", default=[], metavar="ID", help="only this runbook (repeatable)")
    parser.add_argument("--tag", action="append", default=[], metavar="T", help="only runbooks with this tag (repeatable)")
    parser.add_argument("--kind", action="append", default=[], metavar="KIND[,KIND]",
                        help="only checks of these kinds, e.g. aws_s3,aws_ecs_service (repeatable)")
    parser.add_argument("--site", metavar="DIR", help="stamp results into the built site in DIR")
    formats = parser.add_argument_group("output formats", "Write the results in these formats; PATH - is standard output.")
    formats.add_argument("--format", action="append", default=[], metavar="NAME[=PATH]", dest="formats",
                         help=f"a format ({', '.join(REPORTERS)}) to a file, or to standard output (repeatable)")
    for name, reporter in REPORTERS.items():
        formats.add_argument(f"--{name}", metavar="PATH", help=f"{reporter.HELP} (same as --format {name}=PATH)")
    parser.add_argument("--concurrency", type=_positive_int, default=50, metavar="N", help="checks at once (default 50)")
    parser.add_argument("--timeout", type=_positive_float, metavar="S", help="per-check timeout when a check sets none (default 10)")
    parser.add_argument("--deadline", type=_positive_float, default=300.0, metavar="S", help="limit for the whole run (default 300)")
    parser.add_argument("--fail-on", choices=["warning", "unknown", "critical"], default="unknown",
                        help="the lowest state that fails the run: warning (WARNING, UNKNOWN, CRITICAL), unknown "
                             "(UNKNOWN: a check that could not run, CRITICAL) or critical (default: unknown)")
    _common(parser, top=True)
    parser.add_argument("--no-store", action="store_true", help="do not update the results store (.runbooks/results)")
    parser.add_argument("--maintenance", metavar="'DURATION: REASON'",
                        help="declare a maintenance window from now for what this run selects, e.g. "
                             "'2h: database upgrade': its results are MAINTENANCE; kept in the store for later runs")
    scale = parser.add_argument_group("many runners", "Split a run over runners and places; `runbooks merge` joins them.")
    scale.add_argument("--shard", metavar="K/N", help="run only the K-th of N shards of the selected checks "
                       "(deterministic; a check and the checks it needs stay together)")
    scale.add_argument("--vantage", default="", metavar="NAME", help="where this run probes from, e.g. eu-west, inside")
    scale.add_argument("--run-id", default="", metavar="ID", help="the run's id; give the shards of one run the same one")
    scale.add_argument("--upload", metavar="s3://BUCKET/PREFIX", help="put the JSON report there (needs runbooks[aws])")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
    loop = parser.add_argument_group("continuous runs", "Keep running until SIGTERM, recording and stamping each run.")
    loop.add_argument("--every", type=_duration, metavar="DURATION", help="a run every DURATION (e.g. 5m); two runs of "
                      "a mode never overlap; SIGTERM lets the current run finish, then exits 0")
    loop.add_argument("--jitter", type=_duration, metavar="DURATION",
                      help="start each run up to this much later, at random (default: a tenth of --every)")
    loop.add_argument("--runs", type=_positive_int, metavar="N", help="stop after N runs")
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


def _outputs(args: argparse.Namespace) -> list[Output]:
    """``--format NAME[=PATH]`` and ``--NAME PATH``, in that order; ``-`` or no path is standard output."""
    from generator.run.pipeline import Output
    from generator.run.reporters import REPORTERS

    wanted = [tuple(spec.split("=", 1)) if "=" in spec else (spec, "-") for spec in args.formats]
    wanted += [(name, getattr(args, name)) for name in REPORTERS if getattr(args, name) is not None]
    return [Output(name, None if path == "-" else Path(path)) for name, path in wanted]


class _Progress:
    """A one-line counter on a TTY; plain result lines otherwise."""

    def __init__(self, quiet: bool, out: TextIO) -> None:
        self.total, self.done, self.bad, self.quiet, self.out = 0, 0, 0, quiet, out
        self.tty = sys.stderr.isatty() and not quiet

    def start(self, checks: list[CheckSpec]) -> None:
        self.total, self.done, self.bad = len(checks), 0, 0

    def __call__(self, result: Result) -> None:
        self.done += 1
        self.bad += result.state.value in ("CRITICAL", "UNKNOWN", "WARNING")
        if self.tty:
            print(f"\r  running checks {self.done}/{self.total}  ({self.bad} not OK)", end="", file=sys.stderr, flush=True)
        elif not self.quiet:
            print(f"{result.state.value:<9} {result.key}  {result.summary[:160]}", file=self.out)

    def close(self) -> None:
        if self.tty:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def run_checks(argv: Sequence[str] | None) -> int:
    # Start-up (the modules, the arguments) makes what lives as long as the run: no collection walks it, a few
    # full ones otherwise as the heap grows. Only until the run starts: loading a catalogue that is not cached
    # leaves cycles behind (YAML, templates) that only a full collection frees (28 MB of peak memory at 10,000
    # checks when it was paused too).
    with _collection_paused():
        args = _run_checks_parser(_help_modes(argv)).parse_args(argv)
        from generator.run.engine import RunOptions
        from generator.run.pipeline import RunRequest, run
        from generator.run.shard import parse_shard

        outputs = _outputs(args)
        # A format on standard output owns it: the progress and the summary go to standard error.
        human = sys.stderr if any(o.path is None for o in outputs) else sys.stdout
        progress = _Progress(args.quiet, human)
        request = RunRequest(
            Path(args.root).resolve(), args.mode, args.runbook, args.tag, args.kind,
            options=RunOptions(args.concurrency, args.timeout, args.deadline), outputs=outputs,
            site=Path(args.site).resolve() if args.site else None, record=not args.no_store, fail_on=args.fail_on,
            on_result=progress, on_start=progress.start, maintenance=_window(args),
            shard=parse_shard(args.shard) if args.shard else None, vantage=args.vantage, run_id=args.run_id,
            upload=args.upload)
    if args.every is not None:
        return _run_every(request, args, progress, human)
    if args.runs is not None:
        from generator.errors import UsageError

        raise UsageError("--runs goes with --every")
    try:
        report = run(request)
    finally:
        progress.close()
    print_report(report, request, human)
    return report.exit_code


@contextmanager
def _collection_paused() -> Iterator[None]:
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def print_report(report: RunReport, request: RunRequest, human: TextIO) -> None:
    """What run-checks prints after a run: the summary table, what it stamped and where it uploaded."""
    from generator.run.reporters.table import summary_table

    human.write(summary_table(report.run))
    if request.site is not None:
        print(f"stamped {len(report.stamped)} page(s) and {len(report.badges)} badge(s) in {request.site}", file=human)
    if report.uploaded:
        print(f"uploaded {report.uploaded}", file=human)
    human.flush()


def _window(args: argparse.Namespace) -> Window | None:
    """``--maintenance 'DURATION: REASON'`` as a window from now over what the run selects."""
    if args.maintenance is None:
        return None
    from datetime import datetime, timezone

    from generator.errors import UsageError
    from generator.run.maintenance import adhoc_window, parse_adhoc

    try:
        seconds, reason = parse_adhoc(args.maintenance)
    except ValueError as exc:
        raise UsageError(f"--maintenance: {exc}") from None
    return adhoc_window(seconds, reason, datetime.now(timezone.utc), args.mode, args.runbook, args.tag)


def _run_every(request: RunRequest, args: argparse.Namespace, progress: _Progress, human: TextIO) -> int:
    from generator.errors import UsageError
    from generator.run.schedule import Schedule, run_every

    if args.every <= 0:
        raise UsageError("--every: expected a duration longer than 0s")
    jitter = args.jitter if args.jitter is not None else args.every / 10

    def report(done: RunReport) -> None:
        progress.close()
        print_report(done, request, human)

    def failed(exc: RunbooksError) -> None:
        progress.close()
        print(f"run-checks: {exc} (trying again at the next run)", file=sys.stderr, flush=True)

    return run_every(request, Schedule(args.every, jitter, args.runs), report, failed)


def run_checks_main(argv: Sequence[str] | None = None) -> int:
    return guard("run-checks", run_checks, argv)


def run_checks_command() -> NoReturn:
    """The ``run-checks`` command: ``run_checks_main``, then the process ends at once, as mypy's ``hard_exit``
    ends it. Everything is written, closed and renamed by then; what is left is the interpreter's teardown,
    freeing each module and object one by one, 15-20 ms of a 1000-check run for nothing."""
    code = run_checks_main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: what Python's own exit would report as exit code 120
        code = 120
    os._exit(code)
