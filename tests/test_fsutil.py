"""Atomic writes: new files and directories take the umask's modes; existing files keep theirs."""

from __future__ import annotations

import stat
from pathlib import Path

from generator.fsutil import fresh_dir, write_atomic

from .conftest import umask


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_takes_the_umask_and_an_existing_one_keeps_its_mode(tmp_path):
    with umask(0o022):
        write_atomic(tmp_path / "open.json", "{}")
    with umask(0o077):
        write_atomic(tmp_path / "private.json", "{}")
        write_atomic(tmp_path / "open.json", "[]")  # rewritten under another umask: its mode stays
    with umask(0o002):
        write_atomic(tmp_path / "script", "#!/bin/sh\n", mode=0o755)
    assert {p.name: (mode(p), p.read_text()) for p in tmp_path.iterdir()} == {
        "open.json": (0o644, "[]"),
        "private.json": (0o600, "{}"),
        "script": (0o755, "#!/bin/sh\n"),
    }


def test_fresh_directories_take_the_umask_and_never_collide(tmp_path):
    with umask(0o022):
        made = [fresh_dir(tmp_path, ".site.building-") for _ in range(20)]
    with umask(0o077):
        private = fresh_dir(tmp_path, ".site.building-")
    assert len(set(made)) == 20 and all(p.name.startswith(".site.building-") for p in made)
    assert {mode(p) for p in made} == {0o755} and mode(private) == 0o700
