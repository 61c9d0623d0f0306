"""What each formula of the analysis-of-change workbook's Change sheet must give, computed
here from the result's states by hand (for the LibreOffice tests).

Money in the workbook's prices: nominal, or constant KHR of the current valuation year,
a state measured at an earlier year multiplied by ``growth`` (given by the test: 1.03 a
year for the default set's 3% inflation). USD: the amount in the sheet's prices over
4,100 KHR per USD (the default set's rate, held); share of GDP: the nominal amount over
the state's GDP input (the block's).
"""

from __future__ import annotations

import math

from actuary.reports.change_money import MONEY_ROWS
from actuary.reports.change import shown_label
from actuary.studies.change import INDICATORS

RATE = 4100.0


def change_expected(book, result, growth: float = 1.0) -> dict:
    """(sheet, cell) -> expected value of every formula of the Change sheet."""
    ws = book["Change"]
    n = len(result.order)
    y1 = result.states[-1]["money"]["year"]

    def level(k: int, key: str) -> float:
        s = result.states[k]
        f = growth if s["money"]["year"] < y1 else 1.0
        return float(s[key]) * f

    def view(k: int, key: str, what: str) -> float:
        if what == "khr":
            return level(k, key)
        if what == "usd":
            return level(k, key) / RATE
        s = result.states[k]
        return float(s[key]) / s["money"]["gdp"]

    labels = {shown_label(lab, kind): (key, "khr") for key, lab, kind in INDICATORS}
    for key, (usd, gdp) in MONEY_ROWS.items():
        labels[usd], labels[gdp] = (key, "usd"), (key, "gdp")
    totals = {}
    for key, _lab, kind in INDICATORS:
        if kind == "khr":
            totals[key] = level(len(result.states) - 1, key) - level(0, key)
        else:
            totals[key] = result.total(key)
    block = next(r for r in range(1, ws.max_row + 1)
                 if str(ws.cell(r, 1).value).startswith("The states' money"))
    out = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type != "f":
                continue
            key, what = labels[ws.cell(cell.row, 1).value]
            c = cell.column
            if cell.row > block:  # the states' block: state k in column 2 + k
                want = view(c - 2, key, what)
            elif what == "khr":  # an indicator's sum of the steps
                want = totals[key]
            elif c == 2:
                want = view(0, key, what)
            elif c <= 2 + n:
                want = view(c - 2, key, what) - view(c - 3, key, what)
            elif c == 3 + n:
                want = view(n, key, what)
            else:  # the total and the sum of the steps
                want = view(n, key, what) - view(0, key, what)
            out[("Change", cell.coordinate)] = want
    return out


def agrees(want, got) -> bool:
    """1e-9 relative (to 1 for small values)."""
    if want is None or (isinstance(want, float) and math.isnan(want)):
        return got is None
    return isinstance(got, (int, float)) and abs(got - want) <= 1e-9 * max(1.0, abs(want))
