"""The status dashboard of a real team: 1000 checks with a 50-run history, under 1 MB, in real Chromium.

The catalogue is the benchmark's (1000 http checks in ten runbooks) and the
history a month of hourly runs (bench/history.py, shared with `make bench`):
most checks always OK, some with an incident, some flapping, ten CRITICAL
now. The page must stay small enough to open on a phone, and every check must
still be findable, its strip drawn.
"""

from __future__ import annotations

import sys
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser

from generator.site.build import build

from .conftest import REPO, scratch_dir
from .test_browser import open_page, serve
from .test_browser import chromium  # noqa: F401  (the module's browser)

sys.path.insert(0, str(REPO / "bench"))
from history import month_project, state_of  # noqa: E402  (bench/history.py: the benchmark's catalogue, a month of runs)

pytestmark = pytest.mark.browser

CHECKS, RUNS = 1000, 50
LIMIT = 1_000_000  # bytes of HTML


@pytest.fixture(scope="module")
def site() -> Iterator[Path]:
    with scratch_dir("runbooks-dashboard-scale-") as tmp:
        root = tmp / "project"
        assert month_project(root, CHECKS, runs=RUNS) == CHECKS
        build(root, root / "site")
        yield root / "site"


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


def test_the_dashboard_of_1000_checks_and_50_runs_is_under_a_megabyte(site_url: str) -> None:
    with urllib.request.urlopen(f"{site_url}/local/status/", timeout=30) as response:
        html = response.read()
    assert html.count(b'<tr id="bench-') == CHECKS
    assert html.count(b'<svg class="rb-strip"') == CHECKS  # every check has its strip
    assert len(html) <= LIMIT, f"{len(html):,} bytes"


def test_a_failing_check_is_found_and_its_strip_is_drawn(chromium: Browser, site_url: str) -> None:  # noqa: F811
    failing = [i for i in range(CHECKS) if state_of(i, RUNS - 1, RUNS).value == "CRITICAL"]
    assert len(failing) == 10
    first = f"bench-00--c{failing[0]:04d}"
    with open_page(chromium, site_url) as page:
        page.goto("/local/status/")
        row = page.locator(f"tr#{first}")
        assert row.locator('[data-rb-state="CRITICAL"]').is_visible()
        page.get_by_label("only checks that are not OK").check()  # the filter works without a server
        assert row.is_visible() and page.locator('tr[data-rb-row-state="OK"]:visible').count() == 0
        assert page.locator('tr[data-rb-row-state="CRITICAL"]:visible').count() == len(failing)
        strip = row.locator("svg.rb-strip")
        box = strip.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 0
        name = strip.locator("title").text_content() or ""
        assert name.startswith(f"last {RUNS} runs: ") and "3 CRITICAL" in name and "last failure" in name
