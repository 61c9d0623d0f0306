"""The roots the toolkit solves for, now by scipy.optimize.brentq (issue 22), against the
equations they solve, closed forms, and the bisection each replaced.

``_bisection`` below is the method the modules used before (halving a bracket of a
monotone function), kept here as an independent reference: Brent's method must land on
the same root within the tolerance both were asked for.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from actuary.frame.calibration import _root_log
from actuary.io.errors import AssumptionError
from actuary.members.experience.expected import MAX_FORCE
from actuary.members.experience.table import exit_rate_from_force
from actuary.members.synth import _bounded_lognormal_mean, solve_wage_mu


def _bisection(f, lo: float, hi: float, n: int = 200) -> float:
    """The root of an increasing ``f`` in [lo, hi] by halving (the old method)."""
    for _ in range(n):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
    return 0.5 * (lo + hi)


# -- the dependent exit rate of a force (experience tables) -------------------------------

def _force(q, q_other):
    """The force of exit a dependent rate q stands for beside q_other (numpy, as
    actuary.members.experience.expected.basis_forces reads a table)."""
    Q = q_other + q
    return q * np.minimum(-np.log1p(-Q), MAX_FORCE) / Q


def test_exit_rate_solves_its_equation_and_matches_bisection():
    rng = np.random.default_rng(7)
    q_other = rng.uniform(0.0, 0.3, size=(2, 60))
    mu = rng.uniform(1e-4, 0.8, size=(2, 60))
    q = exit_rate_from_force(mu, q_other)
    assert np.allclose(_force(q, q_other), mu, rtol=1e-12, atol=0)
    for i in [(0, 0), (1, 17), (0, 59)]:
        ref = _bisection(lambda x: _force(x, q_other[i]) - mu[i], 0.0, 1.0 - q_other[i])
        assert q[i] == pytest.approx(ref, rel=1e-12)


def test_exit_rate_without_other_decrements_is_one_minus_exp_minus_mu():
    mu = np.array([0.0, 0.01, 0.2, 1.5])
    assert np.allclose(exit_rate_from_force(mu, np.zeros(4)), -np.expm1(-mu), rtol=1e-13)


def test_exit_rate_at_the_force_cap_takes_what_is_left():
    q = exit_rate_from_force(np.array([MAX_FORCE + 1.0, 5.0]), np.array([0.4, 1.0]))
    assert q[0] == pytest.approx(0.6, rel=1e-12) and q[1] == 0.0


# -- the wage parameter of a bounded lognormal (synthetic members) ------------------------

def test_wage_mu_without_bounds_is_the_lognormal_closed_form():
    # E[W] = exp(mu + sigma^2 / 2) when the floor and ceiling are far away
    target, sigma = 1.5e6, 0.4
    mu = solve_wage_mu(target, sigma, 1.0, 1e15)
    assert mu == pytest.approx(math.log(target) - sigma ** 2 / 2, rel=1e-13)


@pytest.mark.parametrize("target", [2.1e5, 1.0e6, 4.9e6])
def test_wage_mu_meets_its_bounded_mean_and_matches_bisection(target):
    sigma, lo, hi = 0.6, 2.0e5, 5.0e6
    mu = solve_wage_mu(target, sigma, lo, hi)
    assert _bounded_lognormal_mean(mu, sigma, lo, hi) == pytest.approx(target, rel=1e-12)
    ref = _bisection(lambda m: _bounded_lognormal_mean(m, sigma, lo, hi) - target,
                     math.log(lo) - 6 * sigma, math.log(hi) + 6 * sigma)
    assert mu == pytest.approx(ref, rel=1e-12)


# -- the national projection's targets (frame calibration) --------------------------------

@pytest.mark.parametrize("increasing", [True, False])
def test_log_scale_root_matches_closed_forms_and_bisection(increasing):
    f = (lambda x: x ** 3) if increasing else (lambda x: 1.0 / x)
    x = _root_log(f, 2.0, 1e-3, 10.0, increasing=increasing, what="a test")
    expected = 2.0 ** (1 / 3) if increasing else 0.5
    assert x == pytest.approx(expected, rel=1e-13)
    sign = 1.0 if increasing else -1.0
    ref = math.exp(_bisection(lambda u: sign * (f(math.exp(u)) - 2.0), math.log(1e-3),
                              math.log(10.0)))
    assert x == pytest.approx(ref, rel=1e-12)


def test_log_scale_root_out_of_reach_is_named():
    with pytest.raises(AssumptionError, match="target out of reach: the moon"):
        _root_log(lambda x: x, 50.0, 1.0, 10.0, increasing=True, what="the moon")


# -- the level of a participation shape (frame tables) ------------------------------------

def test_participation_scale_meets_its_level_and_matches_bisection():
    from actuary.tables.frame import _MAX_RATE, _scaled

    rng = np.random.default_rng(3)
    shape = rng.uniform(0.1, 0.9, size=50)
    weights = rng.uniform(1.0, 5.0, size=50)
    target = 0.75  # some ages reach the cap
    rates = _scaled(shape, weights, target)
    assert np.sum(weights * rates) / weights.sum() == pytest.approx(target, rel=1e-13)
    assert rates.max() == _MAX_RATE

    def mean(k: float) -> float:
        return float(np.sum(weights * np.minimum(k * shape, _MAX_RATE)) / weights.sum())

    k = _bisection(lambda k: mean(k) - target, 0.0, 4.0)
    assert np.allclose(rates, np.minimum(k * shape, _MAX_RATE), rtol=1e-12, atol=0)


# -- the lowest rate that meets a condition (scaled premiums, steady-state rate) ---------

def test_lowest_rate_matches_closed_forms_and_the_old_bisection():
    from actuary.analysis.indicators import _lowest_rate

    assert _lowest_rate(lambda r: r - 0.3) == pytest.approx(0.3, abs=1e-14)
    assert _lowest_rate(lambda r: r ** 3 - 1e-3) == pytest.approx(0.1, rel=1e-12)
    assert _lowest_rate(lambda r: r + 1.0) == 0.0          # met at no cost
    assert math.isnan(_lowest_rate(lambda r: r - 2.0))     # out of reach at 100%
    # a kinked, non-decreasing condition like the scaled premium's (min of lines)
    f = lambda r: min(3.0 * r - 0.4, r - 0.1)  # noqa: E731
    assert _lowest_rate(f) == pytest.approx(_bisection(f, 0.0, 1.0), abs=1e-13)


def test_exit_scale_of_the_synthetic_membership_meets_its_ratio():
    from actuary.members.synth import _solve_exit_scale

    rng = np.random.default_rng(11)
    actives = rng.uniform(1.0, 100.0, size=(2, 40))
    He = rng.uniform(0.01, 0.8, size=(2, 40))
    k = _solve_exit_scale(actives, He, 0.35)
    assert np.sum(actives * np.expm1(k * He)) / actives.sum() == pytest.approx(0.35, rel=1e-12)
    ref = _bisection(lambda x: np.sum(actives * np.expm1(x * He)) / actives.sum() - 0.35,
                     0.0, 4.0)
    assert k == pytest.approx(ref, rel=1e-12)
