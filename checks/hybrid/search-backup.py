#!/usr/bin/env python3
# Generated from runbooks/search-backup.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/search-backup.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Nagios plugin: the checks of runbook 'search-backup' in mode 'hybrid'.

Usage: search-backup.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]

The first line is the worst state and a summary, with the perfdata of every
check (labels: check id, dot, measure); then one line per check, worst first.
Exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. -t bounds the whole
plugin (checks still running are CRITICAL); -v adds the evidence of checks
that are not OK.

It runs from any directory. Relative paths start at the project root, two
folders up; moved out of its project, it needs --root DIR or RUNBOOKS_ROOT.
The interpreter is python3 on PATH; when the runbooks package is not
importable there, RUNBOOKS_PYTHON names one that has it (else the project's
.venv/bin/python is tried). The checks below leave out keys at their default.
"""

import os
import sys

SCRIPT = {'runbook': 'search-backup',
 'mode': 'hybrid',
 'path': 'checks/hybrid/search-backup.py',
 'source': 'runbooks/search-backup.yaml'}
CHECKS = [{'id': 'backup-fresh',
  'title': 'Newest search backup exists and is under 26 h old',
  'source': 'runbooks/search-backup.yaml:87',
  'file': {'path': '/srv/backups/search/search-db-*.tar.gz',
           'exists': True,
           'newest_age': {'warn': 93600.0, 'crit': 172800.0}}},
 {'id': 'backup-size',
  'title': 'Newest search backup is at least 2 KB',
  'source': 'runbooks/search-backup.yaml:94',
  'file': {'path': '/srv/backups/search/search-db-*.tar.gz', 'min_size': 2000}},
 {'id': 'backup-readable',
  'title': 'Newest backup archive opens and names the search service',
  'source': 'runbooks/search-backup.yaml:100',
  'command': {'run': ['sh',
                      '-c',
                      'tar -xzOf "$(ls -t /srv/backups/search/search-db-*.tar.gz | head -n 1)" MANIFEST'],
              'exit_code': 0,
              'stdout_contains': ['system: search']}},
 {'id': 'health',
  'title': 'Health endpoint reports ok with the index up',
  'source': 'runbooks/search-backup.yaml:107',
  'http': {'url': 'https://search.ops.example.internal/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.index': 'up'}}},
 {'id': 'index',
  'title': 'Index is loaded and answers a query',
  'source': 'runbooks/search-backup.yaml:113',
  'http': {'url': 'https://search.ops.example.internal/search?q=latency',
           'status': [200],
           'body_contains': ['"total": 1']}}]


def _main():
    here = os.path.realpath(__file__)
    try:
        from generator.checkscripts.nagios import main
    except ImportError as exc:
        return _without_package(here, exc)
    return main(SCRIPT, CHECKS, here, sys.argv[1:])


def _without_package(here, exc):
    """Run again with RUNBOOKS_PYTHON, or the project's .venv, once; else one UNKNOWN line saying what to do."""
    root = os.environ.get("RUNBOOKS_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(here)))
    for python in (os.environ.get("RUNBOOKS_PYTHON"), os.path.join(root, ".venv", "bin", "python")):
        if python and os.access(python, os.X_OK) and not os.environ.get("RUNBOOKS_RERUN"):
            os.environ["RUNBOOKS_RERUN"] = python
            os.execv(python, [python, here] + sys.argv[1:])
    print("UNKNOWN - %s: cannot import the runbooks package with %s (%s); install it for that Python "
          "(pip install runbooks) or set RUNBOOKS_PYTHON to a Python that has it" % (SCRIPT["runbook"], sys.executable, exc))
    return 3


if __name__ == "__main__":
    sys.exit(_main())
