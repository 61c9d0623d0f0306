"""Scenarios in batches: generate, project, measure.

A batch is a contiguous range of scenario numbers ``start .. start + count - 1``; each
scenario draws its own random numbers (:func:`~actuary.studies.stochastic.generator.draw_normals`),
so the results do not depend on the batch size, the threads or the workers. A batch
returns per-year values of the reported series and a few scalars per scenario
(:class:`BatchResult`); full paths of the projection are not kept.

Two modes:

* ``full``: every scenario is projected by the engine
  (:func:`actuary.engine.projection.project` on the scenario's basis), with its own
  economy and demography (national population, covered population, mortality).
* ``economic``: people follow the basis; money flows are recomputed from the
  deterministic projection (:mod:`actuary.studies.stochastic.economic_only`), with no
  projection per scenario.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from actuary.engine.projection import project
from actuary.engine.state import FLOW_REFUND, STATUS_ACTIVE, STATUS_INVALIDITY, STATUS_OLD_AGE
from actuary.frame.population import life_expectancy
from actuary.studies.stochastic import measures as ms
from actuary.studies.stochastic.demography import scaled_mortality
from actuary.studies.stochastic.full import FullBatch, project_full
from actuary.studies.stochastic.generator import draw_normals, simulate
from actuary.studies.stochastic.model import (
    LEGISLATED, StochasticModel, frame_batch, scenario_basis, wage_level_ratio,
)

__all__ = ["BatchResult", "run_batch", "run_batches", "YEARLY", "CALIBRATION_YEARS", "MODES"]

#: Series reported by year (percentiles).
YEARLY = ("reserve_ratio", "payg_cost_rate", "reserve_pct_gdp", "contributors", "pensioners",
          "population")
#: Years whose TFR and e0 are kept for the calibration table (those within the horizon).
CALIBRATION_YEARS = (2030, 2050, 2075, 2100)
MODES = ("full", "economic")
_PIECE = 16  # scenarios whose frame is computed at once


@dataclass
class BatchResult:
    """Results of scenarios ``start .. start + n - 1``.

    ``yearly[name]`` ``[n, T]``; ``scalars[name]`` ``[n]`` (GAP 25/50/75, actuarial balance,
    TFR and e0 by sex in the calibration years); ``depletion[path]`` ``[n]`` int, the
    projection year index of depletion under each rate path (-1: none).
    """

    start: int
    yearly: dict[str, np.ndarray]
    scalars: dict[str, np.ndarray]
    depletion: dict[str, np.ndarray]
    clipped: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return int(next(iter(self.yearly.values())).shape[0])


def _normals(seed: int, start: int, count: int, Y: int) -> tuple[np.ndarray, ...]:
    draws = [draw_normals(seed, start + k, Y) for k in range(count)]
    return tuple(np.array([d[j] for d in draws]) for j in range(3))


def _people(proj, status: int) -> np.ndarray:
    return proj.people[:-1, status].sum(axis=(1, 2))


_FLOW_KEYS = ("earnings", "contributions", "benefits", "refunds", "interest", "contributors",
              "pensioners")


def _full_flows(model: StochasticModel, x: np.ndarray, z: np.ndarray, threads: int,
                route: str = "records"):
    """Project every scenario of the batch; flows ``[n, T]``, people counts and the frame.

    ``route``: ``"records"`` (:func:`actuary.studies.stochastic.full.project_full`: the
    kernel's records of the basis with the scenario's arrays in place, one numba call per
    chunk of scenarios) or ``"basis"`` (a validated ``Basis`` and
    :func:`~actuary.engine.projection.project` per scenario: the slower reference the tests
    compare the first with).

    With ``threads`` > 1 the batch is cut into that many consecutive parts, each worked
    through by a thread of its own: the engine and the demography's kernels release the
    GIL. A scenario's numbers do not depend on the part.
    """
    if route == "records":
        return project_full(model, x, z, threads)
    if route != "basis":
        raise ValueError(f"route must be 'records' or 'basis', not {route!r}")
    n, T = x.shape[0], model.n_years
    out = {k: np.empty((n, T)) for k in _FLOW_KEYS}

    def one(k: int, frame: dict, row: int) -> None:
        basis = scenario_basis(model, x[k], z[k], frame, row)
        proj = project(basis)
        out["earnings"][k] = proj.earnings
        out["contributions"][k] = proj.contributions
        out["benefits"][k] = proj.benefits
        out["refunds"][k] = proj.flows[:, :, FLOW_REFUND].sum(axis=1)
        out["interest"][k] = basis.investment_return
        out["contributors"][k] = _people(proj, STATUS_ACTIVE)
        out["pensioners"][k] = _people(proj, STATUS_OLD_AGE) + _people(proj, STATUS_INVALIDITY)

    def part(bounds: tuple[int, int]) -> list[dict]:
        # small pieces: the frame's arrays [n, T, 2, 111] stay small enough to be cheap
        frames = []
        for lo in range(bounds[0], bounds[1], _PIECE):
            hi = min(lo + _PIECE, bounds[1])
            frame = frame_batch(model, z[lo:hi])
            for k in range(lo, hi):
                one(k, frame, k - lo)
            frames.append(frame)
        return frames

    cuts = np.linspace(0, n, max(1, min(threads, n)) + 1).astype(int)
    parts = [(int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:])]
    if len(parts) > 1:
        with ThreadPoolExecutor(len(parts)) as pool:
            frames = [f for fs in pool.map(part, parts) for f in fs]
    else:
        frames = part(parts[0])
    if not frames[0]:
        return out, {}
    frame = {key: np.concatenate([f[key] for f in frames])
             for key in ("population", "employed_ratio", "tfr")}
    frame["clipped"] = sum(int(f["clipped"]) for f in frames)
    return out, frame


def run_batch(model: StochasticModel, seed: int, start: int, count: int, mode: str = "full",
              threads: int = 1, exposures=None, route: str = "records") -> BatchResult:
    """Scenarios ``start .. start + count - 1`` of the run with ``seed``.

    ``exposures``: the economic-only mode's linearisation
    (:func:`actuary.studies.stochastic.economic_only.exposures`), computed once per run.
    ``route``: how a full scenario reaches the kernel (see :func:`_full_flows`).
    """
    T = model.n_years
    x, z = _scenarios(model, seed, start, count)
    if mode == "full":
        fl, frame = _full_flows(model, x, z, threads, route)
        return _full_result(model, start, x, z, fl, frame)
    from actuary.studies.stochastic.economic_only import economic_flows

    fl = economic_flows(model, exposures, x)
    y = model.deterministic.yearly
    contributors = np.broadcast_to(y["active"].to_numpy(), (count, T))
    pensioners = np.broadcast_to((y["old_age_pensioners"] + y["invalidity_pensioners"])
                                 .to_numpy(), (count, T))
    result = BatchResult(start=start, yearly={}, scalars={}, depletion={})
    _finish(model, x, fl, contributors, pensioners, None, None, result)
    return result


def run_batches(model: StochasticModel, seed: int, plan: list[tuple[int, int]],
                mode: str = "full", threads: int = 1, exposures=None) -> Iterator[BatchResult]:
    """The batches ``plan`` (``(start, count)``) of the run with ``seed``, in order.

    Each result is :func:`run_batch`'s for the same batch, to the last bit (a scenario's
    numbers depend on its number only). Full scenarios go through a one-slot pipeline:
    the chunks of every batch go to one pool of ``threads`` threads, and while a batch's
    chunks run (GIL released), this thread generates the next batch and queues its
    chunks behind them, then measures the batch once its chunks are done. So the threads
    do not wait for the Python work between batches, nor for the slowest thread at the end
    of each batch. Memory: two batches at a time.
    """
    if mode != "full":
        for start, count in plan:
            yield run_batch(model, seed, start, count, mode, threads, exposures)
        return
    with ThreadPoolExecutor(max(1, int(threads))) as pool:
        pending = None
        for start, count in plan:
            x, z = _scenarios(model, seed, start, count)
            batch = FullBatch(model, x, z, threads)
            queued = (start, x, z, batch, batch.submit(pool))
            if pending is not None:
                yield _collected(model, *pending)
            pending = queued
        if pending is not None:
            yield _collected(model, *pending)


def _collected(model: StochasticModel, start: int, x: np.ndarray, z: np.ndarray,
               batch: FullBatch, futures: list) -> BatchResult:
    """The result of a submitted batch, once its chunks have run (a chunk's error raised)."""
    for fut in futures:
        fut.result()
    return _full_result(model, start, x, z, *batch.results())


def _scenarios(model: StochasticModel, seed: int, start: int, count: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """Economic ``x [n, Y, 3]`` and demographic ``z [n, Y, 4]`` deviations of the batch."""
    econ_n, mean_n, demo_n = _normals(seed, start, count, model.n_years + 1)
    return simulate(model.economic, econ_n, mean_n), simulate(model.demographic, demo_n)


def _full_result(model: StochasticModel, start: int, x: np.ndarray, z: np.ndarray,
                 fl: dict, frame: dict) -> BatchResult:
    """The batch's result from the full scenarios' flows and frame."""
    result = BatchResult(start=start, yearly={}, scalars={}, depletion={})
    population = frame.get("population") if frame else None
    employed = frame.get("employed_ratio") if frame else None
    result.clipped = int(frame.get("clipped", 0)) if frame else 0
    _calibration_scalars(model, z, frame, result)
    _finish(model, x, fl, fl["contributors"], fl["pensioners"], population, employed, result)
    return result


def _finish(model: StochasticModel, x: np.ndarray, fl: dict, contributors, pensioners,
            population, employed, result: BatchResult) -> None:
    """Measures and the reported series of the batch into ``result``."""
    b = model.basis
    count, T = x.shape[0], model.n_years
    if population is None:
        population = np.broadcast_to(_basis_population(model), (count, T))
    flows = ms.Flows(fl["earnings"], fl["contributions"], fl["benefits"], fl["refunds"],
                     fl["interest"], b.admin_rate, b.contribution_factor, float(b.start.reserve))
    gdp = model.gdp[None, :] * np.stack([wage_level_ratio(x[k], T) for k in range(count)])
    if employed is not None:
        gdp = gdp * employed
    _measure(model, flows, gdp, result)
    result.yearly.update(contributors=np.array(contributors, dtype=float),
                         pensioners=np.array(pensioners, dtype=float),
                         population=np.array(population, dtype=float))


def _basis_population(model: StochasticModel) -> np.ndarray:
    """``[T]`` national population on 1 January (NaN without a frame)."""
    if model.frame is None:
        return np.full(model.n_years, np.nan)
    return model.frame.population[: model.n_years].sum(axis=(1, 2))


def _measure(model: StochasticModel, flows: ms.Flows, gdp: np.ndarray, result: BatchResult) -> None:
    """Reserve, ratios, GAP, actuarial balance and depletion under each rate path."""
    T = model.n_years
    b = model.basis
    for name, rate in model.rate_paths.items():
        f = flows if name == LEGISLATED else ms.with_rate_factor(
            flows, ms.rate_factor(b.contribution_rate, rate), not b.rules.final_salary)
        reserve = ms.reserve_paths(f.reserve0, f.contributions, f.expenditure, f.interest)
        result.depletion[name] = ms.first_negative(reserve)
        if name != LEGISLATED:
            continue
        exp = f.expenditure
        with np.errstate(divide="ignore", invalid="ignore"):
            result.yearly["reserve_ratio"] = np.where(exp > 0, reserve / exp, np.nan)
            result.yearly["payg_cost_rate"] = np.where(f.earnings > 0, exp / f.earnings, np.nan)
            result.yearly["reserve_pct_gdp"] = 100.0 * reserve / gdp
        for n in (25, 50, 75):
            if n <= T:
                result.scalars[f"gap_{n}"] = ms.gap(f, n)
        if T >= 76:
            result.scalars["actuarial_balance_75"] = ms.actuarial_balance(f, 75)


def _calibration_scalars(model: StochasticModel, z: np.ndarray, frame: dict | None,
                         result: BatchResult) -> None:
    """TFR and e0 by sex of the national tables in the calibration years."""
    if model.frame is None:
        return
    y0, T = model.aset.first_year, model.n_years
    for year in CALIBRATION_YEARS:
        t = year - y0
        if not 0 <= t < T:
            continue
        q = scaled_mortality(model.frame.mortality[t][None], np.exp(z[:, t, 1:3])[:, :, None])
        e0 = life_expectancy(q, 0)
        result.scalars[f"e0_M_{year}"] = e0[:, 0]
        result.scalars[f"e0_F_{year}"] = e0[:, 1]
        result.scalars[f"tfr_{year}"] = frame["tfr"][:, t]
