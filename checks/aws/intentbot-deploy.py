#!/usr/bin/env python3
# Generated from runbooks/intentbot-deploy.yaml (mode: aws) by `runbooks build`.
# DO NOT EDIT: edit runbooks/intentbot-deploy.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'intentbot-deploy' in mode 'aws'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "intentbot-deploy"
MODE = "aws"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with model and session store up',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-deploy.yaml:114',
  'http': {'url': 'https://intentbot.example.com/health',
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
 {'id': 'steady',
  'title': 'Status is operational, one color live, no canary in flight',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-deploy.yaml:120',
  'http': {'url': 'https://intentbot.example.com/status',
           'status': [200],
           'json': {'status': 'operational', 'deployment.canary_percent': 0},
           'body_regex': ['"color": "(blue|green)"'],
           'method': 'GET',
           'request_headers': {},
           'headers': None,
           'body_contains': None,
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
  'source': 'runbooks/intentbot-deploy.yaml:127',
  'http': {'url': 'https://intentbot.example.com/metrics',
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
 {'id': 'accuracy',
  'title': 'Model validation accuracy is at least 0.90',
  'kind': 'http',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/intentbot-deploy.yaml:133',
  'http': {'url': 'https://intentbot.example.com/metrics',
           'body_regex': ['(?m)^intentbot_model_accuracy (0\\.9\\d*|1(\\.0*)?)$'],
           'method': 'GET',
           'request_headers': {},
           'headers': None,
           'status': None,
           'body_contains': None,
           'json': None,
           'latency_ms': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None}},
 {'id': 'latency',
  'title': 'Health answers under the 500 ms trigger',
  'kind': 'http',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/intentbot-deploy.yaml:139',
  'http': {'url': 'https://intentbot.example.com/health',
           'latency_ms': {'warn': 500.0, 'crit': 2000.0},
           'method': 'GET',
           'request_headers': {},
           'headers': None,
           'status': None,
           'body_contains': None,
           'body_regex': None,
           'json': None,
           'follow_redirects': False,
           'verify': True,
           'ca_file': None,
           'tls_days_left': None}},
 {'id': 'ecs-blue',
  'title': 'The live (blue) intent bot ECS service runs its desired count, no rollout in flight',
  'kind': 'aws_ecs_service',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-deploy.yaml:157',
  'aws_ecs_service': {'cluster': 'ops-prod',
                      'service': 'intentbot-blue',
                      'region': 'eu-west-1',
                      'profile': None,
                      'endpoint_url': None}},
 {'id': 'ecs-green',
  'title': 'The green intent bot ECS service runs its desired count, no rollout in flight',
  'kind': 'aws_ecs_service',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/intentbot-deploy.yaml:163',
  'aws_ecs_service': {'cluster': 'ops-prod',
                      'service': 'intentbot-green',
                      'region': 'eu-west-1',
                      'profile': None,
                      'endpoint_url': None}}]


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
