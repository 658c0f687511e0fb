#!/usr/bin/env python3
# Generated from runbooks/openframe-health.yaml (mode: local) by `runbooks build`.
# DO NOT EDIT: edit runbooks/openframe-health.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'openframe-health' in mode 'local'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "openframe-health"
MODE = "local"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with bus and processor up',
  'kind': 'http',
  'timeout': 5.0,
  'severity': 'critical',
  'source': 'runbooks/openframe-health.yaml:85',
  'http': {'url': 'http://127.0.0.1:18104/health',
           'status': [200],
           'json': {'status': 'ok',
                    'checks.api': 'up',
                    'checks.event_bus': 'up',
                    'checks.stream_processor': 'up'},
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
  'source': 'runbooks/openframe-health.yaml:92',
  'http': {'url': 'http://127.0.0.1:18104/status',
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
  'title': 'Metrics endpoint exports event and request counters',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-health.yaml:98',
  'http': {'url': 'http://127.0.0.1:18104/metrics',
           'status': [200],
           'body_regex': ['(?m)^openframe_events_processed_total \\d+', '(?m)^http_requests_total'],
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
  'title': 'Health answers within the 200 ms API target',
  'kind': 'http',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/openframe-health.yaml:104',
  'http': {'url': 'http://127.0.0.1:18104/health',
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
 {'id': 'avg-response',
  'title': 'Average API response under 200 ms (Prometheus, last 5 minutes)',
  'kind': 'prometheus',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/openframe-health.yaml:110',
  'prometheus': {'url': 'http://127.0.0.1:18090',
                 'query': 'sum by (service) '
                          '(rate(http_request_duration_seconds_sum{service="openframe"}[5m])) / '
                          'sum by (service) '
                          '(rate(http_request_duration_seconds_count{service="openframe"}[5m]))',
                 'value': {'warn': 0.2, 'crit': 0.5, 'when': 'above'},
                 'no_data': 'unknown',
                 'request_headers': {},
                 'verify': True}},
 {'id': 'error-rate',
  'title': 'Error rate under 0.1 % (5xx share of requests, last 5 minutes)',
  'kind': 'prometheus',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-health.yaml:117',
  'prometheus': {'url': 'http://127.0.0.1:18090',
                 'query': 'sum by (service) (rate(http_requests_total{service="openframe", '
                          'code=~"5.."}[5m])) / sum by (service) '
                          '(rate(http_requests_total{service="openframe"}[5m]))',
                 'value': {'warn': None, 'crit': 0.001, 'when': 'above'},
                 'no_data': 'unknown',
                 'request_headers': {},
                 'verify': True}},
 {'id': 'uptime',
  'title': 'Uptime at least 99.9 % over 30 days (Prometheus up)',
  'kind': 'prometheus',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-health.yaml:123',
  'prometheus': {'url': 'http://127.0.0.1:18090',
                 'query': 'avg by (service) (avg_over_time(up{service="openframe"}[30d]))',
                 'value': {'warn': 0.9995, 'crit': 0.999, 'when': 'below'},
                 'no_data': 'unknown',
                 'request_headers': {},
                 'verify': True}},
 {'id': 'database',
  'title': 'Database accepts connections',
  'kind': 'tcp',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-health.yaml:129',
  'tcp': {'host': '127.0.0.1', 'port': 18201, 'latency_ms': None}}]


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
