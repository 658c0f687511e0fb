#!/usr/bin/env python3
# Generated from runbooks/intentbot-incident.yaml (mode: local) by `runbooks build`.
# DO NOT EDIT: edit runbooks/intentbot-incident.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'intentbot-incident' in mode 'local'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "intentbot-incident"
MODE = "local"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with the model up',
  'kind': 'http',
  'timeout': 5.0,
  'severity': 'critical',
  'source': 'runbooks/intentbot-incident.yaml:117',
  'http': {'url': 'http://127.0.0.1:18103/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.model': 'up'},
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
  'source': 'runbooks/intentbot-incident.yaml:124',
  'http': {'url': 'http://127.0.0.1:18103/status',
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
 {'id': 'model',
  'title': 'Intent model is loaded',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-incident.yaml:130',
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
 {'id': 'recent-errors',
  'title': 'No ERROR lines in the intent bot log',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-incident.yaml:136',
  'command': {'run': ['grep', '-c', 'ERROR', '.demo/logs/intentbot/app.log'],
              'exit_code': 1,
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
