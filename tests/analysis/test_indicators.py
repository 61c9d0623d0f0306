"""Financial indicators against hand calculations and their defining identities."""

from __future__ import annotations

import numpy as np
import pytest

from actuary.analysis import indicators as ind


def _cf(T=80, seed=0, admin=True) -> ind.CashFlows:
    rng = np.random.default_rng(seed)
    years = 2025 + np.arange(T)
    s = 1e12 * 1.05 ** np.arange(T)
    benefits = s * np.linspace(0.01, 0.25, T) * rng.uniform(0.9, 1.1, T)
    rate = np.where(years < 2030, 0.04, 0.08)
    c = rate * s
    a = np.full(T, 0.03) if admin else np.zeros(T)
    b = benefits + a * c
    i = rng.uniform(0.03, 0.06, T)
    return ind.CashFlows(years, s, c, b, i, 5e11, a, benefits)


def test_reserve_roll_forward_by_hand():
    # F1 = 100 + (50-20) + 0.1 x (100 + 15) = 141.5
    # F2 = 141.5 + (10-40) + 0.05 x (141.5 - 15) = 117.825
    f = ind.reserve_path(100.0, np.array([50.0, 10.0]), np.array([20.0, 40.0]),
                         np.array([0.1, 0.05]))
    assert f == pytest.approx([141.5, 117.825], rel=1e-15)
    inc = ind.investment_income(100.0, np.array([50.0, 10.0]), np.array([20.0, 40.0]),
                                np.array([0.1, 0.05]))
    assert inc == pytest.approx([11.5, 6.325], rel=1e-15)


def test_reserve_with_no_expenditure_grows_by_contributions_and_interest_only():
    c = np.array([10.0, 20.0, 30.0])
    i = np.array([0.02, 0.04, 0.03])
    f = ind.reserve_path(7.0, c, np.zeros(3), i)
    expected = 7.0
    for ct, it in zip(c, i):
        expected = expected * (1 + it) + ct * (1 + it / 2)
    assert f[-1] == pytest.approx(expected, rel=1e-15)


def test_payg_and_reserve_ratio():
    assert ind.payg_cost_rate(np.array([5.0, 1.0]), np.array([100.0, 0.0]))[0] == 0.05
    assert np.isnan(ind.payg_cost_rate(np.array([5.0, 1.0]), np.array([100.0, 0.0]))[1])
    assert ind.reserve_ratio(np.array([30.0]), np.array([10.0]))[0] == 3.0


@pytest.mark.parametrize("n,target", [(25, 0.0), (50, 0.0), (75, 0.0), (40, 3e12)])
@pytest.mark.parametrize("admin", [True, False])
def test_gap_applied_leaves_the_reserve_at_its_target(n, target, admin):
    cf = _cf(admin=admin)
    gap = ind.general_average_premium(cf, n, target)
    applied = cf.with_rate(gap)
    f = ind.reserve_path(cf.reserve0, applied.contributions[:n], applied.expenditure[:n],
                         cf.interest[:n])
    assert f[-1] == pytest.approx(target, abs=1e-6 * cf.earnings[:n].sum())
    # and a rate a little lower runs the reserve below the target
    low = cf.with_rate(gap - 1e-4)
    f_low = ind.reserve_path(cf.reserve0, low.contributions[:n], low.expenditure[:n],
                             cf.interest[:n])
    assert f_low[-1] < target


def test_gap_by_hand_two_years():
    # S = 100, 100; B = 10, 30; i = 10%; F0 = 5; no admin.
    # u1 = 1.05/1.1, u2 = 1.05/1.21; GAP = (u1 10 + u2 30 - 5) / (100 (u1 + u2))
    cf = ind.CashFlows(np.array([1, 2]), np.array([100.0, 100.0]), np.zeros(2),
                       np.array([10.0, 30.0]), np.array([0.1, 0.1]), 5.0)
    u1, u2 = 1.05 / 1.1, 1.05 / 1.21
    assert ind.general_average_premium(cf, 2) == pytest.approx(
        (u1 * 10 + u2 * 30 - 5) / (100 * (u1 + u2)), rel=1e-14)


def test_scaled_premiums_keep_the_reserve_from_falling_within_each_period():
    cf = _cf()
    periods = ind.scaled_premiums(cf, period=20)
    assert len(periods) == 4
    rates = np.concatenate([np.full(20, p["rate"]) for p in periods])
    applied = cf.with_rate(rates)
    f = ind.reserve_path(cf.reserve0, applied.contributions, applied.expenditure, cf.interest)
    opening = np.concatenate([[cf.reserve0], f[:-1]])
    assert np.all(f - opening >= -1e-6 * cf.earnings.max())
    assert [p["rate"] for p in periods] == sorted(p["rate"] for p in periods)
    # lowest: one basis point less in any period lets the reserve fall somewhere in it
    for k, p in enumerate(periods):
        trial = rates.copy()
        trial[20 * k: 20 * (k + 1)] -= 1e-4
        ap = cf.with_rate(trial)
        g = ind.reserve_path(cf.reserve0, ap.contributions, ap.expenditure, cf.interest)
        op = np.concatenate([[cf.reserve0], g[:-1]])
        assert np.min((g - op)[20 * k: 20 * (k + 1)]) < 0


def test_scaled_premiums_closed_form_is_brents_root():
    """The exact rate of scaled_premiums against a numerical root of the same condition
    (scipy's Brent's method on the smallest change of the reserve in the period)."""
    from scipy.optimize import brentq

    cf = _cf()
    periods = ind.scaled_premiums(cf, period=20)
    rates = np.zeros(cf.earnings.shape[0])
    for k, p in enumerate(periods):
        a, b = 20 * k, 20 * (k + 1)

        def smallest_change(pi: float) -> float:
            return float(ind._reserve_changes(cf, rates, a, b, pi).min())

        if smallest_change(0.0) >= 0:
            assert p["rate"] == 0.0
        else:
            root = brentq(smallest_change, 0.0, 1.0, xtol=1e-15, rtol=1e-15)
            assert p["rate"] == pytest.approx(root, rel=1e-12, abs=1e-15)
        rates[a:b] = p["rate"]
    assert any(p["rate"] > 0 for p in periods)  # not the trivial case throughout


def test_depletion_year_and_payable_share():
    years = np.array([2025, 2026, 2027, 2028])
    c = np.array([10.0, 10.0, 10.0, 10.0])
    b = np.array([5.0, 20.0, 30.0, 40.0])
    cf = ind.CashFlows(years, c * 10, c, b, np.zeros(4), 10.0)
    # reserve: 15, 5, -15, -45 -> depleted in 2027; income pays 10/30 of expenditure
    d = ind.depletion(cf)
    assert d["year"] == 2027
    assert d["payable_share"] == pytest.approx(1 / 3)
    assert ind.depletion(cf.with_rate(1.0))["year"] is None


def test_actuarial_balance_by_explicit_sums():
    cf = _cf(T=80, admin=False)
    n = 75
    pv_c = pv_b = pv_s = 0.0
    v = 1.0
    for t in range(n):
        mid = v / (1 + cf.interest[t]) * (1 + cf.interest[t] / 2)
        v /= 1 + cf.interest[t]
        pv_c += mid * cf.contributions[t]
        pv_b += mid * cf.expenditure[t]
        pv_s += mid * cf.earnings[t]
    expected = (cf.reserve0 + pv_c - pv_b - v * cf.expenditure[n]) / pv_s
    assert ind.actuarial_balance(cf, n) == pytest.approx(expected, rel=1e-12)


def test_steady_state_rate_equalises_reserve_ratios_in_years_10_and_60():
    cf = _cf()
    pi = ind.steady_state_rate(cf)
    ap = cf.with_rate(pi)
    f = ind.reserve_path(cf.reserve0, ap.contributions, ap.expenditure, cf.interest)
    r10, r60 = f[9] / ap.expenditure[9], f[59] / ap.expenditure[59]
    assert r10 == pytest.approx(r60, abs=1e-8)
    assert 0 < pi < 1


def test_steady_state_rate_is_nan_when_no_rate_equalises_the_ratios():
    # expenditure tiny in year 10 and large in year 60: the year-10 ratio always wins
    T = 70
    s = np.full(T, 100.0)
    b = np.where(np.arange(T) < 20, 0.01, 50.0)
    cf = ind.CashFlows(np.arange(T), s, np.zeros(T), b, np.full(T, 0.03), 0.0)
    assert np.isnan(ind.steady_state_rate(cf))


def test_gap_counts_only_collected_earnings():
    cf = _cf(admin=False)
    collection = np.ones(len(cf.years))
    collection[1] = 0.5  # six months suspended in year 2
    cf2 = ind.CashFlows(cf.years, cf.earnings, cf.contributions, cf.expenditure, cf.interest,
                        cf.reserve0, cf.admin_rate, cf.benefits, collection)
    n = 50
    gap = ind.general_average_premium(cf2, n)
    assert gap > ind.general_average_premium(cf, n)
    applied = cf2.with_rate(gap)
    assert applied.contributions[1] == pytest.approx(0.5 * gap * cf.earnings[1])
    f = ind.reserve_path(cf.reserve0, applied.contributions[:n], applied.expenditure[:n],
                         cf.interest[:n])
    assert abs(f[-1]) < 1e-9 * cf.earnings[:n].sum()
