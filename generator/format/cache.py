"""The catalogue a run loaded last time, when nothing it was loaded from has changed.

Parsing and validating the runbooks is most of a run's start-up (67 ms of the
0.3 s before the first probe at 1000 checks), and a runner loads the same
catalogue again and again: Nagios every few minutes, ``run-checks --every``,
CI on every push. So a run keeps what it loaded, and the next run takes it
back in a few milliseconds when these are all the same:

- the code that loads it (the ``generator`` package's modules, by size and
  time of change, and the Python version);
- the runbook files, by name and by content (a hash, not a time: an edit
  within the same second, or a checkout that keeps times, is still seen);
- each mode's ``vars_file``, by content, or its absence.

Only a catalogue that loaded without a single problem is kept, so a hit never
hides a diagnostic. The cache lives in the user's cache directory
(``$XDG_CACHE_HOME/runbooks``, else ``~/.cache/runbooks``), never in the
project: it is a pickle, which is code, and a repository must not be able to
plant one. ``RUNBOOKS_NO_CACHE=1`` turns it off. A cache that cannot be read
or written costs the time it would have saved, nothing else.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Collection

if TYPE_CHECKING:
    from generator.format.model import Catalog

__all__ = ["cached_catalog", "cache_dir", "template_cache"]

_PACKAGE = Path(__file__).resolve().parent.parent
_FORMAT = 1  # of the entry; bump when its layout changes


def _cache_base() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "runbooks"


def cache_dir() -> Path:
    return _cache_base() / "catalog"


def template_cache() -> Any:
    """Jinja2's compiled templates, kept beside the catalogue (``$XDG_CACHE_HOME/runbooks/templates``): the
    site's theme (Material's templates, the plugin's) and the package's pages, slots and scripts are compiled
    again by every build, every stamp and every ``mkdocs serve`` rebuild otherwise (0.15 s of a 2.2-2.4 s
    build of the demo: ``runbooks build``, 3 runs each with ``RUNBOOKS_NO_CACHE=1`` and without).

    Jinja2 keys an entry on the template's name and file and checks it against a hash of the source, and
    against its own format and the Python version, so an edited template is compiled again. None (no cache)
    with ``RUNBOOKS_NO_CACHE``. Bytecode is code, so, as the catalogue, it is never kept in the project."""
    if os.environ.get("RUNBOOKS_NO_CACHE"):
        return None
    import jinja2

    class TemplateCache(jinja2.FileSystemBytecodeCache):
        """A cache that cannot be read or written costs the time it would have saved, nothing else (a damaged
        entry Jinja2 drops itself)."""

        def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except OSError:
                bucket.reset()

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                os.makedirs(self.directory, mode=0o700, exist_ok=True)
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return TemplateCache(str(_cache_base() / "templates"))


def cached_catalog(root: Path, *, modes: Collection[str] | None = None) -> Catalog:
    """``load_catalog(root, modes=modes)``, from the cache when nothing it depends on has changed."""
    if os.environ.get("RUNBOOKS_NO_CACHE"):
        return _load(root, modes)
    wanted = sorted(modes) if modes is not None else None
    entry = _entry_path(root.resolve(), wanted)
    code, inputs = _code(), _runbook_inputs(root)
    found = _read(entry, code, root, inputs) if inputs is not None else None
    if found is not None:
        found.root = root  # as the caller names it (the entry is the same for every name of the folder)
        return found
    catalog = _load(root, modes)
    if inputs is not None:
        _write(entry, code, catalog, inputs)
    return catalog


def _load(root: Path, modes: Collection[str] | None) -> Catalog:
    from generator.format.catalog import load_catalog  # the parser and the validator: only on a miss

    return load_catalog(root, modes=modes)


def _entry_path(root: Path, modes: list[str] | None) -> Path:
    name = hashlib.blake2b(repr((str(root), modes)).encode(), digest_size=16).hexdigest()
    return cache_dir() / f"{name}.pickle"


def _code() -> str:
    """The loader's code: every module of the package, by size and time of change, and the Python."""
    parts = [sys.version, str(_FORMAT)]
    for directory, subdirs, files in os.walk(_PACKAGE):
        subdirs[:] = sorted(d for d in subdirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(directory, name))
                parts.append(f"{directory}/{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def _digest(path: Path) -> str | None:
    """A file's content hash; None for no file there (or one that cannot be read: the loader will say why)."""
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


def _runbook_inputs(root: Path) -> dict[str, str | None] | None:
    """Every file of ``runbooks/`` the loader may read, by content; None when the folder cannot be listed."""
    try:
        names = sorted(e.name for e in os.scandir(root / "runbooks") if e.name.endswith((".yaml", ".yml")))
    except OSError:
        return None
    return {f"runbooks/{name}": _digest(root / "runbooks" / name) for name in names}


def _vars_inputs(root: Path, catalog: Catalog) -> dict[str, str | None]:
    return {mode.vars_file: _digest(root / mode.vars_file)
            for mode in catalog.project.modes.values() if mode.vars_file}


def _read(entry: Path, code: str, root: Path, inputs: dict[str, str | None]) -> Catalog | None:
    try:
        with open(entry, "rb") as handle:
            kept_code, runbooks, variables, catalog = pickle.load(handle)
    except Exception:  # absent, or written by another version, or damaged: load afresh
        return None
    if kept_code != code or runbooks != inputs:
        return None
    if any(_digest(root / path) != digest for path, digest in variables.items()):
        return None
    return catalog  # type: ignore[no-any-return]


def _write(entry: Path, code: str, catalog: Catalog, inputs: dict[str, str | None]) -> None:
    from generator.fsutil import write_atomic

    try:
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = pickle.dumps((code, inputs, _vars_inputs(catalog.root, catalog), catalog),
                            protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(entry, data, mode=0o600, durable=False)
    except Exception:  # a read-only home, a full disk, something that will not pickle: no cache, same run
        pass
