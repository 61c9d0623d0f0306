"""Entry points of the member-level valuation: every member through
:func:`actuary.engine.member_kernel._value_block` (actives and inactives, in blocks of alike
members) or :func:`actuary.engine.member_kernel._value_pensioner`, on all threads
(:func:`value_members_kernel`) or on one (:func:`value_members_serial`).

Two entries because compiling costs: ``parallel=True`` adds about 3 s (a quarter) to the
first compilation of the member engine, which ``actuary valuate`` pays to value the
starting population's accrued rights (a few thousand cells: 20 ms on one thread). The
two share the work of a chunk (:func:`_value_chunk`) and add the chunks in the same
order, so they give the same values to the bit (tested).
"""

from __future__ import annotations

import numba
import numpy as np

from actuary.engine.jitopt import INNER
from actuary.engine.member_blocks import PARALLEL_FROM  # noqa: F401 (re-exported)
from actuary.engine.member_columns import LANES, MEMBER_ACTIVE
from actuary.engine.member_kernel import _value_block, _value_pensioner
from actuary.engine.member_lanes import (
    _B_ADL,
    _B_CONTRIB,
    _N_LANE,
    _N_MONEY,
    _N_SLOT,
    _OUT,
    BRANCHES,
)

__all__ = ["value_members_kernel", "value_members_serial", "PARALLEL_FROM"]


@numba.njit(cache=True, nogil=True, parallel=True)
def value_members_kernel(blocks, sex, age, status, years, wage, career, paid, pension,
                         n_slots, n_chunks, yearly, ysa, sa, fac, rules):
    """Value every member: ``(pvfc [M], pvfb [M], adl [M], totals [len(BRANCHES)])`` (KHR).

    Members ``[M]``: ``sex`` (0 men, 1 women), ``age`` (completed years at the
    valuation date), ``status`` (``MEMBER_*``), ``years`` (credited service, years),
    ``wage`` (actives' insurable wage, KHR per year), ``career`` (revalued career
    earnings, KHR), ``paid`` (contributions paid, KHR: the base of a refund),
    ``pension`` (pensioners' pension, KHR per year). The packed inputs
    ``yearly``, ``ysa``, ``sa``, ``fac`` are described by the ``Y_*``, ``A_*``, ``S_*``,
    ``F_*`` rows; ``rules`` is the scheme's :class:`actuary.engine.records.KernelRules`
    (its conditions and shares; the yearly parameters come packed in ``yearly``).
    Members are valued in blocks of alike members, ``blocks`` = ``(order, start, length,
    pensioners)`` as :func:`actuary.engine.member_blocks.member_blocks` returns them
    (:func:`actuary.engine.member_blocks.blocks_of`: found outside, so that the entries
    compile without the grouping, which a starting population's few thousand cells do
    by numpy); block ``b`` goes to chunk ``b mod n_chunks`` (so that each chunk has young and old
    members alike), the chunks are shared out over the threads, and each keeps its own
    scratch state. The members' wages and careers are first copied in block order, and
    their values copied back after, each in parallel: one pass of scattered reads and
    writes, rather than a cache miss in the middle of every block.

    :func:`value_members_serial` is the same on one thread, compiled without the
    parallel machinery (about 3 s less to compile): the same values to the bit, the
    chunks being summed in the same order.
    """
    order, start, length, pensioners = blocks
    n_m = order.shape[0]
    wage_o = np.empty(n_m)
    career_o = np.empty(n_m)
    paid_o = np.empty(n_m)
    for k in numba.prange(n_m):
        wage_o[k] = wage[order[k]]
        career_o[k] = career[order[k]]
        paid_o[k] = paid[order[k]]
    pvfc, pvfb, adl = np.empty(sex.shape[0]), np.empty(sex.shape[0]), np.empty(sex.shape[0])
    in_order = np.empty(3 * n_m)  # pvfc, pvfb and adl in block order, one after the other
    totals = np.empty(n_chunks * len(BRANCHES))  # chunk c's from c * len(BRANCHES)
    for k in range(totals.shape[0]):
        totals[k] = 0.0
    for c in numba.prange(n_chunks):
        _value_chunk(np.int64(c), n_chunks, (sex, age, status, years, pension),
                     (order, start, length, pensioners), (wage_o, career_o, paid_o), n_slots,
                     (yearly, ysa, sa, fac), rules, (pvfc, pvfb, adl), in_order, totals)
    for k in numba.prange(n_m):
        pvfc[order[k]] = in_order[k]
        pvfb[order[k]] = in_order[n_m + k]
        adl[order[k]] = in_order[2 * n_m + k]
    return pvfc, pvfb, adl, _sum_chunks(totals, n_chunks)


@numba.njit(cache=True, nogil=True)
def value_members_serial(blocks, sex, age, status, years, wage, career, paid, pension,
                         n_slots, n_chunks, yearly, ysa, sa, fac, rules):
    """:func:`value_members_kernel` on one thread: the same arguments and results, to the
    bit (the chunks are valued and summed in the same order). For small member sets
    (the starting population's cells) it is as fast, and it compiles in about three
    quarters of the time: no parallel machinery."""
    order, start, length, pensioners = blocks
    n_m = order.shape[0]
    wage_o = np.empty(n_m)
    career_o = np.empty(n_m)
    paid_o = np.empty(n_m)
    for k in range(n_m):
        wage_o[k] = wage[order[k]]
        career_o[k] = career[order[k]]
        paid_o[k] = paid[order[k]]
    pvfc, pvfb, adl = np.empty(sex.shape[0]), np.empty(sex.shape[0]), np.empty(sex.shape[0])
    in_order = np.empty(3 * n_m)
    totals = np.empty(n_chunks * len(BRANCHES))
    for k in range(totals.shape[0]):
        totals[k] = 0.0
    for c in range(n_chunks):
        _value_chunk(c, n_chunks, (sex, age, status, years, pension),
                     (order, start, length, pensioners), (wage_o, career_o, paid_o), n_slots,
                     (yearly, ysa, sa, fac), rules, (pvfc, pvfb, adl), in_order, totals)
    for k in range(n_m):
        pvfc[order[k]] = in_order[k]
        pvfb[order[k]] = in_order[n_m + k]
        adl[order[k]] = in_order[2 * n_m + k]
    return pvfc, pvfb, adl, _sum_chunks(totals, n_chunks)


# The entries allocate by np.empty of a length (float64) alone: each other shape or
# dtype, and np.zeros, compiles numpy's implementation once more on a first run (a tenth
# of a second each); so the 2-d arrays are rows one after the other, cleared by loops.
@numba.njit(**INNER)
def _sum_chunks(totals, n_chunks):
    """The chunks' totals (chunk ``c``'s from ``c * len(BRANCHES)`` in ``totals``) added in
    chunk order (a loop, not ``sum(axis=0)``, whose axis check compiles string formatting:
    about half a second)."""
    n_b = len(BRANCHES)
    out = np.empty(n_b)
    for k in range(n_b):
        out[k] = 0.0
    for c in range(n_chunks):
        for k in range(n_b):
            out[k] += totals[c * n_b + k]
    return out


# Inlined into each entry (numba's inlining, before typing): compiled as a function of
# its own, its machine code and that of everything it calls (the whole engine) would be
# generated twice, once for it and once again inside the entry (a second or more of a
# first run).
@numba.njit(nogil=True, inline="always")
def _value_chunk(c, n_chunks, members, blocks, money_in, n_slots, tables, rules, out, in_order,
                 totals):
    """Value chunk ``c`` of :func:`value_members_kernel`: the blocks ``c, c + n_chunks,
    ...`` (their values into ``in_order``: pvfc, pvfb and adl, each ``len(order)`` long,
    one after the other, by position in block order) and the pensioners ``c, c +
    n_chunks, ...`` (into ``out`` = ``(pvfc, pvfb, adl)``), each branch's values added
    into ``totals[c * len(BRANCHES) + branch]`` in that order. Its own scratch state.
    ``members`` is ``(sex, age, status, years, pension)``, ``blocks`` what
    :func:`member_blocks` returns, ``money_in`` the members' wages, careers and
    contributions paid in block order, ``tables`` ``(yearly, ysa, sa, fac)``."""
    sex, age, status, years, pension = members
    wage_o, career_o, paid_o = money_in
    order, start, length, pensioners = blocks
    yearly, ysa, sa, fac = tables
    pvfc, pvfb, adl = out
    n_b = len(BRANCHES)
    n_m = order.shape[0]
    t0 = c * n_b  # this chunk's totals
    L = LANES
    fm = rules.funeral_months / 12.0
    slots = np.empty(_N_SLOT * n_slots)
    money = np.empty(_N_MONEY * L * n_slots)
    lane = np.empty(_N_LANE * L)
    one = np.empty(n_b)  # a pensioner's values (_value_pensioner clears it)
    for b in range(c, start.shape[0], n_chunks):
        i0 = order[start[b]]
        _value_block(sex[i0], age[i0], status[i0] == MEMBER_ACTIVE, years[i0], wage_o,
                     career_o, paid_o, start[b], length[b], slots, money, lane, yearly, ysa,
                     sa, fac, rules)
        for j in range(length[b]):
            i = start[b] + j
            b_sum = 0.0
            for k in range(1, n_b - 1):
                v = lane[(_OUT + k) * L + j]
                b_sum += v
                totals[t0 + k] += v
            totals[t0 + _B_CONTRIB] += lane[(_OUT + _B_CONTRIB) * L + j]
            totals[t0 + _B_ADL] += lane[(_OUT + _B_ADL) * L + j]
            in_order[i] = lane[(_OUT + _B_CONTRIB) * L + j]
            in_order[n_m + i] = b_sum
            in_order[2 * n_m + i] = lane[(_OUT + _B_ADL) * L + j]
    for q in range(c, pensioners.shape[0], n_chunks):
        i = pensioners[q]
        d = _value_pensioner(sex[i], age[i], status[i], pension[i], yearly, ysa, fac, fm,
                             one, rules.pensioners_short > 0.0)
        b_sum = 0.0
        for k in range(1, n_b - 1):
            b_sum += one[k]
            totals[t0 + k] += one[k]
        totals[t0 + _B_ADL] += d
        pvfb[i] = b_sum
        pvfc[i] = 0.0
        adl[i] = d
