"""The ``disk`` check kind: used space of the real file system holding tmp_path."""

from __future__ import annotations

import os

import pytest

from generator.run.results import State
from tests.helpers import run_one


def used_percent(path):
    st = os.statvfs(path)
    used = (st.f_blocks - st.f_bfree) * st.f_frsize
    avail = st.f_bavail * st.f_frsize
    return 100.0 * used / (used + avail)


def test_usage_below_thresholds_is_ok(project, tmp_path):
    actual = used_percent(tmp_path)
    if actual >= 99.9:
        pytest.skip(f"the test file system is {actual:.1f}% full")
    key = project.add_check("disk", {"path": str(tmp_path), "used_percent": {"warn": 99.95, "crit": 100}})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.reason == ""
    assert "% used of " in result.observed and result.observed.endswith(" GB")
    assert result.metrics["used_percent"] == pytest.approx(actual, abs=1.0)


def test_relative_path_is_resolved_against_the_project_root(project):
    key = project.add_check("disk", {"path": ".", "used_percent": {"crit": 100}})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.metrics["used_percent"] == pytest.approx(used_percent(project.root), abs=1.0)


def test_usage_over_warn_is_warning(project, tmp_path):
    key = project.add_check("disk", {"path": str(tmp_path), "used_percent": {"warn": 0}})
    result = run_one(project.root, key)
    assert result.state is State.WARNING, result.summary
    assert result.reason == "assertion"
    assert result.summary.startswith("used ") and result.summary.endswith("> warn 0%")


def test_usage_over_crit_is_critical(project, tmp_path):
    key = project.add_check("disk", {"path": str(tmp_path), "used_percent": {"warn": 0, "crit": 0}})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert result.summary.startswith("used ") and result.summary.endswith("> crit 0%")


def test_nonexistent_path_is_unknown_error(project, tmp_path):
    key = project.add_check("disk", {"path": str(tmp_path / "no" / "such" / "dir"), "used_percent": {"crit": 90}})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.reason == "error"
    assert result.summary.startswith("cannot probe")
