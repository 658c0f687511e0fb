"""What the pages say stays the same however the site is built: the demo catalogue, built in full.

Speed work changes how pages are produced (which navigation a page carries,
how slots are filled, which Markdown is reused); it must never change what a
page says. This builds the bundled runbooks with a fixed results store (every
state, evidence that needs escaping, a history) and compares the content of
every page (the article MkDocs renders, slots included) with
``tests/goldens/site_content.json``, which holds one digest per page.
Navigation is not content: it may change. The times a page was generated at
are normalised.

After an intended change to what pages say, regenerate the golden with
``pytest tests/test_content.py --update-goldens``; the extracted content of
every page is written to ``tests/artifacts/site_content/`` to read the diff.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from generator.format.catalog import load_catalog
from generator.format.model import Catalog
from generator.run.results import Result, State
from generator.run.store import RunInfo, record_run
from generator.site.build import build

from .conftest import REPO

GOLDEN = REPO / "tests" / "goldens" / "site_content.json"
ARTIFACTS = REPO / "tests" / "artifacts" / "site_content"
STATES = [State.OK, State.WARNING, State.CRITICAL, State.UNKNOWN, State.OK, State.SKIPPED]
RUNS = ["2026-11-20T08:00:00Z", "2026-11-21T08:00:00Z", "2026-11-22T08:00:00Z"]
_TIMES = re.compile(r'(datetime=")[^"]*(")|(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\dZ?( UTC)?)')


def _results(catalog: Catalog, mode: str, run: int) -> list[Result]:
    results = []
    for i, check in enumerate(c for v in catalog.views(mode) for c in v.active_checks):
        state = STATES[(i + run) % len(STATES)]
        evidence = "" if state is State.OK else f"status: expected 200, got 503\n\n<script>alert({i})</script> & <!--"
        results.append(Result(mode, check.runbook, check.id, check.title, check.kind, state,
                              f"summary {i} of {check.key}", "assertion" if evidence else "", f"observed {i}",
                              evidence, [f"latency={i}ms;100;500"], {"latency_ms": float(i)}, float(i), RUNS[run],
                              f"target {i}", 1 + (i % 3 == 0), "passed after 1 retry" if i % 3 == 0 else ""))
    return results


def _record(root: Path) -> None:
    catalog = load_catalog(root)
    for mode in catalog.project.modes:
        keep = {c.key for v in catalog.views(mode) for c in v.active_checks}
        for run, started in enumerate(RUNS):
            if mode == "hybrid" and run < 2:
                continue  # a mode with one run, and one (below) with none
            if mode != "aws":
                record_run(root, RunInfo(mode, started, "0123456789abcdef"), _results(catalog, mode, run), keep)


def article(html: str) -> str:
    """The page's content: MkDocs' <article>, with any <article> nested in it."""
    start = html.index('<article class="md-content__inner md-typeset">')
    depth, at = 0, start
    for tag in re.finditer(r"<(/?)article\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            at = start + tag.end()
            break
    return html[start:html.index(">", at) + 1]


def normalised(text: str) -> str:
    return _TIMES.sub(lambda m: f"{m.group(1)}T{m.group(2)}" if m.group(1) else "TIME", text)


def contents(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): normalised(article(p.read_text(encoding="utf-8")))
            for p in sorted(site.rglob("*.html")) if p.name == "index.html" and "search" not in p.parts}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("content") / "demo"
    (root / "docs").mkdir(parents=True)
    shutil.copytree(REPO / "runbooks", root / "runbooks")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    _record(root)
    build(root, root / "site")
    yield contents(root / "site")


def test_every_page_says_what_it_said(demo_site: dict[str, str], request: pytest.FixtureRequest) -> None:
    digests = {page: hashlib.sha256(text.encode()).hexdigest()[:20] for page, text in demo_site.items()}
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    for page, text in demo_site.items():
        (ARTIFACTS / page).parent.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / page).write_text(text, encoding="utf-8")
    if request.config.getoption("--update-goldens"):
        GOLDEN.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(digests) == sorted(golden), "the set of pages changed"
    changed = sorted(page for page in golden if golden[page] != digests[page])
    assert changed == [], f"content changed (see {ARTIFACTS}): {changed[:10]}"


def test_the_content_holds_results_of_every_kind(demo_site: dict[str, str]) -> None:
    """The comparison means something: pages carry stamped states, escaped evidence, strips and not-run checks."""
    runbook = demo_site["local/search-health/index.html"]
    for state in ("OK", "WARNING", "CRITICAL", "UNKNOWN"):
        assert f'data-rb-state="{state}"' in runbook
    assert "&lt;script&gt;alert(" in runbook and "<script>alert(" not in runbook
    assert 'class="rb-strip"' in runbook and "passed after 1 retry" in runbook
    assert 'data-rb-state="NOTRUN"' in demo_site["aws/search-health/index.html"]
    assert "rb-dashboard" in demo_site["local/status/index.html"]
    assert "rb-print__items" in demo_site["local/search-incident/print/index.html"]
