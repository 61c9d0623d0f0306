"""Model careers: the pension one person would get, and its replacement rate.

A model career runs the same projection kernel on a single member with no decrements,
so it follows exactly the scheme rules the valuation uses (floor, ceiling, accrual,
revaluation, minimum pension, density). It answers the adequacy questions: what does a
full career at the minimum wage, at the ceiling, or with half the contribution density
replace of the final wage; does the standard beneficiary of ILO Convention 102 get 40%
after 30 years.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actuary.engine.basis import Basis, StartingState
from actuary.engine.projection import project
from actuary.engine.state import FLOW_EXPOSURE, FLOW_NEW_OLD_AGE, FLOW_NEW_OLD_AGE_AMOUNT, MASS_WAGE

__all__ = ["ModelCareer", "CareerResult", "CareerBeyondHorizon", "run_career", "ILO_C102_MINIMUM"]

#: ILO Convention 102, Part V (old-age benefit), Schedule to Part XI: 40% of the reference
#: wage for the standard beneficiary after 30 years of contribution.
ILO_C102_MINIMUM = 0.40


@dataclass(frozen=True)
class ModelCareer:
    """One member's career.

    Attributes
    ----------
    name
        Label for reports.
    sex
        0 = man, 1 = woman.
    entry_age
        Age on 1 January of the first projection year (the career starts then); the
        member is born on 1 July, so reaches the pension age mid-year.
    monthly_wage
        Wage in the first year, KHR per month; it grows with the basis's wage growth
        (no age-related salary scale: the member keeps the same place in the wage
        distribution).
    density
        Share of each year contributed (1 = full career, 0.5 = half).
    cap_at_ceiling
        When true the wage is the contributory ceiling of each year (a career "at the
        ceiling"); ``monthly_wage`` is then ignored.
    """

    name: str
    sex: int
    entry_age: int
    monthly_wage: float
    density: float = 1.0
    cap_at_ceiling: bool = False


class CareerBeyondHorizon(ValueError):
    """A model career that does not reach the pension age within the basis's years."""


@dataclass(frozen=True)
class CareerResult:
    """Outcome of a model career (amounts in KHR of the year of retirement)."""

    career: ModelCareer
    retirement_year: int
    credited_years: float
    final_annual_wage: float
    annual_pension: float

    @property
    def replacement_rate(self) -> float:
        """First annual pension over the final annual wage (gross, fraction)."""
        return self.annual_pension / self.final_annual_wage if self.final_annual_wage else np.nan


def run_career(basis: Basis, career: ModelCareer) -> CareerResult:
    """Project one member with no decrements until the pension age and read the award.

    Raises
    ------
    CareerBeyondHorizon
        If the member does not reach the pension age within ``basis.n_years``.
    """
    T = basis.n_years
    start = StartingState.empty()
    monthly = career.monthly_wage
    if career.cap_at_ceiling:
        monthly = basis.wage_ceiling[0] / 12.0
    start.active_count[career.sex, career.entry_age, 0] = 1.0
    start.active_wage[career.sex, career.entry_age, 0] = 12.0 * monthly
    zeros = np.zeros_like(basis.mortality)
    growth = basis.wage_growth
    if career.cap_at_ceiling:
        # the wage follows the ceiling exactly
        growth = np.append(basis.wage_ceiling[1:] / basis.wage_ceiling[:-1] - 1.0,
                           basis.wage_growth[-1])
    one = basis.with_(
        start=StartingState(**{k: getattr(start, k) for k in start.__dataclass_fields__}),
        mortality=zeros, disabled_mortality=zeros, invalidity=zeros, exit=zeros,
        reentry=zeros, target_actives=-np.ones(T), wage_growth=growth,
        salary_growth=np.ones_like(basis.salary_growth),
        density=np.full(T, career.density),
        contribution_factor=np.ones(T), credit_factor=np.ones(T),
        wage_sigma=0.0,  # one person: no spread of wages around the cell's mean
    )
    proj = project(one)
    awards = proj.flows[:, career.sex, FLOW_NEW_OLD_AGE]
    done = np.nonzero(awards > 0)[0]
    if done.size == 0:
        raise CareerBeyondHorizon(f"career {career.name!r} does not reach the pension age within "
                         f"{T} projection years")
    t = int(done[0])
    exposure = proj.flows[t, career.sex, FLOW_EXPOSURE]
    final_wage = proj.masses[t, MASS_WAGE, career.sex].sum()  # wage mass on 1 Jan of year t
    # the member retires on the birthday of the pension age, mid-year (born 1 July, as a
    # member of a given age on 1 January is on average), or on 1 January next when
    # members go on contributing after it
    voluntary = basis.rules.contributions_after_pension_age
    return CareerResult(
        career=career,
        retirement_year=int(basis.first_year + t + (1 if voluntary else 0)),
        credited_years=float(career.density * (t + (1.0 if voluntary else 0.5))),
        final_annual_wage=float(final_wage if exposure > 0 else np.nan),
        annual_pension=float(proj.flows[t, career.sex, FLOW_NEW_OLD_AGE_AMOUNT]),
    )

