"""The Sensitivity sheet's ranking and tornado chart, and the five most influential
assumptions on the Summary, read back with openpyxl."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_workbook import synthetic_result  # noqa: E402

from actuary.reports import write_valuation_workbook  # noqa: E402
from actuary.reports.sensitivity_sheet import RANKING_COL, SENSITIVITY_HEADER_ROW, TORNADO_TITLE  # noqa: E402
from actuary.reports.summary_sheet import HEADLINE_KEY_COL, INFLUENTIAL_TITLE  # noqa: E402

ROWS = [  # test, kind, assumption, gap
    ("base", "base", "", 0.10),
    ("return -1", "sensitivity", "investment return", 0.12),
    ("return +1", "sensitivity", "investment return", 0.085),
    ("frozen", "sensitivity", "floor and ceiling", 0.18),
    ("credits none", "sensitivity", "transitional credits", 0.095),
    ("density", "sensitivity", "contribution density", 0.101),
    ("mortality", "sensitivity", "mortality", 0.104),
    ("exit", "sensitivity", "exit and re-entry", 0.0985),
    ("crisis", "shock", "shock", 0.5),
]


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    result = synthetic_result(sensitivity=False)
    result.sensitivity = pd.DataFrame([
        {"test": t, "kind": k, "assumption": a, "description": "d", "gap_horizon": 75, "gap": g,
         "gap_change": g - 0.10, "depletion_year": None, "depletion_change_years": None,
         "reserve_ratio_year_10": 5.0, "reserve_ratio_change": 0.0} for t, k, a, g in ROWS])
    path = write_valuation_workbook(result, tmp_path_factory.mktemp("s") / "s.xlsx")
    return openpyxl.load_workbook(path)


def test_ranking_is_by_the_size_of_the_change_with_links_to_the_table(book):
    ws = book["Sensitivity"]
    header = {ws.cell(row=SENSITIVITY_HEADER_ROW, column=c).value: c for c in range(1, 12)}
    ranked = [ws.cell(row=SENSITIVITY_HEADER_ROW + k, column=RANKING_COL + 1).value
              for k in range(1, 8)]
    # |change|: frozen 8, return -1 2, return +1 1.5, exit 0.15 ... shocks left out
    assert ranked == ["frozen", "return -1", "return +1", "credits none", "mortality", "exit",
                      "density"]
    assert ws.cell(row=SENSITIVITY_HEADER_ROW + 8, column=RANKING_COL + 1).value is None
    letter = openpyxl.utils.get_column_letter(header["Change in GAP"])
    frozen_row = SENSITIVITY_HEADER_ROW + 1 + [r[0] for r in ROWS].index("frozen")
    assert ws.cell(row=SENSITIVITY_HEADER_ROW + 1, column=RANKING_COL + 3).value == \
        f"={letter}{frozen_row}"


def test_the_tornado_is_a_native_horizontal_bar_chart(book):
    ws = book["Sensitivity"]
    charts = ws._charts
    assert len(charts) == 1
    chart = charts[0]
    assert chart.tagname == "barChart" and chart.type == "bar"
    assert TORNADO_TITLE in str(chart.title.tx.rich.p[0].r[0].t)
    ref = chart.series[0].val.numRef.f
    col = openpyxl.utils.get_column_letter(RANKING_COL + 3)
    assert ref == f"'Sensitivity'!${col}${SENSITIVITY_HEADER_ROW + 1}:${col}${SENSITIVITY_HEADER_ROW + 7}"


def test_summary_names_the_five_most_influential_assumptions(book):
    ws = book["Summary"]
    rows = [r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == INFLUENTIAL_TITLE]
    assert len(rows) == 1
    first = rows[0] + 3  # title, note, header
    names = [ws.cell(row=first + k, column=1).value for k in range(5)]
    assert names == ["1. floor and ceiling (frozen)", "2. investment return (return -1)",
                     "3. transitional credits (credits none)", "4. mortality (mortality)",
                     "5. exit and re-entry (exit)"]
    assert ws.cell(row=first, column=2).value == pytest.approx(0.08)
    assert ws.cell(row=first, column=HEADLINE_KEY_COL).value == "sensitivity.gap_change[frozen]"
