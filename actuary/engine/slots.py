"""Service-slot buffers of the cohort kernel: which slots of a member array are used.

A member array ``[sex, age, service]`` is visited only up to ``top[sex, age]``, one past
its highest used service slot, so that a year costs what the members use rather than
``Basis.service_slots``. The kernel clears each used slot of the year's buffers as it
reads it (the buffers swap at the year end), so no separate pass clears them.
"""

from __future__ import annotations

import numba

from actuary.engine.jitopt import INNER
import numpy as np

__all__ = ["used_slots"]


@numba.njit(**INNER)
def used_slots(n_arr):
    """``top[s, x]``: one past the highest service slot holding anybody."""
    top = np.zeros(n_arr.shape[:2], dtype=np.int64)
    for s in range(n_arr.shape[0]):
        for x in range(n_arr.shape[1]):
            for n in range(n_arr.shape[2]):
                if n_arr[s, x, n] != 0.0:
                    top[s, x] = n + 1
    return top
