"""Members in blocks in linear time, for millions of members: a hash table on sex, age,
status and credited service, compiled with numba (see :mod:`actuary.engine.member_blocks`, the
numpy way for small sets, which calls this one for large ones)."""

from __future__ import annotations

import numba
import numpy as np

from actuary.engine import jitopt  # noqa: F401 (before any decoration: see actuary.engine)
from actuary.engine.member_columns import LANES, MEMBER_ACTIVE, MEMBER_INACTIVE

__all__ = ["member_blocks"]


@numba.njit(cache=True, nogil=True)
def _hash_slot(key, bits, mask):
    """First slot of (``key``, ``bits``) in an open-addressing table of ``mask + 1`` slots."""
    h = (bits ^ (np.uint64(key) * np.uint64(0xC2B2AE3D27D4EB4F))) * np.uint64(0x9E3779B97F4A7C15)
    return np.int64((h >> np.uint64(32)) & np.uint64(mask))


# Loops rather than np.full and np.concatenate: each numpy function compiles its own
# implementations on the first run, which cost this function half its compilation.
@numba.njit(cache=True, nogil=True)
def _no_groups(size):
    """An empty hash table of ``size`` slots (-1: no group)."""
    table = np.empty(size, np.int64)
    for k in range(size):
        table[k] = -1
    return table


@numba.njit(cache=True, nogil=True)
def _grown(a, size, n):
    """``a`` in a new array of ``size`` elements, its first ``n`` copied."""
    out = np.empty(size, a.dtype)
    for k in range(n):
        out[k] = a[k]
    return out


@numba.njit(cache=True, nogil=True)
def member_blocks(sex, age, status, years, n_age):
    """Share the members out in blocks for :func:`_value_block`: members of the same sex,
    age, status and credited service (the same bits), at most ``LANES`` a block.

    Returns ``(order, start, length, pensioners)``: the members' positions in block order,
    each block's first position in ``order`` and its size, and the positions of the
    pensioners (valued one by one). Groups are found by a hash table (in the order they
    first appear) and the members put in group order by a counting sort: linear time,
    where sorting 3 million members took a third of a second.
    """
    m = sex.shape[0]
    bits = years.view(np.uint64)
    size = np.int64(1024)
    table = _no_groups(size)  # slot -> group
    g_key = np.empty(size, np.int64)  # group -> (status, sex, age) key
    g_bits = np.empty(size, np.uint64)  # group -> service bits
    group = np.empty(m, np.int64)
    n_groups = 0
    n_pens = 0
    for i in range(m):
        if status[i] != MEMBER_ACTIVE and status[i] != MEMBER_INACTIVE:
            group[i] = -1
            n_pens += 1
            continue
        key = (status[i] * 2 + sex[i]) * n_age + age[i]
        v = bits[i]
        h = _hash_slot(key, v, size - 1)
        while table[h] >= 0 and (g_key[table[h]] != key or g_bits[table[h]] != v):
            h = (h + 1) & (size - 1)
        if table[h] < 0:
            table[h] = n_groups
            g_key[n_groups] = key
            g_bits[n_groups] = v
            n_groups += 1
            if 2 * n_groups > size:  # grow the table: at most half full
                size *= 2
                table = _no_groups(size)
                g_key = _grown(g_key, size, n_groups)
                g_bits = _grown(g_bits, size, n_groups)
                for g in range(n_groups):
                    k = _hash_slot(g_key[g], g_bits[g], size - 1)
                    while table[k] >= 0:
                        k = (k + 1) & (size - 1)
                    table[k] = g
            group[i] = n_groups - 1
        else:
            group[i] = table[h]
    first = np.zeros(n_groups + 1, np.int64)
    for i in range(m):
        if group[i] >= 0:
            first[group[i] + 1] += 1
    n_blocks = 0
    for g in range(n_groups):
        n_blocks += (first[g + 1] + LANES - 1) // LANES
        first[g + 1] += first[g]
    start = np.empty(n_blocks, np.int64)
    length = np.empty(n_blocks, np.int64)
    b = 0
    for g in range(n_groups):
        for q in range(first[g], first[g + 1], LANES):
            start[b] = q
            length[b] = min(LANES, first[g + 1] - q)
            b += 1
    order = np.empty(m - n_pens, np.int64)
    pensioners = np.empty(n_pens, np.int64)
    n_pens = 0
    for i in range(m):
        if group[i] >= 0:
            order[first[group[i]]] = i
            first[group[i]] += 1
        else:
            pensioners[n_pens] = i
            n_pens += 1
    return order, start, length, pensioners
