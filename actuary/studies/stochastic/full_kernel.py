"""Numba side of the batched full scenarios (:mod:`actuary.studies.stochastic.full`).

:func:`run_scenarios` works through scenarios one after the other, with the GIL
released: it writes a scenario's arrays into the scratch arrays the kernel's records
point to (:class:`Scratch`), runs the engine's cohort kernel
(:func:`actuary.engine.kernels.project_kernel`) on those records, and keeps what the run
stores. Nothing is allocated per scenario beyond what the kernel allocates itself.

A scenario's arrays are those of the Basis route, computed cell by cell with the same
operations in the same order:

* the economic yearly fields (computed with numpy for the whole batch by
  :func:`~actuary.studies.stochastic.model.economic_series`) are copied; the entrants'
  wage is the basis's times the scenario's wage level;
* the insured's mortality is :func:`~actuary.studies.stochastic.demography.scaled_mortality`
  capped as in :func:`~actuary.studies.stochastic.model.demographic_fields`;
* with a population frame, the national projection, covered population and entrants of
  :func:`~actuary.studies.stochastic.model.frame_batch`, by the same numba kernels
  (:mod:`~actuary.studies.stochastic.survival`,
  :mod:`~actuary.studies.stochastic.demography_numba`) on one scenario at a time.

Sums over ages run in index order here and pairwise in numpy, so the two routes agree to
rounding (the tests: 1e-12 on every stored measure), not bit for bit; this route's
numbers do not depend on the batch, the thread or the worker.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba
import numpy as np

from actuary.engine.jitopt import LevelCompiler
from actuary.engine.kernels import project_kernel
from actuary.engine.projection import BENEFIT_FLOWS
from actuary.engine.state import (
    FLOW_CONTRIBUTIONS, FLOW_EARNINGS, FLOW_REFUND, STATUS_ACTIVE, STATUS_INVALIDITY,
    STATUS_OLD_AGE,
)
from actuary.studies.stochastic.demography_numba import entrants_kernel
from actuary.studies.stochastic.demography_numba import project_kernel as population_kernel
from actuary.studies.stochastic.survival import survival_kernel

__all__ = ["FrameConst", "InsuredConst", "Scratch", "run_scenarios", "OUT", "FRAME_OUT"]

#: Rows of ``run_scenarios``'s ``out [n, 6, T]`` (KHR; persons on 1 January).
OUT = ("earnings", "contributions", "benefits", "refunds", "contributors", "pensioners")
#: Rows of its ``frame_out [n, 2, T]``: national population on 1 January (persons), and
#: the employed over the basis's employed.
FRAME_OUT = ("population", "employed_ratio")


class FrameConst(NamedTuple):
    """The deterministic frame as the national projection of a scenario reads it
    (:class:`~actuary.studies.stochastic.model.FrameArrays`; ``[T(+1), 2, 111]``)."""

    base: np.ndarray            # [2, 111] persons on the first 1 January
    mortality: np.ndarray       # [T, 2, 111] national q
    log_survival: np.ndarray    # [T, 2, 111] its log(1 - q) (survival.log_survival)
    fertility: np.ndarray       # [T, 111]
    srb: np.ndarray             # [T]
    migration: np.ndarray       # [T, 2, 111]
    population: np.ndarray      # [T + 1, 2, 111]
    employed: np.ndarray        # [T + 1, 2, 111] population x employed share
    employed_share: np.ndarray  # [T + 1, 2, 111]
    sector: np.ndarray          # [T + 1, 2, 111] employed in the scheme's sector
    covered: np.ndarray         # [T + 1, 2, 111]
    exit_rate: np.ndarray       # [2, 111], 0 at the last age
    reentry: np.ndarray         # [2, 111], 0 at the last age
    invalidity: np.ndarray      # [2, 111], 0 at the last age
    det_target: np.ndarray      # [T] covered on 1 January of t + 1
    det_employed: np.ndarray    # [T] employed on 1 January of t


class InsuredConst(NamedTuple):
    """The basis's arrays a scenario moves (``[T, 2, 111]``, ``[T]``)."""

    mortality: np.ndarray
    log_survival: np.ndarray    # log(1 - q)
    cap: np.ndarray             # 1 - invalidity - exit where those are > 0, else 1
    disabled_factor: np.ndarray  # [T]
    target_actives: np.ndarray  # [T]
    entrant_wage: np.ndarray


class Scratch(NamedTuple):
    """The arrays the scenario's kernel records point to, overwritten scenario by scenario."""

    yearly: tuple               # [T] arrays, in the order of the batch's yearly fields
    entrant_wage: np.ndarray
    mortality: np.ndarray
    disabled_mortality: np.ndarray
    target_actives: np.ndarray
    entrant_distribution: np.ndarray


@numba.njit(nogil=True, error_model="numpy")
def _insured(k, factor, ins, scratch):
    """The scenario's mortality of the insured (scaled, capped) and of invalidity pensioners."""
    T, n_sex, n_age = ins.mortality.shape
    q_out = scratch.mortality
    qd_out = scratch.disabled_mortality
    for t in range(T):
        dis = ins.disabled_factor[t]
        for s in range(n_sex):
            c = factor[k, t, s]
            for x in range(n_age):
                qb = ins.mortality[t, s, x]
                if c == 1.0:
                    q = qb
                elif qb >= 1.0:
                    q = 1.0
                else:
                    q = -math.expm1(c * ins.log_survival[t, s, x])
                cap = ins.cap[t, s, x]
                if cap < q:
                    q = cap
                q_out[t, s, x] = q
                qd = q * dis
                qd_out[t, s, x] = qd if qd < 1.0 else 1.0


@numba.njit(nogil=True, error_model="numpy")
def _national(k, factor, fert_factor, mig_factor, fr, ins, scratch, buf, frame_out):
    """The scenario's national population, covered population and entrants; writes
    ``target_actives`` and ``entrant_distribution`` of the scratch; returns the number of
    cells clipped at 0."""
    f1, s_birth, S, qn, fert, mig, pop, cov, new = buf
    T, n_sex, n_age = fr.migration.shape
    for t in range(T):
        for s in range(n_sex):
            f1[0, t, s] = factor[k, t, s]
        for x in range(n_age):
            fert[0, t, x] = fr.fertility[t, x] * fert_factor[k, t]
        m = mig_factor[k, t]
        for s in range(n_sex):
            for x in range(n_age):
                mig[0, t, s, x] = fr.migration[t, s, x] * m
    survival_kernel(fr.mortality, fr.log_survival, f1, s_birth, S, qn)
    clipped = population_kernel(fr.base, s_birth, S, fert, fr.srb, mig, pop)
    # the sector's employed move with the population, then one factor per year and sex
    # restores the sector's share of the employed (frame_batch)
    for t in range(T + 1):
        for s in range(n_sex):
            emp = 0.0
            emp_det = 0.0
            sec = 0.0
            sec_det = 0.0
            for x in range(n_age):
                p = fr.population[t, s, x]
                r = pop[0, t, s, x] / p if p > 0.0 else 1.0
                cov[0, t, s, x] = r  # the ratio, until the correction is known
                emp += r * fr.employed[t, s, x]
                emp_det += fr.employed[t, s, x]
                sec += r * fr.sector[t, s, x]
                sec_det += fr.sector[t, s, x]
            emp_ratio = emp / emp_det
            sec_ratio = sec / sec_det
            corr = emp_ratio / sec_ratio if sec_ratio > 0.0 else 1.0
            for x in range(n_age):
                cov[0, t, s, x] = fr.covered[t, s, x] * cov[0, t, s, x] * corr
    entrants_kernel(cov, qn, fr.exit_rate, fr.reentry, fr.invalidity, new)
    dist = scratch.entrant_distribution
    for t in range(T):
        tot = 0.0
        covered = 0.0
        population = 0.0
        employed = 0.0
        for s in range(n_sex):
            for x in range(n_age):
                tot += new[0, t, s, x]
                covered += cov[0, t + 1, s, x]
                population += pop[0, t, s, x]
                employed += pop[0, t, s, x] * fr.employed_share[t, s, x]
        for s in range(n_sex):
            for x in range(n_age):
                dist[t, s, x] = new[0, t, s, x] / tot if tot > 0.0 else 0.0
        d = fr.det_target[t]
        ratio = covered / d if d > 0.0 else 1.0
        ta = ins.target_actives[t]
        scratch.target_actives[t] = ta * ratio if ta >= 0.0 else ta
        frame_out[k, 0, t] = population
        frame_out[k, 1, t] = employed / fr.det_employed[t]
    return clipped


@numba.njit(nogil=True, error_model="numpy")
def _store(k, flows, people, out):
    """Row ``k`` of ``out``: the Projection's sums of the flows, and the people counted."""
    T, n_sex = flows.shape[:2]
    n_age = people.shape[3]
    for t in range(T):
        earn = 0.0
        contrib = 0.0
        ben = 0.0
        ref = 0.0
        for s in range(n_sex):
            earn += flows[t, s, FLOW_EARNINGS]
            contrib += flows[t, s, FLOW_CONTRIBUTIONS]
            ref += flows[t, s, FLOW_REFUND]
            for j in BENEFIT_FLOWS:
                ben += flows[t, s, j]
        act = 0.0
        old = 0.0
        inv = 0.0
        for s in range(n_sex):
            for x in range(n_age):
                act += people[t, STATUS_ACTIVE, s, x]
                old += people[t, STATUS_OLD_AGE, s, x]
                inv += people[t, STATUS_INVALIDITY, s, x]
        out[k, 0, t] = earn
        out[k, 1, t] = contrib
        out[k, 2, t] = ben
        out[k, 3, t] = ref
        out[k, 4, t] = act
        out[k, 5, t] = old + inv


# Cached like the engine's kernels: the package's cache locator (actuary.engine.jitcache)
# recompiles this batch when any source it embeds (the engine's kernel) changes.
@numba.njit(cache=True, nogil=True, error_model="numpy", pipeline_class=LevelCompiler)
def run_scenarios(inputs, scratch, yearly, level, factor, fert_factor, mig_factor, fr, ins,
                  out, frame_out, clipped):
    """Project scenarios ``0 .. n - 1`` of the arrays given.

    Parameters
    ----------
    inputs
        The kernel's records (:class:`actuary.engine.records.KernelInputs`) whose moved
        fields are the arrays of ``scratch``.
    yearly
        ``[n, F, T]`` the scenario's yearly fields, in the order of ``scratch.yearly``.
    level
        ``[n, T]`` wage level over the basis's (the entrants' wage).
    factor
        ``[n, T, 2]`` multiplier of the force of mortality by year and sex.
    fert_factor, mig_factor
        ``[n, T]`` multipliers of fertility and net migration (unused without a frame).
    fr
        :class:`FrameConst`, or None (new entrants do not follow a frame).
    ins
        :class:`InsuredConst`.
    out, frame_out, clipped
        ``[n, 6, T]`` (:data:`OUT`), ``[n, 2, T]`` (:data:`FRAME_OUT`), ``[n]``: filled.
    """
    n, F, T = yearly.shape
    if fr is not None:
        n_sex, n_age = fr.base.shape
        buf = (np.empty((1, T, n_sex)), np.empty((1, T, n_sex)),
               np.empty((1, T, n_sex, n_age)), np.empty((1, T, n_sex, n_age)),
               np.empty((1, T, n_age)), np.empty((1, T, n_sex, n_age)),
               np.empty((1, T + 1, n_sex, n_age)), np.empty((1, T + 1, n_sex, n_age)),
               np.empty((1, T, n_sex, n_age)))
    for k in range(n):
        for f in range(F):
            dst = scratch.yearly[f]
            for t in range(T):
                dst[t] = yearly[k, f, t]
        ew = scratch.entrant_wage
        for t in range(T):
            lv = level[k, t]
            for s in range(ew.shape[1]):
                for x in range(ew.shape[2]):
                    ew[t, s, x] = ins.entrant_wage[t, s, x] * lv
        _insured(k, factor, ins, scratch)
        if fr is not None:
            clipped[k] = _national(k, factor, fert_factor, mig_factor, fr, ins, scratch, buf,
                                   frame_out)
        flows, people, masses = project_kernel(*inputs)
        _store(k, flows, people, out)

