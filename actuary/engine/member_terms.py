"""Scalar pieces of the member-level kernel's year step
(:mod:`actuary.engine.member_kernel`): the terms of an award at the pension age common to
a slot and one member's award, the shares of a slot moving up, and one lane's money of
an active slot.

Scalars in, scalars out, so they are ordinary numba functions that LLVM inlines into the
kernel's loops (which it still vectorises), not ``inline="always"``: numba's own
inlining copies each callee's IR into the kernel before typing, which made the kernel's
first compilation about 4 s longer (SSA reconstruction and typing grow faster than the
size of a function) for the same machine code.
"""

from __future__ import annotations

import numba

from actuary.engine.invalidity import invalidity_pension
from actuary.engine.jitopt import INNER

__all__ = ["award_lane", "award_terms", "slot_money", "slot_shares"]


@numba.njit(**INNER)
def award_terms(c, n, f, acc, minp, min_years):
    """What the members of one service slot reaching the pension age have in common:
    probability ``c``, ``n`` completed years, advanced by ``f`` (a share ``1 - f`` keeps
    ``n`` years, ``f`` has ``n + 1``). Returns the new pensioners (those with the
    old-age condition) and, for each of the two shares, the terms of
    :func:`award_lane`: 1 if it has the condition else 0, the accrual on its share, its
    minimum pension in all (KHR per year), and its share if it is refunded else 0."""
    n_new = 0.0
    m0 = a0 = fl0 = s0 = m1 = a1 = fl1 = s1 = 0.0
    for k in range(2):
        share = (1.0 - f) if k == 0 else f
        if share <= 0.0:
            continue
        ok = n + k >= min_years
        if ok:
            n_new += share * c
        m = 1.0 if ok else 0.0
        if k == 0:
            m0, a0, fl0, s0 = m, acc * share, minp * (share * c), (0.0 if ok else share)
        else:
            m1, a1, fl1, s1 = m, acc * share, minp * (share * c), (0.0 if ok else share)
    return n_new, (m0, a0, fl0, s0, m1, a1, fl1, s1)


@numba.njit(**INNER)
def award_lane(r, rp, c, cp, terms):
    """One member's award from the common ``terms`` of :func:`award_terms`: career
    earnings ``r`` (KHR) and their accrued part ``rp`` give the pension (KHR per year, at
    least the minimum) and the accrued pension; below the condition the contributions
    paid ``c`` (KHR) and their part paid by the valuation date ``cp`` are refunded.
    Written without branches, so that a loop over lanes is vectorised."""
    m0, a0, fl0, s0, m1, a1, fl1, s1 = terms
    p0, pp0, p1, pp1 = a0 * r, a0 * rp, a1 * r, a1 * rp
    return (m0 * (p0 if p0 > fl0 else fl0) + m1 * (p1 if p1 > fl1 else fl1),
            m0 * (pp0 if pp0 > fl0 else fl0) + m1 * (pp1 if pp1 > fl1 else fl1),
            (s0 + s1) * c, (s0 + s1) * cp)


@numba.njit(**INNER)
def slot_shares(a, f, room):
    """Shares of a slot's members moving 0, 1 and 2 slots up when they advance ``a + f``
    slots (:func:`actuary.engine.cells.slot_split`, ``a + f <= 2``), with ``room`` slots
    above them: what would pass the last slot stays in it."""
    w0 = w1 = w2 = 0.0
    if a == 0:
        w0, w1 = 1.0 - f, f
    elif a == 1:
        w1, w2 = 1.0 - f, f
    else:
        w2 = 1.0
    if room <= 1:
        w1 += w2
        w2 = 0.0
    if room <= 0:
        w0 += w1
        w1 = 0.0
    return w0, w1, w2


@numba.njit(**INNER)
def slot_money(w0, k0, rm, wu, wc, pua, af, fl, ce, half_f, acc, floor_rate, minp_c):
    """One lane of an active slot, for a member of starting wage ``w0`` (KHR per year)
    and career ``k0`` (KHR) whose career earnings in the slot are ``rm``: the wage mass
    within the floor ``fl`` and ceiling ``ce`` (KHR per year), the career at mid-year,
    and the invalidity pensions on it and on the accrued career (KHR per year). ``af``
    is 0 when the slot has no actives (then all of it is 0), else 1."""
    wm = w0 * wu + wc
    cwm = wm if wm > fl else fl
    cwm = af * (cwm if cwm < ce else ce)
    half = af * (rm + half_f * cwm)
    return (cwm, half, invalidity_pension(half, acc, floor_rate, minp_c),
            invalidity_pension(k0 * pua, acc, floor_rate, minp_c))
