"""`make bench` builds its own catalogues: they must stay valid as the format tightens (an alert claimed twice
is an error since runbooks name their alerts), or the benchmark fails only when someone runs it."""

from __future__ import annotations

import sys
from pathlib import Path

from generator.format.catalog import load_catalog

from .conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
import targets  # noqa: E402  (bench/targets.py)


def test_the_scaled_catalogue_is_valid_and_each_copy_is_its_own(tmp_path: Path) -> None:
    root = targets.scale_project(tmp_path / "b60", 2)
    catalog = load_catalog(root)  # raises on any error, an alert claimed twice among them
    originals = len(list((REPO / "runbooks").glob("[!_]*.yaml")))
    assert len(list((root / "runbooks").glob("[!_]*.yaml"))) == 2 * originals
    text = (root / "runbooks" / "search-health-01.yaml").read_text()
    assert "title: Search service health 01" in text and "SearchDownCopy01" in text
    assert catalog is not None
