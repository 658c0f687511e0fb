#!/usr/bin/env python3
# Generated from runbooks/omnichat-health.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/omnichat-health.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'omnichat-health' in mode 'hybrid'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "omnichat-health"
MODE = "hybrid"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with all four components up',
  'kind': 'http',
  'timeout': 5.0,
  'severity': 'critical',
  'source': 'runbooks/omnichat-health.yaml:80',
  'http': {'url': 'https://omnichat.ops.example.internal/health',
           'status': [200],
           'json': {'status': 'ok',
                    'checks.api': 'up',
                    'checks.nlu': 'up',
                    'checks.session_store': 'up',
                    'checks.channel_gateway': 'up'},
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
  'source': 'runbooks/omnichat-health.yaml:87',
  'http': {'url': 'https://omnichat.ops.example.internal/status',
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
  'title': 'Metrics endpoint exports request and session metrics',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-health.yaml:93',
  'http': {'url': 'https://omnichat.ops.example.internal/metrics',
           'status': [200],
           'body_regex': ['(?m)^http_request_duration_seconds_count ',
                          '(?m)^omnichat_active_sessions '],
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
  'source': 'runbooks/omnichat-health.yaml:99',
  'http': {'url': 'https://omnichat.ops.example.internal/health',
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
  'title': 'p95 latency under 200 ms (Prometheus, last 5 minutes)',
  'kind': 'prometheus',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/omnichat-health.yaml:105',
  'prometheus': {'url': 'https://prometheus.ops.example.internal',
                 'query': 'histogram_quantile(0.95, sum by (service, le) '
                          '(rate(http_request_duration_seconds_bucket{service="omnichat"}[5m])))',
                 'value': {'warn': 0.2, 'crit': 0.5, 'when': 'above'},
                 'no_data': 'unknown',
                 'request_headers': {},
                 'verify': True}},
 {'id': 'error-rate',
  'title': 'Error rate under 0.1 % (5xx share of requests, last 5 minutes)',
  'kind': 'prometheus',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-health.yaml:112',
  'prometheus': {'url': 'https://prometheus.ops.example.internal',
                 'query': 'sum by (service) (rate(http_requests_total{service="omnichat", '
                          'code=~"5.."}[5m])) / sum by (service) '
                          '(rate(http_requests_total{service="omnichat"}[5m]))',
                 'value': {'warn': None, 'crit': 0.001, 'when': 'above'},
                 'no_data': 'unknown',
                 'request_headers': {},
                 'verify': True}},
 {'id': 'uptime',
  'title': 'Uptime at least 99.9 % over 30 days (Prometheus up)',
  'kind': 'prometheus',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-health.yaml:118',
  'prometheus': {'url': 'https://prometheus.ops.example.internal',
                 'query': 'avg by (service) (avg_over_time(up{service="omnichat"}[30d]))',
                 'value': {'warn': 0.9995, 'crit': 0.999, 'when': 'below'},
                 'no_data': 'unknown',
                 'request_headers': {},
                 'verify': True}},
 {'id': 'session-store',
  'title': 'Session store (cache) accepts connections',
  'kind': 'tcp',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-health.yaml:124',
  'tcp': {'host': 'cache.ops.example.internal', 'port': 6379, 'latency_ms': None}}]


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
