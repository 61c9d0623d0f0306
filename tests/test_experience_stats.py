"""The experience study's statistics, now by scipy, against values known without it.

The home-made incomplete gamma, its inverse, the chi-square tail, the Garwood interval
and the binomial distribution were replaced by scipy (issue 22). These tests hold the
replacements to closed forms and exact finite sums that owe nothing to scipy, to the
precision the old functions had (about 1e-14 relative; the tolerances below are looser
only where a closed form loses digits itself).
"""

from __future__ import annotations

import math

import pytest

from actuary.members.experience.stats import (
    _binom_cdf,
    _binom_sf,
    chi2_sf,
    gamma_pq,
    gamma_quantile,
    poisson_interval,
    wilson_interval,
)


@pytest.mark.parametrize("x", [1e-6, 0.1, 0.5, 2.0, 7.5, 30.0])
def test_incomplete_gamma_of_one_half_is_the_error_function(x):
    # P(1/2, x) = erf(sqrt(x)), Q(1/2, x) = erfc(sqrt(x))
    p, q = gamma_pq(0.5, x)
    assert p == pytest.approx(math.erf(math.sqrt(x)), rel=1e-13)
    assert q == pytest.approx(math.erfc(math.sqrt(x)), rel=1e-12)


@pytest.mark.parametrize("a", [1, 3, 10, 40])
@pytest.mark.parametrize("x", [0.5, 5.0, 25.0, 80.0])
def test_incomplete_gamma_of_a_whole_number_is_a_poisson_tail(a, x):
    # Q(a, x) = P(Poisson(x) <= a - 1), summed term by term in logs
    terms = [math.exp(-x + k * math.log(x) - math.lgamma(k + 1)) for k in range(a)]
    assert gamma_pq(a, x)[1] == pytest.approx(math.fsum(terms), rel=1e-12)
    assert math.fsum(gamma_pq(a, x)) == pytest.approx(1.0, abs=1e-15)


def test_incomplete_gamma_outside_its_domain():
    assert gamma_pq(2.0, 0.0) == (0.0, 1.0)
    with pytest.raises(ValueError):
        gamma_pq(0.0, 1.0)


@pytest.mark.parametrize("p", [1e-6, 0.025, 0.5, 0.975, 1 - 1e-9])
def test_gamma_quantile_inverts_closed_forms(p):
    # a = 1: the exponential, x = -ln(1 - p)
    assert gamma_quantile(p, 1.0) == pytest.approx(-math.log1p(-p), rel=1e-12)
    # a = 1/2: erf(sqrt(x)) = p at the quantile
    x = gamma_quantile(p, 0.5)
    assert math.erf(math.sqrt(x)) == pytest.approx(p, rel=1e-12)
    with pytest.raises(ValueError):
        gamma_quantile(0.0, 1.0)


@pytest.mark.parametrize("x", [0.01, 1.0, 3.84, 20.0])
def test_chi_square_tails_in_closed_form(x):
    assert chi2_sf(x, 2) == pytest.approx(math.exp(-x / 2), rel=1e-12)
    assert chi2_sf(x, 1) == pytest.approx(math.erfc(math.sqrt(x / 2)), rel=1e-12)
    # 4 degrees of freedom: exp(-x/2) (1 + x/2)
    assert chi2_sf(x, 4) == pytest.approx(math.exp(-x / 2) * (1 + x / 2), rel=1e-12)
    assert math.isnan(chi2_sf(x, 0))


@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_garwood_interval_of_no_event_and_its_defining_tails(alpha):
    # d = 0: the upper limit solves exp(-m) = alpha / 2
    assert poisson_interval(0, alpha) == pytest.approx((0.0, -math.log(alpha / 2)), rel=1e-12)
    for d in (1, 4, 17):
        lo, hi = poisson_interval(d, alpha)
        below = math.fsum(math.exp(-hi + k * math.log(hi) - math.lgamma(k + 1))
                          for k in range(d + 1))
        above = 1 - math.fsum(math.exp(-lo + k * math.log(lo) - math.lgamma(k + 1))
                              for k in range(d))
        assert below == pytest.approx(alpha / 2, rel=1e-10)   # P(N <= d | hi)
        assert above == pytest.approx(alpha / 2, rel=1e-10)   # P(N >= d | lo)


def test_wilson_interval_in_closed_form():
    z = 1.959963984540054  # the normal 97.5% quantile
    q, n = 0.2, 40.0
    centre = (q + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(q * (1 - q) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert wilson_interval(q, n) == pytest.approx((centre - half, centre + half), rel=1e-12)
    assert wilson_interval(0.0, 5.0)[0] == 0.0 and wilson_interval(1.0, 5.0)[1] == 1.0


@pytest.mark.parametrize("n, p", [(10, 0.5), (25, 0.0455), (60, 0.3)])
def test_binomial_distribution_against_the_finite_sum(n, p):
    pmf = [math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(n + 1)]
    for k in (0, 1, n // 3, n // 2, n):
        assert _binom_cdf(k, n, p) == pytest.approx(math.fsum(pmf[:k + 1]), rel=1e-12, abs=1e-300)
        assert _binom_sf(k, n, p) == pytest.approx(math.fsum(pmf[k:]), rel=1e-12, abs=1e-300)
