"""What a first run compiles (issue 21): each engine's first compilation, and the member
engine's two entries side by side.

* The first call of the cohort kernel and of the member engine (its serial entry, the
  one ``actuary valuate`` uses for the accrued rights, then its parallel entry), each
  in a fresh process with an empty numba cache: seconds of wall time, and the member
  engine's compilation as a multiple of the cohort kernel's (the worker process of
  :mod:`actuary.engine.ahead` compiles the member engine while the run compiles the
  cohort kernel, so a cold ``valuate`` waits for the longer of the two).
* The speed of the two entries on the same 300,000 synthetic members, per million
  members (the goal: under 0.3 s a million), and their ratio.
* A first valuation as ``actuary valuate`` runs it (the cohort kernel compiled by
  signature in a worker from the start, :mod:`actuary.engine.kernel_types`; the member
  engine compiled in the run meanwhile): the run loads the worker's kernel from the cache
  (a hit, no compilation of its own) and compiles the member engine once; a second
  process compiles nothing. Asserted (counts, not times), with the seconds reported.

All of it on numba's own path (``ACTUARY_NATIVE=0``): what a scheme whose types the
install did not compile for (a final-salary formula, retirement at any age), or a tree
without the modules compiled at install, pays on a first run (see
:mod:`actuary.engine.native`).

Nothing here asserts a time. Run:
``pytest benchmarks/test_bench_first_run.py --benchmark-only -s``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pytest

from actuary.analysis.valuation import load_population
from actuary.assumptions import load_basis
from actuary.engine.build import build_basis, start_rules
from actuary.members.closed_group import MemberSet, value_members
from actuary.members.datacheck import CheckSettings, check_files
from actuary.members.synth import synthesize, write_synthetic

_FIRST_CALLS = textwrap.dedent("""
    import json, time
    from actuary.assumptions import load_basis
    from actuary.analysis.valuation import load_population
    from actuary.engine.build import build_basis, start_rules
    from actuary.engine.projection import run_kernel
    from actuary.members.closed_group import MemberSet, value_members

    aset = load_basis()
    pop = load_population(aset, None)
    basis = build_basis(aset, pop)
    members = MemberSet.from_population(pop, start_rules(aset))
    out = {}
    for name, call in (("cohort", lambda: run_kernel(basis)),
                       ("member_serial", lambda: value_members(basis, members, parallel=False)),
                       ("member_parallel", lambda: value_members(basis, members, parallel=True))):
        t = time.perf_counter()
        call()
        out[name] = time.perf_counter() - t
    print(json.dumps(out))
""")


def test_first_compilation_of_each_engine(benchmark):
    def run():
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache, ACTUARY_NATIVE="0")
            done = subprocess.run([sys.executable, "-c", _FIRST_CALLS], env=env, check=True,
                                  capture_output=True, text=True)
        return json.loads(done.stdout.splitlines()[-1])

    times = benchmark.pedantic(run, rounds=1, iterations=1)
    ratio = times["member_serial"] / times["cohort"]
    benchmark.extra_info.update({f"{k}_s": v for k, v in times.items()},
                                member_serial_over_cohort=ratio,
                                parallel_over_serial=times["member_parallel"] /
                                times["member_serial"])
    print(f"\nfirst calls (compilation): cohort kernel {times['cohort']:.1f} s, member engine "
          f"serial {times['member_serial']:.1f} s (x{ratio:.2f} the cohort's), parallel "
          f"entry {times['member_parallel']:.1f} s more")
    assert all(v > 0 for v in times.values())


@pytest.fixture(scope="module")
def members_300k(tmp_path_factory):
    """300,000 synthetic members, checked, on the default basis (100 years)."""
    aset = load_basis()
    folder = tmp_path_factory.mktemp("first_run")
    files = write_synthetic(synthesize(300_000, 2027, aset=aset),
                            folder / "members_synthetic.parquet")
    result = check_files(files[0], CheckSettings.from_basis(aset), pensioners=files[1])
    members = MemberSet.from_check(result, start_rules(aset))
    basis = build_basis(aset, load_population(aset, None), horizon=100, closed_group=True)
    value_members(basis, members, parallel=False)  # compile (or load) outside the timings
    value_members(basis, members, parallel=True)
    return basis, members


@pytest.mark.parametrize("parallel", [False, True], ids=["serial", "parallel"])
def test_member_engine_entries_per_million(benchmark, members_300k, parallel):
    basis, members = members_300k
    got = benchmark.pedantic(value_members, args=(basis, members),
                             kwargs={"parallel": parallel}, rounds=3, iterations=1)
    per_million = benchmark.stats.stats.min * 1e6 / len(members)
    benchmark.extra_info.update(members=len(members), s_per_million_min=per_million)
    print(f"\nmember engine, {'parallel' if parallel else 'serial'} entry: "
          f"{per_million:.3f} s a million members (min of 3)")
    assert np.isfinite(got.adl)


_FIRST_VALUATION = textwrap.dedent("""
    import json, time
    t = time.perf_counter()
    from actuary.engine.kernel_types import compile_cohort_early

    started = compile_cohort_early()
    from actuary.analysis.valuation import valuate
    from actuary.engine.kernels import project_kernel
    from actuary.engine.member_entry import value_members_serial

    valuate(sensitivities=False)
    out = {"seconds": time.perf_counter() - t, "worker": started}
    for name, d in (("cohort", project_kernel), ("member", value_members_serial)):
        out[name] = [d.stats.cache_hits.total(), d.stats.cache_misses.total()]
    print(json.dumps(out))
""")


def test_first_valuation_compiles_each_engine_once(benchmark):
    """Cold: a worker compiles the cohort kernel, the run loads it (1 hit, 0 misses) and
    compiles the member engine itself (1 miss); warm: no worker, hits only."""
    def run():
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache, ACTUARY_NATIVE="0")
            got = [json.loads(subprocess.run([sys.executable, "-c", _FIRST_VALUATION],
                                             env=env, check=True, capture_output=True,
                                             text=True).stdout.splitlines()[-1])
                   for _ in range(2)]
        return got

    cold, warm = benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info.update(cold_s=cold["seconds"], warm_s=warm["seconds"])
    print(f"\nfirst valuation (no sensitivities, in-process): cold {cold['seconds']:.1f} s, "
          f"warm {warm['seconds']:.1f} s")
    assert cold["worker"] and cold["cohort"] == [1, 0] and cold["member"] == [0, 1]
    assert not warm["worker"] and warm["cohort"] == [1, 0] and warm["member"] == [1, 0]
