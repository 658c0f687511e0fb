"""Print pages, the incident binder and `runbooks print`'s errors, from the built HTML.

What paper looks like (PDF text, page counts, screenshots) is tested in real
Chromium in ``test_print_browser.py``.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from generator.cli import run_checks_main, runbooks_main
from generator.format.catalog import load_catalog
from generator.site.render import nav

COMMANDS = {"local": "restart api-local-only", "hybrid": "restart api-hybrid-only", "aws": "--service api-aws-only"}

RUNBOOK = """\
title: API down
summary: Bring the API back.
owner: SRE
severity: P1
tags: [api, incident]
sections:
  - title: Restart
    body: Restart it.
    steps:
      - text: Restart the **service**.
        run:
          local: systemctl --user restart api-local-only
          hybrid: sudo systemctl restart api-hybrid-only
          aws: aws ecs update-service --service api-aws-only
        check: up
      - text: Only in AWS, drain the target group.
        modes: [aws]
        run: aws elbv2 drain-aws-step
checklist:
  - group: Triage
    items: [Alert acknowledged, Severity assessed]
  - group: Close
    items: [Post-mortem scheduled]
checks:
  - id: up
    title: API answers
    http: {url: "{{ api }}/health", status: 200}
"""

PROJECT = """\
title: Paper project
modes:
  local: {title: Local, description: Local mode, vars: {api: "URL"}}
  hybrid: {title: Hybrid, description: Hybrid mode, vars: {api: "http://hybrid.invalid"}}
  aws: {title: AWS, description: AWS mode, vars: {api: "https://aws.invalid"}}
contacts:
  oncall: {name: On-call engineer, role: First response, phone: "+1 555 0100"}
  lead: {name: Team lead, chat: "#lead"}
  legal: {name: Legal desk, email: legal@example.com}
escalation:
  - {level: First line, contact: oncall}
  - {level: Second line, contact: lead, after: 15m}
severities:
  P1: {title: Critical, response: 15m, resolution: 1h}
"""


@pytest.fixture
def built(project, http_server, monkeypatch):
    monkeypatch.setenv("RUNBOOKS_COMMIT", "0123456789abcdef0123")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    project.write("_project", PROJECT.replace("URL", http_server.url("").rstrip("/")))
    http_server.route("/health", body="ok")
    project.write("api", RUNBOOK)
    project.write("notes", "title: Release notes\nsummary: Not for incidents.\ntags: [docs]\n"
                           "checklist: [{group: Write, items: [Notes written]}]\n")
    assert runbooks_main(["--root", str(project.root), "build"]) == 0
    return project


def html(project, path: str) -> str:
    return (project.root / "site" / path).read_text(encoding="utf-8")


def content(page: str) -> str:
    """The page's article: what is printed (the rest is Material's navigation)."""
    match = re.search(r'<article class="md-content__inner[^"]*">(.*)</article>', page, re.S)
    assert match, "no Material article in the page"
    return match.group(1)


@pytest.mark.parametrize("mode", list(COMMANDS))
def test_print_page_holds_only_its_modes_commands(built, mode):
    page = html(built, f"{mode}/api/print/index.html")
    assert COMMANDS[mode] in page
    for other, command in COMMANDS.items():
        if other != mode:
            assert command not in page, f"{other}'s command on the {mode} print page"
    assert ("drain-aws-step" in page) == (mode == "aws")


def test_print_page_has_the_header_checklist_contacts_and_notes(built):
    article = content(html(built, "local/api/print/index.html"))
    assert '<h1 class="rb-print__title">API down</h1>' in article
    assert "<strong>P1</strong> Critical · respond within 15m · resolve within 1h" in article
    assert "<td><strong>Local</strong></td>" in article and "<td>SRE</td>" in article
    assert ('Generated from commit <code>0123456789ab</code> at <time class="rb-abstime" '
            'datetime="2026-09-21T14:13:20Z">2026-09-21 14:13:20 UTC</time>') in article
    # Checklist: every item with an empty box and columns for the time and initials, per group.
    groups = re.findall(r'<div class="rb-print__group">\s*<table class="rb-print__table rb-print__items">(.*?)</table>',
                        article, re.S)
    assert len(groups) == 2
    assert "<th>Triage</th>" in groups[0] and "<th>Close</th>" in groups[1]
    assert groups[0].count('<span class="rb-print__box"') == 2 and groups[1].count('<span class="rb-print__box"') == 1
    assert all('<th class="rb-print__when">Time</th><th class="rb-print__who">Initials</th>' in g for g in groups)
    assert "<td>Alert acknowledged</td>" in groups[0]
    # Step text is Markdown; the command is escaped text in a <pre>.
    assert "<li>Restart the <strong>service</strong>.<pre class=\"rb-print__cmd\"><code>systemctl --user restart api-local-only" in article
    # Escalation chain in order, then the other contacts.
    rows = re.findall(r'<tr><td data-label="Level">([^<]*)</td><td data-label="After">([^<]*)</td>'
                      r'<td data-label="Who">([^<]*)</td><td data-label="Role">[^<]*</td><td data-label="Reach">([^<]*)</td></tr>',
                      article)
    assert rows == [("First line", "at once", "On-call engineer", "+1 555 0100"),
                    ("Second line", "15m", "Team lead", "#lead"),
                    ("—", "—", "Legal desk", "legal@example.com")]
    assert '<div class="rb-print__notebox"></div>' in article


def test_print_pages_show_results_with_their_time_and_not_run(built):
    page = html(built, "local/api/print/index.html")
    assert '<!--rb:printcheck:local/api/up-->' in page
    assert 'data-rb-state="NOTRUN"' in page and "not run yet" in page
    assert run_checks_main(["--root", str(built.root), "--mode", "local", "--site", str(built.root / "site"), "-q"]) == 0
    for path in ("local/api/print/index.html", "local/binder/index.html"):
        stamped = html(built, path)
        assert 'data-rb-state="OK"' in stamped and 'data-rb-state="NOTRUN"' not in stamped, path
        ran = re.search(r'ran <time class="rb-abstime" datetime="([0-9T:Z-]+)">([0-9: -]+) UTC</time>', stamped)
        assert ran, path
        assert ran.group(1).replace("T", " ").rstrip("Z") == ran.group(2)
    # The other modes did not run: their paper still says so.
    assert 'data-rb-state="NOTRUN"' in html(built, "hybrid/api/print/index.html")


def test_binder_holds_every_incident_runbook_of_its_mode(built):
    for mode, title in (("local", "Local"), ("aws", "AWS")):
        article = content(html(built, f"{mode}/binder/index.html"))
        assert f"Incident binder · {title} mode" in article and "<h1>Paper project</h1>" in article
        assert "Generated from commit <code>0123456789ab</code>" in article
        assert '<li><a href="#rb-api">API down</a> <span class="rb-binder__sev">P1</span>' in article
        assert article.count('<article class="rb-print"') == 1 and 'id="rb-api"' in article
        assert "Release notes" not in article  # not tagged incident
        assert COMMANDS[mode] in article
        assert all(c not in article for m, c in COMMANDS.items() if m != mode)


def test_print_pages_are_linked_but_not_in_nav_or_search(built):
    catalog = load_catalog(built.root)
    assert "print" not in json.dumps(nav(catalog)) and "binder" not in json.dumps(nav(catalog))
    assert '<a class="md-button rb-printlink" href="print/">Print checklist</a>' in html(built, "local/api/index.html")
    assert 'href="binder/"' in content(html(built, "hybrid/index.html"))
    assert '<a href="../">← Back</a>' in html(built, "aws/notes/print/index.html")
    index = json.loads(html(built, "search/search_index.json"))
    locations = [doc["location"] for doc in index["docs"]]
    assert any(loc.startswith("local/api/") for loc in locations)
    assert not [loc for loc in locations if "/print/" in loc or "binder/" in loc]


def test_runbook_page_checklist_is_ready_for_the_browser(built):
    article = content(html(built, "hybrid/api/index.html"))
    match = re.search(r'<div class="rb-checklist" ([^>]*)>', article)
    assert match
    attrs = dict(re.findall(r'([a-z-]+)="([^"]*)"', match.group(1)))
    assert attrs["data-rb-mode"] == "hybrid" and attrs["data-rb-runbook"] == "api"
    assert attrs["data-rb-title"] == "API down" and attrs["data-rb-mode-title"] == "Hybrid"
    items = json.loads(attrs["data-rb-items"].replace("&quot;", '"'))
    assert items == [{"group": "Triage", "items": ["Alert acknowledged", "Severity assessed"]},
                     {"group": "Close", "items": ["Post-mortem scheduled"]}]
    assert article.count('class="rb-checklist__group"') == 2
    assert article.count('<li class="task-list-item">') == 3


# ------------------------------------------------------------------ runbooks print: errors

def _print(project, *extra: str) -> int:
    return runbooks_main(["--root", str(project.root), "print", *extra])


def test_print_without_chromium_says_how_to_install_it(project, tmp_path, monkeypatch, capsys):
    project.write("api", RUNBOOK)
    out = tmp_path / "binder.pdf"
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(empty))
    assert _print(project, "--mode", "local", "--out", str(out)) == 1
    assert capsys.readouterr().err == (
        "runbooks: Chromium not found (looked for chromium, chromium-browser, google-chrome, google-chrome-stable "
        "on PATH); install it with `apt-get install chromium` (Debian) or set CHROMIUM=/path/to/chromium\n")
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "nowhere" / "chromium"))
    assert _print(project, "--mode", "local", "--out", str(out)) == 1
    assert capsys.readouterr().err == (
        f"runbooks: CHROMIUM={tmp_path}/nowhere/chromium: not an executable; install it with "
        "`apt-get install chromium` (Debian) or set CHROMIUM=/path/to/chromium\n")
    assert not out.exists()
    assert not (project.root / "site").exists()  # failed before building anything


@pytest.mark.parametrize("args, message", [
    (["--mode", "prod"], "runbooks: unknown mode 'prod'; modes: local, hybrid, aws\n"),
    (["--mode", "local", "--runbook", "nope"], "runbooks: unknown runbook 'nope'; runbooks: api, edge\n"),
    (["--mode", "local", "--runbook", "edge"], "runbooks: runbook 'edge' is not used in mode 'local'\n"),
])
def test_print_usage_errors(project, tmp_path, capsys, args, message):
    project.write("api", RUNBOOK)
    project.write("edge", "title: Edge\nsummary: AWS only.\nmodes: [aws]\n")
    assert _print(project, *args, "--out", str(tmp_path / "x.pdf")) == 2
    assert capsys.readouterr().err == message


def test_print_from_a_missing_site(project, tmp_path, capsys):
    project.write("api", RUNBOOK)
    assert _print(project, "--mode", "aws", "--site", str(tmp_path / "nosite"), "--out", str(tmp_path / "x.pdf")) == 2
    assert capsys.readouterr().err == (f"runbooks: {tmp_path}/nosite/aws/binder/index.html: no such page; "
                                       "build the site first (`runbooks build`)\n")


def test_a_failing_browser_leaves_the_old_pdf(built, tmp_path, monkeypatch, capsys):
    browser = tmp_path / "broken-chromium"
    browser.write_text("#!/bin/sh\necho 'starting' >&2\necho 'cannot open display' >&2\nexit 3\n")
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("CHROMIUM", str(browser))
    out = tmp_path / "out" / "binder.pdf"
    out.parent.mkdir()
    out.write_bytes(b"%PDF-old")
    assert _print(built, "--mode", "local", "--site", str(built.root / "site"), "--out", str(out)) == 1
    assert capsys.readouterr().err == f"runbooks: {browser} failed to print (exit 3): cannot open display\n"
    assert out.read_bytes() == b"%PDF-old"
    assert os.listdir(out.parent) == ["binder.pdf"]  # no temporary file left behind


def test_a_browser_that_writes_no_pdf_is_an_error(built, tmp_path, monkeypatch, capsys):
    browser = tmp_path / "not-a-browser"
    browser.write_text("#!/bin/sh\nfor a; do case $a in --print-to-pdf=*) echo hello > \"${a#--print-to-pdf=}\";; esac; done\n")
    browser.chmod(0o755)
    monkeypatch.setenv("CHROMIUM", str(browser))
    out = tmp_path / "binder.pdf"
    assert _print(built, "--mode", "local", "--site", str(built.root / "site"), "--out", str(out)) == 1
    assert capsys.readouterr().err == f"runbooks: {browser} wrote no PDF (is it a headless-capable Chromium?)\n"
    assert not out.exists() and list(Path(tmp_path).glob(".binder.pdf.*")) == []
