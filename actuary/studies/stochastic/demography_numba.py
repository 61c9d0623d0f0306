"""Numba kernels of the batched demography: the national projection and the scheme's
new entrants of many scenarios (:mod:`actuary.studies.stochastic.demography`).

Each is the frame's rule written cell by cell (:func:`actuary.frame.population.project`
and :func:`actuary.frame.labour.scheme_flows`), scenario after scenario, so a scenario's
numbers do not depend on the others in its batch. The tests check both against the
frame's functions to 1e-12.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from actuary.engine import jitopt  # noqa: F401 (before any decoration: see actuary.engine)

__all__ = ["project_kernel", "entrants_kernel"]


@numba.njit(cache=True, nogil=True)
def project_kernel(base, s_birth, S, fertility, srb, migration, pop):
    """Fill ``pop [n, T+1, 2, 111]`` (see ``demography.project_batch``); returns the number
    of cells set to 0 where net emigration exceeded the people there."""
    n, T, n_sex, n_age = S.shape
    top = n_age - 1
    mig = np.empty((n_sex, n_age))
    clipped = 0
    for k in range(n):
        for s in range(n_sex):
            for x in range(n_age):
                pop[k, 0, s, x] = base[s, x]
        for t in range(T):
            # net migrants by age on 31 December: half to each of the two cohorts
            for s in range(n_sex):
                m = migration[k, t, s]
                mig[s, 0] = 0.5 * m[0]
                for x in range(1, n_age):
                    mig[s, x] = 0.5 * (m[x - 1] + m[x])
                mig[s, top] += 0.5 * m[top]
            start = pop[k, t]
            end = pop[k, t + 1]
            for s in range(n_sex):
                sv = S[k, t, s]
                for x in range(1, top):
                    end[s, x] = start[s, x - 1] * sv[x - 1] + mig[s, x] * math.sqrt(sv[x - 1])
                end[s, top] = (start[s, top - 1] + start[s, top]) * sv[top] \
                    + mig[s, top] * math.sqrt(sv[top])
            births = 0.0
            for x in range(1, n_age):
                births += fertility[k, t, x] * (0.5 * (start[1, x] + end[1, x]))
            r = srb[t]
            sb = s_birth[k, t]
            end[0, 0] = births * r / (1.0 + r) * sb[0] + mig[0, 0] * math.sqrt(sb[0])
            end[1, 0] = births / (1.0 + r) * sb[1] + mig[1, 0] * math.sqrt(sb[1])
            for s in range(n_sex):
                for x in range(n_age):
                    if end[s, x] < 0.0:
                        end[s, x] = 0.0
                        clipped += 1
    return clipped


@numba.njit(cache=True, nogil=True, inline="always")
def _entrants_of(target, stay, exits, back, alive):
    """``(new entrants, inactive on the next 1 January)`` of one sex and age, from the sums
    over the cohorts reaching it: the covered staying (``stay``), leaving (``exits``),
    the inactive coming back (``back``) and surviving (``alive``)."""
    gap = target - stay
    re = max(min(back, gap), 0.0)
    return max(gap - re, 0.0), (alive - back) + (back - re) + exits + max(-gap, 0.0)


@numba.njit(cache=True, nogil=True)
def entrants_kernel(C, q, e, r, inv, out):
    """Fill ``out [n, T, 2, 111]`` with the new entrants of coverage paths ``C``
    (see ``demography.entrants_batch``); ``e``, ``r``, ``inv`` have 0 at the last age.

    The cohorts aged ``y`` on the next 1 January are those aged ``y - 1`` (none for
    ``y = 0``), and for the open group also its own: the three cases are written apart,
    with no loop over the cohorts, so that the loop over ages vectorises (four times
    faster than one loop over a variable range of cohorts, with the same sums: ``0.0 +``
    keeps even the sign of a zero term)."""
    n, T1, n_sex, n_age = C.shape
    if n_age < 2:
        raise ValueError("entrants_kernel needs at least two ages")
    T = T1 - 1
    top = n_age - 1
    inactive = np.zeros((n_sex, n_age))
    nxt = np.zeros((n_sex, n_age))
    for k in range(n):
        inactive[:, :] = 0.0
        for t in range(T):
            for s in range(n_sex):
                c = C[k, t, s]
                qs = q[k, t, s]
                target = C[k, t + 1, s]
                o = out[k, t, s]
                es = e[s]
                rs = r[s]
                ivs = inv[s]
                ina = inactive[s]
                nx = nxt[s]
                o[0], nx[0] = _entrants_of(target[0], 0.0, 0.0, 0.0, 0.0)
                for y in range(1, top):
                    x = y - 1
                    o[y], nx[y] = _entrants_of(
                        target[y], 0.0 + c[x] * (1.0 - qs[x] - ivs[x] - es[x]),
                        0.0 + c[x] * es[x], 0.0 + ina[x] * rs[x], 0.0 + ina[x] * (1.0 - qs[x]))
                stay = 0.0
                exits = 0.0
                back = 0.0
                alive = 0.0
                for x in range(top - 1, n_age):
                    stay += c[x] * (1.0 - qs[x] - ivs[x] - es[x])
                    exits += c[x] * es[x]
                    back += ina[x] * rs[x]
                    alive += ina[x] * (1.0 - qs[x])
                o[top], nx[top] = _entrants_of(target[top], stay, exits, back, alive)
            inactive[:, :] = nxt
