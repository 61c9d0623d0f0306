"""Tests of the life-table mathematics (actuary.life.lifetable, actuary.life.annuities).

Every expected value below comes from somewhere other than the code under test:
hand arithmetic written out in the comments, closed forms, textbook identities, or
published tables (sources quoted where used).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from actuary.life.annuities import (
    Discount,
    annuity_due,
    joint_life_annuity,
    last_survivor_annuity,
    reversionary_annuity,
)
from actuary.io.errors import ActuaryError, AssumptionError, TableError
from actuary.life.lifetable import LifeTable

# --------------------------------------------------------------------------- fixtures
I5 = 0.05
V5 = 1 / 1.05


def three_age_x() -> LifeTable:
    """q = 0.1, 0.3, 1.0 at ages 0, 1, 2: l = 1, 0.9, 0.63, (0)."""
    return LifeTable([0.1, 0.3, 1.0])


def three_age_y() -> LifeTable:
    """q = 0.2, 0.5, 1.0 at ages 0, 1, 2: l = 1, 0.8, 0.4, (0)."""
    return LifeTable([0.2, 0.5, 1.0])


def makeham_q(A: float, B: float, c: float, first: int, last: int) -> np.ndarray:
    """One-year q under Makeham mu_x = A + B c^x:
    p_x = exp(-A - B c^x (c - 1) / ln c)."""
    x = np.arange(first, last + 1, dtype=float)
    return 1.0 - np.exp(-A - B * c**x * (c - 1.0) / math.log(c))


def sult() -> LifeTable:
    """Standard Ultimate Life Table basis (Dickson, Hardy & Waters): Makeham
    A = 0.00022, B = 2.7e-6, c = 1.124, ages 20..130 (closed at 130)."""
    return LifeTable(makeham_q(0.00022, 2.7e-6, 1.124, 20, 130), min_age=20)


def ilt() -> LifeTable:
    """Illustrative Life Table (Bowers et al.) from age 20: Makeham A = 0.0007,
    B = 5e-5, c = 10^0.04, ages 20..140 (closed at 140)."""
    return LifeTable(makeham_q(0.0007, 5e-5, 10**0.04, 20, 140), min_age=20)


def constant_q(q: float, n_ages: int = 1500) -> LifeTable:
    """Constant q over many ages: p^n_ages is negligible, so closure does not matter."""
    return LifeTable(np.full(n_ages, q))


# --------------------------------------------------------------------------- survival
def test_survival_columns_three_age_table():
    t = three_age_x()
    # l_0 = 1, l_1 = 1 * 0.9 = 0.9, l_2 = 0.9 * 0.7 = 0.63
    np.testing.assert_allclose(t.lx, [1.0, 0.9, 0.63], rtol=0, atol=1e-15)
    # d = l_x - l_{x+1}: 0.1, 0.27, 0.63
    np.testing.assert_allclose(t.dx, [0.1, 0.27, 0.63], rtol=0, atol=1e-15)
    np.testing.assert_allclose(t.qx, [0.1, 0.3, 1.0])
    np.testing.assert_allclose(t.px, [0.9, 0.7, 0.0], atol=1e-15)
    assert (t.min_age, t.max_age, len(t)) == (0, 2, 3)
    np.testing.assert_array_equal(t.ages, [0, 1, 2])


def test_radix_scales_lx_only():
    t = LifeTable([0.1, 0.3, 1.0], radix=100_000)
    np.testing.assert_allclose(t.lx, [100_000, 90_000, 63_000])
    np.testing.assert_allclose(t.dx, [10_000, 27_000, 63_000])
    assert t.ex(0) == pytest.approx(three_age_x().ex(0), abs=1e-14)


def test_tpx_integer_and_fractional_udd():
    t = three_age_x()
    # UDD: (k+s)p_0 = kp_0 (1 - s q_k)
    # 0.5p_0 = 1 - 0.5*0.1 = 0.95; 1.5p_0 = 0.9 (1 - 0.5*0.3) = 0.765;
    # 2.25p_0 = 0.63 (1 - 0.25*1) = 0.4725; 3p_0 = 0 (closed table); 7p_0 = 0
    got = t.tpx(0, [0, 0.5, 1, 1.5, 2, 2.25, 3, 7])
    np.testing.assert_allclose(got, [1, 0.95, 0.9, 0.765, 0.63, 0.4725, 0, 0], atol=1e-15)
    # from age 1: 0.5p_1 = 1 - 0.15 = 0.85; 1p_1 = 0.7; 1.5p_1 = 0.7 * 0.5 = 0.35
    np.testing.assert_allclose(t.tpx(1, [0.5, 1.0, 1.5]), [0.85, 0.7, 0.35], atol=1e-15)
    assert t.tqx(0, 1.5) == pytest.approx(0.235, abs=1e-15)
    assert isinstance(t.tpx(0, 1.5), float)


def test_survival_curve_on_a_grid():
    # t p_0 at t = 0, .5, ..., 3 (UDD, closed at age 2): 1, .95, .9, .765, .63, .315, 0
    np.testing.assert_allclose(three_age_x().survival_curve(0, m=2),
                               [1, 0.95, 0.9, 0.765, 0.63, 0.315, 0], atol=1e-15)


def test_last_age_is_closing_whatever_q_is_given():
    # q = 0.5 given at the last age: used as 1, the given value is kept
    t = LifeTable([0.1, 0.5])
    assert t.q_input[-1] == 0.5
    assert t.qx[-1] == 1.0
    assert t.tpx(0, 2) == 0.0
    # e_1 = L_1 / l_1 = (l_1 + 0)/2 / l_1 = 0.5
    assert t.ex(1) == pytest.approx(0.5)


# --------------------------------------------------------------------------- expectation
def test_life_expectancy_three_age_table_by_hand():
    t = three_age_x()
    # curtate e_0 = 1p_0 + 2p_0 = 0.9 + 0.63 = 1.53
    assert t.ex(0, curtate=True) == pytest.approx(1.53, abs=1e-14)
    assert t.curtate_ex(0) == pytest.approx(1.53, abs=1e-14)
    # complete under UDD: L_0 = (1 + 0.9)/2 = 0.95, L_1 = (0.9 + 0.63)/2 = 0.765,
    # L_2 = (0.63 + 0)/2 = 0.315; e_0 = (0.95 + 0.765 + 0.315) / 1 = 2.03
    assert t.ex(0) == pytest.approx(2.03, abs=1e-14)
    # e_1 = (0.765 + 0.315) / 0.9 = 1.2; e_2 = 0.315 / 0.63 = 0.5
    np.testing.assert_allclose(t.ex([0, 1, 2]), [2.03, 1.2, 0.5], atol=1e-14)
    # curtate e_1 = 2p_1... only 1p_1 = 0.7
    assert t.ex(1, curtate=True) == pytest.approx(0.7, abs=1e-14)


def test_life_expectancy_constant_q_closed_forms():
    q = 0.04
    p = 1 - q
    t = constant_q(q)
    # curtate: sum_{k>=1} p^k = p / (1 - p)
    assert t.ex(0, curtate=True) == pytest.approx(p / q, rel=1e-12)
    # complete under UDD: t p_0 is linear between integers, so the integral is the
    # trapezium sum: sum_k (p^k + p^(k+1)) / 2 = (1 + p) / (2 (1 - p))
    assert t.ex(0) == pytest.approx((1 + p) / (2 * q), rel=1e-12)
    # constant q: e_x does not depend on x (far from the closing age)
    assert t.ex(100) == pytest.approx((1 + p) / (2 * q), rel=1e-12)


def test_frame_columns_agree_with_hand_values():
    f = three_age_x().frame()
    np.testing.assert_allclose(f["L"], [0.95, 0.765, 0.315], atol=1e-15)
    # T_x = sum of L from x: 2.03, 1.08, 0.315
    np.testing.assert_allclose(f["T"], [2.03, 1.08, 0.315], atol=1e-14)
    np.testing.assert_allclose(f["e"], [2.03, 1.2, 0.5], atol=1e-14)
    np.testing.assert_allclose(f["e_curtate"], [1.53, 0.7, 0.0], atol=1e-14)
    assert list(f.index) == [0, 1, 2]


# --------------------------------------------------------------------------- one-life annuities, by hand
def test_annuities_three_age_table_by_hand():
    t = three_age_x()
    v, v2, v3 = V5, V5**2, V5**3
    # ä_0 = 1 + v 0.9 + v^2 0.63 = 1 + 0.857142857 + 0.571428571 = 2.428571429 (= 17/7)
    a_due = 1 + v * 0.9 + v2 * 0.63
    assert a_due == pytest.approx(17 / 7, abs=1e-12)
    assert t.annuity_due(0, I5) == pytest.approx(a_due, abs=1e-13)
    # a_0 = v 0.9 + v^2 0.63 = 10/7 (payments at the end of each year)
    assert t.annuity_immediate(0, I5) == pytest.approx(10 / 7, abs=1e-13)
    # ä_{0:2} = 1 + v 0.9 = 1.857142857
    assert t.annuity_due(0, I5, n=2) == pytest.approx(1 + 0.9 / 1.05, abs=1e-13)
    # 1|ä_0 = v 0.9 (ä_1) = v 0.9 + v^2 0.63 = 10/7
    assert t.annuity_due(0, I5, defer=1) == pytest.approx(10 / 7, abs=1e-13)
    # 1|ä_{0:1} = v 0.9
    assert t.annuity_due(0, I5, defer=1, n=1) == pytest.approx(0.9 / 1.05, abs=1e-13)
    # A_0 = v d_0 + v^2 d_1 + v^3 d_2 = 0.1/1.05 + 0.27/1.1025 + 0.63/1.157625
    #     = 0.095238095 + 0.244897959 + 0.544217687 = 0.884353741
    A0 = v * 0.1 + v2 * 0.27 + v3 * 0.63
    assert A0 == pytest.approx(0.884353741, abs=1e-9)
    assert t.insurance(0, I5) == pytest.approx(A0, abs=1e-13)
    # term A^1_{0:2} = v 0.1 + v^2 0.27; 2E_0 = v^2 0.63; endowment = sum
    assert t.insurance(0, I5, n=2) == pytest.approx(v * 0.1 + v2 * 0.27, abs=1e-13)
    assert t.pure_endowment(0, 2, I5) == pytest.approx(v2 * 0.63, abs=1e-13)
    assert t.endowment(0, 2, I5) == pytest.approx(v * 0.1 + v2 * 0.27 + v2 * 0.63, abs=1e-13)
    # annuity past the end of the table: 3|ä_0 = 0
    assert t.annuity_due(0, I5, defer=3) == 0.0
    assert t.annuity_due(2, I5) == pytest.approx(1.0)


def test_semiannual_exact_udd_three_age_table_by_hand():
    t = three_age_x()
    # t p_0 at t = 0, .5, 1, 1.5, 2, 2.5 under UDD: 1, .95, .9, .765, .63, .315
    probs = [1, 0.95, 0.9, 0.765, 0.63, 0.315]
    times = [0, 0.5, 1, 1.5, 2, 2.5]
    # ä^(2)_0 = (1/2) sum v^t tp_0 over those six dates
    expected = 0.5 * sum(p * 1.05**-s for p, s in zip(probs, times))
    assert t.annuity_due(0, I5, m=2) == pytest.approx(expected, abs=1e-13)
    # a^(2)_0: dates 0.5 .. 3 (3p_0 = 0)
    expected_imm = 0.5 * sum(p * 1.05**-s for p, s in zip(probs[1:], times[1:]))
    assert t.annuity_immediate(0, I5, m=2) == pytest.approx(expected_imm, abs=1e-13)
    # Woolhouse two terms: ä - (m-1)/(2m) = 17/7 - 1/4 for a whole-life annuity
    assert t.annuity_due(0, I5, m=2, method="woolhouse2") == pytest.approx(17 / 7 - 0.25, abs=1e-13)


def test_commutation_columns_three_age_table():
    c = three_age_x().commutation(I5)
    v = V5
    # D_x = v^x l_x: 1, 0.9 v, 0.63 v^2 ; N_0 = ä_0 D_0 = 17/7
    np.testing.assert_allclose(c["D"], [1, 0.9 * v, 0.63 * v**2], rtol=1e-14)
    np.testing.assert_allclose(c["N"], [17 / 7, 10 / 7, 0.63 * v**2], rtol=1e-13)
    # C_x = v^(x+1) d_x: 0.1 v, 0.27 v^2, 0.63 v^3 ; M_0 = A_0
    np.testing.assert_allclose(c["C"], [0.1 * v, 0.27 * v**2, 0.63 * v**3], rtol=1e-14)
    assert c["M"].iloc[0] == pytest.approx(0.884353741, abs=1e-9)
    assert list(c.columns) == ["l", "d", "D", "N", "C", "M"]


def test_commutation_ratios_give_annuities_at_real_ages():
    t = sult()
    c = t.commutation(0.04)
    for x in (30, 65, 90):
        assert c.loc[x, "N"] / c.loc[x, "D"] == pytest.approx(t.annuity_due(x, 0.04), rel=1e-12)
        assert c.loc[x, "M"] / c.loc[x, "D"] == pytest.approx(t.insurance(x, 0.04), rel=1e-12)


# --------------------------------------------------------------------------- two lives, by hand
def test_joint_and_reversionary_three_age_tables_by_hand():
    tx, ty = three_age_x(), three_age_y()
    v, v2 = V5, V5**2
    # t p_x = 1, 0.9, 0.63 ; t p_y = 1, 0.8, 0.4 ; t p_xy = 1, 0.72, 0.252
    # ä_xy = 1 + 0.72/1.05 + 0.252/1.1025 = 1 + 0.685714286 + 0.228571429 = 1.914285714
    a_xy = 1 + 0.72 * v + 0.252 * v2
    assert a_xy == pytest.approx(1.914285714, abs=1e-9)
    assert joint_life_annuity(tx, 0, ty, 0, I5) == pytest.approx(a_xy, abs=1e-13)
    # ä_y = 1 + 0.8/1.05 + 0.4/1.1025 = 2.124716553
    a_y = 1 + 0.8 * v + 0.4 * v2
    # reversionary to y after x's death: y alive and x dead at t=1: 0.8 * 0.1 = 0.08;
    # at t=2: 0.4 * (1 - 0.63) = 0.148 ; PV = 0.08/1.05 + 0.148/1.1025 = 0.210430839
    a_rev = 0.08 * v + 0.148 * v2
    assert a_rev == pytest.approx(0.210430839, abs=1e-9)
    assert reversionary_annuity(tx, 0, ty, 0, I5) == pytest.approx(a_rev, abs=1e-13)
    assert a_xy + a_rev == pytest.approx(a_y, abs=1e-13)
    # last survivor: t p = 1, 0.9 + 0.8 - 0.72 = 0.98, 0.63 + 0.4 - 0.252 = 0.778
    # ä = 1 + 0.98/1.05 + 0.778/1.1025 = 2.639002268
    a_ls = 1 + 0.98 * v + 0.778 * v2
    assert a_ls == pytest.approx(2.639002268, abs=1e-9)
    assert last_survivor_annuity(tx, 0, ty, 0, I5) == pytest.approx(a_ls, abs=1e-13)
    # joint immediate: 0.72 v + 0.252 v^2
    assert joint_life_annuity(tx, 0, ty, 0, I5, due=False) == pytest.approx(
        0.72 * v + 0.252 * v2, abs=1e-13)


# --------------------------------------------------------------------------- closed forms
def test_constant_q_annuity_and_insurance_closed_forms():
    q, i = 0.03, 0.04
    p, v = 1 - q, 1 / (1 + i)
    t = constant_q(q)
    # whole life: sum (v p)^k = 1 / (1 - v p)
    assert t.annuity_due(20, i) == pytest.approx(1 / (1 - v * p), rel=1e-12)
    # temporary: geometric sum (1 - (v p)^n) / (1 - v p)
    n = 15
    assert t.annuity_due(20, i, n=n) == pytest.approx((1 - (v * p) ** n) / (1 - v * p), rel=1e-12)
    # A_x = sum v^(k+1) p^k q = v q / (1 - v p)
    assert t.insurance(20, i) == pytest.approx(v * q / (1 - v * p), rel=1e-12)
    # deferred: n|ä = (v p)^n / (1 - v p)
    assert t.annuity_due(20, i, defer=10) == pytest.approx((v * p) ** 10 / (1 - v * p), rel=1e-12)


def alpha_beta(i: float, m: int) -> tuple[float, float]:
    """UDD alpha(m), beta(m) (Bowers et al. 5.4; Dickson-Hardy-Waters 5.11):
    alpha = i d / (i^(m) d^(m)), beta = (i - i^(m)) / (i^(m) d^(m))."""
    d = i / (1 + i)
    im = m * ((1 + i) ** (1 / m) - 1)
    dm = m * (1 - (1 + i) ** (-1 / m))
    return i * d / (im * dm), (i - im) / (im * dm)


@pytest.mark.parametrize("m", [2, 4, 12])
def test_exact_udd_mthly_matches_alpha_beta_formula(m):
    # Under UDD and constant interest, exactly: ä^(m)_x = alpha(m) ä_x - beta(m)
    # and ä^(m)_{x:n} = alpha(m) ä_{x:n} - beta(m) (1 - nE_x)
    t, i = sult(), 0.05
    al, be = alpha_beta(i, m)
    for x in (40, 65, 85):
        a = t.annuity_due(x, i)
        assert t.annuity_due(x, i, m=m) == pytest.approx(al * a - be, rel=1e-12)
        an = t.annuity_due(x, i, n=10)
        e10 = t.pure_endowment(x, 10, i)
        assert t.annuity_due(x, i, n=10, m=m) == pytest.approx(al * an - be * (1 - e10), rel=1e-12)


# --------------------------------------------------------------------------- identities
def test_identity_insurance_equals_one_minus_d_annuity():
    t, i = sult(), 0.04
    d = i / (1 + i)
    for x in (20, 45, 60, 65, 80, 100, 130):
        assert t.insurance(x, i) == pytest.approx(1 - d * t.annuity_due(x, i), abs=1e-13)
    # endowment: A_{x:n} = 1 - d ä_{x:n}
    assert t.endowment(50, 20, i) == pytest.approx(1 - d * t.annuity_due(50, i, n=20), abs=1e-13)


def test_identity_annuity_recursion():
    t, i = ilt(), 0.06
    v = 1 / (1 + i)
    for x in (20, 50, 65, 100, 139):
        p = t.tpx(x, 1)
        assert t.annuity_due(x, i) == pytest.approx(1 + v * p * t.annuity_due(x + 1, i), rel=1e-13)


@pytest.mark.parametrize("m,method", [(1, "exact_udd"), (12, "exact_udd"), (12, "woolhouse2"), (4, "exact_udd")])
def test_identity_temporary_plus_deferred_is_whole_life(m, method):
    t, i = sult(), 0.05
    for x, n in ((30, 35), (60, 5), (65, 20)):
        whole = t.annuity_due(x, i, m=m, method=method)
        temp = t.annuity_due(x, i, n=n, m=m, method=method)
        deferred = t.annuity_due(x, i, defer=n, m=m, method=method)
        assert temp + deferred == pytest.approx(whole, rel=1e-12)
        # and n|ä_x = nE_x ä_{x+n} (m-thly too, for the exact method)
        if method == "exact_udd":
            assert deferred == pytest.approx(
                t.pure_endowment(x, n, i) * t.annuity_due(x + n, i, m=m), rel=1e-12)


def test_identity_due_and_immediate():
    t, i = sult(), 0.05
    # a^(m)_{x:n} = ä^(m)_{x:n} - (1/m)(1 - nE_x), for the exact method and any m
    for m in (1, 12):
        for n in (10, None):
            e = 0.0 if n is None else t.pure_endowment(60, n, i)
            due = t.annuity_due(60, i, n=n, m=m)
            imm = t.annuity_immediate(60, i, n=n, m=m)
            assert imm == pytest.approx(due - (1 - e) / m, rel=1e-12)
    # whole life a_x = ä_x - 1 with the approximation too
    w_due = t.annuity_due(60, i, m=12, method="woolhouse2")
    w_imm = t.annuity_immediate(60, i, m=12, method="woolhouse2")
    assert w_imm == pytest.approx(w_due - 1 / 12, rel=1e-12)


def test_identity_insurance_split():
    # A_x = A^1_{x:n} + nE_x A_{x+n}
    t, i = sult(), 0.05
    assert t.insurance(40, i) == pytest.approx(
        t.insurance(40, i, n=25) + t.pure_endowment(40, 25, i) * t.insurance(65, i), rel=1e-12)
    assert t.insurance(40, i, defer=25) == pytest.approx(
        t.pure_endowment(40, 25, i) * t.insurance(65, i), rel=1e-12)


def test_mthly_exact_with_m_one_equals_annual_sum():
    t, i = ilt(), 0.06
    v = 1 / (1 + i)
    # annual annuity-due written as an explicit sum of v^k l_{65+k} / l_65
    l = t.lx[65 - 20:]
    explicit = sum(v**k * l[k] / l[0] for k in range(len(l)))
    assert t.annuity_due(65, i, m=1) == pytest.approx(explicit, rel=1e-13)
    assert t.annuity_due(65, i, m=1, method="woolhouse2") == pytest.approx(explicit, rel=1e-13)


def test_woolhouse_two_terms_is_annual_less_eleven_24ths():
    t, i = sult(), 0.05
    a = t.annuity_due(65, i)
    assert t.annuity_due(65, i, m=12, method="woolhouse2") == pytest.approx(a - 11 / 24, rel=1e-13)
    # temporary: ä_{x:n} - 11/24 (1 - nE_x)
    an, e = t.annuity_due(65, i, n=10), t.pure_endowment(65, 10, i)
    assert t.annuity_due(65, i, n=10, m=12, method="woolhouse2") == pytest.approx(
        an - 11 / 24 * (1 - e), rel=1e-13)


def test_exact_monthly_close_to_woolhouse_on_realistic_tables():
    # The gap is about the third Woolhouse term (m^2-1)/(12 m^2)(delta + mu_x), < 0.01
    # at pension ages for these tables.
    for t, i in ((sult(), 0.05), (ilt(), 0.06), (sult(), 0.02)):
        for x in (55, 60, 65, 70):
            exact = t.annuity_due(x, i, m=12)
            approx = t.annuity_due(x, i, m=12, method="woolhouse2")
            assert abs(exact - approx) < 0.01
            assert exact != approx  # not the same computation


def test_last_survivor_and_reversionary_identities_realistic():
    tx = sult()
    ty = LifeTable(makeham_q(0.0002, 1.5e-6, 1.124, 20, 130), min_age=20)  # lighter mortality
    i = 0.04
    for x, y in ((65, 60), (70, 72), (60, 85)):
        ax, ay = tx.annuity_due(x, i), ty.annuity_due(y, i)
        axy = joint_life_annuity(tx, x, ty, y, i)
        als = last_survivor_annuity(tx, x, ty, y, i)
        assert als == pytest.approx(ax + ay - axy, rel=1e-12)
        # reversionary, independently: sum over k of v^k P(y alive, x dead at k)
        kk = np.arange(0, 80)
        v = (1 + i) ** -kk
        direct = np.sum(v * ty.tpx(y, kk) * (1 - tx.tpx(x, kk)))
        rev = reversionary_annuity(tx, x, ty, y, i)
        assert rev == pytest.approx(direct, rel=1e-12)
        assert axy + rev == pytest.approx(ay, rel=1e-12)
        # symmetry of the joint-life status
        assert joint_life_annuity(ty, y, tx, x, i) == pytest.approx(axy, rel=1e-14)
    # monthly: exact and woolhouse within 0.01; last survivor identity holds monthly
    e = joint_life_annuity(tx, 65, ty, 62, i, m=12)
    w = joint_life_annuity(tx, 65, ty, 62, i, m=12, method="woolhouse2")
    assert abs(e - w) < 0.01
    ls12 = last_survivor_annuity(tx, 65, ty, 62, i, m=12)
    assert ls12 == pytest.approx(
        tx.annuity_due(65, i, m=12) + ty.annuity_due(62, i, m=12) - e, rel=1e-12)


def test_joint_life_monthly_by_explicit_sum():
    tx, ty = three_age_x(), three_age_y()
    # t p_x at 0, .5, 1, 1.5, 2, 2.5: 1, .95, .9, .765, .63, .315
    # t p_y at 0, .5, 1, 1.5, 2, 2.5: 1, .9, .8, .6, .4, .2  (0.8 (1 - .5 * .5) = .6)
    px = [1, 0.95, 0.9, 0.765, 0.63, 0.315]
    py = [1, 0.9, 0.8, 0.6, 0.4, 0.2]
    times = [0, 0.5, 1, 1.5, 2, 2.5]
    expected = 0.5 * sum(a * b * 1.05**-s for a, b, s in zip(px, py, times))
    assert joint_life_annuity(tx, 0, ty, 0, I5, m=2) == pytest.approx(expected, abs=1e-13)


# --------------------------------------------------------------------------- term structures
def test_flat_term_structures_equal_constant_rate():
    t, i = sult(), 0.045
    curves = [
        Discount.constant(i),
        Discount.from_forward_rates([i] * 50),
        Discount.from_spot_rates([i] * 50),
        Discount([1 / (1 + i)] * 3),  # shorter than the table: last factor held
    ]
    for curve in curves:
        for kwargs in ({}, {"n": 10}, {"defer": 5}, {"m": 12}, {"m": 12, "method": "woolhouse2"}):
            assert t.annuity_due(60, curve, **kwargs) == pytest.approx(
                t.annuity_due(60, i, **kwargs), rel=1e-12)
        assert t.insurance(60, curve) == pytest.approx(t.insurance(60, i), rel=1e-12)
        assert t.annuity_immediate(60, curve, m=4) == pytest.approx(
            t.annuity_immediate(60, i, m=4), rel=1e-12)


def test_spot_and_forward_curves_by_hand():
    t = three_age_x()
    # spot rates 3% (1 year), 4% (2 years): v(1) = 1/1.03, v(2) = 1/1.04^2
    curve = Discount.from_spot_rates([0.03, 0.04])
    assert t.annuity_due(0, curve) == pytest.approx(1 + 0.9 / 1.03 + 0.63 / 1.04**2, abs=1e-13)
    # implied forward for year 2: 1.04^2 / 1.03 - 1
    np.testing.assert_allclose(curve.forward_rates, [0.03, 1.04**2 / 1.03 - 1], rtol=1e-13)
    # forward rates 3% then 5%: v(2) = 1/(1.03 * 1.05); beyond: 5% held
    fwd = Discount.from_forward_rates([0.03, 0.05])
    np.testing.assert_allclose(
        fwd([0, 1, 1.5, 2, 3, 3.5]),
        [1, 1 / 1.03, 1 / 1.03 / 1.05**0.5, 1 / (1.03 * 1.05), 1 / (1.03 * 1.05**2),
         1 / (1.03 * 1.05**2.5)], rtol=1e-13)
    # A_0 = v(1) 0.1 + v(2) 0.27 + v(3) 0.63 with v(3) = 1/(1.03 1.05^2)
    assert t.insurance(0, fwd) == pytest.approx(
        0.1 / 1.03 + 0.27 / (1.03 * 1.05) + 0.63 / (1.03 * 1.05**2), abs=1e-13)
    # deferred annuity with a term structure: 1|ä_0 = v(1) 0.9 + v(2) 0.63
    assert t.annuity_due(0, fwd, defer=1) == pytest.approx(0.9 / 1.03 + 0.63 / (1.03 * 1.05),
                                                           abs=1e-13)
    # semiannual exact with the curve: dates 0 .. 2.5
    probs = [1, 0.95, 0.9, 0.765, 0.63, 0.315]
    vs = [1, 1.03**-0.5, 1 / 1.03, 1 / 1.03 / 1.05**0.5, 1 / (1.03 * 1.05),
          1 / (1.03 * 1.05**1.5)]
    assert t.annuity_due(0, fwd, m=2) == pytest.approx(
        0.5 * sum(p * w for p, w in zip(probs, vs)), abs=1e-13)


def test_term_structure_identities():
    t = sult()
    curve = Discount.from_spot_rates(np.linspace(0.02, 0.05, 30))
    # temporary + deferred = whole life, with a non-flat curve
    assert t.annuity_due(50, curve, n=15, m=12) + t.annuity_due(50, curve, defer=15, m=12) == \
        pytest.approx(t.annuity_due(50, curve, m=12), rel=1e-12)
    # endowment = term insurance + pure endowment, and PV(1 at 10) via spot 10
    assert t.pure_endowment(50, 10, curve) == pytest.approx(
        (1 + curve.forward_rates[:10]).prod() ** -1 * t.tpx(50, 10), rel=1e-12)


# --------------------------------------------------------------------------- published tables
# SOA "LTAM Standard Ultimate Life Table" (2018), also Appendix D of Dickson, Hardy &
# Waters, "Actuarial Mathematics for Life Contingent Risks": Makeham A = 0.00022,
# B = 2.7e-6, c = 1.124, l_20 = 100000, i = 5%. Figures as printed (ä_x to 4 decimals,
# A_x, 2A_x, ä_{x:10}, A_{x:10}, 5E_x, 20E_x to 5), transcribed from
# https://www.soa.org/globalassets/assets/Files/Edu/2018/ltam-standard-ultimate-life-table.pdf
# in the lifecontingencies R package's test file tests/testthat/test-published-sult-ilt.R.
SULT_PUBLISHED = {
    # x: (l_x, ä_x, A_x, 2A_x, ä_{x:10}, A_{x:10}, 5E_x, 20E_x)
    20: (100000.0, 19.9664, 0.04922, 0.00580, 8.0991, 0.61433, 0.78252, 0.37440),
    40: (99338.3, 18.4578, 0.12106, 0.02347, 8.0863, 0.61494, 0.78113, 0.36663),
    60: (96634.1, 14.9041, 0.29028, 0.10834, 7.9555, 0.62116, 0.76687, 0.29508),
    80: (75657.2, 8.5484, 0.59293, 0.38134, 6.7885, 0.67674, 0.63365, 0.03113),
    100: (6248.2, 2.7156, 0.87068, 0.76427, 2.7137, 0.87078, 0.08777, 0.00000),
}


def within_print(computed: float, printed: float, digits: int) -> bool:
    """True when ``computed`` rounds to the printed figure (half a unit, plus float slack)."""
    return abs(computed - printed) <= 0.5 * 10**-digits + 1e-12


@pytest.mark.parametrize("x", sorted(SULT_PUBLISHED))
def test_standard_ultimate_life_table_published_values(x):
    t = sult()
    lx, ax, Ax, A2x, ax10, Ax10, E5, E20 = SULT_PUBLISHED[x]
    assert within_print(100000 * t.tpx(20, x - 20), lx, 1)
    assert within_print(t.annuity_due(x, 0.05), ax, 4)
    assert within_print(t.insurance(x, 0.05), Ax, 5)
    assert within_print(t.insurance(x, 1.05**2 - 1), A2x, 5)  # at twice the force
    assert within_print(t.annuity_due(x, 0.05, n=10), ax10, 4)
    assert within_print(t.endowment(x, 10, 0.05), Ax10, 5)
    assert within_print(t.pure_endowment(x, 5, 0.05), E5, 5)
    assert within_print(t.pure_endowment(x, 20, 0.05), E20, 5)


# Illustrative Life Table, Bowers, Gerber, Hickman, Jones & Nesbitt, "Actuarial
# Mathematics" (2nd ed., 1997), Appendix 2A, i = 6%; from age 13 on it follows Makeham
# 1000 mu_x = 0.7 + 0.05 * 10^(0.04 x). Values as printed in the CAS Exam MAS-I tables
# (https://www.casact.org/sites/default/files/2021-03/masi_tables.pdf), transcribed in
# the same lifecontingencies test file (l_x on radix 10,000,000 at age 0).
ILT_PUBLISHED = {
    # x: (l_x, ä_x, 1000 A_x, 1000 2A_x, 1000 10E_x)
    20: (9617802, 16.5133, 65.28, 14.30, 551.64),
    40: (9313166, 14.8166, 161.32, 48.63, 536.67),
    60: (8188074, 11.1454, 369.13, 177.41, 451.20),
    65: (7533964, 9.8969, 439.80, 236.03, 399.94),
}


@pytest.mark.parametrize("x", sorted(ILT_PUBLISHED))
def test_illustrative_life_table_published_values(x):
    t = ilt()
    lx, ax, A1000, A2_1000, E10_1000 = ILT_PUBLISHED[x]
    # l_x from the printed l_20 and the Makeham survival; printed as integers
    assert abs(9617802 * t.tpx(20, x - 20) - lx) <= 0.5 + 1e-6
    assert within_print(t.annuity_due(x, 0.06), ax, 4)
    assert within_print(1000 * t.insurance(x, 0.06), A1000, 2)
    assert within_print(1000 * t.insurance(x, 1.06**2 - 1), A2_1000, 2)
    assert within_print(1000 * t.pure_endowment(x, 10, 0.06), E10_1000, 2)


# --------------------------------------------------------------------------- constructors
def year_age_array() -> tuple[np.ndarray, np.ndarray]:
    """q[year, age] = 0.01 * (row + 1) + 0.1 * col for years 2020..2023, ages 0..3,
    so each cell says where it came from."""
    rows = np.arange(4)[:, None]
    cols = np.arange(4)[None, :]
    return 0.01 * (rows + 1) + 0.1 * cols, np.arange(2020, 2024)


def test_period_table():
    q, years = year_age_array()
    t = LifeTable.from_period(q, years, 2022, min_age=60)
    # row 2 (2022): 0.03, 0.13, 0.23, 0.33 -> closed at the last age
    np.testing.assert_allclose(t.q_input, [0.03, 0.13, 0.23, 0.33])
    assert (t.min_age, t.max_age) == (60, 63)
    with pytest.raises(TableError, match="2019"):
        LifeTable.from_period(q, years, 2019)


def test_cohort_by_birth_year_holds_first_and_last_years():
    q, years = year_age_array()
    # born 2019, ages 0..3 in 2019..2022: 2019 is before the array (row 0 held),
    # then 2020, 2021, 2022 = rows 0, 1, 2:
    # q = [q[0,0], q[0,1], q[1,2], q[2,3]] = [0.01, 0.01+0.1, 0.02+0.2, 0.03+0.3]
    t = LifeTable.cohort(q, years, birth_year=2019)
    np.testing.assert_allclose(t.q_input, [0.01, 0.11, 0.22, 0.33])
    # born 2022: ages 0..3 in 2022..2025: rows 2, 3, 3 (held), 3 (held)
    t = LifeTable.cohort(q, years, 2022)
    np.testing.assert_allclose(t.q_input, [0.03, 0.14, 0.24, 0.34])
    assert t.min_age == 0


def test_cohort_by_age_and_year():
    q, years = year_age_array()
    # aged 61 in 2021 with min_age 60: ages 61, 62, 63 in 2021, 2022, 2023
    # -> q[1, 1], q[2, 2], q[3, 3] = 0.12, 0.23, 0.34
    t = LifeTable.cohort(q, years, age=61, year=2021, min_age=60)
    np.testing.assert_allclose(t.q_input, [0.12, 0.23, 0.34])
    assert (t.min_age, t.max_age) == (61, 63)
    # e_61 by hand: l = 1, 0.88, 0.88*0.77 = 0.6776, closed at 63
    # L = 0.94, 0.7788, 0.3388 ; e = 2.0576
    assert t.ex(61) == pytest.approx(0.94 + 0.7788 + 0.3388, abs=1e-13)
    with pytest.raises(TableError):
        LifeTable.cohort(q, years, age=59, year=2021, min_age=60)
    with pytest.raises(TableError):
        LifeTable.cohort(q, years, 2000, age=61, year=2021)
    with pytest.raises(TableError):
        LifeTable.cohort(q, years, age=61)


def test_by_sex_from_mapping_and_array():
    tabs = LifeTable.by_sex({"male": [0.1, 0.3, 1.0], "female": [0.2, 0.5, 1.0]})
    assert tabs["male"].ex(0) == pytest.approx(2.03)
    # female: L = 0.9, 0.6, 0.2 -> e_0 = 1.7
    assert tabs["female"].ex(0) == pytest.approx(1.7)
    arr = LifeTable.by_sex(np.array([[0.1, 0.3, 1.0], [0.2, 0.5, 1.0]]), min_age=5,
                           sexes=("M", "F"))
    assert set(arr) == {"M", "F"}
    assert arr["F"].ex(5) == pytest.approx(1.7)
    with pytest.raises(TableError):
        LifeTable.by_sex(np.zeros((3, 4)))


# --------------------------------------------------------------------------- errors
@pytest.mark.parametrize("bad", [[0.1, 1.2, 1.0], [0.1, -0.01], [0.1, float("nan")], [],
                                 [[0.1, 0.2]], "abc"])
def test_bad_q_raises_table_error(bad):
    with pytest.raises(TableError):
        LifeTable(bad, source="demo.csv")


def test_error_messages_name_field_and_value():
    with pytest.raises(TableError) as err:
        LifeTable([0.1, 1.2, 1.0], min_age=15, source="demo.csv")
    text = str(err.value)
    assert "demo.csv" in text and "index 1" in text and "1.2" in text and "qx" in text


def test_bad_ages_and_durations():
    t = three_age_x()
    for bad_age in (-1, 3, 1.5, "x"):
        with pytest.raises(TableError):
            t.ex(bad_age)
    with pytest.raises(TableError):
        t.tpx(0, -1)
    with pytest.raises(TableError):
        LifeTable([0.1], min_age=-2)
    # no survivors at age 2 when q_1 = 1
    dead = LifeTable([0.1, 1.0, 0.5, 1.0])
    with pytest.raises(TableError, match="no survivors"):
        dead.ex(2)


def test_bad_rates_and_methods():
    t = three_age_x()
    with pytest.raises(AssumptionError):
        t.annuity_due(0, -1.0)
    with pytest.raises(AssumptionError):
        t.annuity_due(0, [0.03, 0.04])  # ambiguous: spot or forward?
    with pytest.raises(AssumptionError):
        t.annuity_due(0, 0.05, m=12, method="euler")
    with pytest.raises(AssumptionError):
        t.annuity_due(0, 0.05, m=0)
    with pytest.raises(AssumptionError):
        t.annuity_due(0, 0.05, n=1.5)
    with pytest.raises(AssumptionError):
        Discount([1.0, 0.0])
    with pytest.raises(AssumptionError):
        Discount.from_spot_rates([0.03, -1.5])
    with pytest.raises(AssumptionError):
        t.commutation(Discount.constant(0.05))
    with pytest.raises(AssumptionError):
        Discount.constant(0.05)(-0.5)
    with pytest.raises(TableError):
        LifeTable.from_period(np.full((2, 3), 0.1), [2020, 2022], 2020)
    assert issubclass(AssumptionError, ActuaryError)


def test_functions_and_methods_agree():
    t = sult()
    assert annuity_due(t, 65, 0.05, m=12) == t.annuity_due(65, 0.05, m=12)
    # numpy scalars are plain rates and ages
    assert t.annuity_due(np.int64(65), np.float64(0.05)) == t.annuity_due(65, 0.05)
    assert t.annuity_due(65, np.array(0.05)) == t.annuity_due(65, 0.05)
