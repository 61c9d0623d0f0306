"""Scheme definitions: the rules of a contributory scheme as dated parameters.

A scheme file (``assumptions/data/schemes/*.yaml``) names the scheme, its legal basis
and covered population, and gives every rule as a dated parameter with its source
and status. Unknown parameter names and missing required ones are errors; choices
(revaluation, indexation, reference wage) are checked against their options.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Literal

from pydantic import field_validator

from .base import Bounds, Status, Strict, Text, WholeNumber
from .dated import (
    DatedAccrual,
    DatedAge,
    DatedAmount,
    DatedChoice,
    DatedCount,
    DatedFraction,
    DatedMonths,
    DatedRate,
)

__all__ = [
    "Revaluation",
    "Indexation",
    "ReferenceWage",
    "BudgetGuarantee",
    "ContributionsAfterPensionAge",
    "InvalidityCoverUntil",
    "TransitionalCredits",
    "SchemeParameters",
    "SchemeDefinition",
]

_REVALUATION = ("wage_growth", "price_inflation", "none")
_INDEXATION = ("price_inflation", "wage_growth", "none")
_REFERENCE_WAGE = ("career_average_revalued", "final_wage")
_GUARANTEE = ("none", "deficit")
_AFTER_PENSION_AGE = ("stop", "voluntary")
_COVER_UNTIL = ("months_after_leaving", "pension_age")


class Revaluation(DatedChoice):
    """Which series revalues past contributory wages in the reference wage."""

    options: ClassVar[tuple[str, ...]] = _REVALUATION
    values: dict[date, Literal[_REVALUATION]]  # type: ignore[valid-type]


class Indexation(DatedChoice):
    """Which series pensions in payment follow each year."""

    options: ClassVar[tuple[str, ...]] = _INDEXATION
    values: dict[date, Literal[_INDEXATION]]  # type: ignore[valid-type]


class ReferenceWage(DatedChoice):
    """How the wage the accrual rate applies to is formed.

    ``career_average_revalued``: the average of all past contributory wages, revalued by
    :class:`Revaluation` (a nominal career average is ``revaluation: none``); the pension
    is ``accrual x sum of revalued wages``. ``final_wage``: the last contributory wage
    (civil-service schemes); the pension is ``accrual x credited years x last wage``, and
    a member who leaves keeps the last wage, revalued by :class:`Revaluation`. One choice
    for the whole projection.
    """

    options: ClassVar[tuple[str, ...]] = _REFERENCE_WAGE
    values: dict[date, Literal[_REFERENCE_WAGE]]  # type: ignore[valid-type]


class BudgetGuarantee(DatedChoice):
    """Whether the state budget pays what the scheme's reserve cannot.

    ``none``: the scheme stands alone (its reserve may run out: the depletion year).
    ``deficit``: each year the budget pays the part of the expenditure that contributions,
    investment income and the reserve cannot cover, so the reserve never falls below
    zero (a budget-financed scheme has no reserve: the budget pays every benefit).
    """

    options: ClassVar[tuple[str, ...]] = _GUARANTEE
    values: dict[date, Literal[_GUARANTEE]]  # type: ignore[valid-type]


class ContributionsAfterPensionAge(DatedChoice):
    """Whether members go on contributing after reaching the pension age.

    ``stop``: members reach the pension age on their birthday, stop contributing and
    retire then. ``voluntary``: they go on contributing voluntarily to the next 1 January
    and retire then. One choice for the whole projection.
    """

    options: ClassVar[tuple[str, ...]] = _AFTER_PENSION_AGE
    values: dict[date, Literal[_AFTER_PENSION_AGE]]  # type: ignore[valid-type]


class InvalidityCoverUntil(DatedChoice):
    """How long a member who stopped contributing stays covered for invalidity.

    ``months_after_leaving``: ``invalidity_cover_months`` after the last contribution
    (absent: none). ``pension_age``: to the pension age, for members who meet the
    invalidity condition (``min_months_invalidity`` of contributions paid) on their own
    record; ``invalidity_cover_months`` must then be 0. One choice for the whole
    projection.
    """

    options: ClassVar[tuple[str, ...]] = _COVER_UNTIL
    values: dict[date, Literal[_COVER_UNTIL]]  # type: ignore[valid-type]


_EXTRA_YEARS = Bounds("a number of extra credited years", 0, 50)


class TransitionalCredits(Strict):
    """Extra credited years for members already old when the scheme started.

    A member aged at least ``min_age`` on ``reference_date`` who paid at least
    ``min_months_paid`` of the first ``window_months`` months gets
    ``extra_years[age]`` credited years, ``age`` being the completed age on
    ``reference_date``; ages not listed get none.
    """

    description: Text
    unit: Literal["years"]
    reference: Text
    status: Status
    note: str | None = None
    reference_date: date
    min_age: WholeNumber
    min_months_paid: WholeNumber
    window_months: WholeNumber
    extra_years: dict[int, _EXTRA_YEARS.type]  # type: ignore[valid-type]

    @field_validator("extra_years", mode="before")
    @classmethod
    def _ages(cls, raw: Any) -> Any:
        if not isinstance(raw, dict) or not raw:
            raise ValueError("expected a mapping of age -> extra credited years")
        for age in raw:
            if isinstance(age, bool) or not isinstance(age, int) or not 15 <= age <= 110:
                raise ValueError(f"key {age!r} is not an age; expected a whole age in [15, 110]")
        return raw

    def extra_years_at(self, age: int) -> float:
        """Extra credited years for completed age ``age`` on the reference date (0 if none)."""
        return float(self.extra_years.get(age, 0.0)) if age >= self.min_age else 0.0


class SchemeParameters(Strict):
    """Every rule of a scheme of the NSSF kind (all required except where noted).

    Units: contribution and accrual rates as fractions; the wage floor and ceiling and
    the minimum pension in KHR per month; the funeral grant minimum in KHR; qualifying
    periods in months; the pension age in years.

    Optional rules (absent = off): ``transitional_credits``; ``min_months_any_age``
    (credited months with which a member retires at any age); ``grant_months_below_condition``
    (months of the last wage paid to a member retiring below ``min_months_old_age``,
    instead of a refund; needs ``reference_wage: final_wage``);
    ``budget_contribution_share`` (share of the contributions the state budget pays, as
    the employer of civil servants or as a matching subsidy) and ``budget_guarantee``.
    """

    contribution_rate: DatedFraction
    employer_share: DatedFraction
    wage_floor: DatedAmount
    wage_ceiling: DatedAmount
    pension_age: DatedAge
    min_months_old_age: DatedMonths
    refund_share: DatedFraction
    refund_interest: DatedRate
    accrual_rate: DatedAccrual
    reference_wage: ReferenceWage
    revaluation: Revaluation
    minimum_pension: DatedAmount
    indexation: Indexation
    min_months_invalidity: DatedMonths
    invalidity_minimum_rate: DatedFraction
    min_months_survivors: DatedMonths
    survivor_rate: DatedFraction
    survivor_spouse_share: DatedFraction
    survivor_children_share: DatedFraction
    survivor_lump_sum_months: DatedMonths
    funeral_grant_months: DatedMonths
    funeral_grant_minimum: DatedAmount
    transitional_credits: TransitionalCredits | None = None
    voluntary_contributors: DatedCount | None = None  # informational only
    # Optional rules, off when absent (civil-service schemes, financing by the budget):
    # credited months giving retirement before the pension age (0 = none)
    min_months_any_age: DatedMonths | None = None
    # grant below the old-age condition, months of the last wage (final wage only)
    grant_months_below_condition: DatedMonths | None = None
    # share of contributions paid by the state budget (as an employer, or a subsidy)
    budget_contribution_share: DatedFraction | None = None
    # whether the budget covers what the reserve cannot (see BudgetGuarantee)
    budget_guarantee: BudgetGuarantee | None = None
    # contributions after the pension age (absent = stop at the birthday)
    contributions_after_pension_age: ContributionsAfterPensionAge | None = None
    # share of the years from the invalidity to the pension age credited to an invalidity
    # pension, at the member's reference wage (absent = 0: the accrued pension only)
    invalidity_credited_share: DatedFraction | None = None
    # months after the last contribution during which a member who stopped contributing
    # is still covered for invalidity (absent = 0: none)
    invalidity_cover_months: DatedMonths | None = None
    # how long members who stopped contributing stay covered for invalidity (absent =
    # months_after_leaving: the months above)
    invalidity_cover_until: InvalidityCoverUntil | None = None


class SchemeDefinition(Strict):
    """A scheme: what it is, its legal basis, who it covers and its rules."""

    name: Text
    description: Text
    legal_basis: list[Text]
    covered_population: Text
    start_date: date
    parameters: SchemeParameters
