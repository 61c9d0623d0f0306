"""The starting-population file: reading, cells, and a clear error for each defect."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from actuary.cli.main import main
from actuary.io.errors import DataError
from actuary.engine.starting import read_starting_population

HEADER = ("status,sex,age,credited_months,count,average_monthly_wage,average_career_wage,"
          "average_monthly_pension")
META = """name: test
valuation_date: 2025-01-01
reserve_khr: 1000000
source: test
status: unverified
"""


def _write(tmp_path: Path, body: str, meta: str = META, name: str = "pop.csv",
           encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(body.encode(encoding))
    path.with_suffix(".yaml").write_text(meta, encoding="utf-8")
    return path


def test_good_file_gives_cells_with_exact_service(tmp_path):
    path = _write(tmp_path, HEADER + "\n"
                  "active,F,30,18,100,900000,,\n"
                  "inactive,M,40,30,10,,500000,\n"
                  "old_age,F,65,,5,,,250000\n")
    pop = read_starting_population(path)
    st = pop.to_state(wage_floor=400_000, wage_ceiling=1_200_000)
    # 18 months = 1.5 years: half at 1 completed year, half at 2
    assert st.active_count[1, 30, 1] == pytest.approx(50)
    assert st.active_count[1, 30, 2] == pytest.approx(50)
    assert st.active_wage[1, 30].sum() == pytest.approx(100 * 12 * 900_000)
    # career: 1.5 years x 12 x 900,000 each
    assert st.active_career[1, 30].sum() == pytest.approx(100 * 1.5 * 12 * 900_000)
    # the given career wage is used for the inactive
    assert st.inactive_career[0, 40].sum() == pytest.approx(10 * 2.5 * 12 * 500_000)
    assert st.old_age_pension[1, 65] == pytest.approx(5 * 12 * 250_000)
    assert st.reserve == 1_000_000
    extra = pop.to_state(400_000, 1_200_000, extra_years=lambda age: 10.0 if age >= 35 else 0.0,
                         months_for_extra=24)
    assert extra.inactive_count[0, 40, 12] == pytest.approx(5)  # 2.5 + 10 years


BAD_ROWS = [
    ("bad status", "retired,F,30,18,100,900000,,", "status", "retired"),
    ("bad sex", "active,X,30,18,100,900000,,", "sex", "X"),
    ("age out of range", "active,F,130,18,100,900000,,", "age", "130"),
    ("age not whole", "active,F,30.5,18,100,900000,,", "age", "30.5"),
    ("negative count", "active,F,30,18,-1,900000,,", "count", "-1"),
    ("count not a number", "active,F,30,18,many,900000,,", "count", "many"),
    ("credits too long", "active,F,20,200,100,900000,,", "credited_months", "200"),
    ("negative wage", "active,F,30,18,100,-5,,", "average_monthly_wage", "-5"),
    ("active without wage", "active,F,30,18,100,,,", "average_monthly_wage", ""),
    ("member without credits", "inactive,F,30,,100,,,", "credited_months", ""),
    ("pensioner without pension", "old_age,F,70,,100,,,", "average_monthly_pension", ""),
]


@pytest.mark.parametrize("label,row,field,value", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_each_bad_row_is_reported_with_row_field_and_value(tmp_path, label, row, field, value):
    path = _write(tmp_path, HEADER + "\nactive,M,25,12,10,800000,,\n" + row + "\n")
    with pytest.raises(DataError) as err:
        read_starting_population(path)
    text = str(err.value)
    assert "pop.csv" in text and "row 3" in text
    assert f"field {field!r}" in text and f"value {value!r}" in text
    assert "nothing was used" in text


@pytest.mark.parametrize("label,body,fragment", [
    ("empty file", "", "empty"),
    ("header only", HEADER + "\n", "no rows"),
    ("missing columns", "status,sex,age\nactive,F,30\n", "missing columns"),
    ("unknown column", HEADER + ",salary\nactive,F,30,18,100,900000,,,1\n", "unknown columns"),
    ("duplicate cell", HEADER + "\nactive,F,30,18,1,9,,\nactive,F,30,18,2,9,,\n", "same status"),
])
def test_file_level_defects(tmp_path, label, body, fragment):
    path = _write(tmp_path, body)
    with pytest.raises(DataError, match=fragment):
        read_starting_population(path)


def test_wrong_encoding(tmp_path):
    path = _write(tmp_path, HEADER + "\nactive,F,30,18,100,900000,,\n# \u00e9\n", encoding="utf-16")
    with pytest.raises(DataError, match="UTF-8"):
        read_starting_population(path)


@pytest.mark.parametrize("meta,fragment", [
    ("name: x\n", "missing key"),
    (META + "colour: red\n", "unknown keys"),
    (META.replace("reserve_khr: 1000000", "reserve_khr: -3"), "bad reserve"),
    (META.replace("status: unverified", "status: sure"), "bad status"),
    ("name: [unclosed\n", "malformed YAML"),
])
def test_bad_metadata(tmp_path, meta, fragment):
    path = _write(tmp_path, HEADER + "\nactive,F,30,18,100,900000,,\n", meta=meta)
    with pytest.raises(DataError, match=fragment):
        read_starting_population(path)


def test_input_file_is_not_modified_and_cli_exits_1_without_traceback(tmp_path):
    path = _write(tmp_path, HEADER + "\nactive,F,30,18,-100,900000,,\n")
    before = path.read_bytes()
    out = tmp_path / "v.xlsx"
    res = CliRunner().invoke(main, ["valuate", "--population", str(path), "--out", str(out),
                                    "--quiet"])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert "count" in res.output and "-100" in res.output
    assert path.read_bytes() == before
    assert not out.exists()


def test_xlsx_input(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"status": ["active"], "sex": ["M"], "age": [30], "credited_months": [24],
                          "count": [7], "average_monthly_wage": [1_000_000],
                          "average_career_wage": [None], "average_monthly_pension": [None]})
    path = tmp_path / "pop.xlsx"
    frame.to_excel(path, index=False)
    path.with_suffix(".yaml").write_text(META, encoding="utf-8")
    pop = read_starting_population(path)
    assert pop.rows["count"].sum() == 7
    assert np.isclose(pop.to_state(0, 0).active_count.sum(), 7)
