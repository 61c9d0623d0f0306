"""Table format: reading user tables, the bad-table corpus, Table.to_array, saving."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from actuary.io.errors import TableError
from actuary.tables import KINDS, STATUSES, Table, TableMeta, list_tables, load_table, save_table

HERE = Path(__file__).parents[1] / "data" / "tables"
BAD = HERE / "bad"

# the valid fixture user_qx.csv, by hand: M then F, ages 0..3
USER_M = [0.05, 0.01, 0.02, 1.0]
USER_F = [0.04, 0.008, 0.015, 1.0]


def _meta(**kw) -> TableMeta:
    base = dict(description="test", unit="u", source="test", status="derived")
    base.update(kw)
    return TableMeta(**base)


# ---------------------------------------------------------------------- user tables
def test_load_user_table_by_csv_yaml_or_stem():
    for p in (HERE / "user_qx.csv", HERE / "user_qx.yaml", HERE / "user_qx"):
        t = load_table(p)
        assert t.name == "user_qx" and t.kind == "qx"
        assert t.meta.status == "derived" and t.meta.licence == "CC0"
        np.testing.assert_array_equal(t.to_array(range(4)), [USER_M, USER_F])
        assert t.sexes == ("M", "F") and t.years is None
        np.testing.assert_array_equal(t.ages, [0, 1, 2, 3])


def test_unknown_name_lists_shipped_tables():
    with pytest.raises(TableError) as err:
        load_table("no_such_table")
    msg = str(err.value)
    assert "unknown table" in msg and "no_such_table" in msg
    assert "wpp2024_cambodia_qx" in msg and "placeholder_cambodia_exit" in msg


def test_shipped_names_match_files_and_all_have_provenance():
    names = list_tables()
    wpp = [n for n in names if n.startswith("wpp2024_cambodia_")]
    placeholders = [n for n in names if n.startswith("placeholder_cambodia_")]
    assert "wpp2024_cambodia_qx" in wpp and len(wpp) == 6 and len(placeholders) == 7
    for name in names:
        t = load_table(name)
        assert t.name == name
        assert t.meta.status in STATUSES and t.meta.source and t.meta.licence
        assert t.meta.method and t.meta.unit and t.meta.description
        assert t.kind in KINDS


# ---------------------------------------------------------------------- bad corpus
# (file, message, location, field, value): each defect has its own message
BAD_CASES = [
    ("missing_column", "missing column", "line 1 (header)", "value", "sex,age"),
    ("non_numeric", "value is not a number", "line 4", "value", "abc"),
    ("age_gap", "missing ages", "sex F", "age", "2"),
    ("missing_sex", "no rows for a declared sex", None, "sex", "F"),
    ("duplicate_key", "duplicate key", "line 4", "sex, age", "M, 1"),
    ("probability_out_of_range", "probability outside [0, 1]", "line 7", "value", "1.2"),
    ("negative_count", "negative value", "line 4", "value", "-5"),
    ("unknown_kind", "unknown kind", None, "kind", "qxx"),
    ("missing_status", "missing status", None, "status", None),
    ("unknown_status", "unknown status", None, "status", "official"),
    ("missing_source", "missing source", None, "source", None),
    ("age_not_integer", "age is not a whole number", "line 3", "age", "1.5"),
    ("unknown_sex", "unknown sex", "line 8", "sex", "X"),
    ("year_ages_missing", "missing ages", "sex F, year 2021", "age", "3"),
    ("no_sidecar", "metadata sidecar not found", None, None, None),
]


@pytest.mark.parametrize("stem, message, location, field, value", BAD_CASES)
def test_bad_table_gives_its_own_error(stem, message, location, field, value):
    with pytest.raises(TableError) as err:
        load_table(BAD / f"{stem}.csv")
    e = err.value
    assert e.message == message
    assert stem in str(e.source)  # names the file (CSV, or the sidecar for metadata errors)
    assert e.location == location
    assert e.field == field
    assert (e.value if value is None else str(e.value)) == value
    assert e.expected  # says what would have been accepted


def test_bad_corpus_covers_every_file_and_messages_are_specific():
    stems = {p.stem for p in BAD.glob("*.csv")}
    assert stems == {c[0] for c in BAD_CASES}
    # the missing-column message names the expected columns; the duplicate names both lines
    with pytest.raises(TableError, match="the same key is at line 3"):
        load_table(BAD / "duplicate_key.csv")
    with pytest.raises(TableError, match=r"0 <= value <= 1 for kind 'qx'"):
        load_table(BAD / "probability_out_of_range.csv")


def _write(tmp: Path, csv: str, yaml_text: str, name: str = "t") -> Path:
    (tmp / f"{name}.csv").write_text(csv)
    (tmp / f"{name}.yaml").write_text(yaml_text)
    return tmp / f"{name}.csv"


SIDE = """kind: {kind}
source: test
status: derived
dimensions: {{sex: {sex}, age: [0, 1]{year}}}
"""


def test_blank_line_is_reported_with_its_line_number(tmp_path):
    p = _write(tmp_path, "sex,age,value\nM,0,0.1\n\nM,1,1\n", SIDE.format(kind="qx", sex="[M]", year=""))
    with pytest.raises(TableError) as err:
        load_table(p)
    assert err.value.location == "line 3" and err.value.message == "unknown sex"


def test_unknown_column_and_undeclared_year(tmp_path):
    p = _write(tmp_path, "sex,age,value,region\nM,0,0.1,x\nM,1,1,x\n",
               SIDE.format(kind="qx", sex="[M]", year=""))
    with pytest.raises(TableError, match="unknown column"):
        load_table(p)
    p = _write(tmp_path, "sex,age,year,value\nM,0,2020,0.1\nM,1,2020,1\n",
               SIDE.format(kind="qx", sex="[M]", year=""))
    with pytest.raises(TableError, match="year column present but no year dimension"):
        load_table(p)
    p = _write(tmp_path, "sex,age,value\nM,0,0.1\nM,1,1\n",
               SIDE.format(kind="qx", sex="[M]", year=", year: [2020, 2021]"))
    with pytest.raises(TableError) as err:
        load_table(p)
    assert err.value.message == "missing column" and err.value.field == "year"


def test_missing_declared_year_and_age_outside_declared(tmp_path):
    rows = "sex,age,year,value\nM,0,2020,0.1\nM,1,2020,1\n"
    p = _write(tmp_path, rows, SIDE.format(kind="qx", sex="[M]", year=", year: [2020, 2021]"))
    with pytest.raises(TableError) as err:
        load_table(p)
    assert err.value.message == "missing year" and err.value.value == 2021
    p = _write(tmp_path, "sex,age,value\nM,0,0.1\nM,1,0.5\nM,2,1\n",
               SIDE.format(kind="qx", sex="[M]", year=""))
    with pytest.raises(TableError) as err:
        load_table(p)
    assert err.value.message == "age outside the declared range" and err.value.location == "line 4"


def test_no_sex_dimension_and_one_sex_tables(tmp_path):
    p = _write(tmp_path, "sex,age,value\nB,0,0.1\nB,1,1\n", SIDE.format(kind="qx", sex="[B]", year=""))
    t = load_table(p)
    np.testing.assert_array_equal(t.to_array([0, 1]), [[0.1, 1.0], [0.1, 1.0]])
    p = _write(tmp_path, "sex,age,value\nF,0,0.1\nF,1,0.2\n",
               SIDE.format(kind="fertility", sex="[F]", year=""))
    t = load_table(p)
    with pytest.raises(TableError, match="no values for this sex"):
        t.to_array([0, 1])
    np.testing.assert_array_equal(t.to_array([0, 1], sex_fill=0.0), [[0, 0], [0.1, 0.2]])
    p = _write(tmp_path, "sex,age,value\nB,0,0.1\nB,1,1\nM,0,0.1\nM,1,1\n",
               SIDE.format(kind="qx", sex="[B]", year=""))
    with pytest.raises(TableError):
        load_table(p)


def test_migration_may_be_negative_but_not_nan(tmp_path):
    p = _write(tmp_path, "sex,age,value\nM,0,-10\nM,1,5\n", SIDE.format(kind="migration", sex="[M]", year=""))
    assert load_table(p).to_array([0, 1], sex_fill=0.0)[0].tolist() == [-10.0, 5.0]
    p = _write(tmp_path, "sex,age,value\nM,0,nan\nM,1,5\n", SIDE.format(kind="migration", sex="[M]", year=""))
    with pytest.raises(TableError, match="value is not a number"):
        load_table(p)


# ---------------------------------------------------------------------- to_array
@pytest.fixture
def by_year() -> Table:
    rows = []
    for y in (2020, 2021, 2022):
        for s, base in (("M", 0.1), ("F", 0.05)):
            for a in range(3):
                rows.append((s, a, y, base * (a + 1) + (y - 2020) / 100))
    data = pd.DataFrame(rows, columns=["sex", "age", "year", "value"])
    return Table(name="by_year", kind="qx", meta=_meta(), data=data)


def test_to_array_shapes_and_values(by_year):
    out = by_year.to_array(range(3), [2021, 2020])
    assert out.shape == (2, 2, 3)
    np.testing.assert_allclose(out[0, 0], [0.11, 0.21, 0.31])
    np.testing.assert_allclose(out[1, 1], [0.05, 0.10, 0.15])
    np.testing.assert_array_equal(by_year.years, [2020, 2021, 2022])


def test_to_array_years_beyond(by_year):
    with pytest.raises(TableError) as err:
        by_year.to_array(range(3), [2019, 2021, 2025])
    assert err.value.source == "by_year" and err.value.value == [2019, 2025]
    out = by_year.to_array(range(3), [2019, 2021, 2025], beyond="hold")
    np.testing.assert_array_equal(out[0], by_year.to_array(range(3), [2020])[0])
    np.testing.assert_array_equal(out[2], by_year.to_array(range(3), [2022])[0])
    with pytest.raises(TableError, match="pass the years"):
        by_year.to_array(range(3))
    with pytest.raises(TableError, match="unknown rule"):
        by_year.to_array(range(3), [2020], beyond="extrapolate")


def test_to_array_ages_outside(by_year):
    # a qx table is closed above its last age with q = 1
    out = by_year.to_array([1, 2, 3, 4], [2020])
    np.testing.assert_allclose(out[0, 0], [0.2, 0.3, 1.0, 1.0])
    with pytest.raises(TableError) as err:
        by_year.to_array([-1, 0], [2020])
    assert err.value.message == "ages outside the table" and err.value.value == [-1]
    rate = Table(name="r", kind="rate", meta=_meta(),
                 data=by_year.data[by_year.data.year == 2020].drop(columns="year"))
    with pytest.raises(TableError, match="ages outside the table"):
        rate.to_array([0, 3])
    # a table without years is repeated over the years asked for
    np.testing.assert_array_equal(rate.to_array([0, 2], [2030, 2031])[1], rate.to_array([0, 2]))


def test_years_within_range_but_absent(tmp_path):
    rows = pd.DataFrame({"sex": "B", "age": 0, "year": [2000, 2005], "value": [1.0, 2.0]})
    t = Table(name="p", kind="ratio", meta=_meta(), data=rows)
    with pytest.raises(TableError, match="years not in the table"):
        t.to_array([0], [2003])


def test_from_qx_forms_and_validation():
    t = Table.from_qx({"M": [0.1, 1.0], "F": [0.2, 1.0]}, min_age=60)
    np.testing.assert_array_equal(t.to_array([60, 61]), [[0.1, 1], [0.2, 1]])
    t = Table.from_qx(np.array([[0.1, 1.0], [0.2, 1.0]]))
    assert t.sexes == ("M", "F") and t.meta.status == "unverified"
    t = Table.from_qx([0.3, 1.0])
    assert t.sexes == ("B",)
    with pytest.raises(TableError, match="probability outside"):
        Table.from_qx([0.3, 1.5])
    with pytest.raises(TableError, match="wrong shape"):
        Table.from_qx(np.zeros((3, 2)))


def test_meta_requires_status_and_source():
    with pytest.raises(TableError, match="unknown status"):
        TableMeta(source="x", status="official")
    with pytest.raises(TableError, match="missing source"):
        TableMeta(source=" ", status="derived")


# ---------------------------------------------------------------------- saving
def test_save_and_load_round_trip_exactly(tmp_path, by_year):
    rng = np.random.default_rng(1)
    data = by_year.data.copy()
    data["value"] = rng.uniform(0, 1, len(data))
    t = Table(name="rt", kind="qx", meta=_meta(extra={"note": "kept"}), data=data)
    path = save_table(t, tmp_path)
    back = load_table(path)
    pd.testing.assert_frame_equal(back.data, t.data)
    assert back.meta == t.meta
    # deterministic bytes
    first = path.read_bytes()
    save_table(t, tmp_path)
    assert path.read_bytes() == first


def test_save_refuses_unevenly_spaced_years(tmp_path):
    rows = pd.DataFrame({"sex": "B", "age": 0, "year": [2000, 2001, 2005], "value": 1.0})
    t = Table(name="uneven", kind="ratio", meta=_meta(), data=rows)
    with pytest.raises(TableError, match="not evenly spaced"):
        save_table(t, tmp_path)
    assert not (tmp_path / "uneven.csv").exists()


def test_header_only_csv_is_reported(tmp_path):
    p = _write(tmp_path, "sex,age,value\n", SIDE.format(kind="qx", sex="[M]", year=""))
    with pytest.raises(TableError, match="the table has no rows"):
        load_table(p)
    with pytest.raises(TableError, match="the table has no rows"):
        Table(name="empty", kind="qx", meta=_meta(),
              data=pd.DataFrame({"sex": [], "age": [], "value": []}))
