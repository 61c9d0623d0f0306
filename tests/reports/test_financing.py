"""The live financing layer (Financing sheet): change the named inputs in the file,
recalculate in LibreOffice, compare with Python.

The Python side is :mod:`actuary.analysis.indicators` on the projection's own earnings,
collection and benefits with the new contribution rate, return and expense rate
(:meth:`CashFlows.with_rate`): an independent computation of the same definitions.
Tolerance 1e-9 relative; the reserve and investment income relative to the size of
that year's terms (max |F_t-1|, |C_t|, |B_t|), as in test_workbook_libreoffice.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import SOFFICE, recalculate  # noqa: E402
from test_workbook import synthetic_result  # noqa: E402

from actuary.analysis import indicators as ind  # noqa: E402
from actuary.reports import write_valuation_workbook  # noqa: E402
from actuary.reports.financing_sheet import (  # noqa: E402
    COLUMNS, FINANCING_SHEET, FIRST_ROW, INPUT_NAMES, SCALAR_ROWS, START_ROW)

REL = 1e-9
_COL = {key: j for j, (key, *_r) in enumerate(COLUMNS, start=1)}


def live_cash_flows(result, rate, ret, admin) -> ind.CashFlows:
    """The valuation's cash flows with another rate, return and expense rate."""
    cf = dataclasses.replace(result.cash, interest=np.asarray(ret, dtype=float),
                             admin_rate=np.asarray(admin, dtype=float))
    return cf.with_rate(np.asarray(rate, dtype=float))


def financing_expected(result, cf: ind.CashFlows, constant: bool = False
                       ) -> dict[tuple[str, str], tuple]:
    """(sheet, cell) -> (expected value, scale) of every formula of the Financing sheet
    (of a workbook in ``constant`` prices or nominal)."""
    T = len(cf.years)
    reserve = ind.reserve_path(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
    income = ind.investment_income(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
    opening = np.concatenate([[cf.reserve0], reserve[:-1]])
    terms = np.maximum.reduce([np.abs(opening), np.abs(cf.contributions),
                               np.abs(cf.expenditure)])
    v, u = ind.discount_factors(cf.interest)
    collection = cf.collection if cf.collection is not None else np.ones(T)
    values = {
        "year": cf.years, "earnings": cf.earnings, "collection": collection,
        "benefits": cf.benefits, "fixed_admin": np.zeros(T),
        "contributions": cf.contributions, "admin": cf.expenditure - cf.benefits,
        "expenditure": cf.expenditure, "income": income, "reserve": reserve,
        "reserve_ratio": ind.reserve_ratio(reserve, cf.expenditure),
        "payg": ind.payg_cost_rate(cf.expenditure, cf.earnings), "v": v, "u": u,
        "depleted": np.where(reserve < 0, cf.years, np.nan),
    }
    # the reserve's money views (after COLUMNS): the default set's 4,100 KHR per USD, the
    # year's GDP; in constant prices F_t / 1.03^t (3% inflation, valuation year = 1)
    gdp = result.yearly["gdp"].to_numpy(dtype=float)
    deflator = 1.03 ** np.arange(T) if constant else np.ones(T)
    views = {"reserve_real": reserve / deflator, "reserve_usd": reserve / deflator / 4100.0,
             "reserve_pct_gdp": reserve / gdp}
    col = dict(_COL)
    extra = ["reserve_real"] if constant else []
    for j, key in enumerate(extra + ["reserve_usd", "reserve_pct_gdp"], start=len(COLUMNS) + 1):
        col[key] = j
        values[key] = views[key]
    L = openpyxl.utils.get_column_letter
    out = {}
    for key, series in values.items():
        # sums of terms of either sign: relative to the terms, in the column's units
        scale = {"income": terms, "reserve": terms, "reserve_real": terms / deflator,
                 "reserve_usd": terms / deflator / 4100.0,
                 "reserve_pct_gdp": terms / gdp}.get(key, np.zeros(T))
        for t in range(T):
            out[(FINANCING_SHEET, f"{L(col[key])}{FIRST_ROW + t}")] = (series[t], scale[t])
    out[(FINANCING_SHEET, f"{L(col['reserve'])}{START_ROW}")] = (cf.reserve0, 0.0)
    dep = ind.depletion(cf)["year"]
    out[(FINANCING_SHEET, f"B{SCALAR_ROWS['depletion_year']}")] = (
        dep if dep is not None else "none within the projection", 0.0)
    out[(FINANCING_SHEET, f"B{SCALAR_ROWS['gap_75']}")] = (ind.general_average_premium(cf, 75),
                                                          0.0)
    out[(FINANCING_SHEET, f"B{SCALAR_ROWS['actuarial_balance_75']}")] = (
        ind.actuarial_balance(cf, 75), 0.0)
    return out


def agrees(expected, got) -> bool:
    want, scale = expected
    if isinstance(want, str):
        return got == want
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got is None or got == ""
    return isinstance(got, (int, float)) and abs(got - float(want)) <= REL * max(abs(want), scale)


def _range(book, name: str):
    (sheet, ref), = book.defined_names[name].destinations
    return [row[0] for row in book[sheet][ref.replace("$", "")]]


def test_inputs_are_named_unlocked_and_the_rest_protected(tmp_path):
    result = synthetic_result()
    book = openpyxl.load_workbook(write_valuation_workbook(result, tmp_path / "v.xlsx"))
    ws = book[FINANCING_SHEET]
    assert ws.protection.sheet
    T = len(result.yearly)
    for name in INPUT_NAMES:
        cells = _range(book, name)
        assert len(cells) == T
        assert all(not c.protection.locked and c.data_type == "n" for c in cells)
    assert np.allclose([c.value for c in _range(book, "ContributionRate")],
                       result.yearly["contribution_rate"].to_numpy(), rtol=1e-14, atol=0)
    assert len(_range(book, "Reserve")) == T
    (sheet, ref), = book.defined_names["DepletionYear"].destinations
    assert book[sheet][ref.replace("$", "")].data_type == "f"
    locked = [c for row in ws.iter_rows(min_row=FIRST_ROW) for c in row
              if c.column not in (2, 3, 4) and c.value is not None]
    assert locked and all(c.protection.locked for c in locked)
    assert "do not respond to the rate" in ws["A2"].value


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice recalculates the workbook "
                    "(CI installs libreoffice-calc-nogui)")
def test_changed_named_inputs_move_reserve_and_depletion_as_python(tmp_path):
    result = synthetic_result()
    path = write_valuation_workbook(result, tmp_path / "v.xlsx")
    book = openpyxl.load_workbook(path)
    T = len(result.yearly)
    years = np.arange(T)
    rate = result.yearly["contribution_rate"].to_numpy() - 0.01 + 0.0001 * years
    ret = np.asarray(result.cash.interest) - 0.005
    admin = np.asarray(result.cash.admin_rate) * 1.5
    for name, values in zip(INPUT_NAMES, (rate, ret, admin)):
        for cell, x in zip(_range(book, name), values):
            cell.value = float(x)
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    computed = openpyxl.load_workbook(recalculate(changed, tmp_path), data_only=True)
    cf = live_cash_flows(result, rate, ret, admin)
    want = financing_expected(result, cf)
    problems = [(k, computed[k[0]][k[1]].value, w) for k, w in want.items()
                if not agrees(w, computed[k[0]][k[1]].value)]
    assert not problems, problems[:5]
    # every formula of the sheet was checked
    formulas = {(FINANCING_SHEET, c.coordinate) for row in book[FINANCING_SHEET].iter_rows()
                for c in row if c.data_type == "f"}
    assert formulas == set(want)
    # the depletion year moved with the inputs (2058 at the valuation's own rates)
    base = result.summary["depletion_year"]
    (sheet, ref), = computed.defined_names["DepletionYear"].destinations
    moved = computed[sheet][ref.replace("$", "")].value
    assert moved == ind.depletion(cf)["year"] and moved != base
