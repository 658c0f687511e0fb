"""The status dashboard, history strips and badges in built and stamped pages, from
crafted stores: order worst first, flapping marks, the staleness attributes the
browser reads, escaping, and badge files. (The browser side: test_dashboard_browser.py.)"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from generator.cli import run_checks_main
from generator.errors import ConfigError
from generator.format.catalog import load_catalog
from generator.run.results import Result, State
from generator.run.store import RunInfo, record_run
from generator.site.build import build

HOSTILE = '<script>alert(1)</script>"&'


@pytest.fixture
def three(project, http_server):
    """Runbooks alpha (OK), bravo (one CRITICAL among OKs) and charlie (WARNING), not run yet."""
    up = http_server.route("/dash-up", body="ok")
    for runbook, checks in {"alpha": ["a1"], "bravo": ["b1", "b2", "b3"], "charlie": ["c1", "c2"]}.items():
        items = "".join(f"  - id: {c}\n    title: {json.dumps(f'Check {c} {HOSTILE}')}\n"
                        f"    http: {{url: \"{up}\", status: 200}}\n" for c in checks)
        project.write(runbook, f"title: {runbook.title()} runbook\nsummary: test\nchecks:\n{items}")
    return project


def record(project, states: dict[str, str], at: str) -> None:
    results = [Result("local", key.split("/")[0], key.split("/")[1], key, "http", State(state), f"summary {HOSTILE}",
                      reason="assertion" if state != "OK" else "", observed=f"seen {HOSTILE}", started_at=at)
               for key, state in states.items()]
    keep = {c.key for v in load_catalog(project.root).views("local") for c in v.active_checks}
    record_run(project.root, RunInfo("local", at, ""), results, keep)


def page(project, path: str) -> str:
    return (project.root / "site" / path).read_text(encoding="utf-8")


def dashboard_rows(html: str) -> list[str]:
    return re.findall(r'<tr id="([a-z0-9-]+--[a-z0-9-]+)" data-rb-row-state', html)


def test_dashboard_lists_every_check_worst_first_by_runbook(three):
    record(three, {"alpha/a1": "OK", "bravo/b1": "OK", "bravo/b2": "CRITICAL", "bravo/b3": "OK",
                   "charlie/c1": "WARNING"}, "2026-01-01T00:00:00Z")
    build(three.root, three.root / "site")
    html = page(three, "local/status/index.html")
    groups = re.findall(r'<tbody id="([a-z]+)" class="rb-dashboard__group" data-rb-group-state="([A-Z]+)"', html)
    assert groups == [("bravo", "CRITICAL"), ("charlie", "WARNING"), ("alpha", "OK")]
    # within a runbook: worst first, then the runbook's own order; a check that has not run is listed too
    assert dashboard_rows(html) == ["bravo--b2", "bravo--b1", "bravo--b3", "charlie--c1", "charlie--c2", "alpha--a1"]
    assert 'href="../bravo/#check-b2"' in html and 'href="../bravo/"' in html
    row = html.split('<tr id="bravo--b2"', 1)[1].split("</tr>", 1)[0]
    assert 'data-rb-state="CRITICAL"' in row and '</td>\n<td>assertion</td>' in row
    # the stale limit is said once, on the table; each result carries its time
    assert '<table class="rb-table rb-status rb-dashboard" data-rb-stale-after="86400">' in html
    assert 'data-rb-ran="2026-01-01T00:00:00Z"' in row and "data-rb-stale-after" not in row
    assert "seen &lt;script&gt;alert(1)&lt;/script&gt;&#34;&amp;" in row and "<script>alert" not in html
    not_run = html.split('<tr id="charlie--c2"', 1)[1].split("</tr>", 1)[0]
    assert 'data-rb-state="NOTRUN"' in not_run and "data-rb-ran" not in not_run


def test_strips_have_a_cell_per_run_and_flapping_past_the_limit(three):
    three.write("_project", (three.root / "runbooks/_project.yaml").read_text()
                + "stale_after: 2h\nhistory: {keep: 10, flapping: 2}\n")
    flips = ["OK", "CRITICAL", "OK", "CRITICAL"]  # 3 changes > 2
    for i, state in enumerate(flips):
        record(three, {"bravo/b1": state, "bravo/b2": "OK" if i < 3 else "CRITICAL"}, f"2026-01-01T00:0{i}:00Z")
    build(three.root, three.root / "site")
    for path in ("local/bravo/index.html", "local/status/index.html"):
        html = page(three, path)
        b1 = html.split('id="check-b1"' if "bravo/index" in path else 'id="bravo--b1"', 1)[1].split("</tr>", 1)[0]
        b2 = html.split('id="check-b2"' if "bravo/index" in path else 'id="bravo--b2"', 1)[1].split("</tr>", 1)[0]
        assert 'data-rb-runs="4"' in b1 and "rb-flapping" in b1
        assert 'data-rb-runs="4"' in b2 and "rb-flapping" not in b2  # one change
        if "bravo/index" in path:  # the runbook page: a titled cell per run
            assert b1.count("<rect ") == 4 and 'data-rb-stale-after="7200"' in b1
            assert re.findall(r"rb-strip__cell--([a-z]+)", b1) == ["ok", "critical", "ok", "critical"]
            assert "<title>2026-01-01 00:01:00 UTC: CRITICAL</title>" in b1
        else:  # the dashboard: one bar per stretch of a state, one path per state, the strip titled in words
            assert re.findall(r'<path class="rb-strip__cell--([a-z]+)" d="([^"]+)"/>', b1) == [
                ("ok", "M0 7h9v7H0zM20 7h9v7H20z"), ("critical", "M10 0h9v14H10zM30 0h9v14H30z")]
            assert re.findall(r'<path class="rb-strip__cell--([a-z]+)" d="([^"]+)"/>', b2) == [
                ("ok", "M0 7h29v7H0z"), ("critical", "M30 0h9v14H30z")]
            assert "<title>last 4 runs: 2 OK, 2 CRITICAL, last failure 2026-01-01 00:03 UTC</title>" in b1
            assert 'data-rb-stale-after="7200">' in html
    b3 = page(three, "local/bravo/index.html").split('id="check-b3"', 1)[1].split("</tr>", 1)[0]
    assert 'data-rb-runs="0"' in b3 and "no history yet" in b3


def test_stamped_dashboard_and_strips_match_a_rebuild(three):
    build(three.root, three.root / "site")
    assert run_checks_main(["--root", str(three.root), "--mode", "local", "--site", str(three.root / "site"), "-q"]) == 0
    assert run_checks_main(["--root", str(three.root), "--mode", "local", "--site", str(three.root / "site"), "-q"]) == 0
    paths = ["local/status/index.html", "local/bravo/index.html", "local/bravo/badge.svg"]
    stamped = {p: page(three, p) for p in paths}
    assert stamped["local/bravo/index.html"].count('data-rb-runs="2"') == 3
    build(three.root, three.root / "site")
    rebuilt = {p: page(three, p) for p in paths}
    slot = re.compile(r"<!--rb:(dashboard|history):.*?<!--/rb-->", re.S)
    for path in paths[:2]:
        assert slot.findall(stamped[path]) and [m.group(0) for m in slot.finditer(stamped[path])] == \
            [m.group(0) for m in slot.finditer(rebuilt[path])]
    assert stamped["local/bravo/badge.svg"] == rebuilt["local/bravo/badge.svg"]


def badge(project, runbook: str) -> ET.Element:
    return ET.fromstring(page(project, f"local/{runbook}/badge.svg"))


def badge_text(project, runbook: str) -> str:
    return badge(project, runbook).findtext("{http://www.w3.org/2000/svg}title") or ""


def test_badges_say_passing_failing_warning_or_not_run(three):
    build(three.root, three.root / "site")
    assert {r: badge_text(three, r) for r in ("alpha", "bravo", "charlie")} == \
        {"alpha": "alpha: not run", "bravo": "bravo: not run", "charlie": "charlie: not run"}
    record(three, {"alpha/a1": "OK", "bravo/b1": "CRITICAL", "bravo/b2": "CRITICAL", "charlie/c1": "WARNING",
                   "charlie/c2": "OK"}, "2026-01-01T00:00:00Z")
    build(three.root, three.root / "site")
    assert {r: badge_text(three, r) for r in ("alpha", "bravo", "charlie")} == \
        {"alpha": "alpha: passing", "bravo": "bravo: 2 failing", "charlie": "charlie: warning"}
    fills = [r.get("fill") for r in badge(three, "bravo").iter("{http://www.w3.org/2000/svg}rect")]
    assert "#b3261e" in fills
    # the image's alt text says what the image says
    assert '<img class="rb-badge" src="badge.svg" alt="bravo: 2 failing">' in page(three, "local/bravo/index.html")
    assert 'alt="charlie: warning"' in page(three, "local/charlie/index.html")
    assert "SITE_URL/local/bravo/badge.svg" in page(three, "local/bravo/index.html")
    assert "set <code>site_url</code> in <code>mkdocs.yml</code>" in page(three, "local/bravo/index.html")


def test_site_url_makes_the_badge_snippet_and_the_address_on_paper_real(three):
    three.set_site_url("https://ops.example.com/runbooks")
    build(three.root, three.root / "site")
    html = page(three, "local/bravo/index.html")
    text = re.sub(r"<[^>]+>", "", html)  # the snippet is highlighted: spans inside
    assert ("[![bravo](https://ops.example.com/runbooks/local/bravo/badge.svg)]"
            "(https://ops.example.com/runbooks/local/bravo/)") in text
    assert "SITE_URL" not in html and "set <code>site_url</code>" not in html
    assert "Online: <code>https://ops.example.com/runbooks/local/bravo/</code>" in page(three, "local/bravo/print/index.html")


def test_run_checks_refreshes_badges(three, http_server):
    build(three.root, three.root / "site")
    before = (three.root / "site/local/alpha/badge.svg").stat().st_ino
    run_checks_main(["--root", str(three.root), "--mode", "local", "--site", str(three.root / "site"), "-q"])
    assert badge_text(three, "alpha") == "alpha: passing"
    assert 'alt="alpha: passing"' in page(three, "local/alpha/index.html")  # stamped with the badge
    assert (three.root / "site/local/alpha/badge.svg").stat().st_ino != before  # replaced by rename


def _luminance(colour: str) -> float:
    hex6 = "".join(c * 2 for c in colour[1:]) if len(colour) == 4 else colour[1:]
    channels = [int(hex6[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("states", [{}, {"bravo/b1": "OK", "bravo/b2": "OK", "bravo/b3": "OK"},
                                    {"bravo/b1": "CRITICAL"}, {"bravo/b1": "WARNING"}, {"bravo/b1": "UNKNOWN"}])
def test_badge_text_meets_wcag_aa_contrast(three, states):
    """White 11 px text on both halves of every badge: 4.5:1 at least (shields' green gives 2.1:1)."""
    if states:
        record(three, states, "2026-01-01T00:00:00Z")
    build(three.root, three.root / "site")
    svg = badge(three, "bravo")
    ns = "{http://www.w3.org/2000/svg}"
    halves = [r.get("fill") for r in svg.find(f"{ns}g").iter(f"{ns}rect")][:2]
    text = svg.findall(f"{ns}g")[1].get("fill")
    assert text == "#fff" and len(halves) == 2
    for fill in halves:
        assert _contrast(text, fill) >= 4.5, f"{badge_text(three, 'bravo')}: {fill} gives {_contrast(text, fill):.2f}:1"


def test_badge_text_is_escaped():
    from generator.site.badges import badge_svg

    svg = badge_svg('a<b>&"c', "1 failing", "#e05d44")
    root = ET.fromstring(svg)
    assert root.findtext("{http://www.w3.org/2000/svg}title") == 'a<b>&"c: 1 failing'
    assert "<b>" not in svg


def test_history_and_stale_after_are_validated(three):
    three.write("_project", (three.root / "runbooks/_project.yaml").read_text()
                + "stale_after: soon\nhistory: {keep: 0, flapping: x, size: 3}\n")
    with pytest.raises(ConfigError) as info:
        load_catalog(three.root)
    assert [str(d) for d in info.value.diagnostics] == [
        "runbooks/_project.yaml:13:1: stale_after: expected a duration such as 30s, 5m, 26h or 7d, got 'soon'",
        "runbooks/_project.yaml:14:11: history.keep: expected an integer >= 1, got 0",
        "runbooks/_project.yaml:14:20: history.flapping: expected an integer >= 1, got 'x'",
        "runbooks/_project.yaml:14:33: history: unknown key 'size'; expected one of: keep, flapping",
    ]
