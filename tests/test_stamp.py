"""Write-back: results stamped into built pages are idempotent, atomic, escaped,
and identical to what a rebuild renders from the stored results."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from generator.cli import run_checks_main
from generator.format.catalog import load_catalog
from generator.site.build import build
from generator.site.slotindex import INDEX_DIR
from generator.site.slots import SLOT
from generator.site.stamp import filtered_index, stamp_site

HOSTILE = '<script>alert("x")</script><!--/rb--><img src=x onerror=alert(1)> & <b>bold</b>'


@pytest.fixture
def site_project(project, http_server):
    ok = http_server.route("/stamp-ok", body={"status": "ok"})
    bad = http_server.route("/stamp-bad", status=500, body=HOSTILE, headers={"X-Evil": "<script>"})
    project.check("web", f"""\
        - id: up
          title: Up
          http: {{url: "{ok}", status: 200, json: {{status: ok}}}}
        - id: broken
          title: Broken <b>title</b>
          http: {{url: "{bad}", status: 200}}
    """)
    build(project.root, project.root / "site")
    return project


def page(project, path="local/web/index.html") -> str:
    return (project.root / "site" / path).read_text(encoding="utf-8")


def slots(html: str) -> list[str]:
    return [m.group(0) for m in SLOT.finditer(html)]


def run(project, *extra: str) -> int:
    return run_checks_main(["--root", str(project.root), "--mode", "local", "--site", str(project.root / "site"),
                            "-q", *extra])


def test_stamp_shows_results_in_every_page_that_shows_the_check(site_project):
    assert run(site_project) == 1
    runbook, status, home, mode_home = (page(site_project), page(site_project, "local/status/index.html"),
                                        page(site_project, "index.html"), page(site_project, "local/index.html"))
    assert 'data-rb-state="OK"' in runbook and 'data-rb-state="CRITICAL"' in runbook
    assert 'data-rb-state="CRITICAL"' in status and 'data-rb-state="OK"' in status
    assert 'data-rb-state="CRITICAL"' in mode_home  # the runbook's aggregate
    assert "1 critical" in home and "Checks last ran" in home


def test_probe_output_is_escaped(site_project):
    built_slots = len(slots(page(site_project)))
    run(site_project)
    html = page(site_project)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    # the hostile "<!--/rb-->" in the body cannot close a slot: the stamped page has the built page's slots
    assert len(slots(html)) == built_slots
    assert html.count("<!--/rb-->") == built_slots


def test_stamping_is_idempotent(site_project):
    run(site_project)
    first = {p: p.read_bytes() for p in (site_project.root / "site").rglob("*.html")}
    catalog = load_catalog(site_project.root)
    assert stamp_site(site_project.root / "site", filtered_index(catalog), list(catalog.project.modes)) == []
    assert {p: p.read_bytes() for p in first} == first


def test_stamping_again_replaces_the_old_result(site_project, http_server):
    run(site_project)
    assert page(site_project).count('data-rb-state="CRITICAL"') >= 1
    http_server.route("/stamp-bad", body="fine now")
    assert run(site_project) == 0
    html = page(site_project)
    assert 'data-rb-state="CRITICAL"' not in html
    assert "alert" not in html


def test_stamped_page_matches_rebuilt_page(site_project):
    run(site_project)
    stamped = {p: slots(page(site_project, p)) for p in ("local/web/index.html", "local/status/index.html",
                                                          "local/index.html", "index.html")}
    build(site_project.root, site_project.root / "site")
    rebuilt = {p: slots(page(site_project, p)) for p in stamped}
    assert stamped == rebuilt
    assert any('data-rb-state="OK"' in s for s in rebuilt["local/web/index.html"])


def test_stamp_writes_atomically_readers_never_see_a_torn_page(site_project, http_server):
    target = site_project.root / "site" / "local" / "web" / "index.html"
    # Held open, the original inode stays allocated, so a replacement cannot reuse its number.
    original = target.open("rb")
    inode = os.fstat(original.fileno()).st_ino
    torn: list[int] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            text = target.read_text(encoding="utf-8")
            if not text.rstrip().endswith("</html>"):
                torn.append(len(text))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for i in range(15):
            http_server.route("/stamp-bad", status=500 if i % 2 else 200, body=f"round {i} " * 500)
            run(site_project)
    finally:
        stop.set()
        thread.join()
    assert torn == []
    assert target.stat().st_ino != inode  # replaced by rename, not rewritten in place
    original.close()
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_results_survive_rebuild_and_removed_checks_vanish(site_project):
    run(site_project)
    site_project.check("web", """\
        - id: up
          title: Up
          tcp: {host: 127.0.0.1, port: 1}
    """)
    build(site_project.root, site_project.root / "site")
    html = page(site_project)
    assert "broken" not in re.sub(r"<!--.*?-->", "", html.split("rb-checks")[1])
    assert 'data-rb-state="OK"' in html  # 'up' keeps its stored result until it runs again


def test_a_run_of_one_runbook_leaves_the_other_pages_unopened_and_a_moved_slot_is_found_again(site_project,
                                                                                              http_server):
    ok = http_server.route("/stamp-other", body="fine")
    site_project.check("other", f'- {{id: fine, title: Fine, http: {{url: "{ok}", status: 200}}}}')
    build(site_project.root, site_project.root / "site")
    other = site_project.root / "site" / "local" / "other" / "index.html"
    before = other.stat().st_mtime_ns
    assert run(site_project, "--runbook", "web") == 1
    assert other.stat().st_mtime_ns == before, "a page without a check of the run was rewritten"
    assert 'data-rb-state="CRITICAL"' in page(site_project)

    # Something else edits a page: the offsets kept at build time no longer fit; the slots are found again.
    web = site_project.root / "site" / "local" / "web" / "index.html"
    web.write_text("<!-- edited -->" + page(site_project).replace("<article", "<!-- more --><article", 1),
                   encoding="utf-8")
    http_server.route("/stamp-bad", body="fine now")
    assert run(site_project, "--runbook", "web") == 0
    html = page(site_project)
    assert 'data-rb-state="CRITICAL"' not in html and html.startswith("<!-- edited -->")
    assert slots(html) == slots(stamp_rebuilt(site_project))


def stamp_rebuilt(project) -> str:
    """The runbook page as a full stamp (every slot, no index) renders it from the same store."""
    site = project.root / "site"
    shutil.rmtree(site / INDEX_DIR)
    stamp_site(site, filtered_index(load_catalog(project.root)), ["local"])
    return page(project)


def test_the_slot_index_is_kept_per_mode_and_a_lost_part_is_found_again(site_project):
    """A stamp of one mode reads and writes that mode's part of the index (and the top's) only; a part that
    is damaged costs a scan of that mode's pages, not their results."""
    parts = site_project.root / "site" / INDEX_DIR
    assert sorted(p.name for p in parts.glob("*.json")) == ["-.json", "aws.json", "hybrid.json", "local.json"]
    untouched = {p.name: p.stat().st_mtime_ns for p in parts.glob("*.json") if p.stem in ("hybrid", "aws")}
    (parts / "local.json").write_text("{ damaged")
    assert run(site_project) == 1
    assert 'data-rb-state="CRITICAL"' in page(site_project)
    assert "local/web/index.html" in json.loads((parts / "local.json").read_text())
    assert {name: (parts / name).stat().st_mtime_ns for name in untouched} == untouched
    assert slots(page(site_project)) == slots(stamp_rebuilt(site_project))
