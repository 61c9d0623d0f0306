"""The fast ways of reading a table against the plain ones: check_frame's grid check
without pandas (schema._complete_grid) against its pandas checks, and the CSV's numbers
read as numbers (reader.read_numbers) against the text. The same frame and dimensions
for every shipped table (in file order or shuffled), every defect still named by the
plain checks, as the file writes it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from actuary.io.errors import TableError
from actuary.tables import schema
from actuary.tables.catalogue import DATA_DIR
from actuary.tables import load_table
from actuary.tables.reader import read_numbers, read_rows, read_sidecar, sidecar_path
from actuary.tables.schema import Dimensions, check_frame

SHIPPED = sorted(DATA_DIR.glob("*.csv"))


def _pandas_checks(monkeypatch, rows, kind, declared):
    with monkeypatch.context() as m:
        m.setattr(schema, "_complete_grid", lambda *a: None)
        return check_frame(rows, kind, declared=declared)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_tables_checked_as_by_pandas(monkeypatch, path):
    _name, kind, _meta, declared = read_sidecar(sidecar_path(path))
    rows = read_rows(path)
    want, want_dims = _pandas_checks(monkeypatch, rows, kind, declared)
    shuffled = rows.iloc[np.random.default_rng(7).permutation(len(rows))].reset_index(drop=True)
    for given in (rows, shuffled):
        assert schema._complete_grid(*_parsed(given, kind), declared) is not None
        got, dims = check_frame(given, kind, declared=declared)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert list(got.dtypes) == list(want.dtypes) and isinstance(got.index, pd.RangeIndex)
        assert dims == want_dims


def _parsed(rows, kind):
    label = str
    sex = schema._parse_sex(rows["sex"], None, label)
    age = schema._parse_int(rows["age"], "age", None, label)
    year = schema._parse_int(rows["year"], "year", None, label) if "year" in rows else None
    return sex, age, year, schema._parse_value(rows["value"], kind, None, label)


GRID = pd.DataFrame({"sex": ["M", "M", "F", "F"], "age": [0, 1, 0, 1],
                     "year": [2020] * 4, "value": [0.1, 0.2, 0.3, 0.4]})
DECLARED = Dimensions(("M", "F"), 0, 1, (2020,))


@pytest.mark.parametrize("change, message", [
    ({"age": [0, 1, 0, 0]}, "duplicate key"),  # a cell twice, another missing: 4 rows
    ({"sex": ["M", "M", "B", "B"]}, "sex B mixed with M/F"),
    ({"year": [2020, 2020, 2020, 2021]}, "year not declared"),
    ({"age": [0, 1, 0, 2]}, "age outside the declared range"),
])
def test_a_defect_of_the_grid_is_named_by_the_pandas_checks(change, message):
    rows = GRID.assign(**change)
    assert schema._complete_grid(*_parsed(rows, "qx"), DECLARED) is None
    with pytest.raises(TableError) as err:
        check_frame(rows, "qx", declared=DECLARED)
    assert err.value.message == message


def test_sex_not_declared_and_undeclared_table_grid():
    rows = GRID.assign(sex=["M", "M", "F", "F"])
    with pytest.raises(TableError) as err:
        check_frame(rows, "qx", declared=Dimensions(("M",), 0, 1, (2020,)))
    assert err.value.message == "sex not declared"
    # no declared dimensions: the ages found make the grid
    rows = GRID.assign(age=[3, 4, 4, 3])
    frame, dims = check_frame(rows, "qx")
    assert dims == Dimensions(("M", "F"), 3, 4, (2020,))
    assert frame["value"].tolist() == [0.1, 0.2, 0.4, 0.3]
    with pytest.raises(TableError) as err:
        check_frame(GRID.assign(age=[3, 4, 4, 5]), "qx")
    assert err.value.message == "missing ages"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_tables_read_as_numbers_as_from_their_text(path):
    _name, kind, _meta, declared = read_sidecar(sidecar_path(path))
    numbers = read_numbers(path)
    assert numbers is not None  # the fast path is the one a run takes
    got, dims = check_frame(numbers, kind, declared=declared)
    want, want_dims = check_frame(read_rows(path), kind, declared=declared)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert dims == want_dims


SIDE = "kind: {kind}\nsource: test\nstatus: derived\ndimensions: {{sex: [M], age: [0, 2]}}\n"


def _table(tmp_path, rows: str, kind: str = "qx"):
    (tmp_path / "t.csv").write_text("sex,age,value\n" + rows)
    (tmp_path / "t.yaml").write_text(SIDE.format(kind=kind))
    return tmp_path / "t.csv"


def test_numbers_written_in_other_ways_are_read_as_from_their_text(tmp_path):
    # whole ages written with a decimal point, exponents, digits past double precision,
    # a space before a number: the numbers the text gives, to the last bit
    p = _table(tmp_path, "M,0.0,1e-1\nM,1,0.30000000000000004441\nM,2.0, 1\n")
    assert read_numbers(p) is not None
    got = load_table(p).data
    want, _ = check_frame(read_rows(p), "qx", declared=Dimensions(("M",), 0, 2, None))
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got["value"].tolist() == [0.1, float("0.30000000000000004441"), 1.0]


@pytest.mark.parametrize("rows, message, value", [
    ("M,0,0.1\nM,1,1.20\nM,2,1\n", "probability outside [0, 1]", "1.20"),  # as written
    ("M,0,0.1\nM,1,nan\nM,2,1\n", "value is not a number", "nan"),
    ("M,0,0.1\nM,1,1e999\nM,2,1\n", "value is not a number", "1e999"),
    ("M,0,0.1\nM,1,1_0\nM,2,1\n", "probability outside [0, 1]", "1_0"),  # float('1_0')
    ("M,0,0.1\n\nM,2,1\n", "unknown sex", ""),
    ("M,0,0.1\nM,1,true\nM,2,1\n", "value is not a number", "true"),
])
def test_a_bad_cell_is_named_as_the_file_writes_it(tmp_path, rows, message, value):
    p = _table(tmp_path, rows)
    with pytest.raises(TableError) as err:
        load_table(p)
    assert err.value.message == message and str(err.value.value) == value
