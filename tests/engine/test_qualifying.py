"""Qualifying periods on each member's own record (issue 13, rules 1 and 3).

The conditions the law words in months of contributions (12 for an old-age pension, 60
for invalidity and survivors' pensions) are tested on the months each member has
actually paid, in both engines: a member's months are never split over two service
slots, and the transitional credits count toward the amount (the career earnings), not
toward the months. Hand cases, present values with the life-table functions.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import make_basis  # noqa: E402

from actuary.engine import state as S  # noqa: E402
from actuary.engine.basis import SchemeRules, StartingState  # noqa: E402
from actuary.engine.member_kernel import MEMBER_ACTIVE, MEMBER_INACTIVE  # noqa: E402
from actuary.engine.projection import project  # noqa: E402
from actuary.life.lifetable import LifeTable  # noqa: E402
from actuary.members.closed_group import MemberSet, value_members  # noqa: E402

V = 1 / 1.04  # the member engine's discount: 4% a year
Q = 0.01  # death (and disabled death) a year
IX = 0.02  # indexation of pensions in payment


def _basis(T: int, sex: int, age: int, months: float, active: bool, career: float,
           invalidity: float = 0.0):
    """One member of ``sex`` aged ``age`` on 1 January with ``months`` paid, active (wage
    10M KHR a year) or inactive, career earnings ``career`` (KHR); rate 10%, accrual 1.5%,
    pension age 60 (on the birthday, mid-year), no floor, ceiling or minimum; death 1% a
    year the only decrement but an invalidity rate ``invalidity`` in the first year;
    pensions indexed 2%; no survivors' pension, lump sum or funeral grant. The cohort
    state is by months paid (slot ``months // 6``)."""
    b = make_basis(5, T, entrants=False, sigma=0.0,
                   rules=SchemeRules(survivor_rate=0.0, funeral_grant_months=0.0,
                                     survivor_lump_sum_months=0.0))
    q = np.full((T, 2, 111), Q)
    q[:, :, -1] = 1.0
    inv = np.zeros((T, 2, 111))
    inv[0, sex, age] = invalidity
    zeros, z = np.zeros((T, 2, 111)), np.zeros(T)
    start = replace(StartingState.empty(), service_unit="paid")
    n = int(months // 6)
    if active:
        start.active_count[sex, age, n] = 1.0
        start.active_wage[sex, age, n] = 10e6
        start.active_career[sex, age, n] = career
    else:
        start.inactive_count[sex, age, n] = 1.0
        start.inactive_career[sex, age, n] = career
    return b.with_(start=start, pension_age=np.full(T, 60), contribution_rate=np.full(T, 0.1),
                   contribution_factor=np.ones(T), credit_factor=np.ones(T), density=np.ones(T),
                   wage_floor=z, wage_ceiling=z, accrual_rate=np.full(T, 0.015),
                   minimum_pension=z, revaluation=z, indexation=np.full(T, IX),
                   wage_growth=z, funeral_grant_minimum=z, mortality=q, disabled_mortality=q,
                   invalidity=inv, exit=zeros, reentry=zeros,
                   salary_growth=np.ones((2, 111)))


def _member(sex: int, age: int, months: float, active: bool, career: float) -> MemberSet:
    return MemberSet(ids=np.array(["m"]), sex=[sex], age=[age],
                     status=[MEMBER_ACTIVE if active else MEMBER_INACTIVE],
                     years=[months / 12.0], wage=[10e6 if active else 0.0], career=[career],
                     pension=[0.0], months=[months])


def _annuity_from_next_year(basis, sex: int, age: int) -> float:
    """Value at the valuation date of 1 KHR a year from 1 January of year 1 at ``age``,
    indexed 2% a year from the start, paid mid-year while alive (1 - q/2 in the year of
    death), to the end of the table."""
    lt = LifeTable(basis.mortality[0, sex])
    k = np.arange(111 - age)
    alive = np.array([lt.tpx(age, kk) for kk in k])
    return float(np.sum(V ** (k + 1.5) * (1 + IX) ** (k + 1) * alive
                        * (1 - 0.5 * lt.qx[age + k])))


@pytest.mark.parametrize("months", [6, 11])
def test_leaver_below_12_months_gets_no_pension(months):
    """An inactive man of 59 with 6 or 11 months paid cannot pay more before 60: no
    pension (the old state split 6 months over the slots of 0 and 1 year, and half of
    him got a pension)."""
    career = months * 1e6  # 1M KHR a month
    b = _basis(3, 0, 59, months, False, career)
    F = project(b).flows[:, 0]
    assert F[0, S.FLOW_RETIREMENTS] == pytest.approx(1 - 0.5 * Q, rel=1e-13)
    assert F[0, S.FLOW_NEW_OLD_AGE] == 0.0
    assert F[0, S.FLOW_REFUNDS_PAID] == pytest.approx(1 - 0.5 * Q, rel=1e-13)
    assert F[:, S.FLOW_OLD_AGE].sum() == 0.0
    got = value_members(b.with_(indexation=np.full(3, IX)), _member(0, 59, months, False,
                                                                    career), discount=0.04)
    assert got.totals["old_age"] == 0.0 and got.totals["refund"] > 0.0


@pytest.mark.parametrize("months", [12, 17])
def test_leaver_with_12_months_gets_a_pension(months):
    """An inactive woman of 59 with 12 (or 17) months paid: at 60, on 1 July, an old-age
    pension of 1.5% of her career, paid half a year, then indexed, for life."""
    T = 60
    career = 12e6
    b = _basis(T, 1, 59, months, False, career)
    F = project(b).flows[:, 1]
    pension = 0.015 * career
    assert F[0, S.FLOW_NEW_OLD_AGE] == pytest.approx(1 - 0.5 * Q, rel=1e-13)
    assert F[0, S.FLOW_NEW_OLD_AGE_AMOUNT] == pytest.approx((1 - 0.5 * Q) * pension, rel=1e-13)
    assert F[0, S.FLOW_REFUNDS_PAID] == 0.0
    got = value_members(b, _member(1, 59, months, False, career), discount=0.04)
    want = (1 - 0.5 * Q) * pension * (V**0.5 * 0.5 + _annuity_from_next_year(b, 1, 60))
    assert got.totals["old_age"] == pytest.approx(want, rel=1e-12)
    assert got.totals["refund"] == 0.0


@pytest.mark.parametrize("months,pension", [(5, False), (6, True)])
def test_active_reaching_60_can_still_qualify(months, pension):
    """An active man of 59 pays six more months to his birthday: with 6 months paid he
    has 12 at 60 and a pension; with 5, 11 and a refund."""
    b = _basis(3, 0, 59, months, True, months * 1e6)
    F = project(b).flows[:, 0]
    assert (F[0, S.FLOW_NEW_OLD_AGE] > 0) == pension
    assert (F[0, S.FLOW_REFUNDS_PAID] > 0) != pension
    got = value_members(b, _member(0, 59, months, True, months * 1e6), discount=0.04)
    assert (got.totals["old_age"] > 0) == pension
    assert (got.totals["refund"] > 0) != pension


@pytest.mark.parametrize("months,paid_at_invalidity", [(53, 59), (54, 60)])
def test_invalidity_needs_60_months_paid_at_the_date(months, paid_at_invalidity):
    """An active man of 40 becomes invalid mid-year (rate 0.3% in the first year only),
    having paid six more months: 59 months give no invalidity pension (he becomes
    inactive), 60 give 1.5% of the career at mid-year, paid from the date of invalidity,
    indexed, for life (the disabled mortality 1%)."""
    T = 75
    qi = 0.003
    career = 40e6
    b = _basis(T, 0, 40, months, True, career, invalidity=qi)
    F = project(b).flows[:, 0]
    pension = 0.015 * (career + 0.5 * 10e6)  # the career at mid-year
    if paid_at_invalidity >= 60:
        assert F[0, S.FLOW_NEW_INVALIDITY] == pytest.approx(qi, rel=1e-13)
        assert F[0, S.FLOW_NEW_INVALIDITY_AMOUNT] == pytest.approx(qi * pension, rel=1e-13)
        assert F[0, S.FLOW_EXITS] == 0.0
    else:
        assert F[0, S.FLOW_NEW_INVALIDITY] == 0.0
        assert F[0, S.FLOW_EXITS] == pytest.approx(qi, rel=1e-13)  # invalid, no pension
    got = value_members(b, _member(0, 40, months, True, career), discount=0.04)
    want = qi * pension * (V**0.5 * 0.5 + _annuity_from_next_year(b, 0, 41))
    if paid_at_invalidity >= 60:
        assert got.totals["invalidity"] == pytest.approx(want, rel=1e-12)
    else:
        assert got.totals["invalidity"] == 0.0


def test_credits_count_toward_the_amount_not_the_months():
    """Transitional credits are credited years, not months paid: an inactive man of 59
    with 6 months paid and 10 credited years (career 60M KHR) gets no pension, where a
    member with the same career and 12 months paid gets 1.5% of it."""
    b = _basis(3, 0, 59, 6, False, 60e6)
    assert project(b).flows[0, 0, S.FLOW_NEW_OLD_AGE] == 0.0
    one = MemberSet(ids=np.array(["m"]), sex=[0], age=[59], status=[MEMBER_INACTIVE],
                    years=[10.5], wage=[0.0], career=[60e6], pension=[0.0], months=[6.0])
    assert value_members(b, one, discount=0.04).totals["old_age"] == 0.0
    b12 = _basis(3, 0, 59, 12, False, 60e6)
    F = project(b12).flows[0, 0]
    assert F[S.FLOW_NEW_OLD_AGE_AMOUNT] == pytest.approx((1 - 0.5 * Q) * 0.015 * 60e6,
                                                         rel=1e-13)


@pytest.mark.parametrize("months", [12, 60])
def test_survivors_of_a_pensioner_need_the_deceased_s_60_months(months):
    """An inactive man of 59 retires at 60 with 12 (60) months paid; dying as a pensioner,
    he leaves a survivors' pension only with 60 months paid, else the lump sum of one
    month's pension (half the deaths leave a spouse, none children). Both engines:
    year 1's flows by hand, and the present value of the lump sums with the life table."""
    T = 60
    career = 12e6
    married = np.full((2, 111), 0.5)
    b = _basis(T, 0, 59, months, False, career).with_(
        rules=SchemeRules(survivor_rate=0.45, funeral_grant_months=0.0,
                          survivor_lump_sum_months=1.0),
        share_married=married, child_probability=np.zeros((2, 111)),
        children=np.zeros((2, 111)))
    p = project(b)
    pension = 0.015 * career
    mass_1 = (1 - 0.5 * Q) * pension * (1 + IX)  # on 1 January of year 1, indexed
    if months >= 60:
        assert p.flows[1, 1, S.FLOW_NEW_SPOUSES] == pytest.approx(0.5 * Q * (1 - 0.5 * Q),
                                                                  rel=1e-13)
        assert p.flows[1, 0, S.FLOW_SURVIVOR_LUMP] == 0.0
    else:
        assert p.flows[1, 1, S.FLOW_NEW_SPOUSES] == 0.0
        assert p.flows[1, 0, S.FLOW_SURVIVOR_LUMP] == pytest.approx(0.5 / 12 * Q * mass_1,
                                                                    rel=1e-13)
    got = value_members(b, _member(0, 59, months, False, career), discount=0.04)
    lt = LifeTable(b.mortality[0, 0])
    k = np.arange(111 - 60)  # ages 60 .. 110 (the last: all die)
    alive = np.array([lt.tpx(60, kk) for kk in k])
    lumps = np.sum(V ** (k + 1.5) * mass_1 * (1 + IX) ** k * alive * lt.qx[60 + k] * 0.5 / 12)
    # and the deaths before the birthday (half the year's, as an inactive member's)
    lumps += V**0.5 * 0.5 / 12 * 0.5 * Q * pension
    if months >= 60:
        assert got.totals["survivors"] > 0.0 and got.totals["survivor_lump_sum"] == 0.0
    else:
        assert got.totals["survivors"] == 0.0
        assert got.totals["survivor_lump_sum"] == pytest.approx(lumps, rel=1e-9)
