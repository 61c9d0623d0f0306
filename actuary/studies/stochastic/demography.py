"""Demographic scenarios: the national population and the covered population of each.

A scenario moves the frame's national inputs (:class:`actuary.frame.population.PopulationInputs`)
in three ways, each a factor of calendar year and applied to every age:

* fertility times ``max(TFR_t + x_t, minimum) / TFR_t`` (``TFR_t`` the basis's total
  fertility rate, ``x_t`` the additive deviation of the generator);
* the force of mortality of sex ``s`` times ``exp(k_{t,s})``:
  ``q' = 1 - (1 - q)^exp(k)`` (the frame's own ``scale`` convention), for the national
  table and for the insured's table alike;
* net migrants times ``1 + m_t``.

The national population is then projected by the frame's cohort-component method
(:func:`actuary.frame.population.project`, here for a whole batch of scenarios at once,
with the same arithmetic (numba: :mod:`actuary.studies.stochastic.demography_numba`), and
the survival ratios of the scaled tables from :mod:`actuary.studies.stochastic.survival`:
all are tested against the frame's).

Covered population (approximation, named and sized in the tests): the frame's covered
workers of a sex and age are its employed in the scheme's sector times the coverage level
and profile; the employed are the population times participation and employment rates
by sex and age (exact: they are linear in the population). The sector's share of the
employed at each age is fitted in the frame so that the sector keeps its dated share of
all the employed of a sex (iterative proportional fitting over the sectors). Here the
sector's employed at each age move with the scenario's population, and one factor per
year and sex brings the sector back to its dated share of the employed: the first step
of that fit, without the renormalisation across the other sectors. Against the labour
frame refitted on the scenario's population, scenarios with the TFR half a child lower or
higher and the force of mortality 35% higher or lower for a century stay within 0.5% of
the covered total every year (without the factor: 8.5%).
New entrants follow from
that covered path by the frame's flow rule (:func:`actuary.frame.labour.scheme_flows`,
batched here as :func:`entrants_batch`).
"""

from __future__ import annotations

import numpy as np

from actuary.frame.population import N_AGE
from actuary.studies.stochastic.demography_numba import entrants_kernel, project_kernel

__all__ = ["scaled_mortality", "project_batch", "entrants_batch"]


def scaled_mortality(q: np.ndarray, factor: np.ndarray, log_p: np.ndarray | None = None
                     ) -> np.ndarray:
    """``1 - (1 - q)^factor``: the force of mortality times ``factor`` (broadcast);
    exactly ``q`` where the factor is 1. ``log_p``: ``log(1 - q)`` if already known."""
    q = np.asarray(q, dtype=float)
    factor = np.asarray(factor, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if log_p is None:
            log_p = np.log1p(-q)
        moved = -np.expm1(factor * log_p)
    moved = np.where(q >= 1.0, 1.0, moved)
    return np.where(factor == 1.0, q, moved)


def project_batch(base: np.ndarray, s_birth: np.ndarray, S: np.ndarray, fertility: np.ndarray,
                  srb: np.ndarray, migration: np.ndarray) -> tuple[np.ndarray, int]:
    """The national population of ``n`` scenarios, persons on 1 January.

    Parameters
    ----------
    base
        ``[2, 111]`` persons on the first 1 January (common to all scenarios).
    s_birth, S
        ``[n, T, 2]`` and ``[n, T, 2, 111]``: survival of births to 31 December and of each
        cohort over the year (:func:`actuary.frame.population.survival_ratios`, or
        :func:`actuary.studies.stochastic.survival.scaled_survival`).
    fertility
        ``[n, T, 111]`` births per woman by completed age of the mother.
    srb
        ``[T]`` sex ratio at birth.
    migration
        ``[n, T, 2, 111]`` net migrants by completed age.

    Returns
    -------
    population, clipped
        ``[n, T + 1, 2, 111]``; and the number of cells where net emigration exceeded the
        people there and the cohort was set to 0 (the frame stops with an error there).
    """
    n, T = S.shape[:2]
    pop = np.empty((n, T + 1, 2, N_AGE))
    clipped = project_kernel(np.ascontiguousarray(base, dtype=float), np.ascontiguousarray(s_birth),
                             np.ascontiguousarray(S), np.ascontiguousarray(fertility),
                             np.ascontiguousarray(srb, dtype=float),
                             np.ascontiguousarray(migration), pop)
    return pop, int(clipped)


def entrants_batch(covered: np.ndarray, mortality: np.ndarray, exit_rate: np.ndarray,
                   reentry: np.ndarray, invalidity: np.ndarray) -> np.ndarray:
    """New entrants ``[n, T, 2, 111]`` that carry coverage paths ``covered [n, T+1, 2, 111]``
    from one 1 January to the next (:func:`actuary.frame.labour.scheme_flows`'s rule:
    stayers first, then re-entrants from the inactive insured, new entrants for the rest).

    ``mortality`` ``[n, T, 2, 111]``; ``exit_rate``, ``reentry``, ``invalidity`` ``[2, 111]``
    (the frame's member rates; their last age closes the table).
    """
    e, r, inv = (np.array(a, dtype=float) for a in (exit_rate, reentry, invalidity))
    e[:, -1] = inv[:, -1] = r[:, -1] = 0.0
    n, T1 = covered.shape[:2]
    out = np.empty((n, T1 - 1, 2, N_AGE))
    entrants_kernel(np.ascontiguousarray(covered), np.ascontiguousarray(mortality), e, r, inv, out)
    return out
