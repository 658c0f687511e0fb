"""What a generated check script runs: a Nagios plugin over the run pipeline.

After the Nagios Plugin Development Guidelines and the monitoring-plugins'
own behaviour:

- the first line is the runbook's worst state and a summary, with the
  perfdata of every check after ``|``; then one line per check, worst first
  (the long output)::

      CRITICAL - search-health: 1 critical, 7 ok: sessions-fresh: newest backup 74h old | health.latency=12ms;100;500
      CRITICAL - sessions-fresh: newest backup 74h old
      OK - health: HTTP 200 in 12 ms

- perfdata labels are unique: the check id, a dot, the kind's label;
- the exit code is the worst state's: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN;
- ``-h/--help``, ``-V/--version``, ``-t/--timeout SECONDS`` and ``-v``;
  help, version and bad usage exit 3 (UNKNOWN), as monitoring-plugins' do;
- ``-t`` bounds the whole script: checks still running then are CRITICAL,
  reason ``timeout`` (monitoring-plugins' default timeout state);
- relative paths start at the project root the script was generated in
  (``checks/<mode>/<runbook>.py`` below it). A script that is not there (moved
  to a plugins directory) needs ``--root DIR`` or ``$RUNBOOKS_ROOT``; without
  either it probes nothing and says so.
"""

from __future__ import annotations

import argparse
import os
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Mapping, NoReturn, Sequence

from generator import __version__
from generator.errors import ConfigError
from generator.format.checks import check_spec
from generator.run.engine import RunOptions
from generator.run.pipeline import RunRequest, run
from generator.run.results import Result, State, counts, worst

__all__ = ["DEFAULT_TIMEOUT", "ROOT_VARIABLE", "main", "plugin_output", "find_root", "NotInProject"]

DEFAULT_TIMEOUT = 50.0  # under Nagios' service_check_timeout (60 s), so the plugin reports its own timeout
ROOT_VARIABLE = "RUNBOOKS_ROOT"

# A script falls back to the project's .venv on ImportError: say so now when a dependency is missing.
if find_spec("aiohttp") is None:
    raise ImportError("No module named 'aiohttp'")


class NotInProject(Exception):
    """The script is not at its place in a project, and no root was given."""


class _Parser(argparse.ArgumentParser):
    """Bad usage is UNKNOWN (3) with the usage, as monitoring-plugins' plugins do; so are help and version."""

    def error(self, message: str) -> NoReturn:
        self.print_usage()
        self.exit(State.UNKNOWN.exit_code, f"{self.prog}: {message}\n")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        super().exit(State.UNKNOWN.exit_code if status in (0, 2) else status, message)


def _parser(script: Mapping[str, str]) -> argparse.ArgumentParser:
    parser = _Parser(prog=Path(script["path"]).name, description=(
        f"Nagios plugin: the checks of runbook '{script['runbook']}' in mode '{script['mode']}' "
        f"(generated from {script['source']}). The first line is the worst state and a summary, with "
        "perfdata; then one line per check. Exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."),
        epilog=f"Relative paths start at the project root: two folders above this script in its project, else "
               f"--root or ${ROOT_VARIABLE}. The interpreter is python3 on PATH; when the runbooks package is "
               f"not importable there, $RUNBOOKS_PYTHON or the project's .venv/bin/python.")
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s (runbooks {__version__})")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="show the evidence of checks that are not OK (-vv: also each check's target)")
    parser.add_argument("-t", "--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"limit for the whole plugin; checks still running are CRITICAL (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--root", metavar="DIR", help=f"the project root relative paths start at (or ${ROOT_VARIABLE})")
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return value


def find_root(script: Mapping[str, str], path: str, given: str | None) -> Path:
    """Where relative paths start: ``given`` (--root, $RUNBOOKS_ROOT), else the project the script sits in."""
    if given:
        root = Path(given)
        if not root.is_dir():
            raise NotInProject(f"project root {given} is not a directory")
        return root.resolve()
    here = Path(path)
    root = here.parents[2]
    placed = root / script["path"]
    if placed.is_file() and placed.samefile(here) and (root / script["source"]).is_file():
        return root
    raise NotInProject(f"this script is not in its project (as {script['path']}, beside {script['source']}); "
                       f"give --root DIR or set {ROOT_VARIABLE} to the project root its relative paths start at")


def main(script: Mapping[str, str], checks: Sequence[Mapping[str, Any]], path: str, argv: Sequence[str] = ()) -> int:
    args = _parser(script).parse_args(argv)
    try:
        root = find_root(script, path, args.root or os.environ.get(ROOT_VARIABLE))
    except NotInProject as exc:
        print(f"UNKNOWN - {script['runbook']}: {exc}")
        return State.UNKNOWN.exit_code
    try:
        specs = [check_spec(script["runbook"], check, script["path"]) for check in checks]
    except ConfigError as exc:
        print(f"UNKNOWN - {script['runbook']}: the script's checks are not valid ({exc.diagnostics[0]}); "
              f"regenerate it with `runbooks build`")
        return State.UNKNOWN.exit_code
    # A script runs a few checks once, cold: http.client in threads starts far sooner than aiohttp (stdhttp.py).
    options = RunOptions(10, None, args.timeout, http_client="stdlib")
    report = run(RunRequest(root, script["mode"], checks=specs, options=options, record=False, commit=""))
    print(plugin_output(script["runbook"], report.run.results, args.verbose), end="")
    return worst(r.state for r in report.run.results).exit_code if report.run.results else State.UNKNOWN.exit_code


def plugin_output(runbook: str, results: Sequence[Result], verbose: int = 0) -> str:
    """The first line (worst state, summary, all perfdata), then one line per check, worst first."""
    if not results:
        return f"UNKNOWN - {runbook}: no checks\n"
    ordered = sorted(results, key=lambda r: -r.state.rank)
    state = ordered[0].state
    perfdata = " ".join(_label(r.check, p) for r in results for p in r.perfdata)
    first = f"{state.value} - {runbook}: {_counts(results)}{_worst_text(ordered)}"
    lines = [f"{first} | {perfdata}" if perfdata else first]
    for result in ordered:
        lines.append(f"{result.state.value} - {result.check}: {_one_line(result.summary)}"
                     + (f" ({result.note})" if result.note else ""))
        if verbose >= 2 and result.target:
            lines.append(f"  target: {result.target}")
        if verbose and result.state not in (State.OK, State.SKIPPED) and result.evidence:
            lines.append("  " + result.evidence.replace("|", "¦").replace("\n", "\n  "))
    return "\n".join(lines) + "\n"


def _counts(results: Sequence[Result]) -> str:
    order = (State.CRITICAL, State.UNKNOWN, State.WARNING, State.OK, State.SKIPPED)
    found = counts(list(results))
    return ", ".join(f"{n} {s.value.lower()}" for s in order if (n := found[s.value]))


def _worst_text(ordered: Sequence[Result]) -> str:
    """``: id: summary`` of the first check at the worst state, when it is not OK; the long output has the rest."""
    state = ordered[0].state
    if state in (State.OK, State.SKIPPED):
        return ""
    others = sum(1 for r in ordered[1:] if r.state is state)
    return f": {ordered[0].check}: {_one_line(ordered[0].summary)}" + (f" (and {others} more)" if others else "")


def _one_line(text: str) -> str:
    """Plugin text: one line, and no ``|`` (Nagios would read what follows as perfdata)."""
    return " ".join(text.split()).replace("|", "¦")


def _label(check: str, perfdata: str) -> str:
    """``latency=12ms;100;500`` of check ``health`` → ``health.latency=12ms;100;500`` (quoted when it must be)."""
    label, _, rest = perfdata.partition("=")
    unique = f"{check}.{label.strip(chr(39))}"
    if any(c in unique for c in " ='"):
        unique = "'" + unique.replace("'", "''") + "'"
    return f"{unique}={rest}"
