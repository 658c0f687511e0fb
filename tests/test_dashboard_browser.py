"""The dashboard, history strips, stale marks and badges in a real browser (Debian Chromium).

The real ``runbooks demo`` runs twice in a throw-away copy of the repository, so
the store holds two runs and every strip two cells (that is ``make demo``
twice). Then, in the same copy, crafted history (a check alternating
OK/CRITICAL) and a crafted three-day-old result go into the store, and
``runbooks build`` rebuilds the site from it: flapping and stale marks must
show, the rebuild must keep the history, and fresh results must not be stale.
Screenshots: ``tests/artifacts/dashboard-local.png`` and ``runbook-history.png``.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page

from . import test_browser as tb
from .conftest import scratch_dir
from .test_browser import chromium, page  # noqa: F401  (its browser, and a page that fails on JavaScript errors)

pytestmark = pytest.mark.browser

FLAPPING_KEY, STALE_KEY, FRESH_KEY = "search-health/health", "search-health/metrics", "search-health/cache"
CRAFTED_RUNS = 6  # alternating OK/CRITICAL before the two real runs: 6 state changes > 3 (the default limit)


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _demo(root: Path) -> str:
    """Run ``runbooks demo`` once (on free ports: another demo may run at the same time)."""
    return tb.run_demo(root)


def _craft(store: Path) -> None:
    data = json.loads(store.read_text(encoding="utf-8"))
    now = datetime.now(timezone.utc)
    crafted = [{"id": f"crafted{i}", "started_at": _iso(now - timedelta(hours=CRAFTED_RUNS - i + 1)), "commit": "",
                "states": {FLAPPING_KEY: "CRITICAL" if i % 2 else "OK"}} for i in range(CRAFTED_RUNS)]
    data["history"] = crafted + data["history"]
    data["checks"][STALE_KEY]["started_at"] = _iso(now - timedelta(days=3))
    store.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture(scope="module")
def sites() -> Iterator[dict[str, Path]]:
    with scratch_dir("runbooks-dashboard-") as tmp:
        root = tmp / "repo"
        shutil.copytree(tb.REPO, root, ignore=tb.COPY_IGNORE)
        _demo(root)
        output = _demo(root)  # `make demo` twice
        assert "badge(s)" in output, output
        store = root / ".runbooks" / "results" / "local.json"
        history = json.loads(store.read_text(encoding="utf-8"))["history"]
        assert len(history) == 2, [h["started_at"] for h in history]
        shutil.copytree(root / "site", tmp / "demo-site")
        _craft(store)
        crafted = json.loads(store.read_text(encoding="utf-8"))
        build = subprocess.run([str(Path(sys.executable).parent / "runbooks"), "--root", str(root), "build"],
                               capture_output=True, text=True, timeout=180)
        assert build.returncode == 0, build.stdout + build.stderr
        assert json.loads(store.read_text(encoding="utf-8")) == crafted, "the rebuild changed the results store"
        yield {"demo": tmp / "demo-site", "crafted": root / "site"}


@pytest.fixture(scope="module")
def urls(sites: dict[str, Path]) -> Iterator[dict[str, str]]:
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(tb.serve(path)) for name, path in sites.items()}


@pytest.fixture(scope="module")
def site_url(urls: dict[str, str]) -> str:
    """The base URL of test_browser's ``page`` fixture (tests also open the crafted site by full URL)."""
    return urls["demo"]


def _runs_per_strip(pg: Page, scope: str) -> list[int]:
    """The runs each strip of the dashboard draws (its compact strips draw a bar per stretch of a state)."""
    return pg.eval_on_selector_all(f"{scope} .rb-history", "els => els.map(e => Number(e.dataset.rbRuns))")


def test_dashboard_after_two_demo_runs(page: Page, urls: dict[str, str]) -> None:
    page.goto(urls["demo"] + "/local/status/")
    table = page.locator("table.rb-dashboard")
    table.wait_for(state="visible")
    rows = table.locator("tbody tr[data-rb-row-state]")
    assert rows.count() >= 100, "the demo's local mode has well over 100 checks"
    # two demo runs: every check's strip has two cells, one per run
    runs = _runs_per_strip(page, "table.rb-dashboard")
    assert len(runs) == rows.count() and set(runs) == {2}, sorted(set(runs))
    # worst first: the first runbook holds the demo's CRITICAL (the stale session backup)
    first = table.locator("tbody.rb-dashboard__group").first
    assert first.get_attribute("data-rb-group-state") == "CRITICAL"
    assert first.locator("tr[data-rb-row-state]").first.get_attribute("data-rb-row-state") == "CRITICAL"
    states = table.locator("tbody.rb-dashboard__group").evaluate_all("els => els.map(e => e.dataset.rbGroupState)")
    rank = {"CRITICAL": 5, "UNKNOWN": 4, "WARNING": 3, "NOTRUN": 2, "OK": 1, "SKIPPED": 0}
    assert [rank[s] for s in states] == sorted((rank[s] for s in states), reverse=True), states
    # each row links to its runbook page's check
    link = first.locator("tr[data-rb-row-state] a").first
    assert "#check-" in (link.get_attribute("href") or "")
    # fresh results: no stale mark anywhere
    assert page.locator(".rb-stale").count() == 0 and page.locator(".rb-stale-label").count() == 0
    ok_cell = table.locator("path.rb-strip__cell--ok").first
    assert tb._near(tb._rgb(ok_cell.evaluate("el => getComputedStyle(el).fill")), tb.OK_FG)
    crit_cell = table.locator("path.rb-strip__cell--critical").first
    assert tb._near(tb._rgb(crit_cell.evaluate("el => getComputedStyle(el).fill")), tb.CRIT_FG)
    png = tb._screenshot(page, "dashboard-local.png")
    with tb.Image.open(png) as img:
        rgb = img.convert("RGB")
    assert tb._count_near(rgb, tb.CRIT_FG) > 50 and tb._count_near(rgb, tb.OK_FG) > 50


def test_badge_loads_as_an_image(page: Page, urls: dict[str, str]) -> None:
    page.goto(urls["demo"] + "/local/search-health/")
    badge = page.locator("img.rb-badge")
    badge.scroll_into_view_if_needed()
    page.wait_for_function("() => { const i = document.querySelector('img.rb-badge'); return i && i.complete; }")
    width, height = badge.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert width > 60 and height == 20, (width, height)
    with urllib.request.urlopen(urls["demo"] + "/local/search-health/badge.svg", timeout=10) as resp:
        assert resp.headers.get_content_type() == "image/svg+xml"
        assert "search-health: warning" in resp.read().decode()  # the demo's slow search endpoint
    snippet = page.locator("pre code", has_text="badge.svg").inner_text()  # the Markdown to copy into a README
    assert "[![search-health](SITE_URL/local/search-health/badge.svg)](SITE_URL/local/search-health/)" in snippet


def _row(pg: Page, check: str):  # type: ignore[no-untyped-def]
    return pg.locator(f"table.rb-checks tr#check-{check}")


def test_runbook_page_shows_history_flapping_and_stale(page: Page, urls: dict[str, str]) -> None:
    page.goto(urls["crafted"] + "/local/search-health/")
    page.locator("table.rb-checks").wait_for(state="visible")
    flapping = _row(page, FLAPPING_KEY.split("/")[1])
    assert flapping.locator(".rb-history svg rect").count() == CRAFTED_RUNS + 2
    assert flapping.locator(".rb-history").get_attribute("data-rb-runs") == str(CRAFTED_RUNS + 2)
    box = flapping.locator(".rb-history svg").bounding_box()  # drawn at its size, not squeezed by the column
    assert box is not None and box["width"] >= (CRAFTED_RUNS + 2) * 5 and box["height"] >= 12, box
    mark = flapping.locator(".rb-flapping")
    assert mark.is_visible() and "flapping" in mark.inner_text()
    tips = flapping.locator("svg rect title").all_text_contents()
    assert tips[0].endswith(": OK") and tips[1].endswith(": CRITICAL") and " UTC: " in tips[0]
    # the others ran only in the two demo runs, and did not flap
    for check in ("status", "latency", "cache", "metrics"):
        assert _row(page, check).locator(".rb-history svg rect").count() == 2, check
        assert _row(page, check).locator(".rb-flapping").count() == 0, check
    # stale: marked by the browser, older than stale_after (24h); fresh ones are not
    stale = _row(page, STALE_KEY.split("/")[1]).locator(".rb-result")
    stale.locator(".rb-stale-label").wait_for(state="visible")
    assert "rb-stale" in (stale.get_attribute("class") or "")
    assert stale.locator(".rb-stale-label").inner_text().strip().lower() == "stale"
    fresh = _row(page, FRESH_KEY.split("/")[1]).locator(".rb-result")
    assert "rb-stale" not in (fresh.get_attribute("class") or "") and fresh.locator(".rb-stale-label").count() == 0
    assert page.locator("table.rb-checks .rb-stale").count() == 1
    page.locator("#checks").scroll_into_view_if_needed()
    tb._screenshot(page, "runbook-history.png")


def test_dashboard_shows_the_crafted_marks_too(page: Page, urls: dict[str, str]) -> None:
    page.goto(urls["crafted"] + "/local/status/")
    flapping = page.locator(f'tr[id="{FLAPPING_KEY.replace("/", "--")}"]')
    assert flapping.locator(".rb-flapping").is_visible()
    assert flapping.locator(".rb-history").get_attribute("data-rb-runs") == str(CRAFTED_RUNS + 2)
    # one path per state; alternating runs are a bar each, and the strip says its runs in words
    paths = flapping.locator(".rb-history svg path")
    assert paths.count() == 2
    bars = sum((paths.nth(i).get_attribute("d") or "").count("M") for i in range(2))
    assert bars >= CRAFTED_RUNS, bars
    assert (flapping.locator(".rb-history svg title").text_content() or "").startswith(f"last {CRAFTED_RUNS + 2} runs: ")
    stale = page.locator(f'tr[id="{STALE_KEY.replace("/", "--")}"] .rb-result')
    stale.locator(".rb-stale-label").wait_for(state="visible")
    assert page.locator("table.rb-dashboard .rb-stale").count() == 1
