"""Compile a numba function in another process while this one does other work.

A first ``actuary valuate`` compiles two engines: the cohort kernel (about 11 s of CPU)
and the member engine that values the accrued rights (about 8 s). On a machine with two
cores they compile side by side: a worker process compiles one and fills numba's cache
(the same ``NUMBA_CACHE_DIR``), the run compiles the other, and when the run reaches the
worker's function it waits for the worker and loads the compiled code from the cache.
Nothing is computed differently: the worker compiles the very specialisation the run then
loads (same argument types), and calls nothing whose result is used.

The cohort kernel, the longer, is the worker's, from the command's very start
(:func:`compile_early`; ``actuary valuate`` starts the same worker through
:mod:`actuary.io.workers` before it imports the engine): its argument types are known
before its arguments exist (records of C-contiguous arrays,
:mod:`actuary.engine.kernel_types`), so the worker looks at the cache (warm: it ends at
once), builds tiny inputs of the same types and compiles for them while the command
imports, loads the set and builds the basis, then compiles the member engine itself
(:func:`actuary.members.closed_group.value_population_ahead`). Before the kernel's first
call the command hands the real arguments to :func:`before_call`: same types, it waits
for the worker; other types (a scheme with other rules), it stops the worker and
compiles itself.

Where no worker compiles the cohort kernel (its cache warm, the member engine's not), the
member engine goes to a worker instead: started early (:func:`start_early`, its imports
overlapping the command's loading), handed the run's own arguments pickled on its
standard input (:func:`compile_ahead`), or dismissed (:func:`dismiss`) when not needed.

Workers are fresh interpreters (``python -c``), not multiprocessing children: spawn would
run the caller's script again in them (a script without an ``if __name__ ==
"__main__"`` guard, a notebook), and fork would copy numba's threads. Their output is
discarded. Where a worker cannot start, or fails, the run compiles the function itself,
as it would without this module.
"""

from __future__ import annotations

import atexit
import importlib
import pickle
import subprocess
import sys
import threading
from typing import Any

from actuary.io import workers

__all__ = ["WARM", "Ahead", "before_call", "cache_is_warm", "cancel", "compile_ahead",
           "compile_early", "compiling_early", "dismiss", "signature", "start_early"]

_WORKER = "import sys; from actuary.engine.ahead import _worker; _worker(sys.argv[1:])"

#: Workers started early (:func:`start_early`), by the module they imported, waiting for
#: their arguments.
_STANDING: dict[str, subprocess.Popen] = {}



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


def _worker(preload: list[str] | None = None) -> None:
    """In the worker: import the modules of ``preload`` (a worker started early, while
    its caller loads), then read ``(module, name, args)`` pickled from standard input and
    call ``module.name(*args)`` once (the call compiles and caches). Nothing on standard
    input (the caller dismissed it): nothing to do."""
    for module in preload or ():
        importlib.import_module(module)
    data = sys.stdin.buffer.read()
    if not data:
        return
    module, name, args = pickle.loads(data)
    getattr(importlib.import_module(module), name)(*args)


def signature(args: tuple) -> tuple:
    """The numba types of ``args`` as a dispatcher types them for a call (its signature)."""
    from numba.core.typing.typeof import Purpose, typeof

    return tuple(typeof(a, Purpose.argument) for a in args)


#: Exit code of a worker of :func:`compile_early` that found the cache warm (nothing to
#: compile).
WARM = 3


def _early_key(module: str, name: str) -> str:
    return f"{module}.{name}"


def _signature_worker(module: str, name: str, inputs_module: str, inputs_name: str) -> None:
    """In the worker: unless ``module.name`` has compiled code cached already (then exit
    :data:`WARM`), compile it for the types of ``inputs_module.inputs_name()`` (numba
    saves the machine code in its cache)."""
    dispatcher = getattr(importlib.import_module(module), name)
    if cache_is_warm(dispatcher):
        sys.exit(WARM)
    args = getattr(importlib.import_module(inputs_module), inputs_name)()
    dispatcher.compile(signature(args))


def compile_early(module: str, name: str, inputs_module: str, inputs_name: str) -> bool:
    """At a command's start: start a worker that compiles ``module.name`` (a
    ``numba.njit(cache=True)`` function) for the argument types of
    ``inputs_module.inputs_name()`` (tiny inputs of the types the run will pass, e.g.
    :func:`actuary.engine.kernel_types.cohort_inputs`), unless it finds the code cached
    already (it then ends at once). Call :func:`before_call` with the real arguments
    before the function's first call. True when a worker was started.

    The worker is started through :mod:`actuary.io.workers` (``workers.start(key,
    "actuary.engine.ahead", "_signature_worker", [module, name, inputs_module,
    inputs_name])`` with ``key = "module.name"``), which a command can call before it
    imports the engine; this function does the same for callers that have, once it has
    seen in this process that the cache is cold (a warm one starts nothing)."""
    key = _early_key(module, name)
    if workers.peek(key) is not None:
        return True
    if not _cold(module, name):
        return False
    return workers.start(key, __name__, "_signature_worker",
                         [module, name, inputs_module, inputs_name])


def compiling_early(module: str, name: str) -> bool:
    """Whether a worker of :func:`compile_early` compiles ``module.name``: started, not
    yet claimed by :func:`before_call`, and not ended on a warm cache."""
    process = workers.peek(_early_key(module, name))
    return process is not None and process.poll() != WARM


def before_call(module: str, name: str, args: tuple, timeout: float = 600.0) -> None:
    """Before calling ``module.name(*args)``: when a worker of :func:`compile_early`
    compiles it for the types of ``args``, wait for it (the call then loads the compiled
    code from the cache); for other types, stop it (the call compiles). Nothing to do
    otherwise (a dictionary look-up: it may stand before every call)."""
    process = workers.take(_early_key(module, name))
    if process is None or process.poll() == WARM:
        return
    try:
        inputs_module, inputs_name = process.args[-2:]
        same = signature(args) == signature(
            getattr(importlib.import_module(inputs_module), inputs_name)())
    except Exception:  # noqa: BLE001 - not typed as numba types it: the call will say
        same = False
    if same:
        Ahead(process).wait(timeout)
    else:
        workers.stop(process)


def cancel(module: str, name: str) -> None:
    """Stop the worker of :func:`compile_early` for ``module.name``, if any (the run will
    not call it: another branch)."""
    process = workers.take(_early_key(module, name))
    if process is not None:
        workers.stop(process)


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
            workers.stop(self.process)
            return False


def compile_ahead(module: str, name: str, *args: Any) -> Ahead | None:
    """Start a worker process calling ``module.name(*args)`` once, so that the numba
    functions it calls are compiled and cached; None where no worker could start.

    ``args`` are pickled to the worker; the worker inherits the environment (numba's
    cache folder among it).
    """
    try:
        payload = pickle.dumps((module, name, args), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - an argument not picklable: in-process
        dismiss(module)
        return None
    process = _STANDING.pop(module, None) or _spawn([])
    if process is None:
        return None
    # written from a thread: a worker still importing reads only once done, and the
    # arguments (megabytes) do not fit a pipe's buffer; the run goes on meanwhile
    threading.Thread(target=_send, args=(process, payload), daemon=True).start()
    return Ahead(process)


def _send(process: subprocess.Popen, payload: bytes) -> None:
    """Write ``payload`` to the worker and close its input (a worker that died meanwhile
    fails, and :meth:`Ahead.wait` says so: the run compiles in-process)."""
    try:
        process.stdin.write(payload)
        process.stdin.close()
    except (OSError, ValueError):  # a broken pipe, or closed at exit
        pass


def _cold(module: str, name: str) -> bool:
    """Whether ``module.name`` has no compiled code cached, so that a worker is worth
    starting; False when that cannot be told (a guess only: nothing is started and the
    run compiles what it needs itself)."""
    try:
        return not cache_is_warm(getattr(importlib.import_module(module), name))
    except Exception:  # noqa: BLE001 - see the docstring
        return False


def start_early(module: str, name: str) -> bool:
    """At a command's start: when ``module.name`` (a ``numba.njit(cache=True)`` function)
    has no compiled code cached (:func:`cache_is_warm`), start a worker that imports
    ``module`` now; a later :func:`compile_ahead` on ``module`` hands it its arguments
    (for ``name`` or another function of the module). True when a worker stands ready.
    """
    if module in _STANDING:
        return True
    if not _cold(module, name):
        return False
    process = _spawn([module])
    if process is not None:
        _STANDING[module] = process
    return process is not None


def dismiss(module: str) -> None:
    """Let the worker started early for ``module`` go without compiling (its standard
    input closed empty: it ends on its own)."""
    process = _STANDING.pop(module, None)
    if process is not None:
        try:
            process.stdin.close()
        except OSError:
            pass


def _spawn(preload: list[str]) -> subprocess.Popen | None:
    """A worker interpreter importing ``preload``, reading its call from standard input;
    None where none could start. It is ended at exit if still running (a run stopped
    early by an error or Ctrl-C)."""
    try:
        process = subprocess.Popen([sys.executable, "-c", _WORKER, *preload],
                                   stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
    except Exception:  # noqa: BLE001 - no interpreter, no process left: in-process
        return None
    atexit.register(workers.stop, process)
    return process
