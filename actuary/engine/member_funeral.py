"""The funeral grants of pensions in payment, valued from the member engine's packed
inputs (:mod:`actuary.engine.member_columns`); inlined into
:mod:`actuary.engine.member_kernel`."""

from __future__ import annotations

import numba
import numpy as np

from actuary.engine.jitopt import INNER
from actuary.engine.member_columns import (A_DISABLED_MORTALITY, A_MORTALITY, F_FUNERAL_COUNT, F_FUNERAL_MASS, F_PAY, F_SURVIVORS, Y_COUNT_BELOW, Y_FUNERAL_MIN, Y_INDEXATION, Y_MASS_ABOVE, Y_V_MID)

__all__ = ["close_factors", "funeral", "funeral_by_year"]


@numba.njit(**INNER)
def funeral_by_year(kind, t1, s, x1, n, p, yearly, ysa, fm):
    """Value of the funeral grants of ``n`` pensioners of a kind (0 old age, 1 invalidity)
    with pensions ``p`` (KHR per year) on 1 January of year ``t1`` at age ``x1``, year
    by year: the grant is ``max(fm x pension, minimum)`` per death."""
    n_years = ysa.shape[0]
    n_age = ysa.shape[2]
    q_col = A_MORTALITY if kind == 0 else A_DISABLED_MORTALITY
    value = 0.0
    x = x1
    for t in range(t1, n_years):
        last = x == n_age - 1
        q = 1.0 if last else ysa[t, s, x, q_col]
        by_pension = fm * p * q
        by_minimum = yearly[t, Y_FUNERAL_MIN] * n * q
        value += yearly[t, Y_V_MID] * (by_pension if by_pension > by_minimum else by_minimum)
        if last:
            break
        n -= n * q
        p *= (1.0 - q) * (1.0 + yearly[t, Y_INDEXATION])
        x += 1
    return value


@numba.njit(cache=True, nogil=True, inline="always")
def funeral(n, p, f_mass, f_count, above, below):
    """Funeral grants of ``n`` pensioners with pensions ``p`` from the factors: ``p x
    f_mass`` when the grant follows the pension in every year left (pension per head at
    or above ``above``), ``n x f_count`` when it is the minimum in every year left (at
    or below ``below``), else NaN (then :func:`_funeral_by_year`).

    Scalars only, on purpose: arrays handed to a function inlined in the year loop are
    reference-counted (atomic operations), which cost more than the rest of the step.
    """
    if p >= above * n:  # p / n >= above, without dividing
        return p * f_mass
    if p <= below * n:
        return n * f_count
    return np.nan


@numba.njit(cache=True, nogil=True, inline="always")
def close_factors(kind, t1, s, x1, yearly, fac):
    """The factors valuing a pension of a kind (0 old age, 1 invalidity) in payment from 1
    January of year ``t1`` at age ``x1`` (sex ``s``): payments and survivors' pensions
    per KHR of pension, funeral grants per KHR of pension and per pensioner, and the
    pension per head above (below) which the grant follows the pension (the minimum) in
    every year left."""
    k = 4 * kind
    return (fac[t1, s, x1, k + F_PAY], fac[t1, s, x1, k + F_SURVIVORS],
            fac[t1, s, x1, k + F_FUNERAL_MASS], fac[t1, s, x1, k + F_FUNERAL_COUNT],
            yearly[t1, Y_MASS_ABOVE], yearly[t1, Y_COUNT_BELOW])
