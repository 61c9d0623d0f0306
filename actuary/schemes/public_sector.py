"""The public-sector (civil servants') scheme: its starting population, budget cost,
accrued liability and reform designs.

Starting population
-------------------
No member data of the civil servants' scheme (NSAF) is public. The built-in default,
``assumptions/data/populations/public_sector_default.csv``, is derived here from the
published aggregates of ``../shared/cambodia/SCHEMES.md`` §2 and labelled assumptions,
so it can be rebuilt and checked (``python -m actuary.schemes.public_sector --out
assumptions/data/populations``).

Steps and status
----------------
1. Active civil servants: the population frame's public-sector coverage on 1 January
   2025 (``frame.coverage.public`` of ``cambodia-default``, calibrated to 200,000 civil
   servants, Khmer Times 2016, secondary), by sex and age as the frame spreads them
   (sector and coverage profiles by age: placeholders, unverified).
2. Categories, service and basic salary: the grade and index salary table
   ``nsaf_salary_index_civil_servants`` (:mod:`actuary.schemes.salary_index`: categories
   A, B and C with their shares, entry ages and index points by step; the first index
   of category A is the NSAF's, 345 points for 862,500 KHR, confirmed; the rest are
   placeholders). A civil servant aged x is in each category already in service at x
   with its share, with ``x - entry age`` years and the table's salary for them
   (:func:`actuary.schemes.public_rows.active_rows`). The same for both sexes.
3. The projection's salary scale by age is the same table's
   (``demographic.salary_scale`` of ``public-sector-default``).
4. Pensioners: the civil servants' share of the "nearly 200,000 pensioners and
   dependants" of the whole budget system (Phnom Penh Post, secondary), the veterans'
   100,000 being the armed forces' and police's (:mod:`actuary.schemes.public_rows`):
   :data:`OLD_AGE_PENSIONERS` old-age pensioners and :data:`SPOUSES` spouses (the split
   unverified), aged 60 to 100 (spouses 45 to 100) like the WPP 2024 population of
   those ages; :data:`MEN_SHARE_PENSIONERS` of the old-age pensioners are men and the
   spouses are their widows (unverified).
5. Pension amounts: the published cost of all groups, about USD 30 million a month
   (Phnom Penh Post, secondary) at 4,100 KHR/USD, is 123 billion KHR a month. With
   spouses at half the old-age pension (the assumed survivors' rate) the average
   old-age pension would be 123e9 / (160,000 + 0.5 x 40,000) = 683,333 KHR: just below
   the lowest minimum of 690,000 KHR (EAC News 2022, secondary), which is used
   (derived). The armed forces' and police's veterans are paid the same average
   (:mod:`actuary.schemes.public_groups`), so both groups reproduce the published cost.
6. No inactive members (former civil servants with service kept): none are published;
   exits are rare. No reserve: the scheme is paid from the budget (confirmed).

Budget cost and accrued liability
---------------------------------
The budget cost of a scheme (contributions the state pays plus the deficits it covers)
is the budget view of :mod:`actuary.analysis.scenario`. :func:`accrued_liability` values the
rights earned to the valuation date: pensions in payment, and members' rights with
their service frozen on that date (salaries still projected to retirement: the final
wage is the one at retirement), no new entrants; the present value of every payment at
the investment return, mid-year.

Reform designs
--------------
A reform that only changes parameters (contributions for everybody from a date,
harmonised rules with past service kept) is an overlay like any other
(``assumptions/data/reforms/``). Two designs combine two projections and are written as
*design files*::

    name: ps-transition-2027
    description: ...
    design: transition            # or new_entrants
    base: public-sector-default   # the scheme as it is (the "legacy" scheme)
    new_scheme: ps-nssf-rules     # the set giving the contributory scheme's rules
    date: 2027-01-01              # the day the reform starts
    reference: ...
    status: unverified

``transition``: rights are frozen on ``date`` and paid from the budget under the old rules
(credited service stops growing, salaries go on to retirement; no new entrants from
``date``); every civil servant is covered for new rights by the contributory scheme from
``date`` (the same people, with no service before ``date``, no pensioners and no reserve:
:func:`new_rights_population`). Before ``date`` the new scheme collects nothing and
credits nothing. One simplification: a member with 30 years of frozen service retires
under the old rules (30 years at any age) while the new scheme still counts him as a
contributor to its pension age.

``new_entrants``: the old scheme is closed to entrants from ``date`` and goes on for its
members; entrants from ``date`` join the contributory scheme, which starts empty and
takes as many as keep the total number of civil servants on the old scheme's path.

Both report, year by year, the budget cost of the design and of the scheme as it is, and
their difference, the *transition cost* (positive: the budget pays more than under the
present scheme: it pays the old pensions while contributions, its own employer share
included, build the new scheme's reserve).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any, Callable, Literal

import numpy as np
import pandas as pd

from actuary.assumptions.base import Status, Strict, Text
from actuary.io.errors import AssumptionError
from actuary.engine.starting import write_starting_population
from actuary.schemes.public_rows import (BENEFICIARIES, KHR_PER_USD, MINIMUM_PENSION,
                                         MONTHLY_COST_USD, PENSIONER_SHARE, SURVIVOR_RATE,
                                         VETERANS, active_rows, average_pension,
                                         pensioner_rows)
from actuary.tables import load_table

__all__ = [
    "derive_public_sector_default",
    "population_frame",
    "write_public_sector_default",
    "Design",
    "read_design",
    "run_design",
    "year_shares",
    "new_rights_population",
    "accrued_liability",
]

VALUATION_DATE = date(2025, 1, 1)
#: The grade and index salary table of civil servants (tables format, grade table in
#: its sidecar: actuary.schemes.salary_index).
SALARY_TABLE = "nsaf_salary_index_civil_servants"
#: The civil servants' share of the beneficiaries paid by the budget system (step 4).
OLD_AGE_PENSIONERS = PENSIONER_SHARE * (BENEFICIARIES - VETERANS)
SPOUSES = (1.0 - PENSIONER_SHARE) * (BENEFICIARIES - VETERANS)
MEN_SHARE_PENSIONERS = 0.7


def _covered_2025() -> np.ndarray:
    """Civil servants by sex and age on 1 January 2025 from the population frame."""
    from actuary.assumptions import load_basis
    from actuary.frame.build import build_frame

    aset = load_basis("cambodia-default")
    frame = build_frame(aset, aset.first_year)
    return np.asarray(frame.flows["public"].covered[0], dtype=float)


def population_frame(rows: list[tuple]) -> pd.DataFrame:
    """Starting-population rows as the file's columns, rounded as shipped."""
    frame = pd.DataFrame(rows, columns=["status", "sex", "age", "credited_months", "count",
                                        "average_monthly_wage", "average_monthly_pension"])
    frame.insert(6, "average_career_wage", np.nan)
    frame["count"] = frame["count"].round(4)
    frame["average_monthly_wage"] = frame["average_monthly_wage"].round(0)
    frame["average_monthly_pension"] = frame["average_monthly_pension"].round(0)
    return frame[frame["count"] > 0].reset_index(drop=True)


def derive_public_sector_default(covered: np.ndarray | None = None) -> tuple[pd.DataFrame, dict]:
    """The rows and metadata of the default population (see the module docstring).

    ``covered`` ``[2, 111]`` replaces the frame's civil servants by sex and age (tests).
    """
    from actuary.schemes.salary_index import grade_table

    covered = _covered_2025() if covered is None else np.asarray(covered, dtype=float)
    grade = grade_table(SALARY_TABLE)
    rows = active_rows(covered, grade)
    pop = load_table("wpp2024_cambodia_population_base").to_array(np.arange(111))
    pension = average_pension()
    rows += pensioner_rows(pop, OLD_AGE_PENSIONERS, SPOUSES, MEN_SHARE_PENSIONERS, (60, 100),
                           (45, 100), pension)
    frame = population_frame(rows)
    act = frame[frame.status == "active"]
    mean_wage = float((act["count"] * act["average_monthly_wage"]).sum() / act["count"].sum())
    meta = {
        "name": "public-sector-default",
        "description": "Civil servants' pension scheme (NSAF), members and pensioners on 1 Jan "
                       "2025, derived from published aggregates (no member data is public). "
                       "Rebuild with python -m actuary.schemes.public_sector.",
        "valuation_date": VALUATION_DATE.isoformat(),
        "reserve_khr": 0.0,
        "source": "Derived in actuary/schemes/public_sector.py from: the population frame's "
                  "public-sector coverage on 1 Jan 2025 (calibrated to 200,000 civil servants, "
                  "Khmer Times 2016); nearly 200,000 pensioners and dependants of all groups "
                  "and USD 30 million a month (Phnom Penh Post), less 100,000 veterans and "
                  "families (Phnom Penh Post); minimum pension 690,000 KHR (EAC News 2022); "
                  "the grade and index salary table nsaf_salary_index_civil_servants (category "
                  "A from 862,500 KHR, NSAF; the rest placeholders); UN WPP 2024 population by "
                  "age; placeholder categories, entry ages and pensioner split.",
        "status": "unverified",
        "notes": [
            f"{covered.sum():,.0f} active civil servants (frame, calibrated to 200,000: secondary)",
            f"categories, entry ages and basic salaries from {SALARY_TABLE} (average "
            f"{mean_wage:,.0f} KHR a month): unverified placeholders but the first index",
            f"{OLD_AGE_PENSIONERS:,.0f} old-age pensioners (70% men) and {SPOUSES:,.0f} widows: "
            "the civil servants' share of the 200,000 beneficiaries (unverified split)",
            f"average old-age pension {pension:,.0f} KHR a month: the lowest minimum, as the "
            "published cost gives 683,333 (derived)",
            "no inactive members and no reserve (budget-financed)",
        ],
    }
    return frame, meta


def write_public_sector_default(out_dir: str | Path) -> Path:
    """Write ``public_sector_default.csv`` and ``.yaml`` into ``out_dir`` (atomically)."""
    frame, meta = derive_public_sector_default()
    return write_starting_population(frame, meta, Path(out_dir) / "public_sector_default.csv")


# ------------------------------------------------------------------ reform designs

class Design(Strict):
    """A design file (see the module docstring)."""

    name: Text
    description: Text
    design: Literal["transition", "new_entrants"]
    base: Text
    new_scheme: Text
    date: date
    reference: Text
    status: Status
    note: str | None = None
    #: the state raises the salaries of those who start contributing by their own
    #: contribution (:mod:`actuary.schemes.transition_split`)
    gross_up: bool = False


def read_design(path: str | Path) -> Design:
    """Read and validate a design file.

    Raises
    ------
    AssumptionError
        Naming the file, the key and what was expected.
    """
    from actuary.assumptions.problems import read_validated

    path = Path(path)
    design = read_validated(path, Design)
    if design.date.month != 1 or design.date.day != 1:
        raise AssumptionError("a reform design starts on 1 January", source=str(path),
                              field="date", value=design.date.isoformat(),
                              expected="a date YYYY-01-01 (the projection moves in calendar years)")
    return design


def year_shares(first_year: int, n_years: int, when: date) -> np.ndarray:
    """Share of each calendar year ``first_year ..`` on or after ``when`` (0 before, 1 after)."""
    years = first_year + np.arange(n_years)
    return np.clip((years + 1) - (when.year + (when.timetuple().tm_yday - 1) / 365.0), 0.0, 1.0)


def new_rights_population(population: Any) -> Any:
    """The members of ``population`` as members of a new scheme: the same actives (count,
    sex, age, wage) with no credited service, and nobody else (no inactives, no
    pensioners, no reserve)."""
    from dataclasses import replace

    act = population.rows[population.rows["status"] == "active"]
    g = (act.assign(mass=act["count"] * act["average_monthly_wage"])
         .groupby(["sex", "age"], as_index=False, sort=False)[["count", "mass"]].sum())
    wage = np.divide(g["mass"].to_numpy(), g["count"].to_numpy(),
                     out=np.zeros(len(g)), where=g["count"].to_numpy() > 0)
    rows = pd.DataFrame({
        "status": "active", "sex": g["sex"], "age": g["age"], "credited_months": 0.0,
        "count": g["count"], "average_monthly_wage": wage, "average_career_wage": np.nan,
        "average_monthly_pension": np.nan,
    })
    return replace(population, rows=rows.reset_index(drop=True), reserve=0.0,
                   name=f"{population.name} (new rights)",
                   description="the same active members with no credited service")


def _load(ref: str, relative_to: Path) -> Any:
    from actuary.assumptions import load_basis
    from actuary.analysis.scenario import resolve_scenario

    candidate = relative_to / ref
    return load_basis(candidate if candidate.is_file() else resolve_scenario(ref))


def run_design(path: str | Path, horizon: int | None = None,
               progress: Callable[[str], None] | None = None) -> Any:
    """Project a design file and return its :class:`actuary.analysis.scenario.ScenarioResult`.

    The yearly table has the standard columns of :mod:`actuary.analysis.scenario` for the whole
    design (both schemes together; ``pensioners`` counts pensions, so a person with a
    frozen and a new pension counts twice) and: ``status_quo_budget_cost`` (the base set
    as it is), ``transition_cost`` (the design's budget cost minus it), and the
    ``legacy_*`` and ``new_*`` columns of each scheme. The summary's scheme indicators
    (GAP, depletion, reserve ratio) are those of the new contributory scheme.
    """
    from actuary.engine.build import build_basis
    from actuary.analysis.scenario import ScenarioResult, scenario_from_valuation, standard_summary
    from actuary.analysis.valuation import load_population, run_valuation

    say = progress or (lambda _m: None)
    path = Path(path)
    d = read_design(path)
    base = _load(d.base, path.parent)
    new = _load(d.new_scheme, path.parent)
    if new.valuation_date != base.valuation_date or new.horizon_years != base.horizon_years:
        raise AssumptionError("the new scheme's set has another valuation date or horizon",
                              source=str(path), field="new_scheme", value=d.new_scheme,
                              expected=f"valuation date {base.valuation_date}, "
                                       f"{base.horizon_years} years, as the base")
    y0 = base.first_year
    T = int(horizon or base.horizon_years)
    if not y0 < d.date.year <= y0 + T - 1:
        raise AssumptionError("the reform date is outside the projection", source=str(path),
                              field="date", value=d.date.isoformat(),
                              expected=f"1 January of {y0 + 1} to {y0 + T - 1}")
    population = load_population(base, None)
    say(f"  status quo: {base.name}")
    base_basis = build_basis(base, population, T)
    status_quo = run_valuation(base, population, T, basis=base_basis, detail=False)
    after = year_shares(y0, T, d.date)
    years = y0 + np.arange(T)
    # entrants on 1 January of t+1 belong to the old scheme only before the reform date
    joins_after = (years + 1) >= d.date.year
    closed_target = np.where(joins_after, -1.0, base_basis.target_actives)
    entrants = {"target_actives": base_basis.target_actives,
                "entrant_distribution": base_basis.entrant_distribution}
    from actuary.schemes.transition_split import (gross_up_cost, gross_up_factors, grossed_up,
                                                  split_columns)
    from actuary.analysis.scenario import budget_rules

    # path B of transition_split: the new rights under the present rules, financed as the
    # new scheme is (its rates, the state's share, its own fund)
    if d.design == "transition":
        say("  legacy: rights frozen")
        legacy_basis = base_basis.with_(credit_factor=base_basis.credit_factor * (1.0 - after),
                                        target_actives=closed_target)
        legacy = run_valuation(base, population, T, basis=legacy_basis, detail=False)
        new_population = new_rights_population(population)
        say(f"  new rights: {new.name}")
        nb = build_basis(new, new_population, T, entrants=entrants)
        new_basis = nb.with_(contribution_factor=nb.contribution_factor * after,
                             credit_factor=nb.credit_factor * after)
        fb = build_basis(base, new_population, T, entrants=entrants)
        fin_basis = fb.with_(credit_factor=fb.credit_factor * after)
    else:
        say("  legacy: closed to new entrants")
        legacy_basis = base_basis.with_(target_actives=closed_target)
        legacy = run_valuation(base, population, T, basis=legacy_basis, detail=False)
        from actuary.engine.basis import StartingState

        new_population = population
        nb = build_basis(new, population, T, entrants=entrants)
        still = legacy.projection.people[1:, 0].sum(axis=(1, 2))  # legacy actives, 1 Jan t+1
        target = np.where(joins_after, np.maximum(base_basis.target_actives - still, 0.0), -1.0)
        say(f"  new entrants: {new.name}")
        new_basis = nb.with_(start=StartingState.empty(), target_actives=target)
        fin_basis = base_basis.with_(start=StartingState.empty(), target_actives=target)
    fin_basis = fin_basis.with_(contribution_rate=nb.contribution_rate,
                                contribution_factor=nb.contribution_factor * after)
    g = np.ones(T)
    if d.gross_up:
        g = gross_up_factors(nb.contribution_rate * nb.contribution_factor * after,
                             budget_rules(new, y0, y0 + T - 1)[0])
        new_basis, fin_basis = grossed_up(new_basis, g), grossed_up(fin_basis, g)
    new_result = run_valuation(new, new_population, T, basis=new_basis, detail=False)
    say("  the new rights under the present rules")
    # valued with the new scheme's set: its budget view (the state's share, no guarantee)
    financing = run_valuation(new, new_population, T, basis=fin_basis, detail=False)

    parts = {k: scenario_from_valuation(r) for k, r in
             (("status_quo", status_quo), ("legacy", legacy), ("new", new_result))}
    yearly = _combine(parts, d.design)
    # the gross-up is budget money: the design's budget cost and path B's include it
    yearly["gross_up_cost"] = gross_up_cost(new_result.projection, g)
    yearly["budget_cost"] = yearly["budget_cost"] + yearly["gross_up_cost"]
    yearly["budget_cost_pct_gdp"] = 100.0 * yearly["budget_cost"] / yearly["gdp"]
    # path B: the legacy scheme as in the design, the new rights under the present rules
    fin_cost = (parts["legacy"].yearly["budget_cost"].to_numpy()
                + scenario_from_valuation(financing).yearly["budget_cost"].to_numpy()
                + gross_up_cost(financing.projection, g))
    yearly["financing_budget_cost"] = fin_cost
    for key, col in split_columns(yearly["status_quo_budget_cost"], fin_cost,
                                  yearly["budget_cost"]).items():
        yearly[key] = col
    summary = standard_summary(yearly, new_result.summary, new_result.cash.reserve0)
    i = yearly["investment_return"].to_numpy()
    from actuary.analysis.scenario import present_value

    tc = yearly["transition_cost"].to_numpy()
    n_pv = min(75, T)
    summary["transition_cost_pv_75"] = present_value(tc, i, 75)
    summary[f"transition_cost_pv_{n_pv}"] = present_value(tc, i, n_pv)
    for part in ("financing", "formula"):
        summary[f"transition_cost_{part}_pv_{n_pv}"] = present_value(
            yearly[f"transition_cost_{part}"].to_numpy(), i, n_pv)
    summary[f"gross_up_cost_pv_{n_pv}"] = present_value(yearly["gross_up_cost"].to_numpy(), i,
                                                        n_pv)
    summary["transition_cost_peak"] = float(tc.max())
    summary["transition_cost_peak_year"] = int(yearly["year"].iloc[int(tc.argmax())])
    extra = np.nonzero(tc > 0)[0]
    summary["transition_cost_last_year"] = int(yearly["year"].iloc[extra[-1]]) if extra.size else None
    notes = [f"{d.design.replace('_', ' ')} from {d.date.isoformat()}: legacy = {base.name}, "
             f"new scheme = {new.name}",
             f"transition cost, PV over {n_pv} years: "
             f"{summary[f'transition_cost_pv_{n_pv}'] / 1e9:,.0f} "
             f"billion KHR; peak {summary['transition_cost_peak'] / 1e9:,.0f} billion KHR in "
             f"{summary['transition_cost_peak_year']}",
             f"of which the change of financing "
             f"{summary[f'transition_cost_financing_pv_{n_pv}'] / 1e9:,.0f} and the change of "
             f"the benefit formula {summary[f'transition_cost_formula_pv_{n_pv}'] / 1e9:,.0f} "
             f"billion KHR (PV); salaries grossed up: {'yes' if d.gross_up else 'no'}"]
    return ScenarioResult(
        name=d.name, description=d.description, kind=d.design, yearly=yearly, summary=summary,
        files=[str(path), *base.files, *new.files],
        parts={"status_quo": status_quo, "legacy": legacy, "new": new_result,
               "financing": financing}, notes=notes,
        content_hash=f"{base.content_hash()[:16]}+{new.content_hash()[:16]}",
    )


def _combine(parts: dict[str, Any], design: str) -> pd.DataFrame:
    """Both schemes of a design in one standard yearly table, with the transition cost."""
    from actuary.analysis import indicators as ind
    from actuary.analysis.scenario import YEARLY_COLUMNS

    sq, old, new = (parts[k].yearly for k in ("status_quo", "legacy", "new"))
    out = pd.DataFrame({"year": sq["year"].to_numpy()})
    # the same civil servants are members of both schemes in a transition
    out["active"] = new["active"] if design == "transition" else old["active"] + new["active"]
    for col in ("pensioners", "contributions", "benefits", "expenditure", "reserve_end",
                "budget_contributions", "budget_deficit", "budget_cost"):
        out[col] = old[col].to_numpy() + new[col].to_numpy()
    # the earnings contributions are levied on: in a transition every civil servant is
    # in the new scheme (the legacy one closes to entrants); with new entrants, each
    # scheme has its own members
    out["insurable_earnings"] = (new["insurable_earnings"] if design == "transition"
                                 else old["insurable_earnings"] + new["insurable_earnings"])
    out["investment_return"] = sq["investment_return"].to_numpy()
    out["payg_cost_rate"] = ind.payg_cost_rate(out["expenditure"].to_numpy(),
                                               out["insurable_earnings"].to_numpy())
    out["reserve_ratio"] = ind.reserve_ratio(out["reserve_end"].to_numpy(),
                                             out["expenditure"].to_numpy())
    out["gdp"] = sq["gdp"].to_numpy()
    out["budget_cost_pct_gdp"] = 100.0 * out["budget_cost"] / out["gdp"]
    out = out[list(YEARLY_COLUMNS)]
    out["status_quo_budget_cost"] = sq["budget_cost"].to_numpy()
    out["transition_cost"] = out["budget_cost"] - out["status_quo_budget_cost"]
    for prefix, frame in (("legacy", old), ("new", new)):
        for col in ("active", "pensioners", "contributions", "expenditure", "reserve_end",
                    "budget_cost"):
            out[f"{prefix}_{col}"] = frame[col].to_numpy()
    return out


# ------------------------------------------------------------------ accrued liability

def accrued_liability(aset: Any, population: Any, horizon: int | None = None) -> dict:
    """Accrued-to-date liability (implicit pension debt) at the valuation date, KHR.

    :func:`actuary.analysis.accrued.cohort_accrued_liability` (closed group, service
    frozen on the valuation date, salaries projected to retirement; what ``actuary
    valuate`` reports for this scheme), with the keys ``total`` (= ``adl``) and
    ``pv_gdp_year_1`` (= ``adl_pct_gdp``) besides its own.
    """
    from actuary.analysis.accrued import cohort_accrued_liability

    out = cohort_accrued_liability(aset, population, horizon)
    out["total"] = out["adl"]
    out["pv_gdp_year_1"] = out["adl_pct_gdp"]
    return out


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="assumptions/data/populations")
    write_public_sector_default(parser.parse_args().out)
