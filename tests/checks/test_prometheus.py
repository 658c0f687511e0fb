"""The ``prometheus`` check kind, against a real Prometheus scraping the demo stack.

Nothing is mocked: the fixture starts the demo stack and the Debian
``prometheus`` binary, both on free ports, Prometheus scraping the stack every second, and waits until every service has been scraped twice so
``rate()`` has data. The stack's metrics are deterministic: p95 is 80 ms
(search: 120 ms, above its SLO on purpose), the error ratio 0.05 %, and a
failed service answers 10 % errors with a p95 of 800 ms.

The fixture is module-scoped, which is once per session: only this module needs it.
"""

from __future__ import annotations

import time
from typing import Iterator

import pytest

from demo.prometheus import INSTALL_HINT, Prometheus, PrometheusMissing, demo_targets, find_prometheus, start_prometheus
from demo.stack import set_failed, start_stack, stop_stack
from generator.run.results import State
from tests.conftest import closed_port
from tests.helpers import each_http_client, run_one  # noqa: F401  (a fixture)

# Every test here runs through both HTTP clients (run-checks' aiohttp, the scripts' http.client).
pytestmark = pytest.mark.usefixtures("each_http_client")

P95 = 'histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket{{service=~"{}"}}[1m])))'


@pytest.fixture(scope="module")
def prom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    try:
        find_prometheus()
    except PrometheusMissing:
        pytest.fail(INSTALL_HINT, pytrace=False)  # never a skip: CI must have it
    root = tmp_path_factory.mktemp("prom-demo")
    stack = start_stack(root)
    server = None
    try:
        server = start_prometheus(root / "prometheus", demo_targets(stack))
        server.wait_scraped()
        server.stack = stack  # type: ignore[attr-defined]  # the failing-service test flips a service
        yield server
    finally:
        if server is not None:
            assert server.stop() == 0, "prometheus did not stop cleanly on SIGTERM"
        stop_stack(stack)


def check(project, prom, query: str, **params) -> str:
    """Write runbook ``rb`` with one prometheus check ``x`` against ``prom``; return its key."""
    block = {"url": prom.url if hasattr(prom, "url") else prom, "query": query, **params}
    return project.add_check("prometheus", block)


# --- OK, WARNING, CRITICAL ----------------------------------------------------

def test_ok_names_the_series_and_records_the_value(project, prom):
    key = check(project, prom, P95.format("omnichat"), value={"warn": 0.2, "crit": 0.5})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.reason == ""
    assert result.summary == result.observed
    assert result.observed.startswith('{service="omnichat"} 0.0')
    assert result.metrics["worst_value"] == pytest.approx(0.08, abs=0.005)
    assert result.perfdata[0].startswith("worst=0.0") and result.perfdata[0].endswith(";0.2;0.5")
    assert result.target == f"PromQL at {prom.url}: {P95.format('omnichat')}"


def test_warning_above_states_expected_against_actual(project, prom):
    key = check(project, prom, P95.format("search"), value={"warn": 0.1, "crit": 0.5})
    result = run_one(project.root, key)
    assert result.state is State.WARNING, result.summary
    assert result.reason == "assertion"
    assert result.summary.startswith('{service="search"} 0.1')
    assert result.summary.endswith(" > warn 0.1")
    assert result.metrics["worst_value"] == pytest.approx(0.12, abs=0.005)
    assert result.evidence.splitlines()[:3] == [
        f"query: {P95.format('search')}", "expected: at most 0.1 (warn) and 0.5 (crit)", "actual: 1 of 1 series out of bounds"]


def test_critical_above(project, prom):
    key = check(project, prom, P95.format("search"), value={"warn": 0.05, "crit": 0.1})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL, result.summary
    assert result.summary.endswith(" > crit 0.1")


def test_ok_below_uptime(project, prom):
    key = check(project, prom, 'avg_over_time(up{service="platform"}[1m])',
                value={"warn": 0.999, "crit": 0.99, "when": "below"})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    platform = prom.targets["platform"]
    assert result.observed.startswith(f'{{instance="{platform}", job="platform", service="platform"}} 1')
    assert result.perfdata == ["worst=1;0.999:;0.99:"]


def test_warning_and_critical_below(project, prom):
    # A gauge the stack holds constant: a rate would read what a busy machine made of the scrape timing
    # (two suites at once on 2 cores read 38.7 requests/s from a 50/s counter through irate).
    accuracy = 'max by (service) (intentbot_model_accuracy)'  # 0.93
    key = check(project, prom, accuracy, value={"warn": 0.95, "crit": 0.5, "when": "below"})
    result = run_one(project.root, key)
    assert result.state is State.WARNING, result.summary
    assert result.summary == '{service="intentbot"} 0.93 < warn 0.95'
    assert result.metrics["worst_value"] == 0.93
    key = check(project, prom, accuracy, value={"warn": 0.99, "crit": 0.95, "when": "below"})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL, result.summary
    assert result.summary.endswith(" < crit 0.95")
    assert "expected: at least 0.99 (warn) and 0.95 (crit)" in result.evidence


def test_a_scalar_result_is_judged(project, prom):
    key = check(project, prom, "scalar(count(up == 1))", value={"warn": 4, "crit": 10})
    result = run_one(project.root, key)
    assert result.state is State.WARNING, result.summary
    assert result.summary == "scalar 5 > warn 4"


# --- vectors: the worst series decides ----------------------------------------

def test_the_worst_series_of_a_vector_is_named(project, prom):
    key = check(project, prom, P95.format(".*"), value={"warn": 0.1, "crit": 0.5})
    result = run_one(project.root, key)
    assert result.state is State.WARNING, result.summary
    assert result.summary.startswith('{service="search"} 0.1')
    assert result.summary.endswith(" > warn 0.1 (1 of 5 series out of bounds)")
    assert result.observed.endswith("(worst of 5 series)")


def test_all_offending_series_are_counted_and_the_list_is_bounded(project, prom):
    key = check(project, prom, "http_request_duration_seconds_bucket", value={"crit": 0})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.summary.endswith("(30 of 30 series out of bounds)")  # 5 services x 6 buckets
    lines = result.evidence.splitlines()
    assert lines[2] == "actual: 30 of 30 series out of bounds"
    assert len([line for line in lines if line.startswith("  http_request_duration_seconds_bucket{")]) == 6
    assert lines[-1] == "  … and 24 more"
    assert lines[3].startswith('  http_request_duration_seconds_bucket{instance="127.0.0.1:')  # names the worst
    assert 'le="+Inf"' in lines[3]


def test_nan_series_are_not_data_and_inf_crosses_any_limit(project, prom):
    key = check(project, prom, "vector(0) / vector(0)", value={"crit": 1})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.summary == "query returned only NaN (e.g. 0/0: no traffic)"
    key = check(project, prom, "vector(1) / vector(0)", value={"crit": 1})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.summary == "{} inf > crit 1"


# --- no data -------------------------------------------------------------------

def test_no_data_is_unknown_by_default(project, prom):
    key = check(project, prom, 'up{service="no-such-service"}', value={"crit": 1})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.summary == "query returned no data"
    assert result.evidence == 'query: up{service="no-such-service"}\nquery returned no data'


@pytest.mark.parametrize("no_data, state", [("ok", State.OK), ("warning", State.WARNING),
                                            ("critical", State.CRITICAL)])
def test_no_data_state_is_configurable(project, prom, no_data, state):
    key = check(project, prom, 'up{service="no-such-service"} == 0', no_data=no_data)
    result = run_one(project.root, key)
    assert result.state is state
    assert result.summary == "query returned no data"
    assert result.reason == ("" if state is State.OK else "assertion")


# --- the check could not run ----------------------------------------------------

def test_bad_promql_is_unknown_with_prometheus_error(project, prom):
    key = check(project, prom, "rate(up[", value={"crit": 1})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.reason == "error"
    assert result.summary.startswith("query failed: bad_data: ")
    assert "parse error" in result.summary


def test_a_range_vector_is_unknown_and_says_what_is_expected(project, prom):
    key = check(project, prom, "up[1m]", value={"crit": 1})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.summary.startswith("query returned a range vector (matrix); an instant vector or a scalar is expected")


def test_a_string_result_is_unknown(project, prom):
    key = check(project, prom, '"text"', value={"crit": 1})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.summary == "query returned a string; an instant vector or a scalar is expected"


def test_an_answer_that_is_not_the_prometheus_api_is_unknown(project, http_server):
    http_server.route("/proxy/api/v1/query", status=401, body="Unauthorized\n")
    key = check(project, http_server.url("/proxy"), "up", value={"crit": 1})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.summary == "HTTP 401, not a Prometheus API answer: Unauthorized"


def test_unreachable_prometheus_is_critical_connect(project):
    key = check(project, f"http://127.0.0.1:{closed_port()}", "up", value={"crit": 1})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "connect"


# --- a failing demo service (last: it disturbs the rates for a while) ----------

def test_a_failed_service_raises_the_error_rate(project, prom):
    ratio = ('sum by (service) (rate(http_requests_total{code=~"5..", service="intentbot"}[2s]))'
             ' / sum by (service) (rate(http_requests_total{service="intentbot"}[2s]))')
    key = check(project, prom, ratio, value={"warn": 0.0008, "crit": 0.001})
    before, settled = run_one(project.root, key), time.monotonic() + 15
    while before.state is not State.OK and time.monotonic() < settled:  # this test, through the other client, just
        time.sleep(0.5)  # failed the service: its errors leave the 2 s window within a few scrapes
        before = run_one(project.root, key)
    assert before.state is State.OK, before.summary
    assert before.metrics["worst_value"] == pytest.approx(0.0005, abs=0.0001)
    set_failed(prom.stack, "intentbot", True)
    try:
        # The ratio climbs over the 2 s rate window (through WARNING); wait
        # until the window holds only failed traffic, not just the first crossing.
        deadline, result = time.monotonic() + 15, before
        while result.metrics.get("worst_value", 0) <= 0.01 and time.monotonic() < deadline:
            time.sleep(0.5)
            result = run_one(project.root, key)
    finally:
        set_failed(prom.stack, "intentbot", False)
    assert result.metrics["worst_value"] > 0.01, result.summary  # 10 % once the whole window is failed
    assert result.state is State.CRITICAL, result.summary
    assert result.summary.startswith('{service="intentbot"} 0.')
    assert result.summary.endswith(" > crit 0.001")


# --- validation ------------------------------------------------------------------

def test_threshold_order_follows_when(project):
    from generator.errors import ConfigError
    from generator.format.catalog import load_catalog

    project.check("rb", """\
        - id: up
          title: t
          prometheus: {url: "http://p", query: up, value: {warn: 0.99, crit: 0.999, when: below}}
        - id: lat
          title: t
          prometheus: {url: "http://p", query: up, value: {warn: 0.5, crit: 0.2}}
        - id: dir
          title: t
          prometheus: {url: "http://p", query: up, value: {crit: 1, when: sideways, over: 2}}
        - id: none
          title: t
          prometheus: {url: "http://p", query: up}
        """)
    with pytest.raises(ConfigError) as info:
        load_catalog(project.root)
    assert [str(d) for d in info.value.diagnostics] == [
        "runbooks/rb.yaml:6:46: checks[0].prometheus.value: warn (0.99) must not be less than crit (0.999)",
        "runbooks/rb.yaml:9:46: checks[1].prometheus.value: warn (0.5) must not be greater than crit (0.2)",
        "runbooks/rb.yaml:12:63: checks[2].prometheus.value.when: expected one of above, below; got 'sideways'",
        "runbooks/rb.yaml:12:79: checks[2].prometheus.value: unknown key 'over'; expected warn, crit or when",
        "runbooks/rb.yaml:15:5: checks[3].prometheus: no assertion; add at least one of: value, no_data",
    ]
