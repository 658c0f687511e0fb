"""Helpers for running checks the way users do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.format.catalog import load_catalog
from generator.run.engine import RunOptions, run_checks_sync
from generator.run.results import Result

# RunOptions every run_mode starts from; ``each_http_client`` sets the HTTP client in it.
DEFAULT_OPTIONS: dict[str, Any] = {}


@pytest.fixture(params=["aiohttp", "stdlib"])
def each_http_client(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the module's tests once through each HTTP client: the aiohttp pool (run-checks) and http.client in
    threads (check scripts). Import it into a module with ``pytestmark = pytest.mark.usefixtures(...)``."""
    monkeypatch.setitem(DEFAULT_OPTIONS, "http_client", request.param)
    return str(request.param)


def run_mode(root: Path, mode: str = "local", **options: Any) -> dict[str, Result]:
    """Run every check of ``mode`` through the real engine; results by ``runbook/check``.

    ``options`` are RunOptions fields: ``timeout``, ``deadline``, ``clock`` (a fixed
    "now" for age checks, e.g. ``clock=lambda: NOW``)…
    """
    catalog = load_catalog(root)
    specs = [c for v in catalog.views(mode) for c in v.checks]
    results = run_checks_sync(specs, mode, root, RunOptions(**{**DEFAULT_OPTIONS, **options}))
    return {r.key: r for r in results}


def run_one(root: Path, key: str, mode: str = "local", **options: Any) -> Result:
    return run_mode(root, mode, **options)[key]
