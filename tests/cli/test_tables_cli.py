"""``actuary table list`` and ``actuary table show``."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from actuary.cli.main import main
from actuary.tables import list_tables

HERE = Path(__file__).parents[1] / "data" / "tables"


def _run(*args: str):
    return CliRunner().invoke(main, ["table", *args])


def test_list_names_every_shipped_table():
    res = _run("list")
    assert res.exit_code == 0
    lines = res.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == list_tables()
    assert any("wpp2024_cambodia_qx " in line and "derived" in line and "1950..2100" in line
               for line in lines)


def test_show_shipped_qx_table():
    res = _run("show", "wpp2024_cambodia_qx")
    assert res.exit_code == 0, res.output
    out = res.output
    for text in ("status derived", "source: United Nations, Department of Economic and Social",
                 "licence: CC BY 3.0 IGO", "method:", "Kannisto",
                 "dimensions: sex M, F; ages 0..110; years 1950..2100 (151 years)",
                 "values, year 1950", "values, year 2100", "e0 M", "e60 F"):
        assert text in out, text
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()
            if line.strip()[:4] in ("1950", "2025", "2100") and len(line.split()) == 5}
    assert set(rows) == {"1950", "2025", "2100"}
    e0_m, e0_f = float(rows["2025"][0]), float(rows["2025"][1])
    # WPP 2024 e0 for 2025 (e0_by_sex.csv): men 68.2906, women 73.5287
    assert abs(e0_m - 68.29) < 0.2 and abs(e0_f - 73.53) < 0.2
    # a 110 closes the table with q = 1
    assert any(line.split() == ["110", "1", "1"] for line in out.splitlines())


def test_show_user_table_by_path_with_hand_computed_life_expectancy():
    res = _run("show", str(HERE / "user_qx.csv"))
    assert res.exit_code == 0, res.output
    # UDD: e0 = sum of (l_x + l_x+1)/2; men l = 1, .95, .9405, .92169, 0 -> 3.31219
    # women l = 1, .96, .95232, .9380352, 0 -> 3.3503552
    last = res.output.strip().splitlines()[-1].split()
    assert last == ["3.31", "3.35"]
    assert "no year dimension" in res.output


def test_show_tables_without_sex_or_with_one_sex():
    res = _run("show", "wpp2024_cambodia_srb")
    assert res.exit_code == 0 and "no sex dimension (B)" in res.output
    assert "e0" not in res.output  # not a qx table
    res = _run("show", "wpp2024_cambodia_asfr")
    assert res.exit_code == 0 and "dimensions: sex F; ages 15..49" in res.output
    header = [line.split() for line in res.output.splitlines() if line.split()[:1] == ["age"]]
    assert header and all(h == ["age", "F"] for h in header)


def test_show_period_table_lists_base_year():
    res = _run("show", "wpp2024_cambodia_qx_period")
    assert res.exit_code == 0, res.output
    assert "years 1950..2095 (30 years)" in res.output
    assert any(line.split()[:1] == ["2025"] for line in res.output.splitlines())


def test_unknown_name_is_a_clean_error():
    res = _run("show", "no_such_table")
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert "unknown table" in res.output and "wpp2024_cambodia_qx" in res.output


def test_bad_table_is_a_clean_error():
    res = _run("show", str(HERE / "bad" / "probability_out_of_range.csv"))
    assert res.exit_code == 1
    assert "line 7" in res.output and "probability outside [0, 1]" in res.output
