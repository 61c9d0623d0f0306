"""What a stochastic run computes once, and how one scenario becomes a projection basis.

:func:`build_model` loads everything that does not depend on the scenario: the
deterministic basis and projection (through :func:`actuary.engine.build.build_basis` and
:func:`actuary.engine.projection.project`), the basis's economic index paths, the
population frame, GDP, and the rate paths the valuation shows. :func:`scenario_basis`
then gives one scenario's :class:`~actuary.engine.basis.Basis` by replacing fields of the
deterministic one (``Basis.with_``): no kernel argument is touched directly.

Economic scenario -> basis (exact, the way :func:`~actuary.engine.build.build_basis`
builds them from the set's indices): nominal wage growth ``(1 + g)(e^{x_p + x_w})`` -
1, inflation ``(1 + p) e^{x_p} - 1``, return ``(1 + i) e^{x_i} - 1``; the revaluation and
indexation series follow the index the scheme names; new entrants' wages follow the
wage level; amounts extended with ``{index: NAME}`` (wage floor and ceiling, minimum
pension, minimum funeral grant) follow their index after their last date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from actuary.analysis.rate_paths import held_rates
from actuary.analysis.valuation import run_valuation
from actuary.assumptions.models import AssumptionSet
from actuary.engine.basis import Basis
from actuary.engine.starting import StartingPopulation
from actuary.studies.stochastic.demography import entrants_batch, project_batch, scaled_mortality
from actuary.studies.stochastic.generator import ProcessSpec, demographic_spec, economic_spec
from actuary.studies.stochastic.survival import scaled_survival

__all__ = ["StochasticModel", "build_model", "economic_fields", "economic_series",
           "demographic_fields", "scenario_basis", "INDEXED_AMOUNTS"]

#: Basis fields built from scheme amounts that may follow an index (field -> parameter, factor).
INDEXED_AMOUNTS = {"wage_floor": ("wage_floor", 12.0), "wage_ceiling": ("wage_ceiling", 12.0),
                   "minimum_pension": ("minimum_pension", 12.0),
                   "funeral_grant_minimum": ("funeral_grant_minimum", 1.0)}


@dataclass
class FrameArrays:
    """The deterministic frame as arrays (persons; years ``first_year ..``)."""

    base: np.ndarray          # [2, 111] 1 January of the first year
    mortality: np.ndarray     # [T, 2, 111] national q by exact age
    fertility: np.ndarray     # [T, 111]
    srb: np.ndarray           # [T]
    migration: np.ndarray     # [T, 2, 111]
    population: np.ndarray    # [T + 1, 2, 111] 1 January
    covered: np.ndarray       # [T + 1, 2, 111] 1 January, the scheme's covered workers
    employed_share: np.ndarray  # [T + 1, 2, 111] employed / population
    sector_employed: np.ndarray  # [T + 1, 2, 111] employed in the scheme's sector
    exit_rate: np.ndarray
    reentry: np.ndarray
    invalidity: np.ndarray

    @property
    def tfr(self) -> np.ndarray:
        return self.fertility.sum(axis=1)


@dataclass
class StochasticModel:
    """Everything a scenario needs that does not depend on it."""

    aset: AssumptionSet
    population: StartingPopulation
    basis: Basis
    deterministic: Any                 # actuary.analysis.valuation.ValuationResult (detail off)
    index_paths: dict[str, np.ndarray]  # years first .. last + 1
    reval_choice: str
    index_choice: str
    indexed: dict[str, tuple[str, int, np.ndarray]]  # field -> (index, last date year, det values)
    disabled_factor: np.ndarray        # [T]
    gdp: np.ndarray                    # [T] KHR
    rate_paths: dict[str, np.ndarray]  # name -> contribution rate [T]
    economic: ProcessSpec
    demographic: ProcessSpec
    frame: FrameArrays | None = None
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        with np.errstate(divide="ignore"):
            # log(1 - q) of the insured's table, kept for the scenarios' mortality
            self.log_survival = np.log1p(-self.basis.mortality)

    @property
    def years(self) -> np.ndarray:
        return self.basis.years

    @property
    def n_years(self) -> int:
        return self.basis.n_years


#: Names of the rate paths, as the valuation's headline names them
#: (:class:`actuary.analysis.rate_paths.RatePath`).
LEGISLATED = "legislated_schedule"
HELD = "held_at_last_enacted_step"


def _frame_arrays(aset: AssumptionSet, T: int) -> FrameArrays | None:
    """The deterministic frame (None when new entrants do not follow it)."""
    if aset.coverage.entrants_from != "frame":
        return None
    from actuary.frame.build import _rates, build_frame  # the frame's own member rates
    from actuary.frame.labour import SECTORS

    frame = build_frame(aset, aset.first_year + T - 1)
    inp = frame.projection.inputs
    lab = frame.labour
    pop = lab.population
    share = np.divide(lab.employed, pop, out=np.zeros_like(pop), where=pop > 0)
    spec = lab.coverage[aset.coverage.frame_scheme]
    cov = spec.covered
    sector = lab.sectors[SECTORS.index(spec.sector)]
    return FrameArrays(base=inp.base, mortality=inp.mortality[:T], fertility=inp.fertility[:T],
                       srb=inp.srb[:T], migration=inp.migration[:T], population=pop[:T + 1],
                       covered=cov[:T + 1], employed_share=share[:T + 1],
                       sector_employed=sector[:T + 1],
                       exit_rate=_rates(aset, "exit"), reentry=_rates(aset, "reentry", cap=True),
                       invalidity=_rates(aset, "invalidity"))


def build_model(aset: AssumptionSet, population: StartingPopulation,
                horizon: int | None = None) -> StochasticModel:
    """The deterministic valuation and everything the scenarios share."""
    det = run_valuation(aset, population, horizon, detail=False)
    basis = det.basis
    T = basis.n_years
    y0, last = aset.first_year, aset.first_year + T - 1
    idx = aset.indices(y0, last + 1)
    p = aset.scheme.parameters
    reval = str(p.revaluation.yearly(y0, last, "end")[0])
    index = str(p.indexation.yearly(y0, last, "end")[0])
    indexed = {}
    for fld, (name, _factor) in INDEXED_AMOUNTS.items():
        param = getattr(p, name)
        if param.extend.rule == "index":
            indexed[fld] = (param.extend.index, param.last_date.year, getattr(basis, fld).copy())
    disabled = np.asarray(aset.demographic.disabled_mortality_factor.yearly(y0, last, "average", idx))
    rates = {LEGISLATED: basis.contribution_rate}
    held = held_rates(aset, basis)  # the valuation's second path
    if not np.allclose(held, basis.contribution_rate, rtol=0.0, atol=1e-15):
        rates[HELD] = held
    model = StochasticModel(
        aset=aset, population=population, basis=basis, deterministic=det, index_paths=idx,
        reval_choice=reval, index_choice=index, indexed=indexed, disabled_factor=disabled,
        gdp=det.yearly["gdp"].to_numpy(dtype=float), rate_paths=rates,  # the valuation's GDP
        economic=economic_spec(aset, y0, last + 1), demographic=demographic_spec(aset, y0, last + 1),
        frame=_frame_arrays(aset, T),
    )
    if basis.start.reserve == 0 and not (det.yearly["contributions"] > 0).any():
        model.notes.append("no contributions and no reserve: the scheme is paid from the "
                           "budget, and the depletion probabilities describe a fund it does "
                           "not have (the GAP is the rate that would finance it)")
    if model.frame is None:
        model.notes.append("new entrants follow coverage.active_growth, not the population "
                           "frame: demographic scenarios move mortality only")
    return model


def economic_paths(model: StochasticModel, x: np.ndarray) -> dict[str, np.ndarray]:
    """The scenario's index paths (years first .. last + 1) from deviations ``x [..., Y, 3]``
    (any leading scenario axes: ``[..., Y]`` paths)."""
    idx = model.index_paths

    def moved(rate: np.ndarray, dev: np.ndarray) -> np.ndarray:
        # (1 + r) e^x - 1, written so that x = 0 gives r exactly
        return rate + (1.0 + rate) * np.expm1(dev)

    return {"price_inflation": moved(idx["price_inflation"], x[..., 0]),
            "wage_growth": moved(idx["wage_growth"], x[..., 0] + x[..., 1]),
            "investment_return": moved(idx["investment_return"], x[..., 2])}


def wage_level_ratio(x: np.ndarray, T: int) -> np.ndarray:
    """``[T]`` nominal wage level of each year over the basis's (1 in the first year)."""
    xg = x[:, 0] + x[:, 1]
    return np.exp(np.concatenate([[0.0], np.cumsum(xg[1:T])]))


def economic_fields(model: StochasticModel, x: np.ndarray) -> dict[str, np.ndarray]:
    """Basis fields of an economic scenario (deviations ``x [Y, 3]``), or of a batch
    (``x [n, Y, 3]``: every field gets the leading axis; each row is computed exactly as
    the scenario alone)."""
    out = economic_series(model, x)
    level = out.pop("wage_level")
    out["entrant_wage"] = model.basis.entrant_wage * level[..., None, None]
    return out


def economic_series(model: StochasticModel, x: np.ndarray) -> dict[str, np.ndarray]:
    """:func:`economic_fields` without ``entrant_wage`` ``[..., T, 2, 111]``, which is the
    basis's times ``wage_level`` ``[..., T]`` (returned in its place): the yearly
    fields of the scenario(s), ``[..., T]`` each."""
    b, T = model.basis, model.n_years
    idx = economic_paths(model, x)
    det = model.index_paths
    lead = x.shape[:-2]

    def series(choice: str, lag: int) -> np.ndarray:
        return np.zeros(lead + (T,)) if choice == "none" else idx[choice][..., lag: lag + T]

    wage = idx["wage_growth"][..., 1: T + 1]
    level = np.cumprod(1.0 + wage, axis=-1) / np.cumprod(1.0 + b.wage_growth)
    out = {"wage_growth": wage, "revaluation": series(model.reval_choice, 1),
           "indexation": series(model.index_choice, 0),
           "investment_return": idx["investment_return"][..., :T], "wage_level": level}
    years = model.years
    for fld, (name, last_year, values) in model.indexed.items():
        ratio = np.ones(lead + (T,))
        after = years > last_year
        if after.any():
            k = np.flatnonzero(after)[0]
            growth = (1.0 + idx[name][..., k: T]) / (1.0 + det[name][k: T])
            ratio[..., k:] = np.cumprod(growth, axis=-1)
        out[fld] = values * ratio
    return out


def demographic_fields(model: StochasticModel, z: np.ndarray, target_ratio: np.ndarray | None,
                       distribution: np.ndarray | None) -> dict[str, np.ndarray]:
    """Basis fields of a demographic scenario: mortality from the log multipliers
    ``z [Y, 4]`` (columns 1, 2), and the frame's contributors wanted and entrants
    (``target_ratio [T]``, ``distribution [T, 2, 111]``); or of a batch, with a leading
    scenario axis on ``z`` and on both (each row computed exactly as the scenario alone)."""
    b, T = model.basis, model.n_years
    factor = np.exp(z[..., :T, 1:3])[..., None]  # [..., T, 2, 1]
    q = scaled_mortality(b.mortality, factor, model.log_survival)
    # dependent rates of actives may not exceed 1 (heavier mortality at young ages)
    q = np.minimum(q, np.where(b.invalidity + b.exit > 0, 1.0 - b.invalidity - b.exit, 1.0))
    q_dis = np.minimum(q * model.disabled_factor[:, None, None], 1.0)
    out = {"mortality": q, "disabled_mortality": q_dis}
    if target_ratio is not None:
        out["target_actives"] = np.where(b.target_actives >= 0, b.target_actives * target_ratio,
                                         b.target_actives)
        out["entrant_distribution"] = distribution
    return out


def frame_batch(model: StochasticModel, z: np.ndarray) -> dict[str, np.ndarray]:
    """National population, covered population and entrants of scenarios ``z [n, Y, 4]``.

    Returns ``population [n, T+1]`` (1 January totals), ``employed_ratio [n, T]``,
    ``target_ratio [n, T]`` and ``distribution [n, T, 2, 111]``, or only the population
    path of the basis when the set has no frame.
    """
    fr, T = model.frame, model.n_years
    n = z.shape[0]
    if fr is None:
        return {}
    new_tfr, fert_factor = fertility_factor(model, z)
    fert = fr.fertility[None] * fert_factor[:, :, None]
    q, s_birth, S = scaled_survival(fr.mortality, np.exp(z[:, :T, 1:3]))
    mig = fr.migration[None] * (1.0 + z[:, :T, 3])[:, :, None, None]
    pop, clipped = project_batch(fr.base, s_birth, S, fert, fr.srb, mig)
    ratio = np.divide(pop, fr.population[None], out=np.ones_like(pop), where=fr.population[None] > 0)
    # the sector's employed by age move with the population; then one factor per year and
    # sex brings the sector back to its dated share of all the employed (the first step
    # of the frame's refit of the sector shares; see demography's docstring)
    employed = fr.population * fr.employed_share
    emp_ratio = (ratio * employed[None]).sum(axis=3) / employed.sum(axis=2)[None]
    sec_ratio = (ratio * fr.sector_employed[None]).sum(axis=3) \
        / fr.sector_employed.sum(axis=2)[None]
    correction = np.divide(emp_ratio, sec_ratio, out=np.ones_like(emp_ratio), where=sec_ratio > 0)
    covered = fr.covered[None] * ratio * correction[..., None]
    new = entrants_batch(covered, q, fr.exit_rate, fr.reentry, fr.invalidity)
    tot = new.sum(axis=(2, 3), keepdims=True)
    dist = np.divide(new, tot, out=np.zeros_like(new), where=tot > 0)
    det_target = fr.covered[1:].sum(axis=(1, 2))
    target_ratio = np.divide(covered[:, 1:].sum(axis=(2, 3)), det_target[None],
                             out=np.ones((n, T)), where=det_target[None] > 0)
    employed = (pop[:, :T] * fr.employed_share[None, :T]).sum(axis=(2, 3))
    det_emp = (fr.population[:T] * fr.employed_share[:T]).sum(axis=(1, 2))
    return {"population": pop[:, :T].sum(axis=(2, 3)), "employed_ratio": employed / det_emp[None],
            "target_ratio": target_ratio, "distribution": dist, "clipped": clipped,
            "tfr": new_tfr}


def fertility_factor(model: StochasticModel, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(TFR [n, T], factor [n, T])`` of scenarios ``z [n, Y, 4]``: the basis's TFR plus
    the deviation, at least the set's minimum, and its ratio to the basis's TFR (1 where
    that is 0), which multiplies the fertility rates at every age."""
    tfr, T = model.frame.tfr, model.n_years
    new_tfr = np.maximum(tfr[None, :] + z[:, :T, 0], float(_min_tfr(model)))
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(tfr[None, :] > 0, new_tfr / tfr[None, :], 1.0)
    return new_tfr, factor


def _min_tfr(model: StochasticModel) -> float:
    from actuary.studies.stochastic.generator import section

    f = section(model.aset).demographic.fertility.minimum_tfr
    return float(f.yearly(model.aset.first_year, model.aset.first_year, "start")[0])


def scenario_basis(model: StochasticModel, x: np.ndarray, z: np.ndarray | None,
                   frame: dict[str, np.ndarray] | None = None, k: int = 0) -> Basis:
    """One scenario's basis: economic deviations ``x [Y, 3]``, demographic ``z [Y, 4]``
    (None: the basis's demography) and, for the demography, row ``k`` of
    :func:`frame_batch`'s result."""
    fields = economic_fields(model, x)
    if z is not None:
        target = dist = None
        if frame:
            target, dist = frame["target_ratio"][k], frame["distribution"][k]
        fields.update(demographic_fields(model, z, target, dist))
    return model.basis.with_(**fields)
