"""Pages everyone can use, in real headless Debian Chromium: WCAG 2.1 AA by axe-core
in the light and the dark scheme, every page type at 390 px, the checklist by
keyboard alone, and what a screen reader is told (Chromium's own accessibility tree).

One site for the module (tests/a11y.py): the real ``runbooks demo`` in a copy of
the repository, with crafted results for the states the demo does not produce,
rebuilt. axe reports and screenshots land in ``tests/artifacts/``.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Browser, Page

from . import a11y
from .a11y import CRAFTED, PAGE_TYPES, PHONE, VIEWS, PageType
from .conftest import scratch_dir
from .test_browser import ARTIFACTS, open_page, serve
from .test_browser import chromium  # noqa: F401  (the module's one browser)

pytestmark = pytest.mark.browser

BY_NAME = {p.name: p for p in PAGE_TYPES}
STATES = {"OK": "OK", "WARNING": "WARNING", "CRITICAL": "CRITICAL", "UNKNOWN": "UNKNOWN", "SKIPPED": "SKIPPED",
          "NOTRUN": "NOT RUN", "MAINTENANCE": "MAINTENANCE"}


def _slug(name: str) -> str:
    return name.replace(" ", "-")


@pytest.fixture(scope="module")
def site() -> Iterator[Path]:
    with scratch_dir("runbooks-a11y-") as tmp:
        yield a11y.build_site(tmp / "repo")


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def history(site: Path) -> list[dict[str, Any]]:
    """The local runs the crafted site was built from, oldest first."""
    store = site.parent / ".runbooks" / "results" / "local.json"
    runs: list[dict[str, Any]] = json.loads(store.read_text(encoding="utf-8"))["history"]
    return runs


def _visit(browser: Browser, site_url: str, view: str, **extra: Any) -> Any:
    return open_page(browser, site_url, **{**VIEWS[view], **extra})


# ------------------------------------------------------------------ axe-core

def test_the_crafted_runbook_shows_every_state_in_words(chromium: Browser, site_url: str) -> None:
    """What the axe tests below look at: every result state, stale, flapping, strips and tick boxes."""
    with _visit(chromium, site_url, "light") as page:
        a11y.goto(page, BY_NAME["runbook"])
        checks = page.locator("table.rb-checks")
        for state, word in STATES.items():
            badge = checks.locator(f'[data-rb-state="{state}"]').first
            text = badge.inner_text()
            # Never colour alone: the word and its icon, whatever the colour.
            assert word in text and len(text.replace(word, "").strip()) == 1, (state, text)
        assert checks.locator(".rb-stale-label").inner_text().strip().lower() == "stale"
        banner = page.locator(".rb-maintenance").first  # the active window's banner, shown by runbooks.js
        banner.wait_for(state="visible")
        assert a11y.MAINTENANCE_REASON in banner.inner_text()
        assert checks.locator(".rb-flapping").inner_text().strip().endswith("flapping")
        assert checks.locator(".rb-history svg").count() >= 5
        assert page.locator(".rb-checklist input[type=checkbox]").count() >= 3
        a11y.goto(page, BY_NAME["print checklist"])
        assert page.locator(".rb-print__box").count() >= 3
        for state in STATES:
            assert page.locator(f'.rb-print [data-rb-state="{state}"]').count() >= 1, state


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=[_slug(p.name) for p in PAGE_TYPES])
def test_axe_finds_no_wcag_a_or_aa_violation(chromium: Browser, site_url: str, page_type: PageType,
                                            view: str) -> None:
    if not a11y.AXE.is_file():
        pytest.fail(a11y.AXE_MISSING)
    with _visit(chromium, site_url, view) as page:
        a11y.goto(page, page_type)
        scheme = page.locator("body").get_attribute("data-md-color-scheme")
        assert scheme == ("slate" if view == "dark" else "default"), f"Material picked the {scheme} scheme"
        if page_type.scope:  # a scope that matched nothing would pass vacuously
            assert page.locator(page_type.scope).count() >= 4, page_type.scope
        report = a11y.run_axe(page, page_type.scope)
    out = ARTIFACTS / "axe"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{_slug(page_type.name)}-{view}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    assert report["testEngine"]["version"] == json.loads((a11y.AXE.parent / "package.json").read_text())["version"]
    assert len(report["passes"]) >= 5, "axe looked at nothing"
    found = [f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s), e.g. {v['nodes'][0]['target']}: "
             f"{v['nodes'][0]['failureSummary']}" for v in report["violations"]]
    assert not found, f"{page_type.name}, {view}:\n" + "\n".join(found)


# ------------------------------------------------------------------ phones

def _inside(page: Page, selector: str) -> dict[str, float]:
    box = a11y.critical_box(page, selector)
    assert box is not None, f"nothing visible matches {selector}"
    assert box["left"] >= 0 and box["right"] <= PHONE["width"], f"{selector} is off screen: {box}"
    return box


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=[_slug(p.name) for p in PAGE_TYPES])
def test_every_page_type_fits_a_phone(chromium: Browser, site_url: str, page_type: PageType) -> None:
    with _visit(chromium, site_url, "phone") as page:
        a11y.goto(page, page_type)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"phone-{_slug(page_type.name)}.png"))
        width, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
        # A mobile browser widens its layout viewport to content that overflows: innerWidth says so too.
        assert inner == PHONE["width"] and width <= inner, f"{page_type.name}: {width} px wide at {inner} px"
        _inside(page, page_type.critical)
        page.screenshot(path=str(ARTIFACTS / f"phone-{_slug(page_type.name)}-critical.png"))


@pytest.mark.parametrize("width", [768, 1280])
def test_no_page_type_scrolls_sideways_on_a_tablet_or_a_laptop(chromium: Browser, site_url: str, width: int) -> None:
    """Wider screens too: the dashboard's six columns at 768 px, a runbook's long PromQL targets at 1280 px."""
    with open_page(chromium, site_url, viewport={"width": width, "height": 900}) as page:
        wide = {}
        for page_type in PAGE_TYPES:
            a11y.goto(page, page_type)
            wide[page_type.name] = a11y.overflow(page)
    assert wide == {name: 0 for name in wide}, f"px past {width} px: {wide}"


def _card(page: Page, row: str) -> dict[str, dict[str, float]]:
    """Boxes of a check row's state, title and observed value (px)."""
    boxes: dict[str, dict[str, float]] = page.evaluate(
        """row => {
             const tr = document.querySelector(row);
             tr.scrollIntoView({block: "center"});
             const box = el => { const r = el.getBoundingClientRect();
                                 return {left: r.left, right: r.right, width: r.width, height: r.height}; };
             return {row: box(tr), state: box(tr.querySelector("[data-rb-state]")),
                     title: box(tr.querySelector("td:first-child")),
                     observed: box(tr.querySelector(".rb-observed, .rb-dashboard__observed").closest("td"))};
           }""", row)
    return boxes


@pytest.mark.parametrize("path, row, tallest", [
    ("/local/status/", "table.rb-dashboard tr[data-rb-row-state=CRITICAL]", PHONE["height"] / 2),
    (f"/local/{CRAFTED}/", "table.rb-checks tr:has(> td [data-rb-state=CRITICAL])", PHONE["height"])])
def test_a_check_stays_readable_on_a_phone(chromium: Browser, site_url: str, path: str, row: str,
                                           tallest: float) -> None:
    """State, title and observed value on screen, the title and the observed value each at least half
    the screen wide; a dashboard row at most half a screen tall (a squeezed title column made it a screen)."""
    with _visit(chromium, site_url, "phone") as page:
        page.goto(path)
        card = _card(page, row)
    for part in ("state", "title", "observed"):
        assert card[part]["left"] >= 0 and card[part]["right"] <= PHONE["width"], (part, card)
    assert card["title"]["width"] >= PHONE["width"] / 2 and card["observed"]["width"] >= PHONE["width"] / 2, card
    assert card["row"]["height"] <= tallest, card


def test_code_blocks_scroll_inside_themselves_on_a_phone(chromium: Browser, site_url: str) -> None:
    with _visit(chromium, site_url, "phone") as page:
        a11y.goto(page, BY_NAME["badge snippet"])
        snippet = page.locator("#status-badge ~ div.highlight pre > code").last
        assert "badge.svg" in snippet.inner_text()
        inner, outer, right = snippet.evaluate(
            "el => [el.scrollWidth, el.clientWidth, el.getBoundingClientRect().right]")
        assert inner > outer and right <= PHONE["width"], (inner, outer, right)
        # Material makes a block that scrolls focusable, so a keyboard can scroll it too.
        page.wait_for_function("el => el.getAttribute('tabindex') === '0'", arg=snippet.element_handle())
        page.goto(f"/local/{CRAFTED}/badge.svg")
        assert page.evaluate("() => document.documentElement.getBoundingClientRect().width") <= PHONE["width"]


def test_dashboard_on_a_phone_puts_failures_first_and_filters_without_a_server(chromium: Browser,
                                                                               site: Path) -> None:
    """Opened from the file itself (no server at all): worst first, and "not OK" leaves only what is."""
    url = (site / "local" / "status" / "index.html").as_uri()
    context = chromium.new_context(**VIEWS["phone"])  # not open_page's: it lets nothing but http://127.0.0.1 in
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        page.locator(".rb-stale-label").first.wait_for()
        rows = page.locator("table.rb-dashboard tr[data-rb-row-state]")
        first = rows.first
        assert first.get_attribute("data-rb-row-state") == "CRITICAL"
        assert first.evaluate("el => el.getBoundingClientRect().top") < PHONE["height"] * 1.5, \
            "the first failing check should be about a screen from the top"
        total = rows.count()

        def shown() -> Counter[str]:
            states = rows.evaluate_all(
                "els => els.filter(e => e.getClientRects().length)"
                ".map(e => e.dataset.rbRowState + (e.querySelector('.rb-stale') ? '/stale' : ''))")
            return Counter(states)

        everything = shown()
        assert sum(everything.values()) == total and everything["OK"] >= 100
        page.get_by_role("radio", name="only checks that are not OK").check()
        not_ok = shown()
        assert not_ok["OK"] == 0, not_ok
        assert not_ok == Counter({s: n for s, n in everything.items() if s != "OK"}), (not_ok, everything)
        assert not_ok["CRITICAL"] >= 2 and not_ok["OK/stale"] == 1
        # A runbook's heading stays only while one of its checks does.
        empty = page.locator("tbody.rb-dashboard__group").evaluate_all(
            "els => els.filter(e => e.getClientRects().length && ![...e.querySelectorAll('tr[data-rb-row-state]')]"
            ".some(r => r.getClientRects().length)).map(e => e.id)")
        assert empty == []
        page.screenshot(path=str(ARTIFACTS / "phone-status-dashboard-not-ok.png"))
        page.get_by_role("radio", name="every check").check()
        assert shown() == everything
    finally:
        context.close()
    # Material's search needs a server (or its offline plugin): from a file it cannot load its index.
    assert [e for e in errors if "/search/search_index.js" not in e] == [], f"JavaScript errors on the page: {errors}"


# ------------------------------------------------------------------ keyboard and screen reader

def _ax_node(page: Page, role: str, name: str) -> dict[str, Any]:
    """The node of Chromium's own accessibility tree (what a screen reader reads) with this role and name."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    found = [n for n in nodes if n.get("role", {}).get("value") == role and n.get("name", {}).get("value") == name]
    assert len(found) == 1, f"{len(found)} {role} node(s) named {name!r}"
    node: dict[str, Any] = found[0]
    return node


def _ax_property(node: dict[str, Any], name: str) -> Any:
    return next((p["value"]["value"] for p in node.get("properties", []) if p["name"] == name), None)


def _tab_to(page: Page, selector: str, key: str = "Tab", limit: int = 400) -> None:
    """Press Tab (or Shift+Tab) until the focus is on ``selector``."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("sel => document.activeElement.matches(sel)", selector):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {selector}")


def _focus_ring(page: Page, drawn: str = "") -> bool:
    """Whether the focused element (or the ``drawn`` element beside it, the box Material paints) shows an outline."""
    return bool(page.evaluate(
        """drawn => {
             const el = document.activeElement;
             const s = drawn ? getComputedStyle(el.nextElementSibling, drawn) : getComputedStyle(el);
             return el.matches(":focus-visible") && s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
           }""", drawn))


def test_checklist_by_keyboard_alone(chromium: Browser, site_url: str) -> None:
    """Tab, Space and Enter only: start an incident, tick an item (announced checked, then unchecked),
    copy the list as Markdown, reset; every control shows where the focus is."""
    with open_page(chromium, site_url, timezone_id="UTC", permissions=["clipboard-read", "clipboard-write"]) as page:
        a11y.goto(page, BY_NAME["runbook"])
        first = page.locator(".rb-checklist li.task-list-item").first
        item = first.inner_text().strip()

        # The mode switcher: a link to the same runbook in another mode.
        _tab_to(page, "nav.rb-modebar a")
        assert _focus_ring(page)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/hybrid/" + CRAFTED + "/$"))
        a11y.goto(page, BY_NAME["runbook"])

        _tab_to(page, ".rb-checklist__new")
        assert _focus_ring(page)
        page.keyboard.press("Enter")
        assert not page.locator(".rb-checklist__incident").inner_text().startswith("none yet")

        _tab_to(page, ".rb-checklist input[type=checkbox]")
        assert _focus_ring(page, "::before"), "the focused tick box shows no focus ring"
        assert _ax_property(_ax_node(page, "checkbox", item), "checked") == "false"
        page.keyboard.press("Space")
        assert page.evaluate("() => document.activeElement.checked")
        ticked = _ax_node(page, "checkbox", item)
        assert _ax_property(ticked, "checked") == "true"
        at = first.locator("time").inner_text()
        assert re.fullmatch(r"\d\d:\d\d", at) and ticked.get("description", {}).get("value") == at
        page.keyboard.press("Space")
        assert _ax_property(_ax_node(page, "checkbox", item), "checked") == "false"
        page.keyboard.press("Space")
        at = first.locator("time").inner_text()

        _tab_to(page, ".rb-checklist__copy", key="Shift+Tab")
        assert _focus_ring(page)
        page.keyboard.press("Enter")
        page.locator(".rb-checklist__msg", has_text="Copied").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert f"\n- [x] {item} — {at}\n" in copied and copied.count("- [x] ") == 1, copied
        assert copied.count("- [ ] ") == page.locator(".rb-checklist input[type=checkbox]").count() - 1

        _tab_to(page, ".rb-checklist__reset", key="Shift+Tab")
        assert _focus_ring(page)
        page.once("dialog", lambda dialog: dialog.accept())
        page.keyboard.press("Enter")
        deadline = time.monotonic() + 10
        while _ax_property(_ax_node(page, "checkbox", item), "checked") != "false":
            assert time.monotonic() < deadline, "Reset did not clear the tick"
            page.wait_for_timeout(50)
        assert "Cleared the ticks" in page.locator(".rb-checklist__msg").inner_text()


def test_history_strips_say_their_states_in_words(chromium: Browser, site_url: str,
                                                  history: list[dict[str, Any]]) -> None:
    words = {"NOTRUN": "NOT RUN"}
    with _visit(chromium, site_url, "light") as page:
        a11y.goto(page, BY_NAME["runbook"])
        for check in (a11y.TEN_RUNS, a11y.FLAPPING):
            runs = [(run["started_at"], run["states"][f"{CRAFTED}/{check}"]) for run in history
                    if f"{CRAFTED}/{check}" in run["states"]]
            counts = Counter(state for _, state in runs)
            failed = [at for at, state in runs if state in ("WARNING", "CRITICAL", "UNKNOWN")]
            order = ["OK", "WARNING", "CRITICAL", "UNKNOWN", "SKIPPED", "NOTRUN"]
            said = ", ".join(f"{counts[s]} {words.get(s, s)}" for s in order if counts[s])
            expected = (f"last {len(runs)} runs: {said}, "
                        f"last failure {failed[-1][:10]} {failed[-1][11:16]} UTC")
            svg = page.locator(f"tr#check-{check} .rb-history svg")
            assert svg.get_attribute("aria-label") == expected
            assert _ax_node(page, "image", expected)  # what a screen reader reads out
        assert len(runs) == 10 and counts["CRITICAL"] == 5  # the flapping one: crafted to alternate
        ten = page.locator(f"tr#check-{a11y.TEN_RUNS} .rb-history svg").get_attribute("aria-label") or ""
        assert ten.startswith("last 10 runs: 8 OK, 2 CRITICAL, last failure ")
        # The cells, to the eye: a failure stands taller than a pass, whatever its colour.
        heights = page.locator(f"tr#check-{a11y.TEN_RUNS} .rb-history rect").evaluate_all(
            "els => els.map(e => [e.classList[1], e.getBBox().height])")
        tall = {cls: h for cls, h in heights}
        assert tall["rb-strip__cell--critical"] > tall["rb-strip__cell--ok"], heights
