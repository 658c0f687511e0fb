#!/usr/bin/env python3
# Generated from runbooks/platform-maintenance.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/platform-maintenance.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'platform-maintenance' in mode 'hybrid'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "platform-maintenance"
MODE = "hybrid"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-maintenance.yaml:113',
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
 {'id': 'postgres',
  'title': 'PostgreSQL accepts connections',
  'kind': 'tcp',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-maintenance.yaml:119',
  'tcp': {'host': 'db.ops.example.internal', 'port': 5432, 'latency_ms': None}},
 {'id': 'db-pool',
  'title': 'PostgreSQL pool usage under 80 %',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-maintenance.yaml:124',
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
 {'id': 'log-present',
  'title': 'Platform application log exists',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-maintenance.yaml:136',
  'file': {'path': '/var/log/platform/app.log',
           'exists': True,
           'newest_age': None,
           'min_size': None}},
 {'id': 'log-errors',
  'title': 'No ERROR lines in the platform log',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-maintenance.yaml:142',
  'command': {'run': ['grep', '-c', 'ERROR', '/var/log/platform/app.log'],
              'exit_code': 1,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}},
 {'id': 'backup-fresh',
  'title': 'Newest platform backup is under 26 h old',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-maintenance.yaml:148',
  'file': {'path': '/srv/backups/platform/platform-db-*.tar.gz',
           'exists': True,
           'newest_age': {'warn': 93600.0, 'crit': 172800.0},
           'min_size': None}},
 {'id': 'disk',
  'title': 'Data volume is under 80 % full',
  'kind': 'disk',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-maintenance.yaml:155',
  'disk': {'path': '/srv', 'used_percent': {'warn': 80.0, 'crit': 90.0}}},
 {'id': 'certificate',
  'title': 'API TLS certificate is trusted and has more than 30 days left',
  'kind': 'tls',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-maintenance.yaml:161',
  'tls': {'host': 'platform.ops.example.internal',
          'port': 443,
          'ca_file': '',
          'days_left': {'warn': 30.0, 'crit': 7.0},
          'servername': None}}]


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
