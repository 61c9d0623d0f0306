"""Invalidity rules of issue 13, rule 7, in both engines.

(a) service credited to the pension age: an invalidity pension is ``accrual x reference
    wage x (credited years + share x years left to the pension age)``; hand cases in both
    engines (present values with the life-table functions), kernels = references.
(b) cover after leaving: a member who stops contributing with the invalidity condition
    stays covered ``c`` years (to the pension age at most); hand cases in both engines,
    the condition tested on the leaver's own service, kernels = references.
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

from actuary.analysis.sensitivity import overlay  # noqa: E402
from actuary.analysis.valuation import load_population  # noqa: E402
from actuary.assumptions import load_basis  # noqa: E402
from actuary.engine import state as S  # noqa: E402
from actuary.engine.build import build_basis  # noqa: E402
from actuary.io.errors import AssumptionError  # noqa: E402
from actuary.engine.basis import SchemeRules, StartingState  # noqa: E402
from actuary.engine.member_kernel import MEMBER_ACTIVE  # noqa: E402
from actuary.engine.projection import project, run_kernel  # noqa: E402
from actuary.life.lifetable import LifeTable  # noqa: E402
from actuary.members.closed_group import MemberSet, value_members  # noqa: E402

ACC, WAGE, CAREER, YEARS = 0.015, 10e6, 80e6, 10


def _one_man(age: int, T: int, exit_rate: float = 0.0, years: int = YEARS, **rules):
    """A man of ``age`` on 1 January, active with 10 credited years, wage 10M and career
    80M KHR a year; no floor or ceiling, pension age 60, death 1% the only decrement but
    for invalidity 1% at his age in the first year; pensions indexed 2%; no survivors'
    pension, lump sum or funeral grant."""
    b = make_basis(5, T, entrants=False, sigma=0.0,
                   rules=SchemeRules(survivor_rate=0.0, funeral_grant_months=0.0,
                                     survivor_lump_sum_months=0.0, **rules))
    q = np.full((T, 2, 111), 0.01)
    q[:, :, -1] = 1.0
    inv = np.zeros((T, 2, 111))
    inv[0, 0, age] = 0.01
    exits = np.zeros((T, 2, 111))
    exits[0, 0, age] = exit_rate
    zeros, z = np.zeros((T, 2, 111)), np.zeros(T)
    start = StartingState.empty()
    start.active_count[0, age, years] = 1.0
    start.active_wage[0, age, years] = WAGE
    start.active_career[0, age, years] = CAREER
    return b.with_(start=start, pension_age=np.full(T, 60), contribution_rate=np.full(T, 0.1),
                   contribution_factor=np.ones(T), credit_factor=np.ones(T), density=np.ones(T),
                   wage_floor=z, wage_ceiling=z, accrual_rate=np.full(T, ACC),
                   minimum_pension=z, revaluation=z, indexation=np.full(T, 0.02),
                   wage_growth=z, funeral_grant_minimum=z, mortality=q, disabled_mortality=q,
                   invalidity=inv, exit=exits, reentry=zeros)


def _hand_pension(age: int, share: float) -> tuple[float, float]:
    """(h, pension of the 1% becoming invalid, KHR a year): invalid mid-way through the part
    h of the year he is a member (to his 60th birthday at 59), aged age + 1/2 on 1 January;
    the reference wage is the career at the invalidity over the credited years then."""
    h = 0.5 if age == 59 else 1.0
    years = YEARS + 0.5 * h  # a full year's credit times h, half of it at the invalidity
    career = CAREER + 0.5 * h * WAGE
    left = 60 - (age + 0.5 + 0.5 * h)
    return h, h * 0.01 * ACC * career / years * (years + share * left)


def _invalidity_value(basis, age: int, h: float) -> float:
    """Present value at 4% of 1 KHR a year of invalidity pension awarded in the first year:
    paid from the invalidity (``1 - h/2`` of the year, at mid-year), then from next year
    indexed 2% and paid mid-year while alive (the disabled's life table)."""
    v = 1 / 1.04
    lt = LifeTable(basis.disabled_mortality[0, 0])
    k = np.arange(110 - age)  # from next year, ages age + 1 .. 110
    later = np.sum(v ** (k + 1.5) * 1.02 ** (k + 1)
                   * np.array([lt.tpx(age + 1, kk) for kk in k]) * (1 - 0.5 * lt.qx[age + 1 + k]))
    return v**0.5 * (1 - 0.5 * h) + later


@pytest.mark.parametrize("age", [40, 59])
@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
def test_invalidity_pension_credits_the_years_to_the_pension_age_cohort(age, share):
    h, pension = _hand_pension(age, share)
    F = project(_one_man(age, 3, invalidity_credited_share=share)).flows[:, 0]
    assert F[0, S.FLOW_NEW_INVALIDITY] == pytest.approx(0.01 * h, rel=1e-13)
    assert F[0, S.FLOW_NEW_INVALIDITY_AMOUNT] == pytest.approx(pension, rel=1e-13)
    # paid from the date of invalidity, then indexed at the year end
    assert F[0, S.FLOW_INVALIDITY] == pytest.approx((1 - 0.5 * h) * pension, rel=1e-13)
    assert F[1, S.FLOW_INVALIDITY] == pytest.approx(pension * 1.02 * (1 - 0.005), rel=1e-13)


@pytest.mark.parametrize("age", [40, 59])
def test_invalidity_pension_credits_the_years_to_the_pension_age_member(age):
    T = 111 - age
    share = 0.5
    h, pension = _hand_pension(age, share)
    basis = _one_man(age, T, invalidity_credited_share=share)
    one = MemberSet(ids=np.array(["m"]), sex=[0], age=[age], status=[MEMBER_ACTIVE],
                    years=[float(YEARS)], wage=[WAGE], career=[CAREER], pension=[0.0])
    got = value_members(basis, one, discount=0.04)
    want = pension * _invalidity_value(basis, age, h)
    assert got.totals["invalidity"] == pytest.approx(want, rel=1e-12)


# ---- (b) cover after leaving ----
@pytest.mark.parametrize("age,cover", [(40, 1.0), (40, 0.5), (59, 1.0), (40, 0.0)])
def test_leavers_are_covered_for_invalidity_cohort(age, cover):
    """10% leave in the year (mid-way through the part h of it); covered ``cover`` years
    (at 59: only to the birthday, a quarter of a year after leaving on average), they
    become invalid at the year's rate of 1% a year of cover, on the pension an
    invalidity at the leaving would give."""
    h = 0.5 if age == 59 else 1.0
    basis = _one_man(age, 3, exit_rate=0.1, invalidity_cover_years=cover)
    F = project(basis).flows[:, 0]
    left = 0.1 * h
    covered = left * 0.01 * min(cover, 60 - (age + 0.5 + 0.5 * h))
    assert F[0, S.FLOW_NEW_INVALIDITY] == pytest.approx(0.01 * h + covered, rel=1e-13)
    _, pension = _hand_pension(age, 0.0)  # of the 0.01 h actives becoming invalid
    assert F[0, S.FLOW_NEW_INVALIDITY_AMOUNT] == pytest.approx(
        pension * (1 + covered / (0.01 * h)), rel=1e-13)
    assert F[0, S.FLOW_EXITS] == pytest.approx(left - covered, rel=1e-13)
    if age < 59:  # the leavers not invalid are inactive next year
        assert project(basis).people[1, S.STATUS_INACTIVE, 0].sum() == pytest.approx(
            left - covered, rel=1e-13)


def test_leavers_without_the_condition_are_not_covered():
    basis = _one_man(40, 3, exit_rate=0.1, years=3, invalidity_cover_years=1.0)
    F = project(basis).flows[:, 0]
    assert F[0, S.FLOW_NEW_INVALIDITY] == 0.0  # 3 years: below the 5 the condition asks
    # the invalid without a pension leave too
    assert F[0, S.FLOW_EXITS] == pytest.approx(0.1 + 0.01, rel=1e-13)


@pytest.mark.parametrize("age", [40, 59])
def test_leavers_are_covered_for_invalidity_member(age):
    T = 111 - age
    h = 0.5 if age == 59 else 1.0
    basis = _one_man(age, T, exit_rate=0.1, invalidity_cover_years=1.0)
    one = MemberSet(ids=np.array(["m"]), sex=[0], age=[age], status=[MEMBER_ACTIVE],
                    years=[float(YEARS)], wage=[WAGE], career=[CAREER], pension=[0.0])
    got = value_members(basis, one, discount=0.04)
    _, pension = _hand_pension(age, 0.0)
    covered = 0.1 * h * 0.01 * min(1.0, 60 - (age + 0.5 + 0.5 * h))
    want = pension * (1 + covered / (0.01 * h)) * _invalidity_value(basis, age, h)
    assert got.totals["invalidity"] == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("key,value,field,want", [
    ("invalidity_credited_share", 0.5, "invalidity_credited_share", 0.5),
    ("invalidity_cover_months", 6, "invalidity_cover_years", 0.5),
])
def test_the_scheme_file_gives_the_rule(key, value, field, want):
    """The NSSF file has the rule off (0); an overlay setting it reaches the basis."""
    aset = load_basis()
    assert float(getattr(aset.scheme.parameters, key).value_at(date(2025, 1, 1))) == 0
    pop = load_population(aset, None)
    assert getattr(build_basis(aset, pop, horizon=2).rules, field) == 0.0
    changes = {f"scheme.parameters.{key}.values": {"2022-10-01": value}}
    if key == "invalidity_cover_months":  # (a cover in months: not to the pension age)
        changes["scheme.parameters.invalidity_cover_until.values"] = {
            "2022-10-01": "months_after_leaving"}
    changed = overlay(aset, changes, key)
    basis = build_basis(changed, pop, horizon=2)
    assert getattr(basis.rules, field) == want
    # the credited years depend on each year of service: no merged slots
    assert (basis.service_slots == 51) == (key == "invalidity_credited_share")


def test_a_cover_longer_than_the_kernels_value_is_refused():
    aset = load_basis()
    long = overlay(aset, {"scheme.parameters.invalidity_cover_months.values":
                          {"2022-10-01": 36}}, "three years")
    with pytest.raises(AssumptionError) as err:
        build_basis(long, load_population(aset, None), horizon=2)
    assert "invalidity_cover_months" in str(err.value) and "24" in str(err.value)


# ---- kernels = references, with the rules (and without them, for the comparison) ----
CREDIT = {"invalidity_credited_share": 0.6}
COVER = {"invalidity_credited_share": 0.3, "invalidity_cover_years": 1.5}


@pytest.mark.parametrize("new,final,sigma,flow,more", [
    (CREDIT, False, 0.3, S.FLOW_NEW_INVALIDITY_AMOUNT, 1.2),
    (CREDIT, True, 0.0, S.FLOW_NEW_INVALIDITY_AMOUNT, 1.2),
    (CREDIT, True, 0.4, S.FLOW_NEW_INVALIDITY_AMOUNT, 1.2),
    (COVER, False, 0.3, S.FLOW_NEW_INVALIDITY, 1.05),
    (COVER, True, 0.4, S.FLOW_NEW_INVALIDITY, 1.05),
])
def test_kernel_agrees_with_reference(new, final, sigma, flow, more):
    rules = SchemeRules(invalidity_minimum_rate=0.2, final_salary=final, **new)
    basis = make_basis(11, 35, rules=rules, sigma=sigma)
    got = run_kernel(basis)
    for a, b in zip(got, project_reference(basis)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-3)
    # not vacuous: the rule raises the new invalidity pensions (amounts, or counts)
    without = run_kernel(basis.with_(rules=SchemeRules(invalidity_minimum_rate=0.2,
                                                       final_salary=final)))[0]
    assert got[0][:, :, flow].sum() > more * without[:, :, flow].sum()


@pytest.mark.parametrize("seed,new,more", [
    # (by 9%: the invalidity minimum of 20% of the reference wage binds for many)
    (5, {"invalidity_credited_share": 0.6}, 1.05),
    # (a little: most of these members' invalidity comes from the actives' own)
    (6, {"invalidity_cover_years": 1.0}, 1.005),
])
def test_member_kernel_agrees_with_reference(seed, new, more):
    members, _ = random_members(seed)
    rules = SchemeRules(invalidity_minimum_rate=0.2, **new)
    basis = make_basis(seed, 35, entrants=False, rules=rules)
    got = agrees_with_reference(basis, members, 3)
    plain = value_members(basis.with_(rules=SchemeRules(invalidity_minimum_rate=0.2)), members)
    assert got.totals["invalidity"] > more * plain.totals["invalidity"]
