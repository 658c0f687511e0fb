#!/usr/bin/env python3
# Generated from runbooks/openframe-health.yaml (mode: local) by `runbooks build`.
# DO NOT EDIT: edit runbooks/openframe-health.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Nagios plugin: the checks of runbook 'openframe-health' in mode 'local'.

Usage: openframe-health.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]

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

SCRIPT = {'runbook': 'openframe-health',
 'mode': 'local',
 'path': 'checks/local/openframe-health.py',
 'source': 'runbooks/openframe-health.yaml'}
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with bus and processor up',
  'timeout': 5.0,
  'source': 'runbooks/openframe-health.yaml:85',
  'http': {'url': 'http://127.0.0.1:18104/health',
           'status': [200],
           'json': {'status': 'ok',
                    'checks.api': 'up',
                    'checks.event_bus': 'up',
                    'checks.stream_processor': 'up'}}},
 {'id': 'status',
  'title': 'Status endpoint reports operational',
  'source': 'runbooks/openframe-health.yaml:92',
  'http': {'url': 'http://127.0.0.1:18104/status', 'status': [200], 'json': {'status': 'operational'}}},
 {'id': 'metrics',
  'title': 'Metrics endpoint exports event and request counters',
  'source': 'runbooks/openframe-health.yaml:98',
  'http': {'url': 'http://127.0.0.1:18104/metrics',
           'status': [200],
           'body_regex': ['(?m)^openframe_events_processed_total \\d+', '(?m)^http_requests_total']}},
 {'id': 'latency',
  'title': 'Health answers within the 200 ms API target',
  'severity': 'warning',
  'source': 'runbooks/openframe-health.yaml:104',
  'http': {'url': 'http://127.0.0.1:18104/health', 'latency_ms': {'warn': 200.0, 'crit': 1000.0}}},
 {'id': 'avg-response',
  'title': 'Average API response under 200 ms (Prometheus, last 5 minutes)',
  'severity': 'warning',
  'source': 'runbooks/openframe-health.yaml:110',
  'prometheus': {'url': 'http://127.0.0.1:18090',
                 'query': 'sum by (service) '
                          '(rate(http_request_duration_seconds_sum{service="openframe"}[5m])) / sum by '
                          '(service) (rate(http_request_duration_seconds_count{service="openframe"}[5m]))',
                 'value': {'warn': 0.2, 'crit': 0.5}}},
 {'id': 'error-rate',
  'title': 'Error rate under 0.1 % (5xx share of requests, last 5 minutes)',
  'source': 'runbooks/openframe-health.yaml:117',
  'prometheus': {'url': 'http://127.0.0.1:18090',
                 'query': 'sum by (service) (rate(http_requests_total{service="openframe", '
                          'code=~"5.."}[5m])) / sum by (service) '
                          '(rate(http_requests_total{service="openframe"}[5m]))',
                 'value': {'crit': 0.001}}},
 {'id': 'uptime',
  'title': 'Uptime at least 99.9 % over 30 days (Prometheus up)',
  'source': 'runbooks/openframe-health.yaml:123',
  'prometheus': {'url': 'http://127.0.0.1:18090',
                 'query': 'avg by (service) (avg_over_time(up{service="openframe"}[30d]))',
                 'value': {'warn': 0.9995, 'crit': 0.999, 'when': 'below'}}},
 {'id': 'database',
  'title': 'Database accepts connections',
  'source': 'runbooks/openframe-health.yaml:129',
  'tcp': {'host': '127.0.0.1', 'port': 18201}}]


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
