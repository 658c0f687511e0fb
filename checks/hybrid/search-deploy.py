#!/usr/bin/env python3
# Generated from runbooks/search-deploy.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/search-deploy.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Nagios plugin: the checks of runbook 'search-deploy' in mode 'hybrid'.

Usage: search-deploy.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]

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

SCRIPT = {'runbook': 'search-deploy',
 'mode': 'hybrid',
 'path': 'checks/hybrid/search-deploy.py',
 'source': 'runbooks/search-deploy.yaml'}
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with the index up',
  'source': 'runbooks/search-deploy.yaml:117',
  'http': {'url': 'https://search.ops.example.internal/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.index': 'up', 'checks.query_cache': 'up'}}},
 {'id': 'steady',
  'title': 'Status is operational, one color live, no canary in flight',
  'source': 'runbooks/search-deploy.yaml:123',
  'http': {'url': 'https://search.ops.example.internal/status',
           'status': [200],
           'json': {'status': 'operational', 'deployment.canary_percent': 0},
           'body_regex': ['"color": "(blue|green)"']}},
 {'id': 'query',
  'title': 'A search query returns results',
  'source': 'runbooks/search-deploy.yaml:130',
  'http': {'url': 'https://search.ops.example.internal/search?q=latency',
           'status': [200],
           'json': {'total': 1}}},
 {'id': 'documents',
  'title': 'Index reports its document count',
  'source': 'runbooks/search-deploy.yaml:136',
  'http': {'url': 'https://search.ops.example.internal/metrics',
           'status': [200],
           'body_regex': ['(?m)^search_index_documents [1-9]\\d*$']}},
 {'id': 'p95',
  'title': 'p95 search latency under 100 ms (from the metrics histogram)',
  'severity': 'warning',
  'source': 'runbooks/search-deploy.yaml:142',
  'command': {'run': ['sh',
                      '-c',
                      'curl -fsS https://search.ops.example.internal/metrics | awk '
                      '\'/^http_request_duration_seconds_bucket.le="0.1"/ {b=$2} '
                      '/^http_request_duration_seconds_count/ {n=$2} END {if (!n) exit 2; printf '
                      '"within_100ms %.4f\\n", b/n; exit (b/n >= 0.95 ? 0 : 1)}\''],
              'exit_code': 0}}]


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
