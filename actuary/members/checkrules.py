"""What the rows of member and pensioner files are checked against: the reasons a row
is rejected, flagged or changed (:data:`REASONS`), and the scheme's limits on the
as-of date (:class:`CheckSettings`). See :mod:`actuary.members.datacheck`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from actuary.engine.plausibility import MIN_MEMBER_AGE, RuleLimits
from actuary.members.files import BENEFIT_TYPES, MEMBER_STATUSES

__all__ = ["REASONS", "PROBLEM_COLUMNS", "CheckSettings"]

# code -> (severity, what is wrong, what is expected)
REASONS: dict[str, tuple[str, str, str]] = {
    "empty_row": ("rejected", "a row with no values (a blank line)", "one person per row"),
    "too_many_fields": ("rejected", "more values than the header has columns (a comma in "
                        "an unquoted value?)", "one value per column of the header"),
    "missing_value": ("rejected", "a required field is blank", "a value"),
    "missing_start_date": ("rejected", "pensioner without a start date",
                           "the date the pension started, YYYY-MM-DD"),
    "bad_sex": ("rejected", "sex is not M or F", "M or F"),
    "bad_status": ("rejected", "unknown status", "one of " + ", ".join(MEMBER_STATUSES)),
    "bad_benefit_type": ("rejected", "unknown benefit type", "one of " + ", ".join(BENEFIT_TYPES)),
    "bad_date": ("rejected", "not a date", "a date YYYY-MM-DD"),
    "bad_number": ("rejected", "not a valid number", "a number (see the field)"),
    "amount_not_positive": ("rejected", "pension amount is zero or negative",
                            "an amount in KHR per month > 0"),
    "date_order": ("rejected", "impossible order of dates",
                   "birth <= entry <= status date (pensions: birth <= start)"),
    "future_date": ("rejected", "date after the as-of date of the file", "a date on or before the as-of date"),
    "entry_age": ("rejected", "age at entry too low", "age at entry >= the minimum working age"),
    "age_out_of_range": ("rejected", "age out of range", "an age the projection covers"),
    "credits_too_long": ("rejected", "more credited months than possible",
                         "at most one credited month per calendar month of membership"),
    "wage_below_floor": ("rejected", "insurable wage below the floor", "floor <= wage <= ceiling"),
    "wage_above_ceiling": ("rejected", "insurable wage above the ceiling", "floor <= wage <= ceiling"),
    "duplicate_id": ("rejected", "the same id on rows that differ", "each id once"),
    "duplicate_row": ("rejected", "repeat of an identical earlier row (the first is used)",
                      "each row once"),
    "wage_capped": ("changed", "insurable wage outside the floor and ceiling, brought to the "
                    "nearest bound (cap_wages)", "floor <= wage <= ceiling"),
    "missing_survivor_link": ("flagged", "survivor's pension without the deceased's member id",
                              "member_id of the deceased"),
    "unknown_member_link": ("flagged", "member_id not found in the member file",
                            "the id of a row of the member file"),
    "impossible_age": ("rejected", "an age the benefit cannot be paid at",
                       "an adult (>= the minimum working age); an orphan below the age "
                       "orphans' pensions stop"),
    "old_age_before_pension_age": ("flagged", "old-age pension started before the pension age",
                                   "a start at or after the pension age"),
}


PROBLEM_COLUMNS = ["file", "row", "id", "name", "code", "severity", "field", "value", "expected"]

@dataclass(frozen=True)
class CheckSettings:
    """What the rows are checked against.

    Attributes
    ----------
    as_of
        Date of the extract (normally the valuation date): no date may be later, and
        ages are measured on it.
    wage_floor, wage_ceiling
        Contributory wage floor and ceiling on the as-of date, KHR per month.
    scheme_start
        Date contributions to the scheme started (credits cannot be older).
    pension_age
        Normal pension age on the as-of date, years.
    min_entry_age
        Youngest age at entry: 15, the minimum age for employment under the Labour Law
        of Cambodia (1997, Art. 177; secondary: read in summaries, not in the text).
    max_age
        Oldest age the projection covers (110, the last age of its tables).
    cap_wages
        Use actives whose wage is outside the floor and ceiling, with the wage brought
        to the bound (listed as changed), instead of rejecting them.
    basis
        Name of the assumption set the limits were read from (for the report).
    """

    as_of: date
    wage_floor: float
    wage_ceiling: float
    scheme_start: date
    pension_age: float = 60.0
    min_entry_age: int = MIN_MEMBER_AGE
    max_age: int = 110
    cap_wages: bool = False
    basis: str = ""
    orphan_age_limit: int = 18
    khr_per_usd: float = 4100.0
    accept_implausible: bool = False

    @classmethod
    def from_basis(cls, aset: Any, as_of: date | None = None, cap_wages: bool = False,
                   accept_implausible: bool = False) -> "CheckSettings":
        """Floor, ceiling, start, pension age and orphans' age limit of ``aset``'s scheme
        on the as-of date (default: the set's valuation date)."""
        when = as_of or aset.valuation_date
        limits = RuleLimits.from_basis(aset, when)
        return cls(as_of=when, wage_floor=limits.wage_floor, wage_ceiling=limits.wage_ceiling,
                   scheme_start=aset.scheme.start_date, pension_age=limits.pension_age,
                   cap_wages=cap_wages, basis=aset.name,
                   orphan_age_limit=limits.orphan_age_limit, khr_per_usd=limits.khr_per_usd,
                   accept_implausible=accept_implausible)

    @property
    def limits(self) -> RuleLimits:
        """The limits the plausibility checks use (:mod:`actuary.engine.plausibility`)."""
        return RuleLimits(self.wage_floor, self.wage_ceiling, self.pension_age,
                          self.orphan_age_limit, self.khr_per_usd, self.basis)

    def rules(self) -> list[tuple[str, str]]:
        """The limits as (label, value) lines for the report."""
        return [
            ("As-of date (ages and 'future' measured on it)", self.as_of.isoformat()),
            ("Wage floor, KHR per month", f"{self.wage_floor:,.0f}"),
            ("Wage ceiling, KHR per month", f"{self.wage_ceiling:,.0f}"),
            ("Scheme start (credits count from)", self.scheme_start.isoformat()),
            ("Pension age", f"{self.pension_age:g}"),
            ("Minimum age at entry", str(self.min_entry_age)),
            ("Maximum age", str(self.max_age)),
            ("Wages outside floor/ceiling", "capped (rows used, listed as changed)"
             if self.cap_wages else "rejected"),
            ("Orphans' pensions stop at age", str(self.orphan_age_limit)),
            ("Implausible amounts (a unit mistake?)", "accepted (--accept-implausible)"
             if self.accept_implausible else "refused"),
            ("Limits read from assumption set", self.basis or "(given directly)"),
        ]
