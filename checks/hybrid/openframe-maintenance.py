#!/usr/bin/env python3
# Generated from runbooks/openframe-maintenance.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/openframe-maintenance.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'openframe-maintenance' in mode 'hybrid'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "openframe-maintenance"
MODE = "hybrid"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with bus and processor up',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-maintenance.yaml:97',
  'http': {'url': 'https://openframe.ops.example.internal/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.event_bus': 'up', 'checks.stream_processor': 'up'},
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
  'source': 'runbooks/openframe-maintenance.yaml:103',
  'http': {'url': 'https://openframe.ops.example.internal/status',
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
 {'id': 'events',
  'title': 'Event counter is exported and non-zero',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-maintenance.yaml:109',
  'http': {'url': 'https://openframe.ops.example.internal/metrics',
           'status': [200],
           'body_regex': ['(?m)^openframe_events_processed_total [1-9]\\d*$'],
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
  'title': 'OpenFrame application log exists',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-maintenance.yaml:115',
  'file': {'path': '/var/log/openframe/app.log',
           'exists': True,
           'newest_age': None,
           'min_size': None}},
 {'id': 'log-errors',
  'title': 'No ERROR lines in the OpenFrame log',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-maintenance.yaml:121',
  'command': {'run': ['grep', '-c', 'ERROR', '/var/log/openframe/app.log'],
              'exit_code': 1,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}},
 {'id': 'backup-fresh',
  'title': 'Newest OpenFrame backup is under 26 h old',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-maintenance.yaml:127',
  'file': {'path': '/srv/backups/openframe/openframe-db-*.tar.gz',
           'exists': True,
           'newest_age': {'warn': 93600.0, 'crit': 172800.0},
           'min_size': None}},
 {'id': 'disk',
  'title': 'Data volume is under 80 % full',
  'kind': 'disk',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-maintenance.yaml:134',
  'disk': {'path': '/srv', 'used_percent': {'warn': 80.0, 'crit': 90.0}}},
 {'id': 'certificate',
  'title': 'Public TLS certificate is trusted and has more than 30 days left',
  'kind': 'tls',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-maintenance.yaml:140',
  'tls': {'host': 'openframe.ops.example.internal',
          'days_left': {'warn': 30.0, 'crit': 7.0},
          'port': 443,
          'servername': None,
          'ca_file': None}}]


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
