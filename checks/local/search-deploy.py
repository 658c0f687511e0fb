#!/usr/bin/env python3
# Generated from runbooks/search-deploy.yaml (mode: local) by `runbooks build`.
# DO NOT EDIT: edit runbooks/search-deploy.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'search-deploy' in mode 'local'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "search-deploy"
MODE = "local"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with the index up',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-deploy.yaml:117',
  'http': {'url': 'http://127.0.0.1:18102/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.index': 'up', 'checks.query_cache': 'up'},
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
  'source': 'runbooks/search-deploy.yaml:123',
  'http': {'url': 'http://127.0.0.1:18102/status',
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
 {'id': 'query',
  'title': 'A search query returns results',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-deploy.yaml:130',
  'http': {'url': 'http://127.0.0.1:18102/search?q=latency',
           'status': [200],
           'json': {'total': 1},
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
 {'id': 'documents',
  'title': 'Index reports its document count',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-deploy.yaml:136',
  'http': {'url': 'http://127.0.0.1:18102/metrics',
           'status': [200],
           'body_regex': ['(?m)^search_index_documents [1-9]\\d*$'],
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
 {'id': 'p95',
  'title': 'p95 search latency under 100 ms (from the metrics histogram)',
  'kind': 'command',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/search-deploy.yaml:142',
  'command': {'run': ['sh',
                      '-c',
                      'curl -fsS http://127.0.0.1:18102/metrics | awk '
                      '\'/^http_request_duration_seconds_bucket.le="0.1"/ {b=$2} '
                      '/^http_request_duration_seconds_count/ {n=$2} END {if (!n) exit 2; printf '
                      '"within_100ms %.4f\\n", b/n; exit (b/n >= 0.95 ? 0 : 1)}\''],
              'exit_code': 0,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}}]


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
