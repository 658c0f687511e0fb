#!/usr/bin/env python3
# Generated from runbooks/omnichat-backup.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/omnichat-backup.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'omnichat-backup' in mode 'hybrid'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "omnichat-backup"
MODE = "hybrid"
CHECKS = [{'id': 'backup-fresh',
  'title': 'Newest OmniChat backup exists and is under 26 h old',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-backup.yaml:88',
  'file': {'path': '/srv/backups/omnichat/omnichat-db-*.tar.gz',
           'exists': True,
           'newest_age': {'warn': 93600.0, 'crit': 172800.0},
           'min_size': None}},
 {'id': 'backup-size',
  'title': 'Newest OmniChat backup is at least 2 KB',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-backup.yaml:95',
  'file': {'path': '/srv/backups/omnichat/omnichat-db-*.tar.gz',
           'min_size': 2000,
           'exists': None,
           'newest_age': None}},
 {'id': 'backup-readable',
  'title': 'Newest backup archive opens and names OmniChat',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-backup.yaml:101',
  'command': {'run': ['sh',
                      '-c',
                      'tar -xzOf "$(ls -t /srv/backups/omnichat/omnichat-db-*.tar.gz | head -n 1)" '
                      'MANIFEST'],
              'exit_code': 0,
              'stdout_contains': ['system: omnichat'],
              'shell': False,
              'stdout_regex': None}},
 {'id': 'database',
  'title': 'Database accepts connections',
  'kind': 'tcp',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-backup.yaml:108',
  'tcp': {'host': 'db.ops.example.internal', 'port': 5432, 'latency_ms': None}},
 {'id': 'health',
  'title': 'Health endpoint reports ok',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-backup.yaml:113',
  'http': {'url': 'https://omnichat.ops.example.internal/health',
           'status': [200],
           'json': {'status': 'ok'},
           'method': 'GET',
           'request_headers': {},
           'headers': None,
           'body_contains': None,
           'body_regex': None,
           'latency_ms': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None}}]


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
