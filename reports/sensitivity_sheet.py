"""The Sensitivity sheet: every one-at-a-time test and shock, and a tornado chart.

The table has one row per test (the base first); the changes from the base are live
formulas (``test - base``). To its right, the sensitivity tests ranked by the size of
their change in the GAP (:func:`actuary.analysis.sensitivity.ranking`), each change a
link to the table, and a native Excel bar chart over that ranking: the tornado, the
largest bar on top.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from actuary.analysis.sensitivity import ranking

from . import styles
from .i18n import N_, T, T_known
from .cells import put, put_formula, put_title
from .sensitivity_names import kind_of_test, name_of_test

__all__ = ["write_sensitivity", "SENSITIVITY_HEADER_ROW", "TORNADO_TITLE", "RANKING_COL"]

SENSITIVITY_HEADER_ROW = 4
TORNADO_TITLE = N_("Change in the GAP by sensitivity test, largest first")
#: First column of the ranked table beside the main one.
RANKING_COL = 13

_COLUMNS = [("test", N_("Test"), None, 34), ("kind", N_("Kind"), None, 11),
            ("assumption", N_("Assumption tested"), None, 22),
            ("description", N_("What changes"), None, 50),
            ("gap_horizon", N_("GAP horizon (years)"), "0", 10), ("gap", N_("GAP"), styles.RATE, 11),
            ("gap_change", N_("Change in GAP"), styles.RATE, 11),
            ("depletion_year", N_("Depletion year"), styles.YEAR, 11),
            ("depletion_change_years", N_("Change (years)"), "0", 10),
            ("reserve_ratio_year_10", N_("Reserve ratio, year 10"), styles.RATIO, 12),
            ("reserve_ratio_change", N_("Change in reserve ratio"), styles.RATIO, 12)]
_CHANGES = {"gap_change": "gap", "depletion_change_years": "depletion_year",
            "reserve_ratio_change": "reserve_ratio_year_10"}


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _table(ws: Worksheet, frame: pd.DataFrame) -> dict[str, int]:
    """The main table; returns the column of each field."""
    cols = [c for c in _COLUMNS if c[0] in frame.columns or c[0] in _CHANGES]
    col = {key: j for j, (key, *_x) in enumerate(cols, start=1)}
    top = SENSITIVITY_HEADER_ROW
    for j, (_key, header, _fmt, width) in enumerate(cols, start=1):
        put(ws, top, j, T(header))
        ws.column_dimensions[get_column_letter(j)].width = width
    styles.style_header(ws, top, 1, len(cols))
    base_rows = [i for i, t in enumerate(frame["test"]) if t == "base"]
    base = top + 1 + (base_rows[0] if base_rows else 0)
    for i, rec in enumerate(frame.to_dict("records")):
        r = top + 1 + i
        for key, _h, fmt, _w in cols:
            value = rec.get(key)
            if key in _CHANGES:
                src = get_column_letter(col[_CHANGES[key]])
                if not _blank(value) and key in frame.columns:
                    put_formula(ws, r, col[key], f"={src}{r}-{src}${base}", fmt)
                continue
            if key == "depletion_year" and _blank(value):
                value = T("none")
            elif key == "test":
                value = name_of_test(value)
            elif key == "kind":
                value = kind_of_test(value)
            elif key == "assumption":
                value = T_known(value) if isinstance(value, str) else value
            put(ws, r, col[key], value, fmt)
    return col


def _tornado(ws: Worksheet, frame: pd.DataFrame, col: dict[str, int]) -> None:
    """The ranked table beside the main one and the bar chart over it."""
    ranked = ranking(frame.reset_index(drop=True))
    if ranked.empty or "gap_change" not in col:
        return
    top = SENSITIVITY_HEADER_ROW
    left = RANKING_COL
    change = get_column_letter(col["gap_change"])
    put(ws, top - 1, left, T("Ranked by the size of the change in the GAP"), font=styles.SECTION)
    for j, (header, width) in enumerate(((T("Rank"), 6), (T("Test"), 30),
                                         (T("Assumption tested"), 22),
                                         (T("Change in GAP"), 12)), start=left):
        put(ws, top, j, header)
        ws.column_dimensions[get_column_letter(j)].width = width
    styles.style_header(ws, top, left, left + 3)
    for k, (i, rec) in enumerate(ranked.iterrows(), start=1):
        r = top + k
        put(ws, r, left, k, "0")
        put(ws, r, left + 1, name_of_test(rec["test"]))
        put(ws, r, left + 2, T_known(str(rec["assumption"])))
        put_formula(ws, r, left + 3, f"={change}{top + 1 + int(i)}", styles.RATE)
    n = len(ranked)
    chart = BarChart()
    chart.type = "bar"  # horizontal bars
    chart.title = T(TORNADO_TITLE)
    chart.y_axis.title = T("change in the GAP (share of insurable earnings)")
    chart.y_axis.number_format = "0.0%"
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # names left of the bars, whatever their sign
    chart.legend = None
    chart.add_data(Reference(ws, min_col=left + 3, min_row=top, max_row=top + n),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=left + 1, min_row=top + 1, max_row=top + n))
    chart.width, chart.height = 22.0, max(8.0, 0.6 * n + 3.0)
    ws.add_chart(chart, f"{get_column_letter(left)}{top + n + 3}")


def write_sensitivity(ws: Worksheet, result: Any) -> None:
    """One row per test; the changes from the base (first row) are live formulas; the
    ranking and the tornado chart beside them."""
    frame: pd.DataFrame = result.sensitivity
    put_title(ws, T("Sensitivity: one assumption at a time, and shocks"),
              T("Each test changes one assumption of the set (or stresses the base with a "
              "shock) and projects again. Changes are test minus base (live formulas). The "
              "tests and shocks are data: the set's own lists or the shipped defaults."))
    if frame is None or frame.empty:
        put(ws, SENSITIVITY_HEADER_ROW, 1, T("No sensitivities were run for this valuation "
            "(valuate(..., sensitivities=False))."), font=styles.NOTE)
        return
    col = _table(ws, frame)
    _tornado(ws, frame, col)
    ws.freeze_panes = ws.cell(row=SENSITIVITY_HEADER_ROW + 1, column=2)
