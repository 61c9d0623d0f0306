"""Monotone cubic interpolation and the group-preserving split to single ages."""

from __future__ import annotations

import numpy as np

from actuary.tables.split import pchip_eval, pchip_slopes, split_groups


def test_slopes_hand_calculation():
    # knots 0, 1, 3 with values 0, 2, 3: secants 2 and 0.5 (same sign)
    # interior: w1 = 2*2 + 1 = 5, w2 = 2 + 2*1 = 4, d = 9 / (5/2 + 4/0.5) = 9 / 10.5
    # left end: ((2*1 + 2)*2 - 1*0.5) / 3 = 7.5 / 3 = 2.5 (same sign as 2, and secants agree)
    # right end: ((2*2 + 1)*0.5 - 2*2) / 3 = -1.5 / 3 -> sign differs from 0.5 -> 0
    d = pchip_slopes(np.array([0.0, 1.0, 3.0]), np.array([0.0, 2.0, 3.0]))
    np.testing.assert_allclose(d, [2.5, 9 / 10.5, 0.0], rtol=1e-15)


def test_interpolant_passes_through_knots_and_reproduces_lines():
    x = np.array([0.0, 5.0, 10.0, 20.0])
    y = 3.0 * x + 1.0
    t = np.linspace(0, 20, 41)
    np.testing.assert_allclose(pchip_eval(x, y, t), 3.0 * t + 1.0, rtol=1e-14)
    y2 = np.array([0.0, 1.0, 1.0, 7.0])
    np.testing.assert_array_equal(pchip_eval(x, y2, x), y2)


def test_monotone_data_gives_monotone_curve():
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    y = np.array([0.0, 0.1, 5.0, 5.1, 9.0])  # steep step: a natural spline would overshoot
    t = np.linspace(0, 4, 401)
    assert np.all(np.diff(pchip_eval(x, y, t)) >= -1e-12)


def test_split_preserves_groups_and_constant_density():
    edges = np.arange(0, 25, 5)
    flat = split_groups(np.array([50.0, 50.0, 50.0, 50.0]), edges)
    np.testing.assert_allclose(flat, 10.0, rtol=1e-14)
    totals = np.array([[900.0, 850.0, 300.0, 400.0], [1.0, 0.0, 0.0, 2.0]])
    out = split_groups(totals, edges)
    assert out.shape == (2, 20)
    np.testing.assert_allclose(out.reshape(2, 4, 5).sum(axis=-1), totals, rtol=1e-13, atol=1e-13)
    assert np.all(out >= 0)


def test_split_with_mixed_signs_keeps_totals():
    totals = np.array([-10.0, 5.0, 20.0, -3.0])
    out = split_groups(totals, np.array([15, 20, 25, 30, 35]))
    np.testing.assert_allclose(out.reshape(4, 5).sum(axis=1), totals, rtol=1e-13)
