"""Member-level closed-group valuation (issue 6): the numba kernel against the numpy
reference, the sum over members against the cohort projection, hand calculations with
the life-table functions, and the accrued-to-date liability's identities."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import numba
import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import make_basis  # noqa: E402
from reference_members import value_members_reference  # noqa: E402

from actuary.engine import member_kernel as mk  # noqa: E402
from actuary.life.annuities import Discount  # noqa: E402
from actuary.engine.basis import SchemeRules
from actuary.engine.build import StartRules
from actuary.members.closed_group import (
    MemberSet,
    cohort_values,
    discount_factors,
    funeral_thresholds,
    value_members,
    value_population,
)
from actuary.io.errors import AssumptionError
from actuary.life.lifetable import LifeTable
from actuary.engine.state import N_AGE
from actuary.engine.starting import StartingPopulation

FLOOR_M, CEILING_M = 4.8e6 / 12, 14.4e6 / 12  # make_basis's floor and ceiling, KHR a month


def random_members(seed: int, n: int = 400) -> tuple[MemberSet, StartingPopulation]:
    """Members of every status and the same people as a starting population (a row each)."""
    rng = np.random.default_rng(seed)
    status = rng.choice(["active", "inactive", "old_age", "invalidity", "spouse", "orphan"],
                        size=n, p=[0.5, 0.25, 0.1, 0.05, 0.05, 0.05])
    sex = rng.choice(["M", "F"], size=n)
    age = np.where(status == "orphan", rng.integers(0, 18, n), rng.integers(18, 95, n))
    age = np.where(np.isin(status, ["active", "inactive"]), rng.integers(16, 70, n), age)
    member = np.isin(status, ["active", "inactive"])
    months = np.where(member, rng.integers(0, 130, n), 0)
    wage_m = np.where(status == "active", rng.uniform(3e5, 1.5e6, n), np.nan)
    last_m = np.where(status == "inactive", rng.uniform(4e5, 1.2e6, n), np.nan)
    pension_m = np.where(member, np.nan, rng.uniform(1e5, 9e5, n))
    rows = pd.DataFrame({
        "status": status, "sex": sex, "age": age, "credited_months": np.where(member, months, np.nan),
        "count": 1.0, "average_monthly_wage": wage_m, "average_career_wage": last_m,
        "average_monthly_pension": pension_m,
    })
    pop = StartingPopulation(rows=rows, valuation_date=date(2025, 1, 1), reserve=0.0, name="test")
    years = months / 12.0
    career_wage = np.where(status == "active", np.clip(np.nan_to_num(wage_m), FLOOR_M, CEILING_M),
                           np.nan_to_num(last_m))
    codes = {"active": 0, "inactive": 1, "old_age": 2, "invalidity": 3, "spouse": 4, "orphan": 5}
    members = MemberSet(
        ids=np.array([f"m{i}" for i in range(n)]), sex=(sex == "F").astype(int), age=age,
        status=np.array([codes[v] for v in status]), years=years,
        wage=12.0 * np.nan_to_num(wage_m), career=12.0 * career_wage * years,
        pension=12.0 * np.nan_to_num(pension_m))
    return members, pop


def agrees_with_reference(basis, members, chunks: int):
    """The member engine's values of ``members`` (in ``chunks``), each checked against the
    numpy reference (tests/reference_members.py) to 1e-12 relative, member by member."""
    got = value_members(basis, members, chunks=chunks)
    want = value_members_reference(basis, members)
    for name, ref in zip(("pvfc", "pvfb", "adl"), want):
        np.testing.assert_allclose(got.by_member[name].to_numpy(), ref, rtol=1e-12, atol=1e-6,
                                   err_msg=name)
    return got



def linear_basis(seed: int, pop: StartingPopulation, n_years: int = 40):
    """A random closed-group basis on which no floor, ceiling or minimum binds."""
    b = make_basis(seed, n_years, entrants=False, rules=SchemeRules())
    z = np.zeros(n_years)
    return b.with_(start=pop.to_state(FLOOR_M, CEILING_M, paid_slots=True), wage_floor=z,
                   wage_ceiling=z,
                   minimum_pension=z, funeral_grant_minimum=z)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kernel_matches_the_numpy_reference(seed):
    """Random bases where the floor, ceiling and minimums bind: to 1e-12, member by member."""
    members, _ = random_members(seed)
    rules = SchemeRules(invalidity_minimum_rate=0.2) if seed == 0 else SchemeRules()
    basis = make_basis(seed, 35, entrants=False, rules=rules)
    got = agrees_with_reference(basis, members, 7)
    # not vacuous: nearly everyone has benefits (a member with no credits and no wage may not)
    assert got.by_member["pvfb"].ge(0).all() and got.by_member["pvfb"].gt(0).mean() > 0.9


@pytest.mark.parametrize("seed", [3, 4])
def test_sum_over_members_equals_the_cohort_projection(seed):
    members, pop = random_members(seed, 600)
    basis = linear_basis(seed, pop)
    got = value_members(basis, members)
    cohort = cohort_values(basis, got.v_mid)
    for branch, value in cohort.items():
        assert value > 0, branch
        assert got.totals[branch] == pytest.approx(value, rel=1e-9), branch


def test_members_alike_but_for_their_money_are_valued_alone():
    """The kernel values members of the same sex, age, status and service side by side
    (blocks of up to LANES, sharing every probability): each must still get the
    reference's value for its own wage and career, where the floor, ceiling and
    minimums bind for some of them and not for others."""
    rng = np.random.default_rng(11)
    n = 2400
    status = rng.choice([0, 1], size=n, p=[0.7, 0.3])
    sex = rng.integers(0, 2, n)
    age = rng.choice([24, 58], size=n)
    years = rng.choice([0.0, 2.5, 7.25], size=n, p=[0.8, 0.1, 0.1])  # groups past LANES
    wage = np.where(status == 0, rng.uniform(0.2, 2.0, n) * 12 * FLOOR_M * 2, 0.0)
    career = rng.uniform(0.0, 1.5, n) * 12 * FLOOR_M * 2 * years
    members = MemberSet(ids=np.array([f"m{i}" for i in range(n)]), sex=sex, age=age,
                        status=status, years=years, wage=wage, career=career,
                        pension=np.zeros(n))
    _, start, length, _ = mk.member_blocks(members.sex, members.age, members.status,
                                           members.years, N_AGE)
    assert length.max() == mk.LANES and (length < mk.LANES).any()  # full and part blocks
    assert len(start) < n / 10
    basis = make_basis(8, 45, entrants=False, rules=SchemeRules(invalidity_minimum_rate=0.2))
    got = agrees_with_reference(basis, members, 3)
    # the money differs within blocks, so must the values
    assert got.by_member.groupby(["sex", "age", "status", "service_years"],
                                 observed=True)["pvfb"].nunique().max() > 30


@pytest.mark.parametrize("n", [0, 1, 7, 20_000])
def test_numpys_blocks_are_the_compiled_ones(n):
    """group_blocks (numpy, for a starting population's cells) gives member_blocks's very
    arrays: the same groups in the same order, the same blocks and pensioners, so the
    entries value and sum in the same order whichever found them."""
    from actuary.engine.member_blocks import blocks_of, group_blocks

    rng = np.random.default_rng(13)
    sex, age = rng.integers(0, 2, n), rng.integers(16, 70, n)
    status = rng.choice(6, size=n, p=[0.5, 0.3, 0.05, 0.05, 0.05, 0.05])
    years = rng.integers(0, 40, n) / 4.0
    years[::7] = -0.0  # another group than 0.0
    if n == 20_000:
        status[:3000], sex[:3000], age[:3000], years[:3000] = 0, 1, 30, 2.5  # many blocks
    want = mk.member_blocks(sex, age, status, years, N_AGE)
    for got in (group_blocks(sex, age, status, years, N_AGE),
                blocks_of(sex, age, status, years, N_AGE)):
        for a, b in zip(got, want):
            assert a.dtype == np.int64 and np.array_equal(a, b)


def test_member_blocks_share_out_every_member_once():
    """Blocks hold members alike in sex, age, status and service, at most LANES each, a
    group's blocks all full but its last; every member is in one block or among the
    pensioners (thousands of groups, so the hash table grows several times)."""
    rng = np.random.default_rng(12)
    n = 20_000
    sex, age = rng.integers(0, 2, n), rng.integers(16, 70, n)
    status = rng.choice(6, size=n, p=[0.5, 0.3, 0.05, 0.05, 0.05, 0.05])
    years = rng.integers(0, 40, n) / 4.0
    years[::7] = -0.0  # the bits of -0.0 differ from those of 0.0: another group
    order, start, length, pensioners = mk.member_blocks(sex, age, status, years, N_AGE)
    assert np.array_equal(np.sort(np.concatenate([order, pensioners])), np.arange(n))
    assert set(status[pensioners]) == {2, 3, 4, 5}
    assert (length >= 1).all() and (length <= mk.LANES).all()
    key = pd.DataFrame({"sex": sex, "age": age, "status": status,
                        "bits": years.view(np.uint64)}).to_numpy()
    for b in range(len(start)):
        block = key[order[start[b]:start[b] + length[b]]]
        assert (block == block[0]).all()
        if b + 1 < len(start) and (key[order[start[b + 1]]] == block[0]).all():
            assert length[b] == mk.LANES  # not the group's last block
    groups = {tuple(k) for k in key[order]}
    assert len(groups) > 2000
    # a group's members are contiguous: as many runs of equal keys as groups
    runs = 1 + np.count_nonzero((key[order][1:] != key[order][:-1]).any(axis=1))
    assert runs == len(groups)


@pytest.mark.parametrize("field, value", [("sex", 2), ("age", 111), ("age", -1),
                                          ("status", 6)])
def test_member_codes_outside_the_tables_are_refused(field, value):
    """The kernel indexes its tables by sex, age and status: a value outside them is an
    error naming the row, not a read from outside the arrays."""
    fields = dict(ids=np.array(["a", "b"]), sex=[0, 1], age=[30, 40], status=[0, 1],
                  years=[1.0, 2.0], wage=[1e6, 0.0], career=[1e6, 2e6], pension=[0.0, 0.0])
    fields[field] = [fields[field][0], value]
    with pytest.raises(ValueError, match=f"MemberSet.{field} of row 1 \\(b\\) is {value}"):
        MemberSet(**fields)


def test_chunks_and_threads_do_not_change_the_result():
    members, _ = random_members(5)
    basis = make_basis(5, 30, entrants=False)
    one = value_members(basis, members, chunks=1)
    many = value_members(basis, members, chunks=64)
    np.testing.assert_array_equal(one.by_member["pvfb"], many.by_member["pvfb"])
    assert one.pvfc == pytest.approx(many.pvfc, rel=1e-14)


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two threads")
def test_totals_are_the_same_bits_whatever_the_number_of_threads():
    """The default work shares do not follow the thread count, so the order of every
    sum, hence each total to its last bit, is the same on 1 and 2 threads (with shares
    of 64 per thread, as before, 400 members gave totals differing in the last digit)."""
    members, _ = random_members(6, 400)
    basis = make_basis(6, 30, entrants=False)
    before = numba.get_num_threads()
    try:
        runs = []
        for threads in (1, 2):
            numba.set_num_threads(threads)
            runs.append(value_members(basis, members, parallel=True))
    finally:
        numba.set_num_threads(before)
    one, two = runs
    assert (one.pvfb, one.pvfc, one.adl) == (two.pvfb, two.pvfc, two.adl)
    assert one.totals.tolist() == two.totals.tolist()


def test_the_serial_entry_gives_the_parallel_entrys_bits(monkeypatch):
    """Small member sets (the valuation's starting cells) go to the entry compiled
    without the parallel machinery: every member's values and every total are the same
    bits as on the threads (the chunks are the same and added in the same order). Both
    as numba compiles them on first use: the serial entry compiled at install agrees to
    rounding (tests/engine/test_native.py)."""
    from actuary.engine import native

    monkeypatch.setenv(native.ENVIRONMENT, "0")
    members, _ = random_members(7, 500)
    basis = make_basis(7, 30, entrants=False)
    serial = value_members(basis, members, chunks=5, parallel=False)
    threads = value_members(basis, members, chunks=5, parallel=True)
    for name in ("pvfc", "pvfb", "adl"):
        np.testing.assert_array_equal(serial.by_member[name], threads.by_member[name])
    assert serial.totals.tolist() == threads.totals.tolist()
    assert serial.adl > 0 and serial.pvfb > serial.adl


def _one(status: int, sex: int, age: int, *, years=0.0, wage=0.0, career=0.0, pension=0.0):
    return MemberSet(ids=np.array(["x"]), sex=[sex], age=[age], status=[status], years=[years],
                     wage=[wage], career=[career], pension=[pension])


def _flat_basis(n_years: int = 60, **rules):
    """One year's mortality for every year, no survivors, no funeral grant, 4% a year."""
    b = make_basis(7, n_years, entrants=False, rules=SchemeRules(**rules))
    q = np.broadcast_to(b.mortality[0], b.mortality.shape).copy()
    z = np.zeros(n_years)
    return b.with_(mortality=q, disabled_mortality=q, indexation=np.full(n_years, 0.02),
                   funeral_grant_minimum=z)


def test_old_age_pensioner_against_the_life_table():
    """PV of 1 KHR a year paid mid-year, indexed 2%, at 4%: sum of v^(k+1/2) (1.02)^k
    kp_x (1 - q_{x+k}/2), with kp_x from the life-table functions."""
    basis = _flat_basis(survivor_rate=0.0, funeral_grant_months=0.0)
    x, p = 65, 6e6
    got = value_members(basis, _one(2, 1, x, pension=p), discount=0.04)
    lt = LifeTable(basis.mortality[0, 1])
    k = np.arange(min(basis.n_years, 111 - x))
    alive = np.array([lt.tpx(x, kk) for kk in k])
    q = lt.qx[x + k]
    want = p * np.sum(1.04 ** -(k + 0.5) * 1.02 ** k * alive * (1 - 0.5 * q))
    assert got.pvfb == pytest.approx(want, rel=1e-12)
    assert got.adl == pytest.approx(want, rel=1e-12)
    assert got.totals["old_age"] == pytest.approx(want, rel=1e-12)


def test_funeral_grant_year_by_year_where_the_minimum_binds_some_years():
    """The grant is max(5 months of pension, minimum): a minimum growing faster than the
    pension makes it switch during retirement; checked by hand year by year."""
    T = 50
    basis = _flat_basis(T, survivor_rate=0.0, funeral_grant_months=5.0)
    basis = basis.with_(funeral_grant_minimum=2e6 * 1.06 ** np.arange(T))
    x, p = 70, 5e6  # 5 months = 2.08 million against 2 million, then the minimum wins
    above, below = funeral_thresholds(basis)
    assert below[0] < p < above[0]
    got = value_members(basis, _one(2, 0, x, pension=p), discount=0.05)
    q = basis.mortality[0, 0]
    want, alive, pen = 0.0, 1.0, p
    for t in range(T):
        age = x + t
        qq = 1.0 if age == 110 else q[age]
        want += 1.05 ** -(t + 0.5) * alive * qq * max(5 / 12 * pen, 2e6 * 1.06 ** t)
        if age == 110:
            break
        alive *= 1 - qq
        pen *= 1.02
    assert got.totals["funeral"] == pytest.approx(want, rel=1e-12)


def test_active_member_retiring_at_the_end_of_the_year_by_hand():
    """An active aged 59 with 10 years who contributes to the 1 January after 60 (the
    voluntary rule): contributions for the year and an old-age pension from then of 1.5%
    of the revalued career; death the only decrement. (Retirement on the birthday:
    test_scheme_rules.py.)"""
    T = 60
    basis = _flat_basis(T, survivor_rate=0.0, funeral_grant_months=0.0,
                        contributions_after_pension_age=True)
    z = np.zeros(T)
    basis = basis.with_(invalidity=np.zeros_like(basis.invalidity), exit=np.zeros_like(basis.exit),
                        wage_floor=z, wage_ceiling=z, minimum_pension=z,
                        density=np.ones(T), credit_factor=np.ones(T), contribution_factor=np.ones(T))
    w, career = 9e6, 8e7
    got = value_members(basis, _one(0, 0, 59, years=10.0, wage=w, career=career), discount=0.04)
    q59 = basis.mortality[0, 0, 59]
    rate, acc = basis.contribution_rate[0], basis.accrual_rate[0]
    assert got.pvfc == pytest.approx(1.04 ** -0.5 * rate * w * (1 - 0.5 * q59), rel=1e-12)
    # stayers: career + this year's wage (revalued from next year on: none at award)
    pension = (1 - q59) * acc * (career + w)
    lt = LifeTable(basis.mortality[0, 0])
    k = np.arange(min(T - 1, 51))
    annuity = np.sum(1.04 ** -(k + 1.5) * 1.02 ** k * np.array([lt.tpx(60, kk) for kk in k])
                     * (1 - 0.5 * lt.qx[60 + k]))
    assert got.totals["old_age"] == pytest.approx(pension * annuity, rel=1e-12)
    # the accrued part leaves this year's wage out
    accrued = (1 - q59) * acc * career
    assert got.adl == pytest.approx(accrued * annuity, rel=1e-12)


def test_adl_is_the_pvfb_without_future_wages():
    """Where nothing binds, benefits are linear in career earnings and service does not
    depend on the wage: the ADL equals the PVFB of the same members earning nothing."""
    members, pop = random_members(8, 300)
    basis = linear_basis(8, pop)
    # re-entrants earn the entrant wage: none, to compare like with like
    basis0 = basis.with_(entrant_wage=np.zeros_like(basis.entrant_wage))
    with_wages = value_members(basis0, members)
    no_wages = value_members(basis0, replace(members, wage=np.zeros(len(members))))
    np.testing.assert_allclose(with_wages.by_member["adl"], no_wages.by_member["pvfb"],
                               rtol=1e-11, atol=1e-6)
    assert with_wages.adl < with_wages.pvfb


def test_pensioners_accrued_liability_is_their_pvfb():
    members, _ = random_members(9)
    got = value_members(make_basis(9, 30, entrants=False), members)
    pens = got.by_member[got.by_member["status"].isin(["old_age", "invalidity", "spouse", "orphan"])]
    np.testing.assert_allclose(pens["adl"], pens["pvfb"], rtol=1e-12)
    assert (pens["pvfc"] == 0).all()


def test_discount_as_rate_curve_or_factors_agree():
    members, _ = random_members(10, 100)
    basis = make_basis(10, 30, entrants=False)
    a = value_members(basis, members, discount=0.05)
    b = value_members(basis, members, discount=Discount.constant(0.05))
    c = value_members(basis, members, discount=[0.05] * 30)
    assert a.pvfb == pytest.approx(b.pvfb, rel=1e-14) == pytest.approx(c.pvfb, rel=1e-14)
    np.testing.assert_allclose(discount_factors(basis, 0.05), 1.05 ** -(np.arange(30) + 0.5))
    d = value_members(basis, members)  # the basis's own return
    np.testing.assert_allclose(
        d.v_mid, np.cumprod(np.concatenate(([1.0], 1 / (1 + basis.investment_return[:-1]))))
        * (1 + basis.investment_return) ** -0.5)


def test_final_salary_schemes_are_refused():
    basis = make_basis(11, 20, entrants=False, rules=SchemeRules(final_salary=True))
    members, _ = random_members(11, 10)
    with pytest.raises(AssumptionError, match="career-average"):
        value_members(basis, members)


# -- a starting population valued member by member (the implicit pension debt) -------------

def test_a_population_row_is_the_member_its_cells_hold():
    members, pop = random_members(5)
    rules = StartRules(FLOOR_M, CEILING_M, None, 0)
    got = MemberSet.from_population(pop, rules)
    for name in ("sex", "age", "status", "years", "wage", "career", "pension"):
        np.testing.assert_allclose(getattr(got, name), getattr(members, name), rtol=1e-15,
                                   err_msg=name)
    # with transitional credits: the years the cells are given
    credits = StartRules(FLOOR_M, CEILING_M, lambda age: 10.0 if age >= 30 else 0.0, 24)
    with_credits = MemberSet.from_population(pop, credits)
    months = pop.rows["credited_months"].to_numpy(float)
    extra = np.where((pop.rows["age"] >= 30) & (months >= 24), 10.0, 0.0)
    np.testing.assert_allclose(with_credits.years, np.nan_to_num(months / 12.0) + np.where(
        np.isnan(months), 0.0, extra), rtol=1e-15)


def test_a_population_is_valued_as_its_members_repeated():
    members, pop = random_members(6, 120)
    counts = np.random.default_rng(6).integers(1, 4, len(pop.rows))
    rows = pop.rows.assign(count=counts.astype(float))
    pop = StartingPopulation(rows=rows, valuation_date=pop.valuation_date, reserve=0.0,
                             name="test")
    basis = make_basis(6, 35, entrants=False)
    got = value_population(basis, pop, StartRules(FLOOR_M, CEILING_M, None, 0))
    each = np.repeat(np.arange(len(rows)), counts)
    repeated = MemberSet(ids=members.ids[each], sex=members.sex[each], age=members.age[each],
                         status=members.status[each], years=members.years[each],
                         wage=members.wage[each], career=members.career[each],
                         pension=members.pension[each])
    want = value_members(basis, repeated)
    assert got["pvfb"] == pytest.approx(want.pvfb, rel=1e-12)
    assert got["pvfc"] == pytest.approx(want.pvfc, rel=1e-12)
    assert got["adl"] == pytest.approx(want.adl, rel=1e-12)
    assert 0 < got["adl"] < got["pvfb"]
