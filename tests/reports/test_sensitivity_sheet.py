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


def test_the_khmer_sheet_names_every_shipped_test_in_khmer(tmp_path):
    """``--lang km``: every test of the shipped lists (the default sensitivities and
    shocks, the occupational-risk branch's tests), its kind and the assumption it tests
    read in Khmer on the Sensitivity sheet, the ranking and the tornado's categories,
    numbers in Khmer digits; only the descriptions (the lists' own data) stay English."""
    from khmer_check import KHMER, english_cells, english_words

    from actuary.assumptions.stress import default_sensitivities, default_shocks
    from actuary.reports.i18n import language
    from actuary.reports.sensitivity_names import name_of_test
    from actuary.schemes.occupational_risk.valuation import BRANCH_SENSITIVITIES

    sens, shocks = default_sensitivities(), default_shocks()
    rows = [("base", "base", "", 0.10)] + [
        (s.name, "sensitivity", s.assumption, 0.10 + 0.001 * (k + 1)) for k, s in enumerate(sens)
    ] + [(s.name, "shock", "shock", 0.2) for s in shocks]
    result = synthetic_result(sensitivity=False)
    result.sensitivity = pd.DataFrame([
        {"test": t, "kind": k, "assumption": a, "description": "d", "gap_horizon": 75, "gap": g,
         "gap_change": g - 0.10, "depletion_year": None, "depletion_change_years": None,
         "reserve_ratio_year_10": 5.0, "reserve_ratio_change": 0.0} for t, k, a, g in rows])
    path = write_valuation_workbook(result, tmp_path / "km.xlsx", lang="km")
    book = openpyxl.load_workbook(path)
    ws = book["Sensitivity"]
    left = english_cells([ws], {"Sensitivity": "D"})
    assert not left, left[:10]
    shown = [ws.cell(row=SENSITIVITY_HEADER_ROW + 1 + i, column=1).value for i in range(len(rows))]
    ranked = [ws.cell(row=SENSITIVITY_HEADER_ROW + k, column=RANKING_COL + 1).value
              for k in range(1, len(sens) + 1)]
    assert set(ranked) == set(shown[1:1 + len(sens)])  # the tornado's categories too
    # the numbers in the names in Khmer digits, none in Latin ones
    assert not any(any(c.isdigit() and c.isascii() for c in str(v)) for v in shown), shown
    assert shown[1 + [s.name for s in sens].index("mortality -10%")] == "មរណភាព -១០%"
    # the Summary's five most influential assumptions name their test in Khmer too
    summary = [c.value for row in book["Summary"].iter_rows(max_col=1) for c in row
               if isinstance(c.value, str) and c.value[:1] in "១២៣៤៥" and c.value[-1] == ")"]
    assert len(summary) == 5 and not any(english_words(v) for v in summary), summary
    left = english_cells([book["Summary"]], {"Summary": "B,C,L,M"})
    assert not left, left[:10]
    with language("km"):
        branch = [name_of_test(s.name) for s in BRANCH_SENSITIVITIES]
    assert all(KHMER.search(b) and not english_words(b) for b in branch), branch
