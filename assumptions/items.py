"""The assumption set's items: a constant, a whole number of years, an age gap by sex,
a table reference and the GDP, each carrying its own source and status.

Kept apart from :mod:`.models` (the set that holds them) so that :mod:`.inventory`,
which walks a set item by item and names each kind, can import them without importing
the set: the set's methods (``unverified``, ``content_hash``, ``parameters_table``) use
the inventory, so the dependency runs models -> inventory -> items.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from .base import Bounds, Status, Strict, Text, WholeNumber, whole_bounded
from .dated import DatedRate

__all__ = ["Constant", "WholeYears", "SexPair", "TableRef", "ScaledTableRef", "MortalityRef", "GDP"]

_NON_NEGATIVE = Bounds("a non-negative number", 0)
_SCALE = Bounds("a scale factor", 0)
_GDP = Bounds("a GDP in KHR", 0, lo_open=True)


class Constant(Strict):
    """A number that does not change over time, with its source and status."""

    description: Text
    unit: Text
    reference: Text
    status: Status
    note: str | None = None
    value: _NON_NEGATIVE.type  # type: ignore[valid-type]


class WholeYears(Strict):
    """A whole number of years (an age limit, an age gap), with its source and status."""

    description: Text
    unit: Literal["years"]
    reference: Text
    status: Status
    note: str | None = None
    value: whole_bounded("a whole number of years", 0, 110)  # type: ignore[valid-type]


class SexPair(Strict):
    """A whole number of years by sex of the member (M, F), e.g. spouse age minus member age."""

    description: Text
    unit: Literal["years"]
    reference: Text
    status: Status
    note: str | None = None
    M: whole_bounded("an age gap in years", -40, 40)  # type: ignore[valid-type]
    F: whole_bounded("an age gap in years", -40, 40)  # type: ignore[valid-type]


class TableRef(Strict):
    """A table by shipped name or by path (relative to the file that names it).

    ``reference`` and ``status`` describe the *use* of the table here; the table's
    own source and status come from the tables layer and are reported too.
    """

    table: Text
    reference: str | None = None
    status: Status | None = None
    note: str | None = None


class ScaledTableRef(TableRef):
    """A table of rates used times ``scale`` (1.0 = as published)."""

    scale: _SCALE.type = 1.0  # type: ignore[valid-type]


class MortalityRef(ScaledTableRef):
    """The mortality table. ``beyond_table: hold``: years after its last year reuse that year."""

    beyond_table: Literal["hold"] = "hold"


class GDP(Strict):
    """Nominal GDP: a base-year level in KHR and its nominal growth thereafter."""

    description: str | None = None
    base_year: WholeNumber
    value_khr: _GDP.type  # type: ignore[valid-type]
    reference: Text
    status: Status
    note: str | None = None
    growth: DatedRate

    def yearly(self, first_year: int, last_year: int) -> np.ndarray:
        """GDP in KHR for each calendar year ``first_year .. last_year``.

        GDP(y) = value_khr x product over base_year < k <= y of (1 + growth(k)), with
        growth(k) the average growth rate of calendar year k. Years before the base
        year divide by the growth instead.
        """
        lo, hi = min(first_year, self.base_year + 1), max(last_year, self.base_year)
        growth = self.growth.yearly(lo, hi)
        level = {self.base_year: self.value_khr}
        for y in range(self.base_year + 1, hi + 1):
            level[y] = level[y - 1] * (1.0 + growth[y - lo])
        for y in range(self.base_year - 1, lo - 1, -1):
            level[y] = level[y + 1] / (1.0 + growth[y + 1 - lo])
        return np.array([level[y] for y in range(first_year, last_year + 1)])
