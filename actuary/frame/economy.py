"""Economy paths of the frame: prices, wages, the minimum wage, GDP, return, exchange rate.

All series are by calendar year. Rates are fractions per year; a growth rate given for
year ``y`` is the change from year ``y - 1`` to year ``y`` (the project's convention,
:mod:`actuary.assumptions.dated`), averaged over the calendar year as the valuation
does. Levels:

* CPI: ``cpi(base) = 1``, ``cpi(y) = cpi(y - 1) (1 + inflation(y))``.
* Average wage (KHR per month): the frame's base-year level grown by wage growth.
* Wage growth: ``productivity_growth + price_inflation`` (growth rates add, as the
  assumption set writes them: 4.5% = 3% + 1.5%) unless the frame's ``wage_rule`` is
  ``as_set``, when ``economic.wage_growth`` is used and the productivity it implies
  (wage growth minus inflation) is reported instead. The additive rule differs from
  the compounded ``(1 + p)(1 + pi) - 1`` by ``p x pi`` (0.05 point at 1.5% and 3%).
* Minimum wage: the base year's USD amount at that year's exchange rate, then its own
  growth or, without one, the average wage's.
* GDP (KHR): ``economic.gdp`` (base-year level and nominal growth), or with the frame's
  ``gdp_rule: employment_productivity_inflation`` the same base-year level grown by
  employment growth (mid-year employed of the frame) + productivity growth +
  inflation. Real GDP deflates it by the CPI (no separate GDP deflator is assumed).
  GDP per worker uses the frame's mid-year employed; its real growth is the
  productivity the GDP path implies, reported beside the wage productivity so a user
  sees whether the two assumptions agree (they need not: the labour share of income
  can move).
* Real return: ``investment_return - price_inflation``; USD amounts divide by the
  exchange rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from actuary.io.errors import AssumptionError

if TYPE_CHECKING:  # pragma: no cover
    from actuary.assumptions.models import AssumptionSet

__all__ = ["EconomyPaths", "economy_paths", "level_path", "share_of_gdp"]


def level_path(growth: np.ndarray, years: np.ndarray, base_year: int, base_value: float,
               where: str = "") -> np.ndarray:
    """Levels by year from a base-year level and yearly growth (fractions).

    ``level(y) = level(y - 1) (1 + growth(y))`` after the base year and
    ``level(y) = level(y + 1) / (1 + growth(y + 1))`` before it. ``growth`` is aligned
    with ``years`` (consecutive); the base year must be one of them.
    """
    years = np.asarray(years)
    if not years[0] <= base_year <= years[-1]:
        raise AssumptionError("base year outside the years of the path", location=where or None,
                              field="year", value=int(base_year),
                              expected=f"a year from {years[0]} to {years[-1]}")
    b = int(base_year - years[0])
    out = np.empty(years.size)
    out[b] = base_value
    for i in range(b + 1, years.size):
        out[i] = out[i - 1] * (1.0 + growth[i])
    for i in range(b - 1, -1, -1):
        out[i] = out[i + 1] / (1.0 + growth[i + 1])
    return out


@dataclass(frozen=True)
class EconomyPaths:
    """Economic series by calendar year (see the module docstring for the rules).

    Attributes
    ----------
    years
        Calendar years.
    price_inflation, wage_growth, productivity_growth, investment_return, gdp_growth
        Fractions per year (``wage_growth`` is the one the frame uses).
    wage_growth_set
        ``economic.wage_growth`` of the set, for comparison.
    wage_rule
        ``productivity_plus_inflation`` or ``as_set``.
    cpi
        Price index, 1 in the base year of the average wage.
    average_wage, minimum_wage
        KHR per month.
    exchange_rate
        KHR per USD.
    gdp
        Nominal GDP, KHR per year.
    """

    years: np.ndarray
    price_inflation: np.ndarray
    wage_growth: np.ndarray
    wage_growth_set: np.ndarray
    productivity_growth: np.ndarray
    wage_rule: str
    investment_return: np.ndarray
    exchange_rate: np.ndarray
    cpi: np.ndarray
    average_wage: np.ndarray
    minimum_wage: np.ndarray
    gdp: np.ndarray
    gdp_growth: np.ndarray
    gdp_rule: str = "as_set"

    def at(self, name: str, year: int) -> float:
        """One series' value in one year."""
        i = int(year) - int(self.years[0])
        if not 0 <= i < self.years.size:
            raise AssumptionError("year outside the economy paths", field="year", value=year,
                                  expected=f"{self.years[0]} to {self.years[-1]}")
        return float(getattr(self, name)[i])

    def share_of_gdp(self, amounts_khr: np.ndarray | float, years: np.ndarray | int) -> np.ndarray:
        """Amounts (KHR per year) as fractions of the GDP of their years."""
        return share_of_gdp(amounts_khr, years, self)

    def frame(self, population: np.ndarray | None = None,
              employed: np.ndarray | None = None) -> pd.DataFrame:
        """One row per year; with ``population`` and ``employed`` (mid-year persons,
        aligned with ``years``) also GDP per person and per worker and the productivity
        the GDP path implies."""
        out = pd.DataFrame({
            "year": self.years,
            "price_inflation": self.price_inflation,
            "cpi": self.cpi,
            "productivity_growth": self.productivity_growth,
            "wage_growth": self.wage_growth,
            "wage_growth_set": self.wage_growth_set,
            "real_wage_growth": self.wage_growth - self.price_inflation,
            "average_wage_khr_month": self.average_wage,
            "average_wage_usd_month": self.average_wage / self.exchange_rate,
            "minimum_wage_khr_month": self.minimum_wage,
            "minimum_wage_usd_month": self.minimum_wage / self.exchange_rate,
            "investment_return": self.investment_return,
            "real_return": self.investment_return - self.price_inflation,
            "exchange_rate_khr_usd": self.exchange_rate,
            "gdp_khr": self.gdp,
            "gdp_usd": self.gdp / self.exchange_rate,
            "gdp_growth": self.gdp_growth,
            "real_gdp_growth": (1.0 + self.gdp_growth) / (1.0 + self.price_inflation) - 1.0,
        })
        if population is not None:
            out["population"] = population
            out["gdp_per_capita_usd"] = out["gdp_usd"] / population
        if employed is not None:
            out["employed"] = employed
            per_worker = self.gdp / self.cpi / employed  # real, base-year prices
            out["real_gdp_per_worker_khr"] = per_worker
            growth = np.full(self.years.size, np.nan)
            growth[1:] = per_worker[1:] / per_worker[:-1] - 1.0
            out["gdp_productivity_growth"] = growth
            out["average_wage_share_of_gdp_per_worker"] = 12.0 * self.average_wage / (self.gdp / employed)
        return out

    def consistency(self, employed: np.ndarray | None = None) -> pd.DataFrame:
        """Per year: the set's wage growth beside productivity + inflation, and the gap;
        with ``employed`` (mid-year, aligned with ``years``) also GDP growth beside
        employment growth + productivity + inflation."""
        implied = self.productivity_growth + self.price_inflation
        out = pd.DataFrame({
            "year": self.years,
            "wage_growth_set": self.wage_growth_set,
            "productivity_plus_inflation": implied,
            "wage_difference": self.wage_growth_set - implied,
            "wage_growth_used": self.wage_growth,
            "wage_rule": self.wage_rule,
        })
        if employed is not None:
            growth = np.full(self.years.size, np.nan)
            emp = np.asarray(employed, dtype=np.float64)
            growth[1:] = emp[1:] / emp[:-1] - 1.0
            out["employment_growth"] = growth
            out["gdp_growth"] = self.gdp_growth
            out["employment_productivity_inflation"] = growth + implied
            out["gdp_difference"] = self.gdp_growth - out["employment_productivity_inflation"]
            out["gdp_rule"] = self.gdp_rule
        return out


def share_of_gdp(amounts_khr: np.ndarray | float, years: np.ndarray | int,
                 paths: EconomyPaths) -> np.ndarray:
    """Amounts in KHR per year as a fraction of GDP of the same calendar years."""
    ys = np.atleast_1d(np.asarray(years, dtype=np.int64))
    idx = ys - int(paths.years[0])
    if np.any((idx < 0) | (idx >= paths.years.size)):
        raise AssumptionError("years outside the economy paths", field="years",
                              value=sorted(set(ys.tolist()))[:5],
                              expected=f"{paths.years[0]} to {paths.years[-1]}")
    return np.asarray(amounts_khr, dtype=np.float64) / paths.gdp[idx]


def economy_paths(aset: "AssumptionSet", first_year: int, last_year: int,
                  employed: np.ndarray | None = None) -> EconomyPaths:
    """The economy paths of ``aset`` (economic section plus ``frame.economy``).

    Parameters
    ----------
    employed
        Mid-year employed persons of each year ``first_year .. last_year``; needed by
        ``gdp_rule: employment_productivity_inflation`` only
        (:func:`actuary.frame.build.gdp_path` builds the frame to get them).

    Raises
    ------
    AssumptionError
        No frame section, a series that does not cover the years, base years of the
        levels outside them, or a GDP rule without employment.
    """
    from actuary.frame.population import frame_section

    fe = frame_section(aset).economy
    eco = aset.economic
    years = np.arange(int(first_year), int(last_year) + 1)

    def avg(param: object) -> np.ndarray:
        return np.asarray(param.yearly(int(first_year), int(last_year), "average"), dtype=float)  # type: ignore[attr-defined]

    inflation = avg(eco.price_inflation)
    wage_set = avg(eco.wage_growth)
    if fe.wage_rule == "productivity_plus_inflation":
        productivity = avg(fe.productivity_growth)
        wage = productivity + inflation
    else:
        wage = wage_set
        productivity = wage - inflation
    base = fe.average_wage
    where = "frame.economy.average_wage"
    average_wage = level_path(wage, years, base.year, base.value, where)
    cpi = level_path(inflation, years, base.year, 1.0, where)
    exchange = avg(eco.exchange_rate)
    mw = fe.minimum_wage
    mw_growth = avg(mw.growth) if mw.growth is not None else wage
    if not years[0] <= mw.year <= years[-1]:
        raise AssumptionError("base year outside the years of the path",
                              location="frame.economy.minimum_wage", field="year", value=mw.year,
                              expected=f"a year from {years[0]} to {years[-1]}")
    mw_base = mw.value * exchange[mw.year - years[0]]
    minimum = level_path(mw_growth, years, mw.year, mw_base, "frame.economy.minimum_wage")
    if fe.gdp_rule == "as_set":
        gdp = eco.gdp.yearly(int(first_year), int(last_year))
        gdp_growth = avg(eco.gdp.growth)
    else:
        if employed is None or np.shape(employed) != years.shape:
            raise AssumptionError(
                "this GDP rule needs the employed population of every year",
                location="frame.economy.gdp_rule", value=fe.gdp_rule,
                expected=f"employed persons for {years[0]}..{years[-1]} (build the whole frame)",
            )
        emp = np.asarray(employed, dtype=np.float64)
        gdp_growth = np.empty(years.size)
        gdp_growth[0] = avg(eco.gdp.growth)[0]  # no employment growth before the first year
        gdp_growth[1:] = emp[1:] / emp[:-1] - 1.0 + productivity[1:] + inflation[1:]
        gdp = level_path(gdp_growth, years, eco.gdp.base_year, eco.gdp.value_khr, "economic.gdp")
    return EconomyPaths(
        years=years, price_inflation=inflation, wage_growth=wage, wage_growth_set=wage_set,
        productivity_growth=productivity, wage_rule=fe.wage_rule,
        investment_return=avg(eco.investment_return), exchange_rate=exchange, cpi=cpi,
        average_wage=average_wage, minimum_wage=minimum, gdp=gdp, gdp_growth=gdp_growth,
        gdp_rule=fe.gdp_rule,
    )

