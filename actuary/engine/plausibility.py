"""Is the data what the scheme's rules could have produced? Impossible people and
implausible amounts, with the likely cause named.

Two grades:

* **impossible**: a value no reading of the rules allows (a contributor aged 3, an
  old-age pensioner aged 5, an orphan's pension past the age it stops). Always an
  error naming the file, the row, the field, the value and what was expected.
* **implausible**: averages far outside what the floor, the ceiling and the benefit
  formula give, typically the pattern of a unit mistake (wages in USD, pensions a year
  instead of a month, amounts in thousands). Refused with the likely cause, unless the
  user passes :data:`ACCEPT_OPTION`; then each finding is kept as a note that the
  console and the workbooks show.

The thresholds are deliberately wide: they catch a factor of 12 or of 4,000, not a
scheme whose members earn a little less than expected.

* wages (actives): the count-weighted median below a tenth of the wage floor (below a
  thousandth of the ceiling when the scheme has no floor), or the mean above 20 times
  the ceiling;
* pensions in payment (by kind): the mean above twice the wage ceiling (the benefit
  formula applies at most 100% to a wage base capped at the ceiling; twice allows for
  indexation since the award), or below a hundredth of the floor (a thousandth of the
  ceiling without a floor);
* any single amount above :data:`MAX_MONTHLY_KHR` or count above :data:`MAX_COUNT` is
  impossible (1e300 would otherwise run to a cost rate of 1e290%).

When an implausible average multiplied by the exchange rate (KHR per USD, the basis's
``economic.exchange_rate``), by 1,000, or divided by 12 falls where it should, that is
named as the likely cause.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from actuary.io.errors import ActuaryError, DataError

__all__ = ["ACCEPT_OPTION", "MAX_MONTHLY_KHR", "MAX_COUNT", "MIN_MEMBER_AGE", "RuleLimits",
           "weighted_median", "wage_finding", "pension_finding", "refuse_or_accept"]

#: The command-line option that accepts implausible (never impossible) data.
ACCEPT_OPTION = "--accept-implausible"
#: No wage or pension reaches this many KHR a month (about 24 million USD).
MAX_MONTHLY_KHR = 1e11
#: No row of a starting population holds more people than this.
MAX_COUNT = 1e9
#: Youngest age of an insured worker: 15, the minimum age for employment under the
#: Labour Law of Cambodia (1997, Art. 177; secondary: read in summaries).
MIN_MEMBER_AGE = 15


@dataclass(frozen=True)
class RuleLimits:
    """What the rules allow on the valuation (or as-of) date.

    Attributes
    ----------
    wage_floor, wage_ceiling
        Contributory wage floor and ceiling, KHR per month (0: none).
    pension_age
        Normal pension age, years.
    orphan_age_limit
        Age at which an orphan's pension stops, years.
    khr_per_usd
        Exchange rate, KHR per USD (to recognise amounts given in USD).
    basis
        Name of the assumption set read.
    """

    wage_floor: float
    wage_ceiling: float
    pension_age: float = 60.0
    orphan_age_limit: int = 18
    khr_per_usd: float = 4100.0
    basis: str = ""

    @classmethod
    def from_basis(cls, aset: Any, when: date | None = None) -> "RuleLimits":
        """The limits of ``aset``'s scheme on ``when`` (default its valuation date)."""
        when = when or aset.valuation_date
        p = aset.scheme.parameters
        first = min(aset.first_year, when.year)
        try:
            idx = aset.indices(first, max(aset.first_year, when.year) + 1)
            mapping = {name: {first + i: float(v) for i, v in enumerate(series)}
                       for name, series in idx.items()}
            floor = float(p.wage_floor.value_at(when, mapping))
            ceiling = float(p.wage_ceiling.value_at(when, mapping))
            pension_age = float(p.pension_age.value_at(when))
            rate = float(aset.economic.exchange_rate.value_at(max(when, aset.valuation_date)))
        except ActuaryError as exc:
            # the set's dated values do not reach back (or forward) to that date
            raise DataError(f"the assumption set {aset.name} cannot give the scheme's limits "
                            f"on the as-of date: {exc}", field="--as-of", value=str(when),
                            expected="a date the set's dated parameters cover (its "
                                     f"valuation date is {aset.valuation_date})") from None
        orphans = int(aset.demographic.family.orphan_age_limit.value)
        return cls(floor, ceiling, pension_age, orphans, rate, aset.name)

    @property
    def low_wage(self) -> float:
        """Below this median wage (KHR per month) the wages are implausible."""
        return self.wage_floor / 10 if self.wage_floor > 0 else self.wage_ceiling / 1000

    @property
    def low_pension(self) -> float:
        """Below this average pension (KHR per month) the pensions are implausible."""
        return self.wage_floor / 100 if self.wage_floor > 0 else self.wage_ceiling / 1000

    @property
    def high_wage(self) -> float:
        return 20 * self.wage_ceiling if self.wage_ceiling > 0 else MAX_MONTHLY_KHR

    @property
    def high_pension(self) -> float:
        return 2 * self.wage_ceiling if self.wage_ceiling > 0 else MAX_MONTHLY_KHR


def weighted_median(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The median of ``values`` with ``weights`` (counts of people); NaN when empty."""
    values = np.asarray(values, dtype=float)
    weights = np.ones_like(values) if weights is None else np.asarray(weights, dtype=float)
    keep = np.isfinite(values) & (weights > 0)
    if not keep.any():
        return float("nan")
    order = np.argsort(values[keep], kind="stable")
    v, w = values[keep][order], weights[keep][order]
    cum = np.cumsum(w)
    return float(v[np.searchsorted(cum, 0.5 * cum[-1])])


def _khr(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1 else f"{x:,.2f}"


def _cause(value: float, lo: float, hi: float, limits: RuleLimits) -> tuple[str, str]:
    """The unit mistake that would bring ``value`` into ``[lo, hi]``: its name and the
    value converted, in words; ``("", "")`` when none does."""
    rate = limits.khr_per_usd
    for factor, name, how in ((rate, "USD", f"at {rate:,.0f} KHR per USD"),
                              (1000.0, "thousands of KHR", "times 1,000"),
                              (1 / 12, "amounts a year instead of a month", "divided by 12")):
        if lo <= value * factor <= hi:
            return name, f"{how} that is {_khr(value * factor)} KHR"
    return "", ""


def _finding(what: str, cause: tuple[str, str], otherwise: str, facts: str) -> str:
    name, converted = cause
    if name:
        return f"{what} look like {name}: {facts} ({converted})"
    return f"{what} {otherwise}: {facts}"


def wage_finding(median: float, mean: float, limits: RuleLimits, what: str = "wages"
                 ) -> str | None:
    """The implausibility of actives' wages (KHR per month), or None when plausible."""
    floor, ceiling = limits.wage_floor, limits.wage_ceiling
    top = 2 * ceiling if ceiling > 0 else MAX_MONTHLY_KHR
    if np.isfinite(median) and median < limits.low_wage:
        cause = _cause(median, max(floor, limits.low_wage) / 2, top, limits)
        facts = (f"median {_khr(median)}, legal floor {floor:,.0f} KHR" if floor > 0
                 else f"median {_khr(median)} KHR per month")
        return _finding(what, cause, "far below the legal floor", facts)
    if np.isfinite(mean) and mean > limits.high_wage:
        cause = _cause(mean, max(floor, limits.low_wage), top, limits)
        return _finding(what, cause, "far above the wage ceiling",
                        f"average {_khr(mean)}, ceiling {ceiling:,.0f} KHR per month")
    return None


def pension_finding(mean: float, limits: RuleLimits, what: str = "pensions") -> str | None:
    """The implausibility of pensions in payment (KHR per month), or None."""
    ceiling = limits.wage_ceiling
    if not np.isfinite(mean):
        return None
    if mean > limits.high_pension:
        cause = _cause(mean, limits.low_pension, ceiling, limits)
        return _finding(what, cause, "far above what the rules can give",
                        f"average {_khr(mean)} KHR per month, above twice the wage ceiling "
                        f"{ceiling:,.0f} that caps the pension base")
    if mean < limits.low_pension:
        cause = _cause(mean, limits.low_pension * 10, ceiling or MAX_MONTHLY_KHR, limits)
        return _finding(what, cause, "far below what the rules can give",
                        f"average {_khr(mean)} KHR per month")
    return None


def refuse_or_accept(findings: list[str], source: str, accept: bool) -> list[str]:
    """Raise on ``findings`` unless ``accept``; return them (the notes to show).

    Raises
    ------
    DataError
        Naming the file, each finding (the likely cause first) and the option that
        accepts them.
    """
    if findings and not accept:
        raise DataError("implausible data: " + "; ".join(findings), source=source,
                        expected=f"data within reach of the scheme's rules, amounts in KHR "
                                 f"per month (if they are right, run again with "
                                 f"{ACCEPT_OPTION})")
    return [f"{source}: {f}" for f in findings]
