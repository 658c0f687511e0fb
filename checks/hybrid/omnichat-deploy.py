#!/usr/bin/env python3
# Generated from runbooks/omnichat-deploy.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/omnichat-deploy.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'omnichat-deploy' in mode 'hybrid'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "omnichat-deploy"
MODE = "hybrid"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with all components up',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-deploy.yaml:123',
  'http': {'url': 'https://omnichat.ops.example.internal/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.nlu': 'up', 'checks.channel_gateway': 'up'},
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
  'source': 'runbooks/omnichat-deploy.yaml:129',
  'http': {'url': 'https://omnichat.ops.example.internal/status',
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
 {'id': 'error-rate',
  'title': 'Error rate under 0.1 % (5xx share of requests)',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-deploy.yaml:136',
  'command': {'run': ['sh',
                      '-c',
                      'curl -fsS https://omnichat.ops.example.internal/metrics | awk '
                      '\'/^http_requests_total/ {t+=$2} /^http_requests_total.code="5/ {e+=$2} END '
                      '{if (!t) exit 2; printf "error_ratio %.5f\\n", e/t; exit (e/t < 0.001 ? 0 : '
                      "1)}'"],
              'exit_code': 0,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}},
 {'id': 'config',
  'title': 'OmniChat configuration file is present',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-deploy.yaml:148',
  'file': {'path': '/etc/omnichat.yaml', 'exists': True, 'newest_age': None, 'min_size': None}}]


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
