#!/usr/bin/env python3
# Generated from runbooks/platform-backup.yaml (mode: local) by `runbooks build`.
# DO NOT EDIT: edit runbooks/platform-backup.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Nagios plugin: the checks of runbook 'platform-backup' in mode 'local'.

Usage: platform-backup.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]

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

SCRIPT = {'runbook': 'platform-backup',
 'mode': 'local',
 'path': 'checks/local/platform-backup.py',
 'source': 'runbooks/platform-backup.yaml'}
CHECKS = [{'id': 'backup-fresh',
  'title': 'Newest platform backup exists and is under 26 h old',
  'source': 'runbooks/platform-backup.yaml:93',
  'file': {'path': '.demo/backups/platform/platform-db-*.tar.gz',
           'exists': True,
           'newest_age': {'warn': 93600.0, 'crit': 172800.0}}},
 {'id': 'backup-size',
  'title': 'Newest platform backup is at least 2 KB',
  'source': 'runbooks/platform-backup.yaml:100',
  'file': {'path': '.demo/backups/platform/platform-db-*.tar.gz', 'min_size': 2000}},
 {'id': 'backup-readable',
  'title': 'Newest backup archive opens and names the platform',
  'source': 'runbooks/platform-backup.yaml:106',
  'command': {'run': ['sh',
                      '-c',
                      'tar -xzOf "$(ls -t .demo/backups/platform/platform-db-*.tar.gz | head -n 1)" '
                      'MANIFEST'],
              'exit_code': 0,
              'stdout_contains': ['system: platform']}},
 {'id': 'postgres',
  'title': 'PostgreSQL accepts connections',
  'source': 'runbooks/platform-backup.yaml:113',
  'tcp': {'host': '127.0.0.1', 'port': 18201}},
 {'id': 'health',
  'title': 'Health endpoint reports ok with PostgreSQL up',
  'source': 'runbooks/platform-backup.yaml:118',
  'http': {'url': 'http://127.0.0.1:18105/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.postgres': 'up'}}}]


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
