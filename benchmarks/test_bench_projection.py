"""Speed of the cohort projection (issue 4): the numba kernel against the numpy reference.

Both run the same deterministic 100-year projection of the built-in default (the NSSF
scheme on the cambodia-default basis) in the same session, and the ratio is reported
in ``extra_info``. Nothing here asserts a time: see ``python -m pytest benchmarks
--benchmark-only`` output (or ``--benchmark-json``) for the figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from reference_projection import project_reference

from actuary.assumptions import load_basis
from actuary.engine.build import build_basis
from actuary.engine.projection import run_kernel
from actuary.analysis.valuation import load_population

_TIMES: dict[str, float] = {}


@pytest.fixture(scope="module")
def default_basis():
    aset = load_basis()
    basis = build_basis(aset, load_population(aset, None), horizon=100)
    assert basis.n_years == 100
    run_kernel(basis)  # compile (or load from the cache) outside the timings
    return basis


def test_kernel_100_years(benchmark, default_basis):
    result = benchmark(run_kernel, default_basis)
    _TIMES["kernel"] = benchmark.stats.stats.median
    _TIMES["kernel_min"] = benchmark.stats.stats.min
    benchmark.extra_info["median_ms"] = 1e3 * benchmark.stats.stats.median
    benchmark.extra_info["min_ms"] = 1e3 * benchmark.stats.stats.min
    assert np.isfinite(result[0]).all()


def test_numpy_reference_100_years(benchmark, default_basis):
    result = benchmark.pedantic(project_reference, args=(default_basis,), rounds=5, iterations=1)
    _TIMES["numpy"] = benchmark.stats.stats.median
    benchmark.extra_info["median_ms"] = 1e3 * benchmark.stats.stats.median
    if "kernel" in _TIMES:
        benchmark.extra_info["numpy_over_kernel"] = _TIMES["numpy"] / _TIMES["kernel"]
        # medians, and the kernel's fastest round: on a shared host the other rounds
        # include time the machine gave to others
        print(f"\nkernel {1e3 * _TIMES['kernel']:.2f} ms (min {1e3 * _TIMES['kernel_min']:.2f}), "
              f"numpy {1e3 * _TIMES['numpy']:.1f} ms, "
              f"speed-up x{_TIMES['numpy'] / _TIMES['kernel']:.1f}")
    assert np.isfinite(result[0]).all()


def _valuate_cli(cache: str, out: Path, native: bool = True) -> float:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    if not native:
        env["ACTUARY_NATIVE"] = "0"  # numba compiles on first use (actuary.engine.native)
    # As a user runs it, Python keeps the bytecode of the package's modules (in the
    # __pycache__ folders git ignores). An environment with PYTHONDONTWRITEBYTECODE
    # would compile the package's sources again on every run (about 0.2-0.3 s here),
    # which is not what the warm figure measures.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    exe = Path(sys.executable).with_name("actuary")
    t = time.perf_counter()
    subprocess.run([str(exe), "valuate", "--quiet", "--out", str(out)], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def test_valuate_end_to_end_cold_and_warm(benchmark, tmp_path):
    """Wall time of ``actuary valuate`` as a user runs it after ``pip install``: cold (an
    empty numba cache; the engine compiled at install) then warm. Also reported: cold on
    numba's own path (``ACTUARY_NATIVE=0``: what a tree without the compiled modules, or a
    scheme of other argument types, pays on a first run)."""
    from actuary.engine import native

    compiled = all(native.installed(name) for name in native.ENTRIES)
    with tempfile.TemporaryDirectory() as cache:
        cold = _valuate_cli(cache, tmp_path / "cold.xlsx")
        warm = benchmark.pedantic(_valuate_cli, args=(cache, tmp_path / "warm.xlsx"),
                                  rounds=3, iterations=1)
    with tempfile.TemporaryDirectory() as cache:
        cold_numba = _valuate_cli(cache, tmp_path / "cold_numba.xlsx", native=False)
    benchmark.extra_info["compiled_at_install"] = compiled
    benchmark.extra_info["cold_s"] = cold
    benchmark.extra_info["cold_numba_s"] = cold_numba
    benchmark.extra_info["warm_median_s"] = benchmark.stats.stats.median
    benchmark.extra_info["warm_min_s"] = benchmark.stats.stats.min
    # the goals of a first run (issue 21): cold at most 10 s and at most 5 times a warm run,
    # warm at most 1.5 s; reported, not asserted (the machine's load moves them)
    ratio = cold / benchmark.stats.stats.median
    benchmark.extra_info["cold_over_warm"] = ratio
    print(f"\nactuary valuate: cold {cold:.2f} s, warm {benchmark.stats.stats.median:.2f} s "
          f"(min {benchmark.stats.stats.min:.2f}), cold/warm {ratio:.1f} "
          f"(engine compiled at install: {'yes' if compiled else 'NO'}); "
          f"cold on numba's path {cold_numba:.2f} s")
    assert warm > 0


def test_engine_compiled_ahead_of_time(benchmark, tmp_path):
    """What the install adds: the engine's entries compiled ahead of time
    (``python -m actuary.engine.native_build``, numba's cache empty), in seconds."""
    def build() -> float:
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache)
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "actuary.engine.native_build", "--out",
                            str(tmp_path)], check=True, env=env, capture_output=True)
            return time.perf_counter() - t

    seconds = benchmark.pedantic(build, rounds=1, iterations=1)
    benchmark.extra_info["build_s"] = seconds
    print(f"\nengine compiled ahead of time (the install's extra step): {seconds:.1f} s")
    assert len(list(tmp_path.glob("_native_*"))) == 3
