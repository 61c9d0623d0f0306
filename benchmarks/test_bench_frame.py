"""The national frame built once per set of frame inputs (issue 22): what it saves.

``build_basis`` of the default set (entrants from the frame) four ways in the same
session: with no frame kept, in memory or on disk (what every basis cost before: the
frame projected again), with the frame read from the disk cache (a new process's first
basis), with the frame kept in memory (every basis after the first), and with the
entrants given (the floor: no frame at all). Then the default's sensitivity table, frames forgotten before
every basis against frames kept. Ratios are in ``extra_info`` and printed; nothing
here asserts a time (``python -m pytest benchmarks --benchmark-only``).
"""

from __future__ import annotations

import pytest

from actuary.analysis.sensitivity import sensitivity_table
from actuary.analysis.valuation import load_population, run_valuation
from actuary.assumptions import load_basis
from actuary.engine.build import build_basis, frame_entrants
from actuary.frame import build as frame_build

_TIMES: dict[str, float] = {}


@pytest.fixture(scope="module")
def inputs():
    aset = load_basis()
    population = load_population(aset, None)
    build_basis(aset, population)  # tables read, the frame kept, outside the timings
    return aset, population


def _record(benchmark, name: str) -> None:
    _TIMES[name] = benchmark.stats.stats.min
    benchmark.extra_info["median_ms"] = 1e3 * benchmark.stats.stats.median
    benchmark.extra_info["min_ms"] = 1e3 * benchmark.stats.stats.min


def test_basis_frame_built_every_time(benchmark, inputs, monkeypatch):
    aset, population = inputs
    monkeypatch.setattr(frame_build, "disk_key", lambda *args: None)  # no disk cache
    benchmark.pedantic(build_basis, args=(aset, population), setup=frame_build.clear_frames,
                       rounds=15, iterations=1)
    _record(benchmark, "rebuilt")


def test_basis_frame_read_from_disk(benchmark, inputs):
    """A new process's first basis: the frame not in memory, read from the disk cache
    (the fixture's build stored it)."""
    aset, population = inputs
    benchmark.pedantic(build_basis, args=(aset, population), setup=frame_build.clear_frames,
                       rounds=15, iterations=1)
    _record(benchmark, "disk")
    if "rebuilt" in _TIMES:
        benchmark.extra_info["rebuilt_over_disk"] = _TIMES["rebuilt"] / _TIMES["disk"]


def test_basis_frame_kept(benchmark, inputs):
    aset, population = inputs
    build_basis(aset, population)
    benchmark.pedantic(build_basis, args=(aset, population), rounds=15, iterations=1)
    _record(benchmark, "kept")
    if "rebuilt" in _TIMES:
        benchmark.extra_info["rebuilt_over_kept"] = _TIMES["rebuilt"] / _TIMES["kept"]


def test_basis_entrants_given(benchmark, inputs):
    aset, population = inputs
    entrants = frame_entrants(aset)
    benchmark.pedantic(build_basis, args=(aset, population), kwargs={"entrants": entrants},
                       rounds=15, iterations=1)
    _record(benchmark, "given")
    if {"rebuilt", "kept"} <= set(_TIMES):
        print(f"\nbuild_basis (fastest rounds): frame rebuilt {1e3 * _TIMES['rebuilt']:.1f} ms, "
              f"read from disk {1e3 * _TIMES.get('disk', float('nan')):.1f} ms, "
              f"kept {1e3 * _TIMES['kept']:.1f} ms, entrants given "
              f"{1e3 * _TIMES['given']:.1f} ms")


@pytest.fixture(scope="module")
def valuation(inputs):
    aset, population = inputs
    return run_valuation(aset, population)


def test_sensitivities_frames_forgotten(benchmark, valuation, monkeypatch):
    monkeypatch.setattr(frame_build, "_KEPT", 0)  # every basis projects its frame again
    monkeypatch.setattr(frame_build, "disk_key", lambda *args: None)
    benchmark.pedantic(sensitivity_table, args=(valuation,), setup=frame_build.clear_frames,
                       rounds=3, iterations=1)
    _record(benchmark, "sens_forgotten")


def test_sensitivities_frames_kept(benchmark, valuation):
    benchmark.pedantic(sensitivity_table, args=(valuation,), rounds=3, iterations=1)
    _record(benchmark, "sens_kept")
    if "sens_forgotten" in _TIMES:
        ratio = _TIMES["sens_forgotten"] / _TIMES["sens_kept"]
        benchmark.extra_info["forgotten_over_kept"] = ratio
        print(f"\nsensitivity table: frames forgotten {_TIMES['sens_forgotten']:.2f} s, "
              f"kept {_TIMES['sens_kept']:.2f} s (x{ratio:.2f})")
