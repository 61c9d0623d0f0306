"""Compile the engine's entries ahead of time: the extension modules
:mod:`actuary.engine.native` finds.

Each entry of :data:`actuary.engine.native.ENTRIES` becomes one module,
``actuary.engine._native_<name>``, built with numba's ahead-of-time compiler
(``numba.pycc``) and exporting two functions: the entry itself, for the argument types of
its ``sample`` (a default valuation's), and ``stamp()`` (:func:`actuary.engine.native.stamp`).
The entry is compiled as its ``numba.njit`` options say (fused multiply-adds, inner
functions without wrappers, the cohort kernel's LLVM level): the exported function only
calls it, and the module's final optimisation runs at the entry's level too. The machine
code targets the architecture's generic CPU (numba's default for ahead-of-time code), so
its results match the just-in-time code's to rounding, not to the bit (measured on the
NSSF default: the cohort kernel's flows within 2.5e-16 relative, its people and masses
equal).

``setup.py`` builds the modules at install (``pip install -e .``: about half a minute,
one entry after the other; a failure leaves the engine to numba's just-in-time
compilation, with a warning). After editing the engine, rebuild in place with::

    python -m actuary.engine.native_build

``numba.pycc`` is pending deprecation in numba (since 0.57) and still shipped with it;
numba is bounded above in ``pyproject.toml``. This module uses three private parts of
numba, named where used: :meth:`_CCExtension._prepare_object_files` (setuptools) and
``_compile_object_files`` (under the level) in pycc, and a dispatcher's
``_compiler.pipeline_class`` (which level).

May import numba and the engine's kernel modules; nothing of the toolkit imports it.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Callable

import numba
from numba.core import types

from actuary.engine.jitopt import IR_LEVEL, LevelCompiler, ir_level
from actuary.engine.native import ENTRIES, module_name, stamp

__all__ = ["build_in_place", "compiler", "declare", "extensions", "prepare"]


def _pycc() -> Any:
    with warnings.catch_warnings():  # its pending deprecation, said in the docstring
        warnings.simplefilter("ignore")
        from numba import pycc
    return pycc


def _sample(spec: str) -> tuple:
    module, name = spec.split(":")
    return getattr(importlib.import_module(module), name)()


def _calling(dispatcher: Any, n_args: int) -> Callable:
    """A function of ``n_args`` arguments that calls ``dispatcher`` with them, for the
    compiler to export: ``dispatcher`` compiles as its own options say, which a plain
    export of its body would not. Written out by ``exec`` because numba's exports take
    neither ``*args`` nor a signature of another length."""
    names = ", ".join(f"a{i}" for i in range(n_args))
    namespace = {"dispatcher": dispatcher}
    exec(f"def call({names}):\n    return dispatcher({names})\n", namespace)
    return namespace["call"]


def _returning(value: int) -> Callable:
    def constant():
        return value
    return constant


def level(name: str) -> Any:
    """The LLVM IR level entry ``name`` compiles at, as a context: its function's own
    (:data:`actuary.engine.jitopt.IR_LEVEL` when it compiles with
    :class:`~actuary.engine.jitopt.LevelCompiler`, else numba's), so that the module's
    final optimisation runs at the level the function's code was made at."""
    entry = ENTRIES[name]
    dispatcher = getattr(importlib.import_module(entry.module), entry.name)
    leveled = issubclass(dispatcher._compiler.pipeline_class, LevelCompiler)
    return ir_level(IR_LEVEL) if leveled else nullcontext()


def compiler(name: str) -> Any:
    """numba's ahead-of-time compiler (a ``numba.pycc.CC``) for entry ``name``, its two
    exports not yet declared (:func:`declare`): creating it compiles nothing."""
    return _pycc().CC(module_name(name).rsplit(".", 1)[1], source_module=__name__)


def declare(cc: Any, name: str) -> Any:
    """Declare entry ``name``'s two exports on ``cc``, and return it. Compiles the entry
    just in time first (that fills numba's cache too, and gives its return type, which
    an export must state)."""
    entry = ENTRIES[name]
    dispatcher = getattr(importlib.import_module(entry.module), entry.name)
    args = _sample(entry.sample)
    argtypes = tuple(numba.typeof(a) for a in args)
    with level(name):
        dispatcher.compile(argtypes)
    returns = dispatcher.overloads[argtypes].signature.return_type
    cc.export(name, returns(*argtypes))(_calling(dispatcher, len(args)))
    cc.export("stamp", types.int64())(_returning(stamp(name, args)))
    return cc


def extensions() -> list:
    """One setuptools extension per entry (see ``setup.py``), optional: a failure to
    build is a warning, and the engine compiles just in time. Nothing is compiled until
    the extension is built (:func:`prepare`): pip also runs ``setup.py`` for the
    package's metadata alone."""
    out = []
    for name in ENTRIES:
        ext = compiler(name).distutils_extension()
        ext.optional = True
        ext.entry_name = name
        out.append(ext)
    return out


def prepare(ext: Any, build_ext: Any) -> None:
    """Declare ``ext``'s exports and generate its object file (numba's part of the build)
    at its entry's level: ``_CCExtension._prepare_object_files``, private in numba.pycc."""
    declare(ext._cc, ext.entry_name)
    with level(ext.entry_name):
        ext._prepare_object_files(build_ext)


def build_in_place(names: list[str] | None = None, out: Path | None = None) -> list[Path]:
    """Build the modules beside this file (a developer's rebuild), or in the folder
    ``out``; returns their paths."""
    here = Path(out) if out is not None else Path(__file__).resolve().parent
    built = []
    for name in names or list(ENTRIES):
        cc = declare(compiler(name), name)
        cc.output_dir = str(here)
        with level(name):
            cc.compile()
        built.append(here / cc.output_file)
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actuary.engine.native_build",
                                     description="Compile the engine's entries ahead of time.")
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"entries to build (default: all of {', '.join(ENTRIES)})")
    parser.add_argument("--out", type=Path, default=None,
                        help="folder to write the modules to (default: beside this file)")
    parsed = parser.parse_args(argv)
    for name in set(parsed.names) - set(ENTRIES):
        parser.error(f"no entry {name!r}: the entries are {', '.join(ENTRIES)}")
    for path in build_in_place(parsed.names, parsed.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
