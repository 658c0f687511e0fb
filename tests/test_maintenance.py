"""Maintenance windows: declared (project, runbook) and ad hoc (run-checks --maintenance).

Checks in a window still run; their result is MAINTENANCE with the reason, keeps the state the
probe saw, fails no run, and the pages carry a banner the browser shows while the window is
active (the browser side is in tests/test_monitoring.py).
"""

from __future__ import annotations

import json
import re
import textwrap
from datetime import datetime, timedelta, timezone

import pytest

from generator.cli import run_checks_main
from generator.errors import ConfigError
from generator.format.catalog import load_catalog
from generator.format.maintenance import Scope, Window, horizon, iso, parse_every
from generator.run.maintenance import ADHOC_FILE, parse_adhoc
from generator.run.store import store_dir
from generator.site.build import build

from .conftest import PROJECT_YAML

UTC = timezone.utc


def errors(project) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_catalog(project.root)
    return [str(d) for d in info.value.diagnostics]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# ---------------------------------------------------------------- schedules

def test_a_weekly_window_follows_its_time_zone_across_a_dst_change():
    window = Window("index rebuild", every=parse_every("sun 02:00"), duration=7200, zone="Europe/Berlin")
    found = window.intervals(at("2026-10-17T00:00:00Z"), at("2026-11-02T00:00:00Z"))
    assert [(iso(s), iso(e)) for s, e in found] == [
        ("2026-10-18T00:00:00Z", "2026-10-18T02:00:00Z"),  # CEST, UTC+2
        ("2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z"),  # the night clocks go back: the first 02:00
        ("2026-11-01T01:00:00Z", "2026-11-01T03:00:00Z"),  # CET, UTC+1
    ]


@pytest.mark.parametrize(("every", "days"), [
    ("02:00", (0, 1, 2, 3, 4, 5, 6)), ("daily 02:00", (0, 1, 2, 3, 4, 5, 6)), ("mon-fri 06:30", (0, 1, 2, 3, 4)),
    ("fri-mon 23:00", (0, 4, 5, 6)), ("sat,sun 1:05", (5, 6)),
])
def test_every_reads_days_and_a_time(every, days):
    assert parse_every(every).days == days


def test_a_window_is_active_from_its_start_until_just_before_its_end():
    window = Window("upgrade", start=at("2026-12-05T22:00:00Z"), end=at("2026-12-06T02:00:00Z"))
    assert window.active_at(at("2026-12-05T21:59:59Z")) is None
    assert window.active_at(at("2026-12-05T22:00:00Z")) == (at("2026-12-05T22:00:00Z"), at("2026-12-06T02:00:00Z"))
    assert window.active_at(at("2026-12-06T01:59:59Z")) is not None
    assert window.active_at(at("2026-12-06T02:00:00Z")) is None
    nightly = Window("backup", every=parse_every("daily 23:30"), duration=3600)
    assert nightly.active_at(at("2026-12-06T00:15:00Z")) == (at("2026-12-05T23:30:00Z"), at("2026-12-06T00:30:00Z"))


def test_a_scope_narrows_by_every_key_it_gives():
    scope = Scope(modes=("local",), tags=("db",), checks=("api/db", "api/replica"))
    assert scope.covers("local", "api", ["db"], "db")
    assert not scope.covers("aws", "api", ["db"], "db")
    assert not scope.covers("local", "api", ["web"], "db")
    assert not scope.covers("local", "api", ["db"], "health")
    assert scope.covers_any("local", "api", ["db"], ["health", "replica"])
    assert Scope().covers("aws", "anything", [], "x") and Scope().describe() == "every check"


def test_pages_list_occurrences_from_yesterday_for_six_weeks_in_whole_days():
    since, until = horizon(at("2026-12-02T17:45:12Z"))
    assert (iso(since), iso(until)) == ("2026-12-01T00:00:00Z", "2027-01-13T00:00:00Z")


@pytest.mark.parametrize(("text", "parsed"), [("2h: database upgrade", (7200.0, "database upgrade")),
                                             (" 1h30m :  move racks ", (5400.0, "move racks"))])
def test_an_adhoc_window_is_duration_colon_reason(text, parsed):
    assert parse_adhoc(text) == parsed


@pytest.mark.parametrize("text", ["2h", "soon: x", "0s: nothing", ": no duration", "2h:  "])
def test_an_adhoc_window_without_duration_or_reason_is_refused(text):
    with pytest.raises(ValueError, match="expected DURATION: REASON"):
        parse_adhoc(text)


# ---------------------------------------------------------------- validation

def test_project_windows_are_validated_with_positions(project):
    project.write("_project", PROJECT_YAML + textwrap.dedent("""\
        maintenance:
          - reason: weekly
            every: funday 02:00
            duration: 2h
          - reason: both
            start: 2026-12-05T22:00:00Z
            every: sun 02:00
          - reason: backwards
            start: 2026-12-05T22:00:00Z
            end: 2026-12-05T21:00:00Z
          - reason: zone
            start: 2026-12-05T22:00
            end: 2026-12-06T01:00
            timezone: Mars/Olympus
          - reason: a date is not a time
            start: 2026-12-05
            end: 2026-12-06T22:00:00Z
          - reason: no length
            every: sun 02:00
          - start: 2026-12-05T22:00:00Z
            end: 2026-12-06T22:00:00Z
    """))
    assert errors(project) == [
        "runbooks/_project.yaml:15:5: maintenance[0].every: unknown day in 'funday 02:00'; days are mon, tue, wed, "
        "thu, fri, sat, sun, a range such as mon-fri, or daily",
        "runbooks/_project.yaml:19:5: maintenance[1]: give either start or every, not both",
        "runbooks/_project.yaml:22:5: maintenance[2].end: end (2026-12-05T21:00:00Z) must be after start "
        "(2026-12-05T22:00:00Z)",
        "runbooks/_project.yaml:26:5: maintenance[3].timezone: unknown time zone 'Mars/Olympus'; use an IANA name such "
        "as UTC or Europe/Berlin",
        "runbooks/_project.yaml:28:5: maintenance[4].start: expected a date and time such as 2026-12-05T22:00:00Z, "
        "got 2026-12-05",
        "runbooks/_project.yaml:30:5: maintenance[5]: a window with every needs a duration longer than 0s, e.g. "
        "duration: 2h",
        "runbooks/_project.yaml:32:5: maintenance[6]: missing required key 'reason'",
    ]


def test_window_scopes_name_what_exists(project):
    project.write("_project", PROJECT_YAML + textwrap.dedent("""\
        maintenance:
          - reason: move
            start: 2026-12-05T22:00:00Z
            end: 2026-12-06T22:00:00Z
            scope: {modes: [moon], runbooks: [nope], checks: [api/nope, api/health]}
    """))
    project.check("api", """\
        - id: health
          title: Health
          http: {url: "{{ api }}/health", status: 200}
    """, maintenance="[{reason: r, every: 'mon-fri 06:00', duration: 1h, scope: {checks: [nope]}}]")
    assert errors(project) == [
        "runbooks/api.yaml:3:82: maintenance[0].scope.checks[0]: unknown check 'nope'; checks in this runbook: health"]
    project.check("api", """\
        - id: health
          title: Health
          http: {url: "{{ api }}/health", status: 200}
    """)
    assert errors(project) == [
        "runbooks/_project.yaml:17:21: maintenance[0].scope.modes[0]: undeclared mode 'moon'; declared modes: local, "
        "hybrid, aws",
        "runbooks/_project.yaml:17:39: maintenance[0].scope.runbooks[0]: unknown runbook 'nope'",
        "runbooks/_project.yaml:17:55: maintenance[0].scope.checks[0]: unknown check 'api/nope'",
    ]


def test_a_runbooks_window_covers_only_its_own_checks(project):
    project.check("api", """\
        - id: health
          title: Health
          http: {url: "{{ api }}/health", status: 200}
    """, maintenance="[{reason: r, every: 'sun 02:00', duration: 1h, scope: {checks: [health]}}]")
    project.check("web", """\
        - id: health
          title: Health
          http: {url: "{{ api }}/health", status: 200}
    """)
    window = load_catalog(project.root).windows()[0]
    assert window.scope == Scope(runbooks=("api",), checks=("api/health",))
    assert window.origin == "runbooks/api.yaml"


# ---------------------------------------------------------------- runs

def window_around_now(reason: str, **scope: list[str]) -> str:
    now = datetime.now(UTC).replace(microsecond=0)
    data = {"reason": reason, "start": iso(now - timedelta(hours=1)), "end": iso(now + timedelta(hours=1)),
            "scope": scope}
    return json.dumps([data])


@pytest.fixture
def broken(project, http_server):
    bad = http_server.route("/maintenance-bad", status=503, body="down for upgrade")
    ok = http_server.route("/maintenance-ok")
    for runbook, tags in (("db", "[db]"), ("web", "[web]")):
        project.check(runbook, f"""\
            - id: broken
              title: Broken
              http: {{url: "{bad}", status: 200}}
            - id: fine
              title: Fine
              http: {{url: "{ok}", status: 200}}
        """, tags=tags)
    return project


def run(project, tmp_path, *args: str) -> tuple[int, dict[str, dict]]:
    out = tmp_path / "run.json"
    code = run_checks_main(["--root", str(project.root), "--mode", "local", "-q", "--json", str(out), *args])
    return code, {f"{r['runbook']}/{r['check']}": r for r in json.loads(out.read_text())["results"]}


def test_a_declared_window_makes_its_checks_maintenance_and_fails_no_run(broken, tmp_path):
    broken.write("_project", PROJECT_YAML + "maintenance: " + window_around_now("Database upgrade", tags=["db"]) + "\n")
    code, results = run(broken, tmp_path)
    assert code == 1  # web/broken is outside the window
    in_window = results["db/broken"]
    assert (in_window["state"], in_window["probed_state"], in_window["maintenance"]) == \
        ("MAINTENANCE", "CRITICAL", "Database upgrade")
    assert in_window["summary"] == "status: expected 200, got 503" and "down for upgrade" in in_window["evidence"]
    assert results["db/fine"]["state"] == "MAINTENANCE" and results["db/fine"]["probed_state"] == "OK"
    assert results["web/broken"]["state"] == "CRITICAL" and results["web/broken"]["maintenance"] == ""
    code, _ = run(broken, tmp_path, "--runbook", "db")
    assert code == 0


def test_a_window_that_is_not_active_changes_nothing(broken, tmp_path):
    broken.write("_project", PROJECT_YAML + textwrap.dedent("""\
        maintenance:
          - {reason: last year, start: 2025-01-01T00:00:00Z, end: 2025-01-02T00:00:00Z}
    """))
    code, results = run(broken, tmp_path, "--runbook", "db")
    assert code == 1 and results["db/broken"]["state"] == "CRITICAL"


def test_run_checks_maintenance_declares_a_window_later_runs_honour(broken, tmp_path, capsys):
    code, results = run(broken, tmp_path, "--runbook", "db", "--maintenance", "2h: failover drill")
    assert code == 0 and results["db/broken"]["state"] == "MAINTENANCE"
    assert results["db/broken"]["maintenance"] == "failover drill"
    stored = json.loads((store_dir(broken.root) / ADHOC_FILE).read_text())["windows"]
    assert len(stored) == 1 and stored[0]["reason"] == "failover drill"
    assert stored[0]["scope"] == {"modes": ["local"], "runbooks": ["db"]}
    start, end = at(stored[0]["start"]), at(stored[0]["end"])
    assert end - start == timedelta(hours=2) and abs(datetime.now(UTC) - start) < timedelta(minutes=5)

    code, results = run(broken, tmp_path)  # no --maintenance: the stored window still holds, for db only
    assert code == 1
    assert results["db/broken"]["state"] == "MAINTENANCE" and results["web/broken"]["state"] == "CRITICAL"
    assert "MAINTENANCE" in capsys.readouterr().out  # the closing table lists it with its reason


def test_a_malformed_maintenance_option_is_a_usage_error(broken, capsys):
    code = run_checks_main(["--root", str(broken.root), "--mode", "local", "--maintenance", "later: upgrade"])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "run-checks: --maintenance: expected DURATION: REASON, such as '2h: database upgrade', got 'later: upgrade'")
    assert not (store_dir(broken.root) / ADHOC_FILE).exists()


def test_pages_carry_the_banner_of_the_windows_that_cover_them(broken, tmp_path):
    broken.write("_project", PROJECT_YAML + "maintenance: " + window_around_now("Database upgrade", tags=["db"]) + "\n")
    site = broken.root / "site"
    build(broken.root, site)
    pages = {name: (site / name).read_text(encoding="utf-8") for name in
             ("local/db/index.html", "local/db/print/index.html", "local/status/index.html", "local/web/index.html",
              "hybrid/db/index.html")}
    for name in ("local/db/index.html", "local/db/print/index.html", "local/status/index.html", "hybrid/db/index.html"):
        banner = re.search(r'<div class="rb-maintenance" role="status" hidden>.*?</div>', pages[name], re.S)
        assert banner, name
        assert "Database upgrade" in banner.group(0) and "tags db" in banner.group(0)
        intervals = re.findall(r'data-rb-intervals="([^"]*)"', banner.group(0))
        assert len(intervals) == 1 and re.fullmatch(r"\S+Z/\S+Z", intervals[0]), intervals
    assert 'class="rb-maintenance"' not in pages["local/web/index.html"]
    # run-checks stamps the same banner, and stamping twice changes nothing
    assert run_checks_main(["--root", str(broken.root), "--mode", "local", "-q", "--site", str(site)]) == 1
    assert (site / "local/db/index.html").read_text(encoding="utf-8").count('class="rb-maintenance"') == 1


def test_windows_take_no_variables(project):
    project.check("api", """\
        - id: health
          title: Health
          http: {url: "{{ api }}/health", status: 200}
    """, maintenance='[{reason: "{{ api }} moves", start: 2026-12-05T22:00:00Z, end: 2026-12-06T22:00:00Z}]')
    assert errors(project) == ["runbooks/api.yaml:3:15: maintenance[0]: maintenance windows take no {{ variables }}"]
