"""The branch's rules and assumptions as dense yearly arrays, and its benefit formulas.

Benefit formulas (money in KHR; ``w`` is the injured person's annual insurable wage, the
Prakas's average daily wage times 365):

* temporary disability: ``temporary_rate x w / 365`` a day, for the mean number of days
  paid (``temporary_days``, ``temporary_days_permanent`` for injuries that leave a
  permanent disability; each at most 180 days);
* permanent disability of degree ``d`` below ``pension_threshold``: a lump sum of
  ``lump_sum_years x d x w``;
* permanent disability of degree ``d`` at or above the threshold: a pension of
  ``pension_coefficient x d x w`` a year, plus a carer allowance of
  ``carer_allowance_rate`` times the pension when ``d >= total_disability_degree``;
* fatal injury: a funeral grant, and survivors' pensions on ``w`` by family
  composition: ``survivor_rate_one_class`` when only a spouse or only children survive;
  ``survivor_rate_both`` when both do, the spouse taking ``survivor_spouse_share`` of it.

Timing (see :mod:`.projection`): injuries happen in the middle of the year; a disability
pension starts on 1 January after the injury (after the temporary disability period, at
most 180 days, ends and the degree is fixed) and is first indexed a year later;
survivors' pensions start at the death (half a year paid in the year of the death) and
join the pensioners on the next 1 January.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actuary.assumptions import AssumptionSet
from actuary.engine.state import N_AGE
from actuary.io.errors import AssumptionError

__all__ = ["BranchRules", "branch_rules", "DAYS_PER_YEAR", "pension_amount", "lump_sum",
           "temporary_benefit", "survivor_rates"]

#: Days in the year the daily wage is taken over (annual wage / 365).
DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class BranchRules:
    """Yearly values (arrays of length T, calendar years ``first_year ..``) of the rules.

    Rates are fractions; ``funeral_grant`` is KHR; days are mean days paid per injury.
    ``degrees`` and ``degree_shares`` are the grid of degrees of permanent disability
    and the share of permanent disabilities at each. ``indexation[t]`` is the change of
    the index over year t, applied to pensions in payment on 1 January of t+1.
    ``investment_return[t]`` is the branch's own return in year t. ``incidence`` is
    injuries per insured year by sex and age ``[2, 111]`` (the table times its scale).
    """

    first_year: int
    contribution_rate: np.ndarray
    investment_return: np.ndarray
    indexation: np.ndarray
    reserve0: float
    incidence: np.ndarray
    fatal_share: np.ndarray
    permanent_share: np.ndarray
    degrees: np.ndarray
    degree_shares: np.ndarray
    pension_threshold: np.ndarray
    pension_coefficient: np.ndarray
    lump_sum_years: np.ndarray
    carer_allowance_rate: np.ndarray
    total_disability_degree: np.ndarray
    temporary_rate: np.ndarray
    temporary_days: np.ndarray
    temporary_days_permanent: np.ndarray
    survivor_rate_one_class: np.ndarray
    survivor_rate_both: np.ndarray
    survivor_spouse_share: np.ndarray
    funeral_grant: np.ndarray
    medical_rate: np.ndarray
    admin_rate: np.ndarray
    pensioner_mortality_factor: np.ndarray

    @property
    def n_years(self) -> int:
        return int(self.contribution_rate.size)

    def replace(self, **changes: object) -> "BranchRules":
        """A copy with some fields changed (for sensitivity tests and checks)."""
        from dataclasses import replace

        return replace(self, **changes)


def branch_rules(aset: AssumptionSet, n_years: int | None = None) -> BranchRules:
    """The :class:`BranchRules` of ``aset``'s ``occupational_risk`` section.

    Rates in force during the year are averaged over the calendar year; the index of
    pensions is the set's ``indexation`` choice (one for the whole projection).
    """
    o = aset.occupational_risk
    if o is None:
        raise AssumptionError("the assumption set has no occupational_risk section",
                              source=aset.files[0] if aset.files else aset.name,
                              location="occupational_risk", value=None,
                              expected="an occupational-risk set (e.g. occupational-risk-default)")
    T = int(n_years or aset.horizon_years)
    y0 = aset.first_year
    last = y0 + T - 1
    idx = aset.indices(y0, last + 1)

    def avg(param) -> np.ndarray:
        return np.asarray(param.yearly(y0, last, "average", idx), dtype=float)

    choices = set(str(c) for c in o.indexation.yearly(y0, last, "end"))
    if len(choices) > 1:
        raise AssumptionError("a change of index during the projection is not supported",
                              location="occupational_risk.indexation", value=sorted(choices),
                              expected="one choice for the whole projection")
    choice = choices.pop()
    indexation = np.zeros(T) if choice == "none" else np.asarray(idx[choice][:T], dtype=float)

    table = aset.tables["occupational_risk.incidence"]
    ages = np.asarray(table.ages)
    incidence = np.zeros((2, N_AGE))  # ages the table does not cover have no injuries
    incidence[:, ages] = table.to_array(ages) * o.incidence.scale
    degrees = np.array(list(o.degrees.shares), dtype=float)
    shares = np.array(list(o.degrees.shares.values()), dtype=float)
    return BranchRules(
        first_year=y0,
        contribution_rate=avg(o.contribution_rate),
        investment_return=avg(o.investment_return),
        indexation=indexation,
        reserve0=float(o.reserve.value_khr),
        incidence=incidence,
        fatal_share=avg(o.fatal_share),
        permanent_share=avg(o.permanent_share),
        degrees=degrees,
        degree_shares=shares,
        pension_threshold=avg(o.pension_threshold),
        pension_coefficient=avg(o.pension_coefficient),
        lump_sum_years=avg(o.lump_sum_years),
        carer_allowance_rate=avg(o.carer_allowance_rate),
        total_disability_degree=avg(o.total_disability_degree),
        temporary_rate=avg(o.temporary_rate),
        temporary_days=avg(o.temporary_days),
        temporary_days_permanent=avg(o.temporary_days_permanent),
        survivor_rate_one_class=avg(o.survivor_rate_one_class),
        survivor_rate_both=avg(o.survivor_rate_both),
        survivor_spouse_share=avg(o.survivor_spouse_share),
        funeral_grant=avg(o.funeral_grant),
        medical_rate=avg(o.medical_rate),
        admin_rate=avg(o.admin_expense_rate),
        pensioner_mortality_factor=avg(o.pensioner_mortality_factor),
    )


def pension_amount(wage: np.ndarray | float, degree: float, coefficient: float,
                   carer_rate: float, total_degree: float) -> np.ndarray | float:
    """Annual disability pension, carer allowance included, KHR per year.

    ``coefficient x degree x wage``, times ``1 + carer_rate`` when the degree is at or
    above ``total_degree`` (total disability). ``wage`` is the annual insurable wage.
    """
    carer = carer_rate if degree >= total_degree - 1e-12 else 0.0
    return coefficient * degree * np.asarray(wage) * (1.0 + carer)


def lump_sum(wage: np.ndarray | float, degree: float, years: float) -> np.ndarray | float:
    """Lump sum for a permanent disability below the pension threshold, KHR:
    ``years x degree x wage`` (``years`` of the annual wage per unit of degree)."""
    return years * degree * np.asarray(wage)


def temporary_benefit(wage: np.ndarray | float, rate: float, days: float) -> np.ndarray | float:
    """Temporary disability benefit for ``days`` days, KHR: ``rate x wage / 365 x days``."""
    return rate * np.asarray(wage) / DAYS_PER_YEAR * days


def survivor_rates(married: np.ndarray, child_probability: np.ndarray, one_class: float,
                   both: float, spouse_share: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected survivors' pension rates per death, as fractions of the deceased's wage.

    With ``m`` the chance of a surviving spouse and ``c`` of surviving children
    (independent), the spouse's pension is ``one_class`` without children and
    ``both x spouse_share`` with them; the children's (together) ``one_class`` without
    a spouse and ``both x (1 - spouse_share)`` with one. Returns the expected spouse
    rate *given a spouse* and the expected children's rate *given children*:
    ``((1 - c) one_class + c both share, (1 - m) one_class + m both (1 - share))``.
    """
    m = np.asarray(married, dtype=float)
    c = np.asarray(child_probability, dtype=float)
    spouse = (1.0 - c) * one_class + c * both * spouse_share
    children = (1.0 - m) * one_class + m * both * (1.0 - spouse_share)
    return spouse, children
