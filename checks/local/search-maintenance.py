#!/usr/bin/env python3
# Generated from runbooks/search-maintenance.yaml (mode: local) by `runbooks build`.
# DO NOT EDIT: edit runbooks/search-maintenance.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'search-maintenance' in mode 'local'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "search-maintenance"
MODE = "local"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with all components up',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-maintenance.yaml:100',
  'http': {'url': 'http://127.0.0.1:18102/health',
           'status': [200],
           'json': {'status': 'ok',
                    'checks.api': 'up',
                    'checks.index': 'up',
                    'checks.query_cache': 'up'},
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
  'source': 'runbooks/search-maintenance.yaml:106',
  'http': {'url': 'http://127.0.0.1:18102/status',
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
 {'id': 'documents',
  'title': 'Index reports its document count',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-maintenance.yaml:112',
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
 {'id': 'log-present',
  'title': 'Search application log exists',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-maintenance.yaml:118',
  'file': {'path': '.demo/logs/search/app.log',
           'exists': True,
           'newest_age': None,
           'min_size': None}},
 {'id': 'log-errors',
  'title': 'No ERROR lines in the search log',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-maintenance.yaml:124',
  'command': {'run': ['grep', '-c', 'ERROR', '.demo/logs/search/app.log'],
              'exit_code': 1,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}},
 {'id': 'backup-fresh',
  'title': 'Newest search backup is under 26 h old',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-maintenance.yaml:130',
  'file': {'path': '.demo/backups/search/search-db-*.tar.gz',
           'exists': True,
           'newest_age': {'warn': 93600.0, 'crit': 172800.0},
           'min_size': None}},
 {'id': 'disk',
  'title': 'Data volume is under 80 % full',
  'kind': 'disk',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-maintenance.yaml:137',
  'disk': {'path': '.', 'used_percent': {'warn': 80.0, 'crit': 90.0}}}]


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
