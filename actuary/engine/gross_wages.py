"""The gross mean wage of a cell whose average insurable (capped) wage is known.

The inverse of :func:`actuary.engine.wages.capped_mean` in the lognormal's mean, for
building a basis (:mod:`actuary.engine.build`) from a starting population's insurable
wages. Kept apart from :mod:`actuary.engine.wages` (numba's) so that a valuation that
calls the capped mean compiled at install imports no numba (:mod:`actuary.engine.native`).

:func:`gross_means` keeps what it found on disk, beside numba's cache: a population's
gross means are found by Brent's method (:func:`scipy.optimize.brentq`), and importing
scipy.optimize costs a run about 0.3 s, more than the root finding itself (224 roots of
the built-in population, a few milliseconds). A later run with the same wages, floor,
ceiling and dispersion, and the same engine, reads the same numbers back (bit for bit).
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np

from actuary.engine import native
from actuary.io import diskcache

__all__ = ["gross_mean", "gross_means"]


def gross_means(insurable: np.ndarray, floor: float, ceiling: float,
                sigma: float) -> np.ndarray:
    """:func:`gross_mean` of each of ``insurable`` (KHR, any period, the same as ``floor``
    and ``ceiling``), read from the disk cache when a run found them before.

    The cache is a file named after a SHA-256 of the wages' bits, the three parameters',
    the engine's files (:func:`actuary.engine.native.package_stamp`) and which capped
    mean finds the roots (compiled at install or by numba): any change to any of them is
    another file. It sits in the toolkit's cache folder
    (:func:`actuary.io.diskcache.cache_folder`); a cache that cannot be read or written
    is ignored.
    """
    values = np.ascontiguousarray(insurable, dtype=np.float64)
    path = _cache_file(values, float(floor), float(ceiling), float(sigma))
    cached = diskcache.load(path, lambda stream: np.load(stream, allow_pickle=False))
    if (isinstance(cached, np.ndarray) and cached.shape == values.shape
            and cached.dtype == np.float64):
        return cached
    gross = np.array([gross_mean(float(v), floor, ceiling, sigma) for v in values],
                     dtype=np.float64)
    diskcache.store(path, lambda stream: np.save(stream, gross, allow_pickle=False))
    return gross


def _cache_file(values: np.ndarray, floor: float, ceiling: float, sigma: float) -> Path:
    digest = hashlib.sha256(values.tobytes())
    digest.update(np.array([floor, ceiling, sigma], dtype=np.float64).tobytes())
    digest.update(native.package_stamp(str(native.PACKAGE_ROOT)).encode())
    # which capped mean finds them: the one compiled at install and numba's agree to
    # rounding, not to the bit, and a run reads back only what its own would find
    compiled = native.available("capped_mean", (1.0, 1.0, 1.0, 1.0))
    digest.update(b"compiled at install" if compiled else b"numba")
    return diskcache.cache_path("gross_means", digest.hexdigest(), ".npy")


def gross_mean(insurable: float, floor: float, ceiling: float, sigma: float) -> float:
    """The mean ``m`` of a lognormal wage (log-sd ``sigma``) whose capped mean
    (:func:`actuary.engine.wages.capped_mean`) is ``insurable``: the gross mean of a cell
    whose average insurable wage is known (KHR, any period, the same for all four amounts).

    The capped mean increases with ``m`` from the floor (``m -> 0``) to the
    ceiling (``m -> inf``), so the root is unique, found by Brent's method on ``ln m``
    to 1e-13 relative. An average at or beyond the floor or the ceiling (or ``sigma =
    0``) is read as every member being there: the wage is kept as given.
    """
    from scipy.optimize import brentq

    has_ceiling = ceiling > 0.0
    if (sigma <= 0.0 or insurable <= 0.0 or insurable <= floor
            or (has_ceiling and insurable >= ceiling)):
        return insurable
    target = math.log(insurable)
    # its compiled module (no numba) when installed: the same function to rounding
    capped_mean = native.entry("capped_mean", (1.0, 1.0, 1.0, 1.0))
    floor, ceiling, sigma = float(floor), float(ceiling), float(sigma)

    def gap(log_m: float) -> float:
        return math.log(capped_mean(math.exp(log_m), floor, ceiling, sigma)) - target

    # the capped mean is within a factor exp(+-k sigma)-ish of m; widen until bracketed
    lo, hi = target - 4.0 * sigma, target + 4.0 * sigma
    while gap(lo) > 0.0:
        lo -= 4.0 * sigma
    while gap(hi) < 0.0:
        hi += 4.0 * sigma
    return math.exp(brentq(gap, lo, hi, xtol=1e-14, rtol=1e-15))
