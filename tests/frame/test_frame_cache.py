"""The national frame is built once per set of frame inputs and handed down (issue 22).

:func:`actuary.frame.build.build_frame` keeps the frames it builds under
:func:`~actuary.frame.build.frame_key`, a digest of everything the frame reads. These
tests check both halves of that promise: a set (or an overlay) that changes no frame
input gets the frame already built, and a change in any frame input gives a new frame
equal to one built from nothing (never a stale one).
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from actuary.analysis.valuation import load_population
from actuary.assumptions import load_basis
from actuary.engine.build import build_basis, frame_entrants
from actuary.frame import build as fb
from actuary.tables.catalogue import DATA_DIR as TABLES

TO_YEAR = 2040  # short: the frame's cost grows with the years


@pytest.fixture(scope="module")
def aset():
    return load_basis()


@pytest.fixture(autouse=True)
def no_disk_cache(monkeypatch):
    """These tests are about the frames kept in memory: a frame "built from nothing" is
    built, not read back from the disk cache (tested in test_frame_disk_cache.py)."""
    monkeypatch.setattr(fb, "disk_key", lambda *args: None)


def _fresh(aset, to_year=TO_YEAR):
    """The frame built from nothing (nothing kept)."""
    fb.clear_frames()
    return fb.build_frame(aset, to_year)


def _arrays(obj) -> list[np.ndarray]:
    return [v for v in vars(obj).values() if isinstance(v, np.ndarray)]


def _same_numbers(a, b) -> bool:
    """Population, every economy path and the NSSF flows equal, exactly."""
    na, nb = a.flows["nssf"], b.flows["nssf"]
    pairs = [(a.projection.population, b.projection.population),
             *zip(_arrays(a.economy), _arrays(b.economy)), *zip(_arrays(na), _arrays(nb))]
    return all(x.shape == y.shape and np.array_equal(x, y, equal_nan=True) for x, y in pairs)


def test_the_same_set_gets_the_frame_already_built(aset):
    first = _fresh(aset)
    assert fb.build_frame(aset, TO_YEAR) is first
    # a set loaded again from the same files is the same inputs
    assert fb.build_frame(load_basis(), TO_YEAR) is first
    # another end year is another frame
    assert fb.build_frame(aset, TO_YEAR + 1) is not first


def test_an_overlay_that_moves_no_frame_input_reuses_the_frame(aset):
    first = _fresh(aset)
    for overrides in (
        {"scheme.parameters.contribution_rate.values": {"2025-01-01": 0.05}},
        {"scheme.parameters.accrual_rate.values": {"2022-10-01": 0.02}},
        {"demographic.mortality.scale": 1.1},  # the members' mortality, not the nation's
        {"horizon_years": 60},
    ):
        other = aset.override(overrides)
        assert other.content_hash() != aset.content_hash()
        assert fb.frame_key(other, TO_YEAR) == fb.frame_key(aset, TO_YEAR), overrides
        again = fb.build_frame(other, TO_YEAR)
        assert again.flows is first.flows and again.basis_name == other.name


@pytest.mark.parametrize("overrides", [
    {"frame.population.fertility.scale": 0.9},
    {"frame.labour.unemployment.values": {"2025-01-01": 0.05}},
    {"economic.wage_growth.values": {"2025-01-01": 0.06}},
    {"economic.price_inflation.values": {"2025-01-01": 0.05}},
    {"demographic.exit.scale": 0.5},             # the entrant flows read the member exits
    {"frame.population.migration.scale": 0.5},
])
def test_a_changed_frame_input_builds_a_new_frame_not_a_stale_one(aset, overrides):
    base = _fresh(aset)
    other = aset.override(overrides)
    assert fb.frame_key(other, TO_YEAR) != fb.frame_key(aset, TO_YEAR)
    kept = fb.build_frame(other, TO_YEAR)  # base is kept: must not be returned
    assert kept is not base and not _same_numbers(kept, base)
    assert _same_numbers(kept, _fresh(other))


def test_a_changed_table_file_builds_a_new_frame(aset, tmp_path):
    """The key holds the frame tables' files as the tables layer keeps them (size and
    modification time), not their names: a table rewritten on disk under the same name
    is a new frame input."""
    name = "wpp2024_cambodia_net_migration"
    for suffix in (".csv", ".yaml"):
        shutil.copy(TABLES / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    csv = tmp_path / f"{name}.csv"
    mine = aset.override({"frame.population.migration.table": str(csv)})
    before = _fresh(mine)
    assert _same_numbers(before, _fresh(aset))  # a copy of the shipped table: same frame
    key = fb.frame_key(mine, TO_YEAR)
    data = pd.read_csv(csv)
    data["value"] = 2.0 * data["value"]
    data.to_csv(csv, index=False)
    assert fb.frame_key(mine, TO_YEAR) != key
    after = fb.build_frame(mine, TO_YEAR)
    assert after is not before and not _same_numbers(after, before)
    assert _same_numbers(after, _fresh(mine))


def test_a_kept_frame_cannot_be_written_into(aset):
    frame = _fresh(aset)
    with pytest.raises(ValueError):
        frame.flows["nssf"].covered[0, 0, 20] = 1.0
    with pytest.raises(ValueError):
        frame.projection.population[0, 0, 0] = 0.0


def test_bases_built_with_the_kept_frame_equal_those_built_afresh(aset):
    population = load_population(aset, None)
    fb.clear_frames()
    fresh = build_basis(aset, population, 30)
    kept = build_basis(aset, population, 30)  # the frame kept by the first build
    assert np.array_equal(fresh.target_actives, kept.target_actives)
    assert np.array_equal(fresh.entrant_distribution, kept.entrant_distribution)
    # the basis owns its entrants: writing into them leaves the kept frame as it was
    entrants = frame_entrants(aset, 30)
    entrants["entrant_distribution"][0] = 0.0
    assert np.array_equal(frame_entrants(aset, 30)["entrant_distribution"],
                          fresh.entrant_distribution)


def test_frames_kept_are_bounded(aset):
    fb.clear_frames()
    for year in range(2026, 2026 + fb._KEPT + 3):
        fb.build_frame(aset, year)
    assert len(fb._FRAMES) == fb._KEPT
