#!/usr/bin/env python3
# Generated from runbooks/platform-deploy.yaml (mode: local) by `runbooks build`.
# DO NOT EDIT: edit runbooks/platform-deploy.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'platform-deploy' in mode 'local'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "platform-deploy"
MODE = "local"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with PostgreSQL and Redis up',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-deploy.yaml:121',
  'http': {'url': 'http://127.0.0.1:18105/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.postgres': 'up', 'checks.redis': 'up'},
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
 {'id': 'steady',
  'title': 'Status is operational, one color live, no canary in flight',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-deploy.yaml:127',
  'http': {'url': 'http://127.0.0.1:18105/status',
           'status': [200],
           'json': {'status': 'operational', 'deployment.canary_percent': 0},
           'body_regex': ['"color": "(blue|green)"'],
           'method': 'GET',
           'request_headers': {},
           'headers': None,
           'body_contains': None,
           'latency_ms': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None}},
 {'id': 'color',
  'title': 'The live color is exported in the metrics',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-deploy.yaml:134',
  'http': {'url': 'http://127.0.0.1:18105/metrics',
           'status': [200],
           'body_regex': ['(?m)^platform_deployment_color\\{color="(blue|green)"\\} 1$'],
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
  'source': 'runbooks/platform-deploy.yaml:140',
  'http': {'url': 'http://127.0.0.1:18105/health',
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
 {'id': 'error-rate',
  'title': 'Error rate under 0.1 % (5xx share of requests)',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-deploy.yaml:146',
  'command': {'run': ['sh',
                      '-c',
                      "curl -fsS http://127.0.0.1:18105/metrics | awk '/^http_requests_total/ "
                      '{t+=$2} /^http_requests_total.code="5/ {e+=$2} END {if (!t) exit 2; printf '
                      '"error_ratio %.5f\\n", e/t; exit (e/t < 0.001 ? 0 : 1)}\''],
              'exit_code': 0,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}},
 {'id': 'strategy',
  'title': 'Configuration selects the blue-green strategy',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-deploy.yaml:158',
  'command': {'run': ['grep', '-E', '^\\s+strategy: blue-green', '.demo/config/platform.yaml'],
              'exit_code': 0,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}},
 {'id': 'migrations',
  'title': 'Migration list is present',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-deploy.yaml:164',
  'file': {'path': '.demo/data/platform/migrations.txt',
           'exists': True,
           'min_size': 1,
           'newest_age': None}}]


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
