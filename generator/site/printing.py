"""``runbooks print``: a mode's incident binder (or one checklist) as a PDF.

The pages are the site's own print pages (``/<mode>/binder/`` and
``/<mode>/<runbook>/print/``), printed by headless Chromium, so the PDF is
exactly what the print dialog gives. Without ``--site`` the site is built
first into a temporary directory, so printing never changes ``site/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.errors import RunbooksError, UsageError
from generator.format.catalog import load_catalog
from generator.fsutil import write_atomic

__all__ = ["PAPERS", "BROWSERS", "PrintJob", "find_chromium", "print_pdf"]

PAPERS = ("a4", "letter")
# Debian's package is `chromium`; other distributions and Google's builds use the others.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = "install it with `apt-get install chromium` (Debian) or set CHROMIUM=/path/to/chromium"
TIMEOUT = 120.0


@dataclass(frozen=True)
class PrintJob:
    root: Path
    mode: str
    out: Path
    runbook: str | None = None
    site: Path | None = None
    paper: str = "a4"


def find_chromium() -> str:
    """The browser to print with: $CHROMIUM when set, else the first of BROWSERS on PATH."""
    configured = os.environ.get("CHROMIUM", "")
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise RunbooksError(f"CHROMIUM={configured}: not an executable; {INSTALL_HINT}")
        return found
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise RunbooksError(f"Chromium not found (looked for {', '.join(BROWSERS)} on PATH); {INSTALL_HINT}")


def _page(job: PrintJob) -> str:
    """The page to print, relative to the site root; validated against the runbooks."""
    catalog = load_catalog(job.root)
    if job.mode not in catalog.project.modes:
        raise UsageError(f"unknown mode '{job.mode}'; modes: {', '.join(catalog.project.modes)}")
    if job.runbook is None:
        return f"{job.mode}/binder/index.html"
    if job.runbook not in catalog.runbooks:
        raise UsageError(f"unknown runbook '{job.runbook}'; runbooks: {', '.join(catalog.runbooks)}")
    if catalog.view(job.runbook, job.mode) is None:
        raise UsageError(f"runbook '{job.runbook}' is not used in mode '{job.mode}'")
    return f"{job.mode}/{job.runbook}/print/index.html"


def print_pdf(job: PrintJob) -> Path:
    """Write the PDF to ``job.out`` (atomically); return its path."""
    if job.paper not in PAPERS:
        raise UsageError(f"unknown paper '{job.paper}'; expected one of: {', '.join(PAPERS)}")
    page = _page(job)
    browser = find_chromium()  # before a build: fail fast when there is nothing to print with
    if job.site is not None:
        return _print(browser, _existing(job.site / page), job)
    from generator.site.build import build_site

    with tempfile.TemporaryDirectory(prefix="runbooks-print-") as tmp:
        site = Path(tmp) / "site"
        build_site(job.root, site)
        return _print(browser, site / page, job)


def _existing(page: Path) -> Path:
    if not page.is_file():
        raise UsageError(f"{page}: no such page; build the site first (`runbooks build`)")
    return page


def _print(browser: str, page: Path, job: PrintJob) -> Path:
    out = job.out.resolve()
    with tempfile.TemporaryDirectory(prefix="runbooks-chromium-") as profile:
        pdf = Path(profile) / "print.pdf"
        _run_chromium(browser, f"{page.resolve().as_uri()}?paper={job.paper}", pdf, Path(profile))
        write_atomic(out, _read_pdf(pdf, browser))  # the umask's mode, like any file the user writes
    return out


def _run_chromium(browser: str, url: str, pdf: Path, profile: Path) -> None:
    # A profile of its own: two prints at once (or a desktop Chromium) must not share one.
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
               f"--print-to-pdf={pdf}", url]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RunbooksError(f"{browser} did not finish printing within {TIMEOUT:.0f}s") from None
    except OSError as exc:
        raise RunbooksError(f"cannot run {browser}: {exc.strerror}; {INSTALL_HINT}") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RunbooksError(f"{browser} failed to print (exit {done.returncode}): {last}")


def _read_pdf(pdf: Path, browser: str) -> bytes:
    data = pdf.read_bytes() if pdf.is_file() else b""
    if not data.startswith(b"%PDF-"):
        raise RunbooksError(f"{browser} wrote no PDF (is it a headless-capable Chromium?)")
    return data
