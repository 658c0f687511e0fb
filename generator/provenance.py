"""Where a page came from: the commit and the time it was generated.

Printed checklists outlive the site: on paper, an operator needs to see how
old the page is and which version of the runbooks it shows. ``run-checks``
records the same commit beside each run.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["BuildInfo", "build_info", "git_commit", "generated_at"]

# CI systems check out a detached commit and say which one in these.
_COMMIT_VARIABLES = ("RUNBOOKS_COMMIT", "GITHUB_SHA", "CI_COMMIT_SHA")


@dataclass(frozen=True)
class BuildInfo:
    commit: str  # full hash, or "" outside a git checkout
    generated_at: str  # ISO 8601, UTC, seconds
    modified: bool = False  # runbooks/ differs from the commit

    @property
    def short_commit(self) -> str:
        return self.commit[:12]


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def git_commit(root: Path) -> str:
    """The commit under test: a CI variable when set, else ``git rev-parse HEAD``, else ""."""
    for name in _COMMIT_VARIABLES:
        if os.environ.get(name):
            return os.environ[name]
    return _git(root, "rev-parse", "HEAD") or ""


def generated_at() -> str:
    """Now, or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = (datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit()
              else datetime.now(timezone.utc))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_info(root: Path) -> BuildInfo:
    commit = git_commit(root)
    # A commit alone would hide local edits: the page would claim to be that commit.
    changes = _git(root, "status", "--porcelain", "--", "runbooks") if commit else None
    return BuildInfo(commit, generated_at(), bool(changes))
