"""The numba cache of a kernel notices a change in a file it calls into.

A two-file package in a temporary folder: ``callee.f`` returns a number, ``caller.g``
returns ``f()``; both cached. After ``callee.py`` changes (``caller.py`` untouched), a new
process must see the new number. numba alone keeps the stale one (the control: it
shows the check can fail); with :func:`actuary.engine.jitcache.install` it recompiles.
"""

import os
import subprocess
import sys
import textwrap

RUN = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    if sys.argv[2] == "install":
        from actuary.engine.jitcache import install
        install(sys.argv[1] + "/pkg")
    from pkg.caller import g
    print(g(), g.stats.cache_hits.get(g.signatures[0], 0) if g.signatures else 0)
""")


def _write(tmp_path, value):
    pkg = tmp_path / "pkg"
    pkg.mkdir(exist_ok=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "callee.py").write_text(
        f"from numba import njit\n\n@njit(cache=True)\ndef f():\n    return {value}\n")
    (pkg / "caller.py").write_text(
        "from numba import njit\nfrom pkg.callee import f\n\n"
        "@njit(cache=True)\ndef g():\n    return f()\n")


def _run(tmp_path, mode, cache):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / cache))
    out = subprocess.run([sys.executable, "-c", RUN, str(tmp_path), mode], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


def test_a_change_in_a_called_file_recompiles_the_caller(tmp_path):
    _write(tmp_path, 1)
    assert _run(tmp_path, "install", "a") == (1, 0)
    assert _run(tmp_path, "numba", "b")[0] == 1
    # unchanged: loaded from the cache, not compiled again
    value, hits = _run(tmp_path, "install", "a")
    assert value == 1 and hits >= 1
    _write(tmp_path, 2)  # caller.py is byte for byte the same
    assert _run(tmp_path, "install", "a")[0] == 2
    # numba's own locator runs the stale kernel: what install() is for
    assert _run(tmp_path, "numba", "b")[0] == 1


def test_functions_outside_the_package_keep_numbas_locators(tmp_path):
    from actuary.engine import jitcache

    jitcache.install()
    mine = [c for c in jitcache._numba_locator("CacheImpl")._locator_classes
            if hasattr(c, "root")]
    assert mine and all(c.root == jitcache.PACKAGE_ROOT for c in mine)
    outside = tmp_path / "m.py"
    outside.write_text("def h():\n    return 0\n")
    assert all(c.from_function(None, str(outside)) is None for c in mine)


def test_package_stamp_reads_the_folders_that_hold_compiled_code(tmp_path):
    from actuary.engine.jitcache import package_stamp

    def changed(path, text):
        before = package_stamp(str(tmp_path))
        package_stamp.cache_clear()
        path.write_text(text)
        after = package_stamp(str(tmp_path))
        package_stamp.cache_clear()
        return after != before

    (tmp_path / "engine").mkdir()
    (tmp_path / "studies" / "stochastic").mkdir(parents=True)
    (tmp_path / "engine" / "k.py").write_text("import numba\n")
    (tmp_path / "engine" / "c.py").write_text("N = 1\n")
    (tmp_path / "studies" / "stochastic" / "s.py").write_text("import numba\n")
    (tmp_path / "report.py").write_text("import numba  # its version, say\n")
    assert changed(tmp_path / "engine" / "k.py", "import numba  # changed\n")
    # a constant of the engine, which compiled code keeps as it was
    assert changed(tmp_path / "engine" / "c.py", "N = 2\n")
    assert changed(tmp_path / "studies" / "stochastic" / "s.py", "import numba  # changed\n")
    assert not changed(tmp_path / "report.py", "import numba  # changed\n")


def test_only_the_compiled_folders_decorate_functions_with_numba():
    """What :func:`actuary.engine.native.package_stamp` reads covers every compiled
    function: a module elsewhere that compiled would not make the caches stale when it
    changes."""
    import re

    from actuary.engine import native

    decoration = re.compile(r"^\s*@numba\.\w*jit|^\s*@(?:n)?jit\b|numba\.(?:n)?jit\(",
                            re.MULTILINE)
    root = native.PACKAGE_ROOT
    compiling = {p.relative_to(root).parent.as_posix() for p in root.rglob("*.py")
                 if decoration.search(p.read_text())}
    assert compiling and all(any(folder == c or folder.startswith(c + "/")
                                 for c in native.COMPILED_FOLDERS) for folder in compiling), \
        compiling


CHECK = textwrap.dedent("""
    import importlib, sys
    import numba
    module = importlib.import_module(sys.argv[1])
    for name, obj in vars(module).items():
        if (isinstance(obj, numba.core.registry.CPUDispatcher)
                and obj.__module__ == module.__name__ and hasattr(obj._cache, "_impl")):
            print(name, getattr(obj._cache._impl.locator, "root", None) is not None)
""")


def test_every_cached_kernel_outside_the_engine_uses_the_package_stamp():
    """Each module that compiles, imported first in a fresh process, is decorated under
    the package's locator (a module that compiled before ``actuary.engine.jitopt`` was
    imported would escape :func:`install`). The engine's own modules are checked by
    :func:`test_every_module_that_compiles_imports_jitopt_before_its_first_decoration`,
    without a process each."""
    from actuary.engine import jitcache

    root = jitcache.PACKAGE_ROOT
    modules = [".".join(p.relative_to(root.parent).with_suffix("").parts)
               for p in sorted(root.rglob("*.py"))
               if b"cache=True" in p.read_bytes() and "engine" not in p.relative_to(root).parts]
    assert modules  # the stochastic kernels at least
    for name in modules:
        out = subprocess.run([sys.executable, "-c", CHECK, name], capture_output=True,
                             text=True, check=True).stdout.split("\n")
        rows = [line.split() for line in out if line]
        assert rows, name
        assert all(flag == "True" for _, flag in rows), (name, rows)


def test_every_module_that_compiles_imports_jitopt_before_its_first_decoration():
    """Importing :mod:`actuary.engine.jitopt` installs the package's cache locators
    (``actuary.engine`` itself imports no numba); a module decorating a function before
    that import would be cached under numba's own locator, blind to changes in the files
    it calls into."""
    import re

    from actuary.engine import jitcache

    decoration = re.compile(r"^@numba\.n?jit", re.MULTILINE)
    first_import = re.compile(r"^from actuary\.engine(?:\.jitopt import| import jitopt)",
                              re.MULTILINE)
    checked = 0
    for path in sorted(jitcache.PACKAGE_ROOT.rglob("*.py")):
        text = path.read_text()
        decorated = decoration.search(text)
        if decorated is None:
            continue
        imported = first_import.search(text)
        assert imported is not None and imported.start() < decorated.start(), path
        checked += 1
    assert checked >= 15  # the engine's kernels and the stochastic study's
