"""check_frame's grid check without pandas (schema._complete_grid) against its pandas
checks: the same frame and dimensions for every shipped table, in file order or
shuffled, and every defect of the grid still named by the pandas checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from actuary.io.errors import TableError
from actuary.tables import schema
from actuary.tables.catalogue import DATA_DIR
from actuary.tables.reader import read_rows, read_sidecar, sidecar_path
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
