"""Tier 2 in aggregate: the funded individual accounts of a whole covered population,
projected beside tier 1 (:mod:`actuary.schemes.tiers`), by sex and age.

Inputs are the tier-1 projection (who contributes, on what wages, who retires) and the
tier-2 parameters of the design. For each sex ``s`` and age ``x`` on 1 January of year
``t`` the model carries ``A_t[s, x]``, the account balances of the living members (active
and inactive) of that age, and, after retirement, ``M_t[s, x]`` and ``N_t[s, x]``, the
annual annuity mass and the number of annuitants.

One year, with ``g_t = r_t - a_t`` the return net of the charge on assets, ``c_t`` the
contribution rate, ``k_t`` the charge on contributions and ``q_t[s, x]`` the death rate
of the tier-1 basis:

* contributions ``C_t[s, x] = c_t W_t[s, x]``, on the wages of contributors
  ``W_t[s, x]``: the tier-1 wage mass of the year by sex (whole wages, ``FLOW_WAGE_MASS``,
  or the contributory wages of a carve-out, ``FLOW_EARNINGS``; density and exposure
  included) spread over ages like the actives' wage mass on 1 January;
  ``(1 - k_t) C_t`` is credited, mid-year;
* the cell's balance at the end of the year before deaths
  ``B = A (1 + g) + (1 - k) C (1 + g/2)`` (the formula of a model career,
  :func:`actuary.schemes.tiers.account_balance`);
* deaths: ``q B`` is paid to the heirs at the end of the year (approximation: deaths
  are mid-year on average, so the heirs get about ``q g/2`` of the cell too much, under
  0.1% of the cell's balance below age 60); the survivors' ``(1 - q) B`` is the balance of
  age ``x + 1`` on 1 January ``t + 1``;
* annuitisation: the balances reaching the pension age of the year (``x + 1 >= P_t``,
  as tier-1 retirements are counted at age ``P_t`` on 1 January ``t + 1``) buy a life
  annuity paid monthly in advance and rising by ``e``: ``M += B' / ä`` with ``ä`` from
  :func:`annuity_factor` (the cohort life table of the tier-1 basis
  from ``t + 1``; both sexes' average when unisex). The number of new annuitants is
  tier 1's retirements of the year (``FLOW_RETIREMENTS``: pension or refund; members who
  never contributed to tier 2 are counted too, an overstatement in the first years);
* annuities in payment: ``M (1 - q/2)`` is paid in the year (mid-year deaths) and
  ``M_{t+1}[x+1] = M (1 - q)(1 + e)``, ``N_{t+1}[x+1] = N (1 - q)``;
* the annuity fund (the provider's assets backing the annuities):
  ``V_{t+1} = V_t (1 + i_a) + premiums_t - paid_t (1 + i_a / 2)``: equal to the reserve of
  the annuities in payment while experience follows the pricing basis (same mortality;
  the annuity interest as the return), up to the timing of monthly payments.

Tier-2 assets are the balances plus the annuity fund. Money in nominal KHR of each year,
counts on 1 January; flows of calendar year ``t``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from actuary.engine.state import (FLOW_EARNINGS, FLOW_RETIREMENTS, FLOW_WAGE_MASS, MASS_WAGE,
                                  N_AGE, SEXES)
from actuary.life.annuities import annuity_due
from actuary.life.lifetable import LifeTable

__all__ = ["AccountsProjection", "annuity_factor", "wages_by_age", "project_accounts"]


def _cohort_table(mortality: np.ndarray, sex: int, age: int, t_from: int) -> LifeTable:
    """Life table of the cohort aged ``age`` at the start of projection year ``t_from``:
    the death rate of age ``age + k`` is that of year ``t_from + k`` (the last year held)."""
    T = mortality.shape[0]
    q = [mortality[min(t_from + k, T - 1), sex, age + k] for k in range(N_AGE - age)]
    return LifeTable(np.asarray(q, dtype=float), min_age=age)


def annuity_factor(mortality: np.ndarray, sex: int | None, age: int, t_from: int,
                   interest: float, indexation: float) -> float:
    """Annuity-due of 1 a year paid monthly, rising by ``indexation`` a year, for a life
    aged ``age`` (both sexes averaged when ``sex`` is None)."""
    j = (1.0 + interest) / (1.0 + indexation) - 1.0
    if sex is None:
        return 0.5 * sum(annuity_factor(mortality, s, age, t_from, interest, indexation)
                         for s in (0, 1))
    return float(annuity_due(_cohort_table(mortality, sex, age, t_from), age, j, m=12))


@dataclass
class AccountsProjection:
    """The aggregate tier 2 (see the module docstring).

    ``yearly`` has one row a year: ``tier2_contributions``, ``tier2_charges`` (on
    contributions and on assets), ``tier2_net_return`` (credited to accounts),
    ``tier2_bequests``, ``tier2_annuity_premiums``, ``tier2_pensions`` (and by sex,
    ``tier2_pensions_M``/``_F``), ``tier2_annuitants`` (1 January), ``tier2_balances`` and
    ``tier2_annuity_fund`` (end of year), ``tier2_assets`` and ``tier2_assets_pct_gdp``.
    ``balances``, ``annuity_mass``, ``annuitants`` are the ``[T + 1, 2, 111]`` stocks on 1
    January.
    """

    yearly: pd.DataFrame
    balances: np.ndarray
    annuity_mass: np.ndarray
    annuitants: np.ndarray


def wages_by_age(projection: Any, base: str = "whole") -> np.ndarray:
    """``W[t, s, x]``: the year's contributors' wage mass by sex (KHR), spread over ages
    like the actives' wage mass on 1 January. ``base`` ``whole``: the whole wages
    (``FLOW_WAGE_MASS``); ``contributory``: the tier-1 contributory wages between floor
    and ceiling (``FLOW_EARNINGS``, spread like the whole wages: an approximation where
    the ceiling bites more at some ages than at others)."""
    T = projection.flows.shape[0]
    stock = projection.masses[:T, MASS_WAGE]  # [T, 2, 111]
    total = stock.sum(axis=2, keepdims=True)
    shape = np.divide(stock, total, out=np.zeros_like(stock), where=total > 0)
    flow = FLOW_WAGE_MASS if base == "whole" else FLOW_EARNINGS
    return shape * projection.flows[:, :, flow][:, :, None]


def project_accounts(projection: Any, contribution: np.ndarray, charge_contrib: np.ndarray,
                     charge_assets: np.ndarray, returns: np.ndarray,
                     annuity_interest: np.ndarray, annuity_indexation: np.ndarray,
                     unisex: bool, gdp: np.ndarray, wage_base: str = "whole"
                     ) -> AccountsProjection:
    """Project the accounts of the tier-1 ``projection``'s members (see the module
    docstring). Rates are per calendar year of the projection (fractions); ``wage_base``
    as for :func:`wages_by_age`."""
    b = projection.basis
    T = b.n_years
    q = b.mortality  # [T, 2, 111]
    W = wages_by_age(projection, wage_base)
    A = np.zeros((T + 1, 2, N_AGE))
    M = np.zeros((T + 1, 2, N_AGE))
    N = np.zeros((T + 1, 2, N_AGE))
    rows = []
    fund = 0.0
    ages = np.arange(N_AGE)
    for t in range(T):
        g = returns[t] - charge_assets[t]
        C = contribution[t] * W[t]
        B = A[t] * (1.0 + g) + (1.0 - charge_contrib[t]) * C * (1.0 + 0.5 * g)
        bequest = q[t] * B
        left = B - bequest
        # ages x whose survivors reach the pension age of the year on 1 January t+1
        retiring = ages + 1 >= b.pension_age[t]
        premium = np.where(retiring[None, :], left, 0.0)
        left = left - premium
        A[t + 1, :, 1:] = left[:, :-1]
        A[t + 1, :, -1] += left[:, -1]
        # annuities in payment, then the new ones at age P_t on 1 January t+1
        paid = M[t] * (1.0 - 0.5 * q[t])
        grow = (1.0 - q[t]) * (1.0 + annuity_indexation[t])
        M[t + 1, :, 1:] = (M[t] * grow)[:, :-1]
        N[t + 1, :, 1:] = (N[t] * (1.0 - q[t]))[:, :-1]
        t_pay = min(t + 1, T - 1)
        pa = int(b.pension_age[t])
        prem_sex = premium.sum(axis=1)
        retired = projection.flows[t, :, FLOW_RETIREMENTS]
        for s in range(2):
            if prem_sex[s] <= 0:
                continue
            factor = annuity_factor(q, None if unisex else s, pa, t_pay,
                                    float(annuity_interest[t_pay]),
                                    float(annuity_indexation[t_pay]))
            M[t + 1, s, pa] += prem_sex[s] / factor
            N[t + 1, s, pa] += retired[s]
        i_a = annuity_interest[t]
        fund = fund * (1.0 + i_a) + premium.sum() - paid.sum() * (1.0 + 0.5 * i_a)
        net_credit = float(left.sum() + premium.sum() + bequest.sum() - A[t].sum()
                           - ((1.0 - charge_contrib[t]) * C).sum())
        rows.append({
            "tier2_contributions": float(C.sum()),
            "tier2_charges": float(charge_contrib[t] * C.sum()
                                   + charge_assets[t] * (A[t].sum()
                                                         + 0.5 * (1 - charge_contrib[t]) * C.sum())),
            "tier2_net_return": net_credit,
            "tier2_bequests": float(bequest.sum()),
            "tier2_annuity_premiums": float(premium.sum()),
            "tier2_pensions": float(paid.sum()),
            **{f"tier2_pensions_{sex}": float(paid[s].sum()) for s, sex in enumerate(SEXES)},
            "tier2_annuitants": float(N[t].sum()),
            "tier2_balances": float(A[t + 1].sum()),
            "tier2_annuity_fund": fund,
        })
    yearly = pd.DataFrame(rows)
    yearly.insert(0, "year", b.years)
    yearly["tier2_assets"] = yearly["tier2_balances"] + yearly["tier2_annuity_fund"]
    yearly["tier2_assets_pct_gdp"] = 100.0 * yearly["tier2_assets"] / np.asarray(gdp, dtype=float)
    return AccountsProjection(yearly=yearly, balances=A, annuity_mass=M, annuitants=N)
