#!/usr/bin/env python3
# Generated from runbooks/platform-deploy.yaml (mode: aws) by `runbooks build`.
# DO NOT EDIT: edit runbooks/platform-deploy.yaml and run `runbooks build`.
# `runbooks build --check` fails while this file is stale.
"""Nagios plugin: the checks of runbook 'platform-deploy' in mode 'aws'.

Usage: platform-deploy.py [-h] [-V] [-v] [-t SECONDS] [--root DIR]

The first line is the worst state and a summary, with the perfdata of every
check (labels: check id, dot, measure); then one line per check, worst first.
Exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. -t bounds the whole
plugin (checks still running are CRITICAL); -v adds the evidence of checks
that are not OK.

It runs from any directory. Relative paths start at the project root, two
folders up; moved out of its project, it needs --root DIR or RUNBOOKS_ROOT.
The interpreter is python3 on PATH; when the runbooks package is not
importable there, RUNBOOKS_PYTHON names one that has it (else the project's
.venv/bin/python is tried). The checks below leave out keys at their default.
"""

import os
import sys

SCRIPT = {'runbook': 'platform-deploy',
 'mode': 'aws',
 'path': 'checks/aws/platform-deploy.py',
 'source': 'runbooks/platform-deploy.yaml'}
CHECKS = [{'id': 'health',
  'title': 'Health endpoint reports ok with PostgreSQL and Redis up',
  'source': 'runbooks/platform-deploy.yaml:121',
  'http': {'url': 'https://api.example.com/health',
           'status': [200],
           'json': {'status': 'ok', 'checks.postgres': 'up', 'checks.redis': 'up'}}},
 {'id': 'steady',
  'title': 'Status is operational, one color live, no canary in flight',
  'source': 'runbooks/platform-deploy.yaml:127',
  'http': {'url': 'https://api.example.com/status',
           'status': [200],
           'json': {'status': 'operational', 'deployment.canary_percent': 0},
           'body_regex': ['"color": "(blue|green)"']}},
 {'id': 'color',
  'title': 'The live color is exported in the metrics',
  'source': 'runbooks/platform-deploy.yaml:134',
  'http': {'url': 'https://api.example.com/metrics',
           'status': [200],
           'body_regex': ['(?m)^platform_deployment_color\\{color="(blue|green)"\\} 1$']}},
 {'id': 'latency',
  'title': 'Health answers within the 200 ms SLO',
  'severity': 'warning',
  'source': 'runbooks/platform-deploy.yaml:140',
  'http': {'url': 'https://api.example.com/health', 'latency_ms': {'warn': 200.0, 'crit': 1000.0}}},
 {'id': 'ecs-blue',
  'title': 'The live (blue) platform ECS service runs its desired count, no rollout in flight',
  'source': 'runbooks/platform-deploy.yaml:171',
  'aws_ecs_service': {'cluster': 'ops-prod', 'service': 'platform-blue', 'region': 'eu-west-1'}},
 {'id': 'ecs-green',
  'title': 'The green platform ECS service runs its desired count, no rollout in flight',
  'source': 'runbooks/platform-deploy.yaml:177',
  'aws_ecs_service': {'cluster': 'ops-prod', 'service': 'platform-green', 'region': 'eu-west-1'}}]


def _main():
    here = os.path.realpath(__file__)
    try:
        from generator.checkscripts.nagios import main
    except ImportError as exc:
        return _without_package(here, exc)
    return main(SCRIPT, CHECKS, here, sys.argv[1:])


def _without_package(here, exc):
    """Run again with RUNBOOKS_PYTHON, or the project's .venv, once; else one UNKNOWN line saying what to do."""
    root = os.environ.get("RUNBOOKS_ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(here)))
    for python in (os.environ.get("RUNBOOKS_PYTHON"), os.path.join(root, ".venv", "bin", "python")):
        if python and os.access(python, os.X_OK) and not os.environ.get("RUNBOOKS_RERUN"):
            os.environ["RUNBOOKS_RERUN"] = python
            os.execv(python, [python, here] + sys.argv[1:])
    print("UNKNOWN - %s: cannot import the runbooks package with %s (%s); install it for that Python "
          "(pip install runbooks) or set RUNBOOKS_PYTHON to a Python that has it" % (SCRIPT["runbook"], sys.executable, exc))
    return 3


if __name__ == "__main__":
    sys.exit(_main())
