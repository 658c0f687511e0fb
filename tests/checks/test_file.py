"""The ``file`` check kind: existence, freshness and size of real files in tmp_path.

Ages are set with os.utime against a fixed "now" that the engine's clock
returns (RunOptions.clock), so "30 hours old" needs no waiting and an age is
exact however long the machine takes between writing the file and probing it.
"""

from __future__ import annotations

import os
from functools import partial

from generator.run.results import State
from tests.helpers import run_one as run_one_now

HOUR = 3600
AGE = {"warn": "26h", "crit": "48h"}
NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z: the probes' clock
run_one = partial(run_one_now, clock=lambda: NOW)


def make_file(path, size=10, age_hours=0.0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    mtime = NOW - age_hours * HOUR
    os.utime(path, (mtime, mtime))
    return path


# --- OK ----------------------------------------------------------------------

def test_fresh_big_enough_file_is_ok(project, tmp_path):
    path = make_file(tmp_path / "backup.tar.gz", size=2000, age_hours=1)
    key = project.add_check("file", {"path": str(path), "exists": True, "newest_age": AGE, "min_size": "1KB"})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.reason == ""
    assert result.observed == "newest backup.tar.gz: 1h old, 2000 B"
    assert result.metrics["age_s"] == HOUR
    assert result.started_at == "2026-01-01T00:00:00Z"  # results are stamped by the same clock


def test_a_file_written_after_now_is_zero_seconds_old(project, tmp_path):
    path = make_file(tmp_path / "clock-skew.tar.gz", size=2000, age_hours=-1)  # mtime an hour past the clock
    key = project.add_check("file", {"path": str(path), "newest_age": AGE})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.metrics["age_s"] == 0


def test_glob_judges_the_newest_match(project, tmp_path):
    make_file(tmp_path / "db-1.tar.gz", size=2000, age_hours=72)
    make_file(tmp_path / "db-2.tar.gz", size=2000, age_hours=50)
    make_file(tmp_path / "db-3.tar.gz", size=2000, age_hours=2)
    key = project.add_check("file", {"path": str(tmp_path / "db-*.tar.gz"), "newest_age": AGE, "min_size": 1000})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.observed == "newest db-3.tar.gz: 2h old, 2000 B"
    assert result.metrics["age_s"] == 2 * HOUR


def test_exists_false_passes_for_an_absent_path(project, tmp_path):
    key = project.add_check("file", {"path": str(tmp_path / "maintenance.lock"), "exists": False})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.observed == "no match"


def test_relative_path_is_resolved_against_the_project_root(project):
    make_file(project.root / "data" / "export.csv", size=50)
    key = project.add_check("file", {"path": "data/export.csv", "exists": True, "min_size": 10})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.observed.startswith("newest export.csv:")


def test_relative_glob_is_resolved_against_the_project_root(project):
    make_file(project.root / "data" / "a.log", size=50)
    key = project.add_check("file", {"path": "data/*.log", "exists": True})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary


# --- WARNING -----------------------------------------------------------------

def test_newest_match_past_warn_age_is_warning(project, tmp_path):
    path = make_file(tmp_path / "backup.tar.gz", size=2000, age_hours=30)
    key = project.add_check("file", {"path": str(path), "newest_age": AGE})
    result = run_one(project.root, key)
    assert result.state is State.WARNING, result.summary
    assert result.reason == "assertion"
    assert result.summary == "age 1d6h > warn 1d2h"
    assert f"2025-12-30 18:00        2000  {path}" in result.evidence  # the listing: mtime (UTC), size, path


# --- CRITICAL ----------------------------------------------------------------

def test_newest_match_past_crit_age_is_critical(project, tmp_path):
    path = make_file(tmp_path / "backup.tar.gz", size=2000, age_hours=50)
    key = project.add_check("file", {"path": str(path), "newest_age": AGE})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert result.summary == "age 2d2h > crit 2d"
    assert result.observed == "newest backup.tar.gz: 2d2h old, 2000 B"


def test_glob_without_a_match_is_critical(project, tmp_path):
    key = project.add_check("file", {"path": str(tmp_path / "db-*.tar.gz"), "newest_age": AGE})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert "path: expected a matching file, got no match" in result.summary
    assert result.observed == "no match"


def test_exists_true_without_a_match_is_critical(project, tmp_path):
    key = project.add_check("file", {"path": str(tmp_path / "missing.txt"), "exists": True})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert "exists: expected a match, got no match" in result.summary


def test_exists_false_with_a_match_is_critical(project, tmp_path):
    path = make_file(tmp_path / "maintenance.lock")
    key = project.add_check("file", {"path": str(path), "exists": False})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert "exists: expected no match, got 1 match(es)" in result.summary


def test_file_smaller_than_min_size_is_critical(project, tmp_path):
    path = make_file(tmp_path / "backup.tar.gz", size=10)
    key = project.add_check("file", {"path": str(path), "min_size": "1KB"})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert "size: expected >= 1000 B, got 10 B" in result.summary


# --- UNKNOWN -----------------------------------------------------------------

def test_symlink_loop_is_unknown_error(project, tmp_path):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    key = project.add_check("file", {"path": str(tmp_path / "a"), "exists": True})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN, f"{result.state.value}: {result.summary}"
    assert result.reason == "error"
