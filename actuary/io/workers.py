"""Worker interpreters started at a command's very start, before its heavy imports.

A first ``actuary valuate`` compiles the cohort kernel in a worker process
(:func:`actuary.engine.ahead.compile_early`). The sooner the worker starts, the sooner
the compiled kernel is there; importing the engine to start it (numba, a third of a
second) would come first. So the command starts it from here, a module of the bottom
layer that imports the standard library alone, and the engine claims it later by its key
(:func:`take`): ``start(key, module, function, args)`` runs ``module.function(*args)``
(strings) in a fresh interpreter (``python -c``, not a fork: the worker imports what it
needs, nothing of this process is copied).

On a warm run the worker is not wanted: :func:`numba_index_exists` looks, without
importing numba, whether numba's cache holds an index for the function (a stale one, after
an edit, answers yes: the command then starts the worker later, once the engine has
checked the cache properly).

A worker is ended at exit if it still runs (a run stopped early, or one that never
claimed it). Where no interpreter can start, nothing is started: the command does the
work itself, as it would without a worker.
"""

from __future__ import annotations

import atexit
import glob
import hashlib
import os
import subprocess
import sys

__all__ = ["numba_index_exists", "peek", "start", "stop", "take"]

_CODE = ("import importlib, sys; "
         "getattr(importlib.import_module(sys.argv[1]), sys.argv[2])(*sys.argv[3:])")

#: Workers started and not yet claimed, by key.
_STARTED: dict[str, subprocess.Popen] = {}


def start(key: str, module: str, function: str, args: list[str]) -> bool:
    """Start a worker running ``module.function(*args)`` under ``key`` (once: a second
    start of the same key does nothing). True when a worker stands under ``key``."""
    if key in _STARTED:
        return True
    try:
        process = subprocess.Popen([sys.executable, "-c", _CODE, module, function, *args],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
    except Exception:  # noqa: BLE001 - no interpreter, no process left: the work stays here
        return False
    atexit.register(stop, process)
    _STARTED[key] = process
    return True


def peek(key: str) -> subprocess.Popen | None:
    """The worker started under ``key``, left in place; None if there is none."""
    return _STARTED.get(key)


def take(key: str) -> subprocess.Popen | None:
    """The worker started under ``key``, claimed (the next :func:`take` gets None)."""
    return _STARTED.pop(key, None)


def stop(process: subprocess.Popen) -> None:
    """End ``process`` if it still runs."""
    if process.poll() is None:
        process.kill()
        process.wait()


def numba_index_exists(source: str, function: str) -> bool:
    """Whether numba's on-disk cache holds an index for ``function`` (a top-level function
    of the Python file ``source``), where numba puts it: under ``NUMBA_CACHE_DIR`` in a
    folder named after ``source``'s folder and a SHA-1 of its path, else in the
    ``__pycache__`` beside ``source`` (an index ``<module>.<function>-<line>.py<ver>.nbi``).
    A quick look (numba's own check reads the index and compares the sources); numba's
    other places (a user-wide folder when ``__pycache__`` is not writable) are not
    looked at: False there, and a worker is started that finds the cache warm."""
    folder = os.path.dirname(os.path.abspath(source))
    cache = os.environ.get("NUMBA_CACHE_DIR")
    if cache:
        digest = hashlib.sha1(folder.encode()).hexdigest()
        where = os.path.join(cache, f"{os.path.basename(folder)}_{digest}")
    else:
        where = os.path.join(folder, "__pycache__")
    stem = os.path.splitext(os.path.basename(source))[0]
    tag = f"py{sys.version_info[0]}{sys.version_info[1]}"
    return bool(glob.glob(os.path.join(glob.escape(where), f"{stem}.{function}-*.{tag}*.nbi")))
