"""Command line: ``runbooks`` (validate, build, print, reference) and ``run-checks``.

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
import tempfile
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence, TextIO

from generator.errors import EXIT_CONFIG, EXIT_INTERRUPTED, EXIT_OK, EXIT_SOFTWARE, ConfigError, RunbooksError
from generator.run.reporters import REPORTERS

if TYPE_CHECKING:
    from generator.format.model import CheckSpec
    from generator.run.pipeline import Output
    from generator.run.results import Result

__all__ = ["runbooks_main", "run_checks_main", "guard"]

EXIT_CODES_HELP = """exit codes:
  0   no check is CRITICAL (nor WARNING, with --fail-on warning)
  1   a check failed
  2   bad command-line use
  78  invalid runbooks (each problem printed as path:line:col: message)
  70  unexpected error (a bug: see the log file named)"""


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
    from generator.fsutil import write_atomic

    log = Path(tempfile.gettempdir()) / f"{prog}-crash-{os.getpid()}.log"
    try:
        write_atomic(log, traceback.format_exc(), mode=0o600)  # private: it may quote paths and values
    except OSError as exc:
        traceback.print_exc()
        return f"cannot write {log}: {exc.strerror}; traceback above"
    return f"traceback in {log}"


# ---------------------------------------------------------------- runbooks

def _runbooks_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="runbooks", description="Validate runbooks and build the site and check scripts.",
                                     epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=".", help="project directory holding runbooks/ and mkdocs.yml (default: .)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check every runbook file and report all errors")
    build = sub.add_parser("build", help="build site/ and checks/ (atomically)")
    build.add_argument("--check", action="store_true", help="write nothing; exit 1 when checks/ is stale")
    build.add_argument("--site-dir", default="site", help="where to build the site (default: site)")
    build.add_argument("--no-strict", action="store_true", help="do not fail on MkDocs warnings")
    printing = sub.add_parser("print", help="print a mode's incident binder (or one runbook's checklist) to PDF",
                              description="Print with headless Chromium. Without --site, the site is built "
                                          "first into a temporary directory (site/ is left alone).")
    printing.add_argument("--mode", required=True, help="deployment mode (one of the project's modes)")
    printing.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    printing.add_argument("--runbook", metavar="ID", help="print this runbook's checklist instead of the binder")
    printing.add_argument("--site", metavar="DIR", help="print from this built site (e.g. one run-checks stamped)")
    printing.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size (default: a4)")
    sub.add_parser("reference", help="print the runbook format reference (Markdown)")
    merging = sub.add_parser("merge", help="fold result files of many runners into the store and stamp the site",
                             description="Read run-checks JSON reports (files, directories or s3://bucket/prefix), "
                                         "keep the newest result per check and vantage, and stamp the site. "
                                         "Merging the same run again changes nothing.")
    merging.add_argument("sources", nargs="+", metavar="RESULTS", help="a JSON report, a directory of them, or s3://bucket/prefix")
    merging.add_argument("--site", default="site", metavar="DIR",
                         help="the built site to stamp (default: site; left alone when it is not built)")
    return parser


def _runbooks(argv: Sequence[str] | None) -> int:
    args = _runbooks_parser().parse_args(argv)
    root = Path(args.root).resolve()
    commands: dict[str, Callable[[Path, argparse.Namespace], int]] = {
        "validate": _validate, "build": _build, "print": _print, "reference": _reference, "merge": _merge}
    return commands[args.command](root, args)


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


def _merge(root: Path, args: argparse.Namespace) -> int:
    from generator.run.merge import merge

    site = (root / args.site).resolve()
    report = merge(root, args.sources, site if (site / "index.html").is_file() else None)
    runs = ", ".join(f"{n} {mode}" for mode, n in report.runs.items()) or "none"
    print(f"merged {report.files} file(s): runs {runs}; stamped {len(report.stamped)} page(s) and "
          f"{len(report.badges)} badge(s)" + ("" if (site / "index.html").is_file() else f" ({site} is not built)"))
    return EXIT_OK


def runbooks_main(argv: Sequence[str] | None = None) -> int:
    return guard("runbooks", _runbooks, argv)


# ---------------------------------------------------------------- run-checks

def _run_checks_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run-checks", description="Run a mode's checks concurrently and report (and stamp) the results.",
        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", required=True, help="deployment mode (one of the project's modes)")
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
    parser.add_argument("--fail-on", choices=["warning", "critical"], default="critical", help="lowest state that fails the run")
    parser.add_argument("--root", default=".", help="project directory (default: .)")
    parser.add_argument("--no-store", action="store_true", help="do not update the results store (.runbooks/results)")
    scale = parser.add_argument_group("many runners", "Split a run over runners and places; `runbooks merge` joins them.")
    scale.add_argument("--shard", metavar="K/N", help="run only the K-th of N shards of the selected checks "
                       "(deterministic; a check and the checks it needs stay together)")
    scale.add_argument("--vantage", default="", metavar="NAME", help="where this run probes from, e.g. eu-west, inside")
    scale.add_argument("--run-id", default="", metavar="ID", help="the run's id; give the shards of one run the same one")
    scale.add_argument("--upload", metavar="s3://BUCKET/PREFIX", help="put the JSON report there (needs runbooks[aws])")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary")
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

    wanted = [tuple(spec.split("=", 1)) if "=" in spec else (spec, "-") for spec in args.formats]
    wanted += [(name, getattr(args, name)) for name in REPORTERS if getattr(args, name) is not None]
    return [Output(name, None if path == "-" else Path(path)) for name, path in wanted]


class _Progress:
    """A one-line counter on a TTY; plain result lines otherwise."""

    def __init__(self, quiet: bool, out: TextIO) -> None:
        self.total, self.done, self.bad, self.quiet, self.out = 0, 0, 0, quiet, out
        self.tty = sys.stderr.isatty() and not quiet

    def start(self, checks: list[CheckSpec]) -> None:
        self.total = len(checks)

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
    args = _run_checks_parser().parse_args(argv)
    from generator.run.engine import RunOptions
    from generator.run.pipeline import RunRequest, run
    from generator.run.reporters.table import summary_table
    from generator.run.shard import parse_shard

    outputs = _outputs(args)
    # A format on standard output owns it: the progress and the summary go to standard error.
    human = sys.stderr if any(o.path is None for o in outputs) else sys.stdout
    progress = _Progress(args.quiet, human)
    request = RunRequest(
        Path(args.root).resolve(), args.mode, args.runbook, args.tag, args.kind,
        options=RunOptions(args.concurrency, args.timeout, args.deadline), outputs=outputs,
        site=Path(args.site).resolve() if args.site else None, record=not args.no_store, fail_on=args.fail_on,
        on_result=progress, on_start=progress.start, shard=parse_shard(args.shard) if args.shard else None,
        vantage=args.vantage, run_id=args.run_id, upload=args.upload)
    try:
        report = run(request)
    finally:
        progress.close()
    human.write(summary_table(report.run))
    if request.site is not None:
        print(f"stamped {len(report.stamped)} page(s) and {len(report.badges)} badge(s) in {request.site}", file=human)
    if report.uploaded:
        print(f"uploaded {report.uploaded}", file=human)
    return report.exit_code


def run_checks_main(argv: Sequence[str] | None = None) -> int:
    return guard("run-checks", run_checks, argv)
