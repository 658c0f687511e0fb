#!/usr/bin/env python3
# Generated from runbooks/platform-health.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/platform-health.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'platform-health' in mode 'hybrid'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "platform-health"
MODE = "hybrid"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with database and cache up',
  'kind': 'http',
  'timeout': 5.0,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:102',
  'http': {'url': 'https://platform.ops.example.internal/health',
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
  'source': 'runbooks/platform-health.yaml:109',
  'http': {'url': 'https://platform.ops.example.internal/status',
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
  'source': 'runbooks/platform-health.yaml:115',
  'http': {'url': 'https://platform.ops.example.internal/metrics',
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
  'source': 'runbooks/platform-health.yaml:121',
  'http': {'url': 'https://platform.ops.example.internal/health',
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
  'title': 'p95 under 200 ms (from the metrics histogram)',
  'kind': 'command',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/platform-health.yaml:127',
  'command': {'run': ['sh',
                      '-c',
                      'curl -fsS https://platform.ops.example.internal/metrics | awk '
                      '\'/^http_request_duration_seconds_bucket.le="0.2"/ {b=$2} '
                      '/^http_request_duration_seconds_count/ {n=$2} END {if (!n) exit 2; printf '
                      '"within_200ms %.4f\\n", b/n; exit (b/n >= 0.95 ? 0 : 1)}\''],
              'exit_code': 0,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}},
 {'id': 'error-rate',
  'title': 'Error rate under 0.1 % (5xx share of requests)',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:141',
  'command': {'run': ['sh',
                      '-c',
                      'curl -fsS https://platform.ops.example.internal/metrics | awk '
                      '\'/^http_requests_total/ {t+=$2} /^http_requests_total.code="5/ {e+=$2} END '
                      '{if (!t) exit 2; printf "error_ratio %.5f\\n", e/t; exit (e/t < 0.001 ? 0 : '
                      "1)}'"],
              'exit_code': 0,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}},
 {'id': 'db-pool',
  'title': 'PostgreSQL pool usage under 80 %',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:153',
  'command': {'run': ['sh',
                      '-c',
                      'curl -fsS https://platform.ops.example.internal/metrics | awk '
                      "'/^platform_db_connections_in_use/ {u=$2} /^platform_db_connections_max/ "
                      '{m=$2} END {if (!m) exit 2; printf "pool_used %d/%d\\n", u, m; exit (u/m < '
                      "0.8 ? 0 : 1)}'"],
              'exit_code': 0,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}},
 {'id': 'postgres',
  'title': 'PostgreSQL accepts connections',
  'kind': 'tcp',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:165',
  'tcp': {'host': 'db.ops.example.internal', 'port': 5432, 'latency_ms': None}},
 {'id': 'redis',
  'title': 'Redis accepts connections',
  'kind': 'tcp',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-health.yaml:170',
  'tcp': {'host': 'cache.ops.example.internal', 'port': 6379, 'latency_ms': None}}]


def _main() -> int:
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, root)
    try:
        from generator.script import main
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
