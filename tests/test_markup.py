"""Result markup escapes whatever a probed system said, exactly as Jinja's autoescape did before it was
drawn in Python (generator/site/markup.py)."""

from __future__ import annotations

import pytest
from markupsafe import Markup, escape

from generator.run.results import Result, State
from generator.site import markup

HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "it's & <b>", "<!--rb:check:x-->",
           "plain", "", "\u00e9\u2713 \x00", "&amp; already"]


@pytest.mark.parametrize("text", HOSTILE)
def test_esc_writes_the_entities_markupsafe_writes(text: str) -> None:
    assert markup.esc(text) == str(escape(text))
    assert markup.esc(Markup("<b>kept</b>")) == "<b>kept</b>"  # markup built here is not escaped twice


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_a_probe_said_reaches_a_cell_unescaped(text: str) -> None:
    r = Result("local", "rb", "c1", "T", "http", State.CRITICAL, text, text, text, text, [], {}, 3.0,
               "2026-01-01T00:00:00Z", "GET x")
    r.note, r.maintenance, r.probed_state = text, text, text
    for html in (markup.check_cell(r, 60), markup.print_check(r, 60), markup.check_badge(r, 60)):
        for bad in ("<script>", "<img", "<!--", "it's"):
            assert bad not in html or bad not in text, (bad, html)
