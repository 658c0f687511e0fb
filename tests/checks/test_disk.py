"""The ``disk`` check kind: used space of the real file system holding tmp_path.

The expected figures come from GNU df, not from statvfs arithmetic like the
kind's own: a wrong formula (used / size, say, which ignores the blocks
reserved for root) must fail here.
"""

from __future__ import annotations

import subprocess

from generator.run.results import State
from tests.helpers import run_one


def df(path, field):
    """One ``df --output`` field for the file system holding ``path`` (GNU coreutils)."""
    out = subprocess.run(["df", f"--output={field}", str(path)], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[1].strip()


def df_use_percent(path) -> int:
    return int(df(path, "pcent").rstrip("%"))


def assert_like_df(percent, path, slack=0.2):
    """df's Use% is the exact figure rounded up; ``percent`` (0.1 steps) is within a point below it.

    ``slack`` covers what other processes write to the file system between df and the probe.
    """
    use = df_use_percent(path)
    assert use - 1 - slack <= percent <= use + slack, f"{percent}% used, df says Use% {use}%"


def test_usage_below_thresholds_is_ok(project, tmp_path):
    # Nothing is used above 100 %: OK however full the test file system is.
    key = project.add_check("disk", {"path": str(tmp_path), "used_percent": {"warn": 100, "crit": 100}})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert result.reason == ""
    assert_like_df(result.metrics["used_percent"], tmp_path)
    size_gb = int(df(tmp_path, "size")) * 1024 / 1e9  # df's size is in 1K blocks
    assert result.observed == f"{result.metrics['used_percent']:.1f}% used of {size_gb:.1f} GB"


def test_relative_path_is_resolved_against_the_project_root(project):
    key = project.add_check("disk", {"path": ".", "used_percent": {"crit": 100}})
    result = run_one(project.root, key)
    assert result.state is State.OK, result.summary
    assert_like_df(result.metrics["used_percent"], project.root)


def test_usage_over_warn_is_warning(project, tmp_path):
    key = project.add_check("disk", {"path": str(tmp_path), "used_percent": {"warn": 0}})
    result = run_one(project.root, key)
    assert result.state is State.WARNING, result.summary
    assert result.reason == "assertion"
    assert result.summary == f"used {result.metrics['used_percent']:g}% > warn 0%"
    assert_like_df(result.metrics["used_percent"], tmp_path)


def test_usage_over_crit_is_critical(project, tmp_path):
    key = project.add_check("disk", {"path": str(tmp_path), "used_percent": {"warn": 0, "crit": 0}})
    result = run_one(project.root, key)
    assert result.state is State.CRITICAL
    assert result.reason == "assertion"
    assert result.summary == f"used {result.metrics['used_percent']:g}% > crit 0%"


def test_nonexistent_path_is_unknown_error(project, tmp_path):
    key = project.add_check("disk", {"path": str(tmp_path / "no" / "such" / "dir"), "used_percent": {"crit": 90}})
    result = run_one(project.root, key)
    assert result.state is State.UNKNOWN
    assert result.reason == "error"
    assert result.summary.startswith("cannot probe")
