"""The contributory wage of a cell: the expectation of a lognormal wage within the floor and ceiling.

Wages within a cell (sex, age, service) are lognormal with the cell's mean and a log-sd
``sigma`` (``Basis.wage_sigma``); contributions and career earnings take the wage within
the contributory floor and ceiling, so a cell's capped mean is the closed form of
:func:`capped_mean`.
"""

from __future__ import annotations

import math

import numba

__all__ = ["capped_mean", "capped_mean_logs", "gross_mean"]

_SQRT2 = math.sqrt(2.0)


@numba.njit(cache=True, nogil=True)
def _phi(z: float) -> float:
    """Standard normal distribution function."""
    return 0.5 * (1.0 + math.erf(z / _SQRT2))


@numba.njit(cache=True, nogil=True)
def capped_mean(mean: float, floor: float, ceiling: float, sigma: float) -> float:
    """E[min(max(W, floor), ceiling)] for a lognormal W with mean ``mean`` and log-sd ``sigma``.

    With ``ln W ~ N(mu, sigma^2)``, ``mu = ln(mean) - sigma^2/2``, and ``d(k) = (ln k - mu)/sigma``::

        E = floor Phi(d(f)) + mean [Phi(d(c) - sigma) - Phi(d(f) - sigma)] + ceiling [1 - Phi(d(c))]

    ``sigma = 0`` gives ``clip(mean, floor, ceiling)``. Units are those of the inputs.
    A ceiling of 0 or less means no ceiling; a floor of 0 or less means no floor.
    """
    log_floor = math.log(floor) if floor > 0.0 else 0.0
    log_ceiling = math.log(ceiling) if ceiling > 0.0 else 0.0
    return capped_mean_logs(mean, floor, ceiling, log_floor, log_ceiling, sigma)


@numba.njit(cache=True, nogil=True, fastmath={"contract"})
def capped_mean_logs(mean, floor, ceiling, log_floor, log_ceiling, sigma):
    """:func:`capped_mean` with the logarithms of the floor and ceiling given (per year)."""
    if mean <= 0.0:
        return 0.0
    has_ceiling = ceiling > 0.0
    if sigma <= 0.0:
        w = mean
        if w < floor:
            w = floor
        if has_ceiling and w > ceiling:
            w = ceiling
        return w
    mu = math.log(mean) - 0.5 * sigma * sigma
    lower = 0.0
    p_low = 0.0
    if floor > 0.0:
        d_f = (log_floor - mu) / sigma
        p_low = _phi(d_f)
        lower = _phi(d_f - sigma)
    upper_w = 1.0
    upper_p = 1.0
    if has_ceiling:
        d_c = (log_ceiling - mu) / sigma
        upper_p = _phi(d_c)
        upper_w = _phi(d_c - sigma)
    result = mean * (upper_w - lower)
    if floor > 0.0:
        result += floor * p_low
    if has_ceiling:
        result += ceiling * (1.0 - upper_p)
    return result


def gross_mean(insurable: float, floor: float, ceiling: float, sigma: float) -> float:
    """The mean ``m`` of a lognormal wage (log-sd ``sigma``) whose capped mean
    :func:`capped_mean` is ``insurable``: the gross mean of a cell whose average
    insurable wage is known (KHR, any period, the same for all four amounts).

    :func:`capped_mean` increases with ``m`` from the floor (``m -> 0``) to the
    ceiling (``m -> inf``), so the root is unique, found by Brent's method on ``ln m``
    to 1e-13 relative. An average at or beyond the floor or the ceiling (or ``sigma =
    0``) is read as every member being there: the wage is kept as given.
    """
    from scipy.optimize import brentq

    has_ceiling = ceiling > 0.0
    if (sigma <= 0.0 or insurable <= 0.0 or insurable <= floor
            or (has_ceiling and insurable >= ceiling)):
        return insurable
    target = math.log(insurable)

    def gap(log_m: float) -> float:
        return math.log(capped_mean(math.exp(log_m), floor, ceiling, sigma)) - target

    # the capped mean is within a factor exp(+-k sigma)-ish of m; widen until bracketed
    lo, hi = target - 4.0 * sigma, target + 4.0 * sigma
    while gap(lo) > 0.0:
        lo -= 4.0 * sigma
    while gap(hi) < 0.0:
        hi += 4.0 * sigma
    return math.exp(brentq(gap, lo, hi, xtol=1e-14, rtol=1e-15))
