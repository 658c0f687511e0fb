"""Paper and the interactive checklist, in real headless Debian Chromium.

The shipped runbooks are built in a throw-away copy of the repository, the
platform incident checks run once (against whatever answers on the demo
ports: results carry a time either way), and the site is served over HTTP on
127.0.0.1. Each mode's incident checklist is printed to PDF (Playwright's
``page.pdf`` and, for the binder, ``runbooks print``), read back with
poppler's ``pdftotext``/``pdfinfo``, and checked for its mode's commands
only, no site chrome, and its page count. Text is matched with its whitespace
removed, so no assertion rests on where a line wraps. ``pdffonts`` and
``pdftohtml -xml`` check that the text is set in the bundled faces
(site_templates/docs/assets/fonts/), whatever fonts the machine has.
Screenshots of the print page as printed land in
``tests/artifacts/print-<mode>.png``.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import Browser, Page

from generator.format.catalog import load_catalog
from generator.site.printing import find_chromium, print_url
from generator.site.render import incident_views

from .conftest import closed_port
from .test_browser import ARTIFACTS, COPY_IGNORE, REPO, _QuietHandler, _rgb, open_page, serve
from .test_browser import chromium  # noqa: F401  (the shared browser fixture)

pytestmark = pytest.mark.browser

MODES = ("local", "hybrid", "aws")
RUNBOOK = "platform-incident"
COMMIT = "feedc0ffee1234567890"
PAGE_LIMIT = 2
# The light "not run" badge of runbooks.css (--rb-muted-bg, --rb-muted).
NOTRUN_BG, NOTRUN_FG = (0xEC, 0xEF, 0xF1), (0x5F, 0x63, 0x68)
# Site chrome that must never reach paper: the header and its search, the mode
# tabs, the footer, the print page's own screen bar.
CHROME_TEXT = ("Skip to content", "Initializing search", "Made with", "Material for MkDocs", "Back to top",
               "Laid out for A4", "← Back", "Home")
FONTS = REPO / "site_templates" / "docs" / "assets" / "fonts"
# Faces every checklist sets text in: body, bold headings and badges, commands.
PAPER_FACES = {"Roboto-Regular", "Roboto-Bold", "RobotoMono-Regular"}
# The one system family a page may fall back to, and only for what the bundled faces lack (○).
SYMBOL_FALLBACK = ("DejaVuSans",)


def _require(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: `make test` installs it (scripts/system-deps.sh, Debian poppler-utils)")


def _squash(text: str) -> str:
    """Text without whitespace: a line may wrap anywhere (a long command, a name in a table cell)."""
    return re.sub(r"\s+", "", text)


def _pdftotext(pdf: Path, page: int | None = None) -> str:
    """The text in the order Chromium drew it (-raw): a wrapped table cell's lines stay together
    (-layout interleaves the columns) and a hyphen at a line end stays (the default mode drops it)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-raw", *pages, str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def _print(page: Page, pdf: Path, paper: str) -> None:
    """``page.pdf`` once the faces the paper needs have loaded: one first needed by the print styles
    is fetched only when print layout asks for it, and under ``font-display: block`` it would print blank."""
    page.emulate_media(media="print")
    page.evaluate("async () => { document.body.getBoundingClientRect(); await document.fonts.ready; }")
    page.pdf(path=str(pdf), format=paper)


@functools.cache
def _bundled() -> tuple[frozenset[str], tuple[tuple[int, int], ...]]:
    """The vendored faces' PostScript family names and the code points they cover, from fonts.css."""
    css = (FONTS / "fonts.css").read_text(encoding="utf-8")
    families = frozenset(name.replace(" ", "") for name in re.findall(r"font-family: '([^']+)'", css))
    spans = []
    for ranges in re.findall(r"unicode-range: ([^;]+);", css):
        for span in ranges.split(","):
            low, _, high = span.strip().removeprefix("U+").partition("-")
            spans.append((int(low, 16), int(high or low, 16)))
    assert families and spans, "fonts.css declares no faces"
    return families, tuple(spans)


def _fonts(pdf: Path) -> set[str]:
    """The fonts ``pdffonts`` lists, without their subset tags: ``Roboto-Bold``, ``RobotoMono-Regular``."""
    listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    return {line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:] if line.strip()}


def _family(font: str) -> str:
    """``ABCDEF+RobotoMono-Bold`` -> ``RobotoMono``: the subset tag and the style dropped."""
    return font.split("+", 1)[-1].split("-", 1)[0]


def _assert_bundled_fonts(pdf: Path) -> None:
    """The text is set in the bundled faces; a system font only draws a symbol those faces lack."""
    families, spans = _bundled()
    fonts = _fonts(pdf)
    assert PAPER_FACES <= fonts, f"bundled faces missing: {sorted(PAPER_FACES - fonts)}; the PDF has {sorted(fonts)}"
    foreign = {f for f in fonts if _family(f) not in families}
    assert {_family(f) for f in foreign} <= set(SYMBOL_FALLBACK), f"text in system fonts: {sorted(foreign)}"
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(pdf)], check=True, capture_output=True,
                         text=True).stdout
    root = ET.fromstring(xml)
    fallback = {spec.get("id") for spec in root.iter("fontspec") if _family(spec.get("family", "")) not in families}
    covered = [ch for node in root.iter("text") if node.get("font") in fallback for ch in "".join(node.itertext())
               if not ch.isspace() and any(low <= ord(ch) <= high for low, high in spans)]
    assert not covered, f"characters the bundled faces have, printed in a fallback font: {''.join(covered)!r}"


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)$", info, re.M)
    assert match, info
    return int(match.group(1))


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def built() -> Iterator[Path]:
    """A copy of the repository with its site built and the platform incident checks run once.

    The local services point at a port nothing listens on (through the local mode's vars_file), so
    the results are the same whatever else runs on this machine: they all carry a time.
    """
    _require("pdftotext", "pdfinfo", "pdffonts", "pdftohtml")
    tmp = Path(tempfile.mkdtemp(prefix="runbooks-print-browser-"))
    root = tmp / "repo"
    shutil.copytree(REPO, root, ignore=COPY_IGNORE)
    _point_local_services_at(root, closed_port())
    bin_dir = Path(sys.executable).parent
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "RUNBOOKS_COMMIT": COMMIT, "HOME": str(tmp)}
    try:
        for cmd in ([str(bin_dir / "runbooks"), "--root", str(root), "build"],
                    [str(bin_dir / "run-checks"), "--root", str(root), "--mode", "local", "--runbook", RUNBOOK,
                     "--site", str(root / "site"), "--timeout", "3", "-q"]):
            done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=180)
            assert done.returncode in (0, 1), f"{cmd} exited {done.returncode}:\n{done.stdout}{done.stderr}"
        yield root
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _point_local_services_at(root: Path, port: int) -> None:
    local = load_catalog(root).project.modes["local"]
    assert local.vars_file, "the local mode reads its run-time URLs from a vars_file"
    values = {name: f"http://127.0.0.1:{port}" if name.endswith("_url") else port
              for name, value in local.vars.items() if name.endswith(("_url", "_port"))}
    (root / local.vars_file).parent.mkdir(parents=True, exist_ok=True)
    (root / local.vars_file).write_text(json.dumps(values), encoding="utf-8")


@pytest.fixture(scope="module")
def commands(built: Path) -> dict[str, set[str]]:
    """Every mode's commands in the platform incident runbook, from the model."""
    catalog = load_catalog(built)
    out = {}
    for mode in MODES:
        view = catalog.view(RUNBOOK, mode)
        assert view is not None
        out[mode] = {step["run"] for section in view.sections for step in section["steps"] if step["run"]}
    assert all(len(out[m] - out[o]) >= 2 for m in MODES for o in MODES if m != o), out
    return out


@pytest.fixture(scope="module")
def site_url(built: Path) -> Iterator[str]:
    with serve(built / "site") as url:
        yield url


@pytest.fixture
def page(chromium: Browser, site_url: str) -> Iterator[Page]:
    with open_page(chromium, site_url, timezone_id="UTC", permissions=["clipboard-read", "clipboard-write"]) as pg:
        yield pg


# ------------------------------------------------------------------ paper

def _assert_paper_text(text: str, mode: str, commands: dict[str, set[str]]) -> None:
    squashed = _squash(text)
    for command in commands[mode]:
        assert _squash(command) in squashed, f"{mode} command missing from paper: {command}"
    for other in MODES:
        for command in commands[other] - commands[mode]:
            assert _squash(command) not in squashed, f"{other} command on the {mode} paper: {command}"
    for chrome in CHROME_TEXT:
        assert _squash(chrome) not in squashed, f"site chrome on paper: {chrome!r}"


@pytest.mark.parametrize("mode", MODES)
def test_print_page_on_paper(page: Page, built: Path, tmp_path: Path, mode: str,
                             commands: dict[str, set[str]]) -> None:
    page.goto(f"/{mode}/{RUNBOOK}/print/")
    pdf = tmp_path / f"{mode}.pdf"
    _print(page, pdf, "A4")
    text = _pdftotext(pdf)
    _assert_paper_text(text, mode, commands)
    _assert_bundled_fonts(pdf)
    squashed = _squash(text)
    titles = {m: load_catalog(built).project.modes[m].title for m in MODES}
    # Navigation: the other modes' tabs and the other runbooks of the sidebar are not printed.
    for other in MODES:
        if other != mode:
            assert _squash(titles[other]) not in squashed, f"the {titles[other]} tab on the {mode} paper"
    for title in ("Operations runbooks", "Search incident response", "Platform backup", "OmniChat health"):
        assert _squash(title) not in squashed  # the header's site name, the sidebar's runbooks
    # Header facts, provenance, results with the time they ran (or "not run"), blanks, contacts.
    for fact in ("Platform incident response", "P1 Critical", titles[mode], f"Generated from commit {COMMIT[:12]}"):
        assert _squash(fact) in squashed, fact
    if mode == "local":
        assert len(re.findall(r"ran20\d\d-\d\d-\d\d\d\d:\d\d:\d\dUTC", squashed)) == 5, text
        assert "NOTRUN" not in squashed
    else:
        assert squashed.count("NOTRUN") >= 4 and "ran20" not in squashed
    for words in ("Time", "Initials", "Incident notes", "Escalation and contacts", "On-call SRE engineer",
                  "+1 555 0100", "Alert acknowledged", "Post-mortem scheduled"):
        assert _squash(words) in squashed, words
    assert _pages(pdf) <= PAGE_LIMIT

    # The page as printed, for people: the artifact.
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible() and not page.locator(".md-tabs").is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"print-{mode}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_every_incident_checklist_fits_two_pages(page: Page, built: Path, tmp_path: Path, paper: str) -> None:
    catalog = load_catalog(built)
    printed = 0
    for mode in MODES:
        for view in incident_views(catalog, mode):
            if not view.id.endswith("-incident"):
                continue
            page.goto(f"/{mode}/{view.id}/print/")
            pdf = tmp_path / f"{mode}-{view.id}.pdf"
            _print(page, pdf, paper)
            _assert_bundled_fonts(pdf)  # the page count is the bundled faces', not the machine's
            assert _pages(pdf) <= PAGE_LIMIT, f"{mode}/{view.id} takes {_pages(pdf)} {paper} pages"
            printed += 1
    assert printed == 15  # five systems × three modes


def test_checklist_groups_are_not_split_across_pages(page: Page, built: Path, tmp_path: Path) -> None:
    view = load_catalog(built).view(RUNBOOK, "aws")
    assert view is not None
    page.goto(f"/aws/{RUNBOOK}/print/")
    pdf = tmp_path / "groups.pdf"
    _print(page, pdf, "Letter")
    pages = [_squash(_pdftotext(pdf, n)) for n in range(1, _pages(pdf) + 1)]
    assert len(pages) >= 2, "one page: no group could be split"
    for group in view.checklist:
        # Every item on one page, that one, under the group's heading.
        holding = {n for item in group["items"] for n, text in enumerate(pages) if _squash(item) in text}
        assert len(holding) == 1, f"group {group['group']!r} is on pages {sorted(holding)}"
        assert _squash(group["group"]) in pages[holding.pop()], group


@pytest.mark.parametrize("mode", MODES)
def test_runbooks_print_writes_the_binder(built: Path, tmp_path: Path, mode: str,
                                           commands: dict[str, set[str]]) -> None:
    runbooks = Path(sys.executable).parent / "runbooks"
    out = tmp_path / f"binder-{mode}.pdf"
    # One mode builds its own site (the default); the others print the stamped one.
    site = [] if mode == "hybrid" else ["--site", str(built / "site")]
    done = subprocess.run([str(runbooks), "--root", str(built), "print", "--mode", mode, "--out", str(out), *site],
                          capture_output=True, text=True, timeout=240, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"wrote {out} ({mode} incident binder, a4, ")
    assert out.read_bytes()[:5] == b"%PDF-"
    views = incident_views(load_catalog(built), mode)
    pages = _pages(out)
    assert len(views) + 1 <= pages <= 1 + PAGE_LIMIT * len(views)
    cover = _squash(_pdftotext(out, 1))
    assert "Contents" in cover and _squash("Operations runbooks") in cover
    for view in views:
        assert _squash(view.title) in cover, view.title
    # Each runbook starts on a new page: its title heads one.
    titles = sorted((v.title for v in views), key=len, reverse=True)
    tops = [_squash(_pdftotext(out, n)) for n in range(2, pages + 1)]
    heads = [next((t for t in titles if top.startswith(_squash(t))), None) for top in tops]
    assert [h for h in heads if h] == [v.title for v in views]
    text = _pdftotext(out)
    _assert_paper_text(text, mode, commands)
    _assert_bundled_fonts(out)
    assert "A4" in subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout


# ------------------------------------------------------------------ fonts

class _SlowFontHandler(_QuietHandler):
    """Fonts arrive late, as from a slow disk or share: printing must wait for them."""

    delay = 3.0

    def do_GET(self) -> None:
        if self.path.endswith(".woff2"):
            time.sleep(self.delay)
        super().do_GET()


def test_runbooks_print_waits_for_late_fonts(tmp_path: Path) -> None:
    """Chromium prints at the load event. Faces fetched after it (here every face comes 3 s late, and
    one is used by the print styles only) must still be waited for, or their text prints blank."""
    _require("pdftotext", "pdffonts")
    shutil.copytree(FONTS, tmp_path / "fonts")
    (tmp_path / "index.html").write_text(
        '<!doctype html><link rel="stylesheet" href="fonts/fonts.css">'
        '<style>body { font-family: Roboto } @media print { .cmd { font-family: "Roboto Mono"; font-weight: 700 } }'
        '</style><p>Screen and paper text.</p><p class="cmd">systemctl restart platform</p>', encoding="utf-8")
    pdf = tmp_path / "late.pdf"
    with serve(tmp_path, _SlowFontHandler) as url:
        print_url(find_chromium(), f"{url}/index.html", pdf)
    assert _squash(_pdftotext(pdf)) == _squash("Screen and paper text. systemctl restart platform")
    assert _fonts(pdf) == {"Roboto-Regular", "RobotoMono-Bold"}


def test_runbooks_print_lays_out_alike_whatever_the_machines_hinting(built: Path, tmp_path: Path) -> None:
    """Full hinting (a fontconfig setting) rounds glyph advances to whole pixels and used to
    re-wrap lines and add a binder page: paper must break its lines the same way under it."""
    full = tmp_path / "full-hinting.conf"
    full.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd"><fontconfig>'
                    '<include ignore_missing="yes">fonts.conf</include><match target="font">'
                    '<edit name="hintstyle" mode="assign"><const>hintfull</const></edit></match></fontconfig>')
    runbooks = Path(sys.executable).parent / "runbooks"
    lines = []
    for name, extra in (("default", {}), ("full", {"FONTCONFIG_FILE": str(full)})):
        out = tmp_path / f"{name}.pdf"
        done = subprocess.run([str(runbooks), "--root", str(built), "print", "--mode", "hybrid", "--runbook", RUNBOOK,
                               "--site", str(built / "site"), "--out", str(out)], capture_output=True, text=True,
                              timeout=240, env={"PATH": "/usr/bin:/bin", **extra})
        assert done.returncode == 0, done.stderr
        _assert_bundled_fonts(out)
        lines.append(_pdftotext(out).splitlines())
    assert lines[0] == lines[1]


def test_screen_type_is_the_bundled_faces_from_the_site(page: Page) -> None:
    """On screen too: Roboto and Roboto Mono, loaded from the site itself (nothing else is reachable)."""
    page.goto(f"/local/{RUNBOOK}/")
    loaded = page.evaluate("""async () => {
        document.body.getBoundingClientRect();
        await document.fonts.ready;
        return [...document.fonts].filter(f => f.status === "loaded")
            .map(f => `${f.family.replace(/['"]/g, "")} ${f.weight} ${f.style}`);
    }""")
    # Material's headings (300), text (400), bold (700), code (400).
    assert {"Roboto 300 normal", "Roboto 400 normal", "Roboto 700 normal", "Roboto Mono 400 normal"} <= set(loaded)
    fetched = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    woff2 = [url for url in fetched if url.endswith(".woff2")]
    assert woff2 and all(url.startswith(page.url.split("/local/")[0] + "/assets/fonts/") for url in woff2), fetched
    family = page.locator(".md-typeset p").first.evaluate("el => getComputedStyle(el).fontFamily")
    assert family.startswith('Roboto, "DejaVu Sans"'), family


# ------------------------------------------------------------------ the interactive checklist

def _boxes(page: Page):  # type: ignore[no-untyped-def]
    return page.locator(".rb-checklist input[type=checkbox]")


def test_ticks_survive_a_reload_and_new_incident_starts_clean(page: Page) -> None:
    page.goto(f"/local/{RUNBOOK}/")
    bar = page.locator(".rb-checklist__bar")
    bar.wait_for(state="visible")
    assert "none yet" in bar.locator(".rb-checklist__incident").inner_text()
    boxes = _boxes(page)
    assert boxes.count() == 11
    page.locator(".rb-checklist li.task-list-item").nth(0).click()
    page.locator(".rb-checklist li.task-list-item").nth(5).click()
    assert boxes.nth(0).is_checked() and boxes.nth(5).is_checked() and not boxes.nth(1).is_checked()
    incident = bar.locator(".rb-checklist__incident").inner_text()
    assert re.match(r"^\d{8}-\d{4} \(started \d{4}-\d\d-\d\d \d\d:\d\d\)$", incident), incident
    tick_time = page.locator(".rb-checklist li.task-list-item").nth(0).locator("time.rb-checklist__time").inner_text()
    assert re.fullmatch(r"\d\d:\d\d", tick_time)

    page.reload()
    page.locator(".rb-checklist__bar").wait_for(state="visible")
    assert _boxes(page).nth(0).is_checked() and _boxes(page).nth(5).is_checked()
    assert [i for i in range(11) if _boxes(page).nth(i).is_checked()] == [0, 5]
    assert page.locator(".rb-checklist__incident").inner_text() == incident

    # Ticks belong to a mode: the same runbook in another mode is untouched.
    page.goto(f"/hybrid/{RUNBOOK}/")
    page.locator(".rb-checklist__bar").wait_for(state="visible")
    assert not any(_boxes(page).nth(i).is_checked() for i in range(_boxes(page).count()))

    page.goto(f"/local/{RUNBOOK}/")
    page.locator(".rb-checklist__name").fill("DB pool exhausted")
    page.locator(".rb-checklist__new").click()
    new = page.locator(".rb-checklist__incident").inner_text()
    assert re.match(r"^\d{8}-\d{4}-db-pool-exhausted \(started ", new), new
    assert not any(_boxes(page).nth(i).is_checked() for i in range(11))
    page.reload()
    page.locator(".rb-checklist__bar").wait_for(state="visible")
    assert page.locator(".rb-checklist__incident").inner_text() == new
    assert not any(_boxes(page).nth(i).is_checked() for i in range(11))


def _click_box(page: Page, index: int) -> None:
    """Click Material's drawn box itself (a ::before of the item, left of its text)."""
    item = page.locator(".rb-checklist li.task-list-item").nth(index)
    item.scroll_into_view_if_needed()
    box = item.bounding_box()
    assert box is not None
    em = float(item.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))
    page.mouse.click(box["x"] - 0.9 * em, box["y"] + 0.75 * em)


def test_reset_asks_first_and_clears_the_ticks(page: Page) -> None:
    page.goto(f"/aws/{RUNBOOK}/")
    page.locator(".rb-checklist__bar").wait_for(state="visible")
    _click_box(page, 2)
    assert _boxes(page).nth(2).is_checked()
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator(".rb-checklist__reset").click()
    assert _boxes(page).nth(2).is_checked(), "dismissing the confirmation must keep the ticks"
    messages: list[str] = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.locator(".rb-checklist__reset").click()
    assert messages and messages[0].startswith("Clear every tick of incident ")
    assert not _boxes(page).nth(2).is_checked()
    page.reload()
    page.locator(".rb-checklist__bar").wait_for(state="visible")
    assert not _boxes(page).nth(2).is_checked()


def test_copy_as_markdown(page: Page, built: Path) -> None:
    page.goto(f"/hybrid/{RUNBOOK}/")
    page.locator(".rb-checklist__name").fill("api 502s")
    page.locator(".rb-checklist__new").click()
    items = page.locator(".rb-checklist li.task-list-item")
    items.nth(0).click()
    items.nth(3).click()
    times = [items.nth(i).locator("time").inner_text() for i in (0, 3)]
    incident = page.locator(".rb-checklist__incident").inner_text().split(" ")[0]
    page.locator(".rb-checklist__copy").click()
    page.locator(".rb-checklist__msg", has_text="Copied").wait_for()
    assert page.locator(".rb-checklist__msg").inner_text() == "Copied 11 items (2 ticked) as Markdown."
    copied = page.evaluate("navigator.clipboard.readText()")

    view = load_catalog(built).view(RUNBOOK, "hybrid")
    assert view is not None
    started = page.evaluate(f"JSON.parse(localStorage.getItem('runbooks:v1:hybrid:{RUNBOOK}:{incident}')).started")
    expected = [f"### Platform incident response (Hybrid) — incident {incident}", "",
                f"Started {started[:10]} {started[11:16]}."]
    n = 0
    for group in view.checklist:
        expected += ["", f"#### {group['group']}"]
        for item in group["items"]:
            tick = {0: times[0], 3: times[1]}.get(n)
            expected.append(f"- [x] {item} — {tick}" if tick else f"- [ ] {item}")
            n += 1
    assert copied == "\n".join(expected) + "\n"


def test_paper_is_light_in_dark_mode(chromium: Browser, site_url: str, tmp_path: Path) -> None:
    """A screen in dark mode still prints dark text on white, and light result badges."""
    context = chromium.new_context(color_scheme="dark", base_url=site_url)
    try:
        pg = context.new_page()
        pg.goto(f"/aws/{RUNBOOK}/print/")
        assert pg.locator("body").get_attribute("data-md-color-scheme") == "slate"
        pg.emulate_media(media="print")
        badge = pg.locator('.rb-print [data-rb-state="NOTRUN"]').first
        colours = badge.evaluate("el => { const s = getComputedStyle(el); return [s.backgroundColor, s.color]; }")
        assert [_rgb(c) for c in colours] == [NOTRUN_BG, NOTRUN_FG]
        pdf = tmp_path / "dark.pdf"
        _print(pg, pdf, "A4")
    finally:
        context.close()
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    with Image.open(next(tmp_path.glob("p*.png"))) as img:
        grey = img.convert("L")
    assert grey.getpixel((2, 2)) > 245, "the page background is not white"
    assert ImageStat.Stat(grey).mean[0] > 200, "the page is mostly dark"
