"""Money a reader can read: billions of KHR, USD, shares of GDP, nominal or constant prices.

One object, :class:`Prices`, carries what every workbook needs to show an amount of riel:

* the **prices** of the tables: ``nominal`` (KHR of each year, the projection's own
  currency) or ``constant`` (KHR of the base year, the valuation year: each year's
  amount divided by the price index ``P_t`` of the set's CPI path,
  ``P_{base} = 1``, ``P_t = P_{t-1} (1 + inflation_t)``, built with
  :func:`actuary.frame.economy.level_path` from ``economic.price_inflation`` averaged
  over each calendar year);
* the **exchange rate** of the set (``economic.exchange_rate``, KHR per USD, averaged
  over each calendar year): an amount in nominal KHR of year ``t`` is shown in USD at the
  rate of year ``t``; an amount in constant KHR of the base year at the base year's rate;
* **GDP** of each year (nominal KHR), where the result projects it: a share of GDP is the
  same in either prices (both sides are deflated by the same index).

The cells always keep numbers: billions and millions are *number formats*
(:data:`actuary.reports.styles.KHR_BN`, :data:`USD_M`), never divided values, so formulas,
copies and the LibreOffice recalculation tests see exact riel.

Approximations, sized: a stock at the end of year ``t`` (the reserve) is deflated by the
year's *average* index ``P_t``, as the flows of the year are; the end-of-year index is
about ``(1 + inflation) ** 0.5`` higher, so a constant-price reserve reads about 0.75%
high at the default 1.5% inflation. Present values at the valuation date are in the
valuation year's money in both prices (nothing to deflate).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from actuary.io.errors import DataError

from .i18n import tr

__all__ = ["PRICES", "Prices", "prices_for", "USD_M", "nominal"]

#: The choices of ``--prices``.
PRICES = ("nominal", "constant")
#: Millions of USD: two trailing commas divide what is shown by 10^6 (the cell keeps USD).
USD_M = "#,##0.0,,"


@dataclass(frozen=True)
class Prices:
    """How amounts of riel are shown (see the module docstring).

    Attributes
    ----------
    mode
        ``nominal`` or ``constant``.
    base_year
        The valuation year: the price year of constant prices, and of the exchange
        rate used for them.
    years
        Calendar years covered (consecutive), from ``base_year`` on.
    index
        Price index ``P_t`` by year (1 in ``base_year``); all ones in nominal prices.
    exchange
        KHR per USD by year (the set's), or None when the set has none.
    """

    mode: str
    base_year: int
    years: np.ndarray
    index: np.ndarray
    exchange: np.ndarray | None = None

    @property
    def constant(self) -> bool:
        """Whether the tables are in constant prices."""
        return self.mode == "constant"

    def _at(self, year: int) -> int:
        i = int(year) - int(self.years[0])
        if not 0 <= i < self.years.size:
            raise DataError("year outside the price paths", field="year", value=int(year),
                            expected=f"{self.years[0]} to {self.years[-1]}")
        return i

    def factor(self, year: int) -> float:
        """What an amount in nominal KHR of ``year`` is multiplied by in these prices
        (``1 / P_t`` in constant prices, 1 in nominal)."""
        i = self._at(year)
        return 1.0 / float(self.index[i]) if self.constant else 1.0

    def deflate(self, amounts: Sequence[float] | np.ndarray, years: Sequence[int] | np.ndarray
                ) -> np.ndarray:
        """``amounts`` (nominal KHR of ``years``) in these prices."""
        a = np.asarray(amounts, dtype=np.float64)
        if not self.constant:
            return a.copy()
        return a * np.array([self.factor(y) for y in np.asarray(years).ravel()]).reshape(a.shape)

    def usd_rate(self, year: int) -> float | None:
        """KHR per USD for an amount of ``year`` in these prices: the rate of ``year``
        (nominal) or of the base year (constant); None without an exchange rate."""
        if self.exchange is None:
            return None
        return float(self.exchange[self._at(self.base_year if self.constant else year)])

    def label(self, lang: str = "en") -> str:
        """What the money of a table is: ``nominal KHR of each year`` or ``constant 2025
        KHR (deflated by the set's CPI)``, for titles."""
        if self.constant:
            return tr("prices_constant", lang, year=str(self.base_year))
        return tr("prices_nominal", lang)


def nominal(base_year: int, years: Sequence[int] | np.ndarray,
            exchange: np.ndarray | None = None) -> Prices:
    """Nominal prices over ``years`` (no deflation)."""
    ys = np.asarray(years, dtype=np.int64)
    return Prices("nominal", int(base_year), ys, np.ones(ys.size), exchange)


def prices_for(aset: Any, first_year: int, last_year: int, mode: str = "nominal") -> Prices:
    """The :class:`Prices` of assumption set ``aset`` over ``first_year .. last_year``
    (the first year is the valuation year, the base of constant prices).

    Raises
    ------
    DataError
        If ``mode`` is not one of :data:`PRICES`.
    """
    from actuary.frame.economy import level_path

    if mode not in PRICES:
        raise DataError("unknown prices", field="--prices", value=mode,
                        expected=" or ".join(PRICES))
    years = np.arange(int(first_year), int(last_year) + 1)
    eco = aset.economic
    exchange = None
    rate = getattr(eco, "exchange_rate", None)
    if rate is not None:
        exchange = np.asarray(rate.yearly(int(first_year), int(last_year), "average"), dtype=float)
    if mode == "nominal":
        return Prices(mode, int(first_year), years, np.ones(years.size), exchange)
    inflation = np.asarray(eco.price_inflation.yearly(int(first_year), int(last_year), "average"),
                           dtype=float)
    index = level_path(inflation, years, int(first_year), 1.0, "economic.price_inflation")
    return Prices(mode, int(first_year), years, index, exchange)


def money_columns(ws: Any, header_row: int, rows: Sequence[int], years: Sequence[int],
                  col: int, amounts: Sequence[tuple[str, str]], gdp: str | None,
                  prices: Prices, lang: str = "en", width: float = 13.0,
                  gdp_of: Sequence[str] | None = None) -> int:
    """Append to a table the exchange rate, and the USD and share-of-GDP columns of some
    of its money columns, as live formulas; return the next free column.

    Parameters
    ----------
    ws
        The sheet; the table's header is in ``header_row`` and its data in ``rows`` (one
        a year of ``years``).
    col
        First column to write.
    amounts
        (name, column letter) of each money column (KHR, in the table's prices) to show
        in USD and as a share of GDP.
    gdp
        Column letter of GDP in the table's prices (same deflation, so the share is the
        same in either prices), or None: no share-of-GDP columns.
    gdp_of
        Names among ``amounts`` shown as a share of GDP (default: all).
    prices
        The table's prices: USD at the rate of each year (nominal) or of the base year
        (constant); a set without an exchange rate gets no USD columns.

    The exchange rate is an input column (the set's, KHR per USD); ``USD = KHR / rate``
    shown in millions (:data:`USD_M`), ``share = KHR / GDP`` as a percentage.
    """
    from openpyxl.utils import get_column_letter

    from . import styles
    from .cells import put, put_formula

    start = col
    rate_col = None
    if prices.exchange is not None:
        rate_col = get_column_letter(col)
        put(ws, header_row, col, tr("exchange_rate_of", lang, year=str(prices.base_year))
            if prices.constant else tr("exchange_rate", lang))
        for r, y in zip(rows, years):
            put(ws, r, col, prices.usd_rate(int(y)), "#,##0", fill=styles.INPUT_FILL)
        ws.column_dimensions[rate_col].width = 11
        col += 1
        for name, letter in amounts:
            put(ws, header_row, col, f"{name} ({tr('unit_usd_m', lang)})")
            for r in rows:
                put_formula(ws, r, col, f'=IF({rate_col}{r}>0,{letter}{r}/{rate_col}{r},"")',
                            USD_M)
            ws.column_dimensions[get_column_letter(col)].width = width
            col += 1
    if gdp is not None:
        for name, letter in amounts:
            if gdp_of is not None and name not in gdp_of:
                continue
            put(ws, header_row, col, f"{name} ({tr('unit_pct_gdp', lang)})")
            for r in rows:
                put_formula(ws, r, col, f'=IF({gdp}{r}>0,{letter}{r}/{gdp}{r},"")', styles.RATE)
            ws.column_dimensions[get_column_letter(col)].width = width
            col += 1
    if col > start:
        styles.style_header(ws, header_row, start, col - 1)
    return col
