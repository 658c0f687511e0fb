"""The demo site in a real browser: Debian Chromium driven by Playwright.

One module-scoped run of the real ``runbooks demo`` (in a throw-away copy of
the repository), served over real HTTP on 127.0.0.1, looked at the way an
operator looks at it: state badges visible and coloured, commands copyable,
evidence escaped, Material search answering. Screenshots land in
``tests/artifacts/`` (git-ignored) and are checked pixel by pixel.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
COPY_IGNORE = shutil.ignore_patterns(".venv", "site", ".git", ".demo", ".runbooks", "__pycache__",
                                     "artifacts", ".pytest_cache", "*.egg-info")
# How long to wait for another demo to release the stack's ports.
PORT_WAIT = 20.0

# The badge colours of runbooks.css (light scheme).
OK_FG, OK_BG = (0x1B, 0x7F, 0x3B), (0xE3, 0xF4, 0xE8)
CRIT_FG, CRIT_BG = (0xB3, 0x26, 0x1E), (0xFD, 0xE4, 0xE1)


# ------------------------------------------------------------------ helpers

def _demo_ports() -> list[int]:
    from generator.demo.stack import SERVICES, TCP_SERVICES

    return [s.port for s in SERVICES.values()] + [t.port for t in TCP_SERVICES.values()]


def _busy_ports(ports: list[int]) -> list[int]:
    busy = []
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    busy.append(port)
                else:
                    raise
    return busy


def _wait_for_ports(ports: list[int], timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    busy = _busy_ports(ports)
    while busy and time.monotonic() < deadline:
        time.sleep(0.5)
        busy = _busy_ports(ports)
    return busy


def _ports_busy_outcome(detail: str) -> None:
    message = (f"the demo stack's ports are taken ({detail}); another `runbooks demo` or demo stack "
               f"is running on 127.0.0.1 — stop it and rerun")
    if os.environ.get("CI"):
        pytest.fail(message + " (never skipped under CI)")
    pytest.skip(message)


def _rgb(css: str) -> tuple[int, int, int]:
    match = re.match(r"rgba?\((\d+),\s*(\d+),\s*(\d+)", css)
    assert match, f"not an rgb() colour: {css!r}"
    r, g, b = (int(v) for v in match.groups())
    return r, g, b


def _near(a: tuple[int, int, int], b: tuple[int, int, int], tol: int = 8) -> bool:
    return max(abs(x - y) for x, y in zip(a, b)) <= tol


def _count_near(png: Path, colour: tuple[int, int, int], tol: int = 12) -> int:
    """Pixels of the image within ``tol`` of ``colour`` on every channel."""
    from PIL import Image, ImageChops

    with Image.open(png) as img:
        rgb = img.convert("RGB")
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
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Run the real ``runbooks demo`` in a copy of the repository; return what it built."""
    root = tmp_path_factory.mktemp("browser") / "repo"
    shutil.copytree(REPO, root, ignore=COPY_IGNORE)
    runbooks = Path(sys.executable).parent / "runbooks"
    assert runbooks.exists(), f"{runbooks} missing: install the project (`make test` does)"
    # Without the backup runbook (its stale backup is the demo's CRITICAL), break search instead.
    has_backup = (root / "runbooks" / "intentbot-backup.yaml").exists()
    cmd = [str(runbooks), "--root", str(root), "demo"] + ([] if has_backup else ["--fail", "search"])
    env = {k: v for k, v in os.environ.items() if k != "DEMO_FAIL"}

    ports = _demo_ports()
    for attempt in range(2):
        busy = _wait_for_ports(ports, PORT_WAIT)
        if busy and not os.environ.get("CI"):
            _ports_busy_outcome(f"ports {', '.join(map(str, busy))} in use for {PORT_WAIT:g}s")
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=120)
        output = proc.stdout + proc.stderr
        if proc.returncode != 0 and "is in use" in output and attempt == 0:
            continue  # lost a race with another demo: wait for the ports once more
        break
    if proc.returncode != 0 and "is in use" in output and not os.environ.get("CI"):
        _ports_busy_outcome(output.strip().splitlines()[-1])
    assert proc.returncode == 0, f"`{' '.join(cmd)}` exited {proc.returncode}:\n{output}"
    site = root / "site"
    assert (site / "local" / "status" / "index.html").is_file(), output
    return {"root": root, "site": site, "critical_runbook": "intentbot-backup" if has_backup else "search-health"}


@pytest.fixture(scope="module")
def site_url(demo: dict[str, object]) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(demo["site"]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (scripts/system-deps.sh, Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium: object, site_url: str) -> Iterator[object]:
    # Light scheme and 1x pixels: the colours in the screenshots are then runbooks.css's own.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1,  # type: ignore[attr-defined]
                                   color_scheme="light", base_url=site_url)
    errors: list[str] = []
    pg = context.new_page()
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.set_default_timeout(10_000)
    try:
        yield pg
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def _screenshot(pg: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    pg.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    assert path.stat().st_size > 0
    return path


# ------------------------------------------------------------------ tests

def test_status_page_shows_coloured_states(page: object) -> None:
    page.goto("/local/status/")  # type: ignore[attr-defined]
    ok = page.locator('.rb-status [data-rb-state="OK"]')  # type: ignore[attr-defined]
    crit = page.locator('.rb-status [data-rb-state="CRITICAL"]')  # type: ignore[attr-defined]
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
    counts = {name: _count_near(png, colour) for name, colour in
              {"OK background": OK_BG, "OK text": OK_FG,
               "CRITICAL background": CRIT_BG, "CRITICAL text": CRIT_FG}.items()}
    for name, n in counts.items():
        assert n > 50, f"{png}: only {n} pixels near the {name} colour ({counts})"


def test_runbook_page(page: object, demo: dict[str, object]) -> None:
    page.goto("/local/search-health/")  # type: ignore[attr-defined]
    modebar = page.locator("nav.rb-modebar")  # type: ignore[attr-defined]
    modebar.wait_for(state="visible")
    current = modebar.locator(".rb-modebar__item--current")
    assert current.count() == 1 and current.inner_text().strip() == "Local"
    assert modebar.locator("a.rb-modebar__item", has_text="Hybrid").count() == 1

    # Commands: code blocks, each with Material's copy button (added by its JavaScript).
    commands = page.locator("div.rb-command")  # type: ignore[attr-defined]
    assert commands.count() >= 3
    commands.first.locator("button.md-clipboard").wait_for(state="attached")
    for i in range(commands.count()):
        block = commands.nth(i)
        assert block.locator("pre code").count() == 1
        assert block.locator("button.md-clipboard").count() == 1, f"command block {i} has no copy button"
    assert "curl -fsS http://127.0.0.1:18102/health" in commands.first.locator("code").inner_text()

    # Checks table: a result per check.
    rows = page.locator("table.rb-checks tbody tr")  # type: ignore[attr-defined]
    assert rows.count() == 5
    assert rows.locator("[data-rb-state]").count() == 5
    assert page.locator('table.rb-checks [data-rb-state="NOTRUN"]').count() == 0  # type: ignore[attr-defined]
    _assert_evidence_escaped(page, minimum=1)
    _screenshot(page, "runbook-search-health.png")

    if demo["critical_runbook"] != "search-health":
        page.goto(f"/local/{demo['critical_runbook']}/")  # type: ignore[attr-defined]
        assert page.locator('table.rb-checks [data-rb-state="CRITICAL"]').count() >= 1  # type: ignore[attr-defined]
        _assert_evidence_escaped(page, minimum=1)


def _assert_evidence_escaped(page: object, minimum: int) -> None:
    evidence = page.locator("details.rb-evidence")  # type: ignore[attr-defined]
    assert evidence.count() >= minimum, "a failing check should show its evidence"
    assert page.locator(".rb-evidence script").count() == 0, "raw <script> inside evidence"  # type: ignore[attr-defined]
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


def test_search_finds_runbooks(page: object) -> None:
    page.goto("/local/")  # type: ignore[attr-defined]
    assert page.locator('table.rb-runbooks [data-rb-state]').count() >= 2  # type: ignore[attr-defined]
    box = page.locator("input.md-search__input")  # type: ignore[attr-defined]
    if not box.is_visible():
        page.locator('label.md-header__button[for="__search"]').click()  # type: ignore[attr-defined]
    box.click()
    box.fill("health")
    results = page.locator(".md-search-result__item")  # type: ignore[attr-defined]
    results.first.wait_for(state="visible", timeout=15_000)
    assert results.count() >= 1
    assert "health" in page.locator(".md-search-result").inner_text().lower()  # type: ignore[attr-defined]
