"""``runbooks build``: the site (via MkDocs and the plugin) and the check scripts.

Everything is validated before anything is written. The site is built into a
temporary directory and swapped in only when the build succeeded, so a
failed build leaves the previous site and scripts untouched.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from generator.checkscripts.generate import write_scripts
from generator.errors import RunbooksError
from generator.format.catalog import load_catalog
from generator.format.model import Catalog
from generator.fsutil import fresh_dir

__all__ = ["build_site", "build"]


class _ToStderr(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        import sys

        print(f"{record.levelname}: {record.getMessage()}", file=sys.stderr)


def build_site(root: Path, site_dir: Path, *, strict: bool = True, catalog: Catalog | None = None) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    handler = _ToStderr(logging.WARNING)
    logger.addHandler(handler)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = fresh_dir(site_dir.parent, f".{site_dir.name}.building-")  # its mode becomes the site's
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(staging), strict=strict)
        plugin = config.plugins.get("runbooks")
        if catalog is not None and plugin is not None:
            plugin.preloaded = catalog
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
        _swap(staging, site_dir)
    except (MkDocsException, SystemExit) as exc:
        raise RunbooksError(f"site build failed ({exc}); the previous site is untouched") from None
    finally:
        logger.removeHandler(handler)
        shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, site_dir: Path) -> None:
    old = None
    if site_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.old-", dir=site_dir.parent))
        os.rename(site_dir, old / "site")
    os.rename(staging, site_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(root: Path, site_dir: Path, *, strict: bool = True) -> tuple[Catalog, list[str]]:
    catalog = load_catalog(root)
    build_site(root, site_dir, strict=strict, catalog=catalog)
    return catalog, write_scripts(catalog)
