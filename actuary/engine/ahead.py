"""Compile a numba function in another process while this one does other work.

A first run compiles two engines, one after the other: the cohort kernel (about 8 s)
and the member engine that values the accrued rights (about 11 s). Compiled in a worker
process started before the cohort kernel, the member engine fills numba's cache (the
same ``NUMBA_CACHE_DIR``) on the other core; when the run reaches it, it waits for the
worker and loads the compiled code from the cache. Nothing is computed differently: the
worker only runs the function once on the run's own inputs, so that the machine code
cached is the very specialisation the run then loads.

The worker is a fresh interpreter (``python -c``), not a multiprocessing child: spawn
would run the caller's script again in it (a script without an ``if __name__ ==
"__main__"`` guard, a notebook), and fork would copy numba's threads. Its arguments go
to it pickled on its standard input; its output is discarded. Where a worker cannot
start, or fails, the run compiles the function itself, as it would without this module.
"""

from __future__ import annotations

import atexit
import importlib
import pickle
import subprocess
import sys
from typing import Any

__all__ = ["Ahead", "cache_is_warm", "compile_ahead"]

_WORKER = "from actuary.engine.ahead import _worker; _worker()"


def cache_is_warm(dispatcher: Any) -> bool:
    """Whether ``dispatcher`` (a ``numba.njit(cache=True)`` function) has compiled code for
    this run: in this process already, or a fresh entry in numba's cache (its index is
    there and belongs to the present source file; an edited file makes it stale).

    This reads numba's cache index (a private part of numba, pinned below 0.69 in
    pyproject); on any surprise it answers True, and nothing is compiled ahead.
    """
    try:
        if dispatcher.overloads:
            return True
        return bool(dispatcher._cache._cache_file._load_index())
    except Exception:  # noqa: BLE001 - a guess only (NUMBA_DISABLE_JIT gives plain functions)
        return True


def _worker() -> None:
    """In the worker: read ``(module, name, args)`` pickled from standard input and call
    ``module.name(*args)`` once (the call compiles and caches)."""
    module, name, args = pickle.load(sys.stdin.buffer)
    getattr(importlib.import_module(module), name)(*args)


class Ahead:
    """A worker process compiling a function; :meth:`wait` for it before calling the function."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process

    def wait(self, timeout: float | None = 600.0) -> bool:
        """Block until the worker is done; True when it succeeded (the cache is filled).
        After ``timeout`` seconds it is stopped (False: the caller compiles itself)."""
        try:
            return self.process.wait(timeout) == 0
        except subprocess.TimeoutExpired:
            _stop(self.process)
            return False


def compile_ahead(module: str, name: str, *args: Any) -> Ahead | None:
    """Start a worker process calling ``module.name(*args)`` once, so that the numba
    functions it calls are compiled and cached; None where no worker could start.

    ``args`` are pickled to the worker; the worker inherits the environment (numba's
    cache folder among it).
    """
    try:
        payload = pickle.dumps((module, name, args), protocol=pickle.HIGHEST_PROTOCOL)
        process = subprocess.Popen([sys.executable, "-c", _WORKER], stdin=subprocess.PIPE,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except Exception:  # noqa: BLE001 - an argument not picklable, no interpreter: in-process
        return None
    try:
        process.stdin.write(payload)
        process.stdin.close()
    except OSError:  # the worker died at once: the run compiles in-process
        process.wait()
        return None
    atexit.register(_stop, process)  # a run stopped early (an error, Ctrl-C) ends its worker
    return Ahead(process)


def _stop(process: subprocess.Popen) -> None:
    """End ``process`` if it still runs."""
    if process.poll() is None:
        process.kill()
        process.wait()
