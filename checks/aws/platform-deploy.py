#!/usr/bin/env python3
# Generated from runbooks/platform-deploy.yaml (mode: aws) by `runbooks build`.
# DO NOT EDIT: edit runbooks/platform-deploy.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'platform-deploy' in mode 'aws'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "platform-deploy"
MODE = "aws"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with PostgreSQL and Redis up',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-deploy.yaml:121',
  'http': {'url': 'https://api.example.com/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.postgres': 'up', 'checks.redis': 'up'},
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
  'source': 'runbooks/platform-deploy.yaml:127',
  'http': {'url': 'https://api.example.com/status',
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
 {'id': 'color',
  'title': 'The live color is exported in the metrics',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-deploy.yaml:134',
  'http': {'url': 'https://api.example.com/metrics',
           'status': [200],
           'body_regex': ['(?m)^platform_deployment_color\\{color="(blue|green)"\\} 1$'],
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
 {'id': 'latency',
  'title': 'Health answers within the 200 ms SLO',
  'kind': 'http',
  'timeout': None,
  'severity': 'warning',
  'source': 'runbooks/platform-deploy.yaml:140',
  'http': {'url': 'https://api.example.com/health',
           'latency_ms': {'warn': 200.0, 'crit': 1000.0},
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
  'title': 'The live (blue) platform ECS service runs its desired count, no rollout in flight',
  'kind': 'aws_ecs_service',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-deploy.yaml:171',
  'aws_ecs_service': {'cluster': 'ops-prod',
                      'service': 'platform-blue',
                      'region': 'eu-west-1',
                      'profile': None,
                      'endpoint_url': None}},
 {'id': 'ecs-green',
  'title': 'The green platform ECS service runs its desired count, no rollout in flight',
  'kind': 'aws_ecs_service',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/platform-deploy.yaml:177',
  'aws_ecs_service': {'cluster': 'ops-prod',
                      'service': 'platform-green',
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
