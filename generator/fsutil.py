"""Atomic file writes: write a temporary file beside the target, then rename.

A reader (a web server, another run) sees the old file or the new one, never
a torn one. New files and directories get the modes the umask gives, as
``open()`` and ``mkdir`` would (``tempfile`` makes them private, 0600 and
0700, which a web server running as another user cannot read).
"""

from __future__ import annotations

import fcntl
import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

__all__ = ["write_atomic", "fresh_dir", "locked"]

_T = TypeVar("_T")


def write_atomic(path: Path, data: str | bytes, *, mode: int | None = None, exclusive: bool = False,
                 durable: bool = True) -> None:
    """Replace ``path`` with ``data``; it keeps its mode, or takes ``mode`` (a new file: the umask's).

    With ``exclusive``, an existing ``path`` is never replaced: FileExistsError (the file appears whole, or not).
    Readers see the old file or the new one, never part of one, either way; ``durable`` (the default) also
    syncs the data to disk before the rename, so a crash cannot leave an empty file in its place. Files that
    are drawn again from durable ones (stamped pages, from the results store) can skip that.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            pass
    fd, tmp = _unique(path.parent, f".{path.name}.", ".tmp", _create_file)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        if exclusive:
            os.link(tmp, path)  # fails on an existing name, where rename would replace it
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def fresh_dir(parent: Path, prefix: str) -> Path:
    """A new, uniquely named directory in ``parent``, with the umask's mode (mkdtemp's is 0700)."""
    return _unique(parent, prefix, "", _create_dir)


def _create_file(path: Path) -> tuple[int, Path]:
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), path


def _create_dir(path: Path) -> Path:
    os.mkdir(path, 0o777)
    return path


def _unique(parent: Path, prefix: str, suffix: str, create: Callable[[Path], _T]) -> _T:
    """``create`` a name in ``parent`` no one else holds (O_EXCL / mkdir fail on a taken one)."""
    for _ in range(100):
        try:
            return create(parent / f"{prefix}{secrets.token_hex(6)}{suffix}")
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name in {parent} after 100 tries")


@contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """An exclusive advisory lock, so concurrent runs update a store in turn."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
