"""Rows of the public sector's derived starting populations, shared by its groups:
civil servants (:mod:`actuary.schemes.public_sector`) and the armed forces and police
with the veterans in payment (:mod:`actuary.schemes.public_groups`).

The reported cost covers every group the budget system pays: "nearly 200,000 veterans,
retired civil servants and their dependants", about USD 30 million a month (Phnom Penh
Post, NSAF director general, secondary). How it splits between the groups was not
found; the veterans' department paid "100,000 disabled and retired soldiers and families
of deceased" (Phnom Penh Post, about 2010, secondary), which is taken as the veterans'
share today (:data:`VETERANS`, unverified), the civil servants' being the rest. In both
groups 80% of the beneficiaries are taken to be old-age (or invalidity) pensioners and
20% spouses (unverified), all paid the same average pension (:func:`average_pension`), so
the two groups together reproduce the published cost.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BENEFICIARIES", "VETERANS", "PENSIONER_SHARE", "MONTHLY_COST_USD", "KHR_PER_USD",
           "SURVIVOR_RATE", "MINIMUM_PENSION", "average_pension", "active_rows",
           "pensioner_rows"]

#: Pensioners and dependants paid by the budget system, all groups (secondary).
BENEFICIARIES = 200_000.0
#: Of them, veterans (retired soldiers and police) and their families (secondary, dated).
VETERANS = 100_000.0
#: Share of beneficiaries who are old-age (or invalidity) pensioners, the rest spouses.
PENSIONER_SHARE = 0.8
MONTHLY_COST_USD = 30e6
KHR_PER_USD = 4_100.0
SURVIVOR_RATE = 0.5
MINIMUM_PENSION = 690_000.0


def average_pension() -> float:
    """Average old-age pension, KHR a month: the published cost spread over old-age
    pensioners and half-pension spouses of every group, at least the lowest minimum."""
    pensioners = PENSIONER_SHARE * BENEFICIARIES
    spouses = (1.0 - PENSIONER_SHARE) * BENEFICIARIES
    derived = MONTHLY_COST_USD * KHR_PER_USD / (pensioners + SURVIVOR_RATE * spouses)
    return max(derived, MINIMUM_PENSION)


def active_rows(covered: np.ndarray, grade: object) -> list[tuple]:
    """Rows ``(status, sex, age, credited_months, count, wage, pension)`` of actives
    ``covered[2, 111]`` spread over the grade table's categories: a member aged ``x`` is
    in category ``k`` with the weight ``share_k`` among the categories already in service
    at ``x`` (below every entry age, the youngest category with no service), with
    ``x - entry_age_k`` years of service and the table's basic salary for them."""
    from actuary.schemes.salary_index import monthly_salary

    cats = sorted(grade.categories, key=lambda c: c.entry_age)
    rows = []
    for s, sex in enumerate(("M", "F")):
        for x in np.nonzero(covered[s] > 0)[0]:
            present = [c for c in cats if x >= c.entry_age] or [cats[0]]
            total = sum(c.share for c in present) or 1.0
            for c in present:
                years = max(int(x) - c.entry_age, 0)
                wage = float(monthly_salary(grade, c, np.array([years]))[0])
                rows.append(("active", sex, int(x), 12 * years, covered[s, x] * c.share / total,
                             wage, np.nan))
    return rows


def pensioner_rows(population: np.ndarray, old_age: float, spouses: float, men_share: float,
                   ages: tuple[int, int], spouse_ages: tuple[int, int],
                   pension: float) -> list[tuple]:
    """Rows of ``old_age`` pensioners (``men_share`` men) aged ``ages`` and ``spouses``
    (widows) aged ``spouse_ages``, spread like ``population[2, 111]`` over those ages."""
    x = np.arange(population.shape[1])
    rows = []
    within = (x >= ages[0]) & (x <= ages[1])
    for s, sex in enumerate(("M", "F")):
        share = men_share if sex == "M" else 1.0 - men_share
        w = np.where(within, population[s], 0.0)
        w = w / w.sum()
        for a in np.nonzero(w)[0]:
            rows.append(("old_age", sex, int(a), np.nan, old_age * share * w[a], np.nan, pension))
    widows = np.where((x >= spouse_ages[0]) & (x <= spouse_ages[1]), population[1], 0.0)
    widows = widows / widows.sum()
    for a in np.nonzero(widows)[0]:
        rows.append(("spouse", "F", int(a), np.nan, spouses * widows[a], np.nan,
                     SURVIVOR_RATE * pension))
    return rows
