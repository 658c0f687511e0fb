#!/usr/bin/env python3
# Generated from runbooks/platform-maintenance.yaml (mode: aws) by `runbooks build`.
# DO NOT EDIT: edit runbooks/platform-maintenance.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'platform-maintenance' in mode 'aws'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "platform-maintenance"
MODE = "aws"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-maintenance.yaml:113',
  'http': {'url': 'https://api.example.com/health',
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
  'tcp': {'host': 'ops-db.cluster-xyz.eu-west-1.rds.amazonaws.com',
          'port': 5432,
          'latency_ms': None}},
 {'id': 'certificate',
  'title': 'API TLS certificate is trusted and has more than 30 days left',
  'kind': 'tls',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-maintenance.yaml:161',
  'tls': {'host': 'api.example.com',
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
