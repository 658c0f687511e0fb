#!/usr/bin/env python3
# Generated from runbooks/platform-health.yaml (mode: aws) by `runbooks build`.
# DO NOT EDIT: edit runbooks/platform-health.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'platform-health' in mode 'aws'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "platform-health"
MODE = "aws"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with database and cache up',
  'kind': 'http',
  'timeout': 5.0,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:101',
  'http': {'url': 'https://api.example.com/health',
           'status': [200],
           'json': {'status': 'ok',
                    'checks.api': 'up',
                    'checks.postgres': 'up',
                    'checks.redis': 'up'},
           'method': 'GET',
           'request_headers': {},
           'headers': None,
           'body_contains': None,
           'body_regex': None,
           'latency_ms': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None}},
 {'id': 'status',
  'title': 'Status endpoint reports operational',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:108',
  'http': {'url': 'https://api.example.com/status',
           'status': [200],
           'json': {'status': 'operational'},
           'method': 'GET',
           'request_headers': {},
           'headers': None,
           'body_contains': None,
           'body_regex': None,
           'latency_ms': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None}},
 {'id': 'metrics',
  'title': 'Metrics endpoint exports request and pool metrics',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:114',
  'http': {'url': 'https://api.example.com/metrics',
           'status': [200],
           'body_regex': ['(?m)^http_request_duration_seconds_bucket',
                          '(?m)^platform_db_connections_in_use '],
           'method': 'GET',
           'request_headers': {},
           'headers': None,
           'body_contains': None,
           'json': None,
           'latency_ms': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None}},
 {'id': 'latency',
  'title': 'Health answers within the 200 ms SLO',
  'kind': 'http',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/platform-health.yaml:120',
  'http': {'url': 'https://api.example.com/health',
           'latency_ms': {'warn': 200.0, 'crit': 1000.0},
           'method': 'GET',
           'request_headers': {},
           'headers': None,
           'status': None,
           'body_contains': None,
           'body_regex': None,
           'json': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None}},
 {'id': 'p95',
  'title': 'p95 response under 200 ms (Prometheus, last 5 minutes)',
  'kind': 'prometheus',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/platform-health.yaml:126',
  'prometheus': {'url': 'https://prometheus.example.com',
                 'query': 'histogram_quantile(0.95, sum by (service, le) '
                          '(rate(http_request_duration_seconds_bucket{service="platform"}[5m])))',
                 'value': {'warn': 0.2, 'crit': 0.5, 'when': 'above'},
                 'no_data': 'unknown',
                 'request_headers': {},
                 'verify': True}},
 {'id': 'error-rate',
  'title': 'Error rate under 0.1 % (5xx share of requests, last 5 minutes)',
  'kind': 'prometheus',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:133',
  'prometheus': {'url': 'https://prometheus.example.com',
                 'query': 'sum by (service) (rate(http_requests_total{service="platform", '
                          'code=~"5.."}[5m])) / sum by (service) '
                          '(rate(http_requests_total{service="platform"}[5m]))',
                 'value': {'warn': None, 'crit': 0.001, 'when': 'above'},
                 'no_data': 'unknown',
                 'request_headers': {},
                 'verify': True}},
 {'id': 'uptime',
  'title': 'Availability at least 99.9 % over 30 days (Prometheus up)',
  'kind': 'prometheus',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:139',
  'prometheus': {'url': 'https://prometheus.example.com',
                 'query': 'avg by (service) (avg_over_time(up{service="platform"}[30d]))',
                 'value': {'warn': 0.9995, 'crit': 0.999, 'when': 'below'},
                 'no_data': 'unknown',
                 'request_headers': {},
                 'verify': True}},
 {'id': 'db-pool',
  'title': 'PostgreSQL pool usage under 80 %',
  'kind': 'prometheus',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:145',
  'prometheus': {'url': 'https://prometheus.example.com',
                 'query': 'platform_db_connections_in_use{service="platform"} / '
                          'platform_db_connections_max{service="platform"}',
                 'value': {'warn': 0.7, 'crit': 0.8, 'when': 'above'},
                 'no_data': 'unknown',
                 'request_headers': {},
                 'verify': True}},
 {'id': 'postgres',
  'title': 'PostgreSQL accepts connections',
  'kind': 'tcp',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:151',
  'tcp': {'host': 'ops-db.cluster-xyz.eu-west-1.rds.amazonaws.com',
          'port': 5432,
          'latency_ms': None}},
 {'id': 'redis',
  'title': 'Redis accepts connections',
  'kind': 'tcp',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:156',
  'tcp': {'host': 'ops-cache.xyz.euw1.cache.amazonaws.com', 'port': 6379, 'latency_ms': None}}]


def _main() -> int:
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # relative paths start here
    try:
        from generator.checkscripts.nagios import main
    except ImportError as exc:
        venv = os.path.join(root, ".venv")
        python = os.path.join(venv, "bin", "python")
        if os.path.exists(python) and os.path.realpath(sys.prefix) != os.path.realpath(venv):
            os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])
        print(f"UNKNOWN - cannot load the runbooks package ({exc}); run `make demo` or `pip install -e .`")
        return 3
    return main(RUNBOOK, MODE, CHECKS, root, sys.argv[1:])


if __name__ == "__main__":
    sys.exit(_main())
