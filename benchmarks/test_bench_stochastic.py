"""Speed of ``actuary stochastic`` (issue 16): scenarios per second beside one
deterministic projection, in the same session.

Targets of the issue on this 2-core machine: 10,000 economic scenarios in at most 2 s
and 10,000 full scenarios (demographic and economic) in at most 20 s. The figures are
printed and kept in ``extra_info``; nothing here asserts a time. Run with
``.venv/bin/pytest benchmarks/test_bench_stochastic.py --benchmark-only -s``; the
one- and two-worker cluster figures need the ``distributed`` extra.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from actuary.analysis.valuation import load_population
from actuary.assumptions import load_basis
from actuary.engine.projection import project
from actuary.studies.stochastic.economic_only import exposures
from actuary.studies.stochastic.model import build_model
from actuary.studies.stochastic.run import batches
from actuary.studies.stochastic.runner import run_batch

_T: dict[str, float] = {}


@pytest.fixture(scope="module")
def model():
    aset = load_basis()
    m = build_model(aset, load_population(aset, None))
    project(m.basis)  # compiled or loaded from the cache outside the timings
    run_batch(m, 1, 0, 2, "full")
    return m


def _report(benchmark, key: str, n: int) -> None:
    med = benchmark.stats.stats.median
    _T[key] = med
    benchmark.extra_info["scenarios"] = n
    benchmark.extra_info["seconds"] = med
    benchmark.extra_info["scenarios_per_s"] = n / med
    if "projection" in _T:
        benchmark.extra_info["projections_per_s"] = 1.0 / _T["projection"]
        print(f"\n{key}: {n:,} scenarios in {med:.2f} s ({n / med:,.0f}/s); one deterministic "
              f"projection {1e3 * _T['projection']:.1f} ms ({1 / _T['projection']:,.0f}/s)")


def test_one_deterministic_projection(benchmark, model):
    benchmark(project, model.basis)
    _T["projection"] = benchmark.stats.stats.median


def test_economic_scenarios_10000(benchmark, model):
    t = time.perf_counter()
    exp = exposures(model)
    setup = time.perf_counter() - t

    def run() -> None:
        for start, count in batches(10_000, 2_500):
            run_batch(model, 1, start, count, "economic", exposures=exp)

    benchmark.pedantic(run, rounds=3, iterations=1)
    benchmark.extra_info["exposures_setup_s"] = setup
    _report(benchmark, "economic", 10_000)
    print(f"  (plus {setup:.2f} s once per run to measure the exposures)")


def test_full_scenarios_10000(benchmark, model):
    def run() -> None:
        for start, count in batches(10_000, 250):
            run_batch(model, 1, start, count, "full", threads=2)

    benchmark.pedantic(run, rounds=1, iterations=1)
    _report(benchmark, "full", 10_000)


@pytest.mark.parametrize("workers", [1, 2])
def test_full_scenarios_on_a_local_cluster(benchmark, model, workers):
    pytest.importorskip("dask.distributed")
    from actuary.studies.stochastic.distributed import connect, run_on_cluster
    from actuary.studies.stochastic.results import Results

    client, cluster = connect(workers=workers)
    try:
        # warm the workers (import, numba cache) outside the timing
        run_on_cluster(client, model, 1, [(0, 2)] * workers, "full", None, lambda b: None)

        def run() -> None:
            res = Results(years=model.years, n=2_000)
            run_on_cluster(client, model, 1, batches(2_000, 100), "full", None, res.add)
            assert res.filled == 2_000

        benchmark.pedantic(run, rounds=1, iterations=1)
    finally:
        client.close()
        cluster.close()
    _report(benchmark, f"cluster_{workers}", 2_000)
    assert np.isfinite(benchmark.stats.stats.median)
