"""``aws_ecs_service``: an ECS service runs its desired count with no deployment in flight."""

from __future__ import annotations

from typing import Any, Mapping

from generator.format.options import Obj, Str
from generator.run.kinds import _aws as aws
from generator.run.kinds.base import Emulator, Judge, ProbeContext, no_secret_quoting
from generator.run.results import Outcome, State, bounded

NAME = "aws_ecs_service"
DOC = ("Check an ECS service: missing or inactive, or fewer tasks running than desired, is CRITICAL; a deployment "
       "in progress is WARNING. Needs `runbooks[aws]`.")
SCHEMA = Obj({
    "cluster": Str("Cluster name or ARN.", required=True, example="{{ cluster }}"),
    "service": Str("Service name or ARN.", required=True, example="platform-blue"),
    **aws.AWS_FIELDS,
})
ASSERTIONS: tuple[str, ...] = ()
IMPLICIT = "the service's task counts and deployments"
VAR_DEFAULTS: Mapping[str, str] = aws.VAR_DEFAULTS
USES_HTTP = False
EMULATOR: str | None = "aws"
secret_quoting = no_secret_quoting
EVENTS_SHOWN = 5


SEED_TASKS = 2  # desired count of a seeded service (moto runs MOTO_ECS_SERVICE_RUNNING tasks)


def seed(params: dict[str, Any], emulator: Emulator) -> None:
    """The cluster, a task definition and the service at its desired count."""
    ecs = emulator.client("ecs")
    ecs.create_cluster(clusterName=params["cluster"])  # idempotent: a second service's cluster is the same one
    family = params["service"]
    ecs.register_task_definition(family=family, containerDefinitions=[
        {"name": family, "image": f"example/{family}:1.0", "memory": 512}])
    ecs.create_service(cluster=params["cluster"], serviceName=params["service"], taskDefinition=family,
                       desiredCount=SEED_TASKS)


def describe(params: dict[str, Any]) -> str:
    return f"ECS {params['cluster']}/{params['service']}"


async def probe(params: dict[str, Any], ctx: ProbeContext) -> Outcome:
    def work(client: Any) -> Outcome:
        answer = client.describe_services(cluster=params["cluster"], services=[params["service"]])
        return judge(params, answer.get("services", []), answer.get("failures", []))

    return await aws.call(params, "ecs", work)


def judge(params: dict[str, Any], services: list[dict[str, Any]], failures: list[dict[str, Any]]) -> Outcome:
    if not services:
        reasons = ", ".join(f"{f.get('reason', '?')} {f.get('arn', '')}".strip() for f in failures) or "no answer"
        return Outcome(State.CRITICAL, f"service {params['service']} not found in cluster {params['cluster']}",
                       "assertion", "missing", reasons)
    service = services[0]
    verdict = Judge()
    desired, running = service.get("desiredCount", 0), service.get("runningCount", 0)
    status = service.get("status", "?")
    verdict.expect(status == "ACTIVE", "status", "ACTIVE", status)
    verdict.expect(running >= desired, "running tasks", f">= {desired} (desired)", running)
    deployments = service.get("deployments", [])
    failed = [d for d in deployments if d.get("rolloutState") == "FAILED"]
    verdict.expect(not failed, "rollout", "not FAILED", ", ".join(d.get("id", "?") for d in failed) or "-")
    rolling = [d for d in deployments if d.get("rolloutState") == "IN_PROGRESS"]
    if len(deployments) > 1 or rolling:
        verdict.warnings.append(f"deployment in progress ({len(deployments)} deployments"
                                + (f", {len(rolling)} IN_PROGRESS)" if rolling else ")"))
    observed = f"{status}: {running}/{desired} running, {service.get('pendingCount', 0)} pending"
    return verdict.outcome(observed, bounded(_evidence(service)))


def _evidence(service: dict[str, Any]) -> str:
    lines = [f"status:  {service.get('status')}",
             f"desired: {service.get('desiredCount')}  running: {service.get('runningCount')}  "
             f"pending: {service.get('pendingCount')}",
             f"task definition: {service.get('taskDefinition', '?')}", "", "deployments:"]
    lines += [f"  {d.get('status')} {d.get('rolloutState', '-')}: desired {d.get('desiredCount')} running "
              f"{d.get('runningCount')} pending {d.get('pendingCount')} failed {d.get('failedTasks', 0)}  "
              f"{d.get('taskDefinition', '').rsplit('/', 1)[-1]}  updated {aws.timestamp(d.get('updatedAt', ''))}"
              for d in service.get("deployments", [])] or ["  (none)"]
    events = service.get("events", [])[:EVENTS_SHOWN]  # ECS lists the newest event first
    lines += ["", "recent events:"]
    lines += [f"  {aws.timestamp(e.get('createdAt', ''))}  {e.get('message', '')}" for e in events] or ["  (none)"]
    return "\n".join(lines)
