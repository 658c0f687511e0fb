#!/usr/bin/env python3
# Generated from runbooks/omnichat-security-breach.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/omnichat-security-breach.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Nagios plugin: the checks of runbook 'omnichat-security-breach' in mode 'hybrid'.

Usage: omnichat-security-breach.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]

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

SCRIPT = {'runbook': 'omnichat-security-breach',
 'mode': 'hybrid',
 'path': 'checks/hybrid/omnichat-security-breach.py',
 'source': 'runbooks/omnichat-security-breach.yaml'}
CHECKS = [{'id': 'log-present',
  'title': 'OmniChat application log exists',
  'source': 'runbooks/omnichat-security-breach.yaml:111',
  'file': {'path': '/var/log/omnichat/app.log', 'exists': True}},
 {'id': 'no-env-file',
  'title': 'No environment file is served over HTTP',
  'source': 'runbooks/omnichat-security-breach.yaml:117',
  'http': {'url': 'https://omnichat.ops.example.internal/.env', 'status': [403, 404]}},
 {'id': 'auth-failures',
  'title': 'No authentication failures in the OmniChat log',
  'needs': ['log-present'],
  'source': 'runbooks/omnichat-security-breach.yaml:122',
  'command': {'run': ['grep',
                      '-ciE',
                      'unauthori[sz]ed|forbidden|invalid (api )?key',
                      '/var/log/omnichat/app.log'],
              'exit_code': 1}},
 {'id': 'config-clean',
  'title': 'Configuration holds no plaintext secrets',
  'source': 'runbooks/omnichat-security-breach.yaml:129',
  'command': {'run': ['grep',
                      '-ciE',
                      '(password|secret|api_key|token)[[:space:]]*[:=]|://[^/:@]+:[^/@]+@',
                      '/etc/omnichat.yaml'],
              'exit_code': 1}},
 {'id': 'config-perms',
  'title': 'Configuration file is not world-writable',
  'source': 'runbooks/omnichat-security-breach.yaml:135',
  'command': {'run': ['stat', '-c', '%A', '/etc/omnichat.yaml'], 'stdout_regex': ['^.{8}-']}},
 {'id': 'health',
  'title': 'Health endpoint reports ok',
  'retries': {'count': 2, 'delay': 1.0},
  'source': 'runbooks/omnichat-security-breach.yaml:141',
  'http': {'url': 'https://omnichat.ops.example.internal/health',
           'status': [200],
           'headers': {'Content-Type': {'regex': '^application/json'}},
           'json': {'status': 'ok'}}},
 {'id': 'hsts',
  'title': 'HTTPS is enforced with HSTS (max-age of at least 4 months)',
  'needs': ['health'],
  'source': 'runbooks/omnichat-security-breach.yaml:149',
  'http': {'url': 'https://omnichat.ops.example.internal/health',
           'headers': {'Strict-Transport-Security': {'regex': 'max-age=\\d{8,}'}}}}]


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
