"""What a valuation produces, and the functions that turn one projection into it.

:class:`ValuationResult` holds a valuation's results; :func:`cash_flows`,
:func:`yearly_frame`, :func:`by_sex_frame` and :func:`summary_indicators` turn a
projection into the indicator inputs, the yearly and by-sex tables and the headline
figures. They are used by the valuation (:mod:`.valuation`) and, for each shocked
basis, by the sensitivities (:mod:`.sensitivity`), which the valuation runs: kept
here, below both, so that the two do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from actuary.analysis import indicators as ind
from actuary.assumptions import AssumptionSet
from actuary.engine.basis import Basis
from actuary.engine.projection import Projection
from actuary.engine.starting import StartingPopulation
from actuary.engine.state import (
    FLOW_CONTRIBUTIONS,
    FLOW_EARNINGS,
    FLOW_EXPOSURE,
    FLOW_FUNERAL,
    FLOW_INVALIDITY,
    FLOW_NEW_OLD_AGE,
    FLOW_NEW_OLD_AGE_AMOUNT,
    FLOW_OLD_AGE,
    FLOW_ORPHAN,
    FLOW_REFUND,
    FLOW_SPOUSE,
    FLOW_SURVIVOR_LUMP,
    FLOW_WAGE_MASS,
    MASS_OLD_AGE,
    SEXES,
    STATUS_ACTIVE,
    STATUS_INACTIVE,
    STATUS_INVALIDITY,
    STATUS_OLD_AGE,
    STATUS_ORPHAN,
    STATUS_SPOUSE,
)

__all__ = [
    "GAP_HORIZONS",
    "ValuationResult",
    "by_sex_frame",
    "cash_flows",
    "summary_indicators",
    "yearly_frame",
]

GAP_HORIZONS = (25, 50, 75)


@dataclass
class ValuationResult:
    """Everything a valuation produces (money in nominal KHR of each year).

    Attributes
    ----------
    yearly
        One row per projection year: people (1 January counts and contributor-years),
        money (contributions, benefits by branch, admin, investment income, reserve at
        the end of the year) and the derived ratios (PAYG cost rate, reserve ratio,
        dependency ratio, expenditure as % of GDP).
    by_sex
        One row per year and sex: contributors, pensioners, average wage and pension
        (KHR per month), aggregate replacement rate, and the gender pension gap.
    summary
        Headline indicators: GAP over 25/50/75 years, depletion year, payable share,
        actuarial balance, steady-state rate, scaled premiums, reserve ratio.
    careers
        Model careers and their replacement rates, with the ILO C102 check.
    sensitivity
        One row per one-at-a-time test: GAP 75, depletion year, reserve ratio in year 10,
        and their change from the base.
    starting
        The starting population summary.
    accrued
        The implicit pension debt (:func:`actuary.analysis.valuation.accrued_liability`); empty when not asked
        for.
    rate_paths
        The headline under the legislated contribution-rate schedule and under the rate
        held at its last enacted step (:mod:`actuary.analysis.rate_paths`); empty when
        not asked for (``detail=False``).
    economy
        The average insurable wage against GDP per head, the set's band for it, and the
        spread of the return over wage growth (:mod:`actuary.analysis.wage_gdp`); None
        when not asked for.
    reconciliation
        The starting wages and reserve against what the scheme published, under each
        collection convention (:mod:`actuary.analysis.reconciliation`); empty when the
        scheme has no published figures or when not asked for.
    provenance
        Inputs (files and their SHA-256), versions, command, date.
    accounts, accounts_path
        Published accounts against the projection
        (:func:`actuary.analysis.accounts.actual_vs_expected`) and their file; None when
        none were compared.
    """

    aset: AssumptionSet
    population: StartingPopulation
    basis: Basis
    projection: Projection
    cash: ind.CashFlows
    yearly: pd.DataFrame
    by_sex: pd.DataFrame
    summary: dict
    scaled: list[dict]
    careers: pd.DataFrame
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    provenance: dict = field(default_factory=dict)
    accrued: dict = field(default_factory=dict)
    rate_paths: tuple = ()
    economy: object = None
    reconciliation: pd.DataFrame = field(default_factory=pd.DataFrame)
    accounts: pd.DataFrame | None = None
    accounts_path: str | None = None
    # the sensitivity table still being computed in the background (valuate's
    # ``background``): a :class:`actuary.io.forked.Pending`, None once collected
    sensitivity_later: Any = field(default=None, repr=False, compare=False)

    def collect_sensitivity(self) -> "ValuationResult":
        """Fill :attr:`sensitivity` with the table a background computation was making
        (:func:`actuary.analysis.valuation.valuate` with ``background=True``), waiting
        for it, and return the result; nothing to do otherwise. Raises what the
        computation raised (an invalid sensitivity's ``AssumptionError``)."""
        later, self.sensitivity_later = self.sensitivity_later, None
        if later is not None:
            self.sensitivity = later.result()
        return self

    @property
    def starting(self) -> pd.DataFrame:
        """Counts and average amounts of the starting population by status and sex."""
        return self.population.summary()


def cash_flows(proj: Projection) -> ind.CashFlows:
    """The indicator inputs of a projection (legislated contributions)."""
    b = proj.basis
    return ind.CashFlows(
        years=proj.years, earnings=proj.earnings, contributions=proj.contributions,
        expenditure=proj.expenditure, interest=b.investment_return,
        reserve0=b.start.reserve, admin_rate=b.admin_rate, benefits=proj.benefits,
        collection=b.contribution_factor,
    )


def _people(proj: Projection, status: int) -> np.ndarray:
    """Counts on 1 January of each projection year (T values), both sexes."""
    return proj.people[:-1, status].sum(axis=(1, 2))


def yearly_frame(proj: Projection, cf: ind.CashFlows, gdp: np.ndarray | None) -> pd.DataFrame:
    """The year-by-year table of people, money and ratios (see :class:`ValuationResult`)."""
    f = proj.flows.sum(axis=1)
    reserve = ind.reserve_path(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
    income = ind.investment_income(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
    pensioners = sum(_people(proj, s) for s in (STATUS_OLD_AGE, STATUS_INVALIDITY))
    frame = pd.DataFrame({
        "year": proj.years,
        "active": _people(proj, STATUS_ACTIVE),
        "inactive": _people(proj, STATUS_INACTIVE),
        "old_age_pensioners": _people(proj, STATUS_OLD_AGE),
        "invalidity_pensioners": _people(proj, STATUS_INVALIDITY),
        "spouse_pensioners": _people(proj, STATUS_SPOUSE),
        "orphan_pensioners": _people(proj, STATUS_ORPHAN),
        "contributor_years": f[:, FLOW_EXPOSURE],
        "contribution_rate": proj.basis.contribution_rate,
        "insurable_earnings": f[:, FLOW_EARNINGS],
        "contributions": f[:, FLOW_CONTRIBUTIONS],
        "old_age_benefits": f[:, FLOW_OLD_AGE],
        "invalidity_benefits": f[:, FLOW_INVALIDITY],
        "survivor_benefits": f[:, FLOW_SPOUSE] + f[:, FLOW_ORPHAN],
        "lump_sums": f[:, FLOW_REFUND] + f[:, FLOW_SURVIVOR_LUMP] + f[:, FLOW_FUNERAL],
        "benefits": proj.benefits,
        "admin": proj.admin,
        "expenditure": cf.expenditure,
        "investment_return": cf.interest,
        "investment_income": income,
        "reserve_end": reserve,
        "payg_cost_rate": ind.payg_cost_rate(cf.expenditure, cf.earnings),
        "reserve_ratio": ind.reserve_ratio(reserve, cf.expenditure),
        "dependency_ratio": np.divide(pensioners, _people(proj, STATUS_ACTIVE),
                                      out=np.full(len(proj.years), np.nan),
                                      where=_people(proj, STATUS_ACTIVE) > 0),
    })
    if gdp is not None:
        frame["gdp"] = gdp
        frame["expenditure_pct_gdp"] = 100.0 * cf.expenditure / gdp
    return frame


def by_sex_frame(proj: Projection) -> pd.DataFrame:
    """Gender-responsive results: one row per year and sex (amounts KHR per month)."""
    rows = []
    for s, sex in enumerate(SEXES):
        fl = proj.flows[:, s]
        act = proj.people[:-1, STATUS_ACTIVE, s].sum(axis=1)
        oa = proj.people[:-1, STATUS_OLD_AGE, s].sum(axis=1)
        oa_mass = proj.masses[:-1, MASS_OLD_AGE, s].sum(axis=1)
        surv = (proj.people[:-1, STATUS_SPOUSE, s] + proj.people[:-1, STATUS_ORPHAN, s]).sum(axis=1)
        wage = np.divide(fl[:, FLOW_WAGE_MASS], fl[:, FLOW_EXPOSURE],
                         out=np.full(len(act), np.nan), where=fl[:, FLOW_EXPOSURE] > 0) / 12
        pension = np.divide(oa_mass, oa, out=np.full(len(act), np.nan), where=oa > 0) / 12
        new_p = np.divide(fl[:, FLOW_NEW_OLD_AGE_AMOUNT], fl[:, FLOW_NEW_OLD_AGE],
                          out=np.full(len(act), np.nan), where=fl[:, FLOW_NEW_OLD_AGE] > 0) / 12
        rows.append(pd.DataFrame({
            "year": proj.years, "sex": sex, "active": act,
            "old_age_pensioners": oa,
            "invalidity_pensioners": proj.people[:-1, STATUS_INVALIDITY, s].sum(axis=1),
            "survivor_pensioners": surv,
            "contributions": fl[:, FLOW_CONTRIBUTIONS],
            "old_age_benefits": fl[:, FLOW_OLD_AGE],
            "average_monthly_wage": wage,
            "average_monthly_old_age_pension": pension,
            "average_monthly_new_pension": new_p,
            "aggregate_replacement_rate": pension / wage,
            "new_pension_replacement_rate": new_p / wage,
        }))
    frame = pd.concat(rows, ignore_index=True)
    men = frame[frame.sex == "M"].set_index("year")["average_monthly_old_age_pension"]
    women = frame[frame.sex == "F"].set_index("year")["average_monthly_old_age_pension"]
    gap = (1.0 - women / men).rename("gender_pension_gap")
    return frame.merge(gap.reset_index(), on="year")


def summary_indicators(cf: ind.CashFlows, yearly: pd.DataFrame) -> dict:
    """The headline figures (rates as fractions; years as calendar years)."""
    T = len(cf.years)
    out: dict = {"first_year": int(cf.years[0]), "last_year": int(cf.years[-1])}
    for n in GAP_HORIZONS:
        out[f"gap_{n}"] = ind.general_average_premium(cf, n) if n <= T else None
    dep = ind.depletion(cf)
    out["depletion_year"] = dep["year"]
    out["payable_share_at_depletion"] = dep["payable_share"]
    out["actuarial_balance_75"] = ind.actuarial_balance(cf, 75) if T >= 76 else None
    out["steady_state_rate"] = ind.steady_state_rate(cf) if T >= 60 else None
    out["reserve_ratio_year_10"] = float(yearly["reserve_ratio"].iloc[9]) if T >= 10 else None
    out["payg_year_1"] = float(yearly["payg_cost_rate"].iloc[0])
    for n in (10, 25, 50, 75, 100):
        if n <= T:
            out[f"payg_year_{n}"] = float(yearly["payg_cost_rate"].iloc[n - 1])
    out["reserve0"] = float(cf.reserve0)
    return out
