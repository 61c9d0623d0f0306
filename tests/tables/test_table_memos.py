"""What the tables layer keeps between calls, and that it never serves what is stale:
the arrays a table hands out (Table.to_array, kept by grid) and the resolved path of a
table file (kept by the file it reaches: a link pointed elsewhere, a file replaced or
rewritten is read again)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from actuary.io.errors import TableError
from actuary.tables import catalogue, load_table

GOOD = Path(__file__).parents[1] / "data" / "bases" / "good" / "tables"


def _by_hand(table, ages, years=None):
    """The table's values on a grid read from its rows with pandas (no array code)."""
    data = table.data.set_index([c for c in ("year", "sex", "age") if c in table.data])["value"]
    sexes = ["B", "B"] if table.sexes == ("B",) else ["M", "F"]
    if years is None:
        return np.array([[data[(s, a)] for a in ages] for s in sexes])
    return np.array([[[data[(min(max(y, table.years[0]), table.years[-1]), s, a)] for a in ages]
                      for s in sexes] for y in years])


def test_arrays_are_the_tables_values_and_each_callers_own():
    table = load_table("placeholder_cambodia_exit")
    ages = range(20, 60)
    first = table.to_array(ages)
    np.testing.assert_array_equal(first, _by_hand(table, ages))
    first[:] = -1.0  # the caller's own array
    again = table.to_array(ages)
    np.testing.assert_array_equal(again, _by_hand(table, ages))
    assert again is not table.to_array(ages)
    # the same grid written as an array, a list and a range: the same values
    for grid in (np.arange(20, 60), list(range(20, 60)), np.arange(20.0, 60.0)):
        np.testing.assert_array_equal(table.to_array(grid), again)
    # another grid is its own
    np.testing.assert_array_equal(table.to_array(range(30, 40)), _by_hand(table, range(30, 40)))


def test_arrays_by_year_follow_the_years_and_the_rule_beyond():
    table = load_table("wpp2024_cambodia_qx")
    ages = range(0, 111)
    years = np.arange(2025, 2031)
    np.testing.assert_array_equal(table.to_array(ages, years), _by_hand(table, ages, years))
    late = np.arange(table.years[-1] - 1, table.years[-1] + 3)
    with pytest.raises(TableError, match="years outside the table's range"):
        table.to_array(ages, late)
    held = table.to_array(ages, late, beyond="hold")
    np.testing.assert_array_equal(held, _by_hand(table, ages, late))
    with pytest.raises(TableError, match="years outside the table's range"):  # raised again
        table.to_array(ages, late)


def test_errors_are_raised_every_time_and_not_kept():
    table = load_table("placeholder_cambodia_exit")
    for _ in range(2):
        with pytest.raises(TableError, match="ages outside the table"):
            table.to_array(range(5, 20))
        with pytest.raises(TableError, match="unknown rule"):
            table.to_array(range(20, 30), [2030], beyond="later")
    assert all(key[0] != ("range", 5, 20, 1) for key in table.__dict__.get("_arrays", {}))


def test_fill_of_a_missing_sex_is_part_of_what_is_kept():
    from actuary.tables.catalogue import Table

    exit_ = load_table("placeholder_cambodia_exit")
    women = exit_.data[exit_.data["sex"] == "F"]
    table = Table(name="women", kind=exit_.kind, meta=exit_.meta, data=women)
    zero, nine = table.to_array(range(20, 25), sex_fill=0.0), table.to_array(range(20, 25), sex_fill=9.0)
    assert (zero[0] == 0.0).all() and (nine[0] == 9.0).all()
    np.testing.assert_array_equal(zero[1], exit_.to_array(range(20, 25))[1])
    np.testing.assert_array_equal(nine[1], zero[1])
    with pytest.raises(TableError, match="no values for this sex"):
        table.to_array(range(20, 25))


def test_the_arrays_kept_stay_bounded():
    table = load_table("placeholder_cambodia_exit")
    for first in range(15, 80):
        assert table.to_array(range(first, first + 5)).shape == (2, 5)
    assert len(table.__dict__["_arrays"]) <= 32


def _table_at(folder: Path, name: str, value: str) -> Path:
    """A user table ``folder/name.csv`` (and sidecar) of one flat rate ``value``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = "sex,age,value\n" + "".join(f"B,{a},{value}\n" for a in range(15, 111))
    (folder / f"{name}.csv").write_text(rows)
    side = (GOOD / "exit_flat.yaml").read_text().replace("name: exit_flat", f"name: {name}")
    (folder / f"{name}.yaml").write_text(side)
    return folder / f"{name}.csv"


def test_a_table_rewritten_or_replaced_is_read_again(tmp_path):
    csv = _table_at(tmp_path, "flat", "0.05")
    assert load_table(csv).to_array([40])[0, 0] == 0.05
    csv.write_text(csv.read_text().replace("0.05", "0.07"))  # same size, in place
    os.utime(csv, ns=(csv.stat().st_atime_ns, csv.stat().st_mtime_ns + 10**9))
    assert load_table(csv).to_array([40])[0, 0] == 0.07
    other = _table_at(tmp_path / "new", "flat", "0.0123")
    os.replace(other, csv)  # another file in its place
    assert load_table(csv).to_array([40])[0, 0] == 0.0123


def test_a_link_pointed_elsewhere_reaches_the_other_table(tmp_path):
    """The resolved path is kept by the file the path reaches: a link (here a folder's,
    as a study's ``current -> v1`` would be) pointed at another version is resolved
    again, even where the two files have the same size and time."""
    one = _table_at(tmp_path / "v1", "flat", "0.05")
    two = _table_at(tmp_path / "v2", "flat", "0.06")
    os.utime(two, ns=(one.stat().st_atime_ns, one.stat().st_mtime_ns))
    link = tmp_path / "current"
    link.symlink_to(tmp_path / "v1", target_is_directory=True)
    through = link / "flat.csv"
    assert load_table(through).to_array([40])[0, 0] == 0.05
    assert catalogue.table_file_key(through)[0] == str(one.resolve())
    link.unlink()
    link.symlink_to(tmp_path / "v2", target_is_directory=True)
    assert catalogue.table_file_key(through)[0] == str(two.resolve())
    assert load_table(through).to_array([40])[0, 0] == 0.06


def test_a_relative_path_is_resolved_from_the_working_folder_of_the_call(tmp_path, monkeypatch):
    _table_at(tmp_path / "a", "flat", "0.05")
    _table_at(tmp_path / "b", "flat", "0.06")
    for folder, want in (("a", 0.05), ("b", 0.06), ("a", 0.05)):
        monkeypatch.chdir(tmp_path / folder)
        assert load_table("./flat.csv").to_array([40])[0, 0] == want


def test_a_missing_table_is_reported_every_time(tmp_path):
    csv = _table_at(tmp_path, "flat", "0.05")
    load_table(csv)
    shutil.rmtree(tmp_path)
    for _ in range(2):
        with pytest.raises(TableError, match="unknown table"):
            load_table(csv)
