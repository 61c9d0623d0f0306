"""Every YAML file the project reads reports a bad file on one line, without a traceback.

Assumption sets and overlays, starting-population sidecars and table sidecars are read
by one reader (actuary.io.yamlio); each defect is checked for each kind of
file: an impossible date (PyYAML's bare ValueError before), a byte that is not UTF-8,
malformed YAML (PyYAML's multi-line message before). Also a table CSV pandas cannot
parse, and ``table show`` of a name that is no name at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from cli_errors import one_error_line  # noqa: E402

from actuary.assumptions import load_basis  # noqa: E402
from actuary.cli.main import main  # noqa: E402
from actuary.io.errors import AssumptionError, DataError, TableError  # noqa: E402
from actuary.engine.starting import read_starting_population  # noqa: E402
from actuary.tables import load_table  # noqa: E402
from actuary.io.yamlio import read_mapping  # noqa: E402

TABLES = Path(__file__).parents[1] / "data" / "tables"
DATE = "a real calendar date (YYYY-MM-DD)"

OVERLAY = """name: vdb
description: t
base: cambodia-default
overrides: {valuation_date: 2025-02-30}
"""
POPULATION = ("status,sex,age,credited_months,count,average_monthly_wage,average_career_wage,"
              "average_monthly_pension\nactive,F,30,18,100,900000,,\n")
SIDECAR = """name: test
valuation_date: 2025-01-01
reserve_khr: 1000000
source: test
status: unverified
"""


def _population(tmp_path: Path, sidecar: bytes) -> Path:
    csv = tmp_path / "pop.csv"
    csv.write_text(POPULATION, encoding="utf-8")
    csv.with_suffix(".yaml").write_bytes(sidecar)
    return csv


def _table(tmp_path: Path, extra: bytes) -> Path:
    """The valid fixture user_qx with ``extra`` lines appended to its sidecar."""
    csv = tmp_path / "user_qx.csv"
    csv.write_bytes((TABLES / "user_qx.csv").read_bytes())
    csv.with_suffix(".yaml").write_bytes((TABLES / "user_qx.yaml").read_bytes() + extra)
    return csv


# ---------------------------------------------------------------------- impossible dates
@pytest.mark.parametrize("command", [
    ["basis", "check"], ["basis", "show"], ["population", "--basis"], ["valuate", "--quiet"],
    ["compare", "--quiet", "cambodia-default"],
])
def test_overlay_with_an_impossible_date_names_file_line_key_and_value(tmp_path, command):
    path = tmp_path / "bad.yaml"
    path.write_text(OVERLAY, encoding="utf-8")
    result = CliRunner().invoke(main, [*command, str(path)])
    one_error_line(result, "bad.yaml", "line 4", "'overrides.valuation_date'", "'2025-02-30'",
                    "day is out of range for month", DATE)


def test_an_impossible_date_as_a_key_is_named_by_its_key_path(tmp_path):
    path = tmp_path / "month13.yaml"
    path.write_text(OVERLAY.replace(
        "overrides: {valuation_date: 2025-02-30}",
        "overrides:\n  economic.investment_return.values:\n"
        "    2025-01-01: 0.05\n    2026-13-01: 0.06\n",
    ), encoding="utf-8")
    with pytest.raises(AssumptionError) as err:
        load_basis(path)
    e = err.value
    assert e.source == str(path) and e.location == "line 7, column 5"
    assert e.field == "overrides.economic.investment_return.values.2026-13-01"
    assert e.value == "2026-13-01" and e.expected == DATE
    assert "month must be in 1..12" in str(e) and "\n" not in str(e)


def test_an_impossible_date_in_a_list_is_named_by_its_index(tmp_path):
    path = tmp_path / "notes.yaml"
    path.write_text("notes:\n  - fine\n  - 2024-02-30\n", encoding="utf-8")
    with pytest.raises(AssumptionError) as err:
        read_mapping(path)
    assert err.value.field == "notes[1]" and err.value.location == "line 3, column 5"


def test_population_sidecar_with_an_impossible_date(tmp_path):
    csv = _population(tmp_path, SIDECAR.replace("2025-01-01", "2024-02-30").encode())
    with pytest.raises(DataError) as err:
        read_starting_population(csv)
    e = err.value
    assert e.source == str(csv.with_suffix(".yaml")) and e.location == "line 2, column 17"
    assert (e.field, e.value, e.expected) == ("valuation_date", "2024-02-30", DATE)
    result = CliRunner().invoke(main, ["valuate", "--population", str(csv), "--quiet"])
    one_error_line(result, "pop.yaml", "line 2", "'valuation_date'", "'2024-02-30'", DATE)


def test_table_sidecar_with_an_impossible_date(tmp_path):
    csv = _table(tmp_path, b"extra_date: 2025-02-30\n")
    with pytest.raises(TableError) as err:
        load_table(csv)
    e = err.value
    assert e.source == str(csv.with_suffix(".yaml")) and e.location == "line 12, column 13"
    assert (e.field, e.value, e.expected) == ("extra_date", "2025-02-30", DATE)
    result = CliRunner().invoke(main, ["table", "show", str(csv)])
    one_error_line(result, "user_qx.yaml", "line 12", "'extra_date'", "'2025-02-30'", DATE)


def test_real_dates_still_read_as_dates(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("a: 2024-02-29\nb: {2025-12-31: 1}\n", encoding="utf-8")
    data = read_mapping(path)
    assert str(data["a"]) == "2024-02-29" and [str(k) for k in data["b"]] == ["2025-12-31"]


# ---------------------------------------------------------------------- not UTF-8
def test_population_sidecar_not_utf8(tmp_path):
    csv = _population(tmp_path, SIDECAR.encode() + "description: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(DataError) as err:
        read_starting_population(csv)
    assert err.value.source == str(csv.with_suffix(".yaml")) and err.value.location == "line 6"
    result = CliRunner().invoke(main, ["valuate", "--population", str(csv), "--quiet"])
    one_error_line(result, "pop.yaml", "line 6", "not UTF-8", "0xe9", "a UTF-8 YAML file")


def test_table_sidecar_not_utf8(tmp_path):
    csv = _table(tmp_path, "note: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(TableError, match="not UTF-8"):
        load_table(csv)
    result = CliRunner().invoke(main, ["table", "show", str(csv)])
    one_error_line(result, "user_qx.yaml", "line 12", "not UTF-8", "0xe9", "a UTF-8 YAML file")


# ---------------------------------------------------------------------- malformed YAML
def test_population_sidecar_malformed(tmp_path):
    csv = _population(tmp_path, b"name: x\nvaluation_date: [2025\n")
    result = CliRunner().invoke(main, ["valuate", "--population", str(csv), "--quiet"])
    line = one_error_line(result, "pop.yaml", "line 3", "malformed YAML")
    assert "<unicode string>" not in line


def test_table_sidecar_malformed(tmp_path):
    csv = _table(tmp_path, b"note: [x\n")
    result = CliRunner().invoke(main, ["table", "show", str(csv)])
    line = one_error_line(result, "user_qx.yaml", "line 13", "malformed YAML")
    assert "<unicode string>" not in line


def test_control_character_is_located_by_line(tmp_path):
    path = tmp_path / "ctrl.yaml"
    # libyaml counts the position in bytes: the 'é' before must not shift the column
    path.write_text("name: caf\u00e9\nb: v\x01db\n", encoding="utf-8")
    with pytest.raises(AssumptionError) as err:
        read_mapping(path)
    assert err.value.location == "line 2, column 5"
    assert "#x0001" in str(err.value) and "\n" not in str(err.value)


# ---------------------------------------------------------------------- table files
def test_table_csv_with_an_extra_field_is_one_line(tmp_path):
    csv = _table(tmp_path, b"")
    csv.write_text(csv.read_text(encoding="utf-8") + "F,4,0.5,9\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["table", "show", str(csv)])
    one_error_line(result, "user_qx.csv", "cannot read CSV", "saw 4")
    assert result.output.count("\n") == 1  # pandas' message ended in a line break


@pytest.mark.parametrize("name", ["", "/"])
def test_table_show_of_an_empty_name(name):
    result = CliRunner().invoke(main, ["table", "show", name])
    one_error_line(result, "unknown table", f"value {name!r}", "wpp2024_cambodia_qx")


# ---------------------------------------------------------------------- anchors and aliases
@pytest.mark.parametrize("text, where", [
    ("a: &a [*a]\n", "line 1, column 8"),  # an alias inside its own anchor (never ends)
    ("a: &a\n  b: *a\n", "line 2, column 6"),
    # aliases of aliases: 9^12 items once expanded
    ("a0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 12)),
     "line 2, column 10"),
])
def test_yaml_aliases_are_refused_at_once(tmp_path, text, where):
    path = tmp_path / "alias.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["basis", "check", str(path)])
    one_error_line(result, "alias.yaml", where, "a YAML alias (*a", "no anchors and aliases")
