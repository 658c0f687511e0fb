"""Helpers for running checks the way users do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.format.catalog import load_catalog
from generator.run.engine import RunOptions, run_checks_sync
from generator.run.results import Result


def run_mode(root: Path, mode: str = "local", **options: Any) -> dict[str, Result]:
    """Run every check of ``mode`` through the real engine; results by ``runbook/check``.

    ``options`` are RunOptions fields: ``timeout``, ``deadline``, ``clock`` (a fixed
    "now" for age checks, e.g. ``clock=lambda: NOW``)…
    """
    catalog = load_catalog(root)
    specs = [c for v in catalog.views(mode) for c in v.checks]
    results = run_checks_sync(specs, mode, root, RunOptions(**options))
    return {r.key: r for r in results}


def run_one(root: Path, key: str, mode: str = "local", **options: Any) -> Result:
    return run_mode(root, mode, **options)[key]
