"""Helpers of the cohort kernel's state (inlined into its year step): the snapshot of a
year's stocks by sex and age, new entrants, and the moves over service slots (the used
slots of the members' buffers are in :mod:`actuary.engine.slots`).

Service slots. Under a career-average formula (``Basis.paid_slots``) a slot counts the
months of contributions actually paid, in steps of ``PAID_SLOT_MONTHS`` = 6 (slot k:
6k to 6k + 5 months, the last "or more"), and the qualifying periods, which the law
words in months of contributions (12 for old age, 60 for invalidity and survivors), are
tested on it; the credited service that decides the amount (contributions and
transitional credits) lives in the career earnings. A stayer moves ``12 x density x
contribution_factor / 6`` slots a year (2: the months actually paid), a mid-year
decrement half of that; the conditions of a death or an invalidity are tested at its
date (mid-year: the months paid on 1 January plus six), those of old age at the pension
age. A year's advance of ``adv`` slots moves a member ``a = floor(adv)`` slots up and a
share ``f = adv - a`` one more (:func:`slot_split`): the expected months are exact, and
so is every member's test when ``adv`` is whole. Exact therefore for every member when
the density is 1 and the starting months are the member's (a slot holds months 6k to
6k + 5 and every advance and threshold is a multiple of 6, so each member's test is the
slot's); approximate, by a share ``f`` of the cell moved one slot more, for a density
below 1 and in the year of the pension age (a decrement before the birthday pays 3
months at density 1: half a slot).

Under the final-salary rule, retirement at any age, an invalidity minimum on the
reference wage or invalidity pensions crediting years to the pension age
(``Basis.paid_slots`` False), a slot is completed credited years (advancing by
``density x credit_factor`` a year, a fraction split over two slots) and the
conditions are tested on them on 1 January: there the credits count toward the
conditions and a split cell's upper share passes them early.

Helpers taking arrays that the kernel calls for every sex and age (here and in
:mod:`actuary.engine.benefits`) are compiled with ``_nrt=False`` (no reference counting:
they allocate nothing and only read and write the caller's arrays) and are not inlined
at numba's IR level (LLVM still inlines them). Inlined or called, numba otherwise
increments and decrements each array argument's reference count around every call (an
atomic operation its pruning pass leaves in place as soon as the helper branches): about
330,000 a 100-year projection of the NSSF default, a third of the kernel's time
(measured 4.9 ms -> 3.4 ms; the results are bitwise the same).
"""

from __future__ import annotations

import math

import numba

from actuary.engine.jitopt import INNER

from actuary.engine.state import (
    FLOW_CONTRIBUTIONS,
    FLOW_DEATHS_ACTIVE,
    FLOW_DEATHS_INACTIVE,
    FLOW_DEATHS_PENSIONER,
    FLOW_EARNINGS,
    FLOW_ENTRANTS,
    FLOW_EXITS,
    FLOW_EXPOSURE,
    FLOW_FUNERAL,
    FLOW_REENTRIES,
    FLOW_SURVIVOR_LUMP,
    FLOW_WAGE_MASS,
    MASS_CAREER,
    MASS_PAID,
    MASS_INVALIDITY,
    MASS_OLD_AGE,
    MASS_ORPHAN,
    MASS_SPOUSE,
    MASS_WAGE,
    STATUS_ACTIVE,
    STATUS_INACTIVE,
    STATUS_INVALIDITY,
    STATUS_OLD_AGE,
    STATUS_ORPHAN,
    STATUS_SPOUSE,
)

__all__ = ["add_entrants", "add_flows", "qualifying_share", "slot_split", "snapshot", "snapshot_pensioners"]


@numba.njit(cache=True, nogil=True, inline="always")
def slot_split(adv):
    """``(a, f)``: an advance of ``adv`` slots (>= 0) moves ``a`` whole slots and a share
    ``f`` one slot more (``adv = a + f``, ``0 <= f < 1``; rounding noise of 1e-12 is
    taken as a whole slot)."""
    a = math.floor(adv + 1e-12)
    f = adv - a
    if f < 1e-12:
        f = 0.0
    return int(a), f


@numba.njit(cache=True, nogil=True, inline="always")
def qualifying_share(n, a, f, min_slot):
    """Share of members of slot ``n`` advanced by ``a + f`` slots (:func:`slot_split`) who
    meet a condition of ``min_slot`` slots: ``1 - f`` of them reach ``n + a``, ``f``
    reach ``n + a + 1``."""
    share = 0.0
    if n + a >= min_slot:
        share += 1.0 - f
    if n + a + 1 >= min_slot:
        share += f
    return share


@numba.njit(**INNER)
def snapshot(pt, mt, act_n, act_w, act_r, ina_n, ina_r, top_act, top_ina,
             oa_n, oa_p, iv_n, iv_p, sp_n, sp_p, or_n, or_p, act_c, ina_c):
    """Counts and masses by sex and age of a state (``pt[status, s, x]``, ``mt[mass, s, x]``)."""
    for s in range(act_n.shape[0]):
        for x in range(act_n.shape[1]):
            na = 0.0
            wa = 0.0
            cr = 0.0
            cp = 0.0
            for n in range(top_act[s, x]):
                na += act_n[s, x, n]
                wa += act_w[s, x, n]
                cr += act_r[s, x, n]
                cp += act_c[s, x, n]
            ni = 0.0
            for n in range(top_ina[s, x]):
                ni += ina_n[s, x, n]
                cr += ina_r[s, x, n]
                cp += ina_c[s, x, n]
            pt[STATUS_ACTIVE, s, x] = na
            pt[STATUS_INACTIVE, s, x] = ni
            mt[MASS_WAGE, s, x] = wa
            mt[MASS_CAREER, s, x] = cr
            mt[MASS_PAID, s, x] = cp
            snapshot_pensioners(pt, mt, s, x, oa_n, oa_p, iv_n, iv_p, sp_n, sp_p, or_n, or_p)


@numba.njit(**INNER, _nrt=False)  # no refcounts: see the module docstring
def add_old_age_stock(pt, mt, os_n, os_p):
    """Add the old-age stock (``os_n`` persons, ``os_p`` KHR a year, ``[sex, age]``) to the
    old-age pensioners of a state. Cell by cell on purpose: an array added to an array slice
    makes numba compile its shape-mismatch message (string formatting), ~3.5 s of a first
    run."""
    for s in range(os_n.shape[0]):
        for x in range(os_n.shape[1]):
            pt[STATUS_OLD_AGE, s, x] += os_n[s, x]
            mt[MASS_OLD_AGE, s, x] += os_p[s, x]


@numba.njit(**INNER, _nrt=False)  # no refcounts: see the module docstring
def snapshot_pensioners(pt, mt, s, x, oa_n, oa_p, iv_n, iv_p, sp_n, sp_p, or_n, or_p):
    """The pensioners' counts and masses of one sex and age."""
    pt[STATUS_OLD_AGE, s, x] = oa_n[s, x]
    pt[STATUS_INVALIDITY, s, x] = iv_n[s, x]
    pt[STATUS_SPOUSE, s, x] = sp_n[s, x]
    pt[STATUS_ORPHAN, s, x] = or_n[s, x]
    mt[MASS_OLD_AGE, s, x] = oa_p[s, x]
    mt[MASS_INVALIDITY, s, x] = iv_p[s, x]
    mt[MASS_SPOUSE, s, x] = sp_p[s, x]
    mt[MASS_ORPHAN, s, x] = or_p[s, x]


@numba.njit(**INNER)
def add_entrants(ft, act_n, act_w, top_act, target, distribution, wage):
    """New entrants on 1 January of next year (state ``act_n``, ``act_w``, ``top_act`` of
    that date), with no service, bringing the actives to ``target`` (none when negative
    or already reached), spread by ``distribution`` ``[sex, age]`` at ``wage`` ``[sex,
    age]`` (KHR per year); counted in ``ft[sex, FLOW_ENTRANTS]``."""
    if target < 0.0:
        return
    have = 0.0
    for s in range(act_n.shape[0]):
        for x in range(act_n.shape[1]):
            for n in range(top_act[s, x]):
                have += act_n[s, x, n]
    need = target - have
    if need <= 0.0:
        return
    for s in range(act_n.shape[0]):
        for x in range(act_n.shape[1]):
            e = need * distribution[s, x]
            if e > 0.0:
                ft[s, FLOW_ENTRANTS] += e
                act_n[s, x, 0] += e
                act_w[s, x, 0] += e * wage[s, x]
                if top_act[s, x] < 1:
                    top_act[s, x] = 1


@numba.njit(**INNER, _nrt=False)  # no refcounts: see the module docstring
def add_flows(ft, s, totals):
    """Add one sex and age's totals of the year into ``ft[s]``: ``totals = (earnings,
    contributions, contributor-years, wage mass, deaths of actives, of inactives, of
    pensioners, exits, re-entries, funeral grants, survivors' lump sums)``."""
    (earn, contrib, expo, wages, d_act, d_ina, d_pen, exits, back, grants,
     lump) = totals
    ft[s, FLOW_EARNINGS] += earn
    ft[s, FLOW_CONTRIBUTIONS] += contrib
    ft[s, FLOW_EXPOSURE] += expo
    ft[s, FLOW_WAGE_MASS] += wages
    ft[s, FLOW_DEATHS_ACTIVE] += d_act
    ft[s, FLOW_DEATHS_INACTIVE] += d_ina
    ft[s, FLOW_DEATHS_PENSIONER] += d_pen
    ft[s, FLOW_EXITS] += exits
    ft[s, FLOW_REENTRIES] += back
    ft[s, FLOW_FUNERAL] += grants
    ft[s, FLOW_SURVIVOR_LUMP] += lump
