"""The catalogue cache: a run takes back the catalogue it loaded last time only while nothing it came from changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.errors import ConfigError
from generator.format import cache, catalog
from generator.format.cache import cache_dir, cached_catalog
from tests.conftest import Project

RUNBOOK = """\
title: Cached
summary: a runbook the cache keeps
checks:
  - id: up
    title: Up
    http: {url: "{{ api }}/health", status: 200}
"""


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The roots the parser was asked to load (a hit asks it nothing)."""
    seen: list[Path] = []
    real = catalog.load_catalog

    def spy(root: Path, **kwargs: object) -> object:
        seen.append(root)
        return real(root, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalog, "load_catalog", spy)
    return seen


def _url(root: Path) -> str:
    view = cached_catalog(root, modes=["local"]).view("cached", "local")
    assert view is not None
    return str(view.checks[0].params["url"])


def test_a_second_load_is_a_hit_and_equals_the_first(project: Project, loads: list[Path]) -> None:
    project.write("cached", RUNBOOK)
    first = cached_catalog(project.root, modes=["local"])
    second = cached_catalog(project.root, modes=["local"])
    assert loads == [project.root]
    assert second.root == project.root and second.project == first.project
    assert [v.checks for v in second.views("local")] == [v.checks for v in first.views("local")]
    assert not any(project.root.rglob("*.pickle")), "nothing is cached inside the project"
    entries = list(cache_dir().glob("*.pickle"))
    assert entries and all(e.stat().st_mode & 0o777 == 0o600 for e in entries)


def test_an_edit_that_keeps_size_and_time_is_seen(project: Project, loads: list[Path]) -> None:
    path = project.write("cached", RUNBOOK)
    assert _url(project.root) == "http://127.0.0.1:1/health"
    before = path.stat()
    path.write_text(RUNBOOK.replace("/health", "/hea1th"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert _url(project.root) == "http://127.0.0.1:1/hea1th"
    assert len(loads) == 2


def test_a_new_or_removed_runbook_is_seen(project: Project) -> None:
    project.write("cached", RUNBOOK)
    assert set(cached_catalog(project.root).runbooks) == {"cached"}
    extra = project.write("other", RUNBOOK.replace("Cached", "Other"))
    assert set(cached_catalog(project.root).runbooks) == {"cached", "other"}
    extra.unlink()
    assert set(cached_catalog(project.root).runbooks) == {"cached"}


def test_a_vars_file_that_appears_changes_or_goes_is_seen(project: Project) -> None:
    project.write("_project", (project.root / "runbooks" / "_project.yaml").read_text().replace(
        'vars: {api: "http://127.0.0.1:1"}', 'vars: {api: "http://127.0.0.1:1"}, vars_file: .local-vars.yaml'))
    project.write("cached", RUNBOOK)
    assert _url(project.root) == "http://127.0.0.1:1/health"
    overlay = project.root / ".local-vars.yaml"
    overlay.write_text("api: http://127.0.0.1:2\n")
    assert _url(project.root) == "http://127.0.0.1:2/health"
    overlay.write_text("api: http://127.0.0.1:3\n")
    assert _url(project.root) == "http://127.0.0.1:3/health"
    overlay.unlink()
    assert _url(project.root) == "http://127.0.0.1:1/health"


def test_a_catalogue_with_problems_is_never_kept(project: Project, loads: list[Path]) -> None:
    project.write("cached", RUNBOOK.replace("title: Cached\n", ""))
    for _ in range(2):
        with pytest.raises(ConfigError, match="title"):
            cached_catalog(project.root)
    assert len(loads) == 2


def test_a_damaged_entry_or_an_unwritable_cache_costs_only_time(project: Project, loads: list[Path],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    project.write("cached", RUNBOOK)
    cached_catalog(project.root)
    for entry in cache_dir().glob("*.pickle"):
        entry.write_bytes(b"\x80\x05not a pickle")
    assert set(cached_catalog(project.root).runbooks) == {"cached"}
    blocked = project.root.parent / "not-a-directory"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert set(cached_catalog(project.root).runbooks) == {"cached"}
    assert set(cached_catalog(project.root).runbooks) == {"cached"}
    assert len(loads) == 4


def test_changed_code_is_a_miss(project: Project, loads: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    project.write("cached", RUNBOOK)
    cached_catalog(project.root)
    monkeypatch.setattr(cache, "_code", lambda: "another version of the loader")
    cached_catalog(project.root)
    assert len(loads) == 2


def test_runbooks_no_cache_turns_it_off(project: Project, loads: list[Path], monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("RUNBOOKS_NO_CACHE", "1")
    project.write("cached", RUNBOOK)
    cached_catalog(project.root)
    cached_catalog(project.root)
    assert len(loads) == 2 and not (tmp_path / "cache").exists()


# ---------------------------------------------------------------- compiled templates


def _render(folder: Path) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), bytecode_cache=cache.template_cache())
    return env.get_template("page.html").render(name="x")


def test_compiled_templates_are_kept_and_an_edited_template_is_compiled_again(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "page.html").write_text("one {{ name }}")
    assert _render(tmp_path) == "one x"
    kept = list((tmp_path / "cache" / "runbooks" / "templates").iterdir())
    assert len(kept) == 1 and oct(kept[0].parent.stat().st_mode & 0o777) == "0o700"
    assert _render(tmp_path) == "one x"
    (tmp_path / "page.html").write_text("two {{ name }}")  # same name, same file: Jinja2 checks the source's hash
    assert _render(tmp_path) == "two x"
    for entry in kept[0].parent.iterdir():
        entry.write_bytes(b"damaged")
    assert _render(tmp_path) == "two x"


def test_an_unwritable_template_cache_or_runbooks_no_cache_costs_only_time(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "page.html").write_text("one {{ name }}")
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert _render(tmp_path) == "one x" and _render(tmp_path) == "one x"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("RUNBOOKS_NO_CACHE", "1")
    assert cache.template_cache() is None and _render(tmp_path) == "one x"
    assert not (tmp_path / "cache").exists()


def test_a_build_keeps_the_theme_templates_compiled_and_takes_them_back(project: Project, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The site's build compiles Material's templates (and the plugin's) once; the next build reads them back
    and writes none (Jinja2 writes an entry only when it compiled the template)."""
    from generator.site.build import build

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project.write("cached", RUNBOOK)
    build(project.root, project.root / "site")
    kept = tmp_path / "cache" / "runbooks" / "templates"
    first = {p.name: p.stat().st_mtime_ns for p in kept.iterdir()}
    assert len(first) >= 30, sorted(first)  # main.html, base.html, the partials: each page extends them
    build(project.root, project.root / "site")
    assert {p.name: p.stat().st_mtime_ns for p in kept.iterdir()} == first
