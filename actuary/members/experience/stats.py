"""Statistics of an experience study: intervals for counts and rates, tail probabilities,
the binomial and runs distributions behind the tests of a graduation.

scipy does the numerical work: the regularised incomplete gamma function and its
inverse (:mod:`scipy.special`), hence the exact (Garwood) Poisson interval by the
Poisson-Gamma duality, the chi-square tail and the binomial distribution
(:mod:`scipy.stats`). The Wilson interval is its closed form (with scipy's normal
quantile); the distribution of the number of runs is a finite sum, computed exactly.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

__all__ = ["gamma_pq", "gamma_quantile", "chi2_sf", "poisson_interval", "wilson_interval"]


def gamma_pq(a: float, x: float) -> tuple[float, float]:
    """Regularised incomplete gamma functions ``(P(a, x), Q(a, x) = 1 - P)``, a > 0.

    :func:`scipy.special.gammainc` and :func:`scipy.special.gammaincc`: each computed
    directly, so a small tail probability keeps its relative precision.
    """
    if a <= 0:
        raise ValueError("a must be > 0")
    if x <= 0:
        return 0.0, 1.0
    return float(special.gammainc(a, x)), float(special.gammaincc(a, x))


def gamma_quantile(p: float, a: float) -> float:
    """``x`` with ``P(a, x) = p`` (the p-quantile of a Gamma(a, 1) variable),
    :func:`scipy.special.gammaincinv`."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be in (0, 1)")
    return float(special.gammaincinv(a, p))


def chi2_sf(stat: float, df: float) -> float:
    """Upper tail probability of a chi-square variable with ``df`` degrees of freedom
    (nan for ``df <= 0``)."""
    if df <= 0:
        return float("nan")
    return float(stats.chi2.sf(stat, df))


def poisson_interval(d: float, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) interval for the mean of a Poisson count ``d``.

    Lower = Gamma quantile(alpha/2; d) (0 when d = 0), upper = Gamma quantile(1 -
    alpha/2; d + 1): the means at which ``P(N >= d)`` and ``P(N <= d)`` equal alpha/2.
    """
    lower = 0.0 if d <= 0 else gamma_quantile(alpha / 2.0, d)
    return lower, gamma_quantile(1.0 - alpha / 2.0, d + 1.0)


def wilson_interval(q: float, n: float, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion ``q`` out of ``n`` (n > 0).

    The closed form, for a count and a size that need not be whole (an initial exposure
    in years): ``(q + z^2/2n +- z sqrt(q(1-q)/n + z^2/4n^2)) / (1 + z^2/n)`` with ``z``
    the normal ``1 - alpha/2`` quantile, cut to [0, 1].
    """
    z = float(stats.norm.ppf(1.0 - alpha / 2.0))
    denom = 1.0 + z * z / n
    centre = (q + z * z / (2.0 * n)) / denom
    half = z * math.sqrt(max(q * (1.0 - q), 0.0) / n + z * z / (4.0 * n * n)) / denom
    return max(centre - half, 0.0), min(centre + half, 1.0)


def _binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k), X binomial(n, p)."""
    return float(stats.binom.cdf(k, n, p))


def _binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k), X binomial(n, p)."""
    return float(stats.binom.sf(k - 1, n, p))


def _positive_runs(z: np.ndarray) -> tuple[int, int, int]:
    pos = z > 0
    runs = int(pos[0]) + int(np.sum(pos[1:] & ~pos[:-1])) if len(z) else 0
    return runs, int(pos.sum()), int((~pos).sum())


def _runs_cdf(g: int, n1: int, n2: int) -> float:
    """P(number of runs of positives <= g) for n1 positives and n2 negatives in random
    order: sum over t <= g of C(n1-1, t-1) C(n2+1, t) / C(n1+n2, n1)."""
    if n1 == 0 or n2 == 0:
        return float("nan")
    total = math.comb(n1 + n2, n1)
    return float(sum(math.comb(n1 - 1, t - 1) * math.comb(n2 + 1, t)
                     for t in range(1, g + 1)) / total)
