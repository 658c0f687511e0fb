"""The wheel is the whole product: built, installed in a new venv, used on a project outside the repository.

Nothing from the repository is on the path of the installed tool: `runbooks
init` writes a project with the team's own modes, the site is built from the
templates and assets inside the wheel, the checks run (also as a Nagios
plugin), the results are stamped, and a real Chromium sees the pages styled
and scripted.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser

from .conftest import REPO, HttpServer
from .test_browser import _rgb, open_page, serve
from .test_browser import chromium  # noqa: F401  (the shared browser fixture)

pytestmark = pytest.mark.browser

# What a team adds to the project `runbooks init` wrote: a runbook of its own, with an http check.
SHOP_RUNBOOK = """\
title: Shop health
summary: Is the shop up?
severity: P2
modes: [staging]
checklist:
  - group: Triage
    items: [Alert acknowledged]
checks:
  - id: health
    title: The shop answers
    http: {url: "SHOP_URL/health", status: 200, json: {status: ok}}
"""


@pytest.fixture(scope="module")
def wheel() -> Iterator[Path]:
    out = Path(tempfile.mkdtemp(prefix="runbooks-wheel-"))
    try:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out),
                        str(REPO)], check=True, capture_output=True, text=True, timeout=600)
        (built,) = out.glob("runbooks-*.whl")
        yield built
    finally:
        shutil.rmtree(out, ignore_errors=True)


@pytest.fixture(scope="module")
def installed(wheel: Path) -> Iterator[Path]:
    """A new venv with the wheel installed (not editable); yields its bin directory."""
    venv = Path(tempfile.mkdtemp(prefix="runbooks-venv-"))
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], check=True,
                       capture_output=True, text=True, timeout=900)
        yield venv / "bin"
    finally:
        shutil.rmtree(venv, ignore_errors=True)


def test_the_wheel_holds_the_package_and_its_templates_and_nothing_else(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.startswith("runbooks-")}
    assert tops == {"generator"}, tops  # no demo, no tests, no bench
    assert "generator/site_templates/runbook.md.j2" in names
    assert "generator/site_templates/docs/assets/runbooks.css" in names
    assert "generator/site_templates/docs/assets/fonts/fonts.css" in names  # the bundled faces travel too
    assert "generator/site_templates/init/workflow.yml.j2" in names  # what `runbooks init` writes
    assert "generator/run/kinds/http.py" in names and "generator/py.typed" in names
    assert "generator/alerts/rules.py" in names and "generator/run/reporters/openmetrics.py" in names


def test_a_team_starts_from_the_wheel_with_init_and_its_own_modes(installed: Path, chromium: Browser) -> None:
    """As the README's "Use it for your own services": init in an empty directory, add a runbook, build, run, serve."""
    server = HttpServer()
    server.route("/health", body={"status": "ok"})
    project = Path(tempfile.mkdtemp(prefix="shop-"))
    try:
        # The installed tool only: no repository on the path, run from the project, PATH without the test venv.
        env = {"PATH": f"{installed}:/usr/bin:/bin", "HOME": str(project), "LANG": "C.UTF-8"}

        def tool(*argv: str) -> subprocess.CompletedProcess[str]:
            done = subprocess.run([str(installed / argv[0]), *argv[1:]], cwd=project, env=env,
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"{argv}: {done.stdout}{done.stderr}"
            return done

        tool("runbooks", "init", "--modes", "staging,prod")
        (project / "runbooks" / "shop-health.yaml").write_text(SHOP_RUNBOOK.replace("SHOP_URL", server.url("")))
        tool("runbooks", "build")
        tool("runbooks", "alerts", "--mode", "staging", "--site-url", "https://ops.shop.test", "--out", "rules.yml")
        assert "https://ops.shop.test/staging/{{ $labels.runbook }}/" in (project / "rules.yml").read_text()
        done = tool("run-checks", "--mode", "staging", "--site", "site")
        assert "4 checks in mode staging (4 ok)" in done.stdout  # the example's three and the team's own
        assert sorted(p.name for p in (project / "checks" / "staging").iterdir()) == ["getting-started.py",
                                                                                     "shop-health.py"]
        plugin = subprocess.run(["env", "-i", "PATH=/usr/bin:/bin", f"RUNBOOKS_PYTHON={installed / 'python'}",
                                 str(project / "checks/staging/shop-health.py")], cwd="/", capture_output=True,
                                text=True, timeout=120)  # as Nagios runs it
        assert plugin.returncode == 0 and plugin.stdout.startswith("OK - shop-health: 1 ok | health.latency="), plugin
        with serve(project / "site") as url, open_page(chromium, url) as page:
            page.goto("/staging/shop-health/")
            assert page.locator(".md-tabs__link").all_inner_texts()[1:] == ["Staging", "Prod"]  # the team's modes
            state = page.locator('table.rb-checks .rb-state[data-rb-state="OK"]').first
            # runbooks.css is applied (its OK colours), and runbooks.js ran (times shown relative to now).
            assert _rgb(state.evaluate("el => getComputedStyle(el).backgroundColor")) == (0xE3, 0xF4, 0xE8)
            assert page.locator("time.rb-time").first.inner_text().endswith("ago")
            assert page.locator("input[type=checkbox]").count() >= 1  # the checklist's task list
    finally:
        server.close()
        shutil.rmtree(project, ignore_errors=True)
