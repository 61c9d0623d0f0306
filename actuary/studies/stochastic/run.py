"""A whole stochastic run: the model, the batches (here or on a dask cluster), the tables."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from actuary.assumptions import AssumptionSet, load_basis
from actuary.io.errors import ActuaryError
from actuary.studies.stochastic import measures as ms
from actuary.studies.stochastic.calibration import calibration_table
from actuary.studies.stochastic.model import LEGISLATED, StochasticModel, build_model
from actuary.studies.stochastic.results import (
    Results, depletion_table, deterministic_position, distribution_table, percentile_table,
)
from actuary.studies.stochastic.runner import MODES, run_batches

__all__ = ["StochasticRun", "run_stochastic", "batches", "deterministic_depletion",
           "HEADLINE_YEARS", "generator_parameters"]

HEADLINE_YEARS = (2050, 2075, 2100)
Progress = Callable[[str], None]


@dataclass
class StochasticRun:
    """The results of ``actuary stochastic`` (tables as tidy pandas frames)."""

    model: StochasticModel
    results: Results
    seed: int
    mode: str
    percentiles: pd.DataFrame
    depletion: pd.DataFrame
    distribution: pd.DataFrame
    position: pd.DataFrame
    calibration: pd.DataFrame
    deterministic_depletion: dict[str, int | None]
    timing: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def scenarios(self) -> int:
        return self.results.n

    def headline(self) -> dict:
        """Depletion probability by 2050/2075/2100 per rate path; GAP 75's 80% interval."""
        out: dict = {"depletion": {}}
        dep = self.depletion
        for path in dep["rate_path"].unique():
            d = dep[dep.rate_path == path].set_index("year")["probability"]
            out["depletion"][path] = {y: float(d[y]) for y in HEADLINE_YEARS if y in d.index}
        gap = self.results.scalars.get("gap_75")
        if gap is not None:
            lo, mid, hi = np.nanpercentile(gap, [10.0, 50.0, 90.0])
            out["gap_75"] = {"p10": float(lo), "p50": float(mid), "p90": float(hi)}
        return out


def batches(n: int, size: int) -> list[tuple[int, int]]:
    """``(start, count)`` of consecutive batches covering scenarios ``0 .. n - 1``."""
    return [(s, min(size, n - s)) for s in range(0, n, size)]


def deterministic_depletion(model: StochasticModel) -> dict[str, int | None]:
    """Depletion year of the deterministic valuation under each rate path."""
    cf = model.deterministic.cash
    b = model.basis
    from actuary.engine.state import FLOW_REFUND

    flows = ms.Flows(cf.earnings[None], cf.contributions[None], cf.benefits[None],
                     model.deterministic.projection.flows[:, :, FLOW_REFUND].sum(axis=1)[None],
                     cf.interest[None], b.admin_rate, b.contribution_factor, float(cf.reserve0))
    out: dict[str, int | None] = {}
    for path, rate in model.rate_paths.items():
        f = flows if path == LEGISLATED else ms.with_rate_factor(
            flows, ms.rate_factor(b.contribution_rate, rate), not b.rules.final_salary)
        t = int(ms.first_negative(ms.reserve_paths(f.reserve0, f.contributions, f.expenditure,
                                                   f.interest))[0])
        out[path] = None if t < 0 else int(model.years[t])
    return out


def generator_parameters(aset: AssumptionSet) -> pd.DataFrame:
    """The generator's parameters with their values, status and source (the Assumptions
    table of the set, rows under ``stochastic``; the default set's when it has none)."""
    source = aset if aset.stochastic is not None else load_basis(None)
    table = source.parameters_table()
    col = "path" if "path" in table.columns else table.columns[0]
    return table[table[col].astype(str).str.startswith("stochastic.")].reset_index(drop=True)


def run_stochastic(basis: AssumptionSet | str | Path | None = None,
                   population_file: str | Path | None = None, horizon: int | None = None, *,
                   scenarios: int, seed: int, mode: str = "full", batch_size: int = 250,
                   threads: int = 1, client=None, progress: Progress | None = None
                   ) -> StochasticRun:
    """Run ``scenarios`` scenarios of ``basis`` and summarise them.

    ``client``: a ``dask.distributed.Client``; its workers run the batches
    (:mod:`actuary.studies.stochastic.distributed`). ``threads``: projections run at once
    within a batch here (the engine releases the GIL); the next batch is generated, and
    the last one measured, while one projects
    (:func:`~actuary.studies.stochastic.runner.run_batches`).
    """
    from actuary.analysis.valuation import load_population

    say = progress or (lambda _m: None)
    if mode not in MODES:
        raise ActuaryError("unknown mode", field="mode", value=mode, expected=" or ".join(MODES))
    if scenarios < 1:
        raise ActuaryError("no scenarios to run", field="--scenarios", value=scenarios,
                           expected="at least 1")
    timing: dict = {}
    t0 = time.perf_counter()
    aset = basis if isinstance(basis, AssumptionSet) else load_basis(basis)
    population = load_population(aset, population_file)
    say("projecting the deterministic basis and the population frame")
    model = build_model(aset, population, horizon)
    exposures = None
    if mode == "economic":
        from actuary.studies.stochastic.economic_only import exposures as measure

        say("measuring the exposures of the money flows (economic scenarios only)")
        exposures = measure(model)
    timing["setup_s"] = time.perf_counter() - t0
    res = Results(years=model.years, n=int(scenarios))
    plan = batches(int(scenarios), int(batch_size))
    say(f"running {scenarios:,} scenarios in {len(plan)} batches")
    t1 = time.perf_counter()
    if client is not None:
        from actuary.studies.stochastic.distributed import run_on_cluster

        run_on_cluster(client, model, seed, plan, mode, exposures, res.add, say)
    else:
        for k, batch in enumerate(run_batches(model, seed, plan, mode, threads, exposures)):
            res.add(batch)
            if len(plan) > 1 and (k + 1) % max(1, len(plan) // 10) == 0:
                say(f"  {res.filled:,} scenarios done")
    timing["scenarios_s"] = time.perf_counter() - t1
    timing["scenarios_per_s"] = scenarios / timing["scenarios_s"]
    det = model.deterministic
    det_dep = deterministic_depletion(model)
    run = StochasticRun(
        model=model, results=res, seed=int(seed), mode=mode,
        percentiles=percentile_table(res), depletion=depletion_table(res),
        distribution=distribution_table(res),
        position=deterministic_position(res, det.summary, det.yearly, det_dep),
        calibration=calibration_table(res.scalars) if mode == "full" else pd.DataFrame(),
        deterministic_depletion=det_dep, timing=timing, notes=list(model.notes),
    )
    if res.clipped:
        run.notes.append(f"{res.clipped} population cells set to 0 where a scenario's net "
                         "emigration exceeded the people there")
    return run
