#!/usr/bin/env python3
# Generated from runbooks/omnichat-maintenance.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/omnichat-maintenance.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Nagios plugin: the checks of runbook 'omnichat-maintenance' in mode 'hybrid'.

Usage: omnichat-maintenance.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]

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

SCRIPT = {'runbook': 'omnichat-maintenance',
 'mode': 'hybrid',
 'path': 'checks/hybrid/omnichat-maintenance.py',
 'source': 'runbooks/omnichat-maintenance.yaml'}
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with all components up',
  'source': 'runbooks/omnichat-maintenance.yaml:95',
  'http': {'url': 'https://omnichat.ops.example.internal/health',
           'status': [200],
           'json': {'status': 'ok',
                    'checks.api': 'up',
                    'checks.nlu': 'up',
                    'checks.session_store': 'up',
                    'checks.channel_gateway': 'up'}}},
 {'id': 'metrics',
  'title': 'Metrics endpoint exports session metrics',
  'source': 'runbooks/omnichat-maintenance.yaml:101',
  'http': {'url': 'https://omnichat.ops.example.internal/metrics',
           'status': [200],
           'body_regex': ['(?m)^omnichat_active_sessions ']}},
 {'id': 'log-present',
  'title': 'OmniChat application log exists',
  'source': 'runbooks/omnichat-maintenance.yaml:107',
  'file': {'path': '/var/log/omnichat/app.log', 'exists': True}},
 {'id': 'log-errors',
  'title': 'No ERROR lines in the OmniChat log',
  'source': 'runbooks/omnichat-maintenance.yaml:113',
  'command': {'run': ['grep', '-c', 'ERROR', '/var/log/omnichat/app.log'], 'exit_code': 1}},
 {'id': 'backup-fresh',
  'title': 'Newest OmniChat backup is under 26 h old',
  'source': 'runbooks/omnichat-maintenance.yaml:119',
  'file': {'path': '/srv/backups/omnichat/omnichat-db-*.tar.gz',
           'exists': True,
           'newest_age': {'warn': 93600.0, 'crit': 172800.0}}},
 {'id': 'disk',
  'title': 'Data volume is under 80 % full',
  'source': 'runbooks/omnichat-maintenance.yaml:126',
  'disk': {'path': '/srv', 'used_percent': {'warn': 80.0, 'crit': 90.0}}},
 {'id': 'certificate',
  'title': 'Public TLS certificate is trusted and has more than 30 days left',
  'source': 'runbooks/omnichat-maintenance.yaml:132',
  'tls': {'host': 'omnichat.ops.example.internal', 'days_left': {'warn': 30.0, 'crit': 7.0}}}]


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
