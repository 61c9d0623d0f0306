"""A self-employed scheme whose take-up answers the contribution asked and the subsidy
offered, with a distribution of contribution densities (the models are in
:mod:`actuary.schemes.take_up`).

A design file names the scheme's assumption set and describes the behaviour::

    name: self-employed-take-up
    description: ...
    design: self_employed
    base: self-employed-default        # the scheme's rules, economy and members today
    reference: ...
    status: unverified
    take_up: {maximum: {...}, half_rate: {...}, steepness: {...}, adjustment: {...},
              declared_share: {...}}
    density: {alpha: {...}, beta: {...}, bands: 5}

What it does:

1. the eligible ``E_t``: the base set's frame with the self-employed coverage level at
   1 (``frame.coverage.self_employed``: the sector at the covered ages);
2. the take-up path ``u_t`` from the base set's contribution rate and subsidy
   (``scheme.parameters.contribution_rate`` and ``budget_contribution_share``, yearly
   averages); ``u_0`` = the starting members / ``E_0``;
3. the base set with ``frame.coverage.self_employed.level`` = ``u_t`` (1 January of each
   year), ``coverage.frame_scheme: self_employed`` and ``coverage.entrants_from: frame``:
   the frame turns the coverage path into entrants by sex and age, as for the NSSF;
4. one projection per density band (members, entrants and the starting population
   times the band's share, the density at the band's mean), summed: counts, money and
   pensions add up, and the 12-month condition is met or missed band by band;
5. the sum valued as any scheme (:mod:`actuary.analysis.scenario`'s standard yearly
   table and budget view), plus the take-up, the replacement rates by band and sex
   (:func:`actuary.schemes.self_employed.self_employed_report` at the band means), the
   share of those reaching the pension age who get a pension (not a refund) by band and
   sex, and the take-up with each behavioural parameter halved and increased by half and
   with the subsidy at 0 and at a 100% match.

One approximation to know: the projection moves members in and out by its entrants and
its exit rates; where take-up falls faster than members leave by the exit rates (the
default design from the 2040s, when the legislated rate climbs past 13.5% and the net
rate past 9% of income), nobody is made to leave, so the projection's contributors stay
above the take-up path (about 107,000 against 80,000 on 1 January 2050): its
contributions and subsidy are then an upper bound. The sensitivity table's contributors
are the take-up path's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from actuary.engine.state import FLOW_NEW_OLD_AGE, FLOW_RETIREMENTS, SEXES
from actuary.schemes.take_up import (Bands, SelfEmployedDesign, TakeUp, density_bands,
                                     equilibrium_take_up, net_rate, take_up_path)

__all__ = ["SelfEmployedDesignResult", "read_self_employed_design", "eligible_self_employed",
           "take_up_of", "run_self_employed_design", "SUBSIDY_VARIANTS"]

#: Subsidies of the sensitivity rows: none, and a 100% match (the budget pays half).
SUBSIDY_VARIANTS = (0.0, 0.5)
#: Factors of the behavioural parameters in the sensitivity rows.
FACTORS = (0.5, 1.5)


@dataclass
class SelfEmployedDesignResult:
    """The design's own results.

    Attributes
    ----------
    take_up
        One row a year (1 January): ``eligible`` (the self-employed at the covered ages),
        ``net_rate`` (the member's contribution, share of income, of the year),
        ``equilibrium`` and ``take_up`` (shares of the eligible), ``contributors``.
    bands
        One row per density band: edges, share of members, mean density, and by sex the
        share of those reaching the pension age over the horizon who get a pension.
    replacement
        Replacement rates of model careers by band density and sex.
    sensitivity
        One row per variant: contributors in years 10, 25 and 50 and, with full
        projections, the subsidy's present value over 75 years in % of the PV of GDP.
    """

    design: SelfEmployedDesign
    take_up: pd.DataFrame
    bands: pd.DataFrame
    replacement: pd.DataFrame
    sensitivity: pd.DataFrame
    density: Bands
    notes: list[str] = field(default_factory=list)


def read_self_employed_design(path: str | Path) -> SelfEmployedDesign:
    """Read and validate a design file (errors name the file and the key)."""
    from actuary.io.errors import AssumptionError
    from actuary.assumptions.problems import read_validated

    path = Path(path)
    d = read_validated(path, SelfEmployedDesign)
    if d.design != "self_employed":
        raise AssumptionError("not a self-employed design", source=str(path), field="design",
                              value=d.design, expected="self_employed")
    if not 1 <= d.density.bands <= 20:
        raise AssumptionError("the number of density bands is out of range", source=str(path),
                              location="density.bands", value=d.density.bands,
                              expected="a whole number from 1 to 20")
    for key in ("alpha", "beta"):
        if getattr(d.density, key).value <= 0:
            raise AssumptionError("a beta distribution's parameters are above 0",
                                  source=str(path), location=f"density.{key}.value",
                                  value=getattr(d.density, key).value, expected="a number > 0")
    return d


def eligible_self_employed(aset: Any, n_years: int) -> np.ndarray:
    """``E_t``, ``[n_years + 1]``: the frame's self-employed at the covered ages on 1
    January (the coverage of ``frame.coverage.self_employed`` at a level of 1)."""
    from actuary.analysis.sensitivity import overlay
    from actuary.frame.build import build_frame

    first = aset.valuation_date.isoformat()
    full = overlay(aset, {"frame.coverage.self_employed.level.values": {first: 1.0}},
                   f"{aset.name} (all the self-employed)")
    frame = build_frame(full, aset.first_year + n_years)
    return frame.labour.coverage["self_employed"].covered[:n_years + 1].sum(axis=(1, 2))


def take_up_of(aset: Any, tu: TakeUp, n_years: int, members0: float,
               eligible: np.ndarray, scale: dict[str, float] | None = None,
               subsidy: float | None = None) -> pd.DataFrame:
    """The take-up table (see :class:`SelfEmployedDesignResult`) of ``aset``'s rates and
    subsidy (``subsidy`` replaces it), with parameters of ``tu`` times ``scale``."""
    k = {name: float(getattr(tu, name).value) * (scale or {}).get(name, 1.0)
         for name in ("maximum", "half_rate", "steepness", "adjustment", "declared_share")}
    y0 = aset.first_year
    idx = aset.indices(y0, y0 + n_years)
    p = aset.scheme.parameters
    c = np.asarray(p.contribution_rate.yearly(y0, y0 + n_years - 1, "average", idx), dtype=float)
    if subsidy is not None:
        s = np.full(n_years, float(subsidy))
    elif p.budget_contribution_share is not None:
        s = np.asarray(p.budget_contribution_share.yearly(y0, y0 + n_years - 1, "average", idx),
                       dtype=float)
    else:
        s = np.zeros(n_years)
    n = net_rate(c, s, k["declared_share"])
    e = equilibrium_take_up(n, k["maximum"], k["half_rate"], k["steepness"])
    u = take_up_path(members0 / float(eligible[0]), e, k["adjustment"])
    return pd.DataFrame({"year": y0 + np.arange(n_years + 1), "eligible": eligible,
                         "net_rate": np.append(n, np.nan), "equilibrium": np.append(e, np.nan),
                         "take_up": u, "contributors": u * eligible})


def _with_take_up(aset: Any, table: pd.DataFrame, subsidy: float | None) -> Any:
    """``aset`` whose frame covers the self-employed along the take-up path."""
    from actuary.analysis.sensitivity import overlay

    levels = {f"{int(y)}-01-01": float(u) for y, u in zip(table["year"], table["take_up"])}
    over: dict[str, Any] = {"frame.coverage.self_employed.level.values": levels,
                            "coverage.frame_scheme": "self_employed",
                            "coverage.entrants_from": "frame"}
    if subsidy is not None:
        over["scheme.parameters.budget_contribution_share.values"] = {
            aset.valuation_date.isoformat(): float(subsidy)}
    return overlay(aset, over, f"{aset.name} (behavioural take-up)")


def _value_bands(aset: Any, population: Any, T: int, bands: Bands) -> tuple[Any, list]:
    """One projection per band, summed into one valuation (see the module docstring)."""
    from actuary.analysis.valuation import (ValuationResult, by_sex_frame, cash_flows,
                                            summary_indicators, yearly_frame)
    from actuary.engine.build import build_basis
    from actuary.engine.projection import Projection, project

    b = build_basis(aset, population, T)
    parts = []
    for share, dens in zip(bands.share, bands.density):
        bb = b.with_(density=np.full(T, float(dens)), start=b.start.scaled(people=float(share)),
                     target_actives=b.target_actives * float(share))
        parts.append(project(bb))
    whole = b.with_(density=np.full(T, bands.mean))
    proj = Projection(basis=whole, flows=sum(p.flows for p in parts),
                      people=sum(p.people for p in parts), masses=sum(p.masses for p in parts))
    cf = cash_flows(proj)
    gdp = aset.economic.gdp.yearly(int(proj.years[0]), int(proj.years[-1]))
    yearly = yearly_frame(proj, cf, gdp)
    result = ValuationResult(aset=aset, population=population, basis=whole, projection=proj,
                             cash=cf, yearly=yearly, by_sex=by_sex_frame(proj),
                             summary=summary_indicators(cf, yearly), scaled=[],
                             careers=pd.DataFrame())
    return result, parts


def _band_table(bands: Bands, parts: list) -> pd.DataFrame:
    rows = []
    for k, proj in enumerate(parts):
        row = {"band": f"{100 * bands.low[k]:.0f}-{100 * bands.high[k]:.0f}%",
               "share": float(bands.share[k]), "density": float(bands.density[k])}
        for s, sex in enumerate(SEXES):
            retired = proj.flows[:, s, FLOW_RETIREMENTS].sum()
            pensions = proj.flows[:, s, FLOW_NEW_OLD_AGE].sum()
            row[f"pension_share_{sex}"] = float(pensions / retired) if retired > 0 else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def _subsidy_pv_pct(result: Any) -> float | None:
    from actuary.analysis.scenario import present_value, scenario_from_valuation

    y = scenario_from_valuation(result).yearly
    i = y["investment_return"].to_numpy()
    pv = present_value(y["budget_contributions"].to_numpy(), i, 75)
    gdp = present_value(y["gdp"].to_numpy(), i, 75)
    return 100.0 * pv / gdp if pv is not None and gdp else None


def _sensitivity(d: SelfEmployedDesign, aset: Any, population: Any, T: int, members0: float,
                 eligible: np.ndarray, bands: Bands, full: bool) -> pd.DataFrame:
    variants: list[tuple[str, dict, float | None]] = [("as designed", {}, None)]
    for name in ("maximum", "half_rate", "steepness", "adjustment"):
        for f in FACTORS:
            variants.append((f"{name} x {f:g}", {name: f}, None))
    for s in SUBSIDY_VARIANTS:
        variants.append((f"subsidy {100 * s:.0f}% of the contribution", {}, s))
    rows = []
    for label, scale, subsidy in variants:
        table = take_up_of(aset, d.take_up, T, members0, eligible, scale, subsidy)
        row = {"variant": label}
        for n in (10, 25, 50):
            row[f"contributors_year_{n}"] = (float(table["contributors"].iloc[n])
                                             if n <= T else None)
        if full:
            res, _ = _value_bands(_with_take_up(aset, table, subsidy), population, T, bands)
            row["subsidy_pv_75_pct_gdp"] = _subsidy_pv_pct(res)
        rows.append(row)
    return pd.DataFrame(rows)


def run_self_employed_design(path: str | Path, horizon: int | None = None,
                             progress: Callable[[str], None] | None = None,
                             sensitivities: bool = True) -> Any:
    """Project a self-employed design file; return its
    :class:`actuary.analysis.scenario.ScenarioResult` (``parts["self_employed"]`` holds the
    :class:`SelfEmployedDesignResult`, ``parts["scheme"]`` the summed valuation)."""
    from actuary.analysis.valuation import load_population
    from actuary.schemes.public_sector import _load
    from actuary.schemes.self_employed import self_employed_report
    from actuary.analysis.scenario import scenario_from_valuation

    say = progress or (lambda _m: None)
    path = Path(path)
    d = read_self_employed_design(path)
    aset = _load(d.base, path.parent)
    population = load_population(aset, None)
    T = int(horizon or aset.horizon_years)
    members0 = float(population.rows.loc[population.rows["status"] == "active", "count"].sum())
    say("  the eligible: the frame's self-employed")
    eligible = eligible_self_employed(aset, T)
    table = take_up_of(aset, d.take_up, T, members0, eligible)
    bands = density_bands(float(d.density.alpha.value), float(d.density.beta.value),
                          d.density.bands)
    say(f"  {d.density.bands} density bands")
    behaved = _with_take_up(aset, table, None)
    result, parts = _value_bands(behaved, population, T, bands)
    report = self_employed_report(result, densities=tuple(float(x) for x in bands.density))
    say("  sensitivities of the take-up")
    sens = _sensitivity(d, aset, population, T, members0, eligible, bands, sensitivities)
    own = SelfEmployedDesignResult(design=d, take_up=table, bands=_band_table(bands, parts),
                                   replacement=report.replacement, sensitivity=sens,
                                   density=bands)
    sc = scenario_from_valuation(result, name=d.name, description=d.description)
    sc = replace(sc, kind="self_employed", files=[str(path), *sc.files],
                 parts={"scheme": result, "self_employed": own})
    for n in (10, 25):
        if n <= T:
            sc.summary[f"contributors_year_{n}"] = float(table["contributors"].iloc[n])
    sc.notes = [f"take-up: {100 * table['take_up'].iloc[min(10, T)]:.2f}% of the "
                f"{table['eligible'].iloc[min(10, T)]:,.0f} self-employed in year 10; mean "
                f"density {bands.mean:.2f} over {d.density.bands} bands"]
    own.notes = sc.notes
    return sc
