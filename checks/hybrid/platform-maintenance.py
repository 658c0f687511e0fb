#!/usr/bin/env python3
# Generated from runbooks/platform-maintenance.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/platform-maintenance.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Nagios plugin: the checks of runbook 'platform-maintenance' in mode 'hybrid'.

Usage: platform-maintenance.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]

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

SCRIPT = {'runbook': 'platform-maintenance',
 'mode': 'hybrid',
 'path': 'checks/hybrid/platform-maintenance.py',
 'source': 'runbooks/platform-maintenance.yaml'}
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok',
  'source': 'runbooks/platform-maintenance.yaml:113',
  'http': {'url': 'https://platform.ops.example.internal/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.api': 'up', 'checks.postgres': 'up', 'checks.redis': 'up'}}},
 {'id': 'postgres',
  'title': 'PostgreSQL accepts connections',
  'source': 'runbooks/platform-maintenance.yaml:119',
  'tcp': {'host': 'db.ops.example.internal', 'port': 5432}},
 {'id': 'db-pool',
  'title': 'PostgreSQL pool usage under 80 %',
  'source': 'runbooks/platform-maintenance.yaml:124',
  'command': {'run': ['sh',
                      '-c',
                      'curl -fsS https://platform.ops.example.internal/metrics | awk '
                      "'/^platform_db_connections_in_use/ {u=$2} /^platform_db_connections_max/ {m=$2} END "
                      '{if (!m) exit 2; printf "pool_used %d/%d\\n", u, m; exit (u/m < 0.8 ? 0 : 1)}\''],
              'exit_code': 0}},
 {'id': 'log-present',
  'title': 'Platform application log exists',
  'source': 'runbooks/platform-maintenance.yaml:136',
  'file': {'path': '/var/log/platform/app.log', 'exists': True}},
 {'id': 'log-errors',
  'title': 'No ERROR lines in the platform log',
  'source': 'runbooks/platform-maintenance.yaml:142',
  'command': {'run': ['grep', '-c', 'ERROR', '/var/log/platform/app.log'], 'exit_code': 1}},
 {'id': 'backup-fresh',
  'title': 'Newest platform backup is under 26 h old',
  'source': 'runbooks/platform-maintenance.yaml:148',
  'file': {'path': '/srv/backups/platform/platform-db-*.tar.gz',
           'exists': True,
           'newest_age': {'warn': 93600.0, 'crit': 172800.0}}},
 {'id': 'disk',
  'title': 'Data volume is under 80 % full',
  'source': 'runbooks/platform-maintenance.yaml:155',
  'disk': {'path': '/srv', 'used_percent': {'warn': 80.0, 'crit': 90.0}}},
 {'id': 'certificate',
  'title': 'API TLS certificate is trusted and has more than 30 days left',
  'source': 'runbooks/platform-maintenance.yaml:161',
  'tls': {'host': 'platform.ops.example.internal', 'ca_file': '', 'days_left': {'warn': 30.0, 'crit': 7.0}}}]


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
