"""Members in blocks for the member-level kernel: alike members side by side.

Members who share sex, age, status and credited service have the same probabilities in
every year of the projection (:mod:`actuary.engine.member_kernel`), so they are valued
together, one vector lane each, in blocks of up to ``LANES``.

Two ways to the same blocks (the same arrays, tested): :func:`member_blocks`, compiled
(:mod:`actuary.engine.member_table`), in linear time (a hash table), for millions of members; :func:`group_blocks`, numpy
(sorts), for the few thousand cells of a starting population, where it takes a
millisecond and compiling :func:`member_blocks` would take a first run about two seconds
of CPU (its own code, its helpers' and numpy's allocations it calls, and its machine code
generated again inside each entry that called it). :func:`blocks_of` picks one by size.
"""

from __future__ import annotations

import numpy as np

from actuary.engine.member_columns import LANES, MEMBER_ACTIVE, MEMBER_INACTIVE

__all__ = ["COMPILED_FROM", "PARALLEL_FROM", "blocks_of", "group_blocks", "member_blocks"]


#: Members from which :func:`blocks_of` takes the compiled :func:`member_blocks`: below,
#: numpy's sorts take milliseconds (about 20 ms for 100,000 members).
COMPILED_FROM = 100_000

#: Members from which :func:`actuary.members.closed_group.value_members` takes the
#: parallel entry (:mod:`actuary.engine.member_entry`): below, threads gain a few
#: milliseconds and the first compilation of the parallel machinery costs seconds.
PARALLEL_FROM = 100_000



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


def member_blocks(sex: np.ndarray, age: np.ndarray, status: np.ndarray, years: np.ndarray,
                  n_age: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The blocks in linear time: :func:`actuary.engine.member_table.member_blocks`
    (compiled with numba, imported on first use)."""
    from actuary.engine.member_table import member_blocks as compiled

    return compiled(sex, age, status, years, n_age)
