#!/usr/bin/env python3
# Generated from runbooks/intentbot-health.yaml (mode: aws) by `runbooks build`.
# DO NOT EDIT: edit runbooks/intentbot-health.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'intentbot-health' in mode 'aws'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "intentbot-health"
MODE = "aws"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with the model up',
  'kind': 'http',
  'timeout': 5.0,
  'severity': 'critical',
  'source': 'runbooks/intentbot-health.yaml:97',
  'http': {'url': 'https://intentbot.example.com/health',
           'status': [200],
           'json': {'status': 'ok',
                    'checks.api': 'up',
                    'checks.model': 'up',
                    'checks.session_store': 'up'},
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
  'source': 'runbooks/intentbot-health.yaml:104',
  'http': {'url': 'https://intentbot.example.com/status',
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
 {'id': 'model',
  'title': 'Intent model is loaded',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-health.yaml:110',
  'http': {'url': 'https://intentbot.example.com/metrics',
           'status': [200],
           'body_regex': ['(?m)^intentbot_model_loaded 1$'],
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
 {'id': 'accuracy',
  'title': 'Model validation accuracy is at least 0.90',
  'kind': 'http',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/intentbot-health.yaml:116',
  'http': {'url': 'https://intentbot.example.com/metrics',
           'body_regex': ['(?m)^intentbot_model_accuracy (0\\.9\\d*|1(\\.0*)?)$'],
           'method': 'GET',
           'request_headers': {},
           'headers': None,
           'status': None,
           'body_contains': None,
           'json': None,
           'latency_ms': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None}},
 {'id': 'latency',
  'title': 'Health answers under the 500 ms scaling trigger',
  'kind': 'http',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/intentbot-health.yaml:122',
  'http': {'url': 'https://intentbot.example.com/health',
           'latency_ms': {'warn': 500.0, 'crit': 2000.0},
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
  'title': 'p95 response time under the 500 ms scaling trigger (Prometheus, last 5 minutes)',
  'kind': 'prometheus',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/intentbot-health.yaml:128',
  'prometheus': {'url': 'https://prometheus.example.com',
                 'query': 'histogram_quantile(0.95, sum by (service, le) '
                          '(rate(http_request_duration_seconds_bucket{service="intentbot"}[5m])))',
                 'value': {'warn': 0.5, 'crit': 2.0, 'when': 'above'},
                 'no_data': 'unknown',
                 'request_headers': {},
                 'verify': True}},
 {'id': 'error-rate',
  'title': 'Error rate under the 1 % trigger (5xx share of requests, last 5 minutes)',
  'kind': 'prometheus',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-health.yaml:135',
  'prometheus': {'url': 'https://prometheus.example.com',
                 'query': 'sum by (service) (rate(http_requests_total{service="intentbot", '
                          'code=~"5.."}[5m])) / sum by (service) '
                          '(rate(http_requests_total{service="intentbot"}[5m]))',
                 'value': {'warn': None, 'crit': 0.01, 'when': 'above'},
                 'no_data': 'unknown',
                 'request_headers': {},
                 'verify': True}}]


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
