"""Benefit pieces of the cohort kernel's year step (inlined into it).

Old-age awards split over service slots, pensions in payment through a year, and the
survivors' pensions a year's deaths leave. The conventions of a year are those of
:mod:`actuary.engine.kernels` (its module docstring); those of the benefits:

* The minimum pension binds member by member, through the cell's wage spread (inactives:
  that of the entrant wage of their sex and age); see
  :func:`actuary.engine.wages.pensions_with_minimum` for the rule and its approximations.
* Invalidity pensions, the cover after leaving and the cover of inactive members to the
  pension age: :mod:`actuary.engine.invalidity`.
* Final-salary rule (``final_salary``): the pension is ``accrual x credited years x last
  wage`` instead, the last wage being the capped contributory wage of the final year of
  contribution. Inactive members then carry their last wage (revalued each year) in
  place of career earnings; the pension of a death or an invalidity in the year uses
  the service at mid-year, ``n + credit/2``.
* Retirement at any age (``early_years[t] > 0``): members below the pension age whose
  credited service at the end of year t reaches ``early_years[t]`` retire then (actives,
  leavers of the year and inactives alike), with the same formula.
* Below the old-age condition a member reaching retirement gets a refund of
  ``refund_share`` of the contributions paid (``MASS_PAID``: what the member paid,
  at the rate of the year it was paid, nominal, with ``refund_interest`` credited at
  each year end; a decrement pays half a year's); under the final-salary rule a grant
  of ``grant_months[t]`` months of the last wage instead; both go to ``FLOW_REFUND``.
  Nobody is refunded before the pension age: an inactive member may come back and
  qualify. Approximation: the refund is paid at the birthday without the interest of
  the part of the year (``refund_interest`` x h/2 of it).
* Pensions in payment are paid mid-year (a pensioner dying in the year is paid half a
  year on average); pensions awarded mid-year (invalidity, survivors) are paid half a
  year in the year of award (an invalidity in the year of the pension age, at ``h/2``,
  ``1 - h/2`` of it). Pensions are indexed at the end of the year.
* Survivors of pensioners: the law's test applies to them too (the deceased's months of
  contributions paid, 60 for the NSSF): an old-age pension awarded with fewer months
  paid joins a stock of its own, whose deaths leave the survivors' lump sum
  (``survivor_lump_sum_months`` of the pension, when there is a survivor) and no
  survivors' pension. Starting old-age pensioners, whose months the file does not
  give, are in that stock when the scheme is too young for anybody to have paid the
  months by the valuation date (``Basis.pensioners_short``: the NSSF, contributing
  since October 2022), else taken to meet the condition. Invalidity pensioners are
  taken to meet it (their own condition, 60 months paid for the NSSF, is not shorter;
  a scheme with a shorter one overstates their survivors' pensions). The funeral
  grant's minimum applies to each stock's deaths.
"""

from __future__ import annotations

import numba
import numpy as np

from actuary.engine.jitopt import INNER

from actuary.engine.state import (
    FLOW_NEW_ORPHANS,
    FLOW_NEW_SPOUSES,
    FLOW_ORPHAN,
    FLOW_ORPHANS_EXPIRED,
    FLOW_SPOUSE,
)
from actuary.engine.wages import pensions_with_minimum

__all__ = ["KEEP", "NO_AWARDS", "SLOT0", "add_survivors", "award_row", "award_split",
           "pensions_of_year"]


@numba.njit(**INNER, _nrt=False)  # no refcounts: see actuary.engine.cells
def add_survivors(
    sp_n, sp_p, or_n, or_p, ft, sex, age, deaths, pension_mass, ix,
    share_married, child_probability, children, spouse_age_gap,
    orphan_age_limit, parent_child_gap, survivor_rate, spouse_share, children_share,
):
    """Survivors' pensions from ``deaths`` of one sex and age whose pensions add up to
    ``pension_mass`` (KHR per year).

    New survivors are paid half a year now and join the stocks of 1 January next year
    (one year older, pension indexed by ``ix``). Expected values: a share
    ``share_married`` leaves a spouse, a share ``child_probability`` leaves children
    (``children`` of them on average, of either sex in equal shares); a class shares the
    survivors' pension with the other class when both exist, else takes it whole.
    Everything is linear in ``deaths`` and ``pension_mass``, so the deaths of a sex and
    age can be added up before the call.
    """
    if deaths <= 0.0 or survivor_rate <= 0.0:
        return
    n_age = sp_n.shape[1]
    m = share_married[sex, age]
    pc = child_probability[sex, age]
    total = survivor_rate * pension_mass
    spouse_mass = total * m * (pc * spouse_share + (1.0 - pc))
    orphan_mass = total * pc * (m * children_share + (1.0 - m))
    spouse_count = deaths * m
    orphan_count = deaths * children[sex, age]
    if spouse_count > 0.0:
        s2 = 1 - sex
        a2 = min(max(age + spouse_age_gap[sex], 0), n_age - 1)
        a_next = min(a2 + 1, n_age - 1)
        ft[s2, FLOW_SPOUSE] += 0.5 * spouse_mass
        ft[s2, FLOW_NEW_SPOUSES] += spouse_count
        sp_n[s2, a_next] += spouse_count
        sp_p[s2, a_next] += spouse_mass * (1.0 + ix)
    if orphan_count > 0.0 and orphan_mass > 0.0:
        a2 = min(max(age - parent_child_gap, 0), orphan_age_limit - 1)
        for s2 in range(2):
            ft[s2, FLOW_ORPHAN] += 0.25 * orphan_mass
            ft[s2, FLOW_NEW_ORPHANS] += 0.5 * orphan_count
            if a2 + 1 >= orphan_age_limit:
                ft[s2, FLOW_ORPHANS_EXPIRED] += 0.5 * orphan_count
            else:
                or_n[s2, a2 + 1] += 0.5 * orphan_count
                or_p[s2, a2 + 1] += 0.5 * orphan_mass * (1.0 + ix)


# (pensioners, pension mass, below the condition, their base, their contributions paid,
# retired): nothing yet
NO_AWARDS = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)

# Constants the kernel passes to award_row (no advance: slot 0) and pensions_of_year
# (survivors kept), typed as numpy scalars: a Python literal would make numba compile a
# specialisation of its own for it (a second copy of each function in a first run).
SLOT0 = np.int64(0)
KEEP = np.bool_(True)


@numba.njit(cache=True, nogil=True, inline="always")
def award_split(cnt, base, paid, n, f, whole, accrual, min_pension, min_years, final, spread,
                totals):
    """Retirement of a group of ``cnt`` members in service slot ``n`` whose service
    advances by ``f``: a share ``f`` reaches ``n + 1`` years, and a share ``1 - f``
    keeps ``n`` years and retires too when ``whole``. ``base`` is the group's career
    earnings (KHR) or, under the final-salary rule (``final`` not None), its last-wage
    mass (KHR per year), split in the same shares, as ``paid``, the contributions the
    group has paid (KHR: the base of a refund).

    With at least ``min_years`` (the old-age condition in service slots: completed
    credited years, or months paid / 6 where the slots count months paid) a member gets
    an old-age pension ``accrual x career``
    (``accrual x years x last wage`` under the final-salary rule), at least
    ``min_pension`` each (KHR per year), member by member through the group's wage
    spread ``spread = (mean, capped mean, floor, ceiling, sigma)``
    (:func:`actuary.engine.wages.pensions_with_minimum`); below, the base goes to the
    refund or grant (its contributions paid to the refund).
    ``totals`` are running ``(pensioners, pension_mass, below, below_base, below_paid,
    retired)`` (start from ``NO_AWARDS``); the updated totals are returned.
    """
    pensioners, mass, below, below_base, below_paid, retired = totals
    if cnt <= 0.0:
        return totals
    mean, capped, w_floor, w_ceiling, sigma = spread
    for k in range(2):
        share = (1.0 - f) if k == 0 else f
        if share <= 0.0 or (k == 0 and not whole):
            continue
        cn = share * cnt
        rn = share * base
        retired += cn
        if n + k >= min_years:
            p = accrual * rn
            if final is not None:
                p = p * (n + k)
            pensioners += cn
            mass += pensions_with_minimum(p, cn, min_pension, mean, capped, w_floor, w_ceiling,
                                          sigma)
        else:
            below += cn
            below_base += rn
            below_paid += share * paid
    return pensioners, mass, below, below_base, below_paid, retired


@numba.njit(**INNER, _nrt=False)  # no refcounts: see actuary.engine.cells
def award_row(count, career, paid, top, a, f, accrual, min_pension, min_years, final, wages):
    """Members of a row reaching the pension age, with service advanced by ``a + f``
    slots (``a`` whole slots and a share ``f`` one more): :func:`award_split` of every
    service slot ``n < top`` (``count[n]`` members, ``career[n]`` their base,
    ``paid[n]`` their contributions paid, their wage
    spread ``(mean[n], capped[n], floor, ceiling, sigma)`` with ``wages = (mean, capped,
    floor, ceiling, sigma)``) from ``n + a``. Returns ``(pensioners, pension_mass,
    refunded, refunded_base, refunded_paid)``."""
    mean, capped, w_floor, w_ceiling, sigma = wages
    totals = NO_AWARDS
    for n in range(top):
        totals = award_split(count[n], career[n], paid[n], n + a, f, True, accrual, min_pension,
                              min_years, final, (mean[n], capped[n], w_floor, w_ceiling, sigma),
                              totals)
    return totals[0], totals[1], totals[2], totals[3], totals[4]


@numba.njit(**INNER, _nrt=False)  # no refcounts: see actuary.engine.cells
def pensions_of_year(n_arr, p_arr, nx_n, nx_p, s, x, xn, q, ix, keep):
    """Pensions of one stock cell for the year: returns ``(paid, deaths, pension_mass_of_deaths)``
    and moves the survivors one year older, indexed (only when ``keep``)."""
    cnt = n_arr[s, x]
    if cnt <= 0.0:
        return 0.0, 0.0, 0.0
    mass = p_arr[s, x]
    deaths = cnt * q
    if keep:
        nx_n[s, xn] += cnt - deaths
        nx_p[s, xn] += mass * (1.0 - q) * (1.0 + ix)
    return mass * (1.0 - 0.5 * q), deaths, mass * q
