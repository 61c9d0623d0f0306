"""Gompertz and Makeham tables against the force of mortality integrated numerically."""

from __future__ import annotations

import numpy as np
import pytest

from actuary.io.errors import TableError
from actuary.tables import gompertz, makeham


def _q_by_quadrature(A: float, B: float, c: float, ages: np.ndarray) -> np.ndarray:
    """q_x = 1 - exp(-int_x^{x+1} (A + B c^t) dt), the integral by Simpson's rule."""
    n = 2000  # even number of panels; the integrand is smooth
    t = np.linspace(0.0, 1.0, n + 1)
    w = np.ones(n + 1)
    w[1:-1:2], w[2:-1:2] = 4.0, 2.0
    w /= 3.0 * n
    mu = A + B * c ** (ages[:, None] + t[None, :])
    return 1.0 - np.exp(-(mu * w).sum(axis=1))


@pytest.mark.parametrize("A, B, c", [(0.0005, 3e-5, 1.1), (0.0, 2e-5, 1.12), (0.001, 1e-4, 0.98)])
def test_makeham_matches_numerical_integration(A, B, c):
    ages = np.arange(0, 111)
    t = makeham(A, B, c, range(0, 111))
    got = t.to_array(ages)
    expected = _q_by_quadrature(A, B, c, ages)
    np.testing.assert_allclose(got[0], expected, rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(got[0], got[1])  # no sex dimension: same for M and F
    assert t.kind == "qx" and t.sexes == ("B",) and t.meta.status == "unverified"


def test_makeham_with_a_zero_is_gompertz():
    g = gompertz(3e-5, 1.1, range(20, 100), name="g")
    m = makeham(0.0, 3e-5, 1.1, range(20, 100))
    np.testing.assert_array_equal(g.to_array(range(20, 100)), m.to_array(range(20, 100)))
    assert g.name == "g" and "Gompertz" in g.meta.description


def test_constant_force_when_c_is_one():
    # mu = A + B for every age: q = 1 - exp(-(A + B)) exactly
    t = makeham(0.01, 0.02, 1.0, range(0, 5))
    np.testing.assert_allclose(t.to_array(range(5)), 1 - np.exp(-0.03), rtol=1e-15)


def test_hand_value():
    # B = 0.001, c = e: integral_x^{x+1} 0.001 e^t dt = 0.001 e^x (e - 1)
    t = gompertz(0.001, np.e, [0, 1])
    expected = 1 - np.exp(-0.001 * (np.e - 1) * np.array([1.0, np.e]))
    np.testing.assert_allclose(t.to_array([0, 1])[0], expected, rtol=1e-13)


@pytest.mark.parametrize("A, B, c, field", [(-0.1, 1e-5, 1.1, "A"), (0, -1e-5, 1.1, "B"),
                                            (0, 1e-5, 0.0, "c"), (0, "x", 1.1, "B")])
def test_bad_parameters(A, B, c, field):
    with pytest.raises(TableError) as err:
        makeham(A, B, c, range(3))
    assert err.value.field == field
