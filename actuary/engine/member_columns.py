"""The member-level kernel's packed inputs: their columns, and the funeral grants of
pensions in payment valued from them (inlined into :mod:`actuary.engine.member_kernel`,
which re-exports the column names)."""

from __future__ import annotations

import numba
import numpy as np

from actuary.engine.jitopt import INNER

__all__ = [
    "A_DISABLED_MORTALITY", "A_ENTRANT_WAGE", "A_EXIT", "A_INVALIDITY", "A_MORTALITY",
    "A_REENTRY", "A_SURVIVORS", "F_FUNERAL_COUNT", "F_FUNERAL_MASS", "F_OLD_LUMP", "F_ORPHAN",
    "F_PAY",
    "F_SPOUSE", "F_SURVIVORS", "N_FACTORS", "N_SEX_AGE", "N_YEARLY", "N_YEAR_SEX_AGE",
    "S_ANY_SURVIVOR", "S_SALARY_GROWTH", "Y_ACCRUAL", "Y_CEILING", "Y_COUNT_BELOW", "Y_CREDIT",
    "Y_DENSITY", "Y_FLOOR", "Y_FUNERAL_MIN", "Y_INDEXATION", "Y_MASS_ABOVE", "Y_MIN_PENSION",
    "Y_PAID", "Y_PENSION_AGE", "Y_RATE", "Y_REFUND_INTEREST", "Y_REVALUATION", "Y_V_MID", "Y_WAGE_GROWTH",
    "close_factors", "funeral", "funeral_by_year",
]


# Columns of the packed inputs (built by actuary.engine.member_inputs.kernel_inputs). The
# column is the last index, so what one member needs in one year sits in a few cache
# lines. yearly [T + 1, column] (the last year only for the thresholds):
(Y_PENSION_AGE, Y_RATE, Y_PAID, Y_CREDIT, Y_DENSITY, Y_FLOOR, Y_CEILING, Y_ACCRUAL,
 Y_MIN_PENSION, Y_REVALUATION, Y_INDEXATION, Y_WAGE_GROWTH, Y_FUNERAL_MIN, Y_V_MID,
 Y_MASS_ABOVE, Y_COUNT_BELOW, Y_REFUND_INTEREST) = range(17)
N_YEARLY = 17
# year-sex-age [T, 2, 111, column]:
(A_MORTALITY, A_DISABLED_MORTALITY, A_INVALIDITY, A_EXIT, A_REENTRY, A_ENTRANT_WAGE,
 A_SURVIVORS) = range(7)
N_YEAR_SEX_AGE = 7
# sex-age [2, 111, column]:
S_SALARY_GROWTH, S_ANY_SURVIVOR = range(2)
N_SEX_AGE = 2
# pension factors [T + 1, 2, 111, column]: per kind (old age, invalidity) payments,
# survivors, funeral per unit of pension, funeral minimum per pensioner; then the
# pensions of a spouse and of an orphan
(F_PAY, F_SURVIVORS, F_FUNERAL_MASS, F_FUNERAL_COUNT) = range(4)
F_SPOUSE = 8
F_ORPHAN = 9
F_OLD_LUMP = 10  # lump sums left at death per unit of an old-age pension without
#                  the survivors' condition (in place of F_SURVIVORS)
N_FACTORS = 11


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
