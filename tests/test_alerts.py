"""Alerts ↔ runbooks: generated rules (promtool check and test), the alert → page map, and lint-rules.

One small project, built once with a site_url, serves every test here: its pages are what
runbook_url links must resolve to.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from generator.cli import runbooks_main
from generator.links import SiteLinks
from generator.site.build import build

from .conftest import REPO, Project, require_command, scratch_dir

SITE_URL = "https://ops.example.com/runbooks/"
RULES_TEST = REPO / "tests" / "rules" / "local.test.yml"


@pytest.fixture(scope="module")
def built() -> Iterator[Project]:
    with scratch_dir("runbooks-alerts-") as tmp:
        project = Project(tmp / "proj")
        project.set_site_url(SITE_URL)
        project.check("search", """\
            - id: health
              title: Health
              http: {url: "{{ api }}/health", status: 200}
        """, alerts="[SearchDown, SearchSlow, SearchErrors]")
        project.check("db", """\
            - id: primary
              title: Primary
              tcp: {host: 127.0.0.1, port: 5432}
        """, alerts="[DbDown]", modes="[local]")
        build(project.root, project.root / "site")
        yield project


def runbooks(project: Project, *args: str) -> int:
    return runbooks_main(["--root", str(project.root), *args])


# ---------------------------------------------------------------- runbooks alerts

def test_alerts_need_a_site_url(project, capsys):
    assert runbooks(project, "alerts", "--mode", "local") == 2
    assert capsys.readouterr().err == ("runbooks: no site_url: set site_url in mkdocs.yml (where the site is published) "
                                       "or pass --site-url URL; links from outside the site must be absolute\n")


def test_generated_rules_pass_promtool_and_link_each_check_to_its_row(built, tmp_path, capsys):
    promtool = require_command("promtool", "prometheus")
    rules = tmp_path / "local.rules.yml"
    assert runbooks(built, "alerts", "--mode", "local", "--out", str(rules)) == 0
    check = subprocess.run([promtool, "check", "rules", str(rules)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0 and "SUCCESS: 4 rules found" in check.stdout, check.stdout + check.stderr
    groups = yaml.safe_load(rules.read_text())["groups"]
    by_name = {rule["alert"]: rule for rule in groups[0]["rules"]}
    assert list(by_name) == ["RunbookCheckCritical", "RunbookCheckWarning", "RunbookCheckUnknown",
                             "RunbookChecksNotRunning"]
    critical = by_name["RunbookCheckCritical"]
    assert critical["expr"] == ('runbooks_check_state{mode="local"} == 2 unless on (mode, runbook, check) '
                                'runbooks_check_maintenance{mode="local"} == 1')
    assert critical["for"] == "5m" and critical["labels"] == {"severity": "critical"}
    # the template, filled with a real check's labels, is that check's row in the built site
    url = critical["annotations"]["runbook_url"].replace("{{ $labels.runbook }}", "search") \
        .replace("{{ $labels.check }}", "health")
    assert url == f"{SITE_URL}local/search/#check-health"
    page, anchor = SiteLinks(SITE_URL).file_of(url)  # type: ignore[misc]
    assert f'id="{anchor}"' in (built.root / "site" / page).read_text(encoding="utf-8")
    stale = by_name["RunbookChecksNotRunning"]
    assert stale["expr"] == ('time() - runbooks_run_last_timestamp_seconds{mode="local"} > 86400 or '
                             'absent(runbooks_run_last_timestamp_seconds{mode="local"})')
    assert stale["annotations"]["runbook_url"] == f"{SITE_URL}local/status/"


def test_promtool_unit_tests_prove_the_rules_fire_with_the_right_url(tmp_path):
    promtool = require_command("promtool", "prometheus")
    shutil.copy(RULES_TEST, tmp_path / RULES_TEST.name)
    code = runbooks_main(["--root", str(REPO), "alerts", "--mode", "local", "--site-url", "https://runbooks.example.com",
                          "--for", "5m", "--stale-after", "10m", "--out", str(tmp_path / "local.rules.yml")])
    assert code == 0
    done = subprocess.run([promtool, "test", "rules", RULES_TEST.name], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and "SUCCESS" in done.stdout, done.stdout + done.stderr


# ---------------------------------------------------------------- runbooks runbook-urls

def test_runbook_urls_map_each_alert_to_its_anchor(built, capsys):
    assert runbooks(built, "runbook-urls", "--mode", "local") == 0
    assert capsys.readouterr().out == textwrap.dedent(f"""\
        # runbook_url of each alert the runbooks of mode local answer (`runbooks runbook-urls --mode local`)
        DbDown: {SITE_URL}local/db/#alert-DbDown
        SearchDown: {SITE_URL}local/search/#alert-SearchDown
        SearchSlow: {SITE_URL}local/search/#alert-SearchSlow
        SearchErrors: {SITE_URL}local/search/#alert-SearchErrors
    """)
    assert runbooks(built, "runbook-urls", "--mode", "aws", "--format", "json", "--site-url", "https://x.test") == 0
    urls = json.loads(capsys.readouterr().out)
    assert urls == {name: f"https://x.test/aws/search/#alert-{name}" for name in ("SearchDown", "SearchSlow",
                                                                                   "SearchErrors")}
    links = SiteLinks(SITE_URL)
    for mode, runbook, alert in (("local", "db", "DbDown"), ("hybrid", "search", "SearchErrors")):
        page, anchor = links.file_of(links.alert(mode, runbook, alert))  # type: ignore[misc]
        assert f'<li id="{anchor}"><code>{alert}</code></li>' in (built.root / "site" / page).read_text(encoding="utf-8")


def test_an_unknown_mode_is_a_usage_error(built, capsys):
    assert runbooks(built, "runbook-urls", "--mode", "staging") == 2
    assert capsys.readouterr().err == "runbooks: unknown mode 'staging'; modes: local, hybrid, aws\n"


# ---------------------------------------------------------------- runbooks lint-rules

RULES = f"""\
groups:
  - name: search
    rules:
      - alert: SearchDown
        expr: up{{job="search"}} == 0
        annotations:
          runbook_url: {SITE_URL}local/search/#alert-SearchDown
      - alert: SearchSlow
        expr: latency > 1
        annotations: {{summary: slow}}
      - alert: Orphan
        expr: up == 0
      - alert: Gone
        expr: up == 0
        annotations:
          runbook_url: {SITE_URL}local/nope/
      - alert: BadAnchor
        expr: up == 0
        annotations:
          runbook_url: {SITE_URL}local/search/#alert-Nope
      - alert: DbDown
        expr: up{{job="db"}} == 0
        annotations:
          runbook_url: {SITE_URL}local/search/#check-health
      - alert: SearchDown
        expr: up{{job="search-eu"}} == 0
        annotations:
          runbook_url: https://wiki.example.com/SearchDown
      - alert: External
        expr: up == 0
        annotations:
          runbook_url: https://wiki.example.com/External
      - alert: Templated
        expr: up == 0
        annotations:
          runbook_url: "{SITE_URL}local/{{{{ $labels.runbook }}}}/"
      - record: job:up:sum
        expr: sum(up)
"""


def lint(project: Project, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = runbooks(project, "lint-rules", *args)
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_lint_rules_reports_each_problem_at_its_line(built, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("rules.yml").write_text(RULES)
    code, lines, err = lint(built, capsys, "rules.yml")
    assert code == 1
    assert lines == [
        f"rules.yml:8: alert SearchSlow has no runbook_url annotation; runbook search answers SearchSlow: "
        f"{SITE_URL}local/search/#alert-SearchSlow",
        "rules.yml:11: alert Orphan has no runbook_url annotation",
        f"rules.yml:16: alert Gone: runbook_url {SITE_URL}local/nope/ is not a page of the built site "
        "(no local/nope/index.html)",
        f"rules.yml:20: alert BadAnchor: runbook_url {SITE_URL}local/search/#alert-Nope: the page has no anchor "
        "#alert-Nope",
        f"rules.yml:24: alert DbDown: runbook_url {SITE_URL}local/search/#check-health is not the page of runbook db, "
        f"which answers it; use {SITE_URL}local/db/#alert-DbDown",
        f"rules.yml:28: alert SearchDown: runbook_url https://wiki.example.com/SearchDown is not on this site "
        f"({SITE_URL}); runbook search answers SearchDown: {SITE_URL}local/search/#alert-SearchDown",
        "runbooks/search.yaml:3: alert SearchErrors is named in runbook search but no rule defines it",
    ]
    assert err == "lint-rules: 9 alerting rules in 1 file(s), 7 problems\n"


def test_lint_rules_with_a_mode_wants_that_modes_page(built, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("rules.yml").write_text(textwrap.dedent(f"""\
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        spec:
          groups:
            - name: search
              rules:
                - alert: SearchDown
                  expr: up == 0
                  annotations: {{runbook_url: "{SITE_URL}hybrid/search/#alert-SearchDown"}}
                - {{alert: SearchSlow, expr: up == 0, annotations: {{runbook_url: "{SITE_URL}local/search/#alert-SearchSlow"}}}}
                - {{alert: SearchErrors, expr: up == 0, annotations: {{runbook_url: "{SITE_URL}local/search/#alert-SearchErrors"}}}}
                - {{alert: DbDown, expr: up == 0, annotations: {{runbook_url: "{SITE_URL}local/db/#alert-DbDown"}}}}
    """))
    assert lint(built, capsys, "rules.yml")[0] == 0  # every page exists
    code, lines, _ = lint(built, capsys, "rules.yml", "--mode", "local")
    assert code == 1 and lines == [
        f"rules.yml:9: alert SearchDown: runbook_url {SITE_URL}hybrid/search/#alert-SearchDown is not the page of "
        f"runbook search, which answers it; use {SITE_URL}local/search/#alert-SearchDown"]


def test_lint_rules_reports_a_file_it_cannot_read(built, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("broken.yml").write_text("groups:\n  - name: x\n    rules: [\n")
    code, lines, _ = lint(built, capsys, "broken.yml", "missing.yml")
    assert code == 1
    assert lines[0] == "broken.yml:4: invalid YAML: did not find expected node content"
    assert lines[1] == "missing.yml:1: cannot read the file: No such file or directory"


def test_lint_rules_needs_the_built_site(built, capsys):
    code, _, err = lint(built, capsys, "x.yml", "--site", "nowhere")
    assert code == 2 and err == ("runbooks: --site nowhere: no built site there; run `runbooks build` first "
                                 "(runbook_urls are checked against its pages and anchors)\n")


def test_an_alert_claimed_by_two_runbooks_is_refused_by_validation_and_lint(project, capsys):
    project.check("a", """\
        - id: x
          title: x
          tcp: {host: 127.0.0.1, port: 1}
    """, alerts="[SharedAlert]")
    project.check("b", """\
        - id: x
          title: x
          tcp: {host: 127.0.0.1, port: 1}
    """, alerts="[Mine, SharedAlert]")
    expected = ("runbooks/b.yaml:3:16: alerts[1]: alert 'SharedAlert' is already answered by runbook a "
                "(runbooks/a.yaml:3); an alert links to one runbook\n")
    assert runbooks(project, "validate") == 78
    assert capsys.readouterr().err.startswith(expected)
    assert runbooks(project, "lint-rules", "--site-url", SITE_URL, "rules.yml") == 78
    assert capsys.readouterr().err.startswith(expected)
