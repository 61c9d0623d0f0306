"""Capital values of the branch's pensions: annuity factors on cohort diagonals.

One convention for every pension of the branch (the pension projection's): amounts are
annual, paid through the year while the pensioner lives, counted at mid-year
(``1 - q/2`` of a year's pension for a life aged x on 1 January, deaths uniform over the
year) and discounted from mid-year; pensions in payment are indexed each 1 January by
the index's change over the year just ended.

With ``q_t(x)`` the death probability of a life aged x on 1 January of year t (a cohort
is read along the diagonal ``(t + k, x + k)``), ``r_t`` the return and ``j_t`` the
indexation applied on 1 January of t+1, the value on 1 January of year t of a pension of
1 a year is

    a(t, x) = (1 - q_t(x)/2) (1 + r_t)^(-1/2)
              + (1 - q_t(x)) (1 + j_t) (1 + r_t)^(-1) a(t + 1, x + 1),

with ``a = 0`` past the last age (q = 1 at 110), and for orphans' pensions also at and
above the orphan age limit. :func:`annuity_factors` runs this recursion backwards for
every year and age at once: the projection needs the value of every award of every
year, which one :class:`~actuary.life.lifetable.LifeTable` per award would make about
1.5 x 10^5 tables a run (100 years x 2 sexes x 96 ages x 8 kinds of pension; measured
0.14 ms each with :func:`award_value`: about 20 s a run, three minutes with the
sensitivities, against under 0.1 s for the recursion).
:func:`award_value` values a single award with :mod:`actuary.life` (a cohort
``LifeTable`` and a :class:`~actuary.life.annuities.Discount`); the tests check the two
against each other and against a hand calculation from ``l_x`` and ``v``.

After the projection's last year the rates of the last year are held (mortality,
return, indexation), so awards near the horizon are valued over their whole life.
"""

from __future__ import annotations

import numpy as np

from actuary.life.annuities import Discount
from actuary.life.lifetable import LifeTable

__all__ = ["extend_years", "annuity_factors", "award_value", "EXTRA_YEARS"]

#: Years appended after the horizon (holding the last year's rates) so every life ends.
EXTRA_YEARS = 112


def extend_years(arr: np.ndarray, extra: int = EXTRA_YEARS) -> np.ndarray:
    """``arr`` (years on axis 0) with its last year repeated ``extra`` more times."""
    a = np.asarray(arr, dtype=float)
    return np.concatenate([a, np.repeat(a[-1:], extra, axis=0)], axis=0)


def annuity_factors(q: np.ndarray, ret: np.ndarray, index: np.ndarray,
                    age_limit: int | None = None) -> np.ndarray:
    """``a(t, ..., x)`` on 1 January of years ``0 .. T`` (see the module docstring).

    Parameters
    ----------
    q
        Death probabilities ``[T, ..., 111]`` (age last), already extended past the
        horizon if wanted (:func:`extend_years`); any middle axes (sex, degree) are
        carried along.
    ret, index
        Return and indexation per year, ``[T]`` (fractions per year).
    age_limit
        Temporary annuity: no payment at ages >= ``age_limit`` (orphans).

    Returns
    -------
    numpy.ndarray
        ``[T + 1, ..., 111]``; year T (after the last) is 0.
    """
    q = np.asarray(q, dtype=float)
    T = q.shape[0]
    out = np.zeros((T + 1,) + q.shape[1:])
    alive = np.ones(q.shape[-1])
    if age_limit is not None:
        alive[age_limit:] = 0.0
    u = (1.0 + np.asarray(ret, dtype=float)) ** -0.5
    for t in range(T - 1, -1, -1):
        nxt = np.zeros(q.shape[1:])
        nxt[..., :-1] = out[t + 1][..., 1:]  # a(t+1, x+1); nothing past the last age
        out[t] = alive * ((1.0 - 0.5 * q[t]) * u[t]
                          + (1.0 - q[t]) * (1.0 + index[t]) * u[t] ** 2 * nxt)
    return out


def award_value(q_year_age: np.ndarray, first_year: int, year: int, age: int, rate: float,
                index: float = 0.0, years: int | None = None) -> float:
    """Value on 1 January of ``year`` of a pension of 1 a year to a life then aged ``age``.

    Computed with :mod:`actuary.life`: the cohort life table read on the diagonal of
    ``q_year_age`` (rows: calendar years from ``first_year``; columns: ages 0..;
    years after the last row hold it), its person-years ``L_x`` (uniform deaths), and a
    constant return ``rate`` net of a constant indexation ``index`` as a
    :class:`~actuary.life.annuities.Discount`:
    ``sum_k (1+index)^k (1+rate)^-(k+1/2) L_{age+k} / l_age``, over ``years`` years
    (None: for life).
    """
    rows = np.asarray(q_year_age, dtype=float)
    table = LifeTable.cohort(rows, np.arange(first_year, first_year + rows.shape[0]),
                             age=age, year=year)
    person_years = table.Lx / table.lx[0]
    if years is not None:
        person_years = person_years[:max(int(years), 0)]
    k = np.arange(person_years.size, dtype=float)
    # pensions grow by (1 + index) a year and are discounted at (1 + rate): one factor
    grow = Discount([(1.0 + index) / (1.0 + rate)])
    return float((1.0 + rate) ** -0.5 * np.sum(grow(k) * person_years))
