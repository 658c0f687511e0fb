"""The demo site in a real browser: Debian Chromium driven by Playwright.

One module-scoped run of the real ``runbooks demo`` (in a throw-away copy of
the repository), served over real HTTP on 127.0.0.1, looked at the way an
operator looks at it: state badges visible and coloured, commands copyable,
evidence escaped, Material search answering. Screenshots land in
``tests/artifacts/`` (git-ignored) and are checked pixel by pixel.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator, Sequence

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from generator.site.printing import fontconfig_env

from .conftest import scratch_dir

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
COPY_IGNORE = shutil.ignore_patterns(".venv", "site", ".git", ".demo", ".runbooks", "__pycache__",
                                     "artifacts", ".pytest_cache", "*.egg-info", "node_modules")
# The fixed ports the demo once listened on (the stack, Prometheus, moto_server, HTTPS).
OLD_DEMO_PORTS = (*range(18101, 18106), 18201, 18202, 18090, 18300, 18443)

# Material's copy button: `button.md-clipboard` up to 9.6, a `md-code__button` of type copy since 9.7.
COPY_BUTTON = 'button.md-clipboard, button.md-code__button[data-md-type="copy"]'
# The badge colours of runbooks.css (light scheme).
OK_FG, OK_BG = (0x18, 0x73, 0x3A), (0xE3, 0xF4, 0xE8)
CRIT_FG, CRIT_BG = (0xB3, 0x26, 0x1E), (0xFD, 0xE4, 0xE1)


# ------------------------------------------------------------------ helpers

@contextlib.contextmanager
def holding(ports: Sequence[int]) -> Iterator[None]:
    """Listen on ``ports`` (those still free) for the duration: another program holding common ports."""
    held = []
    try:
        for port in ports:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                sock.bind(("127.0.0.1", port))
                sock.listen(1)
            except OSError as exc:
                sock.close()
                if exc.errno != errno.EADDRINUSE:
                    raise
                continue  # somebody else holds it already: as good
            held.append(sock)
        yield
    finally:
        for sock in held:
            sock.close()


def demo_urls(output: str) -> dict[str, str]:
    """The local mode's URLs a demo printed (``local mode: search_url=http://127.0.0.1:PORT, …``)."""
    line = next(line for line in output.splitlines() if line.strip().startswith("local mode:"))
    return dict(pair.split("=", 1) for pair in line.split(":", 1)[1].strip().split(", "))


def _rgb(css: str) -> tuple[int, int, int]:
    match = re.match(r"rgba?\((\d+),\s*(\d+),\s*(\d+)", css)
    assert match, f"not an rgb() colour: {css!r}"
    r, g, b = (int(v) for v in match.groups())
    return r, g, b


def _near(a: tuple[int, int, int], b: tuple[int, int, int], tol: int = 8) -> bool:
    return max(abs(x - y) for x, y in zip(a, b)) <= tol


def _count_near(rgb: Image.Image, colour: tuple[int, int, int], tol: int = 12) -> int:
    """Pixels of an RGB image within ``tol`` of ``colour`` on every channel."""
    diff = ImageChops.difference(rgb, Image.new("RGB", rgb.size, colour))
    masks = [band.point(lambda v: 255 if v <= tol else 0) for band in diff.split()]
    both = ImageChops.logical_and(ImageChops.logical_and(masks[0].convert("1"), masks[1].convert("1")),
                                  masks[2].convert("1"))
    return both.histogram()[-1]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def demo() -> Iterator[dict[str, object]]:
    """Run the real ``runbooks demo`` in a copy of the repository; yield what it built."""
    with scratch_dir("runbooks-browser-") as tmp:
        yield _run_demo(tmp / "repo")


def _run_demo(root: Path) -> dict[str, object]:
    shutil.copytree(REPO, root, ignore=COPY_IGNORE)
    # Without the backup runbook (its stale backup is the demo's CRITICAL), break search instead.
    has_backup = (root / "runbooks" / "intentbot-backup.yaml").exists()
    # The ports the demo used to have, held by "another program": the demo must not need them.
    with holding(OLD_DEMO_PORTS):
        output = run_demo(root, *([] if has_backup else ["--fail", "search"]))
    site = root / "site"
    assert (site / "local" / "status" / "index.html").is_file(), output
    return {"root": root, "site": site, "critical_runbook": "intentbot-backup" if has_backup else "search-health",
            "urls": demo_urls(output)}


def run_demo(root: Path, *extra: str) -> str:
    """Run ``runbooks demo`` in ``root`` (DEMO_FAIL from the environment left out), which must succeed;
    return its output."""
    cmd = [sys.executable, "-m", "demo", "--root", str(root), *extra]
    env = {k: v for k, v in os.environ.items() if k != "DEMO_FAIL"}
    proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"`{' '.join(cmd)}` exited {proc.returncode}:\n{output}"
    return output


@contextlib.contextmanager
def serve(directory: Path, handler: type[SimpleHTTPRequestHandler] = _QuietHandler) -> Iterator[str]:
    """Serve a built site over real HTTP on 127.0.0.1; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, name=f"serve-{directory.name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextlib.contextmanager
def open_page(browser: Browser, base_url: str, *, permissions: Sequence[str] = (), **context: Any) -> Iterator[Page]:
    """A page at 1280×900, 1x pixels, light scheme (so screenshot colours are runbooks.css's own),
    that reaches nothing but 127.0.0.1 (Material's theme asks Google Fonts for Roboto) and fails
    the test on any JavaScript error."""
    ctx = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, "device_scale_factor": 1,
                                 "color_scheme": "light", "base_url": base_url, **context})
    if permissions:
        ctx.grant_permissions(list(permissions), origin=base_url)
    ctx.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
    errors: list[str] = []
    pg = ctx.new_page()
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.set_default_timeout(10_000)
    try:
        yield pg
    finally:
        ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="module")
def site_url(demo: dict[str, object]) -> Iterator[str]:
    with serve(demo["site"]) as url:  # type: ignore[arg-type]
        yield url


@contextlib.contextmanager
def launched() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright (which never downloads a browser), laying text out
    as `runbooks print` does, whatever this machine's fontconfig hinting."""
    with tempfile.TemporaryDirectory(prefix="runbooks-chromium-") as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=fontconfig_env(Path(tmp)))
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (scripts/system-deps.sh, Debian package chromium)")
    with launched() as browser:
        yield browser


@pytest.fixture
def page(chromium: Browser, site_url: str) -> Iterator[Page]:
    with open_page(chromium, site_url) as pg:
        yield pg


def _screenshot(pg: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    # From the top: Material's sticky header is drawn where the page is scrolled to.
    pg.evaluate("window.scrollTo(0, 0)")
    pg.wait_for_function("window.scrollY === 0")
    pg.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    return path


# ------------------------------------------------------------------ tests

def test_status_page_shows_coloured_states(page: Page) -> None:
    page.goto("/local/status/")
    ok = page.locator('.rb-status [data-rb-state="OK"]')
    crit = page.locator('.rb-status [data-rb-state="CRITICAL"]')
    assert ok.count() >= 1 and crit.count() >= 1, "the status table needs an OK and a CRITICAL check"
    ok.first.wait_for(state="visible")
    crit.first.wait_for(state="visible")
    assert "OK" in ok.first.inner_text() and "CRITICAL" in crit.first.inner_text()

    style = "el => { const s = getComputedStyle(el); return [s.backgroundColor, s.color]; }"
    ok_bg, ok_fg = (_rgb(c) for c in ok.first.evaluate(style))
    crit_bg, crit_fg = (_rgb(c) for c in crit.first.evaluate(style))
    assert ok_bg[1] > ok_bg[0] and ok_bg[1] > ok_bg[2], f"OK background not green-ish: {ok_bg}"
    assert ok_fg[1] > ok_fg[0] and ok_fg[1] > ok_fg[2], f"OK text not green-ish: {ok_fg}"
    assert crit_bg[0] > crit_bg[1] and crit_bg[0] > crit_bg[2], f"CRITICAL background not red-ish: {crit_bg}"
    assert crit_fg[0] > crit_fg[1] + 60 and crit_fg[0] > crit_fg[2] + 60, f"CRITICAL text not red: {crit_fg}"
    assert _near(ok_bg, OK_BG) and _near(ok_fg, OK_FG), (ok_bg, ok_fg)
    assert _near(crit_bg, CRIT_BG) and _near(crit_fg, CRIT_FG), (crit_bg, crit_fg)

    png = _screenshot(page, "status-local.png")
    with Image.open(png) as img:
        rgb = img.convert("RGB")
    counts = {name: _count_near(rgb, colour) for name, colour in
              {"OK background": OK_BG, "OK text": OK_FG,
               "CRITICAL background": CRIT_BG, "CRITICAL text": CRIT_FG}.items()}
    for name, n in counts.items():
        assert n > 50, f"{png}: only {n} pixels near the {name} colour ({counts})"


def test_runbook_page(page: Page, demo: dict[str, object]) -> None:
    page.goto("/local/search-health/")
    modebar = page.locator("nav.rb-modebar")
    modebar.wait_for(state="visible")
    current = modebar.locator(".rb-modebar__item--current")
    assert current.count() == 1 and current.inner_text().strip() == "Local"
    assert modebar.locator("a.rb-modebar__item", has_text="Hybrid").count() == 1

    # Commands: code blocks, each with Material's copy button (added by its JavaScript).
    commands = page.locator("div.rb-command")
    assert commands.count() >= 3
    commands.first.locator(COPY_BUTTON).wait_for(state="attached")
    for i in range(commands.count()):
        block = commands.nth(i)
        assert block.locator("pre code").count() == 1
        assert block.locator(COPY_BUTTON).count() == 1, f"command block {i} has no copy button"
    # The URL of the search service as the demo ran it (a free port, from the demo's vars_file).
    search_url = demo["urls"]["search_url"]  # type: ignore[index]
    assert search_url != "http://127.0.0.1:18102"
    assert f"curl -fsS {search_url}/health" in commands.first.locator("code").inner_text()

    # Checks table: one stamped result per check (none left "not run").
    rows = page.locator("table.rb-checks tbody tr")
    assert rows.count() >= 4
    for i in range(rows.count()):
        assert rows.nth(i).locator("[data-rb-state]").count() == 1, rows.nth(i).inner_text()
    assert page.locator('table.rb-checks [data-rb-state="NOTRUN"]').count() == 0
    _assert_evidence_escaped(page, minimum=1)
    _screenshot(page, "runbook-search-health.png")

    if demo["critical_runbook"] != "search-health":
        page.goto(f"/local/{demo['critical_runbook']}/")
        assert page.locator('table.rb-checks [data-rb-state="CRITICAL"]').count() >= 1
        _assert_evidence_escaped(page, minimum=1)


def _assert_evidence_escaped(page: Page, minimum: int) -> None:
    evidence = page.locator("details.rb-evidence")
    assert evidence.count() >= minimum, "a failing check should show its evidence"
    assert page.locator(".rb-evidence script").count() == 0, "raw <script> inside evidence"
    for i in range(evidence.count()):
        details = evidence.nth(i)
        details.locator("summary").click()
        assert details.evaluate("el => el.open")
        assert details.locator("summary").inner_text().strip()
        # Evidence from probed systems is plain text: no element inside <pre>.
        pres = details.locator("pre")
        for j in range(pres.count()):
            assert pres.nth(j).evaluate("el => el.children.length") == 0, pres.nth(j).inner_html()
            assert pres.nth(j).inner_text().strip()


def test_aws_view_shows_moto_results_and_leaves_real_hosts_not_run(page: Page) -> None:
    page.goto("/aws/search-incident/")
    alarms = page.locator("table.rb-checks tbody tr", has_text="No search service CloudWatch alarm is firing")
    assert alarms.locator('[data-rb-state="CRITICAL"]').count() == 1, alarms.inner_text()
    assert "search-p95-latency" in alarms.inner_text()
    _assert_evidence_escaped(page, minimum=1)
    assert "Threshold Crossed: 3 datapoints [231.4" in page.locator("details.rb-evidence pre").first.inner_text()
    # The http checks of the aws mode target real hosts: the demo does not run them.
    assert page.locator('table.rb-checks [data-rb-state="NOTRUN"]').count() >= 1

    page.goto("/aws/omnichat-deploy/")
    for title in ("live (blue) OmniChat ECS service", "green OmniChat ECS service"):
        row = page.locator("table.rb-checks tbody tr", has_text=title)
        assert row.locator('[data-rb-state="OK"]').count() == 1, row.inner_text()
    _screenshot(page, "runbook-aws-omnichat-deploy.png")


def test_search_finds_runbooks(page: Page) -> None:
    page.goto("/local/")
    assert page.locator('table.rb-runbooks [data-rb-state]').count() >= 2
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        page.locator('label.md-header__button[for="__search"]').click()
    results = page.locator(".md-search-result__item")
    # Search runs in a web worker that first loads search/search_index.json; a query
    # typed before it is ready is not answered, so type it again until results show.
    deadline = time.monotonic() + 15
    while True:
        box.click()
        box.fill("")
        box.press_sequentially("health", delay=20)
        try:
            results.first.wait_for(state="visible", timeout=1_500)
            break
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise AssertionError("no search results for 'health' within 15 s "
                                     "(the worker reads search/search_index.json)") from None
    assert results.count() >= 1
    assert "health" in page.locator(".md-search-result").inner_text().lower()


def test_slo_checks_show_what_the_real_prometheus_answered(page: Page, demo: dict[str, object]) -> None:
    page.goto("/local/search-health/")
    p95 = page.locator("table.rb-checks tbody tr", has_text="p95 search latency")
    assert p95.count() == 1
    prometheus_url = demo["urls"]["prometheus_url"]  # type: ignore[index]
    assert f"PromQL at {prometheus_url}: histogram_quantile(0.95" in p95.inner_text()
    # Search is slower than its 100 ms SLO on purpose: WARNING, naming the series Prometheus returned.
    assert p95.locator("[data-rb-state]").get_attribute("data-rb-state") == "WARNING"
    assert '{service="search"} 0.' in p95.inner_text()
    uptime = page.locator("table.rb-checks tbody tr", has_text="Uptime above 99.9 %")
    assert uptime.locator("[data-rb-state]").get_attribute("data-rb-state") == "OK"
    assert '{service="search"} 1' in uptime.inner_text()
