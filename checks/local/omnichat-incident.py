#!/usr/bin/env python3
# Generated from runbooks/omnichat-incident.yaml (mode: local) by `runbooks build`.
# DO NOT EDIT: edit runbooks/omnichat-incident.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'omnichat-incident' in mode 'local'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "omnichat-incident"
MODE = "local"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with all components up',
  'kind': 'http',
  'timeout': 5.0,
  'severity': 'critical',
  'source': 'runbooks/omnichat-incident.yaml:115',
  'http': {'url': 'http://127.0.0.1:18101/health',
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
 {'id': 'status',
  'title': 'Status endpoint reports operational',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-incident.yaml:122',
  'http': {'url': 'http://127.0.0.1:18101/status',
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
 {'id': 'recent-errors',
  'title': 'No ERROR lines in the OmniChat log',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-incident.yaml:128',
  'command': {'run': ['grep', '-c', 'ERROR', '.demo/logs/omnichat/app.log'],
              'exit_code': 1,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}},
 {'id': 'session-store',
  'title': 'Session store (cache) accepts connections',
  'kind': 'tcp',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/omnichat-incident.yaml:134',
  'tcp': {'host': '127.0.0.1', 'port': 18202, 'latency_ms': None}}]


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
