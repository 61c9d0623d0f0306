"""How the process's C allocator treats the projections' output arrays.

A 100-year projection returns two arrays of about 1 MiB each (people and masses by
status, sex and age). With glibc's default settings such a block is mapped fresh from the
operating system on every call and handed back when freed, so each projection faults in
and zeroes about 500 new pages: measured 1.2 ms of a 5-6 ms projection of the NSSF
default on this project's 2-core machine. Valuations run dozens of projections
(sensitivities, the solver's iterations), so the allocator is asked to keep such blocks
for reuse instead. Results are unchanged; only where the memory comes from changes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "retain_freed_blocks"]

# mallopt parameters (glibc's malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3

MMAP_THRESHOLD = 32 * 1024 * 1024
"""Bytes: blocks below this come from the heap, where freed ones are reused (glibc's own
dynamic threshold stops at the same 32 MiB on 64-bit systems). Larger arrays, such as a
closed-group valuation's member arrays, are still mapped and returned when freed."""

TRIM_THRESHOLD = 128 * 1024 * 1024
"""Bytes of free memory at the top of the heap kept before any is returned to the system."""

_done: bool | None = None


def retain_freed_blocks() -> bool:
    """Set glibc's malloc to reuse freed blocks below :data:`MMAP_THRESHOLD`.

    Called once when the kernels are imported; later calls do nothing. Returns whether
    the setting applies (False on a C library other than glibc, where nothing is
    changed).
    """
    global _done
    if _done is not None:
        return _done
    _done = False
    if sys.platform.startswith("linux"):
        try:
            libc = _libc()
            mallopt = libc.mallopt
        except (OSError, AttributeError):  # not glibc (musl has no mallopt)
            return _done
        mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        mallopt.restype = ctypes.c_int
        # mallopt returns 1 on success
        _done = (mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                 and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)
    return _done


def _libc() -> ctypes.CDLL:
    """The C library: glibc's by its name (``find_library`` runs ``ldconfig -p``, a
    process of its own, some milliseconds at every start), else the one it finds."""
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
