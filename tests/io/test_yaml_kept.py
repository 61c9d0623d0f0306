"""Parsed YAML files kept on disk between runs (actuary.io.yamlio._parse_kept): what is
read back is what the text parses to, for every shipped file; a file with a problem is
never kept and is reported as without the cache; other text or other code is parsed
again; a damaged entry is a miss; the entries stay bounded."""

from __future__ import annotations

import pickle
from datetime import date
from pathlib import Path

import pytest

from actuary.io import diskcache, yamlio
from actuary.io.errors import AssumptionError, TableError

ROOT = Path(__file__).parents[2]
SHIPPED = sorted([*ROOT.glob("assumptions/data/**/*.yaml"), *ROOT.glob("tables/data/*.yaml")])


@pytest.fixture
def parses(monkeypatch):
    """The texts parsed (a miss each)."""
    seen: list[str] = []

    def counted(text, path, error, source):
        seen.append(text)
        return yamlio._parse_text.__wrapped__(text, path, error, source)

    counted.__wrapped__ = yamlio._parse_text
    monkeypatch.setattr(yamlio, "_parse_text", counted)
    return seen


def test_every_shipped_file_reads_back_as_it_parses(disk_cache, parses):
    assert len(SHIPPED) > 40
    for path in SHIPPED:
        first = yamlio._parse_mapping(path, AssumptionError)
        again = yamlio._parse_mapping(path, AssumptionError)
        assert again == yamlio._parse_text.__wrapped__(path.read_text(), path, AssumptionError,
                                                       str(path)) == first
        assert _types(again) == _types(first)  # a date stays a date, an int an int
    assert len(parses) == len({p.read_text() for p in SHIPPED})  # each text parsed once


def _types(node):
    if isinstance(node, dict):
        return {k: (type(k).__name__, _types(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_types(v) for v in node]
    return type(node).__name__


def test_read_mapping_gives_each_caller_its_own_copy(disk_cache, tmp_path):
    path = tmp_path / "set.yaml"
    path.write_text("a: {b: [1, 2]}\nwhen: 2025-01-01\n")
    first = yamlio.read_mapping(path)
    first["a"]["b"].append(3)
    yamlio._parse_cached.cache_clear()  # the next from the disk
    assert yamlio.read_mapping(path) == {"a": {"b": [1, 2]}, "when": date(2025, 1, 1)}


@pytest.mark.parametrize("text, message", [
    ("a: 1\na: 2\n", "line 2"),  # a key repeated
    ("when: 2025-02-30\n", "not a real calendar date"),
    ("- 1\n- 2\n", "not a mapping"),
    ("a: &x 1\nb: *x\n", "alias"),
])
def test_a_file_with_a_problem_is_never_kept(disk_cache, parses, tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(TableError) as want:
        yamlio._parse_text.__wrapped__(text, path, TableError, str(path))
    assert message in str(want.value)
    for _ in range(2):
        with pytest.raises(TableError) as got:
            yamlio._parse_mapping(path, TableError)
        assert str(got.value) == str(want.value)
    assert len(parses) == 2 and not list(disk_cache.glob("yaml-*"))


def test_other_text_or_other_code_is_parsed_again(disk_cache, parses, tmp_path, monkeypatch):
    path = tmp_path / "set.yaml"
    path.write_text("a: 1\n")
    assert yamlio._parse_mapping(path, AssumptionError) == {"a": 1}
    path.write_text("a: 2\n")
    assert yamlio._parse_mapping(path, AssumptionError) == {"a": 2}
    assert yamlio._parse_mapping(path, AssumptionError) == {"a": 2}
    assert len(parses) == 2
    monkeypatch.setattr(diskcache, "_STAMP", "another version of the toolkit")
    assert yamlio._parse_mapping(path, AssumptionError) == {"a": 2}
    monkeypatch.setattr(yamlio.yaml, "__version__", "0.0")
    assert yamlio._parse_mapping(path, AssumptionError) == {"a": 2}
    assert len(parses) == 4


def test_a_damaged_entry_is_a_miss(disk_cache, parses, tmp_path):
    path = tmp_path / "set.yaml"
    path.write_text("a: 1\n")
    yamlio._parse_mapping(path, AssumptionError)
    (entry,) = disk_cache.glob("yaml-*.pickle")
    for damage in (b"", b"junk", pickle.dumps(["not", "a", "mapping"])):
        entry.write_bytes(damage)
        assert yamlio._parse_mapping(path, AssumptionError) == {"a": 1}
    assert len(parses) == 4


def test_the_entries_kept_stay_bounded(disk_cache, tmp_path, monkeypatch):
    monkeypatch.setattr(yamlio, "_KEPT_ON_DISK", 3)
    path = tmp_path / "set.yaml"
    for i in range(6):
        path.write_text(f"a: {i}\n")
        assert yamlio._parse_mapping(path, AssumptionError) == {"a": i}
        assert len(list(disk_cache.glob("yaml-*.pickle"))) <= 3
