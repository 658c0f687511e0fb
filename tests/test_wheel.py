"""The wheel is the whole product: built, installed in a new venv, used on a project outside the repository.

Nothing from the repository is on the path of the installed tool: the site is
built from the templates and assets inside the wheel, the checks run, the
results are stamped, and a real Chromium sees the pages styled and scripted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser

from .conftest import REPO, HttpServer
from .test_browser import _rgb, open_page, serve
from .test_browser import chromium  # noqa: F401  (the shared browser fixture)

pytestmark = pytest.mark.browser

PROJECT = """\
title: Shop operations
modes:
  local: {title: Local, description: This machine., vars: {shop_url: "SHOP_URL"}}
  hybrid: {title: Hybrid, description: On premises., vars: {shop_url: "https://shop.example.internal"}}
  aws: {title: AWS, description: In the cloud., vars: {shop_url: "https://shop.example.com"}}
severities:
  P2: {title: High, response: 1h}
"""
RUNBOOKS = {
    "shop-health": """\
        title: Shop health
        summary: Is the shop up?
        severity: P2
        modes: [local]
        checklist:
          - group: Triage
            items: [Alert acknowledged]
        checks:
          - id: health
            title: The shop answers
            http: {url: "{{ shop_url }}/health", status: 200}
        """,
    "shop-backup": """\
        title: Shop backup
        summary: Is last night's backup there?
        modes: [local]
        checks:
          - id: dump
            title: A dump exists
            file: {path: "backups/*.sql", exists: true}
        """,
}
MKDOCS = """\
site_name: Shop runbooks
theme: {name: material, font: false}
plugins: [search, runbooks]
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
    assert "generator/run/kinds/http.py" in names and "generator/py.typed" in names
    assert "generator/alerts/rules.py" in names and "generator/run/reporters/openmetrics.py" in names


def test_an_installed_wheel_builds_runs_and_stamps_a_project_of_its_own(installed: Path, chromium: Browser) -> None:
    server = HttpServer()
    server.route("/health", body={"status": "ok"})
    project = Path(tempfile.mkdtemp(prefix="shop-"))
    try:
        _write_project(project, server.url(""))
        # The installed tool only: no repository on the path, run from the project, PATH without the test venv.
        env = {"PATH": f"{installed}:/usr/bin:/bin", "HOME": str(project), "LANG": "C.UTF-8"}
        alerts = ["runbooks", "alerts", "--mode", "local", "--site-url", "https://ops.shop.test", "--out", "rules.yml"]
        for command in (["runbooks", "build"], alerts, ["run-checks", "--mode", "local", "--site", "site"]):
            done = subprocess.run([str(installed / command[0]), *command[1:]], cwd=project, env=env,
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"
        assert "2 checks in mode local (2 ok)" in done.stdout
        assert "https://ops.shop.test/local/{{ $labels.runbook }}/" in (project / "rules.yml").read_text()
        assert (project / "checks" / "local" / "shop-health.py").is_file()
        with serve(project / "site") as url, open_page(chromium, url) as page:
            page.goto("/local/shop-health/")
            state = page.locator('table.rb-checks .rb-state[data-rb-state="OK"]').first
            # runbooks.css is applied (its OK colours), and runbooks.js ran (times shown relative to now).
            assert _rgb(state.evaluate("el => getComputedStyle(el).backgroundColor")) == (0xE3, 0xF4, 0xE8)
            assert page.locator("time.rb-time").first.inner_text().endswith("ago")
            assert page.locator("input[type=checkbox]").count() >= 1  # the checklist's task list
    finally:
        server.close()
        shutil.rmtree(project, ignore_errors=True)


def _write_project(root: Path, shop_url: str) -> None:
    (root / "runbooks").mkdir()
    (root / "docs").mkdir()
    (root / "backups").mkdir()
    (root / "backups" / "shop-20261201.sql").write_text("-- dump\n")
    (root / "mkdocs.yml").write_text(MKDOCS)
    (root / "runbooks" / "_project.yaml").write_text(PROJECT.replace("SHOP_URL", shop_url.rstrip("/")))
    for name, text in RUNBOOKS.items():
        (root / "runbooks" / f"{name}.yaml").write_text(textwrap.dedent(text))
    assert not (root / "site_templates").exists() and os.listdir(root / "docs") == []
