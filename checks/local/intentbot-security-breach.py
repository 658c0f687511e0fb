#!/usr/bin/env python3
# Generated from runbooks/intentbot-security-breach.yaml (mode: local) by `runbooks build`.
# DO NOT EDIT: edit runbooks/intentbot-security-breach.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'intentbot-security-breach' in mode 'local'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "intentbot-security-breach"
MODE = "local"
CHECKS = [{'id': 'log-present',
  'title': 'Intent bot application log exists',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-security-breach.yaml:103',
  'file': {'path': '.demo/logs/intentbot/app.log',
           'exists': True,
           'newest_age': None,
           'min_size': None}},
 {'id': 'no-key-file',
  'title': 'The API key file is not served over HTTP',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-security-breach.yaml:109',
  'http': {'url': 'http://127.0.0.1:18103/utils/api_keys.json',
           'status': [403, 404],
           'method': 'GET',
           'request_headers': {},
           'headers': None,
           'body_contains': None,
           'body_regex': None,
           'json': None,
           'latency_ms': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None}},
 {'id': 'auth-failures',
  'title': 'No authentication failures in the intent bot log',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-security-breach.yaml:114',
  'command': {'run': ['grep',
                      '-ciE',
                      'unauthori[sz]ed|forbidden|invalid (api )?key',
                      '.demo/logs/intentbot/app.log'],
              'exit_code': 1,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None},
  'needs': ['log-present']},
 {'id': 'model',
  'title': 'Intent model is loaded',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-security-breach.yaml:121',
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
 {'id': 'config-perms',
  'title': 'Configuration file is not world-writable',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-security-breach.yaml:127',
  'command': {'run': ['stat', '-c', '%A', '.demo/config/intentbot.yaml'],
              'stdout_regex': ['^.{8}-'],
              'shell': False,
              'exit_code': None,
              'stdout_contains': None}},
 {'id': 'health',
  'title': 'Health endpoint reports ok',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-security-breach.yaml:133',
  'http': {'url': 'http://127.0.0.1:18103/health',
           'status': [200],
           'headers': {'Content-Type': {'regex': '^application/json'}},
           'json': {'status': 'ok'},
           'method': 'GET',
           'request_headers': {},
           'body_contains': None,
           'body_regex': None,
           'latency_ms': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None},
  'retries': {'count': 2, 'delay': 1.0}}]


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
