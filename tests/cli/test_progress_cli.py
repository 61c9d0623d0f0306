"""Progress of the slow steps of data check, experience and population: a line per step
off a terminal (a bar with the time left on one), nothing under --quiet; and the row
counts the bars are measured against."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from actuary.cli.main import main
from actuary.members.files import open_table


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    members = folder / "members_synthetic.csv"
    made = CliRunner().invoke(main, ["data", "synth", "--members", "1500", "--seed", "8",
                                     "--defects", "0.02", "--out", str(members), "--quiet"])
    assert made.exit_code == 0, made.output
    return members


def test_row_counts_of_csv_parquet_and_xlsx(synthetic, tmp_path):
    rows = pd.read_csv(synthetic, dtype=str, keep_default_na=False)
    assert open_table(synthetic, "members").row_count() == len(rows) == 1500
    parquet, xlsx = tmp_path / "m.parquet", tmp_path / "m.xlsx"
    rows.to_parquet(parquet)
    rows.head(40).to_excel(xlsx, index=False)
    assert open_table(parquet, "members").row_count() == 1500
    assert open_table(xlsx, "members").row_count() == 40
    # a last line without a line break still counts
    bare = tmp_path / "bare.csv"
    bare.write_bytes(synthetic.read_bytes().rstrip(b"\n"))
    assert open_table(bare, "members").row_count() == 1500


def test_data_check_reports_the_rows_checked_and_written(synthetic, tmp_path):
    args = ["data", "check", str(synthetic), "--report", str(tmp_path / "r.xlsx")]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    err = out.stderr
    assert f"  checking {synthetic.name}: rows 2-1,501" in err
    assert "  writing Problems: rows 1-" in err
    quiet = CliRunner().invoke(main, [*args, "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_experience_reports_the_rows_checked(synthetic, tmp_path):
    out = CliRunner().invoke(main, ["experience", str(synthetic), "--decrement", "exit",
                                    "--out", str(tmp_path / "e.xlsx")])
    assert out.exit_code == 0, out.output
    assert f"  checking {synthetic.name}: rows 2-1,501" in out.stderr


def test_population_reports_the_tables_written(tmp_path):
    out = CliRunner().invoke(main, ["population", "--to", "2030", "--out",
                                    str(tmp_path / "f.xlsx")])
    assert out.exit_code == 0, out.output
    assert "f.xlsx: population_by_age" in out.stderr
    quiet = CliRunner().invoke(main, ["population", "--to", "2030", "--quiet", "--out",
                                      str(tmp_path / "g.xlsx")])
    assert quiet.exit_code == 0 and quiet.stderr == ""
