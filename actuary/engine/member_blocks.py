"""Members in blocks for the member-level kernel: alike members side by side.

Members who share sex, age, status and credited service have the same probabilities in
every year of the projection (:mod:`actuary.engine.member_kernel`), so they are valued
together, one vector lane each, in blocks of up to ``LANES``.

Two ways to the same blocks (the same arrays, tested): :func:`member_blocks`, compiled,
in linear time (a hash table), for millions of members; :func:`group_blocks`, numpy
(sorts), for the few thousand cells of a starting population, where it takes a
millisecond and compiling :func:`member_blocks` would take a first run about two seconds
of CPU (its own code, its helpers' and numpy's allocations it calls, and its machine code
generated again inside each entry that called it). :func:`blocks_of` picks one by size.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["COMPILED_FROM", "LANES", "MEMBER_ACTIVE", "MEMBER_INACTIVE", "MEMBER_INVALIDITY",
           "MEMBER_OLD_AGE", "MEMBER_ORPHAN", "MEMBER_SPOUSE", "blocks_of", "group_blocks",
           "member_blocks"]

# Member status codes (the kernel's input).
MEMBER_ACTIVE = 0
MEMBER_INACTIVE = 1
MEMBER_OLD_AGE = 2
MEMBER_INVALIDITY = 3
MEMBER_SPOUSE = 4
MEMBER_ORPHAN = 5

#: Members from which :func:`blocks_of` takes the compiled :func:`member_blocks`: below,
#: numpy's sorts take milliseconds (about 20 ms for 100,000 members).
COMPILED_FROM = 100_000

# Members valued side by side: a block holds up to LANES members who share sex, age,
# status and service, so every probability of the projection is the same for all of
# them and is computed once; only the money differs, one lane each.
LANES = 256


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


def group_blocks(sex: np.ndarray, age: np.ndarray, status: np.ndarray, years: np.ndarray,
                 n_age: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`member_blocks` by numpy's sorts: the same four int64 arrays (groups in the
    order they first appear, each group's members in file order, blocks of at most
    ``LANES``, pensioners in file order). For the members of a starting population's
    cells: nothing to compile."""
    status = np.asarray(status, dtype=np.int64)
    valued = (status == MEMBER_ACTIVE) | (status == MEMBER_INACTIVE)
    members = np.flatnonzero(valued)
    pensioners = np.flatnonzero(~valued)
    key = (status[members] * 2 + np.asarray(sex, np.int64)[members]) * n_age \
        + np.asarray(age, np.int64)[members]
    bits = np.ascontiguousarray(years, dtype=np.float64)[members].view(np.int64)
    _, first, inverse = np.unique(np.stack([key, bits], axis=1), axis=0, return_index=True,
                                  return_inverse=True)
    rank = np.empty(len(first), np.int64)  # groups in the order they first appear
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    group = rank[inverse.reshape(-1)]
    order = members[np.argsort(group, kind="stable")]
    counts = np.bincount(group, minlength=len(first)).astype(np.int64)
    ends = np.cumsum(counts)
    per_group = (counts + LANES - 1) // LANES
    of_block = np.repeat(np.arange(len(counts)), per_group)
    nth = np.arange(of_block.size) - np.repeat(np.cumsum(per_group) - per_group, per_group)
    start = (ends - counts)[of_block] + LANES * nth
    length = np.minimum(LANES, ends[of_block] - start)
    return (order.astype(np.int64), start.astype(np.int64), length.astype(np.int64),
            pensioners.astype(np.int64))


def blocks_of(sex: np.ndarray, age: np.ndarray, status: np.ndarray, years: np.ndarray,
              n_age: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The blocks of :func:`member_blocks`: by :func:`group_blocks` below
    :data:`COMPILED_FROM` members, else by the compiled :func:`member_blocks`."""
    if len(sex) < COMPILED_FROM:
        return group_blocks(sex, age, status, years, n_age)
    return member_blocks(sex, age, status, years, n_age)
