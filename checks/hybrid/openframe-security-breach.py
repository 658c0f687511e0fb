#!/usr/bin/env python3
# Generated from runbooks/openframe-security-breach.yaml (mode: hybrid) by `runbooks build`.
# DO NOT EDIT: edit runbooks/openframe-security-breach.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'openframe-security-breach' in mode 'hybrid'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "openframe-security-breach"
MODE = "hybrid"
CHECKS = [{'id': 'log-present',
  'title': 'OpenFrame application log exists',
  'kind': 'file',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-security-breach.yaml:98',
  'file': {'path': '/var/log/openframe/app.log',
           'exists': True,
           'newest_age': None,
           'min_size': None}},
 {'id': 'no-env-file',
  'title': 'No environment file is served over HTTP',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-security-breach.yaml:104',
  'http': {'url': 'https://openframe.ops.example.internal/.env',
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
  'title': 'No authentication failures in the OpenFrame log',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-security-breach.yaml:109',
  'command': {'run': ['grep',
                      '-ciE',
                      'unauthori[sz]ed|forbidden|invalid (api )?key',
                      '/var/log/openframe/app.log'],
              'exit_code': 1,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None},
  'needs': ['log-present']},
 {'id': 'config-clean',
  'title': 'Configuration holds no plaintext secrets',
  'kind': 'command',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-security-breach.yaml:116',
  'command': {'run': ['grep',
                      '-ciE',
                      '(password|secret|api_key|token)[[:space:]]*[:=]|://[^/:@]+:[^/@]+@',
                      '/etc/openframe.yaml'],
              'exit_code': 1,
              'shell': False,
              'stdout_contains': None,
              'stdout_regex': None}},
 {'id': 'health',
  'title': 'Health endpoint reports ok with bus and processor up',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-security-breach.yaml:122',
  'http': {'url': 'https://openframe.ops.example.internal/health',
           'status': [200],
           'headers': {'Content-Type': {'regex': '^application/json'}},
           'json': {'status': 'ok', 'checks.event_bus': 'up', 'checks.stream_processor': 'up'},
           'method': 'GET',
           'request_headers': {},
           'body_contains': None,
           'body_regex': None,
           'latency_ms': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None},
  'retries': {'count': 2, 'delay': 1.0}},
 {'id': 'hsts',
  'title': 'HTTPS is enforced with HSTS (max-age of at least 4 months)',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/openframe-security-breach.yaml:130',
  'http': {'url': 'https://openframe.ops.example.internal/health',
           'headers': {'Strict-Transport-Security': {'regex': 'max-age=\\d{8,}'}},
           'method': 'GET',
           'request_headers': {},
           'status': None,
           'body_contains': None,
           'body_regex': None,
           'json': None,
           'latency_ms': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None},
  'needs': ['health']}]


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
