"""Build step of the install: the engine's entries compiled ahead of time.

Everything else about the package is in ``pyproject.toml``. This adds one extension
module per entry of ``actuary.engine.native.ENTRIES``, compiled by numba's ahead-of-time
compiler (``actuary.engine.native_build``; about half a minute). Each is optional: where
one cannot be built (no C compiler, numba missing from the build environment) the install
goes on with a warning, and the engine compiles with numba on first use instead.
"""

import sys
import warnings
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CompileError

# the build imports the toolkit's engine from this tree (numba and numpy only)
sys.path.insert(0, str(Path(__file__).resolve().parent))


class BuildEngine(build_ext):
    """setuptools' ``build_ext``, numba generating each engine module's object file first."""

    def build_extension(self, ext):
        if getattr(ext, "entry_name", None) is not None:
            from actuary.engine.native_build import prepare

            try:
                prepare(ext, self)
            except Exception as exc:  # an optional extension: reported, then skipped
                raise CompileError(f"numba could not compile {ext.entry_name}: {exc}") from exc
        super().build_extension(ext)


def _extensions() -> list:
    try:
        from actuary.engine.native_build import extensions
    except ImportError as exc:  # no numba here: the engine will compile on first use
        warnings.warn(f"the engine is not compiled ahead of time ({exc})")
        return []
    return extensions()


setup(ext_modules=_extensions(), cmdclass={"build_ext": BuildEngine})
