"""Parametric mortality laws: one-year death probabilities in closed form.

Makeham's law gives the force of mortality (per year) at exact age ``x`` as
``mu_x = A + B c**x``; Gompertz's law is the case ``A = 0``. The one-year death
probability is ``q_x = 1 - exp(-integral_x^{x+1} mu_t dt)`` with

    integral_x^{x+1} mu_t dt = A + B c**x (c - 1) / ln c      (c != 1)
                             = A + B                           (c == 1)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from actuary.io.errors import TableError

__all__ = ["makeham_q", "integrated_hazard"]


def _param(value: Any, name: str, *, positive: bool = False) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError) as exc:
        raise TableError("parameter is not a number", field=name, value=value,
                         expected="a finite number") from exc
    if not np.isfinite(out) or out < 0 or (positive and out == 0):
        raise TableError(
            "bad mortality-law parameter", field=name, value=value,
            expected="a finite number " + ("> 0" if positive else ">= 0"),
        )
    return out


def integrated_hazard(A: float, B: float, c: float, ages: np.ndarray) -> np.ndarray:
    """``integral_x^{x+1} (A + B c^t) dt`` for each age ``x`` (no checks)."""
    x = np.asarray(ages, dtype=np.float64)
    if c == 1.0:
        return np.full(x.shape, A + B)
    # c**x (c - 1) / ln c, written with expm1 so it stays accurate for c near 1
    log_c = np.log(c)
    return A + B * np.exp(x * log_c) * np.expm1(log_c) / log_c


def makeham_q(A: float, B: float, c: float, ages: np.ndarray) -> np.ndarray:
    """One-year death probabilities under Makeham's law.

    Parameters
    ----------
    A
        Age-independent force of mortality, per year (>= 0).
    B
        Scale of the age-dependent term, per year (>= 0).
    c
        Yearly growth factor of the age-dependent term (> 0).
    ages
        Integer ages in completed years.

    Returns
    -------
    numpy.ndarray
        ``q_x = 1 - exp(-(A + B c^x (c - 1) / ln c))`` for each age.
    """
    A = _param(A, "A")
    B = _param(B, "B")
    c = _param(c, "c", positive=True)
    with np.errstate(over="ignore"):
        h = integrated_hazard(A, B, c, np.asarray(ages))
    return -np.expm1(-h)
