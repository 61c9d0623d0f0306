"""Compiling ahead in a worker process (actuary.engine.ahead): the worker fills numba's
cache, the run then loads from it; a worker that fails or cannot start changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from actuary.engine.ahead import cache_is_warm, compile_ahead

MODULE = textwrap.dedent("""
    import numba

    @numba.njit(cache=True)
    def plus_one(x):
        return x + 1
""")

# in a fresh interpreter (numba reads its cache folder when imported)
PROBE = textwrap.dedent("""
    import sys
    from actuary.engine.ahead import cache_is_warm, compile_ahead
    import tiny

    warm = cache_is_warm(tiny.plus_one)
    if sys.argv[1] == "ahead":
        ok = compile_ahead("tiny", "plus_one", 41).wait()
        print(warm, ok)
    elif sys.argv[1] in ("early", "dismissed"):
        from actuary.engine import ahead

        started = ahead.start_early("tiny", "plus_one")
        worker = ahead._STANDING.get("tiny")
        if sys.argv[1] == "early":
            handle = compile_ahead("tiny", "plus_one", 41)
            print(warm, started, handle.process is worker, handle.wait())
        else:
            ahead.dismiss("tiny")
            print(warm, started, worker.wait(60) == 0, "tiny" in ahead._STANDING)
    else:
        assert tiny.plus_one(1) == 2
        print(warm, tiny.plus_one.stats.cache_hits.total(), tiny.plus_one.stats.cache_misses.total())
""")


def _run(script: str, tmp_path, mode: str) -> list[str]:
    """What ``script`` prints in a fresh interpreter with ``mode``, ``tmp_path``'s modules
    importable and its own numba cache there."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", script, mode], env=env, capture_output=True,
                         text=True, check=True)
    return out.stdout.split()


def _probe(tmp_path, mode: str) -> list[str]:
    return _run(PROBE, tmp_path, mode)


def test_the_worker_fills_the_cache_the_run_loads(tmp_path):
    (tmp_path / "tiny.py").write_text(MODULE, encoding="utf-8")
    # cold: nothing cached; the worker compiles and succeeds
    assert _probe(tmp_path, "ahead") == ["False", "True"]
    # then a run finds the cache warm and loads from it: a hit, no compilation
    assert _probe(tmp_path, "run") == ["True", "1", "0"]


def test_a_failing_or_impossible_worker_is_reported_not_raised():
    assert compile_ahead("math", "sqrt", 4.0).wait() is True
    assert compile_ahead("math", "sqrt", -1.0).wait() is False  # ValueError in the worker
    assert compile_ahead("math", "sqrt", lambda: 0) is None  # arguments not picklable


def test_without_the_jit_nothing_is_started():
    """With NUMBA_DISABLE_JIT the kernels are plain functions: no cache, no worker."""
    assert cache_is_warm(lambda x: x) is True


def test_a_worker_started_early_compiles_what_it_is_later_given(tmp_path):
    """start_early on a cold cache starts the worker at once (it imports the module);
    compile_ahead then hands that same worker its arguments, and it fills the cache."""
    (tmp_path / "tiny.py").write_text(MODULE, encoding="utf-8")
    assert _probe(tmp_path, "early") == ["False", "True", "True", "True"]
    assert _probe(tmp_path, "run") == ["True", "1", "0"]
    # warm: nothing is started early
    assert _probe(tmp_path, "early")[:2] == ["True", "False"]


def test_a_worker_dismissed_ends_without_compiling(tmp_path):
    (tmp_path / "tiny.py").write_text(MODULE, encoding="utf-8")
    assert _probe(tmp_path, "dismissed") == ["False", "True", "True", "False"]
    # it compiled nothing: the cache is still cold
    assert _probe(tmp_path, "run") == ["False", "0", "1"]


SIGNED = textwrap.dedent("""
    import numba
    import numpy as np

    @numba.njit(cache=True)
    def total(a, n):
        return a.sum() + n

    def tiny_inputs():
        return (np.zeros(1), 1)
""")

# compile_early by the types of tiny_inputs, then the real call (other sizes, same types)
EARLY = textwrap.dedent("""
    import sys
    import numpy as np
    from actuary.engine import ahead
    import signed

    from actuary.io import workers

    warm = ahead.cache_is_warm(signed.total)
    if sys.argv[1] == "cli":  # as the command group starts it, before importing the engine
        started = workers.start("signed.total", "actuary.engine.ahead", "_signature_worker",
                                ["signed", "total", "signed", "tiny_inputs"])
        workers.peek("signed.total").wait(60)  # ended (warm) or compiled
    else:
        started = ahead.compile_early("signed", "total", "signed", "tiny_inputs")
    worker = workers.peek("signed.total")
    compiling = ahead.compiling_early("signed", "total")
    args = (np.arange(5), 3) if sys.argv[1] == "other" else (np.arange(5.0), 3)
    ahead.before_call("signed", "total", args)
    ended = worker is None or worker.poll() is not None
    assert signed.total(*args) == 13
    stats = signed.total.stats
    print(warm, started, ended, compiling, ahead.compiling_early("signed", "total"),
          worker.returncode if worker is not None else None,
          stats.cache_hits.total(), stats.cache_misses.total())
""")


def _early(tmp_path, mode: str) -> list[str]:
    return _run(EARLY, tmp_path, mode)


def test_compiled_early_by_signature_the_real_call_is_a_cache_hit(tmp_path):
    """A worker compiles for tiny inputs' types from the start; before_call with real
    arguments of the same types waits for it, and the call loads from the cache (a hit,
    no compilation); the next run finds the cache warm and starts nothing."""
    (tmp_path / "signed.py").write_text(SIGNED, encoding="utf-8")
    assert _early(tmp_path, "same") == ["False", "True", "True", "True", "False", "0", "1", "0"]
    # warm: compile_early sees it in this process and starts nothing
    assert _early(tmp_path, "same") == ["True", "False", "True", "False", "False", "None",
                                        "1", "0"]


def test_started_before_the_engine_is_imported_a_warm_worker_ends_at_once(tmp_path):
    """Started as the command group starts it (actuary.io.workers, no engine imported):
    cold, it compiles and the call is a cache hit; warm, it ends with WARM at once, is
    not counted as compiling, and the call is a hit all the same."""
    (tmp_path / "signed.py").write_text(SIGNED, encoding="utf-8")
    assert _early(tmp_path, "cli") == ["False", "True", "True", "True", "False", "0", "1", "0"]
    assert _early(tmp_path, "cli") == ["True", "True", "True", "False", "False", "3", "1", "0"]


def test_compiled_early_for_other_types_the_worker_is_stopped(tmp_path):
    """Real arguments of other types (an int array): the worker is stopped at once and
    the call compiles its own specialisation."""
    (tmp_path / "signed.py").write_text(SIGNED, encoding="utf-8")
    got = _early(tmp_path, "other")
    assert got[:3] + got[4:5] + got[6:] == ["False", "True", "True", "False", "0", "1"]


LOOK = textwrap.dedent("""
    import sys
    from actuary.io.workers import numba_index_exists
    import signed

    before = numba_index_exists(signed.__file__, "total")
    signed.total(signed.tiny_inputs()[0], 1)
    after = numba_index_exists(signed.__file__, "total")
    print(before, after, numba_index_exists(signed.__file__, "tot"),
          signed.total._cache._cache_path)
""")


def test_the_quick_look_finds_numbas_index_where_numba_puts_it(tmp_path):
    """actuary.io.workers.numba_index_exists (no numba imported) answers False on an empty
    cache and True once numba has cached the function, in numba's own folder; with and
    without NUMBA_CACHE_DIR."""
    (tmp_path / "signed.py").write_text(SIGNED, encoding="utf-8")
    for cache in (str(tmp_path / "cache"), None):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path),
                                                           os.environ.get("PYTHONPATH", "")]))
        env.pop("NUMBA_CACHE_DIR", None)
        if cache:
            env["NUMBA_CACHE_DIR"] = cache
        out = subprocess.run([sys.executable, "-c", LOOK], env=env, capture_output=True,
                             text=True, check=True).stdout.split()
        assert out[:3] == ["False", "True", "False"]
        assert out[3] == (str(tmp_path / "__pycache__") if cache is None
                          else out[3]) and (cache is None or out[3].startswith(cache))
