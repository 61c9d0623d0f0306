"""The accounts file: the shipped NSSF figures, every check with its own message, XLSX,
and actual against expected by hand."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from actuary.analysis.accounts import (
    ITEMS,
    SHIPPED_ACCOUNTS,
    actual_vs_expected,
    read_accounts,
)
from actuary.cli.main import main
from actuary.io.errors import DataError

HEADER = ["year", "item", "value", "source", "status", "note"]


def _write(path: Path, rows: list[list]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)
    return path


def test_shipped_accounts_are_what_nssf_published():
    a = read_accounts(SHIPPED_ACCOUNTS)
    v = a.rows.set_index(["year", "item"])["value"]
    assert v[(2022, "contributions")] == 111.54e9
    assert v[(2022, "contributors")] == 1_335_609 and v[(2022, "contributors_F")] == 836_288
    assert v[(2022, "contributors_M")] == 1_335_609 - 836_288
    assert v[(2024, "contributors")] == 1_560_000
    assert a.years == [2022, 2023, 2024]
    # every item of every year has a row; what was not found is missing, and says so
    assert len(a.rows) == 3 * len(ITEMS)
    missing = a.rows[a.rows["value"].isna()]
    assert (missing["status"] == "unverified").all() and (missing["note"] != "").all()
    assert (a.rows["source"] != "").all()


GOOD = [2025, "contributions", "1000", "test", "derived", ""]


@pytest.mark.parametrize("rows, message", [
    ([[2024, "contributions", "1", "t", "derived", ""], [2026, "contributions", "1", "t",
                                                         "derived", ""]],
     "year 2025 is missing"),
    ([GOOD, ["", "contributions", "1", "t", "derived", ""]], "row 3: missing year"),
    ([GOOD, ["2025.5", "admin_expenses", "1", "t", "derived", ""]], "row 3: bad year"),
    ([GOOD, [2025, "benefits", "1", "t", "derived", ""]], "row 3: unknown item"),
    ([GOOD, [2025, "admin_expenses", "-5", "t", "derived", ""]],
     "row 3: impossible value (field 'value'; value '-5'"),
    ([GOOD, [2025, "admin_expenses", "inf", "t", "derived", ""]], "row 3: impossible value"),
    ([GOOD, [2025, "admin_expenses", "lots", "t", "derived", ""]], "row 3: not a number"),
    ([GOOD, [2025, "admin_expenses", "1", "", "derived", ""]], "row 3: no source"),
    ([GOOD, [2025, "admin_expenses", "1", "t", "guessed", ""]], "row 3: bad status"),
    ([GOOD, [2025, "contributions", "2", "t", "derived", ""]], "given twice (rows 2 and 3)"),
    ([GOOD, [2025, "contributors", "10", "t", "derived", ""],
      [2025, "contributors_F", "11", "t", "derived", ""]],
     "row 4: impossible value: more contributors of one sex than of both"),
    ([GOOD, [2025, "contributors", "10", "t", "derived", ""],
      [2025, "contributors_F", "6", "t", "derived", ""],
      [2025, "contributors_M", "6", "t", "derived", ""]],
     "row 3: impossible values: men and women do not add up"),
])
def test_each_bad_accounts_file_gets_its_own_error(tmp_path, rows, message):
    path = _write(tmp_path / "acc.csv", rows)
    with pytest.raises(DataError) as err:
        read_accounts(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_negative_investment_income_and_blank_values_are_allowed(tmp_path):
    path = _write(tmp_path / "acc.csv", [GOOD, [2025, "investment_income", "-3", "t",
                                                "derived", "a loss"],
                                         [2025, "reserve_end", "", "none found", "unverified",
                                          "not published"]])
    rows = read_accounts(path).rows.set_index("item")["value"]
    assert rows["investment_income"] == -3 and rows["reserve_end"] != rows["reserve_end"]


def test_xlsx_accounts(tmp_path):
    path = tmp_path / "acc.xlsx"
    pd.DataFrame([GOOD], columns=HEADER).to_excel(path, index=False)
    assert read_accounts(path).rows["value"].iloc[0] == 1000
    bad = tmp_path / "acc.xlsx"
    pd.DataFrame([[2025, "contributions", -1, "t", "derived", ""]], columns=HEADER
                 ).to_excel(bad, index=False)
    with pytest.raises(DataError, match="row 2: impossible value"):
        read_accounts(bad)


@pytest.fixture(scope="module")
def short_valuation():
    from actuary.analysis.valuation import valuate

    return valuate(None, horizon=30, sensitivities=False)


def test_actual_against_expected_by_hand(tmp_path, short_valuation):
    r = short_valuation
    y = r.yearly.set_index("year")
    c2025 = float(y.loc[2025, "contributions"])
    b = r.by_sex
    women_2026 = float(b[(b.year == 2026) & (b.sex == "F")]["active"].iloc[0])
    path = _write(tmp_path / "acc.csv", [
        [2024, "reserve_end", f"{r.summary['reserve0'] * 0.5!r}", "t", "derived", ""],
        [2025, "contributions", f"{c2025 * 1.1!r}", "t", "derived", ""],
        [2025, "contributors_F", f"{women_2026 * 0.9!r}", "t", "derived", ""],
        [2025, "admin_expenses", "", "none", "unverified", "not published"],
        [2026, "contributions", "5", "t", "derived", ""],
    ])
    ae = actual_vs_expected(read_accounts(path), r).set_index(["year", "item"])
    row = ae.loc[(2025, "contributions")]
    assert row["expected"] == c2025 and row["ae_ratio"] == pytest.approx(1.1, rel=1e-12)
    assert row["difference"] == pytest.approx(0.1 * c2025, rel=1e-9)
    assert ae.loc[(2024, "reserve_end"), "ae_ratio"] == pytest.approx(0.5, rel=1e-12)
    assert ae.loc[(2024, "reserve_end"), "compared"] == "reserve at the valuation date"
    assert ae.loc[(2025, "contributors_F"), "expected"] == women_2026
    assert ae.loc[(2025, "admin_expenses"), "compared"] == "missing: not published"
    assert ae.loc[(2026, "contributions"), "expected"] == float(y.loc[2026, "contributions"])


def test_valuate_with_bad_accounts_is_one_error(tmp_path):
    path = _write(tmp_path / "acc.csv", [[2024, "contributions", "1", "t", "derived", ""],
                                         [2026, "contributions", "1", "t", "derived", ""]])
    res = CliRunner().invoke(main, ["valuate", "--accounts", str(path), "--out",
                                    str(tmp_path / "v.xlsx"), "--quiet"])
    assert res.exit_code == 1 and res.output.startswith("error:")
    assert "year 2025 is missing" in res.output and not (tmp_path / "v.xlsx").exists()
