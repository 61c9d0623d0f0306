"""numba's on-disk cache, made to notice changes in the files a kernel calls into.

numba keys a cached function on its own source file (a hash of that file's text) and its
own bytecode. A kernel that calls ``@njit`` functions of other files has those compiled
into it, and numba does not look at them: after ``git pull`` changed
``engine/benefits.py`` but not ``engine/kernels.py``, the cached ``project_kernel`` would
go on running the old benefit rules, silently. An editable install (the README's) meets
this on every update.

:func:`install` puts two locators in front of numba's own: the same places on disk as
numba's (``NUMBA_CACHE_DIR`` when set, else the source's ``__pycache__``), but the
freshness stamp of a function under the toolkit's package also holds a hash of every
source file of the package's folders that hold compiled code
(:func:`actuary.engine.native.package_stamp`). Any change to any of them compiles
every kernel again on first use, once; an unchanged tree loads from the cache as before.

It uses numba's locator classes (``numba.core.caching``), whose names the constraints
file pins (numba is bounded above in ``pyproject.toml``).
"""

from __future__ import annotations

from pathlib import Path

from numba.core import caching

from actuary.engine.native import COMPILED_FOLDERS, PACKAGE_ROOT, package_stamp


class _PackageStampMixin:
    """Freshness = numba's own stamp of the file and the package stamp of ``root``."""

    root: Path = PACKAGE_ROOT
    folders: tuple[str, ...] = COMPILED_FOLDERS

    def get_source_stamp(self):
        return (super().get_source_stamp(), package_stamp(str(self.root), self.folders))

    @classmethod
    def from_function(cls, py_func, py_file):
        # Functions outside the package (a user's own njit code) keep numba's locators.
        try:
            Path(py_file).resolve().relative_to(cls.root)
        except ValueError:
            return None
        return super().from_function(py_func, py_file)


def _numba_locator(name: str) -> type:
    """numba's caching class ``name`` (spelt with a leading underscore in older numba)."""
    return getattr(caching, name, None) or getattr(caching, "_" + name)


def _locators(root: Path) -> list[type]:
    """The two locator classes for functions under ``root``."""
    # the toolkit's folders of compiled code; the whole of any other root (a test's)
    attrs = {"root": root, "folders": COMPILED_FOLDERS if root == PACKAGE_ROOT else (".",)}
    return [
        type("PackageUserProvidedLocator",
             (_PackageStampMixin, _numba_locator("UserProvidedCacheLocator")), attrs),
        type("PackageInTreeLocator",
             (_PackageStampMixin, _numba_locator("InTreeCacheLocator")), attrs),
    ]


def install(root: Path | str = PACKAGE_ROOT) -> None:
    """Put the package-stamped locators for ``root`` in front of numba's (idempotent).

    Must run before the first ``@njit(cache=True)`` decoration under ``root``: numba picks
    a function's locator when the decorator runs. :mod:`actuary.engine.jitopt` calls it
    on import, and every module of the toolkit that compiles imports that one first.
    """
    root = Path(root).resolve()
    classes = _numba_locator("CacheImpl")._locator_classes
    if any(getattr(c, "root", None) == root for c in classes):
        return
    classes[:0] = _locators(root)
