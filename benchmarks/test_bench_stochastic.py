"""Speed of ``actuary stochastic`` (issue 16): scenarios per second beside one
deterministic projection, in the same session.

Targets of the issue on this 2-core machine: 10,000 economic scenarios in at most 2 s
and 10,000 full scenarios (demographic and economic) in at most 20 s. The figures are
printed and kept in ``extra_info``; nothing here asserts a time. Run with
``.venv/bin/pytest benchmarks/test_bench_stochastic.py --benchmark-only -s``; the
one- and two-worker cluster figures need the ``distributed`` extra.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from actuary.analysis.valuation import load_population
from actuary.assumptions import load_basis
from actuary.engine.projection import project
from actuary.studies.stochastic.economic_only import exposures
from actuary.studies.stochastic.model import build_model
from actuary.studies.stochastic.run import batches
from actuary.studies.stochastic.runner import run_batch, run_batches

_T: dict[str, float] = {}


@pytest.fixture(scope="module")
def model():
    aset = load_basis()
    m = build_model(aset, load_population(aset, None))
    project(m.basis)  # compiled or loaded from the cache outside the timings
    run_batch(m, 1, 0, 2, "full")
    return m


def _report(benchmark, key: str, n: int, cpu: float | None = None) -> None:
    """Print and keep the figures; ``cpu``: this process's CPU seconds (all threads) of
    one round, which with the load average tells how much of the machine the run had."""
    med = benchmark.stats.stats.median
    _T[key] = med
    load = os.getloadavg()[0]
    benchmark.extra_info["scenarios"] = n
    benchmark.extra_info["seconds"] = med
    benchmark.extra_info["scenarios_per_s"] = n / med
    benchmark.extra_info["load_average_1min"] = load
    if cpu is not None:
        benchmark.extra_info["cpu_ms_per_scenario"] = 1e3 * cpu / n
        # about 2 when both cores worked throughout; below, the machine was shared
        benchmark.extra_info["cpu_over_wall"] = cpu / med
    if "projection" in _T:
        benchmark.extra_info["projections_per_s"] = 1.0 / _T["projection"]
        extra = "" if cpu is None else (f"; {1e3 * cpu / n:.2f} ms CPU a scenario, "
                                        f"CPU/wall {cpu / med:.2f}")
        print(f"\n{key}: {n:,} scenarios in {med:.2f} s ({n / med:,.0f}/s{extra}); one "
              f"deterministic projection {1e3 * _T['projection']:.1f} ms "
              f"({1 / _T['projection']:,.0f}/s); load average {load:.2f}")


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
    cpu = []

    def run() -> None:
        c = time.process_time()
        # as `actuary stochastic` runs them: the next batch generated while one projects
        for _ in run_batches(model, 1, batches(10_000, 250), "full", threads=2):
            pass
        cpu.append(time.process_time() - c)

    benchmark.pedantic(run, rounds=1, iterations=1)
    _report(benchmark, "full", 10_000, cpu[0])


@pytest.mark.parametrize("route", ["records", "basis"])
def test_full_scenarios_500_by_route(benchmark, model, route):
    """The same 500 scenarios on one thread through the kernel's records (the run's route)
    and through a validated Basis and a projection each (the reference route)."""
    cpu = []

    def run() -> None:
        c = time.process_time()
        run_batch(model, 1, 0, 500, "full", threads=1, route=route)
        cpu.append(time.process_time() - c)

    benchmark.pedantic(run, rounds=3, iterations=1)
    _report(benchmark, f"full_{route}_1_thread", 500, min(cpu))


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
