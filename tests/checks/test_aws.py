"""The AWS kinds (aws_s3, aws_cloudwatch_alarms, aws_ecs_service) against a real moto_server.

moto_server runs on 127.0.0.1 as its own process; the checks make real AWS API
calls to it over HTTP. Nothing in boto3 is patched. The project's aws mode
carries ``aws_region`` and ``aws_endpoint_url``, so every check here also goes
through the mode-variable defaults of ``load_catalog``.

moto's ECS has no scheduler: a new service reports ``MOTO_ECS_SERVICE_RUNNING``
tasks (2 on this server) and a deployment that is COMPLETED only when that
covers the desired count; ``update_service(desiredCount=N)`` sets running to N
but leaves the deployment as it was. Those are the states the ECS tests use.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import boto3
import pytest

from demo.aws import MotoUnavailable, start_moto, stop_moto
from generator.format.catalog import load_catalog
from generator.run.results import State
from tests.conftest import PROJECT_YAML, closed_port
from tests.helpers import run_one

REGION = "eu-west-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class Moto:
    """One moto_server process on a free port of 127.0.0.1 (started as the demo starts its own)."""

    def __init__(self, **env: str) -> None:
        try:
            self.server = start_moto(env=env)
        except MotoUnavailable as exc:
            pytest.fail(f"{exc}; `make .venv/.installed` installs both")
        self.port = self.server.port
        self.url = self.server.endpoint

    def client(self, service: str) -> object:
        return boto3.client(service, endpoint_url=self.url, region_name=REGION, **_keys())

    def stop(self) -> None:
        stop_moto(self.server)


def _keys() -> dict[str, str]:
    return {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="session")
def moto() -> Iterator[Moto]:
    server = Moto(MOTO_ECS_SERVICE_RUNNING="2")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def no_aws_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("no-aws")


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, no_aws_files: Path) -> None:
    """Fake keys, and nothing from the machine's own AWS configuration.

    The same for every test: the AWS kinds cache a botocore client per AWS_* environment,
    and a client per test (each ~30 000 objects) made every later full gc.collect slow.
    """
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(no_aws_files / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(no_aws_files / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def aws_project(project, endpoint: str | None) -> None:
    """The test project, its aws mode holding aws_region (and aws_endpoint_url)."""
    extra = f", aws_region: {REGION}" + (f", aws_endpoint_url: \"{endpoint}\"" if endpoint else "")
    project.write("_project", PROJECT_YAML.replace('vars: {api: "https://aws.invalid"}',
                                                   'vars: {api: "https://aws.invalid"' + extra + "}"))


def run_check(project, moto, kind: str, params: dict, endpoint: str | None = "", clock=time.time, **common):
    """Write runbook ``rb`` with one check ``x`` of ``kind``; run it in the aws mode (probes judging ages by ``clock``)."""
    aws_project(project, moto.url if endpoint == "" else endpoint)
    return run_one(project.root, project.add_check(kind, params, **common), mode="aws", clock=clock)


def last_modified(moto, bucket: str, key: str) -> float:
    """The object's LastModified (moto's clock, whole seconds) as epoch seconds."""
    return moto.client("s3").head_object(Bucket=bucket, Key=key)["LastModified"].timestamp()


def aws_timestamp(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def seed_bucket(moto, bucket: str, objects: dict[str, int]) -> None:
    s3 = moto.client("s3")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    for key, size in objects.items():
        s3.put_object(Bucket=bucket, Key=key, Body=b"x" * size)


AGE = {"warn": "26h", "crit": "48h"}


# --- mode-variable defaults ------------------------------------------------------

def test_region_and_endpoint_default_to_the_mode_vars_and_a_check_may_override_them(project, moto):
    aws_project(project, moto.url)
    project.check("rb", """\
        - {id: a, title: t, aws_s3: {bucket: b, min_size: 1}}
        - {id: b, title: t, aws_s3: {bucket: b, min_size: 1, region: us-east-2, endpoint_url: "http://x.invalid"}}
    """)
    a, b = load_catalog(project.root).view("rb", "aws").checks
    assert (a.params["region"], a.params["endpoint_url"], a.params["profile"]) == (REGION, moto.url, None)
    assert (b.params["region"], b.params["endpoint_url"]) == ("us-east-2", "http://x.invalid")
    local = load_catalog(project.root).view("rb", "local").checks[0]
    assert local.params["region"] is None and local.params["endpoint_url"] is None  # local mode has no aws vars


def test_without_an_endpoint_var_the_standard_aws_endpoint_url_env_applies(project, moto, monkeypatch):
    seed_bucket(moto, "env-endpoint", {"db/1.tar.gz": 100})
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto.url)
    result = run_check(project, moto, "aws_s3", {"bucket": "env-endpoint", "min_size": 10}, endpoint=None)
    assert result.state is State.OK, result.summary


# --- aws_s3 ----------------------------------------------------------------------

def test_s3_fresh_big_enough_backup_is_ok(project, moto):
    seed_bucket(moto, "ok-backups", {"db/old.tar.gz": 10, "other/x": 1})
    time.sleep(1.1)  # LastModified has one-second resolution: make the big one the newest
    moto.client("s3").put_object(Bucket="ok-backups", Key="db/new.tar.gz", Body=b"x" * 2000)
    written = last_modified(moto, "ok-backups", "db/new.tar.gz")
    result = run_check(project, moto, "aws_s3", {"bucket": "ok-backups", "prefix": "db/", "newest_age": AGE,
                                                 "min_size": "1 KB"}, clock=lambda: written + 5)
    assert result.state is State.OK, result.summary
    assert result.observed == "newest db/new.tar.gz: 5s old, 2000 B (2 objects)"
    assert result.target == "s3://ok-backups/db/"
    assert result.metrics["age_s"] == 5


def test_s3_stale_backup_is_warning_then_critical(project, moto):
    seed_bucket(moto, "stale-backups", {"db/1.tar.gz": 2000})
    written = last_modified(moto, "stale-backups", "db/1.tar.gz")  # moto stamps it with its own clock
    aws_project(project, moto.url)
    project.check("rb", "- {id: x, title: t, aws_s3: {bucket: stale-backups, newest_age: {warn: 26h, crit: 48h}}}")
    # The probes' clock runs 30 h, then 50 h, past the object's LastModified: no waiting for it to age.
    warn = run_one(project.root, "rb/x", mode="aws", clock=lambda: written + 30 * 3600)
    crit = run_one(project.root, "rb/x", mode="aws", clock=lambda: written + 50 * 3600)
    assert warn.state is State.WARNING, warn.summary
    assert warn.summary == "age 1d6h > warn 1d2h"
    assert crit.state is State.CRITICAL and crit.reason == "assertion", crit.summary
    assert crit.summary == "age 2d2h > crit 2d"
    assert crit.metrics["age_s"] == 50 * 3600
    assert "newest key:    db/1.tar.gz" in crit.evidence
    assert "expected age:  below warn 1d2h, crit 2d; actual 2d2h" in crit.evidence
    assert f"last modified: {aws_timestamp(written)} (2d2h ago)" in crit.evidence
    assert "objects:       1 under s3://stale-backups/" in crit.evidence


def test_s3_too_small_newest_backup_is_critical_even_when_an_older_one_is_big(project, moto):
    seed_bucket(moto, "small-backups", {"db/1.tar.gz": 5000})
    time.sleep(1.1)  # LastModified has one-second resolution: make the truncated one the newest
    moto.client("s3").put_object(Bucket="small-backups", Key="db/2.tar.gz", Body=b"x" * 10)
    result = run_check(project, moto, "aws_s3", {"bucket": "small-backups", "prefix": "db/", "min_size": "1KB"})
    assert result.state is State.CRITICAL, result.summary
    assert result.summary == "size: expected >= 1000 B, got 10 B"
    assert "expected size: at least 1000 B; actual 10 B" in result.evidence


def test_s3_empty_prefix_is_critical(project, moto):
    seed_bucket(moto, "empty-prefix", {"other/1.tar.gz": 5000})
    result = run_check(project, moto, "aws_s3", {"bucket": "empty-prefix", "prefix": "db/", "newest_age": AGE})
    assert result.state is State.CRITICAL, result.summary
    assert result.summary == "objects: expected at least one object under s3://empty-prefix/db/, got none"


def test_s3_missing_bucket_is_critical_with_the_error_as_evidence(project, moto):
    result = run_check(project, moto, "aws_s3", {"bucket": "no-such-bucket", "min_size": 1})
    assert result.state is State.CRITICAL and result.reason == "assertion", result.summary
    assert result.summary.startswith("not found: NoSuchBucket")
    assert "NoSuchBucket" in result.evidence


def test_s3_api_that_does_not_answer_in_time_is_critical_timeout(project, moto, http_server):
    def probe():
        return run_check(project, moto, "aws_s3", {"bucket": "slow-bucket", "min_size": 1},
                         endpoint=http_server.url(""), timeout="2s")

    # First an endpoint that answers at once: the botocore client for this endpoint and timeout is
    # made and cached. Making it parses the S3 model, which on a busy machine can eat the 0.5 s
    # between botocore's read timeout and the engine's limit, and then the engine's limit fires first.
    http_server.route("/slow-bucket", body=b"")
    probe()
    http_server.route("/slow-bucket", body=b"", delay=4)
    result = probe()
    assert result.state is State.CRITICAL and result.reason == "timeout", result.summary
    # botocore's read timeout, sized from the check's 2 s (0.75 x 2 s), fired, not the engine's limit
    assert result.summary.startswith("AWS API timed out: Read timeout on endpoint URL"), result.summary
    assert result.duration_ms >= 1450
    assert http_server.hits["/slow-bucket"] == 1  # one attempt: botocore does not retry behind the runner's back


def test_unreachable_endpoint_is_critical_connect(project, moto):
    result = run_check(project, moto, "aws_ecs_service", {"cluster": "c", "service": "s"},
                       endpoint=f"http://127.0.0.1:{closed_port()}")
    assert result.state is State.CRITICAL and result.reason == "connect", result.summary
    assert result.summary.startswith("cannot reach the AWS API: Could not connect to the endpoint URL")


# --- aws_cloudwatch_alarms ---------------------------------------------------------

def seed_alarms(moto, states: dict[str, str]) -> None:
    cloudwatch = moto.client("cloudwatch")
    for name, state in states.items():
        cloudwatch.put_metric_alarm(AlarmName=name, MetricName="5xx", Namespace="App", Statistic="Sum", Period=60,
                                    EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold")
        cloudwatch.set_alarm_state(AlarmName=name, StateValue=state, StateReason=f"{name} went {state}")


def test_alarms_all_ok_is_ok(project, moto):
    seed_alarms(moto, {"okapp-5xx": "OK", "okapp-latency": "OK"})
    result = run_check(project, moto, "aws_cloudwatch_alarms", {"prefix": "okapp-"})
    assert result.state is State.OK, result.summary
    assert result.summary == "2 alarm(s): 2 OK"
    named = run_check(project, moto, "aws_cloudwatch_alarms", {"names": ["okapp-5xx"]})
    assert named.state is State.OK and named.observed == "1 OK", named.summary


def test_alarm_in_alarm_is_critical_with_reason_and_time(project, moto):
    seed_alarms(moto, {"redapp-5xx": "ALARM", "redapp-latency": "OK", "redapp-hosts": "INSUFFICIENT_DATA"})
    result = run_check(project, moto, "aws_cloudwatch_alarms", {"prefix": "redapp-"})
    assert result.state is State.CRITICAL and result.reason == "assertion", result.summary
    assert result.summary == "in ALARM: redapp-5xx"
    assert result.observed == "1 ALARM, 1 INSUFFICIENT_DATA, 1 OK"
    first = result.evidence.splitlines()[:2]
    assert first[0].startswith("redapp-5xx: ALARM since 20") and first[0].endswith(" UTC")
    assert first[1] == "  redapp-5xx went ALARM"


@pytest.mark.parametrize("setting, state", [(None, State.WARNING), ("ok", State.OK), ("warning", State.WARNING),
                                            ("critical", State.CRITICAL), ("unknown", State.UNKNOWN)])
def test_insufficient_data_result_is_configurable(project, moto, setting, state):
    seed_alarms(moto, {"greyapp-5xx": "OK", "greyapp-hosts": "INSUFFICIENT_DATA"})
    params = {"names": ["greyapp-5xx", "greyapp-hosts"]} | ({"insufficient_data": setting} if setting else {})
    result = run_check(project, moto, "aws_cloudwatch_alarms", params)
    assert result.state is state, result.summary
    if state is not State.OK:
        assert result.summary == "INSUFFICIENT_DATA: greyapp-hosts"


def test_named_alarm_that_does_not_exist_is_unknown_naming_it(project, moto):
    seed_alarms(moto, {"someapp-5xx": "OK"})
    result = run_check(project, moto, "aws_cloudwatch_alarms", {"names": ["someapp-5xx", "someapp-typo"]})
    assert result.state is State.UNKNOWN, result.summary
    assert result.summary == "no such alarm: someapp-typo"
    assert "someapp-typo: does not exist" in result.evidence


def test_prefix_matching_no_alarm_is_unknown(project, moto):
    result = run_check(project, moto, "aws_cloudwatch_alarms", {"prefix": "nothing-here-"})
    assert result.state is State.UNKNOWN, result.summary
    assert result.summary == "no alarm named nothing-here-*"


# --- aws_ecs_service -------------------------------------------------------------

def seed_service(moto, cluster: str, service: str, desired: int) -> object:
    ecs = moto.client("ecs")
    ecs.create_cluster(clusterName=cluster)
    ecs.register_task_definition(family=service, containerDefinitions=[{"name": "app", "image": "app:1",
                                                                        "memory": 128}])
    ecs.create_service(cluster=cluster, serviceName=service, taskDefinition=service, desiredCount=desired)
    return ecs


def test_ecs_service_running_its_desired_count_is_ok(project, moto):
    seed_service(moto, "okc", "api", desired=2)
    result = run_check(project, moto, "aws_ecs_service", {"cluster": "okc", "service": "api"})
    assert result.state is State.OK, result.summary
    assert result.summary == "ACTIVE: 2/2 running, 0 pending"
    assert result.target == "ECS okc/api"


def test_ecs_service_running_fewer_than_desired_is_critical_with_counts(project, moto):
    seed_service(moto, "shortc", "api", desired=3)
    result = run_check(project, moto, "aws_ecs_service", {"cluster": "shortc", "service": "api"})
    assert result.state is State.CRITICAL and result.reason == "assertion", result.summary
    assert result.summary == "running tasks: expected >= 3 (desired), got 2"
    assert "desired: 3  running: 2  pending: 1" in result.evidence
    assert "PRIMARY IN_PROGRESS: desired 3 running 2 pending 1 failed 0" in result.evidence
    assert "recent events:\n  (none)" in result.evidence  # moto records no service events


def test_ecs_deployment_in_progress_is_warning(project, moto):
    ecs = seed_service(moto, "rollc", "api", desired=3)
    ecs.update_service(cluster="rollc", service="api", desiredCount=3)  # moto: running = 3, rollout unchanged
    result = run_check(project, moto, "aws_ecs_service", {"cluster": "rollc", "service": "api"})
    assert result.state is State.WARNING, result.summary
    assert result.summary == "deployment in progress (1 deployments, 1 IN_PROGRESS)"


def test_ecs_inactive_service_is_critical(project, moto):
    ecs = seed_service(moto, "gonec", "api", desired=2)
    ecs.delete_service(cluster="gonec", service="api", force=True)
    result = run_check(project, moto, "aws_ecs_service", {"cluster": "gonec", "service": "api"})
    assert result.state is State.CRITICAL, result.summary
    assert result.summary == "status: expected ACTIVE, got INACTIVE"


def test_ecs_missing_service_and_missing_cluster_are_critical(project, moto):
    seed_service(moto, "thec", "api", desired=2)
    service = run_check(project, moto, "aws_ecs_service", {"cluster": "thec", "service": "nope"})
    assert service.state is State.CRITICAL, service.summary
    assert service.summary == "service nope not found in cluster thec"
    assert "MISSING" in service.evidence
    cluster = run_check(project, moto, "aws_ecs_service", {"cluster": "no-cluster", "service": "api"})
    assert cluster.state is State.CRITICAL, cluster.summary
    assert cluster.summary == "not found: ClusterNotFoundException: Cluster not found."


# --- could not check: UNKNOWN -------------------------------------------------------

def test_no_credentials_is_unknown(project, moto, monkeypatch):
    for name in CREDENTIALS:
        monkeypatch.delenv(name)
    result = run_check(project, moto, "aws_ecs_service", {"cluster": "okc", "service": "api"})
    assert result.state is State.UNKNOWN and result.reason == "error", result.summary
    assert result.summary == "could not check: no AWS credentials found (env, profile or instance role)"


def test_unknown_profile_from_the_mode_vars_is_unknown(project, moto):
    aws_project(project, moto.url)
    text = (project.root / "runbooks" / "_project.yaml").read_text()
    (project.root / "runbooks" / "_project.yaml").write_text(text.replace("aws_region:", "aws_profile: nope, aws_region:"))
    project.check("rb", "- {id: x, title: t, aws_ecs_service: {cluster: c, service: s}}")
    result = run_one(project.root, "rb/x", mode="aws")
    assert result.state is State.UNKNOWN, result.summary
    assert result.summary == "could not check: The config profile (nope) could not be found"


def test_malformed_endpoint_url_is_unknown(project, moto):
    result = run_check(project, moto, "aws_s3", {"bucket": "b", "min_size": 1}, endpoint="not a url")
    assert result.state is State.UNKNOWN and result.reason == "error", result.summary
    assert result.summary == "could not check: Invalid endpoint: not a url"


def test_access_denied_is_unknown(project):
    strict = Moto(INITIAL_NO_AUTH_ACTION_COUNT="0")  # moto then checks keys against its IAM
    try:
        result = run_check(project, strict, "aws_s3", {"bucket": "b", "min_size": 1})
    finally:
        strict.stop()
    assert result.state is State.UNKNOWN and result.reason == "error", result.summary
    assert result.summary.startswith("could not check: access denied (InvalidAccessKeyId")


def test_boto3_missing_is_unknown_naming_the_extra(project, moto, monkeypatch):
    monkeypatch.setitem(sys.modules, "boto3", None)  # what `import boto3` meets without runbooks[aws]
    result = run_check(project, moto, "aws_s3", {"bucket": "b", "min_size": 1})
    assert result.state is State.UNKNOWN, result.summary
    assert result.summary == "boto3 is not installed: install runbooks[aws]"


# --- validation ----------------------------------------------------------------------

def errors_for(project, checks_yaml: str) -> list[str]:
    from generator.errors import ConfigError

    project.check("rb", checks_yaml)
    with pytest.raises(ConfigError) as info:
        load_catalog(project.root)
    return [str(d) for d in info.value.diagnostics]


def test_alarms_need_exactly_one_of_names_and_prefix(project):
    assert errors_for(project, """\
        - id: both
          title: t
          aws_cloudwatch_alarms: {names: [a], prefix: b}
        - id: neither
          title: t
          aws_cloudwatch_alarms: {insufficient_data: maybe}
    """) == [
        "runbooks/rb.yaml:6:41: checks[0].aws_cloudwatch_alarms: give either names or prefix, not both",
        "runbooks/rb.yaml:9:5: checks[1].aws_cloudwatch_alarms: missing names or prefix (give exactly one)",
        "runbooks/rb.yaml:9:29: checks[1].aws_cloudwatch_alarms.insufficient_data: "
        "expected one of ok, warning, critical, unknown; got 'maybe'",
    ]


def test_aws_kinds_report_bad_options_with_positions(project):
    assert errors_for(project, """\
        - id: s3
          title: t
          aws_s3: {bucket: b, prefix: db/, min_size: lots}
        - id: s3-nothing
          title: t
          aws_s3: {bucket: b}
        - id: ecs
          title: t
          aws_ecs_service: {cluster: c, regoin: eu-west-1}
    """) == [
        "runbooks/rb.yaml:6:38: checks[0].aws_s3.min_size: expected a size such as 512, 10KB or 5MiB, got 'lots'",
        "runbooks/rb.yaml:9:5: checks[1].aws_s3: no assertion; add at least one of: newest_age, min_size",
        "runbooks/rb.yaml:12:5: checks[2].aws_ecs_service: missing required key 'service'",
        "runbooks/rb.yaml:12:35: checks[2].aws_ecs_service: unknown key 'regoin'; expected one of: cluster, service, "
        "region, profile, endpoint_url",
    ]
