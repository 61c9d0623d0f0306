"""The population frame kept on disk between runs (actuary.frame.build.disk_key and
actuary.io.diskcache): a frame read back is the frame built, bit for bit and read-only;
any change of its inputs or of the code is another entry; a damaged entry is built again.
"""

from __future__ import annotations

import dataclasses
import math
import os
import shutil

import numpy as np
import pandas as pd
import pytest

from actuary.assumptions import load_basis
from actuary.frame import build as fb
from actuary.io import diskcache
from actuary.tables.catalogue import DATA_DIR as TABLES

TO_YEAR = 2035  # short: the frame's cost grows with the years


@pytest.fixture(scope="module")
def aset():
    return load_basis()


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """An empty cache folder of this test's own, nothing kept in memory before or after."""
    monkeypatch.setattr(diskcache, "cache_folder", lambda: tmp_path / "cache")
    fb.clear_frames()
    yield tmp_path / "cache"
    fb.clear_frames()


def _entries(folder):
    return sorted(folder.glob("frame-*.pickle"))


def _not_built(monkeypatch):
    def fail(*_args):
        raise AssertionError("built again, not read back")
    monkeypatch.setattr(fb, "_build", fail)


def _assert_identical(a, b, where="frame"):
    """``a`` and ``b`` the same tree: the same dataclasses, dict keys in order, arrays of
    the same dtype, shape and values (bit for bit: NaN where NaN, -0.0 where -0.0), both
    read-only and aligned, and the same numbers and strings of the same types."""
    assert type(a) is type(b), where
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), where
        assert a.tobytes() == b.tobytes(), where
        assert not a.flags.writeable and not b.flags.writeable, where
        assert a.flags.aligned and b.flags.aligned, where
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            _assert_identical(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for key in a:
            _assert_identical(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_identical(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), where
    else:
        assert a == b, where


def test_a_frame_read_back_is_the_frame_built(aset, folder, monkeypatch):
    built = fb.build_frame(aset, TO_YEAR)
    assert len(_entries(folder)) == 1
    fb.clear_frames()  # a new process: nothing in memory
    _not_built(monkeypatch)
    read = fb.build_frame(aset, TO_YEAR)
    assert read is not built
    _assert_identical(read, built)
    # arrays the same array in the frame built are one in the frame read back
    assert (read.projection.population is read.national.projection.population)
    with pytest.raises(ValueError):
        read.flows["nssf"].covered[0, 0, 20] = 1.0
    # and what is made of it: the tidy tables the reports write
    for name, table in built.tables().items():
        pd.testing.assert_frame_equal(read.tables()[name], table, check_exact=True, obj=name)
    # kept in memory once read: no second read
    monkeypatch.setattr(diskcache, "load_pickle", lambda *a, **k: pytest.fail("read again"))
    assert fb.build_frame(aset, TO_YEAR) is read


def test_another_set_name_with_the_same_inputs_reads_the_entry_under_its_name(aset, folder,
                                                                               monkeypatch):
    fb.build_frame(aset, TO_YEAR)
    fb.clear_frames()
    _not_built(monkeypatch)
    other = aset.override({"scheme.parameters.contribution_rate.values": {"2025-01-01": 0.05}})
    assert fb.build_frame(other, TO_YEAR).basis_name == other.name


def test_other_inputs_or_other_code_are_other_entries(aset, folder, monkeypatch):
    base = fb.disk_key(aset, TO_YEAR)
    fb.build_frame(aset, TO_YEAR)
    other = aset.override({"frame.population.fertility.scale": 0.9})
    assert fb.disk_key(other, TO_YEAR) != base
    assert fb.disk_key(aset, TO_YEAR + 1) != base
    changed = fb.build_frame(other, TO_YEAR)
    assert len(_entries(folder)) == 2
    fb.clear_frames()
    assert not np.array_equal(fb.build_frame(other, TO_YEAR).projection.population,
                              fb.build_frame(aset, TO_YEAR).projection.population)
    _assert_identical(fb.build_frame(other, TO_YEAR), changed)
    # another code stamp (a file of the package edited): another key, the frame built
    fb.clear_frames()
    monkeypatch.setattr(diskcache, "_STAMP", "another version of the code")
    assert fb.disk_key(aset, TO_YEAR) != base
    fb.build_frame(aset, TO_YEAR)
    assert len(_entries(folder)) == 3


def test_a_table_changed_keeping_its_size_and_time_is_another_entry(aset, folder, tmp_path):
    """The frame key names a table file by its size and time (enough within a process);
    on disk the key holds its contents too."""
    name = "wpp2024_cambodia_net_migration"
    for suffix in (".csv", ".yaml"):
        shutil.copy(TABLES / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    csv = tmp_path / f"{name}.csv"
    mine = aset.override({"frame.population.migration.table": str(csv)})
    before = fb.build_frame(mine, TO_YEAR)
    memory_key, key = fb.frame_key(mine, TO_YEAR), fb.disk_key(mine, TO_YEAR)
    info = csv.stat()
    lines = csv.read_text().split("\n")
    row = lines.index(next(line for line in lines if line.startswith("M,30,2030,")))
    sex, age, year, value = lines[row].split(",")
    # the first significant digit of the migrants of men aged 30 in 2030 changed: the size kept
    digit = next(c for c in value if c in "123456789")
    value = value.replace(digit, "9" if digit != "9" else "1", 1)
    lines[row] = ",".join((sex, age, year, value))
    csv.write_text("\n".join(lines))
    os.utime(csv, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert csv.stat().st_size == info.st_size and csv.stat().st_mtime_ns == info.st_mtime_ns
    assert fb.frame_key(mine, TO_YEAR) == memory_key  # unseen by the key in memory
    assert fb.disk_key(mine, TO_YEAR) != key          # seen by the key on disk
    fb.clear_frames()
    # a new process: the tables layer keeps loaded tables by size and time too
    from actuary.tables import catalogue
    catalogue._load_checked.cache_clear()
    after = fb.build_frame(mine, TO_YEAR)
    assert not np.array_equal(after.projection.population, before.projection.population)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "not a frame"])
def test_a_damaged_entry_is_built_again_and_replaced(aset, folder, damage):
    built = fb.build_frame(aset, TO_YEAR)
    (entry,) = _entries(folder)
    whole = entry.read_bytes()
    if damage == "garbage":
        entry.write_bytes(b"\x80\x05garbage")
    elif damage == "truncated":
        entry.write_bytes(whole[: len(whole) // 3])
    else:
        diskcache.store_pickle(entry, {"a": np.zeros(3)})
    fb.clear_frames()
    again = fb.build_frame(aset, TO_YEAR)
    _assert_identical(again, built)
    assert entry.read_bytes() == whole  # stored again, whole


def test_an_unwritable_cache_folder_only_means_no_cache(aset, tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    monkeypatch.setattr(diskcache, "cache_folder", lambda: blocker / "cache")
    fb.clear_frames()
    try:
        built = fb.build_frame(aset, TO_YEAR)
        fb.clear_frames()
        _assert_identical(fb.build_frame(aset, TO_YEAR), built)
    finally:
        fb.clear_frames()


def test_no_source_stamp_means_no_disk_cache(aset, folder, monkeypatch):
    def unlisted():
        raise FileNotFoundError("the package is in a zip file")
    monkeypatch.setattr(diskcache, "source_stamp", unlisted)
    assert fb.frame_key(aset, TO_YEAR) is not None and fb.disk_key(aset, TO_YEAR) is None
    fb.build_frame(aset, TO_YEAR)
    assert _entries(folder) == []
