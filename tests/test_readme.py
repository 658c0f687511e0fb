"""The README's format reference is generated from the schema: it must not drift."""

from __future__ import annotations

from generator.format.reference import format_reference

from .conftest import REPO


def test_readme_reference_matches_the_schema():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    embedded = text.split("<!-- reference:start -->\n", 1)[1].split("<!-- reference:end -->", 1)[0]
    assert embedded == format_reference(), "run `runbooks reference` and paste it between the README markers"


def test_readme_quick_start_has_the_two_commands():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert quick.split() == ["make", "demo", "make", "test"]
