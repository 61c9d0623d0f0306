"""The formulas of the analysis-of-change workbook computed by LibreOffice: the sum of the
steps equals the total change (1e-9 relative). Skipped without LibreOffice."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import SOFFICE, formula_problems  # noqa: E402

from actuary.reports.change import shown_label, write_change_workbook  # noqa: E402
from actuary.studies.change import INDICATORS, analyse_change  # noqa: E402

pytestmark = pytest.mark.slow
HERE = Path(__file__).parents[1]


def _agrees(want, got) -> bool:
    return isinstance(got, (int, float)) and abs(got - want) <= 1e-9 * max(1.0, abs(want))


def test_the_sum_of_the_steps_is_the_total(tmp_path):
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    result = analyse_change("cambodia-default", str(HERE / "data" / "change" /
                                                    "several_groups.yaml"),
                            order_dependence=False)
    path = write_change_workbook(result, tmp_path / "change.xlsx")
    labels = {shown_label(label, kind): key for key, label, kind in INDICATORS}

    def expected(book):
        ws = book["Change"]
        out = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    key = labels[ws.cell(cell.row, 1).value]
                    out[("Change", cell.coordinate)] = result.total(key)
        return out

    checked, problems, _ = formula_problems(path, tmp_path, expected, _agrees)
    assert checked >= 8 and not problems, problems[:5]
