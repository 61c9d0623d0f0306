"""Speed of the member-level closed-group valuation (issue 6).

3 million synthetic members (``actuary.members.synth``, checked by ``actuary.members.datacheck``) valued
over 100 years on the default basis with the numba kernel (members outside, years
inside, alike members side by side in blocks of up to 256 (``LANES``), two threads), and the
vectorised numpy reference (years outside, members as arrays,
tests/reference_members.py) on a 300,000-member slice of the same file in the same
session: the ratio is per member. Peak memory is measured in a fresh process that
loads the members and values them (Linux: the resident peak, VmHWM, is reset just before
the valuation and read after it), so nothing else of the session counts.
Nothing here asserts a time. Run:
``pytest benchmarks/test_bench_closed_group.py --benchmark-only -s``.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from reference_members import value_members_reference

from actuary.assumptions import load_basis
from actuary.engine.build import start_rules
from actuary.members.closed_group import MemberSet, value_check_result, value_members
from actuary.members.datacheck import CheckSettings, check_files
from actuary.members.synth import synthesize, write_synthetic

N = 3_000_000
SLICE = 300_000
_TIMES: dict[str, float] = {}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """The synthetic members as checked arrays (saved for the memory probe) and the basis."""
    folder = tmp_path_factory.mktemp("closed_group")
    aset = load_basis()
    files = write_synthetic(synthesize(N, 2026, aset=aset), folder / "members_synthetic.parquet")
    result = check_files(files[0], CheckSettings.from_basis(aset), pensioners=files[1])
    members = MemberSet.from_check(result, start_rules(aset))
    run = value_check_result(result, aset, horizon=100)  # compiles the kernel once
    assert run.basis.n_years == 100
    arrays = folder / "members.npz"
    np.savez(arrays, **{f: getattr(members, f) for f in _ARRAYS if f != "ids"
                        and getattr(members, f) is not None})
    return members, run.basis, arrays


#: MemberSet's array fields, read from the class so a new one (months paid, contributions
#: paid) is sliced and saved with the others, not silently defaulted.
_ARRAYS = tuple(f.name for f in dataclasses.fields(MemberSet) if f.name != "synthetic")


def _slice(members: MemberSet, n: int) -> MemberSet:
    return MemberSet(synthetic=members.synthetic,
                     **{f: None if getattr(members, f) is None else getattr(members, f)[:n]
                        for f in _ARRAYS})


@pytest.mark.parametrize("parallel", [True, False], ids=["threads", "serial"])
def test_numba_3m_members_100_years(benchmark, prepared, parallel):
    """The default entry for a file this size (on numba's threads), then the one-thread
    entry that ``actuary valuate`` uses for its cells: seconds, and seconds a million
    members (the goal: under 0.3 s a million)."""
    members, basis, _ = prepared
    result = benchmark.pedantic(value_members, args=(basis, members),
                                kwargs={"parallel": parallel}, rounds=3, iterations=1)
    if parallel:
        _TIMES["numba_3m"] = benchmark.stats.stats.median
    per_million = benchmark.stats.stats.min * 1e6 / len(members)
    benchmark.extra_info.update(members=len(members), years=basis.n_years,
                                median_s=benchmark.stats.stats.median,
                                s_per_million_min=per_million)
    print(f"\nnumba ({'threads' if parallel else 'one thread'}): {len(members):,} members x "
          f"{basis.n_years} years: median {benchmark.stats.stats.median:.2f} s, min "
          f"{benchmark.stats.stats.min:.2f} s = {per_million:.3f} s a million")
    assert np.isfinite(result.pvfb)


def test_numba_and_numpy_on_the_same_slice(benchmark, prepared):
    members, basis, _ = prepared
    part = _slice(members, SLICE)
    numba_run = value_members(basis, part)
    import time

    t = time.perf_counter()
    for _ in range(3):
        value_members(basis, part)
    _TIMES["numba_slice"] = (time.perf_counter() - t) / 3
    pvfc, pvfb, adl = benchmark.pedantic(value_members_reference, args=(basis, part), rounds=1,
                                         iterations=1)
    _TIMES["numpy_slice"] = benchmark.stats.stats.median
    ratio = _TIMES["numpy_slice"] / _TIMES["numba_slice"]
    benchmark.extra_info.update(members=SLICE, numba_s=_TIMES["numba_slice"],
                                numpy_s=_TIMES["numpy_slice"], numpy_over_numba=ratio)
    print(f"\n{SLICE:,} members: numba {_TIMES['numba_slice']:.3f} s, numpy "
          f"{_TIMES['numpy_slice']:.2f} s: x{ratio:.1f}")
    np.testing.assert_allclose(numba_run.by_member["pvfb"], pvfb, rtol=1e-12, atol=1e-6)


_PROBE = textwrap.dedent("""
    import sys
    import numpy as np
    from actuary.assumptions import load_basis
    from actuary.engine.build import build_basis
    from actuary.members.closed_group import MemberSet, value_members
    from actuary.analysis.valuation import load_population

    def kib(field):
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return float(line.split()[1])

    aset = load_basis()
    basis = build_basis(aset, load_population(aset, None), horizon=100, closed_group=True)
    a = np.load(sys.argv[1])
    m = MemberSet(ids=np.arange(len(a["sex"])).astype(str), **{k: a[k] for k in a.files})
    before = kib("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak (VmHWM) to the current resident size
    v = value_members(basis, m)
    print(before / 1024, kib("VmHWM") / 1024)
""")


def test_peak_memory_of_a_3m_member_valuation(benchmark, prepared):
    _, _, arrays = prepared
    env = dict(os.environ)

    def probe():
        out = subprocess.run([sys.executable, "-c", _PROBE, str(arrays)], check=True,
                             capture_output=True, text=True, env=env)
        return [float(v) for v in out.stdout.split()]

    before, peak = benchmark.pedantic(probe, rounds=1, iterations=1)
    benchmark.extra_info.update(peak_mib=peak, before_valuation_mib=before)
    print(f"\npeak resident memory while valuing {N:,} members: {peak:.0f} MiB "
          f"({before:.0f} MiB before the valuation: imports, basis and members loaded)")
    assert Path(arrays).exists()
