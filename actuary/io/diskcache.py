"""Small on-disk caches of deterministic computations, kept between runs.

A computation whose result depends only on its inputs and on the toolkit's code (the
gross mean wages of a population, the population frame of a set) can be kept on disk
and read back by the next run instead of being done again. This module is the one
place that knows where such entries live and how they are read and written:

- the folder (:func:`cache_folder`): ``NUMBA_CACHE_DIR/actuary`` when that variable is
  set (beside numba's own cache), else the ``__pycache__`` folder of the ``actuary``
  package. Deleting it is always safe: the next run computes its entries again;
- an entry's name (:func:`cache_path`): a kind and a digest of everything the result
  depends on, which the caller computes (:func:`source_stamp` helps with the code);
- reading (:func:`load`): any failure (absent, truncated, damaged, from another
  version) is a miss, never an error;
- writing (:func:`store`): a temporary file in the folder renamed onto the entry
  (:func:`os.replace`), so a reader sees a whole entry or none; a failure (a read-only
  install, a full disk) means no cache, never an error. A cache is not an output of a
  run (not :mod:`actuary.io.fileio`'s outputs, whose failure stops the command).

:func:`load_pickle` and :func:`store_pickle` keep any Python object with :mod:`pickle`.
Unpickling runs code named in the file, so it is safe only for files the user's own runs
wrote in the user's own cache folder (as numba's cache does, which is pickled too);
never point ``NUMBA_CACHE_DIR`` at a folder others can write.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pickle
import tempfile
from pathlib import Path
from typing import IO, Any, Callable, TypeVar

__all__ = ["cache_folder", "cache_path", "load", "store", "load_pickle", "store_pickle",
           "source_stamp"]

T = TypeVar("T")

#: The package's folders: ``actuary`` and the top-level folders installed as its
#: subpackages (see ``pyproject.toml``), which an editable install keeps apart.
_PACKAGES = ("actuary", "actuary.assumptions", "actuary.tables", "actuary.reports", "actuary.cli")
_STAMP: str | None = None  # source_stamp, once a process


def cache_folder() -> Path:
    """The folder of the toolkit's disk caches: ``NUMBA_CACHE_DIR/actuary`` when the
    variable is set, else the ``actuary`` package's ``__pycache__`` folder (neither is
    created here: :func:`store` does, when it can)."""
    numba_cache = os.environ.get("NUMBA_CACHE_DIR")
    if numba_cache:
        return Path(numba_cache) / "actuary"
    return Path(__file__).resolve().parent.parent / "__pycache__"


def cache_path(kind: str, key: str, suffix: str) -> Path:
    """The entry of ``kind`` (a short name: ``gross_means``, ``frame``) for ``key`` (a
    hex digest of everything the result depends on; its first 40 digits name the file)
    with ``suffix`` (``.npy``, ``.pickle``) in :func:`cache_folder`."""
    return cache_folder() / f"{kind}-{key[:40]}{suffix}"


def load(path: Path, read: Callable[[IO[bytes]], T]) -> T | None:
    """``read`` applied to the entry at ``path`` opened for reading in binary, or None
    when the entry is absent or ``read`` fails in any way (a miss: the caller computes
    the result again). ``read`` should check what it reads (shape, type)."""
    try:
        with open(path, "rb") as stream:
            return read(stream)
    except Exception:  # noqa: BLE001 - absent, damaged, another version's: a miss
        return None


def store(path: Path, write: Callable[[IO[bytes]], None], keep: int | None = None) -> bool:
    """Write an entry at ``path`` with ``write`` (given a file open for writing in binary),
    whole or not at all: into a temporary file of the same folder, then renamed. Never
    fails: returns False when the entry could not be written (a read-only folder, a full
    disk, ``write`` failing), True when it was.

    ``keep``: at most that many entries of the same kind (the name before the digest,
    :func:`cache_path`) are kept in the folder, the oldest written removed, so that
    large entries whose key changes with the code do not pile up (None: all kept)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".partial", dir=path.parent)
    except OSError:  # a read-only install, a full disk: the next run computes it again
        return False
    try:
        with os.fdopen(fd, "wb") as stream:
            write(stream)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - a cache, not an output: never stop the run
        Path(tmp).unlink(missing_ok=True)
        return False
    if keep is not None:
        _prune(path, keep)
    return True


def _prune(path: Path, keep: int) -> None:
    """Remove the oldest entries of ``path``'s kind beyond the ``keep`` newest (by time
    written); one that cannot be seen or removed (another process's) is left."""
    kind = path.name.rsplit("-", 1)[0]
    entries = []
    for other in path.parent.glob(f"{kind}-*{path.suffix}"):
        try:
            entries.append((other.stat().st_mtime_ns, other))
        except OSError:  # removed meanwhile
            continue
    entries.sort(reverse=True)
    for _, old in entries[keep:]:
        if old != path:
            try:
                old.unlink()
            except OSError:
                pass


def load_pickle(path: Path, expected: type | tuple[type, ...] = object) -> Any:
    """The object pickled at ``path`` when it is an instance of ``expected``, else None
    (absent, damaged, another type). Only for the user's own cache folder (see the
    module's note on pickle)."""
    def read(stream: IO[bytes]) -> Any:
        value = pickle.load(stream)
        return value if isinstance(value, expected) else None
    return load(path, read)


def store_pickle(path: Path, value: Any, keep: int | None = None) -> bool:
    """Pickle ``value`` at ``path`` (:func:`store`: atomic, never failing, at most ``keep``
    entries of its kind)."""
    return store(path, lambda stream: pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL),
                 keep)


def source_stamp() -> str:
    """A SHA-256 of the relative path, size and modification time (ns) of every ``.py``
    file of the installed ``actuary`` package, computed once a process.

    What CPython's own ``.pyc`` check compares (the source's size and time), for the
    whole package: an edit anywhere in the toolkit's code gives another stamp, so an
    entry computed by other code is never read back. Cheaper than hashing the files'
    contents; an edit that keeps a file's size and time (to the nanosecond) would go
    unseen, as it would by Python's own byte-code cache. A stamp that changes without
    need (a file touched) costs one computation again, nothing more. About 1 to 2 ms for
    the package's 200 files (hashing their contents, about 4 to 6 ms).

    Not the stamp the engine's modules compiled at install are checked with
    (:func:`actuary.engine.native.package_stamp`), which hashes the contents of the
    folders holding compiled code: a module built at install must be used after a fresh
    checkout gives every file a new time, and never after an edit, whatever the times.

    Raises
    ------
    OSError
        When a folder of the package cannot be listed (a package run from a zip file)
        or holds no source (byte code only): the caller then keeps no cache.
    """
    global _STAMP
    if _STAMP is None:
        digest = hashlib.sha256()
        files = sum(_stamp_folder(digest, str(root), root.name + "/")
                    for root in _package_folders())
        if files == 0:  # byte code only: a stamp of nothing would not change with the code
            raise FileNotFoundError("no source file of the actuary package to stamp")
        _STAMP = digest.hexdigest()
    return _STAMP


def _stamp_folder(digest: Any, folder: str, relative: str) -> int:
    """Add each ``.py`` file of ``folder`` and its subfolders (not ``__pycache__``) to
    ``digest``, in name order, and return how many. :func:`os.scandir`, not
    :meth:`Path.rglob`: about 1 ms for the package's 200 files against 4."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    count = 0
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "__pycache__":
                count += _stamp_folder(digest, entry.path, f"{relative}{entry.name}/")
        elif entry.name.endswith(".py"):
            info = entry.stat()
            digest.update(f"{relative}{entry.name}|{info.st_size}|{info.st_mtime_ns}\n".encode())
            count += 1
    return count


def _package_folders() -> list[Path]:
    """The folders of :data:`_PACKAGES` (found, not imported), without any inside another
    (an ordinary install keeps them all in ``actuary/``)."""
    folders: list[Path] = []
    for name in _PACKAGES:
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            folders.append(Path(location).resolve())
    folders = sorted(set(folders))
    return [f for f in folders if not any(o != f and o in f.parents for o in folders)]
