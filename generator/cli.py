"""Command line: ``runbooks`` (validate, build, print, demo, reference) and ``run-checks``.

A thin shell over plain functions that return exit codes. Heavy imports wait
until after argument parsing, so ``--help`` is instant.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Sequence

from .errors import (EXIT_CONFIG, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_SOFTWARE, ConfigError, RunbooksError,
                     UsageError)

__all__ = ["runbooks_main", "run_checks_main", "run_checks", "exit_code_for"]

EXIT_CODES_HELP = """exit codes:
  0   no check is CRITICAL (nor WARNING, with --fail-on warning)
  1   a check failed
  2   bad command-line use
  78  invalid runbooks (each problem printed as path:line:col: message)
  70  unexpected error (a bug: see the log file named)"""


def _guard(prog: str, func: Callable[[Sequence[str] | None], int], argv: Sequence[str] | None) -> int:
    try:
        return func(argv)
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
    from .fsutil import write_atomic

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
    printing.add_argument("--mode", required=True, help="deployment mode: local, hybrid or aws")
    printing.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    printing.add_argument("--runbook", metavar="ID", help="print this runbook's checklist instead of the binder")
    printing.add_argument("--site", metavar="DIR", help="print from this built site (e.g. one run-checks stamped)")
    printing.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size (default: a4)")
    demo = sub.add_parser("demo", help="start the demo stack, build, run the local checks, stamp the pages, stop")
    demo.add_argument("--fail", default=os.environ.get("DEMO_FAIL", ""), help="demo services to break, e.g. search,platform")
    sub.add_parser("reference", help="print the runbook format reference (Markdown)")
    return parser


def _runbooks(argv: Sequence[str] | None) -> int:
    args = _runbooks_parser().parse_args(argv)
    root = Path(args.root).resolve()
    if args.command == "validate":
        return _validate(root)
    if args.command == "build":
        return _build(root, args)
    if args.command == "print":
        return _print(root, args)
    if args.command == "demo":
        from .demo.run import run_demo

        return run_demo(root, [s for s in args.fail.split(",") if s])
    from .reference import format_reference

    print(format_reference(), end="")
    return EXIT_OK


def _validate(root: Path) -> int:
    from .model import load_catalog

    catalog = load_catalog(root)
    checks = sum(len(rb.data["checks"]) for rb in catalog.runbooks.values())
    print(f"{len(catalog.runbooks)} runbooks, {checks} checks, modes {', '.join(catalog.project.modes)}: valid")
    return EXIT_OK


def _build(root: Path, args: argparse.Namespace) -> int:
    if args.check:
        from .model import load_catalog
        from .scripts import stale_scripts

        stale = stale_scripts(load_catalog(root))
        for rel in stale:
            print(f"{rel}: stale (run `runbooks build`)", file=sys.stderr)
        print(f"checks/: {'stale' if stale else 'up to date'}")
        return EXIT_FAILED if stale else EXIT_OK
    from .build import build

    started = time.perf_counter()
    site_dir = (root / args.site_dir).resolve()
    catalog, changed = build(root, site_dir, strict=not args.no_strict)
    print(f"built {site_dir} ({len(catalog.runbooks)} runbooks × {len(catalog.project.modes)} modes) "
          f"and checks/ ({len(changed)} scripts changed) in {time.perf_counter() - started:.1f}s")
    return EXIT_OK


def _print(root: Path, args: argparse.Namespace) -> int:
    from .printing import PrintJob, print_pdf

    site = Path(args.site).resolve() if args.site else None
    out = print_pdf(PrintJob(root, args.mode, Path(args.out), args.runbook, site, args.paper))
    what = f"{args.runbook} checklist" if args.runbook else "incident binder"
    print(f"wrote {out} ({args.mode} {what}, {args.paper}, {out.stat().st_size // 1024} KiB)")
    return EXIT_OK


def runbooks_main(argv: Sequence[str] | None = None) -> int:
    return _guard("runbooks", _runbooks, argv)


# ---------------------------------------------------------------- run-checks

def _run_checks_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run-checks", description="Run a mode's checks concurrently and report (and stamp) the results.",
        epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", required=True, help="deployment mode: local, hybrid or aws")
    parser.add_argument("--runbook", action="append", default=[], metavar="ID", help="only this runbook (repeatable)")
    parser.add_argument("--tag", action="append", default=[], metavar="T", help="only runbooks with this tag (repeatable)")
    parser.add_argument("--kind", action="append", default=[], metavar="KIND[,KIND]",
                        help="only checks of these kinds, e.g. aws_s3,aws_ecs_service (repeatable)")
    parser.add_argument("--site", metavar="DIR", help="stamp results into the built site in DIR")
    parser.add_argument("--json", metavar="PATH", help="write results as JSON")
    parser.add_argument("--junit", metavar="PATH", help="write results as JUnit XML")
    parser.add_argument("--concurrency", type=_positive_int, default=50, metavar="N", help="checks at once (default 50)")
    parser.add_argument("--timeout", type=_positive_float, metavar="S", help="per-check timeout when a check sets none (default 10)")
    parser.add_argument("--deadline", type=_positive_float, default=300.0, metavar="S", help="limit for the whole run (default 300)")
    parser.add_argument("--fail-on", choices=["warning", "critical"], default="critical", help="lowest state that fails the run")
    parser.add_argument("--root", default=".", help="project directory (default: .)")
    parser.add_argument("--no-store", action="store_true", help="do not update the results store (.runbooks/results)")
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


def exit_code_for(results: Sequence[Any], fail_on: str) -> int:
    from .results import State

    failing = {State.CRITICAL} | ({State.WARNING, State.UNKNOWN} if fail_on == "warning" else set())
    return EXIT_FAILED if any(r.state in failing for r in results) else EXIT_OK


def _commit(root: Path) -> str:
    from .provenance import git_commit

    return git_commit(root)


class _Progress:
    """A one-line counter on a TTY; plain result lines otherwise."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total, self.done, self.bad, self.quiet = total, 0, 0, quiet
        self.tty = sys.stderr.isatty() and not quiet

    def __call__(self, result: Any) -> None:
        self.done += 1
        self.bad += result.state.value in ("CRITICAL", "UNKNOWN", "WARNING")
        if self.tty:
            print(f"\r  running checks {self.done}/{self.total}  ({self.bad} not OK)", end="", file=sys.stderr, flush=True)
        elif not self.quiet:
            print(f"{result.state.value:<9} {result.key}  {result.summary[:160]}")

    def close(self) -> None:
        if self.tty:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def run_checks(argv: Sequence[str] | None) -> int:
    args = _run_checks_parser().parse_args(argv)
    from .engine import RunOptions, run_checks_sync, utc_now
    from .model import load_catalog

    root = Path(args.root).resolve()
    catalog = load_catalog(root)
    specs = _select(catalog, args)
    site = Path(args.site).resolve() if args.site else None
    if site is not None and not (site / "index.html").is_file():
        raise UsageError(f"--site {args.site}: no built site there; run `runbooks build` first")
    progress = _Progress(len(specs), args.quiet)
    started_at, started = utc_now(), time.perf_counter()
    results = run_checks_sync(specs, args.mode, root, RunOptions(args.concurrency, args.timeout, args.deadline), progress)
    progress.close()
    return _report(catalog, args, results, started_at, time.perf_counter() - started, site)


def _select(catalog: Any, args: argparse.Namespace) -> list[Any]:
    if args.mode not in catalog.project.modes:
        raise UsageError(f"unknown mode '{args.mode}'; modes: {', '.join(catalog.project.modes)}")
    unknown = [r for r in args.runbook if r not in catalog.runbooks]
    if unknown:
        raise UsageError(f"unknown runbook '{unknown[0]}'; runbooks: {', '.join(catalog.runbooks)}")
    kinds = _kinds(args.kind)
    views = [v for v in catalog.views(args.mode)
             if (not args.runbook or v.id in args.runbook) and (not args.tag or set(args.tag) & set(v.tags))]
    return [check for view in views for check in _with_needs(view.checks, kinds)]


def _with_needs(checks: list[Any], kinds: set[str]) -> list[Any]:
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


class _UnknownKind(RunbooksError):
    exit_code = EXIT_CONFIG


def _kinds(options: list[str]) -> set[str]:
    from .kinds import KINDS

    wanted = {name.strip() for option in options for name in option.split(",") if name.strip()}
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise _UnknownKind(f"unknown check kind '{unknown[0]}'; kinds: {', '.join(KINDS)}")
    return wanted


def _report(catalog: Any, args: argparse.Namespace, results: list[Any], started_at: str, seconds: float,
            site: Path | None) -> int:
    from .engine import utc_now
    from .fsutil import write_atomic
    from .reporters import REPORTERS, Run, summary_table
    from .store import RunInfo, record_run

    root = catalog.root
    code = exit_code_for(results, args.fail_on)
    run = Run(args.mode, _commit(root), started_at, utc_now(), seconds * 1000, results, args.fail_on, code)
    sys.stdout.write(summary_table(run))
    info = RunInfo(args.mode, started_at, run.commit)
    if not args.no_store:
        keep = {c.key for v in catalog.views(args.mode) for c in v.active_checks}
        record_run(root, info, [r for r in results if _recordable(r)], keep, catalog.project.history["keep"])
    for fmt in ("json", "junit"):
        if getattr(args, fmt):
            write_atomic(Path(getattr(args, fmt)), REPORTERS[fmt](run))
    if site is not None:
        _stamp(catalog, site, info, results, args.no_store)
    return code


def _recordable(result: Any) -> bool:
    """Checks that do not apply to the mode leave no result; a check skipped for its needs does."""
    return bool(result.state.value != "SKIPPED" or result.reason == "needs")


def _stamp(catalog: Any, site: Path, info: Any, results: list[Any], no_store: bool) -> None:
    from .badges import write_badges
    from .stamp import filtered_index, stamp_site

    index = filtered_index(catalog)
    if no_store:
        index.results[info.mode].update({r.key: r for r in results if _recordable(r)})
        index.runs[info.mode] = info
    changed = stamp_site(site, index, [info.mode])  # a run changes only its own mode's pages (and the home page)
    badges = write_badges(site, index, [info.mode])
    print(f"stamped {len(changed)} page(s) and {len(badges)} badge(s) in {site}")


def run_checks_main(argv: Sequence[str] | None = None) -> int:
    return _guard("run-checks", run_checks, argv)
