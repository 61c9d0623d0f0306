"""Multi-tier designs: a social pension (tier 0), the contributory scheme (tier 1) and
funded individual accounts (tier 2), each reported and summed.

A design file names the tier-1 assumption set and describes the other tiers with dated
parameters (each with its source and status)::

    name: multi-tier-nssf
    description: ...
    design: multi_tier
    reference: ...
    status: unverified
    tier1: cambodia-default            # an assumption set (the DB scheme)
    tier0: {benefit: {...}, test: pension_tested, withdrawal_rate: {...}, ...}
    tier2: {contribution_rate: {...}, charge_on_contributions: {...}, ...}
    careers: [...]                     # optional, default: DEFAULT_CAREERS

Tier 0, a tax-financed social pension of ``benefit`` KHR a month from ``age``:
``universal`` (everybody that old), ``means_tested`` (a share ``eligible_share`` of them,
e.g. those in IDPoor households; model careers, who have a wage record, are taken not to
qualify) or ``pension_tested`` (everybody, the benefit reduced by ``withdrawal_rate`` times
the tier-1 and tier-2 pensions, never below 0). Its yearly cost is the number of people
of that age and over on 1 January (the national population of the tier-1 set's frame,
:func:`population_by_age`) times the benefit; under the pension test it is applied across
the distribution of contributory pensions within each sex and age, tier 1's and tier 2's
together (:mod:`actuary.schemes.social_pension`, which also counts the elderly covered by
each tier and by none).

Tier 1 is the projection of the tier-1 set (:mod:`actuary.analysis.valuation`), its budget cost
as in :mod:`actuary.analysis.scenario`.

Tier 2, for a model career: contributions ``c_t x density x W_t`` on the whole wage
``W_t`` (KHR per year), less a charge ``k_t`` on contributions, paid mid-year; the account
earns the return ``r_t`` less an annual charge ``a_t`` on assets:
``A_{t+1} = A_t (1 + r_t - a_t) + c_t d W_t (1 - k_t)(1 + (r_t - a_t)/2)``. At the pension
age the account buys a life annuity paid monthly in advance, rising by ``e`` a year:
``P_2 = A / a``, with ``a`` the annuity-due factor (``m = 12``, exact under UDD,
:func:`actuary.life.annuities.annuity_due`) at the interest ``(1 + i)/(1 + e) - 1`` on the
cohort life table of the tier-1 basis (death rates of the years after retirement). With
``unisex: true`` men and women get the same factor, the average of the two (equal
numbers at the pension age); otherwise each sex its own, and women's longer lives give
them smaller annuities for the same account. In aggregate, the accounts of the whole
covered population are projected by sex and age (:mod:`actuary.schemes.accounts`):
contributions on the contributors' whole wages (the tier-1 projection's wage mass),
charges, returns, bequests, annuitisation at the pension age, annuities paid by sex and
the assets as a share of GDP.

Replacement rates are the first year's pension of each tier over the final annual wage
(gross). Costs: to contributors, the tier-1 contributions they pay (those the budget does
not) and the tier-2 contributions, also as a share of their wages; to the budget, tier 0
and tier 1's budget cost, also as a share of GDP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

import numpy as np
import pandas as pd

from actuary.assumptions.base import Status, Strict, Text
from actuary.assumptions.dated import DatedAmount, DatedFraction, DatedRate
from actuary.assumptions.models import Constant
from actuary.io.errors import AssumptionError
from actuary.engine.state import N_AGE, SEXES
from actuary.schemes.accounts import annuity_factor

__all__ = [
    "SocialPension", "IndividualAccounts", "CareerSpec", "MultiTierDesign", "MultiTierResult",
    "DEFAULT_CAREERS", "read_multi_tier", "run_multi_tier", "account_balance",
    "annuity_factor", "population_aged", "population_by_age",
]


class SocialPension(Strict):
    """Tier 0: a tax-financed pension (see the module docstring)."""

    benefit: DatedAmount  # KHR per month
    test: Literal["universal", "means_tested", "pension_tested"]
    age: int = 60
    eligible_share: DatedFraction | None = None  # means_tested only
    withdrawal_rate: DatedFraction | None = None  # pension_tested only
    #: standard deviation of log contributory pensions within a sex and age (default:
    #: the tier-1 set's wage dispersion), pension_tested only
    pension_dispersion: Constant | None = None


class IndividualAccounts(Strict):
    """Tier 2: funded defined-contribution accounts (see the module docstring)."""

    contribution_rate: DatedFraction
    charge_on_contributions: DatedFraction
    charge_on_assets: DatedFraction  # per year
    investment_return: DatedRate | None = None  # default: the set's economic.investment_return
    annuity_interest: DatedRate
    annuity_indexation: DatedRate
    unisex: bool = True
    #: ``whole``: contributions on the whole wage (an add-on); ``contributory``: on the
    #: tier-1 contributory wage between its floor and ceiling (a carve-out)
    wage_base: Literal["whole", "contributory"] = "whole"


class CareerSpec(Strict):
    """A model career: sex, entry age, density and wage (``average`` of the sex among the
    tier-1 contributors, ``floor`` the contributory wage floor, or KHR per month)."""

    name: Text
    sex: Literal["M", "F"]
    entry_age: int
    density: float = 1.0
    wage: float | Literal["average", "floor"] = "average"


#: The default careers: women's shorter and interrupted careers are the case that matters.
DEFAULT_CAREERS: tuple[CareerSpec, ...] = (
    CareerSpec(name="man, full career from 20 at men's average wage", sex="M", entry_age=20),
    CareerSpec(name="woman, full career from 20 at women's average wage", sex="F", entry_age=20),
    CareerSpec(name="woman, interrupted career from 22 (70% of each year)", sex="F",
               entry_age=22, density=0.7),
    CareerSpec(name="woman, short career from 35 (80% of each year)", sex="F", entry_age=35,
               density=0.8),
    CareerSpec(name="man, full career from 20 at the wage floor", sex="M", entry_age=20,
               wage="floor"),
)


class MultiTierDesign(Strict):
    """A multi-tier design file."""

    name: Text
    description: Text
    design: Literal["multi_tier"]
    reference: Text
    status: Status
    note: str | None = None
    tier1: Text
    tier0: SocialPension | None = None
    tier2: IndividualAccounts | None = None
    careers: list[CareerSpec] | None = None


@dataclass
class MultiTierResult:
    """Each tier and the total.

    Attributes
    ----------
    careers
        One row per model career: retirement year, final wage and, for tiers 0, 1 and 2
        and the total, the monthly pension (KHR of the first pension year) and the
        replacement rate.
    yearly
        One row a year: ``tier0_cost``, ``tier1_contributions`` (paid by contributors),
        ``tier1_budget_cost``, ``tier2_contributions``, ``contributors_cost`` and its share
        of contributors' wages, ``budget_cost`` and its share of GDP, ``population_aged``.
    scenario
        The design as an :class:`actuary.analysis.scenario.ScenarioResult` (tier 1's projection
        with the budget cost of tiers 0 and 1).
    """

    design: MultiTierDesign
    careers: pd.DataFrame
    yearly: pd.DataFrame
    summary: dict
    scenario: Any = None
    notes: list[str] = field(default_factory=list)


# -------------------------------------------------------------------- building blocks

def account_balance(wages: np.ndarray, density: float, contribution: np.ndarray,
                    charge_contrib: np.ndarray, charge_assets: np.ndarray,
                    returns: np.ndarray) -> float:
    """Tier-2 account at the end of the last year of ``wages`` (KHR; see the module docstring)."""
    a = 0.0
    for t in range(len(wages)):
        net = returns[t] - charge_assets[t]
        c = contribution[t] * density * wages[t] * (1.0 - charge_contrib[t])
        a = a * (1.0 + net) + c * (1.0 + 0.5 * net)
    return a


def population_aged(aset: Any, first_year: int, n_years: int, age: int) -> np.ndarray:
    """People aged ``age`` and over on 1 January of each year, both sexes
    (:func:`population_by_age` summed)."""
    return population_by_age(aset, first_year, n_years)[:, :, age:].sum(axis=(1, 2))


def population_by_age(aset: Any, first_year: int, n_years: int) -> np.ndarray:
    """People by sex and age on 1 January of each year, ``[n_years, 2, 111]``.

    From the national population of the set's frame (:mod:`actuary.frame.population`, issue 3)
    when it has one; otherwise the WPP 2024 base population (not calibrated like the
    frame's, which has about 14% more people aged 60+ in 2025) aged forward with the
    set's mortality, without migration, and the cohort born each year held at the base
    population's age 0 (exact for the ages already born while ``year - first_year <=
    age``; later, a stand-in with constant births).
    """
    if getattr(aset, "frame", None) is not None:
        from actuary.frame.build import build_frame

        frame = build_frame(aset, first_year + n_years - 1)
        pop = frame.projection.population  # [T+1, 2, 111] on 1 January
        return np.asarray(pop[:n_years], dtype=float)
    from actuary.engine.table_rates import by_age as _by_age
    from actuary.tables import load_table

    base = load_table("wpp2024_cambodia_population_base")
    p = np.zeros((2, N_AGE))
    p[:, base.ages] = base.to_array(base.ages)
    years = first_year + np.arange(n_years)
    q = np.minimum(_by_age(aset.tables["demographic.mortality"], years, beyond="hold")
                   * aset.demographic.mortality.scale, 1.0)
    out = np.empty((n_years, 2, N_AGE))
    births = p[:, 0].copy()
    for t in range(n_years):
        out[t] = p
        alive = p * (1.0 - q[t])
        p = np.zeros_like(p)
        p[:, 1:] = alive[:, :-1]
        p[:, -1] += alive[:, -1]
        p[:, 0] = births
    return out


#: The age from which people count as elderly when the design has no tier 0.
ELDERLY_AGE = 60


def _contributory(wages: np.ndarray, floor: np.ndarray, ceiling: np.ndarray) -> np.ndarray:
    """Wages raised to the floor and capped at the ceiling (KHR per year; a ceiling of 0
    or less is none, as in the kernel)."""
    capped = np.where(ceiling > 0, np.minimum(wages, ceiling), wages)
    return np.maximum(capped, floor)


def _tier0_cells(d: MultiTierDesign, aset: Any, proj: Any, accounts: Any, b: Any, y0: int,
                 T: int, idx: dict, age: int) -> dict[str, np.ndarray]:
    """Tier-0 cost and the elderly by tier, ``[T, 2]`` each (see
    :mod:`actuary.schemes.social_pension`): ``population`` (aged ``age`` and over),
    ``tier1``, ``tier2``, ``tier0`` (recipients), ``none`` and ``cost`` (KHR)."""
    from actuary.engine.state import (MASS_INVALIDITY, MASS_OLD_AGE, MASS_SPOUSE,
                                      STATUS_INVALIDITY, STATUS_OLD_AGE, STATUS_SPOUSE)
    from actuary.schemes.social_pension import social_pension_cells

    pop = population_by_age(aset, y0, T)[:, :, age:]
    n1 = proj.people[:T][:, [STATUS_OLD_AGE, STATUS_INVALIDITY, STATUS_SPOUSE], :, age:].sum(axis=1)
    m1 = proj.masses[:T][:, [MASS_OLD_AGE, MASS_INVALIDITY, MASS_SPOUSE], :, age:].sum(axis=1)
    n2 = accounts.annuitants[:T, :, age:] if accounts is not None else np.zeros_like(pop)
    m2 = accounts.annuity_mass[:T, :, age:] if accounts is not None else np.zeros_like(pop)
    t0 = d.tier0
    out = {"population": pop.sum(axis=2), "tier1": np.minimum(n1, pop).sum(axis=2),
           "tier2": np.minimum(n2, pop).sum(axis=2)}
    # tier-2 annuitants are taken to be tier-1 pensioners (module social_pension)
    contributory = np.minimum(np.maximum(n1, n2), pop)
    if t0 is None:
        out.update(tier0=np.zeros((T, 2)), cost=np.zeros((T, 2)),
                   none=(pop - contributory).sum(axis=2))
        return out
    sigma = (float(t0.pension_dispersion.value) if t0.pension_dispersion is not None
             else float(b.wage_sigma))
    cells = social_pension_cells(
        pop, contributory, m1 + m2, 12.0 * _yearly(t0.benefit, y0, T, idx), t0.test, sigma,
        _yearly(t0.eligible_share, y0, T, idx) if t0.eligible_share else None,
        _yearly(t0.withdrawal_rate, y0, T, idx) if t0.withdrawal_rate else None)
    out.update(tier0=cells["recipients"], cost=cells["cost"], none=cells["without_any"])
    return out


# ------------------------------------------------------------------------------ design

def read_multi_tier(path: str | Path) -> MultiTierDesign:
    """Read and validate a multi-tier design file (errors name the file and the key)."""
    from actuary.assumptions.problems import read_validated

    path = Path(path)
    design = read_validated(path, MultiTierDesign)
    t0 = design.tier0
    if t0 is not None:
        need = {"means_tested": "eligible_share", "pension_tested": "withdrawal_rate"}.get(t0.test)
        if need and getattr(t0, need) is None:
            raise AssumptionError(f"a {t0.test.replace('_', '-')} social pension needs '{need}'",
                                  source=str(path), location=f"tier0.{need}",
                                  expected="a dated fraction")
    return design


def _yearly(param: Any, y0: int, T: int, idx: dict, how: str = "average") -> np.ndarray:
    return np.asarray(param.yearly(y0, y0 + T - 1, how, idx), dtype=float)


def run_multi_tier(path: str | Path, horizon: int | None = None,
                   progress: Callable[[str], None] | None = None) -> MultiTierResult:
    """Project a multi-tier design (see the module docstring)."""
    from actuary.assumptions import load_basis
    from actuary.analysis.careers import ModelCareer, run_career
    from actuary.analysis.scenario import ScenarioResult, resolve_scenario, scenario_from_valuation
    from actuary.analysis.scenario import standard_summary
    from actuary.engine.state import FLOW_WAGE_MASS
    from actuary.analysis.valuation import load_population, run_valuation

    say = progress or (lambda _m: None)
    path = Path(path)
    d = read_multi_tier(path)
    candidate = path.parent / d.tier1
    aset = load_basis(candidate if candidate.is_file() else resolve_scenario(d.tier1))
    pop = load_population(aset, None)
    say(f"  tier 1: {aset.name}")
    res = run_valuation(aset, pop, horizon, detail=False)
    b, proj = res.basis, res.projection
    y0, T = b.first_year, b.n_years
    idx = aset.indices(y0, y0 + T)
    sc1 = scenario_from_valuation(res)
    y1 = sc1.yearly
    wage_mass = proj.flows[:, :, FLOW_WAGE_MASS].sum(axis=1)

    t0, t2 = d.tier0, d.tier2
    ret = _yearly(t2.investment_return, y0, T, idx) if (t2 and t2.investment_return) \
        else b.investment_return

    # ---- tier 2 in aggregate: the accounts of the whole covered population ----
    accounts = None
    c2 = _yearly(t2.contribution_rate, y0, T, idx) if t2 else np.zeros(T)
    if t2 is not None:
        from actuary.schemes.accounts import project_accounts

        say("  tier 2: accounts in aggregate")
        accounts = project_accounts(
            proj, c2, _yearly(t2.charge_on_contributions, y0, T, idx),
            _yearly(t2.charge_on_assets, y0, T, idx), ret,
            _yearly(t2.annuity_interest, y0, T, idx),
            _yearly(t2.annuity_indexation, y0, T, idx), t2.unisex, y1["gdp"].to_numpy(),
            t2.wage_base)
        tier2_contrib = accounts.yearly["tier2_contributions"].to_numpy()
    else:
        tier2_contrib = np.zeros(T)

    # ---- tier 0 and the elderly by tier ----
    age = t0.age if t0 is not None else ELDERLY_AGE
    say("  the elderly: population by age")
    cells = _tier0_cells(d, aset, proj, accounts, b, y0, T, idx, age)
    tier0 = cells["cost"].sum(axis=1)
    aged = cells["population"].sum(axis=1)

    paid_by_members = y1["contributions"] - y1["budget_contributions"]
    yearly = pd.DataFrame({
        "year": y1["year"],
        "population_aged": aged,
        "tier0_cost": tier0,
        "tier1_contributions": paid_by_members,
        "tier1_budget_cost": y1["budget_cost"],
        "tier2_contributions": tier2_contrib,
        "contributors_wages": wage_mass,
        "gdp": y1["gdp"],
    })
    yearly["contributors_cost"] = yearly["tier1_contributions"] + yearly["tier2_contributions"]
    yearly["contributors_cost_share"] = np.divide(
        yearly["contributors_cost"].to_numpy(), wage_mass, out=np.full(T, np.nan),
        where=wage_mass > 0)
    yearly["budget_cost"] = yearly["tier0_cost"] + yearly["tier1_budget_cost"]
    yearly["budget_cost_pct_gdp"] = 100.0 * yearly["budget_cost"] / yearly["gdp"]
    yearly["tier0_cost_pct_gdp"] = 100.0 * yearly["tier0_cost"] / yearly["gdp"]
    for key in ("tier1", "tier2", "tier0", "none"):
        yearly[f"elderly_{key}"] = cells[key].sum(axis=1)
    for s_, sex in enumerate(SEXES):
        yearly[f"elderly_{sex}"] = cells["population"][:, s_]
        for key in ("tier1", "tier2", "tier0", "none"):
            yearly[f"elderly_{key}_{sex}"] = cells[key][:, s_]
    if accounts is not None:
        acc = accounts.yearly.drop(columns=["year", "tier2_contributions"])
        for col in acc.columns:
            yearly[col] = acc[col].to_numpy()

    # ---- model careers: each tier's pension and replacement rate ----
    stats = pop.summary()
    act = stats[stats.status == "active"].set_index("sex")["average_monthly_wage"]
    rows = []
    for spec in d.careers or DEFAULT_CAREERS:
        s = SEXES.index(spec.sex)
        wage = (float(act.get(spec.sex, act.mean())) if spec.wage == "average"
                else b.wage_floor[0] / 12.0 if spec.wage == "floor" else float(spec.wage))
        try:
            c = run_career(b, ModelCareer(spec.name, s, spec.entry_age, wage, spec.density))
        except ValueError:  # retires after the horizon: nothing to report
            rows.append({"career": spec.name, "sex": spec.sex, "entry_age": spec.entry_age,
                         "density": spec.density, "retirement_year": None})
            continue
        # the career's last projection year: that of the birthday of the pension age (or
        # the one before the 1 January of retirement, with contributions to it)
        voluntary = b.rules.contributions_after_pension_age
        t_ret = c.retirement_year - y0 - (1 if voluntary else 0)
        final = c.final_annual_wage
        p1 = c.annual_pension
        p2 = 0.0
        if t2 is not None:
            n = t_ret + 1
            wages = 12.0 * wage * np.concatenate([[1.0], np.cumprod(1.0 + b.wage_growth[:n - 1])])
            if t2.wage_base == "contributory":
                wages = _contributory(wages, b.wage_floor[:n], b.wage_ceiling[:n])
            if not voluntary:
                # contributions stop on the birthday, mid-year; the account is still
                # annuitised from the next 1 January (half a year after tier 1 starts)
                wages[-1] *= 0.5
            acct = account_balance(wages, spec.density, c2[:n],
                                   _yearly(t2.charge_on_contributions, y0, T, idx)[:n],
                                   _yearly(t2.charge_on_assets, y0, T, idx)[:n], ret[:n])
            t_pay = min(t_ret + 1, T - 1)
            i_a = _yearly(t2.annuity_interest, y0, T, idx)[t_pay]
            e_a = _yearly(t2.annuity_indexation, y0, T, idx)[t_pay]
            age_r = spec.entry_age + n
            factor = annuity_factor(b.mortality, None if t2.unisex else s, age_r, t_pay, i_a, e_a)
            p2 = acct / factor
        p0 = 0.0
        if t0 is not None and t0.test != "means_tested":
            t_pay = min(t_ret + 1, T - 1)
            b0 = 12.0 * _yearly(t0.benefit, y0, T, idx)[t_pay]
            if t0.test == "universal":
                p0 = b0
            else:
                w = _yearly(t0.withdrawal_rate, y0, T, idx)[t_pay]
                p0 = max(b0 - w * (p1 + p2), 0.0)
        rows.append({
            "career": spec.name, "sex": spec.sex, "entry_age": spec.entry_age,
            "density": spec.density, "retirement_year": c.retirement_year,
            "final_monthly_wage": final / 12.0,
            "tier0_monthly": p0 / 12.0, "tier1_monthly": p1 / 12.0, "tier2_monthly": p2 / 12.0,
            "total_monthly": (p0 + p1 + p2) / 12.0,
            "tier0_rr": p0 / final, "tier1_rr": p1 / final, "tier2_rr": p2 / final,
            "total_rr": (p0 + p1 + p2) / final,
        })
    careers = pd.DataFrame(rows)

    # the design as a comparison scenario: tier 1's money, the budget of tiers 0 and 1
    sy = y1.copy()
    sy["budget_cost"] = yearly["budget_cost"].to_numpy()
    sy["budget_cost_pct_gdp"] = yearly["budget_cost_pct_gdp"].to_numpy()
    sy["tier0_cost"] = tier0
    sy["tier2_contributions"] = tier2_contrib
    summary = standard_summary(sy, res.summary, res.cash.reserve0)
    from actuary.analysis.scenario import present_value

    i = sy["investment_return"].to_numpy()
    summary["tier0_cost_pv_75"] = present_value(tier0, i, 75)
    summary["tier2_contributions_pv_75"] = present_value(tier2_contrib, i, 75)
    notes = [f"tier 1: {aset.name}; tier 0: {t0.test if t0 else 'none'}; "
             f"tier 2: {'individual accounts' if t2 else 'none'}"]
    for n in (10, 25, 50, 75):
        if n <= T:
            r = yearly.iloc[n - 1]
            if accounts is not None:
                summary[f"tier2_assets_pct_gdp_year_{n}"] = float(r["tier2_assets_pct_gdp"])
            summary[f"elderly_none_share_year_{n}"] = (
                float(r["elderly_none"] / r["population_aged"]) if r["population_aged"] > 0
                else None)
    if accounts is not None and T >= 50:
        notes.append(f"tier-2 assets {summary['tier2_assets_pct_gdp_year_25']:.1f}% of GDP "
                     f"in year 25, {summary['tier2_assets_pct_gdp_year_50']:.1f}% in year 50")
    scenario = ScenarioResult(name=d.name, description=d.description, kind="multi_tier",
                              yearly=sy, summary=summary, files=[str(path), *aset.files],
                              parts={"tier1": res}, notes=notes,
                              content_hash=aset.content_hash()[:16])
    result = MultiTierResult(design=d, careers=careers, yearly=yearly, summary=summary,
                             scenario=scenario, notes=notes)
    scenario.parts["multi_tier"] = result
    return result
