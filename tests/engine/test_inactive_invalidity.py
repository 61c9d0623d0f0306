"""Issue 13, rule 7, the literal reading: members who stopped contributing and meet the
invalidity condition on their own record (60 months paid for the NSSF) stay covered for
invalidity to the pension age (``SchemeRules.invalidity_cover_to_pension_age``).

Hand cases in both engines (the cohort's counts and amounts, the member engine's present
value with the life-table functions), the kernels against their numpy references, the
member and cohort engines on one member a cell, people conserved, and the scheme file.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "members"))
from conftest import make_basis  # noqa: E402
from reference_projection import project_reference  # noqa: E402
from test_closed_group import agrees_with_reference, random_members  # noqa: E402
from test_projection_kernel import _balance  # noqa: E402

from actuary.analysis.sensitivity import overlay  # noqa: E402
from actuary.analysis.valuation import load_population  # noqa: E402
from actuary.assumptions import load_basis  # noqa: E402
from actuary.engine import state as S  # noqa: E402
from actuary.engine.basis import SchemeRules, StartingState  # noqa: E402
from actuary.engine.build import build_basis  # noqa: E402
from actuary.engine.member_kernel import MEMBER_INACTIVE  # noqa: E402
from actuary.engine.projection import project, run_kernel  # noqa: E402
from actuary.io.errors import AssumptionError  # noqa: E402
from actuary.life.lifetable import LifeTable  # noqa: E402
from actuary.members.closed_group import MemberSet, value_members  # noqa: E402

ACC, CAREER, PAID, REV = 0.015, 80e6, 4e6, 0.03
ON = {"invalidity_cover_to_pension_age": True}


def _one_inactive(age: int, months: int, T: int, **rules):
    """A man of ``age`` on 1 January, inactive with ``months`` of contributions paid and
    career earnings of 80M KHR (revalued 3% a year); pension age 60, death 1% a year,
    invalidity 1% a year at every age (60 and over too), no exits or re-entries, pensions
    indexed 2%; no survivors' pension, lump sum or funeral grant."""
    b = make_basis(5, T, entrants=False, sigma=0.0,
                   rules=SchemeRules(survivor_rate=0.0, funeral_grant_months=0.0,
                                     survivor_lump_sum_months=0.0, **rules))
    q = np.full((T, 2, 111), 0.01)
    q[:, :, -1] = 1.0
    inv = np.full((T, 2, 111), 0.01)
    inv[:, :, -1] = 0.0
    zeros, z = np.zeros((T, 2, 111)), np.zeros(T)
    start = StartingState.empty()
    slot = months // 6  # months paid in slots of 6 (slot k: 6k to 6k + 5 months)
    start.inactive_count[0, age, slot] = 1.0
    start.inactive_career[0, age, slot] = CAREER
    paid = np.zeros_like(start.inactive_count)
    paid[0, age, slot] = PAID
    start = StartingState(**{**{k: getattr(start, k) for k in start.__dataclass_fields__},
                             "service_unit": "paid", "inactive_paid": paid,
                             "active_paid": np.zeros_like(paid)})
    return b.with_(start=start, pension_age=np.full(T, 60), contribution_rate=np.full(T, 0.1),
                   contribution_factor=np.ones(T), credit_factor=np.ones(T), density=np.ones(T),
                   wage_floor=z, wage_ceiling=z, accrual_rate=np.full(T, ACC),
                   minimum_pension=z, revaluation=np.full(T, REV), indexation=np.full(T, 0.02),
                   wage_growth=z, funeral_grant_minimum=z, mortality=q, disabled_mortality=q,
                   invalidity=inv, exit=zeros, reentry=zeros)


def _hand_awards(age: int) -> list[tuple[int, float, float, float]]:
    """``(year, h, invalid, pension each)`` of each year to the pension age: alive and
    inactive at the start of the year with chance p, invalid with chance p x h x 1%
    (h the part of the year before the 60th birthday), on 1.5% of the career revalued
    3% a year; deaths h x 1%."""
    out, p = [], 1.0
    for t, x in enumerate(range(age, 60)):
        h = 0.5 if x == 59 else 1.0
        out.append((t, h, p * h * 0.01, ACC * CAREER * (1 + REV) ** t))
        p *= 1 - h * 0.01 - h * 0.01
    return out


@pytest.mark.parametrize("age", [50, 59])
def test_an_inactive_with_60_months_is_covered_cohort(age):
    basis = _one_inactive(age, 60, 12, **ON)
    p = project(basis)
    F = p.flows[:, 0]
    for t, h, n, pension in _hand_awards(age):
        assert F[t, S.FLOW_NEW_INVALIDITY] == pytest.approx(n, rel=1e-12)
        assert F[t, S.FLOW_NEW_INVALIDITY_AMOUNT] == pytest.approx(n * pension, rel=1e-12)
    # paid from the date of invalidity in the year of award (then indexed 2% at its end)
    _, h, n, pension = _hand_awards(age)[0]
    assert F[0, S.FLOW_INVALIDITY] == pytest.approx((1 - 0.5 * h) * n * pension, rel=1e-12)
    # the invalid leave the inactives; nobody after the pension age becomes invalid
    if age == 50:
        assert p.people[1, S.STATUS_INACTIVE, 0, 51] == pytest.approx(0.98, rel=1e-13)
        assert p.people[1, S.STATUS_INVALIDITY, 0, 51] == pytest.approx(0.01, rel=1e-13)
    last = len(_hand_awards(age))
    assert F[last:, S.FLOW_NEW_INVALIDITY].sum() == 0.0


@pytest.mark.parametrize("months,rules", [(59, ON), (60, {}), (300, {})])
def test_no_cover_below_the_condition_or_without_the_rule_cohort(months, rules):
    """59 months paid: below the 60 of the condition; without the rule: not covered."""
    basis = _one_inactive(50, months, 5, **rules)
    p = project(basis)
    assert p.flows[:, 0, S.FLOW_NEW_INVALIDITY].sum() == 0.0
    assert p.people[1, S.STATUS_INACTIVE, 0, 51] == pytest.approx(0.99, rel=1e-13)


def test_an_inactive_at_the_pension_age_is_not_covered():
    """Aged 60 on 1 January (past the pension age: he retires in the year), with the
    invalidity rate at 60 of 1%: no invalidity."""
    basis = _one_inactive(60, 120, 3, **ON)
    F = project(basis).flows[:, 0]
    assert F[:, S.FLOW_NEW_INVALIDITY].sum() == 0.0
    assert F[0, S.FLOW_NEW_OLD_AGE] > 0.9  # he retires instead


def _invalidity_value(basis, age: int, h: float, t: int) -> float:
    """Present value at 4% of 1 KHR a year of invalidity pension awarded in year ``t`` at
    ``age``: paid from the invalidity (``1 - h/2`` of the year, at mid-year), then from
    next year indexed 2% and paid mid-year while alive (the disabled's life table)."""
    v = 1 / 1.04
    lt = LifeTable(basis.disabled_mortality[0, 0])
    k = np.arange(110 - age)
    later = np.sum(v ** (k + 1.5) * 1.02 ** (k + 1)
                   * np.array([lt.tpx(age + 1, kk) for kk in k]) * (1 - 0.5 * lt.qx[age + 1 + k]))
    return v ** t * (v**0.5 * (1 - 0.5 * h) + later)


@pytest.mark.parametrize("months", [60, 59])
def test_an_inactive_with_60_months_is_covered_member(months):
    age = 50
    basis = _one_inactive(age, months, 111 - age, **ON)
    one = MemberSet(ids=np.array(["m"]), sex=[0], age=[age], status=[MEMBER_INACTIVE],
                    years=[months / 12], wage=[0.0], career=[CAREER], pension=[0.0],
                    months=[float(months)], paid=[PAID])
    got = value_members(basis, one, discount=0.04)
    want = sum(n * pension * _invalidity_value(basis, age + t, h, t)
               for t, h, n, pension in _hand_awards(age)) if months >= 60 else 0.0
    assert got.totals["invalidity"] == pytest.approx(want, rel=1e-12, abs=1e-6)
    if months >= 60:
        # the accrued part: his whole career is accrued (no more contributions)
        no_rule = value_members(basis.with_(rules=SchemeRules(
            survivor_rate=0.0, funeral_grant_months=0.0, survivor_lump_sum_months=0.0)), one,
            discount=0.04)
        assert got.adl > no_rule.adl


# ---- kernels = references, with the rule ----
@pytest.mark.parametrize("new,final,sigma", [
    ({}, False, 0.3),  # paid slots (the NSSF's): the condition exact on months paid
    ({"invalidity_minimum_rate": 0.2, "invalidity_credited_share": 0.4}, False, 0.3),
    ({"invalidity_minimum_rate": 0.2}, True, 0.0),
    ({"invalidity_credited_share": 0.4}, True, 0.4),
])
def test_kernel_agrees_with_reference(new, final, sigma):
    rules = SchemeRules(final_salary=final, invalidity_cover_to_pension_age=True, **new)
    basis = make_basis(12, 35, rules=rules, sigma=sigma)
    got = run_kernel(basis)
    for a, b in zip(got, project_reference(basis)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-3)
    # not vacuous: the inactives' invalidity raises the new invalidity pensions
    without = run_kernel(basis.with_(rules=SchemeRules(final_salary=final, **new)))[0]
    assert (got[0][:, :, S.FLOW_NEW_INVALIDITY].sum()
            > 1.1 * without[:, :, S.FLOW_NEW_INVALIDITY].sum())


def test_people_are_conserved_with_the_rule():
    """The invalid inactives move to the invalidity pensioners, none created or lost
    (the balance of tests/engine/test_projection_kernel.py)."""
    proj = project(make_basis(13, 40, rules=SchemeRules(invalidity_cover_to_pension_age=True)))
    scale = proj.people.sum(axis=(1, 3)).max()
    assert np.abs(_balance(proj)).max() < 1e-10 * scale


@pytest.mark.parametrize("seed,new", [
    (5, {}),
    (6, {"invalidity_minimum_rate": 0.2, "invalidity_credited_share": 0.5}),
])
def test_member_kernel_agrees_with_reference(seed, new):
    members, _ = random_members(seed)
    rules = SchemeRules(invalidity_cover_to_pension_age=True, **new)
    basis = make_basis(seed, 35, entrants=False, rules=rules)
    got = agrees_with_reference(basis, members, 3)
    plain = value_members(basis.with_(rules=SchemeRules(**new)), members)
    assert got.totals["invalidity"] > 1.02 * plain.totals["invalidity"]


# ---- the scheme file ----
def test_the_nssf_file_covers_inactives_to_the_pension_age():
    aset = load_basis()
    param = aset.scheme.parameters.invalidity_cover_until
    assert param.value_at(date(2025, 1, 1)) == "pension_age" and param.status == "unverified"
    pop = load_population(aset, None)
    assert build_basis(aset, pop, horizon=2).rules.invalidity_cover_to_pension_age
    off = overlay(aset, {"scheme.parameters.invalidity_cover_until.values":
                         {"2022-10-01": "months_after_leaving"}}, "off")
    assert not build_basis(off, pop, horizon=2).rules.invalidity_cover_to_pension_age


@pytest.mark.parametrize("changes,key", [
    # a cover in months beside the cover to the pension age
    ({"scheme.parameters.invalidity_cover_months.values": {"2022-10-01": 6}},
     "invalidity_cover_months"),
    # a change of the choice during the projection
    ({"scheme.parameters.invalidity_cover_until.values":
      {"2022-10-01": "pension_age", "2030-01-01": "months_after_leaving"}},
     "invalidity_cover_until"),
])
def test_bad_combinations_are_refused(changes, key):
    aset = load_basis()
    bad = overlay(aset, changes, "bad")
    with pytest.raises(AssumptionError) as err:
        build_basis(bad, load_population(aset, None), horizon=10)
    assert key in str(err.value)


def test_an_unknown_choice_is_refused():
    aset = load_basis()
    with pytest.raises(AssumptionError) as err:
        overlay(aset, {"scheme.parameters.invalidity_cover_until.values":
                       {"2022-10-01": "forever"}}, "bad")
    assert "invalidity_cover_until" in str(err.value) and "forever" in str(err.value)
