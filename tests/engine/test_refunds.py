"""Refunds of what was paid (issue 13, rule 2), in both engines.

A member reaching the pension age below the old-age condition gets back ``refund_share``
of the contributions paid: nominal, at the rate of the year they were paid, with
``refund_interest`` credited at each year end; not the rate of the refund year times the
revalued career. Hand cases, present values at 4% a year.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import make_basis  # noqa: E402

from actuary.analysis.valuation import load_population  # noqa: E402
from actuary.assumptions import load_basis  # noqa: E402
from actuary.engine import state as S  # noqa: E402
from actuary.engine.basis import SchemeRules, StartingState  # noqa: E402
from actuary.engine.build import build_basis, start_rules  # noqa: E402
from actuary.engine.member_kernel import MEMBER_ACTIVE, MEMBER_INACTIVE  # noqa: E402
from actuary.engine.projection import project  # noqa: E402
from actuary.members.closed_group import MemberSet, value_members  # noqa: E402

V = 1 / 1.04
Q = 0.01  # death a year, the only decrement


def _basis(T: int, age: int, months: float, active: bool, paid: float, rate: float,
           interest: float = 0.0):
    """A man aged ``age`` on 1 January with ``months`` paid, active (wage 10M KHR a year)
    or inactive, career 1M KHR a month paid, contributions paid ``paid`` KHR; the
    contribution rate ``rate`` in every year, refund interest ``interest``; pension
    age 60 (the birthday mid-year); no survivors' benefits or funeral grant."""
    b = make_basis(3, T, entrants=False, sigma=0.0,
                   rules=SchemeRules(survivor_rate=0.0, funeral_grant_months=0.0,
                                     survivor_lump_sum_months=0.0, refund_share=1.0))
    q = np.full((T, 2, 111), Q)
    q[:, :, -1] = 1.0
    zeros, z = np.zeros((T, 2, 111)), np.zeros(T)
    start = StartingState.empty()
    start = replace(start, service_unit="paid", active_paid=np.zeros_like(start.active_count),
                    inactive_paid=np.zeros_like(start.active_count))
    n = int(months // 6)
    kind = "active" if active else "inactive"
    getattr(start, f"{kind}_count")[0, age, n] = 1.0
    getattr(start, f"{kind}_career")[0, age, n] = months * 1e6
    getattr(start, f"{kind}_paid")[0, age, n] = paid
    if active:
        start.active_wage[0, age, n] = 10e6
    return b.with_(start=start, pension_age=np.full(T, 60), contribution_rate=np.full(T, rate),
                   contribution_factor=np.ones(T), credit_factor=np.ones(T), density=np.ones(T),
                   wage_floor=z, wage_ceiling=z, accrual_rate=np.full(T, 0.015),
                   minimum_pension=z, revaluation=np.full(T, 0.05), indexation=z,
                   wage_growth=z, funeral_grant_minimum=z, mortality=q, disabled_mortality=q,
                   invalidity=zeros, exit=zeros, reentry=zeros,
                   refund_interest=np.full(T, interest))


def _member(age: int, months: float, active: bool, paid: float) -> MemberSet:
    return MemberSet(ids=np.array(["m"]), sex=[0], age=[age],
                     status=[MEMBER_ACTIVE if active else MEMBER_INACTIVE],
                     years=[months / 12.0], wage=[10e6 if active else 0.0],
                     career=[months * 1e6], pension=[0.0], months=[months], paid=[paid])


@pytest.mark.parametrize("months", [6, 11])
def test_leaver_below_12_months_gets_back_what_was_paid(months):
    """An inactive man of 59 who paid ``months`` months at 4% of 1M KHR: on his 60th
    birthday (if alive, 1 - 1%/2) exactly that, though the rate is 13.5% by then and his
    career was revalued (the old rule gave 13.5% x the career: 3.4 times as much)."""
    paid = 0.04 * 1e6 * months
    b = _basis(3, 59, months, False, paid, rate=0.135)
    F = project(b).flows[:, 0]
    assert F[0, S.FLOW_NEW_OLD_AGE] == 0.0
    assert F[0, S.FLOW_REFUNDS_PAID] == pytest.approx(1 - 0.5 * Q, rel=1e-13)
    assert F[0, S.FLOW_REFUND] == pytest.approx((1 - 0.5 * Q) * paid, rel=1e-13)
    assert F[1:, S.FLOW_REFUND].sum() == 0.0
    got = value_members(b, _member(59, months, False, paid), discount=0.04)
    assert got.totals["refund"] == pytest.approx(V**0.5 * (1 - 0.5 * Q) * paid, rel=1e-12)
    assert got.totals["old_age"] == 0.0
    # all of it was paid by the valuation date: accrued
    assert got.adl == pytest.approx(V**0.5 * (1 - 0.5 * Q) * paid, rel=1e-12)


def test_active_below_the_condition_gets_back_the_contributions_of_the_projection():
    """An active man of 59 with nothing paid pays 10% of 10M KHR for the half year to
    his birthday, 500,000 KHR; at 60 he has 6 months, not 12, and gets that back (if
    alive: the deaths before the birthday are none of the refunds)."""
    b = _basis(3, 59, 0, True, 0.0, rate=0.10)
    F = project(b).flows[:, 0]
    alive = 1 - 0.5 * Q  # the deaths before the birthday, a share h = 1/2 of the year's
    assert F[0, S.FLOW_NEW_OLD_AGE] == 0.0
    assert F[0, S.FLOW_REFUND] == pytest.approx(alive * 0.1 * 10e6 * 0.5, rel=1e-13)
    got = value_members(b, _member(59, 0, True, 0.0), discount=0.04)
    assert got.totals["refund"] == pytest.approx(V**0.5 * alive * 0.1 * 10e6 * 0.5, rel=1e-12)
    assert got.adl == 0.0  # nothing was paid by the valuation date


def test_refund_interest_is_credited_each_year_end():
    """An inactive man of 58 with 6 months paid (240,000 KHR) and 5% refund interest:
    at 60, in the second year, 240,000 x 1.05 if alive (1% the first year, half of it
    the second)."""
    paid = 240_000.0
    b = _basis(4, 58, 6, False, paid, rate=0.08, interest=0.05)
    F = project(b).flows[:, 0]
    want = (1 - Q) * (1 - 0.5 * Q) * paid * 1.05
    assert F[0, S.FLOW_REFUND] == 0.0
    assert F[1, S.FLOW_REFUND] == pytest.approx(want, rel=1e-13)
    assert project(b).masses[1, S.MASS_PAID, 0, 59] == pytest.approx((1 - Q) * paid * 1.05,
                                                                     rel=1e-13)
    got = value_members(b, _member(58, 6, False, paid), discount=0.04)
    assert got.totals["refund"] == pytest.approx(V**1.5 * want, rel=1e-12)


def test_contributions_paid_at_the_valuation_date_follow_the_rates_of_their_months():
    """The default population (1 January 2025): NSSF contributions started on 1 October
    2022 at 4%, so every member's months were paid at 4%: contributions paid = 4% x
    the months x the career wage (the file's, or the insurable wage within the floor
    and ceiling when blank), whatever the transitional credits."""
    aset = load_basis()
    rules = start_rules(aset)
    assert rules.paid_rate(26) == pytest.approx(0.04, rel=1e-15)
    assert rules.paid_rate(27) == pytest.approx(0.04, rel=1e-15)
    pop = load_population(aset, None)
    basis = build_basis(aset, pop, horizon=2)
    rows = pop.rows[pop.rows["status"].isin(["active", "inactive"])]
    floor, ceiling = 12 * 400_000, 12 * 1_200_000  # KHR a year (Sub-decree 144)
    assert (basis.wage_floor[0], basis.wage_ceiling[0]) == (floor, ceiling)
    wage = pd.to_numeric(rows["average_monthly_wage"]).fillna(0.0)
    career = pd.to_numeric(rows["average_career_wage"]).fillna(
        wage.clip(lower=floor / 12, upper=ceiling / 12))
    want = (0.04 * rows["count"] * rows["credited_months"] * career).sum()
    st = basis.start
    assert st.active_paid.sum() + st.inactive_paid.sum() == pytest.approx(want, rel=1e-12)
    # the credits add to the career earnings, not to what was paid: without them the
    # career (the career wage a month paid) would be exactly 1 / 4% = 25 times it
    paid = st.active_paid.sum() + st.inactive_paid.sum()
    assert (st.active_career.sum() + st.inactive_career.sum()) > 1.2 * 25 * paid
    assert pop.valuation_date == date(2025, 1, 1)
    # nobody can have paid the survivors' 60 months by then (27 months since October
    # 2022): the starting old-age pensioners' survivors get the lump sum
    assert basis.pensioners_short


def test_the_past_rates_of_each_rate_are_its_own():
    """The past months' rates are kept by the rate's dated values (the sensitivity tests
    share them): a rate with another history gets its own, equal to the look-ups made
    one month at a time."""
    from datetime import date

    from actuary.engine.build import PAST_MONTHS, _past_rates, _past_rates_of

    aset = load_basis()
    rate = aset.scheme.parameters.contribution_rate
    other = aset.override({"scheme.parameters.contribution_rate.values":
                           {"2022-10-01": 0.04, "2024-07-01": 0.06}}
                          ).scheme.parameters.contribution_rate
    mine, theirs = _past_rates(rate, aset.valuation_date), _past_rates(other, aset.valuation_date)
    assert mine == _past_rates_of(rate, aset.valuation_date) and len(mine) == PAST_MONTHS
    assert theirs == _past_rates_of(other, aset.valuation_date)
    # December 2024 back to July 2024 at 6%, June 2024 and before at 4%
    assert theirs[:6] == (0.06,) * 6 and theirs[6] == 0.04 and set(mine) == {0.04}
    assert _past_rates(rate, date(2024, 1, 1))[:2] == (0.04, 0.04)
