"""The occupational-risk workbook: its live formulas computed by LibreOffice agree with
the projection, and the sheets hold what the result holds."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import SOFFICE, recalculate  # noqa: E402

from actuary.reports.occupational_risk import SHEETS, write_occupational_risk_workbook  # noqa: E402
from actuary.schemes.occupational_risk import valuate_branch  # noqa: E402


@pytest.fixture(scope="module")
def result():
    return valuate_branch("occupational-risk-public-officials", horizon=15, sensitivities=True)


def _columns(ws) -> dict[str, int]:
    """Header text -> column of the Projection sheet's table (header on row 4)."""
    return {ws.cell(row=4, column=c).value: c for c in range(1, ws.max_column + 1)
            if ws.cell(row=4, column=c).value}


def test_sheets_and_values(result, tmp_path):
    path = write_occupational_risk_workbook(result, tmp_path / "or.xlsx")
    wb = openpyxl.load_workbook(path)
    assert tuple(wb.sheetnames) == SHEETS
    ws = wb["Projection"]
    col = _columns(ws)
    y = result.yearly
    for i in range(len(y)):
        assert ws.cell(row=5 + i, column=col["Year"]).value == int(y.year.iloc[i])
        assert ws.cell(row=5 + i, column=col["Lump sums (KHR)"]).value == pytest.approx(
            y.lump_sums.iloc[i], rel=1e-12)
    # every unverified item is on the Summary: those the results rest on one a row, the
    # pension scheme's others in a note
    from actuary.schemes.occupational_risk.valuation import rests_on

    summary = [str(c.value) for row in wb["Summary"].iter_rows() for c in row if c.value]
    used, unused = rests_on(result.aset)
    for item in used:
        assert item[0] in summary
    note = next(t for t in summary if "do not move these results" in t)
    for item in unused:
        assert item[0] in note


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_live_formulas_agree_with_the_projection(result, tmp_path):
    path = write_occupational_risk_workbook(result, tmp_path / "or.xlsx")
    ws = openpyxl.load_workbook(recalculate(path, tmp_path), data_only=True)["Projection"]
    col = _columns(ws)
    y = result.yearly
    for header, key in (("PAYG cost rate", "payg_cost_rate"),
                        ("Reserve ratio (years)", "reserve_ratio"),
                        ("Reserve / PV of pensions in payment", "funded_ratio")):
        for i in range(len(y)):
            assert ws.cell(row=5 + i, column=col[header]).value == pytest.approx(
                y[key].iloc[i], rel=1e-9), (header, i)
