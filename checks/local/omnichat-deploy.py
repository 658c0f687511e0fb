#!/usr/bin/env python3
# Generated from runbooks/omnichat-deploy.yaml (mode: local) by `runbooks build`.
# DO NOT EDIT: edit runbooks/omnichat-deploy.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Nagios plugin: the checks of runbook 'omnichat-deploy' in mode 'local'.

Usage: omnichat-deploy.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]

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

SCRIPT = {'runbook': 'omnichat-deploy',
 'mode': 'local',
 'path': 'checks/local/omnichat-deploy.py',
 'source': 'runbooks/omnichat-deploy.yaml'}
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with all components up',
  'source': 'runbooks/omnichat-deploy.yaml:123',
  'http': {'url': 'http://127.0.0.1:18101/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.nlu': 'up', 'checks.channel_gateway': 'up'}}},
 {'id': 'steady',
  'title': 'Status is operational, one color live, no canary in flight',
  'source': 'runbooks/omnichat-deploy.yaml:129',
  'http': {'url': 'http://127.0.0.1:18101/status',
           'status': [200],
           'json': {'status': 'operational', 'deployment.canary_percent': 0},
           'body_regex': ['"color": "(blue|green)"']}},
 {'id': 'error-rate',
  'title': 'Error rate under 0.1 % (5xx share of requests)',
  'source': 'runbooks/omnichat-deploy.yaml:136',
  'command': {'run': ['sh',
                      '-c',
                      "curl -fsS http://127.0.0.1:18101/metrics | awk '/^http_requests_total/ {t+=$2} "
                      '/^http_requests_total.code="5/ {e+=$2} END {if (!t) exit 2; printf "error_ratio '
                      '%.5f\\n", e/t; exit (e/t < 0.001 ? 0 : 1)}\''],
              'exit_code': 0}},
 {'id': 'config',
  'title': 'OmniChat configuration file is present',
  'source': 'runbooks/omnichat-deploy.yaml:148',
  'file': {'path': '.demo/config/omnichat.yaml', 'exists': True}}]


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
