"""The Projection sheet: one row per year, inputs as numbers, derived columns as formulas.

The projected people and cash flows (contributions, benefits by branch, administrative
expenses, insurable earnings, the return on the reserve) are written as numbers. Every
column derived from them is a live Excel formula over those cells, so a reader can
follow each figure: total benefits, expenditure ``B_t``, investment income
``I_t = i_t (F_{t-1} + (C_t - B_t)/2)``, the reserve ``F_t = F_{t-1} + C_t + I_t - B_t``
(``F_0`` in its own labelled row above the first year), the PAYG cost rate ``B_t / S_t``,
the reserve ratio ``F_t / B_t``, the dependency ratio, expenditure as a share of GDP,
and the discount factors ``v_t`` and ``u_t`` the GAP and the actuarial balance use
(see :mod:`actuary.analysis.indicators`).

Layout: row 1 title, row 2 note, row 3 the key of each column (the name of the column
of ``ValuationResult.yearly`` it shows, or of the derived quantity), row 4 headers,
row 5 the valuation date (``F_0``, ``v_0 = 1``), then one row per projection year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .cells import put, put_formula, put_title
from .i18n import T, year
from .messages import rate_path_of

__all__ = ["ProjectionLayout", "ProjectionColumn", "projection_columns", "write_projection",
           "KEY_ROW", "HEADER_ROW", "START_ROW"]

SHEET = "Projection"
KEY_ROW = 3
HEADER_ROW = 4
START_ROW = 5  # the valuation date: F_0 and v_0
Template = Callable[[dict[str, str], int], str]


@dataclass(frozen=True)
class ProjectionColumn:
    """A column: its key, header, number format, width and, if derived, its formula.

    ``formula(letters, row)`` returns the formula of data row ``row`` given the column
    letter of every key; the previous year is ``row - 1`` (the first year's previous
    row is the valuation-date row holding ``F_0`` and ``v_0``).
    """

    key: str
    header: str
    fmt: str
    width: float = 15.0
    formula: Template | None = None


def _payg(L: dict[str, str], r: int) -> str:
    s, b = L["insurable_earnings"], L["expenditure"]
    return f'=IF({s}{r}>0,{b}{r}/{s}{r},"")'


def _reserve_ratio(L: dict[str, str], r: int) -> str:
    return f'=IF({L["expenditure"]}{r}>0,{L["reserve_end"]}{r}/{L["expenditure"]}{r},"")'


def _income(L: dict[str, str], r: int) -> str:
    i, f, c, b = L["investment_return"], L["reserve_end"], L["contributions"], L["expenditure"]
    return f"={i}{r}*({f}{r - 1}+({c}{r}-{b}{r})/2)"


def _reserve(L: dict[str, str], r: int) -> str:
    f, c, inc, b = L["reserve_end"], L["contributions"], L["investment_income"], L["expenditure"]
    return f"={f}{r - 1}+{c}{r}+{inc}{r}-{b}{r}"


def projection_columns(with_admin_rate: bool, with_gdp: bool,
                       with_collection: bool = False,
                       rate_path: str = "legislated") -> list[ProjectionColumn]:
    """The columns in reading order: people, then money, then ratios and factors;
    ``rate_path`` ``run`` when the contribution rate is the run's own, not the set's
    schedule (:func:`actuary.reports.messages.rate_path_of`), which its header says."""
    C = ProjectionColumn
    cols = [
        C("year", T("Year"), styles.YEAR, 8),
        C("active", T("Active contributors, 1 Jan"), styles.COUNT),
        C("inactive", T("Inactive insured, 1 Jan"), styles.COUNT),
        C("old_age_pensioners", T("Old-age pensioners, 1 Jan"), styles.COUNT),
        C("invalidity_pensioners", T("Invalidity pensioners, 1 Jan"), styles.COUNT),
        C("spouse_pensioners", T("Spouse pensioners, 1 Jan"), styles.COUNT),
        C("orphan_pensioners", T("Orphan pensioners, 1 Jan"), styles.COUNT),
        C("pensioners", T("Pensioners (old-age + invalidity), 1 Jan"), styles.COUNT, 16,
          lambda L, r: f"={L['old_age_pensioners']}{r}+{L['invalidity_pensioners']}{r}"),
        C("dependency_ratio", T("Dependency ratio = pensioners / active"), styles.RATIO, 15,
          lambda L, r: f'=IF({L["active"]}{r}>0,{L["pensioners"]}{r}/{L["active"]}{r},"")'),
        C("contributor_years", T("Contributor-years"), styles.COUNT),
        C("contribution_rate", T("Contribution rate of this run (not the set's schedule)")
          if rate_path == "run" else T("Legislated contribution rate"), styles.RATE, 13),
        C("insurable_earnings", T("Insurable earnings S_t (KHR bn)"), styles.KHR_BN, 22),
    ]
    if with_collection:
        cols.append(C("collection", T("Share of due contributions collected"), styles.RATE, 13))
    cols += [
        C("contributions", T("Contributions C_t (KHR bn)"), styles.KHR_BN, 22),
        C("old_age_benefits", T("Old-age pensions (KHR bn)"), styles.KHR_BN, 20),
        C("invalidity_benefits", T("Invalidity pensions (KHR bn)"), styles.KHR_BN, 20),
        C("survivor_benefits", T("Survivors' pensions (KHR bn)"), styles.KHR_BN, 20),
        C("lump_sums", T("Refunds, lump sums, funeral grants (KHR bn)"), styles.KHR_BN, 20),
        C("benefits", T("Benefits = sum of the branches (KHR bn)"), styles.KHR_BN, 22,
          lambda L, r: f"=SUM({L['old_age_benefits']}{r}:{L['lump_sums']}{r})"),
    ]
    if with_admin_rate:
        cols.append(C("admin_rate", T("Admin rate (share of contributions)"), styles.RATE, 13))
    cols += [
        C("admin", T("Administrative expenses (KHR bn)"), styles.KHR_BN, 20),
        C("expenditure", T("Expenditure B_t = benefits + admin (KHR bn)"), styles.KHR_BN, 22,
          lambda L, r: f"={L['benefits']}{r}+{L['admin']}{r}"),
        C("investment_return", T("Return on the reserve i_t"), styles.RATE, 12),
        C("investment_income", T("Investment income I_t = i_t (F_t-1 + (C_t - B_t)/2) (KHR bn)"),
          styles.KHR_BN, 22, _income),
        C("reserve_end", T("Reserve at end of year F_t = F_t-1 + C_t + I_t - B_t (KHR bn)"),
          styles.KHR_BN, 24, _reserve),
        C("payg_cost_rate", T("PAYG cost rate B_t / S_t"), styles.RATE, 13, _payg),
        C("reserve_ratio", T("Reserve ratio F_t / B_t (years)"), styles.RATIO, 13, _reserve_ratio),
    ]
    if with_gdp:
        cols += [
            C("gdp", T("GDP (KHR bn)"), styles.KHR_BN, 24),
            C("expenditure_pct_gdp", T("Expenditure, per cent of GDP = 100 B_t / GDP"),
              styles.PERCENT_POINTS, 13,
              lambda L, r: f'=IF({L["gdp"]}{r}>0,100*{L["expenditure"]}{r}/{L["gdp"]}{r},"")'),
        ]
    cols += [
        C("discount_end", T("Discount factor v_t = v_t-1 / (1 + i_t) (end of year)"),
          styles.FACTOR, 14,
          lambda L, r: f"={L['discount_end']}{r - 1}/(1+{L['investment_return']}{r})"),
        C("discount_mid", T("Mid-year factor u_t = v_t (1 + i_t / 2)"), styles.FACTOR, 14,
          lambda L, r: f"={L['discount_end']}{r}*(1+{L['investment_return']}{r}/2)"),
    ]
    return cols


def money_view_columns(prices: Any, with_gdp: bool) -> list[ProjectionColumn]:
    """The columns a reader of money wants, after the others (:mod:`actuary.reports.money`).

    In constant prices: the price index ``P_t`` (an input, the valuation year = 1) and the
    reserve, contributions and expenditure divided by it. Then the set's exchange rate (an
    input) and the reserve in USD (in the table's prices: nominal at each year's rate,
    constant at the valuation year's), and the reserve as a share of GDP.
    """
    C = ProjectionColumn
    cols: list[ProjectionColumn] = []
    reserve = "reserve_end"
    if prices.constant:
        y0 = prices.base_year
        cols.append(C("price_index", T("Price index P_t (CPI, {year} = 1)", year=y0), "0.0000",
                      11))
        for key, name, src in (("reserve_real", T("Reserve F_t / P_t"), "reserve_end"),
                               ("contributions_real", T("Contributions C_t / P_t"),
                                "contributions"),
                               ("expenditure_real", T("Expenditure B_t / P_t"), "expenditure")):
            cols.append(C(key, T("{name} (constant {year} KHR bn)", name=name, year=y0),
                          styles.KHR_BN, 16,
                          lambda L, r, src=src: f"={L[src]}{r}/{L['price_index']}{r}"))
        reserve = "reserve_real"
    if prices.exchange is not None:
        rate = (T("Exchange rate (KHR per USD of {year})", year=prices.base_year)
                if prices.constant else T("Exchange rate (KHR per USD)"))
        cols.append(C("exchange_rate", rate, "#,##0", 11))
        cols.append(C("reserve_usd", T("Reserve F_t (USD m)")
                      + (T(", constant {year} prices", year=prices.base_year)
                         if prices.constant else ""),
                      "#,##0.0,,", 15,
                      lambda L, r: f'=IF({L["exchange_rate"]}{r}>0,'
                                   f'{L[reserve]}{r}/{L["exchange_rate"]}{r},"")'))
    if with_gdp:
        cols.append(C("reserve_pct_gdp", T("Reserve, share of GDP = F_t / GDP"), styles.RATE, 12,
                      lambda L, r: f'=IF({L["gdp"]}{r}>0,{L["reserve_end"]}{r}/{L["gdp"]}{r},"")'))
    return cols


@dataclass
class ProjectionLayout:
    """Where everything is on the Projection sheet, for formulas and charts elsewhere."""

    columns: dict[str, int]
    years: list[int]
    sheet: str = SHEET
    formula_keys: list[str] = field(default_factory=list)

    @property
    def first_row(self) -> int:
        """Row of the first projection year."""
        return START_ROW + 1

    @property
    def last_row(self) -> int:
        """Row of the last projection year."""
        return START_ROW + len(self.years)

    def letter(self, key: str) -> str:
        """Column letter of ``key``."""
        return get_column_letter(self.columns[key])

    def row(self, year: int) -> int:
        """Row of calendar year ``year``."""
        return self.first_row + self.years.index(int(year))

    def ref(self, key: str, year: int) -> str:
        """Absolute reference from another sheet, e.g. ``Projection!$Y$15``."""
        return f"{self.sheet}!${self.letter(key)}${self.row(year)}"

    def start_ref(self, key: str) -> str:
        """Absolute reference of the valuation-date cell of ``key`` (F_0, v_0)."""
        return f"{self.sheet}!${self.letter(key)}${START_ROW}"

    def span(self, key: str, n: int, skip: int = 0) -> str:
        """Absolute range of ``key`` over projection years ``skip+1 .. skip+n``."""
        a, b = self.first_row + skip, self.first_row + skip + n - 1
        col = self.letter(key)
        return f"{self.sheet}!${col}${a}:${col}${b}"


def _input_values(result: Any, key: str, prices: Any = None) -> np.ndarray:
    if key in ("admin_rate", "collection"):
        return np.asarray(getattr(result.cash, key), dtype=float)
    years = result.yearly["year"].to_numpy()
    if key == "price_index":
        return np.array([1.0 / prices.factor(int(y)) for y in years])
    if key == "exchange_rate":
        return np.array([prices.usd_rate(int(y)) for y in years], dtype=float)
    return result.yearly[key].to_numpy()


def write_projection(ws: Worksheet, result: Any, prices: Any = None) -> ProjectionLayout:
    """Fill the Projection sheet from ``result.yearly`` and return its layout; with
    ``prices`` (:class:`actuary.reports.money.Prices`) also the columns of
    :func:`money_view_columns` (constant prices, USD, share of GDP)."""
    yearly: pd.DataFrame = result.yearly
    cash = getattr(result, "cash", None)
    with_admin = cash is not None and getattr(cash, "admin_rate", None) is not None
    with_collection = cash is not None and getattr(cash, "collection", None) is not None
    cols = projection_columns(with_admin, "gdp" in yearly.columns, with_collection,
                              rate_path_of(result))
    if prices is not None:
        cols += money_view_columns(prices, "gdp" in yearly.columns)
    layout = ProjectionLayout(columns={c.key: j + 1 for j, c in enumerate(cols)},
                              years=[int(y) for y in yearly["year"]])
    L = {c.key: layout.letter(c.key) for c in cols}
    constant = prices is not None and prices.constant
    put_title(ws, T("Projection: people and money year by year (billions of nominal KHR of each "
                    "year; constant {year} KHR at the right)", year=prices.base_year)
              if constant else T("Projection: people and money year by year (billions of "
                                 "nominal KHR of each year)"),
              T("Shaded columns are projected numbers; white columns are live formulas over "
                "them (see each header). Money shows in billions of KHR (KHR bn); each cell holds "
                "the exact riel. Row 5 holds the reserve F_0 and the factor v_0 = 1 at "
                "the valuation date. Counts are on 1 January; money flows over the year, "
                "mid-year on average.") + " "
              + (T("At the right: the reserve in USD at the set's exchange rate and as a share "
                   "of GDP, and money in constant prices (divided by the set's CPI index P_t).")
                 if constant else T("At the right: the reserve in USD at the set's exchange "
                                    "rate and as a share of GDP.")))
    for j, c in enumerate(cols, start=1):
        put(ws, KEY_ROW, j, c.key, font=styles.KEY)
        put(ws, HEADER_ROW, j, c.header)
        ws.column_dimensions[get_column_letter(j)].width = c.width
    styles.style_header(ws, HEADER_ROW, 1, len(cols))
    ws.row_dimensions[HEADER_ROW].height = 62

    first_year = layout.years[0]
    put(ws, START_ROW, 1, T("Valuation date, 1 Jan {year}: reserve F_0 and v_0 = 1", year=first_year),
        font=styles.NOTE)
    reserve0 = cash.reserve0 if cash is not None else result.summary["reserve0"]
    put(ws, START_ROW, layout.columns["reserve_end"], float(reserve0), styles.KHR_BN,
        fill=styles.INPUT_FILL)
    put(ws, START_ROW, layout.columns["discount_end"], 1.0, styles.FACTOR,
        fill=styles.INPUT_FILL)

    inputs = {c.key: _input_values(result, c.key, prices) for c in cols if c.formula is None}
    for t in range(len(layout.years)):
        r = layout.first_row + t
        for j, c in enumerate(cols, start=1):
            if c.formula is None:
                put(ws, r, j, inputs[c.key][t], c.fmt, fill=styles.INPUT_FILL)
            else:
                put_formula(ws, r, j, c.formula(L, r), c.fmt)
    layout.formula_keys = [c.key for c in cols if c.formula is not None]
    ws.freeze_panes = ws.cell(row=START_ROW, column=2)
    return layout
