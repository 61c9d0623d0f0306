"""Is the economy of a valuation one economy? Wages against GDP per head, and the spread
of the return over wage growth.

Results in per cent of GDP (the accrued liability, the budget cost of the public-sector
and tier-0 schemes) are only as good as the GDP path beside the wages. This module
measures, year by year,

* the average insurable wage of the projection, ``w_t = S_t / E_t / 12`` (insurable
  earnings over contributor-years, KHR per month), against GDP per head
  ``GDP_t / P_t`` (the GDP of the valuation, the frame's mid-year population):
  ``ratio_t = 12 w_t / (GDP_t / P_t)`` and its value relative to the first year's;
* whether that relative ratio stays within the band the set states
  (``frame.economy.wage_gdp_band``: a tolerance and a last year, with its reason);
* the spread of the return on the reserve over nominal wage growth,
  ``(1 + i_t) / (1 + g_t) - 1`` with both as the set gives them for calendar year t,
  and its geometric average over 75 years: the quantity most results turn on (a
  funded scheme's reserve grows against its earnings base at that spread).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from actuary.assumptions import AssumptionSet

__all__ = ["EconomyCheck", "wage_gdp_table", "band_check", "return_spread", "economy_check",
           "SPREAD_YEARS"]

#: Years of the average spread (the GAP's longest horizon).
SPREAD_YEARS = 75


@dataclass(frozen=True)
class EconomyCheck:
    """Wages against GDP per head and the spread of the return over wage growth.

    Attributes
    ----------
    table
        One row per year: ``year``, ``average_insurable_wage`` (KHR per month), ``gdp``
        (KHR), ``population`` (mid-year persons), ``gdp_per_head`` (KHR per year),
        ``wage_to_gdp_per_head`` (12 w / GDP per head) and ``relative`` (that ratio over
        its first-year value); ``investment_return``, ``wage_growth`` and ``spread``
        (fractions per year). Without a population (a set without a frame) the GDP per
        head columns are NaN.
    band
        :func:`band_check` of the set's band, or None when the set states none.
    spread_average
        Geometric average spread over the first :data:`SPREAD_YEARS` years (or all).
    spread_periods
        ``(from, to, spread)`` runs of years with the same spread.
    """

    table: pd.DataFrame
    band: dict | None
    spread_average: float
    spread_periods: list[tuple[int, int, float]]

    def spread_text(self) -> str:
        """``-0.50 pt 2025-2029, +0.00 pt 2030-2034, ...`` (points a year)."""
        return ", ".join(f"{100 * s:+.2f} pt {a}-{b}" if a != b else f"{100 * s:+.2f} pt {a}"
                         for a, b, s in self.spread_periods)


def wage_gdp_table(yearly: pd.DataFrame, population: np.ndarray | None) -> pd.DataFrame:
    """The wage and GDP per head columns of :class:`EconomyCheck` from a valuation's
    ``yearly`` frame (which must hold ``gdp``)."""
    exposure = yearly["contributor_years"].to_numpy(dtype=float)
    wage = np.divide(yearly["insurable_earnings"].to_numpy(dtype=float), 12.0 * exposure,
                     out=np.full(exposure.size, np.nan), where=exposure > 0)
    gdp = yearly["gdp"].to_numpy(dtype=float)
    pop = np.full(gdp.size, np.nan) if population is None else np.asarray(population, float)
    per_head = gdp / pop
    ratio = 12.0 * wage / per_head
    return pd.DataFrame({"year": yearly["year"].to_numpy(), "average_insurable_wage": wage,
                         "gdp": gdp, "population": pop, "gdp_per_head": per_head,
                         "wage_to_gdp_per_head": ratio, "relative": ratio / ratio[0]})


def band_check(table: pd.DataFrame, tolerance: float, through: int, reason: str = "") -> dict:
    """Whether ``relative`` stays within ``1 +- tolerance`` in every year to ``through``.

    Returns ``tolerance``, ``through`` (the last year checked: ``through`` or the
    projection's last year), ``lowest`` and ``highest`` relative ratios and their years,
    ``within`` (bool) and ``reason``.
    """
    part = table[table["year"] <= through]
    rel = part["relative"].to_numpy()
    lo, hi = int(np.nanargmin(rel)), int(np.nanargmax(rel))
    return {"tolerance": float(tolerance), "through": int(part["year"].iloc[-1]),
            "lowest": float(rel[lo]), "lowest_year": int(part["year"].iloc[lo]),
            "highest": float(rel[hi]), "highest_year": int(part["year"].iloc[hi]),
            "within": bool(np.all(np.abs(rel - 1.0) <= tolerance + 1e-12)), "reason": reason}


def return_spread(aset: "AssumptionSet", first_year: int, last_year: int) -> pd.DataFrame:
    """``year, investment_return, wage_growth, spread`` for each calendar year (the set's
    yearly averages, as the basis takes them)."""
    eco = aset.economic
    i = np.asarray(eco.investment_return.yearly(first_year, last_year, "average"), float)
    g = np.asarray(eco.wage_growth.yearly(first_year, last_year, "average"), float)
    return pd.DataFrame({"year": np.arange(first_year, last_year + 1), "investment_return": i,
                         "wage_growth": g, "spread": (1.0 + i) / (1.0 + g) - 1.0})


def _periods(years: np.ndarray, values: np.ndarray) -> list[tuple[int, int, float]]:
    out: list[tuple[int, int, float]] = []
    for y, v in zip(years.tolist(), values.tolist()):
        if out and abs(out[-1][2] - v) < 1e-12:
            out[-1] = (out[-1][0], y, out[-1][2])
        else:
            out.append((y, y, v))
    return out


def economy_check(aset: "AssumptionSet", yearly: pd.DataFrame) -> EconomyCheck:
    """The :class:`EconomyCheck` of a valuation of ``aset`` (``yearly`` with ``gdp``)."""
    from actuary.frame.build import population_path

    first, last = int(yearly["year"].iloc[0]), int(yearly["year"].iloc[-1])
    table = wage_gdp_table(yearly, population_path(aset, first, last))
    spread = return_spread(aset, first, last)
    table = table.merge(spread, on="year")
    frame = getattr(aset, "frame", None)
    spec = frame.economy.wage_gdp_band if frame is not None else None
    band = None
    if spec is not None and table["population"].notna().all():
        band = band_check(table, spec.tolerance, spec.through, spec.reason)
    n = min(SPREAD_YEARS, len(spread))
    growth = np.prod(1.0 + spread["investment_return"].to_numpy()[:n]) / np.prod(
        1.0 + spread["wage_growth"].to_numpy()[:n])
    return EconomyCheck(table=table, band=band, spread_average=float(growth ** (1.0 / n) - 1.0),
                        spread_periods=_periods(spread["year"].to_numpy(),
                                                spread["spread"].to_numpy()))
