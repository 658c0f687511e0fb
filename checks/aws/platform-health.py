#!/usr/bin/env python3
# Generated from runbooks/platform-health.yaml (mode: aws) by `runbooks build`.
# DO NOT EDIT: edit runbooks/platform-health.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Nagios plugin: the checks of runbook 'platform-health' in mode 'aws'.

Usage: platform-health.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]

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

SCRIPT = {'runbook': 'platform-health',
 'mode': 'aws',
 'path': 'checks/aws/platform-health.py',
 'source': 'runbooks/platform-health.yaml'}
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with database and cache up',
  'timeout': 5.0,
  'source': 'runbooks/platform-health.yaml:101',
  'http': {'url': 'https://api.example.com/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.api': 'up', 'checks.postgres': 'up', 'checks.redis': 'up'}}},
 {'id': 'status',
  'title': 'Status endpoint reports operational',
  'source': 'runbooks/platform-health.yaml:108',
  'http': {'url': 'https://api.example.com/status', 'status': [200], 'json': {'status': 'operational'}}},
 {'id': 'metrics',
  'title': 'Metrics endpoint exports request and pool metrics',
  'source': 'runbooks/platform-health.yaml:114',
  'http': {'url': 'https://api.example.com/metrics',
           'status': [200],
           'body_regex': ['(?m)^http_request_duration_seconds_bucket',
                          '(?m)^platform_db_connections_in_use ']}},
 {'id': 'latency',
  'title': 'Health answers within the 200 ms SLO',
  'severity': 'warning',
  'source': 'runbooks/platform-health.yaml:120',
  'http': {'url': 'https://api.example.com/health', 'latency_ms': {'warn': 200.0, 'crit': 1000.0}}},
 {'id': 'p95',
  'title': 'p95 response under 200 ms (Prometheus, last 5 minutes)',
  'severity': 'warning',
  'source': 'runbooks/platform-health.yaml:126',
  'prometheus': {'url': 'https://prometheus.example.com',
                 'query': 'histogram_quantile(0.95, sum by (service, le) '
                          '(rate(http_request_duration_seconds_bucket{service="platform"}[5m])))',
                 'value': {'warn': 0.2, 'crit': 0.5}}},
 {'id': 'error-rate',
  'title': 'Error rate under 0.1 % (5xx share of requests, last 5 minutes)',
  'source': 'runbooks/platform-health.yaml:133',
  'prometheus': {'url': 'https://prometheus.example.com',
                 'query': 'sum by (service) (rate(http_requests_total{service="platform", code=~"5.."}[5m])) '
                          '/ sum by (service) (rate(http_requests_total{service="platform"}[5m]))',
                 'value': {'crit': 0.001}}},
 {'id': 'uptime',
  'title': 'Availability at least 99.9 % over 30 days (Prometheus up)',
  'source': 'runbooks/platform-health.yaml:139',
  'prometheus': {'url': 'https://prometheus.example.com',
                 'query': 'avg by (service) (avg_over_time(up{service="platform"}[30d]))',
                 'value': {'warn': 0.9995, 'crit': 0.999, 'when': 'below'}}},
 {'id': 'db-pool',
  'title': 'PostgreSQL pool usage under 80 %',
  'source': 'runbooks/platform-health.yaml:145',
  'prometheus': {'url': 'https://prometheus.example.com',
                 'query': 'platform_db_connections_in_use{service="platform"} / '
                          'platform_db_connections_max{service="platform"}',
                 'value': {'warn': 0.7, 'crit': 0.8}}},
 {'id': 'postgres',
  'title': 'PostgreSQL accepts connections',
  'source': 'runbooks/platform-health.yaml:151',
  'tcp': {'host': 'ops-db.cluster-xyz.eu-west-1.rds.amazonaws.com', 'port': 5432}},
 {'id': 'redis',
  'title': 'Redis accepts connections',
  'source': 'runbooks/platform-health.yaml:156',
  'tcp': {'host': 'ops-cache.xyz.euw1.cache.amazonaws.com', 'port': 6379}}]


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
