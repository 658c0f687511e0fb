"""``runbooks build``: the site it swaps in is one a web server running as another user can read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from generator.cli import runbooks_main

from .conftest import run_as_nobody, umask


def modes(tree: Path) -> set[tuple[str, int]]:
    """Every kind of entry under ``tree`` with its permission bits: {("dir", 0o755), ("file", 0o644)}."""
    found = {("dir", stat.S_IMODE(tree.stat().st_mode))}
    for folder, dirs, files in os.walk(tree):
        found |= {("dir", stat.S_IMODE(os.stat(os.path.join(folder, d)).st_mode)) for d in dirs}
        found |= {("file", stat.S_IMODE(os.stat(os.path.join(folder, f)).st_mode)) for f in files}
    return found


def build(root: Path, mask: int) -> None:
    with umask(mask):
        assert runbooks_main(["--root", str(root), "build"]) == 0


def test_the_built_site_takes_the_umask_and_a_web_server_user_can_read_it(shared_project):
    shared_project.check("api", """\
        - id: up
          title: t
          tcp: {host: 127.0.0.1, port: 1}
    """)
    site = shared_project.root / "site"
    page = site / "local" / "index.html"
    for _ in ("the first build creates site/", "a rebuild swaps a new one in"):
        build(shared_project.root, 0o022)
        assert modes(site) == {("dir", 0o755), ("file", 0o644)}
        read = run_as_nobody(["cat", str(page)])
        assert (read.returncode, read.stderr) == (0, "")
        assert read.stdout == page.read_text(encoding="utf-8")
    build(shared_project.root, 0o027)  # a private umask is kept too: the site is not forced open
    assert modes(site) == {("dir", 0o750), ("file", 0o640)}
    read = run_as_nobody(["cat", str(page)])
    assert (read.returncode, read.stderr) == (1, f"cat: {page}: Permission denied\n")
