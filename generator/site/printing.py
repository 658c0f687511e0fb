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
from xml.sax.saxutils import escape

from generator.errors import RunbooksError, UsageError
from generator.format.catalog import load_catalog
from generator.format.model import Catalog
from generator.fsutil import write_atomic

__all__ = ["PAPERS", "BROWSERS", "PrintJob", "find_chromium", "print_pdf", "print_url", "fontconfig_env"]

PAPERS = ("a4", "letter")
# Debian's package is `chromium`; other distributions and Google's builds use the others.
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = "install it with `apt-get install chromium` (Debian) or set CHROMIUM=/path/to/chromium"
TIMEOUT = 120.0
# Chromium prints at the load event and need not wait for a web font requested after it (by the
# first layout, or by print-only styles); under `font-display: block` that text prints blank. With
# fonts served 3 s late the PDF came out empty (test_runbooks_print_waits_for_late_fonts). Virtual
# time stands still while a fetch is pending, so the budget waits for every font the printed layout
# needs; on the site's own pages it costs no real time (a binder: about 3 s either way).
VIRTUAL_TIME_BUDGET_MS = 5000
# Chromium takes glyph hinting from fontconfig, and full hinting rounds every advance to a whole
# pixel, so text runs wider: under it a hybrid binder took 22 A4 pages instead of 21. Paper is laid
# out with slight hinting (Debian's default) whatever the machine is set to; the machine's own
# configuration, included first, still supplies the fonts for symbols the bundled faces lack.
FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">{base}</include>
  <match target="font">
    <edit name="hinting" mode="assign"><bool>true</bool></edit>
    <edit name="hintstyle" mode="assign"><const>hintslight</const></edit>
  </match>
</fontconfig>
"""


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


def _page(job: PrintJob, catalog: Catalog) -> str:
    """The page to print, relative to the site root; validated against the runbooks."""
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
    catalog = load_catalog(job.root)
    page = _page(job, catalog)
    browser = find_chromium()  # before a build: fail fast when there is nothing to print with
    if job.site is not None:
        return _print(browser, _existing(job.site / page), job)
    from generator.site.build import build_site

    with tempfile.TemporaryDirectory(prefix="runbooks-print-") as tmp:
        site = Path(tmp) / "site"
        build_site(job.root, site, catalog=catalog)  # the catalogue validated above, not read again
        return _print(browser, site / page, job)


def _existing(page: Path) -> Path:
    if not page.is_file():
        raise UsageError(f"{page}: no such page; build the site first (`runbooks build`)")
    return page


def _print(browser: str, page: Path, job: PrintJob) -> Path:
    out = job.out.resolve()
    with tempfile.TemporaryDirectory(prefix="runbooks-print-") as work:
        pdf = Path(work) / "print.pdf"  # Chromium writes into our private directory; the user's file is replaced whole
        print_url(browser, f"{page.resolve().as_uri()}?paper={job.paper}", pdf)
        write_atomic(out, _read_pdf(pdf, browser))  # the umask's mode, like any file the user writes
    return out


def print_url(browser: str, url: str, pdf: Path) -> None:
    """Print the page at ``url`` to ``pdf`` with headless ``browser``, once its fonts have loaded."""
    # A profile of its own: two prints at once (or a desktop Chromium) must not share one.
    with tempfile.TemporaryDirectory(prefix="runbooks-chromium-") as tmp:
        _run_chromium(browser, url, pdf, Path(tmp) / "profile", fontconfig_env(Path(tmp)))


def fontconfig_env(directory: Path) -> dict[str, str]:
    """The environment for a Chromium that lays text out as on every other machine (see FONTCONFIG);
    its configuration file is written to ``directory``, which must outlive the browser."""
    conf = directory / "runbooks-print.conf"
    # Relative, "fonts.conf" is the machine's default configuration (fontconfig's own search path).
    conf.write_text(FONTCONFIG.format(base=escape(os.environ.get("FONTCONFIG_FILE") or "fonts.conf")),
                    encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def _run_chromium(browser: str, url: str, pdf: Path, profile: Path, env: dict[str, str]) -> None:
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
               f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}", f"--print-to-pdf={pdf}", url]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, env=env)
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
