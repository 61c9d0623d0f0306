"""The gross mean wage of a cell whose average insurable (capped) wage is known.

The inverse of :func:`actuary.engine.wages.capped_mean` in the lognormal's mean, for
building a basis (:mod:`actuary.engine.build`) from a starting population's insurable
wages. Kept apart from :mod:`actuary.engine.wages` (numba's) so that a valuation that
calls the capped mean compiled at install imports no numba (:mod:`actuary.engine.native`).
"""

from __future__ import annotations

import math

from actuary.engine import native

__all__ = ["gross_mean"]


def gross_mean(insurable: float, floor: float, ceiling: float, sigma: float) -> float:
    """The mean ``m`` of a lognormal wage (log-sd ``sigma``) whose capped mean
    (:func:`actuary.engine.wages.capped_mean`) is ``insurable``: the gross mean of a cell
    whose average insurable wage is known (KHR, any period, the same for all four amounts).

    The capped mean increases with ``m`` from the floor (``m -> 0``) to the
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
    # its compiled module (no numba) when installed: the same function to rounding
    capped_mean = native.entry("capped_mean", (1.0, 1.0, 1.0, 1.0))
    floor, ceiling, sigma = float(floor), float(ceiling), float(sigma)

    def gap(log_m: float) -> float:
        return math.log(capped_mean(math.exp(log_m), floor, ceiling, sigma)) - target

    # the capped mean is within a factor exp(+-k sigma)-ish of m; widen until bracketed
    lo, hi = target - 4.0 * sigma, target + 4.0 * sigma
    while gap(lo) > 0.0:
        lo -= 4.0 * sigma
    while gap(hi) < 0.0:
        hi += 4.0 * sigma
    return math.exp(brentq(gap, lo, hi, xtol=1e-14, rtol=1e-15))
