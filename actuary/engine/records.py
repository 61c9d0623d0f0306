"""The kernels' inputs as a few named records, grouped by meaning.

A :class:`~actuary.engine.basis.Basis` is taken apart here, once, into four records that
numba passes as typed named tuples (each field keeps its own type; attribute access
compiles to a field load):

* :class:`KernelRules` - the scheme rules: dated parameters of the law (contribution rate,
  floor, ceiling, accrual, minimum pension, pension age ...) and its fixed conditions
  (qualifying periods, survivors' shares, grants);
* :class:`KernelPaths` - the economic and career paths: density, revaluation, indexation,
  wage growth, the salary scale, the wage dispersion, new entrants;
* :class:`KernelDecrements` - decrements and family: mortality, invalidity, exit,
  re-entry, and what a death leaves (spouse, children);
* :class:`KernelStart` - the starting state: members by sex, age and service, pensioners
  by sex and age.

A new rule is a field of one record and a line of :func:`kernel_inputs`; the cohort
kernel (:mod:`actuary.engine.kernels`), the member-level kernel
(:mod:`actuary.engine.member_kernel`) and the numpy references in ``tests/`` read the
same records.

Units are those of :class:`~actuary.engine.basis.Basis`: KHR, annual amounts (KHR per
year), rates as fractions, yearly arrays ``[T]``, year-sex-age ``[T, 2, 111]``, sex-age
``[2, 111]``, members ``[2, 111, K]`` with ``K = Basis.service_slots``.
"""

from __future__ import annotations

from dataclasses import fields
from typing import NamedTuple

import numpy as np

from actuary.engine.basis import Basis, StartingState
from actuary.engine.state import PAID_SLOT_MONTHS

__all__ = ["KernelDecrements", "KernelInputs", "KernelPaths", "KernelRules", "KernelStart",
           "kernel_inputs", "merge_service", "rules_record", "start_cells"]


class KernelRules(NamedTuple):
    """The scheme rules. Yearly arrays ``[T]`` (parameters of awards and contributions in
    year t) and scalars (conditions in service slots: months paid in steps of
    ``PAID_SLOT_MONTHS`` when ``paid_slots_a_year > 0``, else completed credited years)."""

    pension_age: np.ndarray  # [T] int, years: members attaining it retire
    contribution_rate: np.ndarray  # [T] fraction of the contributory wage
    contribution_factor: np.ndarray  # [T] share of due contributions paid
    credit_factor: np.ndarray  # [T] share of contributing time credited
    wage_floor: np.ndarray  # [T] KHR per year
    wage_ceiling: np.ndarray  # [T] KHR per year (0 = none)
    accrual_rate: np.ndarray  # [T] per credited year
    minimum_pension: np.ndarray  # [T] KHR per year
    funeral_grant_minimum: np.ndarray  # [T] KHR
    early_years: np.ndarray  # [T] int, credited years for retirement at any age (0 = none)
    grant_months: np.ndarray  # [T] months of the last wage below the condition (final salary)
    # the qualifying periods in service slots (Basis.min_slots): months paid / 6, or years
    old_age_min_slot: int
    invalidity_min_slot: int
    survivor_min_slot: int
    refund_share: float
    survivor_rate: float
    spouse_share: float
    children_share: float
    lump_sum_months: float
    funeral_months: float
    invalidity_minimum_rate: float
    before_pension: float  # share of the year of the pension age before retiring (0.5 or 1)
    invalidity_credited_share: float  # share of the years to the pension age credited
    invalidity_cover_years: float  # cover for invalidity after the last contribution, years
    # slots per year of contributions (12 / PAID_SLOT_MONTHS) when the slots count months
    # paid (Basis.paid_slots); 0 when they are completed credited years
    paid_slots_a_year: float
    refund_interest: np.ndarray  # [T] interest on the contributions paid at the end of year t
    pensioners_short: float  # 1: the starting old-age pensioners lack the survivors' months
    inactive_invalidity: float  # 1: inactives with the condition covered to the pension age


class KernelPaths(NamedTuple):
    """Economic and career paths."""

    density: np.ndarray  # [T] share of the year an active contributes
    revaluation: np.ndarray  # [T] growth of career earnings at the end of year t
    indexation: np.ndarray  # [T] growth of pensions in payment at the end of year t
    wage_growth: np.ndarray  # [T] general wage growth at the end of year t
    target_actives: np.ndarray  # [T] actives wanted on 1 January of t+1 (< 0: closed group)
    entrant_distribution: np.ndarray  # [T, 2, 111] sums to 1 over sex and age
    entrant_wage: np.ndarray  # [T, 2, 111] KHR per year
    salary_growth: np.ndarray  # [2, 111] merit scale s(x+1)/s(x)
    wage_sigma: float  # log-sd of wages within a cell


class KernelDecrements(NamedTuple):
    """Decrements (dependent rates of the year) and the family a death leaves."""

    mortality: np.ndarray  # [T, 2, 111]
    disabled_mortality: np.ndarray  # [T, 2, 111]
    invalidity: np.ndarray  # [T, 2, 111]
    exit: np.ndarray  # [T, 2, 111]
    reentry: np.ndarray  # [T, 2, 111] of inactives
    share_married: np.ndarray  # [2, 111]
    child_probability: np.ndarray  # [2, 111]
    children: np.ndarray  # [2, 111]
    spouse_age_gap: np.ndarray  # [2] int, spouse's age minus the member's
    orphan_age_limit: int
    parent_child_gap: int


class KernelStart(NamedTuple):
    """Stocks on 1 January of the first year: members ``[2, 111, K]`` (counts, annual wage
    mass KHR per year, career earnings KHR), pensioners ``[2, 111]`` (counts, annual
    pension mass KHR per year)."""

    active_count: np.ndarray
    active_wage: np.ndarray
    active_career: np.ndarray
    inactive_count: np.ndarray
    inactive_career: np.ndarray
    old_age_count: np.ndarray
    old_age_pension: np.ndarray
    invalidity_count: np.ndarray
    invalidity_pension: np.ndarray
    spouse_count: np.ndarray
    spouse_pension: np.ndarray
    orphan_count: np.ndarray
    orphan_pension: np.ndarray
    active_paid: np.ndarray  # contributions paid, KHR (nominal, with the refund interest)
    inactive_paid: np.ndarray


class KernelInputs(NamedTuple):
    """Everything :func:`actuary.engine.kernels.project_kernel` takes, in its order.

    ``final_salary`` and ``any_early`` are switches, ``None`` (off) or ``True`` (on), not
    booleans: numba compiles one specialisation per argument type and prunes the
    ``is None`` branches, so a scheme without these rules runs code without them.
    ``keep_masses`` (a plain boolean, True here) keeps the masses of every year; the
    stochastic scenarios, which store flows and people only, set it False: the kernel then
    keeps one row of masses ``[1, N_MASS, 2, 111]``, cleared and worked over each year (the
    last 1 January's at the end) instead of zeroing and writing ``[T + 1, ...]`` (1.3 MB);
    flows and people do not depend on it. A plain boolean, not a None/True switch: both
    values run the same specialisation (no second compilation of the kernel).
    """

    rules: KernelRules
    paths: KernelPaths
    decrements: KernelDecrements
    start: KernelStart
    final_salary: bool | None
    any_early: bool | None
    keep_masses: bool


def merge_service(arr: np.ndarray, slots: int) -> np.ndarray:
    """Member array ``[sex, age, service]`` with slots ``slots-1 ..`` added into the last kept."""
    if arr.shape[2] == slots:
        return arr
    out = np.ascontiguousarray(arr[:, :, :slots])
    out[:, :, slots - 1] = arr[:, :, slots - 1:].sum(axis=2)
    return out


def rules_record(basis: Basis) -> KernelRules:
    """The :class:`KernelRules` of ``basis``."""
    b, r = basis, basis.rules
    return KernelRules(
        b.pension_age, b.contribution_rate, b.contribution_factor, b.credit_factor,
        b.wage_floor, b.wage_ceiling, b.accrual_rate, b.minimum_pension,
        b.funeral_grant_minimum, b.early_retirement_years, b.grant_months,
        *(int(m) for m in b.min_slots()),
        float(r.refund_share), float(r.survivor_rate), float(r.survivor_spouse_share),
        float(r.survivor_children_share), float(r.survivor_lump_sum_months),
        float(r.funeral_grant_months), float(r.invalidity_minimum_rate),
        1.0 if r.contributions_after_pension_age else 0.5,
        float(r.invalidity_credited_share), float(r.invalidity_cover_years),
        12.0 / PAID_SLOT_MONTHS if b.paid_slots else 0.0,
        b.refund_interest,
        1.0 if b.pensioners_short else 0.0,
        1.0 if r.invalidity_cover_to_pension_age else 0.0,
    )


def _with_paid(st: StartingState, rate: float) -> StartingState:
    """``st`` with contributions paid: as given, else ``rate x`` the career earnings."""
    if st.active_paid is not None and st.inactive_paid is not None:
        return st
    kw = {f.name: getattr(st, f.name) for f in fields(st)}
    for kind in ("active", "inactive"):
        if kw[f"{kind}_paid"] is None:
            kw[f"{kind}_paid"] = rate * kw[f"{kind}_career"]
    return StartingState(**kw)


def start_cells(basis: Basis) -> StartingState:
    """``basis.start`` with its members by the service the projection keeps: a state by
    credited years is read as months paid, 12 a year (slot ``n`` years to slot
    ``12 n / PAID_SLOT_MONTHS``), when :attr:`Basis.paid_slots` (exact for a state built
    by hand in whole years and without credits); contributions paid, when the state has
    none, are the first year's rate times the career earnings."""
    st = _with_paid(basis.start, basis.contribution_rate[0])
    if not basis.paid_slots:
        if st.service_unit != "years":
            raise ValueError("the starting state is by months paid, but the rules need "
                             "credited years (final salary, retirement at any age, an "
                             "invalidity minimum on the reference wage or years credited "
                             "to the pension age)")
        return st
    if st.service_unit == "paid":
        return st
    step = 12 // PAID_SLOT_MONTHS
    kw = {}
    for f in fields(st):
        v = getattr(st, f.name)
        if f.name.startswith(("active", "inactive")) and v is not None:
            out = np.zeros_like(v)
            for n in range(v.shape[2]):
                out[:, :, min(step * n, v.shape[2] - 1)] += v[:, :, n]
            v = out
        kw[f.name] = v
    kw["service_unit"] = "paid"
    return StartingState(**kw)


def kernel_inputs(basis: Basis) -> KernelInputs:
    """The records of ``basis`` for the cohort kernel (members merged to ``service_slots``)."""
    b, s = basis, start_cells(basis)
    k = basis.service_slots
    paths = KernelPaths(b.density, b.revaluation, b.indexation, b.wage_growth,
                        b.target_actives, b.entrant_distribution, b.entrant_wage,
                        b.salary_growth, float(b.wage_sigma))
    decrements = KernelDecrements(b.mortality, b.disabled_mortality, b.invalidity, b.exit,
                                  b.reentry, b.share_married, b.child_probability, b.children,
                                  b.spouse_age_gap, int(b.orphan_age_limit),
                                  int(b.parent_child_gap))
    start = KernelStart(
        *(merge_service(a, k) for a in (s.active_count, s.active_wage, s.active_career,
                                         s.inactive_count, s.inactive_career)),
        s.old_age_count, s.old_age_pension, s.invalidity_count, s.invalidity_pension,
        s.spouse_count, s.spouse_pension, s.orphan_count, s.orphan_pension,
        merge_service(s.active_paid, k), merge_service(s.inactive_paid, k),
    )
    return KernelInputs(rules_record(b), paths, decrements, start,
                        True if b.rules.final_salary else None,
                        True if b.early_retirement_years.max() > 0 else None, True)
