"""The formulas of the analysis-of-change workbook computed by LibreOffice: the sum of the
steps equals the total change, and the money in USD and as shares of GDP follows the
states (1e-9 relative). Skipped without LibreOffice."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import SOFFICE, formula_problems  # noqa: E402

from change_expect import agrees, change_expected  # noqa: E402

from actuary.reports.change import write_change_workbook  # noqa: E402
from actuary.studies.change import analyse_change  # noqa: E402

pytestmark = pytest.mark.slow
HERE = Path(__file__).parents[1]


def test_the_sum_of_the_steps_is_the_total_and_the_money_follows(tmp_path):
    """Nominal prices (both valuations dated 2025): the sums of the steps, and the reserve
    and the liability in USD and as shares of GDP over the states' block, computed by
    LibreOffice, against the states by hand (tests/reports/change_expect.py)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    result = analyse_change("cambodia-default", str(HERE / "data" / "change" /
                                                    "several_groups.yaml"),
                            order_dependence=False)
    path = write_change_workbook(result, tmp_path / "change.xlsx")
    checked, problems, _ = formula_problems(
        path, tmp_path, lambda book: change_expected(book, result), agrees)
    # 8 sums of the steps, 4 money rows of 11 cells, 2 x 3 block rows of 8 states
    assert checked >= 8 + 4 * 11 + 6 * 8 and not problems, problems[:5]
