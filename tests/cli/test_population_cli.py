"""``actuary population [--basis FILE] [--to YEAR] [--out FILE]``."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from actuary.cli.main import main
from actuary.tables.frame import wpp_totals

MINIMAL = Path(__file__).parents[1] / "data" / "bases" / "good" / "minimal.yaml"


def _run(*args: str):
    return CliRunner().invoke(main, ["population", *args])


@pytest.fixture(scope="module")
def to_2100():
    result = _run()
    assert result.exit_code == 0, result.output
    return result.output


def test_headline_table_and_comparisons(to_2100):
    out = to_2100
    lines = out.splitlines()
    rows = [ln.split() for ln in lines if ln.strip().split(" ")[0] in
            ("2025", "2030", "2040", "2050", "2075", "2100") and "%" in ln and "," in ln]
    assert [r[0] for r in rows[:6]] == ["2025", "2030", "2040", "2050", "2075", "2100"]
    # total, 60+ share, dependency ratio, e0 men, e0 women beside WPP 2024's own figures
    wpp = wpp_totals()
    for year, total, old, dep, e0m, e0f in (r[:6] for r in rows[:6]):
        w = wpp.loc[int(year)]
        assert float(total.replace(",", "")) == pytest.approx(w["pop"], rel=0.015)
        assert abs(float(e0m) - w["e0_M"]) < 0.2 and abs(float(e0f) - w["e0_F"]) < 0.2
        assert 0 < float(old.rstrip("%")) < 40 and 40 < float(dep.rstrip("%")) < 80
    assert "Comparison with WPP 2024 medium variant, every year 2025-2100" in out
    block = lines[lines.index(next(ln for ln in lines if ln.startswith("Comparison with WPP"))):]
    for label in ("total population (31 Dec)", "births", "deaths"):
        line = next(ln for ln in block if ln.strip().startswith(label))
        assert "within" in line and "OUTSIDE" not in line
    assert "calibrated to the births and deaths of 2025" in out
    assert "National projection quoted by the policy framework" in out
    nssf = next(ln for ln in lines if ln.strip().startswith("nssf"))
    assert "1,560,000" in nssf.split()[3:] and nssf.split()[-1] == "1,560,000"
    public = next(ln for ln in lines if ln.strip().startswith("public"))
    assert public.split()[-1] == "200,000"


def test_shorter_projection_and_csv_output(tmp_path):
    out = tmp_path / "frame.csv"
    result = _run("--to", "2030", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "  2040 " not in result.output and "every year 2025-2030" in result.output
    assert f"written: {out}" in result.output
    data = pd.read_csv(out)
    assert list(data.columns) == ["table", "year", "sex", "age", "key", "variable", "value"]
    assert {"population_by_age", "labour_by_age", "flows_by_age", "economy"} <= set(data["table"])
    pop = data[(data.table == "population_by_age") & (data.variable == "population")]
    assert pop["year"].max() == 2030 and pop["age"].max() == 110
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_workbook_output(tmp_path):
    out = tmp_path / "frame.xlsx"
    result = _run("--to", "2026", "--out", str(out))
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out, read_only=True)
    assert {"population_summary", "population_by_age", "labour_summary", "coverage_calibration",
            "economy", "wpp_comparison", "flows_by_age"} <= set(wb.sheetnames)
    header = [c.value for c in next(wb["population_summary"].iter_rows(max_row=1))]
    assert header[:3] == ["year", "population_start", "population"]


def test_national_projection_by_name():
    result = _run("--basis", "national-projection", "--to", "2050")
    assert result.exit_code == 0, result.output
    assert "Frame of assumption set national-projection" in result.output
    line = next(ln for ln in result.output.splitlines()
                if ln.strip().startswith("2050 population"))
    assert line.split()[2:4] == ["21,700,000", "21,700,000"]
    assert "followed by this basis: death rates x" in result.output


@pytest.mark.parametrize("args, code, message", [
    (["--out", "frame.txt"], 1, "expected a file name ending in .csv or .xlsx"),
    (["--to", "2020"], 2, "before the first year 2025"),
    (["--basis", "no_such_set.yaml"], 1, "not found"),
    (["--basis", str(MINIMAL)], 1, "no 'frame' section"),
])
def test_user_mistakes(args, code, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _run(*args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


def test_khmer_headline_and_contents(tmp_path):
    """``--lang km``: the console's titles and headline table and the workbook's Contents
    sheet in Khmer; the tables' own column names stay as the data has them."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))
    from khmer_check import KHMER, english_words

    out = tmp_path / "frame_km.xlsx"
    result = _run("--to", "2026", "--out", str(out), "--lang", "km", "--quiet")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    titles = [ln for ln in lines if ln and not ln.startswith(" ")]
    assert titles and all(KHMER.search(t) for t in titles), titles
    head = lines[lines.index(titles[1]) + 1]  # the headline table's header row
    assert KHMER.search(head) and not english_words(head), head
    contents = openpyxl.load_workbook(out)["Contents"]
    texts = [c.value for row in contents.iter_rows(max_row=4) for c in row
             if isinstance(c.value, str)]
    assert texts and all(KHMER.search(t) for t in texts), texts
