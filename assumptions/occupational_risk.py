"""The occupational-risk (employment injury) branch of an assumption set.

An assumption set with an ``occupational_risk`` section values that branch instead of
the pension scheme: the set's pension scheme, economy, demography and frame still give
the insured population and its wages (the branch covers the same people, on the same
contributory wage), and this section gives the branch's rules and its own assumptions.
Every item carries its reference and status like any parameter of the set, so
``actuary basis show`` lists the unverified ones and the content hash covers them.

Conventions: rates are fractions; benefits are expressed on the *annual* insurable
wage of the injured person (the Prakas speaks of the average daily wage; a daily wage
is the annual wage / 365, so factors on a year of wage are the Prakas's factors times
365 days); degrees of disability are fractions (0.5 = 50%).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import field_validator, model_validator

from .base import Bounds, Status, Strict, Text
from .dated import DatedAmount, DatedFactor, DatedFraction, DatedParameter, DatedRate
from .items import ScaledTableRef
from .scheme import Indexation

__all__ = ["DatedDays", "DegreeDistribution", "BranchReserve", "PensionsInPaymentFile",
           "OccupationalRisk", "COVERED", "MAX_TEMPORARY_DAYS"]

#: Who a branch covers (the population of the set's frame scheme).
COVERED = ("private_employees", "public_officials", "self_employed")
#: Temporary disability benefit: at most 180 days in 12 months (Prakas 109/2008 as
#: summarised by WageIndicator; secondary). A mean number of days above it is an error.
MAX_TEMPORARY_DAYS = 180.0

_DAYS = Bounds("a number of days", 0, MAX_TEMPORARY_DAYS)
_FRACTION = Bounds("a fraction", 0, 1)
_DEGREE = Bounds("a degree of disability", 0, 1, lo_open=True)
_KHR = Bounds("a non-negative amount", 0)


class DatedDays(DatedParameter):
    """A mean number of benefit days, in [0, 180] (unit ``days``)."""

    units: ClassVar[tuple[str, ...]] = ("days",)
    bounds: ClassVar[Bounds] = _DAYS
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step")
    values: dict[date, _DAYS.type]  # type: ignore[valid-type]


class DegreeDistribution(Strict):
    """How permanent disabilities spread over degrees: degree -> share (shares add to 1).

    Each degree stands for a band of degrees (the model awards at these points).
    """

    description: Text
    reference: Text
    status: Status
    note: str | None = None
    shares: dict[_DEGREE.type, _FRACTION.type]  # type: ignore[valid-type]

    @field_validator("shares")
    @classmethod
    def _sum_to_one(cls, v: dict[float, float]) -> dict[float, float]:
        if not v:
            raise ValueError("no degrees given; expected degree: share pairs")
        total = sum(v.values())
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"shares add up to {total:.6g}; expected shares adding up to 1")
        return dict(sorted(v.items()))

    def value_summary(self) -> tuple[str, str]:
        """(values in words, unit) for reports."""
        return ", ".join(f"{d:g}: {w:g}" for d, w in self.shares.items()), "degree: share"


class BranchReserve(Strict):
    """The branch's reserve on the valuation date, KHR."""

    description: Text
    reference: Text
    status: Status
    note: str | None = None
    value_khr: _KHR.type  # type: ignore[valid-type]

    def value_summary(self) -> tuple[str, str]:
        """(values in words, unit) for reports."""
        return f"{self.value_khr:,.0f}", "KHR"


class PensionsInPaymentFile(Strict):
    """Where the pensions in payment on the valuation date are read from.

    ``file`` is a CSV in the format of
    :mod:`actuary.schemes.occupational_risk.pensions` (a path relative to the folder of
    the set's own file, or the name of a shipped file in
    ``assumptions/data/populations/`` without its suffix).
    """

    description: Text
    reference: Text
    status: Status
    note: str | None = None
    file: Text

    def value_summary(self) -> tuple[str, str]:
        """(values in words, unit) for reports."""
        return self.file, "file"


class OccupationalRisk(Strict):
    """The rules and assumptions of an occupational-risk (employment injury) branch.

    The benefit formulas these parameters enter are in
    :mod:`actuary.schemes.occupational_risk.rules`.
    """

    description: Text
    covered: Literal[COVERED]  # type: ignore[valid-type]
    legal_basis: Text
    contribution_rate: DatedFraction
    investment_return: DatedRate
    reserve: BranchReserve
    # incidence of compensated work injuries per insured year, by sex and age
    incidence: ScaledTableRef
    fatal_share: DatedFraction
    permanent_share: DatedFraction
    degrees: DegreeDistribution
    pension_threshold: DatedFraction
    pension_coefficient: DatedFraction
    lump_sum_years: DatedFactor
    carer_allowance_rate: DatedFraction
    total_disability_degree: DatedFraction
    temporary_rate: DatedFraction
    temporary_days: DatedDays
    temporary_days_permanent: DatedDays
    survivor_rate_one_class: DatedFraction
    survivor_rate_both: DatedFraction
    survivor_spouse_share: DatedFraction
    funeral_grant: DatedAmount
    medical_rate: DatedFraction
    admin_expense_rate: DatedFraction
    indexation: Indexation
    pensioner_mortality_factor: DatedFactor
    pensions_in_payment: PensionsInPaymentFile

    @model_validator(mode="after")
    def _threshold_below_total(self) -> "OccupationalRisk":
        lo = min(self.pension_threshold.values.values())
        hi = max(self.total_disability_degree.values.values())
        if hi < lo:
            raise ValueError("total_disability_degree is below pension_threshold; expected "
                             "the degree of total disability at or above the pension threshold")
        return self
