"""The member-level engine's packed inputs (:mod:`actuary.engine.member_columns`), built
from a :class:`~actuary.engine.basis.Basis` by :func:`kernel_inputs`: the yearly
parameters, the year-sex-age rates, and the factors that value a pension in payment at
once (backward recursions over the years, :func:`pension_factors`), with the values of
the survivors' pensions a death leaves (:func:`survivor_values`).

Everything is in KHR at the valuation date, discounted to the middle of each year
(``v_mid``, :func:`actuary.members.closed_group.discount_factors`).
"""

from __future__ import annotations

import numpy as np

from actuary.engine import member_columns as mk
from actuary.engine.basis import Basis

__all__ = ["funeral_thresholds", "kernel_inputs", "pension_factors", "survivor_values"]


def _in_payment(q: np.ndarray, basis: Basis, per_year: np.ndarray, lapse: np.ndarray | None = None,
                indexed: bool = True) -> np.ndarray:
    """Backward recursion over a pension in payment: ``V[t, s, x]`` is the value at the
    valuation date of ``per_year[t, s, x]`` (per unit of the pension, or per
    pensioner when ``indexed`` is False) in every year left to a pensioner of sex ``s``
    and age ``x`` on 1 January of year ``t``, who dies in the year with probability
    ``q[t, s, x]`` (1 at the last age), is indexed at each year end, and stops on
    reaching an age where ``lapse`` is True. ``V[T] = 0``.
    """
    T, _, n_age = q.shape
    out = np.zeros((T + 1, 2, n_age))
    nxt = np.minimum(np.arange(n_age) + 1, n_age - 1)
    keep = np.ones(n_age) if lapse is None else (~lapse[nxt]).astype(float)
    for t in range(T - 1, -1, -1):
        qt = q[t].copy()
        qt[:, -1] = 1.0
        grow = (1.0 + basis.indexation[t]) if indexed else 1.0
        out[t] = per_year[t] + (1.0 - qt) * grow * keep * out[t + 1][:, nxt]
    return out


def _dead_at_last_age(q: np.ndarray) -> np.ndarray:
    q = q.copy()
    q[:, :, -1] = 1.0
    return q


def _pension_values(basis: Basis, v_mid: np.ndarray, until: int | None) -> np.ndarray:
    """``P[t, s, x]``: value at the valuation date of a pension of 1 KHR a year in payment
    on 1 January of year ``t`` to a survivor of sex ``s`` and age ``x`` (``P[T] = 0``).

    Paid mid-year (``1 - q/2`` of it in the year of death), indexed at each year end,
    stopping on reaching age ``until`` (orphans) when given.
    """
    q = _dead_at_last_age(basis.mortality)
    lapse = None if until is None else np.arange(q.shape[2]) >= until
    return _in_payment(q, basis, v_mid[:, None, None] * (1.0 - 0.5 * q), lapse)


def survivor_values(basis: Basis, v_mid: np.ndarray) -> np.ndarray:
    """``SV[t, s, x]``: value at the valuation date of the survivors' pensions left by the
    deaths in year ``t`` of members of sex ``s`` and age ``x``, per 1 KHR a year of the
    deceased's pension (their own, or the one they would have had).

    The rules of the cohort projection (:func:`actuary.engine.kernels._add_survivors`): a share
    ``share_married`` leaves a spouse (the other sex, ``spouse_age_gap`` years apart), a
    share ``child_probability`` leaves children (aged ``parent_child_gap`` years less,
    half of each sex, paid until ``orphan_age_limit``); both classes share the
    survivors' pension (``survivor_rate``) when both exist. Half a year is paid in the
    year of death; the pensions are indexed at the year end.
    """
    r = basis.rules
    T = basis.n_years
    n_age = basis.mortality.shape[2]
    sv = np.zeros((T, 2, n_age))
    if r.survivor_rate <= 0.0:
        return sv
    spouse = _pension_values(basis, v_mid, None)
    orphan = _pension_values(basis, v_mid, basis.orphan_age_limit)
    ages = np.arange(n_age)
    limit = basis.orphan_age_limit
    a_child = np.clip(ages - basis.parent_child_gap, 0, limit - 1) + 1  # age next 1 January
    child_alive = a_child < limit
    a_child = np.minimum(a_child, n_age - 1)
    for s in range(2):
        m = basis.share_married[s]
        pc = basis.child_probability[s]
        spouse_coef = m * (pc * r.survivor_spouse_share + (1.0 - pc))
        orphan_coef = pc * (m * r.survivor_children_share + (1.0 - m))
        orphan_coef = np.where(basis.children[s] > 0.0, orphan_coef, 0.0)
        a_sp = np.minimum(np.clip(ages + basis.spouse_age_gap[s], 0, n_age - 1) + 1, n_age - 1)
        # every year at once (the same operations element by element as year by year)
        ix1 = (1.0 + basis.indexation[:T])[:, None]
        half_v = 0.5 * v_mid[:T, None]
        sp_future = ix1 * spouse[1:T + 1, 1 - s][:, a_sp]
        or_future = np.where(child_alive, ix1 * 0.5 * (orphan[1:T + 1, 0][:, a_child]
                                                       + orphan[1:T + 1, 1][:, a_child]), 0.0)
        sv[:, s] = r.survivor_rate * (spouse_coef * (half_v + sp_future)
                                      + orphan_coef * (half_v + or_future))
    return sv


def funeral_thresholds(basis: Basis) -> tuple[np.ndarray, np.ndarray]:
    """``(above, below)`` ``[T + 1]``: pension per head (KHR per year) on 1 January of
    year ``t`` at or above which the funeral grant is ``funeral months x pension`` in
    every year left, and at or below which it is the minimum in every year left.

    A pension ``p`` at ``t1`` is ``p I_t / I_t1`` at ``t`` (``I`` the cumulative
    indexation), so the grant follows the pension in year ``t`` when
    ``p >= I_t1 g_t / (f I_t)`` (``g`` the minimum, ``f`` the months / 12).
    """
    T = basis.n_years
    f = basis.rules.funeral_grant_months / 12.0
    above = np.full(T + 1, np.inf)
    below = np.full(T + 1, np.inf)
    if f <= 0.0:
        return above, below  # the minimum alone
    index = np.concatenate(([1.0], np.cumprod(1.0 + basis.indexation)))
    ratio = basis.funeral_grant_minimum / (f * index[:T])
    above[:T] = index[:T] * np.maximum.accumulate(ratio[::-1])[::-1]
    below[:T] = index[:T] * np.minimum.accumulate(ratio[::-1])[::-1]
    return above, below


def pension_factors(basis: Basis, v_mid: np.ndarray, sv: np.ndarray) -> np.ndarray:
    """The ``F_*`` columns of :mod:`actuary.engine.member_columns`, as rows ``[11, T + 1, 2, 111]``.

    For old-age (``q`` = mortality) and invalidity pensions (``q`` = disabled
    mortality) in payment on 1 January of year ``t`` at age ``x``, per unit of pension
    (KHR per year): the value of the payments, of the survivors' pensions left at
    death (``sv``, :func:`survivor_values`), of a funeral grant of ``funeral months x
    pension``; per pensioner, of a funeral grant at the minimum. Then the value of a
    spouse's and of an orphan's pension per unit; last, the lump sums at death per unit
    of an old-age pension without the survivors' condition. The eleven recursions run
    side by side (:func:`_in_payment_rows`: the same arithmetic, one loop over the
    years).
    """
    f = basis.rules.funeral_grant_months / 12.0
    vm = v_mid[:, None, None]
    rows = []
    for q in (basis.mortality, basis.disabled_mortality):
        q = _dead_at_last_age(q)
        rows += [(q, vm * (1.0 - 0.5 * q), None, True), (q, q * sv, None, True),
                 (q, vm * f * q, None, True),
                 (q, vm * basis.funeral_grant_minimum[:, None, None] * q, None, False)]
    q = _dead_at_last_age(basis.mortality)
    ages = np.arange(q.shape[2])
    rows += [(q, vm * (1.0 - 0.5 * q), None, True),
             (q, vm * (1.0 - 0.5 * q), ages >= basis.orphan_age_limit, True)]
    # an old-age pension below the survivors' condition leaves the lump sum instead
    anyone = 1.0 - (1.0 - basis.share_married) * (1.0 - basis.child_probability)
    lump = basis.rules.survivor_lump_sum_months / 12.0
    rows.append((q, vm * q * anyone[None] * lump, None, True))
    return _in_payment_rows(basis, rows)


def _in_payment_rows(basis: Basis, rows: list) -> np.ndarray:
    """:func:`_in_payment` of each ``(q, per_year, lapse, indexed)`` of ``rows``, stacked
    ``[len(rows), T + 1, 2, n_age]``: one backward loop over the years for all of them,
    with the same operations element by element (the same bits as one by one)."""
    q = np.stack([r[0] for r in rows])
    per_year = np.stack([r[1] for r in rows])
    R, T, _, n_age = q.shape
    nxt = np.minimum(np.arange(n_age) + 1, n_age - 1)
    keep = np.stack([np.ones(n_age) if r[2] is None else (~r[2][nxt]).astype(float)
                     for r in rows])[:, None, :]
    indexed = np.array([r[3] for r in rows])
    out = np.zeros((R, T + 1, 2, n_age))
    for t in range(T - 1, -1, -1):
        qt = q[:, t].copy()
        qt[:, :, -1] = 1.0
        grow = np.where(indexed, 1.0 + basis.indexation[t], 1.0)[:, None, None]
        out[:, t] = per_year[:, t] + (1.0 - qt) * grow * keep * out[:, t + 1][:, :, nxt]
    return out


def kernel_inputs(basis: Basis, v_mid: np.ndarray) -> tuple:
    """The packed arrays ``(yearly, ysa, sa, fac)`` of
    :func:`actuary.engine.member_entry.value_members_kernel`
    (``[T + 1, Y_*]``, ``[T, 2, 111, A_*]``, ``[2, 111, S_*]``, ``[T + 1, 2, 111, F_*]``)."""
    b = basis
    T = b.n_years
    sv = survivor_values(b, v_mid)
    above, below = funeral_thresholds(b)
    yearly = np.zeros((T + 1, mk.N_YEARLY))
    for col, values in ((mk.Y_PENSION_AGE, b.pension_age), (mk.Y_RATE, b.contribution_rate),
                        (mk.Y_PAID, b.contribution_factor), (mk.Y_CREDIT, b.credit_factor),
                        (mk.Y_DENSITY, b.density), (mk.Y_FLOOR, b.wage_floor),
                        (mk.Y_CEILING, b.wage_ceiling), (mk.Y_ACCRUAL, b.accrual_rate),
                        (mk.Y_MIN_PENSION, b.minimum_pension),
                        (mk.Y_REVALUATION, b.revaluation), (mk.Y_INDEXATION, b.indexation),
                        (mk.Y_WAGE_GROWTH, b.wage_growth),
                        (mk.Y_FUNERAL_MIN, b.funeral_grant_minimum), (mk.Y_V_MID, v_mid),
                        (mk.Y_REFUND_INTEREST, b.refund_interest)):
        yearly[:T, col] = values
    yearly[:, mk.Y_MASS_ABOVE] = above
    yearly[:, mk.Y_COUNT_BELOW] = below
    ysa = np.stack([b.mortality, b.disabled_mortality, b.invalidity, b.exit, b.reentry,
                    b.entrant_wage, sv], axis=-1)
    anyone = 1.0 - (1.0 - b.share_married) * (1.0 - b.child_probability)
    sa = np.stack([b.salary_growth, anyone], axis=-1)
    return yearly, ysa, sa, np.ascontiguousarray(np.moveaxis(pension_factors(b, v_mid, sv), 0, -1))
