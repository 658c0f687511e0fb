"""The site: one page tree per mode, MkDocs straight from the root, atomic builds, live reload."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from generator.cli import runbooks_main

from .conftest import REPO, Project, free_port

BIN = Path(sys.executable).parent

RUNBOOK = """\
title: Restart the API
summary: Bring the API back.
owner: SRE
severity: P1
tags: [api]
alerts: [ApiDown, ApiSlow]
sections:
  - title: Restart
    body: Restart it **carefully**.
    steps:
      - text: Restart the service.
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
checks:
  - id: up
    title: API answers
    http: {url: "{{ api }}/health", status: 200}
"""


def _build(project: Project) -> Project:
    project.write("api", RUNBOOK)
    assert runbooks_main(["--root", str(project.root), "build"]) == 0
    return project


@pytest.fixture
def built(project):
    """A built project of the test's own, for tests that change it."""
    return _build(project)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One build for the tests that only read the site."""
    return _build(Project(tmp_path_factory.mktemp("site") / "proj"))


def read(project, path: str) -> str:
    return (project.root / "site" / path).read_text(encoding="utf-8")


def test_one_page_tree_per_mode_with_only_that_modes_commands(site):
    local, hybrid, aws = (read(site, f"{m}/api/index.html") for m in ("local", "hybrid", "aws"))
    assert "api-local-only" in local and "api-hybrid-only" not in local and "api-aws-only" not in local
    assert "api-hybrid-only" in hybrid and "api-local-only" not in hybrid
    assert "api-aws-only" in aws and "drain-aws-step" in aws and "drain-aws-step" not in local
    assert "http://127.0.0.1:1/health" in local and "http://hybrid.invalid/health" in hybrid


def test_runbook_page_shows_everything_a_responder_needs(site):
    html = read(site, "local/api/index.html")
    for expected in ("Bring the API back.", "SRE", "P1", "Critical", "ApiDown", "ApiSlow",
                     "Restart it <strong>carefully</strong>", 'class="rb-table rb-checks"', "API answers",
                     "task-list-item", "Alert acknowledged", 'data-rb-state="NOTRUN"', "rb-modebar__item--current"):
        assert expected in html, expected
    assert 'href="../../hybrid/api/"' in html  # the mode switcher
    # Copyable: the command is a code block, which Material's JavaScript gives a copy button
    # (clicked in test_browser.py) when this page's config enables content.code.copy.
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.S)
    assert config and "content.code.copy" in json.loads(config.group(1))["features"]
    blocks = re.findall(r'<div class="rb-command[^"]*"><pre>(.*?)</pre></div>', html, re.S)
    assert [re.sub(r"<[^>]+>", "", b).strip() for b in blocks] == ["systemctl --user restart api-local-only"]


def test_mode_home_status_page_and_search_index(site):
    assert "Restart the API" in read(site, "local/index.html")
    assert "API answers" in read(site, "local/status/index.html")
    assert "Restart the API" in read(site, "search/search_index.json")
    home = read(site, "index.html")
    assert all(f'href="{m}/"' in home for m in ("local", "hybrid", "aws"))


def test_site_ships_its_fonts_and_asks_the_web_for_none(built):
    """Type is pinned by fonts inside the site (offline, the same on every machine), with their licences."""
    fonts = built.root / "site" / "assets" / "fonts"
    declared = set(re.findall(r"url\(\./([^)]+)\)", read(built, "assets/fonts/fonts.css")))
    assert declared == {p.name for p in fonts.glob("*.woff2")}
    assert all((fonts / name).read_bytes()[:4] == b"wOF2" for name in declared)
    for licence in ("LICENSE-roboto.txt", "LICENSE-roboto-mono.txt"):
        assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts / licence).read_text(encoding="utf-8")
    page = read(built, "local/api/index.html")
    assert '<link rel="stylesheet" href="../../assets/fonts/fonts.css">' in page
    assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page


def test_failed_build_leaves_previous_site_and_scripts_untouched(built):
    before = {p: p.read_bytes() for p in (built.root / "site").rglob("*") if p.is_file()}
    script = built.root / "checks" / "local" / "api.py"
    script_before = script.read_bytes()
    built.write("api", RUNBOOK.replace("status: 200", "status: teapot").replace("Restart the API", "Changed"))
    assert runbooks_main(["--root", str(built.root), "build"]) == 78
    assert {p: p.read_bytes() for p in before} == before
    assert script.read_bytes() == script_before
    assert not [p for p in built.root.iterdir() if ".building-" in p.name]


def test_mkdocs_build_strict_works_from_the_repository_root(tmp_path):
    out = subprocess.run([str(BIN / "mkdocs"), "build", "--strict", "-q", "-d", str(tmp_path / "s")], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "s" / "local" / "index.html").is_file()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def test_mkdocs_serve_reloads_when_a_runbook_changes(built, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"  # a file, not a pipe nobody reads: mkdocs would block once it filled
    with log.open("w") as sink:
        proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"],
                                cwd=built.root, stdout=subprocess.DEVNULL, stderr=sink)
    url = f"http://127.0.0.1:{port}/local/api/"
    try:
        deadline = time.monotonic() + 180  # generous for a busy machine: the loops end as soon as the page shows
        page = ""
        while time.monotonic() < deadline and "Restart the API" not in page:
            try:
                page = _get(url)
            except OSError:
                time.sleep(0.3)
        assert "Restart the API" in page, log.read_text()
        built.write("api", RUNBOOK.replace("Restart the API", "Reboot the API"))
        while time.monotonic() < deadline and "Reboot the API" not in page:
            time.sleep(0.5)
            try:
                page = _get(url)
            except OSError:
                pass
        assert "Reboot the API" in page, log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_mkdocs_serve_dirty_builds_the_edited_pages_and_keeps_search_whole(built):
    """Under `serve --dirty` only changed pages are built; the search index still holds every page."""
    built.write("other", "title: Other runbook\nsummary: Stays as it is.\nsections:\n  - title: Untouched\n"
                         "    body: Nothing here changes.\n")
    port = free_port()
    proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
                            cwd=built.root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert _poll(f"{base}/local/api/", "Restart the API")
        built.write("api", RUNBOOK.replace("Restart it **carefully**.", "Restart it **gently**."))
        assert _poll(f"{base}/local/api/", "gently")
        locations = {doc["location"].split("#")[0] for doc in json.loads(_get(f"{base}/search/search_index.json"))["docs"]}
        assert {"local/api/", "local/other/", "hybrid/other/"} <= locations
        assert (built.root / ".runbooks" / "serve" / "local" / "api.md").is_file()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_plain_mkdocs_serve_builds_an_edit_like_dirty_and_a_new_title_in_full(built):
    """A plain `mkdocs serve`: a save that changes a runbook's text builds only the pages it changed (the log
    says so); one that changes a title, and so every page's navigation, is followed by a full build."""
    built.write("other", "title: Other runbook\nsummary: Stays as it is.\nsections:\n  - title: Untouched\n"
                         "    body: Nothing here changes.\n")
    port = free_port()
    log = built.root / "serve.log"
    with log.open("w") as sink:
        proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"],
                                cwd=built.root, stdout=sink, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert _poll(f"{base}/local/api/", "Restart the API"), log.read_text()
        built.write("api", RUNBOOK.replace("Restart it **carefully**.", "Restart it **gently**."))
        assert _poll(f"{base}/local/api/", "gently"), log.read_text()
        assert "only runbook text changed" in log.read_text()
        assert "Restart the API" in _get(f"{base}/local/other/")  # its navigation, untouched
        built.write("api", RUNBOOK.replace("title: Restart the API", "title: Revive the API"))
        assert _poll(f"{base}/local/other/", "Revive the API"), log.read_text()  # another page's navigation
        assert "the navigation changed: building every page" in log.read_text()
        locations = {doc["location"].split("#")[0] for doc in json.loads(_get(f"{base}/search/search_index.json"))["docs"]}
        assert {"local/api/", "local/other/", "hybrid/other/"} <= locations
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _poll(url: str, text: str, seconds: float = 60) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if text in _get(url):
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False
