"""Accessibility and phone-width measurements of the demo site, in real Debian Chromium.

Shared by the browser tests (tests/test_a11y_browser.py) and by the
measurement the issue's table comes from::

    .venv/bin/python -m tests.a11y                 # run the demo in a copy, craft states, build, measure
    .venv/bin/python -m tests.a11y --site DIR      # measure a site built by this module before

The site is the real ``runbooks demo`` (one run, in a throw-away copy of the
repository), then crafted results for the states the demo does not produce
(UNKNOWN, SKIPPED, NOT RUN, MAINTENANCE under an active window and its
banner, stale, flapping, a ten-run history with two failures, a CRITICAL in an
incident runbook), rebuilt with ``runbooks build``.
axe-core comes from ``node_modules/`` (``npm ci``, which ``make test`` runs):
it is injected from disk, never fetched.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Sequence

from playwright.sync_api import Browser, Page

from .test_browser import REPO, _run_demo, launched, open_page, serve

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_MISSING = (f"{AXE} is missing: install the test tools with `npm ci --no-audit --no-fund` at the repository "
               "root (`make test` does; it needs npm: `apt-get install npm`)")
# The WCAG 2.0 and 2.1 level A and AA rules: what "meets WCAG 2.1 AA" means to axe-core.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
PHONE = {"width": 390, "height": 844}

# The crafted runbook shows every state on one page (and its print page).
CRAFTED = "search-health"
FLAPPING, TEN_RUNS, UNKNOWN, SKIPPED, NOT_RUN, STALE = "health", "error-rate", "cache", "metrics", "status", "uptime"
INCIDENT_CRITICAL = "search-incident/recent-errors"  # the binder's CRITICAL
MAINTENANCE, MAINTENANCE_REASON = "latency", "Search index rebuild"  # a check in a window active when viewed


# The runbook page's last section: the badge and the Markdown that embeds it.
BADGE_SECTION = "#status-badge, img.rb-badge, #status-badge ~ p, #status-badge ~ div.highlight"


@dataclass(frozen=True)
class PageType:
    name: str
    path: str
    ready: str = "body"  # shown once the page's own scripts ran (the checklist bar, a stale mark)
    scope: str = ""  # what axe looks at (a CSS selector); empty: the whole document
    critical: str = '[data-rb-state="CRITICAL"]'  # a CRITICAL check's state on this page


PAGE_TYPES = (
    PageType("site home", "/"),
    PageType("mode home", "/local/"),
    PageType("runbook", f"/local/{CRAFTED}/", ready=".rb-checklist__bar, .rb-stale-label"),
    PageType("status dashboard", "/local/status/", ready=".rb-stale-label"),
    PageType("print checklist", f"/local/{CRAFTED}/print/", ready=".rb-stale-label"),
    PageType("binder", "/local/binder/"),
    PageType("badge snippet", f"/local/{CRAFTED}/", ready=".rb-checklist__bar", scope=BADGE_SECTION,
             critical="img.rb-badge"),
)


# ------------------------------------------------------------------ the site

def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def craft(store: Path) -> None:
    """Give the crafted runbook every state, keeping the demo's own results elsewhere."""
    data = json.loads(store.read_text(encoding="utf-8"))
    checks, history = data["checks"], data["history"]
    last = history[-1]
    ran = datetime.strptime(last["started_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)

    def key(check: str) -> str:
        return f"{CRAFTED}/{check}"

    def result(check: str, state: str, reason: str, summary: str, when: datetime = ran) -> None:
        checks[key(check)].update(state=state, reason=reason, summary=summary, observed=summary, evidence=summary,
                                  started_at=_iso(when))
        last["states"][key(check)] = state

    result(TEN_RUNS, "CRITICAL", "assertion", "error ratio 0.4 % > 0.1 %")
    result(UNKNOWN, "UNKNOWN", "error", "secret ${env:CACHE_TOKEN} is not set")
    result(SKIPPED, "SKIPPED", "needs", "needs cache (it is UNKNOWN)")
    result(STALE, "OK", "", "uptime 1", when=ran - timedelta(days=3))
    result(MAINTENANCE, "MAINTENANCE", "assertion", "latency 180 ms > warn 100 ms")
    checks[key(MAINTENANCE)].update(maintenance=MAINTENANCE_REASON, probed_state="WARNING")
    crit = checks[INCIDENT_CRITICAL]
    crit.update(state="CRITICAL", reason="assertion", summary="12 errors in the last 5 min",
                observed="12 errors in the last 5 min", evidence="ERROR <b>upstream</b> timed out")
    last["states"][INCIDENT_CRITICAL] = "CRITICAL"
    del checks[key(NOT_RUN)]
    for run in history:
        run["states"].pop(key(NOT_RUN), None)
    # Nine runs before the demo's: the ten-run check fails once more (8 OK, 2 CRITICAL in all);
    # the flapping one alternates (well past the default limit of 3 changes).
    crafted = [{"id": f"crafted{i}", "started_at": _iso(ran - timedelta(hours=9 - i)), "commit": "",
                "states": {key(TEN_RUNS): "CRITICAL" if i == 4 else "OK",
                           key(FLAPPING): "CRITICAL" if i % 2 == 0 else "OK"}} for i in range(9)]
    data["history"] = crafted + history
    store.write_text(json.dumps(data), encoding="utf-8")


def open_window(runbook: Path, now: datetime) -> None:
    """A maintenance window over one check of the crafted runbook, from an hour ago to a day ahead."""
    with runbook.open("a", encoding="utf-8") as handle:
        handle.write(f"\nmaintenance:\n  - reason: {MAINTENANCE_REASON}\n    start: {_iso(now - timedelta(hours=1))}\n"
                     f"    end: {_iso(now + timedelta(days=1))}\n    scope: {{checks: [{MAINTENANCE}]}}\n")


def build_site(root: Path) -> Path:
    """The demo in a copy of the repository at ``root``, crafted and rebuilt; its site."""
    _run_demo(root)
    craft(root / ".runbooks" / "results" / "local.json")
    open_window(root / "runbooks" / f"{CRAFTED}.yaml", datetime.now(timezone.utc))
    runbooks = Path(sys.executable).parent / "runbooks"
    done = subprocess.run([str(runbooks), "--root", str(root), "build"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"


# ------------------------------------------------------------------ in the browser

def axe_source() -> str:
    if not AXE.is_file():
        raise FileNotFoundError(AXE_MISSING)
    return AXE.read_text(encoding="utf-8")


def goto(page: Page, page_type: PageType) -> None:
    page.goto(page_type.path)
    page.locator(page_type.ready).first.wait_for(state="attached")


def run_axe(page: Page, scope: str = "") -> dict[str, Any]:
    """axe-core's result for the WCAG 2 A/AA rules: every violating node; the rules that passed
    (or need a person to review them) with one example node each, which keeps big pages quick."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    report: dict[str, Any] = page.evaluate(
        """async ([tags, scope]) => {
             const context = scope ? {include: [[scope]]} : document;
             const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
             return JSON.parse(JSON.stringify(await axe.run(context, options)));
           }""", [list(AXE_TAGS), scope])
    return report


def violations(report: dict[str, Any]) -> dict[str, int]:
    """Nodes per violated rule, e.g. ``{"color-contrast": 31}``."""
    return {v["id"]: len(v["nodes"]) for v in report["violations"]}


def overflow(page: Page) -> int:
    """How far the page scrolls sideways past the viewport's width (px); 0 when it fits. Not past
    ``innerWidth``: a mobile browser widens its layout viewport to content that overflows."""
    viewport = page.viewport_size
    assert viewport is not None
    return int(page.evaluate("() => document.scrollingElement.scrollWidth")) - viewport["width"]


def critical_box(page: Page, selector: str) -> dict[str, float] | None:
    """Left and right edges (px) of the first visible CRITICAL state, after scrolling it into view vertically."""
    box: dict[str, float] | None = page.evaluate(
        """sel => {
             const el = [...document.querySelectorAll(sel)].find(e => e.getClientRects().length);
             if (!el) return null;
             el.scrollIntoView({block: "center", inline: "nearest"});
             window.scrollTo(0, window.scrollY);
             const r = el.getBoundingClientRect();
             return {left: r.left + window.scrollX, right: r.right + window.scrollX, width: window.innerWidth};
           }""", selector)
    return box


def phone_context() -> dict[str, Any]:
    return {"viewport": PHONE, "screen": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


# How pages are looked at: light and dark on a laptop (open_page's 1280 × 900), and light on a phone.
VIEWS: dict[str, dict[str, Any]] = {"light": {"color_scheme": "light"}, "dark": {"color_scheme": "dark"},
                                    "phone": {"color_scheme": "light", **phone_context()}}


@dataclass
class Measure:
    page_type: str
    view: str
    violations: dict[str, int]  # nodes per violated rule
    overflow: int  # px past the viewport's width (the phone's 390 px in the phone view)


def measure(browser: Browser, base_url: str, out: Path | None = None) -> list[Measure]:
    found = []
    for view, context in VIEWS.items():
        with open_page(browser, base_url, **context) as page:
            for page_type in PAGE_TYPES:
                goto(page, page_type)
                report = run_axe(page, page_type.scope)
                if out:
                    slug = page_type.name.replace(" ", "-")
                    (out / f"axe-{slug}-{view}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
                found.append(Measure(page_type.name, view, violations(report), overflow(page)))
    return found


def table(found: Sequence[Measure]) -> str:
    def cell(counts: dict[str, int]) -> str:
        return "; ".join(f"`{rule}` {n}" for rule, n in sorted(counts.items())) or "0"

    lines = ["| Page | " + " | ".join(f"axe, {view} (nodes)" for view in VIEWS)
             + " | overflow, laptop (1280 px) | overflow, phone (390 px) |", "|---|" + "---|" * (len(VIEWS) + 2)]
    for page_type in PAGE_TYPES:
        row = {m.view: m for m in found if m.page_type == page_type.name}
        lines.append(f"| {page_type.name} | " + " | ".join(cell(row[view].violations) for view in VIEWS)
                     + f" | {row['light'].overflow} px | {row['phone'].overflow} px |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.a11y", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a site this module built before (default: build one)")
    parser.add_argument("--keep", type=Path, help="build the site into this directory and keep it")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--reports", type=Path, help="write each axe report here")
    args = parser.parse_args(argv)
    axe_source()
    tmp = None
    site = args.site
    if site is None:
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            site = build_site(args.keep)
        else:
            tmp = Path(tempfile.mkdtemp(prefix="runbooks-a11y-"))
            site = build_site(tmp / "repo")
    try:
        if args.reports:
            args.reports.mkdir(parents=True, exist_ok=True)
        with serve(site) as url:
            with launched() as browser:
                found = measure(browser, url, args.reports)
        print(table(found))
        if args.json:
            args.json.write_text(json.dumps([m.__dict__ for m in found], indent=1), encoding="utf-8")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
