"""Financing and indicators of the branch: constituent capitals, pay-as-you-go, GAP, reserve.

With ``S_t`` the insurable earnings, ``a_t`` the administrative expenses as a share of
contributions, ``M_t = m_t S_t`` the medical and rehabilitation costs:

* *Short-term benefits* ``ST_t``: temporary disability benefits and funeral grants.
* *Lump sums* ``LS_t``: the lump sums for degrees below the pension threshold.
* *Capital values of new pensions* ``CV_t``: disability and survivors' pensions awarded
  in year t, valued at mid-year t (:mod:`.projection`).
* *Pensions in payment* ``P_t``: disability and survivors' pensions paid in year t.
* Assessment of constituent capitals (ILO practice for employment-injury branches): the
  year's contributions pay its short-term benefits, lump sums, medical costs, expenses
  and the capital values of its new pensions; pensions are then paid from the capitals
  set aside. Its cost rate, the *rate needed*, is
  ``pi_t = (ST_t + LS_t + CV_t + M_t) / ((1 - a_t) S_t)``.
* Pay-as-you-go cost rate: ``(ST_t + LS_t + P_t + M_t + a_t C_t) / S_t`` with the
  legislated contributions ``C_t``.
* GAP over n years: :func:`actuary.analysis.indicators.general_average_premium` on the
  branch's cash flows (benefits ``ST + LS + P + M``, expenses a share of contributions)
  at the branch's own return, from its reserve ``F_0``.
* Reserve: ``F_t = F_{t-1} + C_t + I_t - B_t`` with interest on the opening reserve and
  half the net cash flow (:func:`actuary.analysis.indicators.reserve_path`); reserve
  ratio ``F_t / B_t``; the present value of pensions in payment ``V_t`` (the capitals
  the pensions awarded so far need, on 1 January after year t) and the funded ratio
  ``F_t / V_t``.

A rate needed over several years is the ratio of present values (at the branch's return,
mid-year) of the numerator and denominator above.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from actuary.analysis import indicators as ind
from actuary.engine.state import SEXES

from .projection import BranchProjection
from .rules import BranchRules

__all__ = ["cash_flows", "yearly_frame", "by_sex_frame", "summary_indicators",
           "rate_needed", "GAP_HORIZONS", "RATE_HORIZONS"]

GAP_HORIZONS = (25, 50, 75)
RATE_HORIZONS = (1, 10, 25, 75)


def _t(proj: BranchProjection, key: str) -> np.ndarray:
    return proj.total(key)


def cash_flows(proj: BranchProjection, rules: BranchRules) -> ind.CashFlows:
    """The branch's yearly cash flows as indicator inputs (legislated contributions)."""
    T = proj.years.size
    earnings = _t(proj, "insurable_earnings")
    contributions = rules.contribution_rate[:T] * earnings
    benefits = (_short_term(proj) + _t(proj, "lump_sums") + _pensions_paid(proj)
                + rules.medical_rate[:T] * earnings)
    admin = rules.admin_rate[:T] * contributions
    return ind.CashFlows(years=proj.years, earnings=earnings, contributions=contributions,
                         expenditure=benefits + admin, interest=rules.investment_return[:T],
                         reserve0=rules.reserve0, admin_rate=rules.admin_rate[:T],
                         benefits=benefits)


def _short_term(proj: BranchProjection, sex: int | None = None) -> np.ndarray:
    keys = ("temporary_disability_benefits", "funeral_grants")
    if sex is None:
        return sum(_t(proj, k) for k in keys)
    return sum(proj.flows[k][:, sex] for k in keys)


def _pensions_paid(proj: BranchProjection, sex: int | None = None) -> np.ndarray:
    keys = ("permanent_disability_benefits", "spouse_benefits", "orphan_benefits")
    if sex is None:
        return sum(_t(proj, k) for k in keys)
    return sum(proj.flows[k][:, sex] for k in keys)


def _capitals(proj: BranchProjection, sex: int | None = None) -> np.ndarray:
    keys = ("cv_disability_pensions", "cv_survivor_pensions")
    if sex is None:
        return sum(_t(proj, k) for k in keys)
    return sum(proj.flows[k][:, sex] for k in keys)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.full(np.shape(num), np.nan), where=np.asarray(den) > 0)


def acc_cost(proj: BranchProjection, rules: BranchRules, sex: int | None = None) -> np.ndarray:
    """What contributions must pay each year under constituent capitals, KHR, before
    expenses: ``ST + LS + CV + M`` (by the insured's sex when ``sex`` is given)."""
    T = proj.years.size
    if sex is None:
        earnings, lumps = _t(proj, "insurable_earnings"), _t(proj, "lump_sums")
    else:
        earnings = proj.flows["insurable_earnings"][:, sex]
        lumps = proj.flows["lump_sums"][:, sex]
    return (_short_term(proj, sex) + lumps + _capitals(proj, sex)
            + rules.medical_rate[:T] * earnings)


def rate_needed(proj: BranchProjection, rules: BranchRules, years: int,
                sex: int | None = None) -> float:
    """The constituent-capitals rate over the first ``years`` years: present value of
    ``ST + LS + CV + M`` over that of ``(1 - a) S`` (mid-year, at the branch's return)."""
    n = min(int(years), proj.years.size)
    _v, u = ind.discount_factors(rules.investment_return[:n])
    earnings = (_t(proj, "insurable_earnings") if sex is None
                else proj.flows["insurable_earnings"][:, sex])[:n]
    den = np.sum(u * (1.0 - rules.admin_rate[:n]) * earnings)
    return float(np.sum(u * acc_cost(proj, rules, sex)[:n]) / den) if den > 0 else float("nan")


def yearly_frame(proj: BranchProjection, rules: BranchRules, cf: ind.CashFlows,
                 gdp: np.ndarray | None = None) -> pd.DataFrame:
    """One row per year: people, money by benefit, the three financing measures, reserve."""
    T = proj.years.size
    earnings = cf.earnings
    reserve = ind.reserve_path(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
    income = ind.investment_income(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
    pv_end = sum(proj.stocks[k][1:].sum(axis=1) for k in
                 ("pv_disability_pensions", "pv_spouse_pensions", "pv_orphan_pensions"))
    admin = cf.expenditure - cf.benefits
    medical = rules.medical_rate[:T] * earnings
    acc = acc_cost(proj, rules)
    frame = pd.DataFrame({
        "year": proj.years,
        "contributor_years": _t(proj, "contributor_years"),
        "injuries": _t(proj, "injuries"),
        "fatal_injuries": _t(proj, "fatal_injuries"),
        "permanent_disabilities": _t(proj, "permanent_disabilities"),
        "lump_sum_awards": _t(proj, "lump_sum_awards"),
        "new_disability_pensions": _t(proj, "disability_pension_awards"),
        "new_spouse_pensions": _t(proj, "spouse_awards"),
        "new_orphan_pensions": _t(proj, "orphan_awards"),
        "disability_pensioners": proj.stocks["disability_pensioners"][:T].sum(axis=1),
        "spouse_pensioners": proj.stocks["spouse_pensioners"][:T].sum(axis=1),
        "orphan_pensioners": proj.stocks["orphan_pensioners"][:T].sum(axis=1),
        "contribution_rate": rules.contribution_rate[:T],
        "insurable_earnings": earnings,
        "contributions": cf.contributions,
        "temporary_disability_benefits": _t(proj, "temporary_disability_benefits"),
        "funeral_grants": _t(proj, "funeral_grants"),
        "lump_sums": _t(proj, "lump_sums"),
        "permanent_disability_benefits": _t(proj, "permanent_disability_benefits"),
        "survivor_benefits": _t(proj, "spouse_benefits") + _t(proj, "orphan_benefits"),
        "medical_costs": medical,
        "benefits": cf.benefits,
        "admin": admin,
        "expenditure": cf.expenditure,
        "cv_new_disability_pensions": _t(proj, "cv_disability_pensions"),
        "cv_new_survivor_pensions": _t(proj, "cv_survivor_pensions"),
        "acc_cost": acc,
        "acc_cost_rate": _ratio(acc, (1.0 - rules.admin_rate[:T]) * earnings),
        "payg_cost_rate": ind.payg_cost_rate(cf.expenditure, earnings),
        "investment_return": cf.interest,
        "investment_income": income,
        "reserve_end": reserve,
        "reserve_ratio": ind.reserve_ratio(reserve, cf.expenditure),
        "pv_pensions_in_payment_end": pv_end,
        "funded_ratio": _ratio(reserve, pv_end),
    })
    if gdp is not None:
        frame["gdp"] = gdp[:T]
        frame["expenditure_pct_gdp"] = 100.0 * cf.expenditure / gdp[:T]
    return frame


def by_sex_frame(proj: BranchProjection, rules: BranchRules) -> pd.DataFrame:
    """One row per year and sex. Costs by the sex of the injured insured person (short-term
    benefits, lump sums, capital values, medical costs, the rate needed); pensioners and
    pension payments by the sex of the pensioner."""
    T = proj.years.size
    rows = []
    for s, sex in enumerate(SEXES):
        f = {k: v[:, s] for k, v in proj.flows.items()}
        earnings = f["insurable_earnings"]
        acc = acc_cost(proj, rules, s)
        rows.append(pd.DataFrame({
            "year": proj.years, "sex": sex,
            "contributor_years": f["contributor_years"],
            "insurable_earnings": earnings,
            "injuries": f["injuries"], "fatal_injuries": f["fatal_injuries"],
            "new_disability_pensions": f["disability_pension_awards"],
            "temporary_disability_benefits": f["temporary_disability_benefits"],
            "lump_sums": f["lump_sums"], "funeral_grants": f["funeral_grants"],
            "cv_new_disability_pensions": f["cv_disability_pensions"],
            "cv_new_survivor_pensions": f["cv_survivor_pensions"],
            "medical_costs": rules.medical_rate[:T] * earnings,
            "acc_cost_rate": _ratio(acc, (1.0 - rules.admin_rate[:T]) * earnings),
            "disability_pensioners": proj.stocks["disability_pensioners"][:T, s],
            "survivor_pensioners": (proj.stocks["spouse_pensioners"][:T, s]
                                    + proj.stocks["orphan_pensioners"][:T, s]),
            "permanent_disability_benefits": f["permanent_disability_benefits"],
            "survivor_benefits": f["spouse_benefits"] + f["orphan_benefits"],
            "pv_pensions_in_payment_start": sum(
                proj.stocks[k][:T, s] for k in
                ("pv_disability_pensions", "pv_spouse_pensions", "pv_orphan_pensions")),
        }))
    return pd.concat(rows, ignore_index=True)


def summary_indicators(proj: BranchProjection, rules: BranchRules, cf: ind.CashFlows,
                       yearly: pd.DataFrame) -> dict:
    """The headline figures (rates as fractions, money in KHR, years as calendar years)."""
    T = proj.years.size
    out: dict = {"first_year": int(proj.years[0]), "last_year": int(proj.years[-1]),
                 "contribution_rate": float(rules.contribution_rate[0]),
                 "reserve0": float(cf.reserve0)}
    for n in RATE_HORIZONS:
        if n <= T:
            out[f"rate_needed_{n}"] = rate_needed(proj, rules, n)
            for s, sex in enumerate(SEXES):
                out[f"rate_needed_{n}_{sex}"] = rate_needed(proj, rules, n, s)
    for n in GAP_HORIZONS:
        out[f"gap_{n}"] = ind.general_average_premium(cf, n) if n <= T else None
    dep = ind.depletion(cf)
    out["depletion_year"] = dep["year"]
    out["payg_year_1"] = float(yearly["payg_cost_rate"].iloc[0])
    out["reserve_ratio_year_1"] = float(yearly["reserve_ratio"].iloc[0])
    out["reserve_ratio_year_10"] = float(yearly["reserve_ratio"].iloc[9]) if T >= 10 else None
    pv0 = sum(float(proj.stocks[k][0].sum()) for k in
              ("pv_disability_pensions", "pv_spouse_pensions", "pv_orphan_pensions"))
    out["pv_pensions_in_payment_0"] = pv0
    for s, sex in enumerate(SEXES):
        out[f"pv_pensions_in_payment_0_{sex}"] = sum(float(proj.stocks[k][0, s]) for k in (
            "pv_disability_pensions", "pv_spouse_pensions", "pv_orphan_pensions"))
    out["funded_ratio_0"] = cf.reserve0 / pv0 if pv0 > 0 else float("nan")
    first = yearly.iloc[0]
    for key in ("temporary_disability_benefits", "funeral_grants", "lump_sums",
                "cv_new_disability_pensions", "cv_new_survivor_pensions", "medical_costs",
                "permanent_disability_benefits", "survivor_benefits"):
        out[f"cost_rate_year_1_{key}"] = float(first[key] / first["insurable_earnings"])
    return out
