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


def _valuate_cli(cache: str, out: Path) -> float:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
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
    """Wall time of ``actuary valuate`` as a user runs it: cold (empty numba cache) then warm."""
    with tempfile.TemporaryDirectory() as cache:
        cold = _valuate_cli(cache, tmp_path / "cold.xlsx")
        warm = benchmark.pedantic(_valuate_cli, args=(cache, tmp_path / "warm.xlsx"),
                                  rounds=3, iterations=1)
    benchmark.extra_info["cold_s"] = cold
    benchmark.extra_info["warm_median_s"] = benchmark.stats.stats.median
    benchmark.extra_info["warm_min_s"] = benchmark.stats.stats.min
    # the goals of a first run (issue 21): cold at most 10 s and at most 5 times a warm run,
    # warm at most 1.5 s; reported, not asserted (the machine's load moves them)
    ratio = cold / benchmark.stats.stats.median
    benchmark.extra_info["cold_over_warm"] = ratio
    print(f"\nactuary valuate: cold {cold:.2f} s, warm {benchmark.stats.stats.median:.2f} s "
          f"(min {benchmark.stats.stats.min:.2f}), cold/warm {ratio:.1f}")
    assert warm > 0
