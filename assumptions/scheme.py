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
    "TransitionalCredits",
    "SchemeParameters",
    "SchemeDefinition",
]

_REVALUATION = ("wage_growth", "price_inflation", "none")
_INDEXATION = ("price_inflation", "wage_growth", "none")
_REFERENCE_WAGE = ("career_average_revalued",)


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

    Only ``career_average_revalued`` (the average of all past contributory wages,
    revalued by :class:`Revaluation`) is supported by the projection engine; a nominal
    career average is ``revaluation: none``.
    """

    options: ClassVar[tuple[str, ...]] = _REFERENCE_WAGE
    values: dict[date, Literal[_REFERENCE_WAGE]]  # type: ignore[valid-type]


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
    transitional_credits: TransitionalCredits
    voluntary_contributors: DatedCount | None = None  # informational only


class SchemeDefinition(Strict):
    """A scheme: what it is, its legal basis, who it covers and its rules."""

    name: Text
    description: Text
    legal_basis: list[Text]
    covered_population: Text
    start_date: date
    parameters: SchemeParameters
