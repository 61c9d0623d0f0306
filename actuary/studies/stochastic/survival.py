"""Survival ratios of many scaled life tables at once (numba).

The national projection of a scenario needs the frame's survival ratios
(:func:`actuary.frame.population.person_years` and
:func:`~actuary.frame.population.survival_ratios`) of its own tables: the deterministic
table with the force of mortality of each year and sex times a factor. Computed with
numpy for a batch of scenarios, they cost more than the scheme's projection; this kernel
computes the same quantities, cell by cell, with the same conventions (constant force
within each year of age, Coale-Demeny ``a_0`` for infants by the same fixed point, the
open group 110+ with the force of age 109 continued). The tests check it against the
frame's functions to 1e-12.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from actuary.engine import jitopt  # noqa: F401 (before any decoration: see actuary.engine)

__all__ = ["scaled_survival", "survival_kernel", "log_survival"]

_A0_ITERATIONS = 100  # as the frame's infant rate


@numba.njit(cache=True, nogil=True)
def _a0(m0: float, sex: int) -> float:
    """Coale-Demeny ``a_0`` (:func:`actuary.tables.wpp_mortality.coale_demeny_a0`)."""
    if sex == 0:
        return 0.330 if m0 >= 0.107 else 0.045 + 2.684 * m0
    return 0.350 if m0 >= 0.107 else 0.053 + 2.800 * m0


@numba.njit(cache=True, nogil=True)
def log_survival(q):
    """``log(1 - q)`` cell by cell (``-inf`` where ``q`` is 1): the force of mortality of
    each year of age, negated, for :func:`survival_kernel`."""
    out = np.empty_like(q)
    flat_q = q.reshape(-1)
    flat = out.reshape(-1)
    for i in range(flat_q.size):
        flat[i] = math.log1p(-flat_q[i]) if flat_q[i] < 1.0 else -math.inf
    return out


@numba.njit(cache=True, nogil=True)
def survival_kernel(q_det, log_p, factor, s_birth, S, q_out):
    """Fill ``q_out``, ``s_birth`` and ``S`` of ``n`` scenarios (see :func:`scaled_survival`):
    ``q_det [T, 2, 111]``, its :func:`log_survival` ``log_p``, ``factor [n, T, 2]``.

    The scaled table's force of mortality is ``-factor x log_p`` (the identity
    ``-log(1 - q') = factor x -log(1 - q)``, not recomputed from ``q'``: the two differ by
    rounding only)."""
    n, T, n_sex = factor.shape
    n_age = q_det.shape[2]
    top = n_age - 1
    L = np.empty(n_age)
    force = np.empty(n_age)
    for k in range(n):
        for t in range(T):
            for s in range(n_sex):
                c = factor[k, t, s]
                q = q_out[k, t, s]
                lp = log_p[t, s]
                for x in range(n_age):
                    qd = q_det[t, s, x]
                    if c == 1.0 or qd >= 1.0:
                        q[x] = qd
                        force[x] = -lp[x]
                    else:
                        force[x] = -(c * lp[x])
                        q[x] = -math.expm1(c * lp[x])
                # person-years: constant force within each year of age
                l = 1.0
                m_109 = 0.0
                for x in range(n_age):
                    qx = q[x]
                    m = force[x] if qx < 1.0 else math.inf
                    if qx > 1e-12:
                        frac = qx / m if math.isfinite(m) else 0.0
                    else:
                        frac = 1.0 - 0.5 * qx
                    L[x] = l * frac
                    if x == top - 1:
                        m_109 = m
                    if x < top:
                        l = l * (1.0 - qx)
                # l is now l_110; the open group continues the force of age 109
                L[top] = l / m_109 if (math.isfinite(m_109) and m_109 > 0.0) else 0.0
                q0 = q[0]
                m0 = q0
                for _ in range(_A0_ITERATIONS):
                    nxt = q0 / (1.0 - (1.0 - _a0(m0, s)) * q0)
                    done = abs(nxt - m0) <= 1e-15
                    m0 = nxt
                    if done:
                        break
                L[0] = q0 / (m0 if m0 > 0.0 else 1.0) if q0 > 0.0 else 1.0
                s_birth[k, t, s] = L[0]
                for x in range(top - 1):
                    S[k, t, s, x] = L[x + 1] / L[x] if L[x] > 0.0 else 0.0
                t109 = L[top - 1] + L[top]
                open_ratio = L[top] / t109 if t109 > 0.0 else 0.0
                S[k, t, s, top - 1] = open_ratio
                S[k, t, s, top] = open_ratio


def scaled_survival(q: np.ndarray, factor: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(q', s_birth [n, T, 2], S [n, T, 2, 111])`` of the tables ``q [T, 2, 111]`` (exact
    ages) with the force of mortality times ``factor [n, T, 2]``: the scaled tables
    ``q' = 1 - (1 - q)^factor`` ``[n, T, 2, 111]`` (:func:`~actuary.studies.stochastic.demography.scaled_mortality`),
    the survival of births to 31 December and of each cohort over the year, as
    ``survival_ratios(person_years(q'))``."""
    q = np.ascontiguousarray(q, dtype=np.float64)
    factor = np.ascontiguousarray(factor, dtype=np.float64)
    n, T, n_sex = factor.shape
    s_birth = np.empty((n, T, n_sex))
    S = np.empty((n, T, n_sex, q.shape[2]))
    q_out = np.empty((n, T, n_sex, q.shape[2]))
    survival_kernel(q, log_survival(q), factor, s_birth, S, q_out)
    return q_out, s_birth, S
