"""Every formula of the workbook, computed by LibreOffice, against the Python values.

openpyxl stores formulas without cached values, so LibreOffice computes every one when
it loads the file; converting to .xlsx writes the computed values, which openpyxl
reads back (``data_only=True``). Each formula cell is matched to the Python value it
should equal through the sheet's own keys (Projection row 3, the key columns of the
Indicators and Summary sheets, the Sensitivity headers); a formula cell with no
expected value fails the test, so none goes unchecked.

Tolerance: 1e-9 relative. For the reserve and investment income, which are sums of
terms of either sign, "relative" is to the size of the terms of that year
(max |F_t-1|, |C_t|, |B_t|), so a reserve crossing zero is held to the same standard.

Skipped only when LibreOffice (``soffice``) is not installed; CI installs it.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_workbook import (  # noqa: E402
    INJECTED,
    constant_usd,
    projection_expected,
    projection_keys,
    resolve_key,
    shipped_valuation,
    synthetic_result,
    year_rows,
)

from libreoffice import SOFFICE, formula_problems  # noqa: E402
from test_financing import financing_expected, live_cash_flows  # noqa: E402

from actuary.reports import write_valuation_workbook  # noqa: E402
from actuary.reports.indicators_sheet import GDP_COL, KEY_COL, USD_COL  # noqa: E402
from actuary.reports.summary_sheet import HEADLINE_KEY_COL  # noqa: E402

pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) is not installed: it computes the workbook's "
    "formulas for this check (CI installs libreoffice-calc-nogui)")
REL = 1e-9
KEY_PREFIXES = ("summary.", "yearly.", "by_sex.", "careers.", "scaled[", "constant.")
#: Keys of the Indicators sheet's money rows (USD and share-of-GDP columns beside them).
MONEY_KEY = re.compile(r"(?:yearly|constant)\.(reserve_end|contributions|expenditure)\[(\d+)\]")


def indicator_money(ws, r: int, key: str, value: float, result) -> dict:
    """Expected USD and share of GDP of Indicators row ``r`` (a money row, by its key):
    the value in the sheet's prices over 4,100 KHR per USD (the default set's rate, held:
    the same for each year's and the valuation year's rate), and the NOMINAL amount of the
    year over that year's GDP (F_0: the first year's GDP); none for other rows."""
    y = result.yearly.set_index("year")
    if key == "summary.reserve0":
        year, nominal = int(y.index[0]), float(result.summary["reserve0"])
    elif m := MONEY_KEY.fullmatch(key):
        year, nominal = int(m[2]), float(y.loc[int(m[2]), m[1]])
    else:
        return {}
    out = {("Indicators", ws.cell(row=r, column=USD_COL).coordinate): (value / 4100.0, 0.0)}
    if "gdp" in y.columns:
        out[("Indicators", ws.cell(row=r, column=GDP_COL).coordinate)] = (
            nominal / float(y.loc[year, "gdp"]), 0.0)
    return out


def expected_values(book: openpyxl.Workbook, result, constant: bool = False
                    ) -> dict[tuple[str, str], tuple[float, float]]:
    """(sheet, cell) -> (expected value, scale for the tolerance) of every keyed cell (of a
    workbook in ``constant`` prices or nominal)."""
    out: dict[tuple[str, str], tuple[float, float]] = {}
    ws = book["Projection"]
    keys, rows = projection_keys(ws), year_rows(ws)
    exp = projection_expected(result)
    y = result.yearly
    opening = np.concatenate([[result.summary["reserve0"]], y["reserve_end"].to_numpy()[:-1]])
    terms = np.maximum.reduce([np.abs(opening), y["contributions"].abs().to_numpy(),
                               y["expenditure"].abs().to_numpy()])
    deflator = 1.03 ** np.arange(len(y))  # the default set's 3% inflation
    if constant:
        exp["reserve_usd"] = constant_usd(result)
    # the reserve's views are as near zero as the reserve: the same scale, in their units
    scales = {"reserve_end": terms, "investment_income": terms, "reserve_real": terms / deflator,
              "reserve_usd": terms / (deflator if constant else 1.0) / 4100.0}
    if "gdp" in y.columns:
        scales["reserve_pct_gdp"] = terms / y["gdp"].to_numpy(dtype=float)
    for key, col in keys.items():
        if key not in exp:
            continue
        for t, r in enumerate(rows.values()):
            scale = scales[key][t] if key in scales else 0.0
            out[("Projection", ws.cell(row=r, column=col).coordinate)] = (exp[key][t], scale)
    for sheet, value_col, key_col in (("Indicators", 4, KEY_COL), ("Summary", 2, HEADLINE_KEY_COL)):
        ws = book[sheet]
        for r in range(1, ws.max_row + 1):
            key = ws.cell(row=r, column=key_col).value
            if isinstance(key, str) and key.startswith(KEY_PREFIXES):
                value = resolve_key(result, key)
                out[(sheet, ws.cell(row=r, column=value_col).coordinate)] = (value, 0.0)
                if sheet == "Indicators":
                    out.update(indicator_money(ws, r, key, value, result))
    ws = book["Sensitivity"]
    header = {ws.cell(row=4, column=c).value: c for c in range(1, ws.max_column + 1)}
    columns = {"Change in GAP": "gap_change", "Change (years)": "depletion_change_years",
               "Change in reserve ratio": "reserve_ratio_change"}
    for title, field in columns.items():
        if title not in header:
            continue
        for i, value in enumerate(result.sensitivity[field]):
            out[("Sensitivity", ws.cell(row=5 + i, column=header[title]).coordinate)] = (value, 0.0)
    # the live financing layer at the valuation's own inputs (tests/reports/test_financing.py
    # changes them)
    cash = result.cash
    out.update(financing_expected(result, live_cash_flows(
        result, result.yearly["contribution_rate"].to_numpy(), cash.interest, cash.admin_rate),
        constant))
    return out


def _missing(v) -> bool:
    if isinstance(v, str):
        return False
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def check_every_formula(path: Path, result, tmp: Path, constant: bool = False
                        ) -> tuple[int, openpyxl.Workbook]:
    """Number of formula cells checked, and the workbook of computed values."""

    def agrees(expected: tuple[float, float], got) -> bool:
        want, scale = expected
        if isinstance(want, str):
            return got == want
        if _missing(want):
            return _missing(got)
        want = float(want)
        return isinstance(got, (int, float)) and abs(got - want) <= REL * max(abs(want), scale)

    checked, problems, computed = formula_problems(
        path, tmp, lambda book: expected_values(book, result, constant), agrees)
    assert not problems, f"{len(problems)} of {checked} formulas differ, e.g. {problems[:5]}"
    return checked, computed


def test_libreoffice_computes_every_formula_as_python(tmp_path):
    # in constant prices: their columns are checked here, the nominal ones on the shipped
    # valuation below
    result = synthetic_result()
    path = write_valuation_workbook(result, tmp_path / "valuation.xlsx", prices="constant")
    checked, computed = check_every_formula(path, result, tmp_path, constant=True)
    assert checked >= 11 * len(result.yearly) + 10  # 11 derived columns a year, indicators
    # text that looked like a formula came through LibreOffice as text
    texts = {c.value for ws in computed for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}
    assert INJECTED in texts and "=1+2" in texts


def test_libreoffice_shipped_valuation(tmp_path):
    # Without the sensitivities (their change formulas are checked on the synthetic
    # result above): keeps this file fast.
    result = shipped_valuation(sensitivities=False)
    path = write_valuation_workbook(result, tmp_path / "shipped.xlsx")
    checked, _computed = check_every_formula(path, result, tmp_path)
    assert checked >= 11 * len(result.yearly) + 10
