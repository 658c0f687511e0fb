"""The MkDocs plugin with a minimal mkdocs.yml: it works (the plugin adds what its pages need) or fails loudly."""

from __future__ import annotations

import json
import re

import pytest

from generator.errors import RunbooksError
from generator.site.build import build_site

MINIMAL = "site_name: Minimal\ntheme: material\nplugins: [runbooks]\n"


@pytest.fixture
def minimal(project):
    project.check("api", """\
        - id: up
          title: Up
          tcp: {host: 127.0.0.1, port: 1}
    """, sections='[{title: Triage, steps: [{text: Look, run: "curl -fsS http://127.0.0.1:1/"}]}]',
                  checklist="[{group: Triage, items: [Alert acknowledged]}]")
    (project.root / "mkdocs.yml").write_text(MINIMAL)
    return project


def test_a_minimal_mkdocs_yml_builds_whole_pages(minimal):
    site = minimal.root / "site"
    build_site(minimal.root, site)
    page = (site / "local/api/index.html").read_text()
    text = re.sub(r"<[^>]+>", "", page)
    assert "{ .bash" not in text and "- [ ]" not in text  # attr_list and the task list ran
    assert re.search(r'<div class="[^"]*rb-command[^"]*">', page)  # the command block took its class
    assert re.search(r'<input type="checkbox"[^>]*>', page)  # the checklist is a task list
    assert 'href="../../assets/runbooks.css"' in page and (site / "assets/runbooks.css").is_file()
    assert 'src="../../assets/runbooks.js"' in page and (site / "assets/runbooks.js").is_file()
    assert "fonts.googleapis.com" not in page  # the bundled faces, no web fonts: it works offline
    assert 'class="md-tabs"' in page  # each mode is a tab
    features = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', page)[1])
    assert {"navigation.tabs", "content.code.copy"} <= set(features["features"])  # a copy button on commands


@pytest.mark.parametrize("extra, message", [
    ("use_directory_urls: false\n", "the runbooks plugin needs use_directory_urls: true"),
    ("theme: readthedocs\n", "the runbooks plugin needs the Material theme"),
])
def test_settings_that_would_break_the_pages_fail_the_build_naming_the_key(minimal, extra, message, capsys):
    config = MINIMAL.replace("theme: material\n", "") + extra + ("" if "theme" in extra else "theme: material\n")
    (minimal.root / "mkdocs.yml").write_text(config)
    with pytest.raises(RunbooksError, match="site build failed"):
        build_site(minimal.root, minimal.root / "site")
    assert message in capsys.readouterr().err
    assert not (minimal.root / "site").exists()


def test_missing_docs_dir_and_site_name_are_named(minimal, capsys):
    (minimal.root / "docs").rmdir()
    with pytest.raises(RunbooksError):
        build_site(minimal.root, minimal.root / "site")
    assert f"Config value 'docs_dir': The path '{minimal.root / 'docs'}' isn't an existing directory." in \
        capsys.readouterr().err
