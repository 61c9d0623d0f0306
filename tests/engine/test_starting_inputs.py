"""Starting-population files that could not be read cleanly: each gives one line naming
the file, the row or key and the value, exit code 1 and no traceback.

(Sidecar YAML defects, shared with every YAML file, are in tests/io/test_yaml_inputs.py.)
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from cli_errors import one_error_line  # noqa: E402

from actuary.cli.main import main  # noqa: E402
from actuary.io.errors import DataError  # noqa: E402
from actuary.engine.starting import read_starting_population  # noqa: E402

HEADER = ("status,sex,age,credited_months,count,average_monthly_wage,average_career_wage,"
          "average_monthly_pension")
ROW = "active,F,30,18,100,900000,,"
META = """name: test
valuation_date: 2025-01-01
reserve_khr: 1000000
source: test
status: unverified
"""


def _write(tmp_path: Path, body: str, meta: str = META, name: str = "pop.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    path.with_suffix(".yaml").write_text(meta, encoding="utf-8")
    return path


def _valuate_error(path: Path, *fragments: str) -> str:
    """``actuary valuate --population path``: one ``error:`` line, exit code 1."""
    result = CliRunner().invoke(main, ["valuate", "--population", str(path), "--quiet"])
    return one_error_line(result, *fragments)


# ---------------------------------------------------------------------- a row too wide
@pytest.mark.parametrize("rows,row_number", [
    ([ROW, "active,M,40,24,10,800000,,,7", ROW.replace("30", "31")], 3),
    # the first row: pandas took the first column for an index (or only warned)
    (["active,M,40,24,10,800000,,,7", ROW], 2),
])
def test_a_row_with_an_extra_field_names_row_and_both_counts(tmp_path, rows, row_number):
    path = _write(tmp_path, "\n".join([HEADER, *rows]) + "\n")
    with pytest.raises(DataError) as err:
        read_starting_population(path)
    e = err.value
    assert e.source == str(path) and e.location == f"row {row_number}"
    assert e.message == "9 fields where the header has 8" and e.value == "7"
    _valuate_error(path, "pop.csv", f"row {row_number}", "9 fields", "header has 8")


def test_trailing_commas_on_every_row_are_still_read(tmp_path):
    # an export can end every data line with a comma: pandas took the first column for
    # an index and shifted every value; now the empty last field is dropped
    path = _write(tmp_path, HEADER + "\n" + ROW + ",\n" + ROW.replace("30", "31") + ",\n")
    pop = read_starting_population(path)
    assert pop.rows[["status", "sex", "age", "count"]].values.tolist() == [
        ["active", "F", 30, 100.0], ["active", "F", 31, 100.0]]


# ---------------------------------------------------------------------- not a workbook
def test_csv_text_under_an_xlsx_name(tmp_path):
    path = _write(tmp_path, HEADER + "\n" + ROW + "\n", name="pop.xlsx")
    with pytest.raises(DataError) as err:
        read_starting_population(path)
    assert err.value.source == str(path) and "not a valid .xlsx workbook" in err.value.message
    _valuate_error(path, "pop.xlsx", "not a valid .xlsx workbook", "expected an Excel workbook")


def test_a_zip_that_holds_no_workbook(tmp_path):
    path = tmp_path / "pop.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    path.with_suffix(".yaml").write_text(META, encoding="utf-8")
    _valuate_error(path, "pop.xlsx", "not a valid .xlsx workbook")


# ---------------------------------------------------------------------- the reserve
@pytest.mark.parametrize("text,shown", [(".nan", "nan"), (".inf", "inf"), ("-.inf", "-inf"),
                                        ("-3", "-3")])
def test_reserve_must_be_a_finite_amount(tmp_path, text, shown):
    path = _write(tmp_path, HEADER + "\n" + ROW + "\n",
                  meta=META.replace("reserve_khr: 1000000", f"reserve_khr: {text}"))
    with pytest.raises(DataError) as err:
        read_starting_population(path)
    e = err.value
    assert e.source == str(path.with_suffix(".yaml")) and e.field == "reserve_khr"
    assert e.expected == "a finite amount in KHR >= 0"
    _valuate_error(path, "pop.yaml", "'reserve_khr'", f"value {shown}", "finite amount")
