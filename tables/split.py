"""Splitting grouped data (5-year age groups) into single years of age.

Method: the cumulative total ``C(a)`` (everything below exact age ``a``) is known
exactly at the group boundaries. It is interpolated between them with a monotone
piecewise-cubic Hermite curve (Fritsch and Carlson 1980, with the
non-overshooting end slopes of Moler 2004, "Numerical Computing with MATLAB",
sec. 3.4, the same scheme as MATLAB's ``pchip``) and the single-age values are the
differences ``C(x + 1) - C(x)``. Because the curve passes through every boundary
value exactly, each group's total is preserved exactly (up to float rounding);
because a monotone cumulative stays monotone, non-negative groups give
non-negative single ages; and the single-age values vary smoothly (the curve's
slope, the density, is continuous). Where the density jumps between groups (for
example the small cohorts born under the Khmer Rouge) the split smooths the jump
over the neighbouring ages while keeping each group's total.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pchip_slopes", "pchip_eval", "split_groups"]


def pchip_slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Knot slopes of the monotone cubic Hermite interpolant of ``(x, y)``.

    Parameters
    ----------
    x
        Knots, strictly increasing, shape ``(n,)`` with ``n >= 2``.
    y
        Values at the knots, shape ``(..., n)`` (leading axes are separate curves).

    Returns
    -------
    numpy.ndarray
        Slopes ``d`` with the shape of ``y``. Interior: 0 where the secants either
        side differ in sign (or one is 0), else their weighted harmonic mean.
        Ends: the three-point one-sided slope, set to 0 if its sign differs from the
        first secant's and limited to 3 secants when the secants change sign.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    h = np.diff(x)
    delta = np.diff(y, axis=-1) / h
    d = np.zeros_like(y)
    if x.size == 2:
        d[..., 0] = d[..., 1] = delta[..., 0]
        return d
    h0, h1 = h[:-1], h[1:]
    w1 = 2.0 * h1 + h0
    w2 = h1 + 2.0 * h0
    dl, dr = delta[..., :-1], delta[..., 1:]
    same = dl * dr > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        harmonic = (w1 + w2) / (w1 / dl + w2 / dr)
    d[..., 1:-1] = np.where(same, harmonic, 0.0)
    d[..., 0] = _end_slope(h[0], h[1], delta[..., 0], delta[..., 1])
    d[..., -1] = _end_slope(h[-1], h[-2], delta[..., -1], delta[..., -2])
    return d


def _end_slope(h0: float, h1: float, d0: np.ndarray, d1: np.ndarray) -> np.ndarray:
    """One-sided three-point end slope, kept from overshooting."""
    s = ((2.0 * h0 + h1) * d0 - h0 * d1) / (h0 + h1)
    s = np.where(np.sign(s) != np.sign(d0), 0.0, s)
    clip = (np.sign(d0) != np.sign(d1)) & (np.abs(s) > np.abs(3.0 * d0))
    return np.where(clip, 3.0 * d0, s)


def pchip_eval(x: np.ndarray, y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Evaluate the monotone cubic interpolant of ``(x, y)`` at points ``t``.

    ``t`` must lie within ``[x[0], x[-1]]``. At a knot the result is the knot value
    exactly. ``y`` may have leading axes (separate curves); the result has shape
    ``y.shape[:-1] + t.shape``.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    if t.min() < x[0] or t.max() > x[-1]:
        raise ValueError("pchip_eval: points outside the knots")
    d = pchip_slopes(x, y)
    k = np.clip(np.searchsorted(x, t, side="right") - 1, 0, x.size - 2)
    h = x[k + 1] - x[k]
    s = (t - x[k]) / h
    h10 = s * (1 - s) ** 2
    h01 = s * s * (3 - 2 * s)
    h11 = s * s * (s - 1)
    # the Hermite form with h00 = 1 - h01 written relative to the left knot, so that on a
    # flat stretch (equal knots, zero slopes) the curve is exactly flat: a group whose
    # total is 0 then splits into exact zeros, not +-1e-16
    y0 = y[..., k]
    return y0 + h01 * (y[..., k + 1] - y0) + h * (h10 * d[..., k] + h11 * d[..., k + 1])


def split_groups(totals: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Split group totals into single years of age, preserving each group's total.

    Parameters
    ----------
    totals
        Totals of the groups, shape ``(..., n)`` (leading axes split separately).
    edges
        Integer group boundaries, shape ``(n + 1,)``: group ``g`` covers ages
        ``edges[g] .. edges[g + 1] - 1``.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., edges[-1] - edges[0])``: values for single ages
        ``edges[0] .. edges[-1] - 1``.
    """
    totals = np.asarray(totals, dtype=np.float64)
    edges = np.asarray(edges)
    cum = np.concatenate([np.zeros(totals.shape[:-1] + (1,)), np.cumsum(totals, axis=-1)], -1)
    ages = np.arange(edges[0], edges[-1] + 1)
    c = pchip_eval(edges, cum, ages)
    # exact boundary values: the cubic returns the knot value at a knot, but write it
    # in anyway so group sums telescope to the knot differences exactly
    c[..., edges - edges[0]] = cum
    return np.diff(c, axis=-1)
