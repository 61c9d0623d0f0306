"""Invalidity awards of the cohort kernel's year step (inlined into it); the pension
formula pieces are shared with the member-level kernel.

Conventions (those of a year are in :mod:`actuary.engine.kernels`):

* An invalidity pension is ``accrual x pension base`` on the service credited at the
  invalidity, plus a share of the years left to the pension age
  (``invalidity_credited_share``, :func:`invalidity_accrual`), at least a share of the
  reference wage (:func:`invalidity_floor_rate`) and at least the minimum pension,
  member by member through the cell's wage spread (:func:`invalidity_mass`).
* Actives with the condition (:func:`active_invalidity`) become invalid mid-way through
  the part of the year they are members. Leavers with it stay covered
  ``c = invalidity_cover_years`` (at most to the pension age): invalid with a chance
  ``q_i c`` taken in the year of leaving, on that year's pension base; an invalidity
  ``c/2`` years after leaving on average is thus awarded at the leaving (order ``c/2``
  years early, at that age's rate) and the cover's deaths and re-entries are not taken
  out (order ``c q``; exact for ``c = 0``).
* Cover to the pension age (``KernelRules.inactive_invalidity``, the literal reading of
  "before 60, with 60 months of contributions"): members who stopped contributing and
  meet the condition on their own record stay exposed to invalidity each year, at the
  invalidity rates of their age and sex, until the pension age
  (:func:`inactive_invalidity`). In the year of leaving the leavers are covered from
  the leaving to the year end (``c = h/2``: the cover above, so an invalidity of that
  part of the year is awarded a quarter of a year early on average), then as inactive
  members from 1 January. The condition is tested on the inactive stock's own slot:
  exact where the slots count months paid (``Basis.paid_slots``, the career-average
  rule: a slot holds months 6k to 6k + 5, the 60 months are slot 10, and inactives pay
  no more months); where the slots are completed credited years (final salary, an
  invalidity minimum or credited years to the pension age) the credits count toward
  it, as for the actives (:mod:`actuary.engine.cells`). The pension is that of the
  inactive's own record: his credited service frozen at the leaving and his pension
  base revalued each year as for his deferred old-age pension (the career earnings, or
  the last wage under the final-salary rule), at the invalidity's mid-year without the
  half year's revaluation (order ``revaluation/2`` of the pension), plus the credited
  share of the years to the pension age; the minimum through the spread of the entrant
  wage of the inactive's sex and age (inactives carry no wage:
  :func:`actuary.engine.wages.pensions_with_minimum`). Approximations, both of order
  ``q_i`` times a year's re-entry rate: re-entrants come back at the year end, so
  inactives are exposed as inactives the whole year; and an inactive invalid without
  the condition stays inactive (he may come back and contribute), as before the rule.
"""

from __future__ import annotations

import numba

from actuary.engine import jitopt  # noqa: F401 (before any decoration: see actuary.engine)

from actuary.engine.cells import qualifying_share
from actuary.engine.wages import pensions_with_minimum

__all__ = ["active_invalidity", "inactive_invalidity", "invalidity_accrual",
           "invalidity_floor_rate", "invalidity_mass", "invalidity_pension",
           "years_to_pension_age"]


@numba.njit(cache=True, nogil=True, inline="always")
def invalidity_pension(base, accrual, floor_rate, minimum):
    """Invalidity pensions (KHR per year) of members with pension base ``base`` (career
    earnings at mid-year, KHR): ``accrual x base``, at least ``floor_rate x base`` (a
    share of the reference wage, see :func:`invalidity_floor_rate`) and at least
    ``minimum`` (the minimum pension times the number of members)."""
    rate = accrual if accrual > floor_rate else floor_rate  # the larger, as base >= 0
    p = rate * base
    return p if p > minimum else minimum


@numba.njit(cache=True, nogil=True, inline="always")
def invalidity_mass(base, accrual, floor_rate, minimum, count, spread):
    """The invalidity pensions (KHR per year) of ``count`` members of a cell whose pension
    bases add up to ``base`` (KHR): ``max(accrual, floor_rate) x base`` (as
    :func:`invalidity_pension`), each member's at least ``minimum`` (KHR per year each)
    through the cell's wage spread ``spread = (mean, capped mean, floor, ceiling, sigma)``
    (:func:`actuary.engine.wages.pensions_with_minimum`)."""
    rate = accrual if accrual > floor_rate else floor_rate
    mean, capped, floor, ceiling, sigma = spread
    return pensions_with_minimum(rate * base, count, minimum, mean, capped, floor, ceiling,
                                 sigma)


@numba.njit(cache=True, nogil=True, inline="always")
def invalidity_accrual(accrual, credited_share, years_left, ref_years):
    """The accrual of an invalidity pension per KHR of pension base, with a share
    ``credited_share`` of the ``years_left`` from the invalidity to the pension age
    credited at the member's reference wage (``base / ref_years``, ``ref_years`` the
    credited years at the invalidity): ``accrual x (1 + credited_share x years_left /
    ref_years)``, so that the pension is ``accrual x reference wage x (credited years +
    credited_share x years_left)``. The same for the final-salary rule, whose base is
    ``ref_years x last wage``."""
    if credited_share <= 0.0 or years_left <= 0.0 or ref_years <= 0.0:
        return accrual
    return accrual * (1.0 + credited_share * years_left / ref_years)


@numba.njit(cache=True, nogil=True, inline="always")
def years_to_pension_age(pension_age, age, h):
    """Years from an invalidity to the pension age, for members aged ``age`` on 1 January
    (``age + 1/2`` exact on average, born mid-year) becoming invalid half-way through the
    part ``h`` of the year they are members (1, or the share before the birthday in the
    year of the pension age): ``pension_age - age - 1/2 - h/2``, at least 0."""
    y = pension_age - age - 0.5 - 0.5 * h
    return y if y > 0.0 else 0.0


@numba.njit(cache=True, nogil=True, inline="always")
def invalidity_floor_rate(minimum_rate, ref_years):
    """The floor of :func:`invalidity_pension` per KHR of pension base: ``minimum_rate``
    of the reference wage ``base / ref_years`` (0 without reference years)."""
    return minimum_rate / ref_years if ref_years > 0.0 else 0.0


@numba.njit(cache=True, nogil=True, inline="always")
def active_invalidity(cnt, half, n, moved, probs, min_slot, formula, spread):
    """The actives of one service slot in the year: ``(to_leave, invalid, pensions)``.

    ``cnt`` members of slot ``n`` with pension base ``half`` at mid-year (KHR), their
    service moved ``moved = (a, f)`` slots by the date of the invalidity
    (:func:`actuary.engine.cells.qualifying_share`), ``probs = (mi, mc, mw)`` the chances
    of invalidity as an active, during the cover after leaving and of leaving, and
    ``formula = (accrual, credited_share, years_left, ref_years, minimum_rate,
    minimum)`` (KHR per year for the minimum). Those with the condition of ``min_slot``
    slots become invalid with a pension (the count and the pensions, KHR per year); the
    others leave to the inactives, with the leavers not invalid during the cover (the
    share ``to_leave``)."""
    mi, mc, mw = probs
    if mi <= 0.0 or cnt <= 0.0:
        return mw, 0.0, 0.0
    ok = qualifying_share(n, moved[0], moved[1], min_slot)
    if ok <= 0.0:
        return mw + mi, 0.0, 0.0
    acc, share, years_left, ref_years, minimum_rate, minimum = formula
    p = invalidity_mass(half, invalidity_accrual(acc, share, years_left, ref_years),
                        invalidity_floor_rate(minimum_rate, ref_years), minimum, cnt, spread)
    return mw - ok * mc + (1.0 - ok) * mi, ok * (mi + mc) * cnt, ok * (mi + mc) * p


@numba.njit(cache=True, nogil=True, inline="always")
def inactive_invalidity(cnt, base, n, mi, min_slot, formula, spread):
    """The inactives of one service slot becoming invalid in the year, when they are
    covered to the pension age: ``(chance, pensions)``.

    ``cnt`` members of slot ``n`` (which inactives keep: they pay no more months) with
    pension base ``base`` (KHR: the revalued career, or credited years x the revalued
    last wage), ``mi`` the chance of invalidity of the part of the year (0 when not
    covered), ``formula`` as :func:`active_invalidity` with ``ref_years`` the slot's
    credited years. Those meeting the condition of ``min_slot`` slots on their own
    record become invalid with a pension: the chance (``mi`` or 0) and the pensions of
    the slot's invalid (KHR per year)."""
    if mi <= 0.0 or n < min_slot or cnt <= 0.0:
        return 0.0, 0.0
    acc, share, years_left, ref_years, minimum_rate, minimum = formula
    p = invalidity_mass(base, invalidity_accrual(acc, share, years_left, ref_years),
                        invalidity_floor_rate(minimum_rate, ref_years), minimum, cnt, spread)
    return mi, mi * p
