"""Checked tables kept on disk between runs (actuary.tables.kept): a table read back is
the one read (rows, types, index, metadata, dimensions, digest), a file with a problem
is never kept and is reported as without the cache, and an entry is never served for
other files or other code: changed bytes, a changed sidecar, a damaged entry, a file
changed while it was read."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from actuary.io import diskcache
from actuary.io.errors import TableError
from actuary.tables import DATA_DIR, Table, kept
from actuary.tables.digest import _table_digest
from actuary.tables.reader import read_checked

GOOD = Path(__file__).parents[1] / "data" / "bases" / "good" / "tables"
SHIPPED = ["wpp2024_cambodia_qx", "placeholder_cambodia_exit", "placeholder_cambodia_entrant_age"]


@pytest.fixture
def reads(monkeypatch):
    """The paths the files were read and checked from (a miss each)."""
    seen: list[Path] = []

    def counted(path):
        seen.append(path)
        return read_checked(path)

    monkeypatch.setattr(kept, "read_checked", counted)
    return seen


def _same(a: Table, b: Table) -> None:
    assert (a.name, a.kind, a.meta, a._dims) == (b.name, b.kind, b.meta, b._dims)
    pd.testing.assert_frame_equal(a.data, b.data, check_exact=True)
    assert list(a.data.dtypes) == list(b.data.dtypes)
    assert a.data.index.equals(b.data.index) and type(a.data.index) is type(b.data.index)
    np.testing.assert_array_equal(a._cube, b._cube)
    assert not a._cube.flags.writeable and not b._cube.flags.writeable


@pytest.mark.parametrize("name", SHIPPED)
def test_a_table_read_back_is_the_table_read(disk_cache, reads, name):
    path = DATA_DIR / f"{name}.csv"
    first = kept.checked_table(path, Table)
    again = kept.checked_table(path, Table)
    assert reads == [path]  # read and checked once; the second from the cache
    assert len(list(disk_cache.glob("table-*.pickle"))) == 1
    afresh = Table._from_checked(*read_checked(path))
    _same(first, afresh)
    _same(again, afresh)
    assert again._actuary_digest == _table_digest(afresh)  # the digest kept is the table's
    ages = range(0, 111) if name.endswith("qx") else range(15, 111)
    years = [2030, 2031] if afresh.years is not None else None
    np.testing.assert_array_equal(again.to_array(ages, years), afresh.to_array(ages, years))


def _table_at(folder: Path, value: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = "sex,age,value\n" + "".join(f"B,{a},{value}\n" for a in range(15, 111)) + extra
    (folder / "flat.csv").write_text(rows)
    (folder / "flat.yaml").write_text((GOOD / "exit_flat.yaml").read_text())
    return folder / "flat.csv"


def test_changed_bytes_are_read_again(disk_cache, reads, tmp_path):
    csv = _table_at(tmp_path / "t", "0.05")
    assert kept.checked_table(csv, Table).to_array([40])[0, 0] == 0.05
    csv.write_text(csv.read_text().replace("0.05", "0.07"))  # same size
    os.utime(csv, ns=(0, 0))  # and any time: the bytes decide
    assert kept.checked_table(csv, Table).to_array([40])[0, 0] == 0.07
    side = csv.with_suffix(".yaml")
    side.write_text(side.read_text().replace("status: unverified", "status: derived"))
    assert kept.checked_table(csv, Table).meta.status == "derived"
    assert len(reads) == 3
    assert kept.checked_table(csv, Table).meta.status == "derived" and len(reads) == 3


def test_the_same_bytes_elsewhere_are_read_for_their_own_path(disk_cache, reads, tmp_path):
    a, b = _table_at(tmp_path / "a", "0.05"), _table_at(tmp_path / "b", "0.05")
    kept.checked_table(a, Table)
    kept.checked_table(b, Table)
    assert reads == [a, b]


def test_other_code_has_other_entries(disk_cache, reads, tmp_path, monkeypatch):
    csv = _table_at(tmp_path, "0.05")
    before = kept.content_key(csv)
    monkeypatch.setattr(diskcache, "_STAMP", "another version of the toolkit")
    assert kept.content_key(csv) != before
    kept.checked_table(csv, Table)
    monkeypatch.setattr(kept.pd, "__version__", "0.0")
    assert kept.content_key(csv) != before
    kept.checked_table(csv, Table)
    assert len(reads) == 2


@pytest.mark.parametrize("extra, message", [
    ("B,111,x\n", "line 98"),  # a cell that is not a number, named as written
    ("B,15,0.05\n", "duplicate key"),  # a row twice
])
def test_a_file_with_a_problem_is_never_kept(disk_cache, reads, tmp_path, extra, message):
    csv = _table_at(tmp_path, "0.05", extra)
    with pytest.raises(TableError) as want:
        read_checked(csv)
    assert message in str(want.value)
    for _ in range(2):
        with pytest.raises(TableError) as got:
            kept.checked_table(csv, Table)
        assert str(got.value) == str(want.value)
    assert len(reads) == 2 and not list(disk_cache.glob("table-*"))


def test_a_missing_sidecar_is_reported_as_without_the_cache(disk_cache, tmp_path):
    csv = _table_at(tmp_path, "0.05")
    kept.checked_table(csv, Table)
    csv.with_suffix(".yaml").unlink()
    with pytest.raises(TableError, match="metadata sidecar not found"):
        kept.checked_table(csv, Table)


def test_a_damaged_entry_is_a_miss(disk_cache, reads, tmp_path):
    csv = _table_at(tmp_path, "0.05")
    kept.checked_table(csv, Table)
    (entry,) = disk_cache.glob("table-*.pickle")
    for damage in (b"", b"not a pickle", entry.read_bytes()[:100]):
        entry.write_bytes(damage)
        assert kept.checked_table(csv, Table).to_array([40])[0, 0] == 0.05
    import pickle

    entry.write_bytes(pickle.dumps(("flat", "rate")))  # another layout
    assert kept.checked_table(csv, Table).to_array([40])[0, 0] == 0.05
    assert len(reads) == 5
    assert kept.checked_table(csv, Table).to_array([40])[0, 0] == 0.05 and len(reads) == 5


def test_a_file_changed_while_it_was_read_is_not_kept(disk_cache, tmp_path, monkeypatch):
    csv = _table_at(tmp_path, "0.05")

    def read_then_changed(path):
        got = read_checked(path)
        path.write_text(path.read_text().replace("0.05", "0.06"))
        return got

    monkeypatch.setattr(kept, "read_checked", read_then_changed)
    assert kept.checked_table(csv, Table).to_array([40])[0, 0] == 0.05
    assert not list(disk_cache.glob("table-*"))
    monkeypatch.setattr(kept, "read_checked", read_checked)
    assert kept.checked_table(csv, Table).to_array([40])[0, 0] == 0.06


def test_an_unwritable_cache_folder_only_means_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(blocker))  # a file: no folder can be made in it
    csv = _table_at(tmp_path / "t", "0.05")
    for _ in range(2):
        assert kept.checked_table(csv, Table).to_array([40])[0, 0] == 0.05


def test_the_entries_kept_stay_bounded(disk_cache, reads, tmp_path, monkeypatch):
    monkeypatch.setattr(kept, "_KEPT_ON_DISK", 3)
    paths = [_table_at(tmp_path / f"t{i}", f"0.0{i}") for i in range(1, 6)]
    for csv in paths:
        kept.checked_table(csv, Table)
        assert len(list(disk_cache.glob("table-*.pickle"))) <= 3
    kept.checked_table(paths[-1], Table)  # the newest is kept
    assert len(reads) == 5


def test_no_source_stamp_means_the_table_is_read_without_a_cache(disk_cache, reads, monkeypatch):
    """An install without .py sources (a zip, byte code only) has no stamp: no cache
    entry, and the table is read as without one, not an error."""
    def unlisted():
        raise FileNotFoundError("the package is in a zip file")

    monkeypatch.setattr(diskcache, "source_stamp", unlisted)
    path = DATA_DIR / f"{SHIPPED[0]}.csv"
    assert kept.content_key(path) is None
    first = kept.checked_table(path, Table)
    _same(kept.checked_table(path, Table), first)
    assert reads == [path, path] and not list(disk_cache.glob("table-*.pickle"))
