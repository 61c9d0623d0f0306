"""The Designs sheet of the comparison workbook: what each design adds to the standard
columns, year by year (numbers from the Python result).

* a public-sector transition or new-entrants design: the status quo's budget cost, the
  transition cost and its split into the change of financing and of the benefit formula,
  the gross-up, each scheme's money (:mod:`actuary.schemes.public_sector`);
* a groups design: each group's budget cost (:mod:`actuary.schemes.public_groups`);
* a multi-tier design: each tier's cost, the tier-2 accounts (contributions, charges,
  returns, annuities by sex, assets and their share of GDP) and the elderly covered by
  each tier and by none (:mod:`actuary.schemes.tiers`);
* a self-employed design: the eligible, the net rate asked, the equilibrium and actual
  take-up (:mod:`actuary.schemes.self_employed_design`).

One block of columns per design, in the order of the comparison; row 3 holds the key of
each column (``<scenario>|<column>``). Shares of GDP are written as fractions in a
percentage format; counts as whole numbers; money in KHR.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .i18n import T, T_known, current, labels
from .cells import put, put_title

__all__ = ["design_columns", "write_designs_sheet"]

_STANDARD = {"year", "active", "pensioners", "insurable_earnings", "contributions", "benefits",
             "expenditure", "investment_return", "reserve_end", "payg_cost_rate",
             "reserve_ratio", "budget_contributions", "budget_deficit", "budget_cost", "gdp",
             "budget_cost_pct_gdp"}
_COUNTS = ("active", "pensioners", "elderly", "annuitants", "contributors", "eligible",
           "population_aged")
_SHARES = ("take_up", "net_rate", "equilibrium", "contributors_cost_share")


def design_columns(scenario: Any) -> pd.DataFrame:
    """The yearly columns a design adds (empty for an assumption set): its own yearly
    table's extra columns, and the multi-tier or self-employed parts' tables."""
    y = scenario.yearly
    out = pd.DataFrame({"year": y["year"].to_numpy()})
    for col in y.columns:
        if col not in _STANDARD:
            out[col] = y[col].to_numpy()
    tiers = scenario.parts.get("multi_tier")
    if tiers is not None:
        for col in tiers.yearly.columns:
            if col != "year" and col not in out.columns and col not in _STANDARD:
                out[col] = tiers.yearly[col].to_numpy()
    own = scenario.parts.get("self_employed")
    if own is not None:
        t = own.take_up.iloc[:len(out)]
        for col in ("eligible", "net_rate", "equilibrium", "take_up", "contributors"):
            out[col] = t[col].to_numpy()
    return out if out.shape[1] > 1 else out.iloc[:, :0]


def _format(col: str) -> tuple[str, float]:
    """Number format and scale of a column, by its name."""
    if col.endswith("pct_gdp"):
        return styles.RATE, 0.01
    if col.startswith(_SHARES) or col.endswith("_share"):
        return styles.RATE, 1.0
    if col.startswith(_COUNTS) or col.split("|")[-1].startswith(_COUNTS):
        return styles.COUNT, 1.0
    return styles.KHR_BN, 1.0  # money: the cell keeps the KHR, shown in billions


def _column_label(col: str) -> str:
    """A design's column name as a header: its words; in Khmer from the catalogue, a
    part's prefix (legacy, new, tier 0-2) and the rest translated apart when the whole
    is not there (a name not in the catalogue stays as it is)."""
    text = col.replace("_", " ")
    if current() == "en" or text in labels():
        return T_known(text)
    head, _, rest = text.partition(" ")
    if head in ("legacy", "new", "tier0", "tier1", "tier2") and rest in labels():
        return f"{T_known(head)} {T_known(rest)}"
    return text


def write_designs_sheet(ws: Worksheet, comparison: Any, key_row: int, header_row: int,
                        first_row: int) -> dict[tuple[str, str], int]:
    """Fill the Designs sheet; returns the column of each (scenario, column)."""
    put_title(ws, T("Designs: what each design adds, year by year"),
              T("Transition cost and its split, groups, tiers, take-up. Shares of GDP as "
                "percentages, money in nominal KHR, counts on 1 January. Numbers from the "
                "Python result (keys in row 3)."))
    if all(design_columns(sc).empty for sc in comparison.scenarios):
        # no column of years under nothing: it printed as pages of bare years
        put(ws, header_row, 1, T("No design among the scenarios: every one is an assumption set."))
        return {}
    put(ws, key_row, 1, "year", font=styles.KEY)
    put(ws, header_row, 1, T("Year"))
    ws.column_dimensions["A"].width = 8
    cols: dict[tuple[str, str], int] = {}
    c = 2
    years = [int(v) for v in comparison.scenarios[0].yearly["year"]]
    for t, year in enumerate(years):
        put(ws, first_row + t, 1, year, styles.YEAR)
    for sc in comparison.scenarios:
        extra = design_columns(sc)
        if extra.empty:
            continue
        for col in extra.columns[1:]:
            fmt, scale = _format(col)
            cols[(sc.name, col)] = c
            put(ws, key_row, c, f"{sc.name}|{col}", font=styles.KEY)
            unit = f" ({T('KHR bn')})" if fmt == styles.KHR_BN else ""
            put(ws, header_row, c, f"{sc.name}: {_column_label(col)}{unit}")
            ws.column_dimensions[get_column_letter(c)].width = 16
            for t, v in enumerate(extra[col].iloc[:len(years)]):
                value = None if v is None or v != v else float(v) * scale
                put(ws, first_row + t, c, value, fmt)
            c += 1
    if not cols:
        put(ws, first_row, 2, T("No design among the scenarios: every one is an assumption set."))
    styles.style_header(ws, header_row, 1, max(c - 1, 1))
    ws.row_dimensions[header_row].height = 75
    ws.freeze_panes = ws.cell(row=first_row, column=2)
    return cols
