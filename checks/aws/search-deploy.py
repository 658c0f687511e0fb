#!/usr/bin/env python3
# Generated from runbooks/search-deploy.yaml (mode: aws) by `runbooks build`.
# DO NOT EDIT: edit runbooks/search-deploy.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Checks of runbook 'search-deploy' in mode 'aws'.

Prints one Nagios plugin line per check (OK|WARNING|CRITICAL|UNKNOWN - text
| perfdata) and exits with the worst state: 0 OK, 1 WARNING, 2 CRITICAL,
3 UNKNOWN. Add -v to print the evidence of checks that are not OK.
"""

import os
import sys

RUNBOOK = "search-deploy"
MODE = "aws"
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with the index up',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-deploy.yaml:117',
  'http': {'url': 'https://search.example.com/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.index': 'up', 'checks.query_cache': 'up'},
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
  'source': 'runbooks/search-deploy.yaml:123',
  'http': {'url': 'https://search.example.com/status',
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
 {'id': 'query',
  'title': 'A search query returns results',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-deploy.yaml:130',
  'http': {'url': 'https://search.example.com/search?q=latency',
           'status': [200],
           'json': {'total': 1},
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
 {'id': 'documents',
  'title': 'Index reports its document count',
  'kind': 'http',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-deploy.yaml:136',
  'http': {'url': 'https://search.example.com/metrics',
           'status': [200],
           'body_regex': ['(?m)^search_index_documents [1-9]\\d*$'],
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
 {'id': 'ecs-blue',
  'title': 'The live (blue) search ECS service runs its desired count, no rollout in flight',
  'kind': 'aws_ecs_service',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-deploy.yaml:156',
  'aws_ecs_service': {'cluster': 'ops-prod',
                      'service': 'search-blue',
                      'region': 'eu-west-1',
                      'profile': None,
                      'endpoint_url': None}},
 {'id': 'ecs-green',
  'title': 'The green search ECS service runs its desired count, no rollout in flight',
  'kind': 'aws_ecs_service',
  'timeout': None,
  'severity': 'critical',
  'source': 'runbooks/search-deploy.yaml:162',
  'aws_ecs_service': {'cluster': 'ops-prod',
                      'service': 'search-green',
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
