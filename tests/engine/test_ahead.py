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


def _probe(tmp_path, mode: str) -> list[str]:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", PROBE, mode], env=env, capture_output=True,
                         text=True, check=True)
    return out.stdout.split()


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
