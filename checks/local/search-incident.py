#!/usr/bin/env python3
# Generated from runbooks/search-incident.yaml (mode: local) by `runbooks build`.
# DO NOT EDIT: edit runbooks/search-incident.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Nagios plugin: the checks of runbook 'search-incident' in mode 'local'.

Usage: search-incident.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]

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

SCRIPT = {'runbook': 'search-incident',
 'mode': 'local',
 'path': 'checks/local/search-incident.py',
 'source': 'runbooks/search-incident.yaml'}
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok',
  'source': 'runbooks/search-incident.yaml:115',
  'http': {'url': 'http://127.0.0.1:18102/health', 'status': [200], 'json': {'status': 'ok'}}},
 {'id': 'status',
  'title': 'Status endpoint reports operational',
  'source': 'runbooks/search-incident.yaml:121',
  'http': {'url': 'http://127.0.0.1:18102/status',
           'status': [200],
           'json': {'status': 'operational', 'components.index': 'up', 'components.query_cache': 'up'}}},
 {'id': 'query',
  'title': 'A search query returns results',
  'source': 'runbooks/search-incident.yaml:127',
  'http': {'url': 'http://127.0.0.1:18102/search?q=latency', 'status': [200], 'json': {'total': 1}}},
 {'id': 'recent-errors',
  'title': 'No ERROR lines in the search log',
  'source': 'runbooks/search-incident.yaml:133',
  'command': {'run': ['grep', '-c', 'ERROR', '.demo/logs/search/app.log'], 'exit_code': 1}}]


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
