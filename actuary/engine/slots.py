"""Service-slot buffers of the cohort kernel: which slots of a member array are used.

A member array ``[sex, age, service]`` is visited only up to ``top[sex, age]``, one past
its highest used service slot, so that a year costs what the members use rather than
``Basis.service_slots`` (moved out of :mod:`actuary.engine.kernels`, unchanged).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["clear_slots", "used_slots"]


@numba.njit(cache=True, nogil=True, inline="always")
def clear_slots(arr, top):
    """Zero the used service slots ``arr[s, x, :top[s, x]]`` of a member buffer (the
    others are zero already), so that a year costs what the members use, not
    ``service_slots``."""
    for s in range(arr.shape[0]):
        for x in range(arr.shape[1]):
            for n in range(top[s, x]):
                arr[s, x, n] = 0.0


@numba.njit(cache=True, nogil=True)
def used_slots(n_arr):
    """``top[s, x]``: one past the highest service slot holding anybody."""
    top = np.zeros(n_arr.shape[:2], dtype=np.int64)
    for s in range(n_arr.shape[0]):
        for x in range(n_arr.shape[1]):
            for n in range(n_arr.shape[2]):
                if n_arr[s, x, n] != 0.0:
                    top[s, x] = n + 1
    return top
