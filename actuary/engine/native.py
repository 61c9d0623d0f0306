"""The engine's entries compiled ahead of time, at install: found, checked and called
without importing numba.

``pip install`` builds one extension module per entry of :data:`ENTRIES` with numba's
ahead-of-time compiler (:mod:`actuary.engine.native_build`, run by ``setup.py``): the
cohort kernel, the member engine's serial entry and the capped mean of a lognormal wage,
each for the argument types a default valuation gives it. A run then calls machine code
that is already on disk: no compilation on a first run, no numba import nor numba cache
on any run. Without the modules (no C compiler at install, ``ACTUARY_NATIVE=0``) the
engine compiles with numba on first use, as before, and the results are the same to
rounding (the tests compare both, to 1e-13 relative).

A module is used only when it is right for the call. Each carries a stamp
(:func:`stamp`): a hash of the entry's name, the description of the argument types it was
compiled for (:func:`describe`) and :func:`package_stamp`, the text of every file of the
package's folders that hold compiled code. A call whose arguments have other types (another
scheme's rules: a final-salary formula, retirement at any age), or a tree whose engine
changed since the install (an edit, a ``git pull``), gets ``None`` from :func:`function`
and compiles with numba instead: slower, never stale.

Imports the standard library, numpy and (for the numba fallback) :mod:`actuary.engine.ahead`;
the kernels' modules only when a call falls back to them.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, NamedTuple

import numpy as np

__all__ = ["COMPILED_FOLDERS", "ENTRIES", "Entry", "available", "describe", "entry", "function",
           "installed", "module_name", "package_stamp", "stamp", "used"]

#: The toolkit's package folder (its ``.py`` files make :func:`package_stamp`).
PACKAGE_ROOT = Path(__file__).resolve().parent.parent

#: Set to ``0`` to ignore the compiled modules (numba compiles on first use instead).
ENVIRONMENT = "ACTUARY_NATIVE"


class Entry(NamedTuple):
    """One function compiled ahead of time.

    ``module`` and ``name`` spell the ``numba.njit`` function; ``sample`` (``module:name``)
    a function of no arguments returning arguments of the types to compile for. The
    function's own options say how it compiles (:mod:`actuary.engine.native_build`).
    """

    module: str
    name: str
    sample: str


#: The entries a default ``actuary valuate`` calls from Python, by name.
ENTRIES: dict[str, Entry] = {
    "project_kernel": Entry("actuary.engine.kernels", "project_kernel",
                            "actuary.engine.kernel_types:cohort_inputs"),
    "value_members_serial": Entry("actuary.engine.member_entry", "value_members_serial",
                                  "actuary.engine.kernel_types:member_inputs"),
    "capped_mean": Entry("actuary.engine.wages", "capped_mean",
                         "actuary.engine.kernel_types:capped_mean_inputs"),
}

#: Entries whose compiled module this process has called, by name.
_USED: set[str] = set()


#: The package's folders that hold code numba compiles (a test checks that no other
#: folder decorates a function with numba).
COMPILED_FOLDERS = ("engine", "studies/stochastic")


@lru_cache(maxsize=None)
def package_stamp(root: str, folders: tuple[str, ...] = COMPILED_FOLDERS) -> str:
    """SHA-256 of every ``.py`` file of the ``folders`` of ``root`` (by default those of
    the toolkit that hold compiled code, :data:`COMPILED_FOLDERS`; ``(".",)`` for all of
    it), in path order.

    Read once a process (about 40 small files). Whole folders, not only their files that
    compile: compiled code keeps the constants it reads (the state's indices in
    :mod:`actuary.engine.state`, the member engine's columns) as they were. An edit
    elsewhere (a report, an analysis) compiles nothing again.
    """
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(root, folder).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def describe(value: Any) -> str:
    """The types numba would see in ``value`` (an argument, or a tuple of them), spelt
    without numba: an array as its dtype, dimensions, layout and writability
    (``<f8:3C``), a named tuple as its class and fields, a Python scalar as its type."""
    if isinstance(value, np.ndarray):
        flags = value.flags
        layout = "C" if flags.c_contiguous else "F" if flags.f_contiguous else "A"
        return f"{value.dtype.str}:{value.ndim}{layout}{'' if flags.writeable else 'r'}"
    if isinstance(value, tuple):
        inner = ",".join(describe(v) for v in value)
        return f"{type(value).__name__}({inner})" if hasattr(value, "_fields") else f"({inner})"
    if value is None:
        return "none"
    if isinstance(value, np.generic):
        return value.dtype.str
    if isinstance(value, (bool, int, float)):
        return type(value).__name__
    return f"?{type(value).__qualname__}"  # never a compiled module's


def stamp(name: str, args: tuple) -> int:
    """The stamp of entry ``name`` compiled for ``args``'s types from this tree (a
    non-negative int64: what the compiled module's ``stamp()`` returns)."""
    return _stamp(name, describe(tuple(args)))


def _stamp(name: str, description: str) -> int:
    text = f"{name}|{description}|{package_stamp(str(PACKAGE_ROOT))}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little") >> 1


def module_name(name: str) -> str:
    """The extension module holding entry ``name``."""
    return f"actuary.engine._native_{name}"


def _switched_off() -> bool:
    return os.environ.get(ENVIRONMENT, "1") == "0"


def installed(name: str) -> bool:
    """Whether entry ``name``'s compiled module is installed and not switched off (a quick
    look for its file: :func:`function` says whether it is right for a call)."""
    return not _switched_off() and importlib.util.find_spec(module_name(name)) is not None


@lru_cache(maxsize=None)
def _module(name: str) -> Any:
    try:
        return importlib.import_module(module_name(name))
    except ImportError:
        return None


@lru_cache(maxsize=64)
def _fresh(name: str, description: str) -> bool:
    module = _module(name)
    return module is not None and module.stamp() == _stamp(name, description)


def available(name: str, args: tuple) -> bool:
    """Whether :func:`function` would give entry ``name`` compiled ahead of time for
    ``args`` (without counting it as used)."""
    # the arguments' types, not their container's
    return not _switched_off() and _fresh(name, describe(tuple(args)))


def function(name: str, args: tuple) -> Callable | None:
    """Entry ``name`` compiled ahead of time, when it is installed, was compiled from this
    tree and for ``args``'s types; None otherwise (the caller compiles with numba), or
    when the environment sets ``ACTUARY_NATIVE=0``."""
    if not available(name, args):
        return None
    _USED.add(name)
    return getattr(_module(name), name)


def entry(name: str, args: tuple) -> Callable:
    """What to call for entry ``name`` with ``args``: its compiled module's function
    (:func:`function`), else the ``numba.njit`` function itself, which compiles on first
    use (after waiting for a worker that compiles it early, see
    :func:`actuary.engine.ahead.before_call`)."""
    found = function(name, args)
    if found is not None:
        return found
    from actuary.engine.ahead import before_call

    spec = ENTRIES[name]
    before_call(spec.module, spec.name, args)
    return getattr(importlib.import_module(spec.module), spec.name)


def used() -> list[str]:
    """The entries this process called compiled ahead of time (for a report's provenance)."""
    return sorted(_USED)
