#!/usr/bin/env python3
# Generated from runbooks/openframe-maintenance.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/openframe-maintenance.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Nagios plugin: the checks of runbook 'openframe-maintenance' in mode 'hybrid'.

Usage: openframe-maintenance.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]

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

SCRIPT = {'runbook': 'openframe-maintenance',
 'mode': 'hybrid',
 'path': 'checks/hybrid/openframe-maintenance.py',
 'source': 'runbooks/openframe-maintenance.yaml'}
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with bus and processor up',
  'source': 'runbooks/openframe-maintenance.yaml:97',
  'http': {'url': 'https://openframe.ops.example.internal/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.event_bus': 'up', 'checks.stream_processor': 'up'}}},
 {'id': 'status',
  'title': 'Status endpoint reports operational',
  'source': 'runbooks/openframe-maintenance.yaml:103',
  'http': {'url': 'https://openframe.ops.example.internal/status',
           'status': [200],
           'json': {'status': 'operational'}}},
 {'id': 'events',
  'title': 'Event counter is exported and non-zero',
  'source': 'runbooks/openframe-maintenance.yaml:109',
  'http': {'url': 'https://openframe.ops.example.internal/metrics',
           'status': [200],
           'body_regex': ['(?m)^openframe_events_processed_total [1-9]\\d*$']}},
 {'id': 'log-present',
  'title': 'OpenFrame application log exists',
  'source': 'runbooks/openframe-maintenance.yaml:115',
  'file': {'path': '/var/log/openframe/app.log', 'exists': True}},
 {'id': 'log-errors',
  'title': 'No ERROR lines in the OpenFrame log',
  'source': 'runbooks/openframe-maintenance.yaml:121',
  'command': {'run': ['grep', '-c', 'ERROR', '/var/log/openframe/app.log'], 'exit_code': 1}},
 {'id': 'backup-fresh',
  'title': 'Newest OpenFrame backup is under 26 h old',
  'source': 'runbooks/openframe-maintenance.yaml:127',
  'file': {'path': '/srv/backups/openframe/openframe-db-*.tar.gz',
           'exists': True,
           'newest_age': {'warn': 93600.0, 'crit': 172800.0}}},
 {'id': 'disk',
  'title': 'Data volume is under 80 % full',
  'source': 'runbooks/openframe-maintenance.yaml:134',
  'disk': {'path': '/srv', 'used_percent': {'warn': 80.0, 'crit': 90.0}}},
 {'id': 'certificate',
  'title': 'Public TLS certificate is trusted and has more than 30 days left',
  'source': 'runbooks/openframe-maintenance.yaml:140',
  'tls': {'host': 'openframe.ops.example.internal', 'days_left': {'warn': 30.0, 'crit': 7.0}}}]


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
