#!/usr/bin/env python3
# Generated from runbooks/intentbot-maintenance.yaml (mode: local) by `runbooks build`.
# DO NOT EDIT: edit runbooks/intentbot-maintenance.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'intentbot-maintenance' in mode 'local'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "intentbot-maintenance"
MODE = "local"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-maintenance.yaml:94',
  'http': {'url': 'http://127.0.0.1:18103/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.model': 'up', 'checks.session_store': 'up'},
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
  'source': 'runbooks/intentbot-maintenance.yaml:100',
  'http': {'url': 'http://127.0.0.1:18103/metrics',
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
 {'id': 'log-present',
  'title': 'Intent bot application log exists',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-maintenance.yaml:106',
  'file': {'path': '.demo/logs/intentbot/app.log',
           'exists': True,
           'newest_age': None,
           'min_size': None}},
 {'id': 'log-errors',
  'title': 'No ERROR lines in the intent bot log',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-maintenance.yaml:112',
  'command': {'run': ['grep', '-c', 'ERROR', '.demo/logs/intentbot/app.log'],
              'exit_code': 1,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}},
 {'id': 'model-backup',
  'title': 'Newest model backup exists and is under 26 h old',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-maintenance.yaml:118',
  'file': {'path': '.demo/backups/intentbot/model-*.tar.gz',
           'exists': True,
           'newest_age': {'warn': 93600.0, 'crit': 172800.0},
           'min_size': None}},
 {'id': 'data-present',
  'title': 'Intent definitions and model manifest are present',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-maintenance.yaml:125',
  'file': {'path': '.demo/data/intentbot/*.json',
           'exists': True,
           'newest_age': None,
           'min_size': None}},
 {'id': 'disk',
  'title': 'Data volume is under 80 % full',
  'kind': 'disk',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-maintenance.yaml:131',
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
