"""The toolkit's small disk caches (actuary.io.diskcache): where they live, a miss, a hit,
a damaged entry read as a miss, a folder that cannot be written ignored, and the code's
stamp that names them."""

from __future__ import annotations

import errno
import os
import pickle

import numpy as np
import pytest

from actuary.io import diskcache


def test_the_folder_is_beside_numbas_cache_else_the_packages_pycache(disk_cache, monkeypatch):
    assert diskcache.cache_folder() == disk_cache
    path = diskcache.cache_path("frame", "ab" * 32, ".pickle")
    assert path == disk_cache / f"frame-{'ab' * 20}.pickle"  # 40 hex digits name it
    monkeypatch.delenv("NUMBA_CACHE_DIR")
    import actuary
    package = os.path.dirname(os.path.realpath(actuary.__file__))
    assert str(diskcache.cache_folder()) == os.path.join(package, "__pycache__")


def test_a_miss_then_a_hit_bit_for_bit(disk_cache):
    path = diskcache.cache_path("numbers", "0" * 64, ".npy")
    assert diskcache.load(path, np.load) is None  # nothing yet: a miss
    values = np.array([1.0, np.pi, -0.0, 1e-300])
    assert diskcache.store(path, lambda stream: np.save(stream, values))
    got = diskcache.load(path, np.load)
    assert got.tobytes() == values.tobytes() and got.dtype == values.dtype
    assert [p.name for p in disk_cache.iterdir()] == [path.name]  # no temporary file left


def test_pickled_objects_read_back_of_the_expected_type_only(disk_cache):
    path = diskcache.cache_path("thing", "1" * 64, ".pickle")
    value = {"a": (1, 2.5), "b": np.arange(3)}
    assert diskcache.store_pickle(path, value)
    got = diskcache.load_pickle(path, dict)
    assert got.keys() == value.keys() and np.array_equal(got["b"], value["b"])
    assert diskcache.load_pickle(path, list) is None  # another type: a miss


@pytest.mark.parametrize("damage", [b"", b"not a pickle", "truncated"])
def test_a_damaged_entry_is_a_miss(disk_cache, damage):
    path = diskcache.cache_path("thing", "2" * 64, ".pickle")
    diskcache.store_pickle(path, list(range(1000)))
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2] if damage == "truncated" else damage)
    assert diskcache.load_pickle(path) is None
    assert diskcache.load(path, lambda stream: np.load(stream, allow_pickle=False)) is None
    # an entry pickled from a class that no longer exists (another version's)
    path.write_bytes(pickle.dumps(1)[:2] + b"c_no_such_module\nThing\n.")
    assert diskcache.load_pickle(path) is None


def test_an_unwritable_folder_or_full_disk_is_silently_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    # the folder cannot be created (its parent is a file: refused even to root)
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(blocker))
    path = diskcache.cache_path("thing", "3" * 64, ".pickle")
    assert diskcache.store_pickle(path, [1, 2]) is False
    assert diskcache.load_pickle(path) is None

    # the disk fills while writing: no entry and no temporary file left behind
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    path = diskcache.cache_path("thing", "3" * 64, ".pickle")

    def full(stream):
        stream.write(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    assert diskcache.store(path, full) is False
    assert list(path.parent.iterdir()) == []
    # a value that cannot be pickled is no entry either, and no error
    assert diskcache.store_pickle(path, lambda: None) is False
    assert list(path.parent.iterdir()) == []


def test_the_source_stamp_changes_with_any_py_file_and_only_those(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    (package / "sub" / "__pycache__").mkdir(parents=True)
    (package / "a.py").write_text("x = 1\n")
    (package / "sub" / "b.py").write_text("y = 2\n")

    def stamp():
        monkeypatch.setattr(diskcache, "_STAMP", None)
        monkeypatch.setattr(diskcache, "_package_folders", lambda: [package])
        return diskcache.source_stamp()

    first = stamp()
    assert stamp() == first  # the same files: the same stamp
    (package / "sub" / "__pycache__" / "b.cpython.pyc").write_bytes(b"...")
    (package / "data.csv").write_text("1,2\n")
    assert stamp() == first  # byte code and data are not the source
    info = (package / "sub" / "b.py").stat()
    os.utime(package / "sub" / "b.py", ns=(info.st_atime_ns, info.st_mtime_ns + 1))
    touched = stamp()
    assert touched != first  # a file rewritten (its time)
    before = (package / "a.py").stat()
    (package / "a.py").write_text("x = 10\n")
    os.utime(package / "a.py", ns=(before.st_atime_ns, before.st_mtime_ns))  # the same time
    assert stamp() not in (first, touched)  # a file of another size
    (package / "sub" / "c.py").write_text("")
    assert len({first, touched, stamp()}) == 3  # a file added


def test_the_source_stamp_covers_every_folder_of_the_installed_package():
    import actuary
    import actuary.assumptions
    import actuary.tables

    folders = diskcache._package_folders()
    for module in (actuary, actuary.assumptions, actuary.tables):
        folder = os.path.dirname(os.path.realpath(module.__file__))
        assert any(folder == str(f) or folder.startswith(str(f) + os.sep) for f in folders), folder
    assert diskcache.source_stamp() == diskcache.source_stamp()  # kept once a process


def test_at_most_keep_entries_of_a_kind_the_oldest_written_removed(disk_cache):
    paths = [diskcache.cache_path("thing", f"{i:x}" * 64, ".pickle") for i in range(5)]
    for i, path in enumerate(paths):
        assert diskcache.store_pickle(path, i, keep=3)
        os.utime(path, ns=(10**18 + i, 10**18 + i))  # written in this order, whatever the clock
    other = diskcache.cache_path("other", "f" * 64, ".pickle")
    diskcache.store_pickle(other, "another kind", keep=1)
    assert sorted(p.name for p in disk_cache.iterdir()) == sorted(p.name for p in paths[2:] + [other])
    assert [diskcache.load_pickle(p) for p in paths] == [None, None, 2, 3, 4]


def test_no_source_to_stamp_is_an_oserror(tmp_path, monkeypatch):
    """A package of byte code only, or one in a zip file, has no stamp (its caller keeps
    no cache rather than one under a stamp that misses the code)."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.pyc").write_bytes(b"...")
    monkeypatch.setattr(diskcache, "_STAMP", None)
    monkeypatch.setattr(diskcache, "_package_folders", lambda: [tmp_path / "pkg"])
    with pytest.raises(OSError):
        diskcache.source_stamp()
    monkeypatch.setattr(diskcache, "_package_folders", lambda: [tmp_path / "app.zip" / "pkg"])
    with pytest.raises(OSError):
        diskcache.source_stamp()
