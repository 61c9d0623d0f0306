"""A million synthetic members through synth, check (and aggregation) and experience.

Each stage runs once (``benchmark.pedantic`` with one round: they are seconds long and
write files); the times and sizes go to ``extra_info`` and are printed. Nothing here
asserts a time. Run: ``pytest benchmarks/test_bench_members.py --benchmark-only -s``.
"""

from __future__ import annotations

import resource

import pytest

from actuary.members.aggregate import write_population
from actuary.assumptions import load_basis
from actuary.members.datacheck import CheckSettings, check_files
from actuary.members.experience import study, write_experience_table
from actuary.reports.datacheck import write_datacheck_workbook
from actuary.reports.experience import write_experience_workbook
from actuary.members.synth import synthesize, write_synthetic

N = 1_000_000
_STATE: dict = {}


@pytest.fixture(scope="module")
def aset():
    return load_basis()


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_synth_million(benchmark, aset, tmp_path_factory):
    folder = tmp_path_factory.mktemp("million")

    def run():
        res = synthesize(N, 2025, aset=aset)
        return res, write_synthetic(res, folder / "members_synthetic.csv")

    res, files = benchmark.pedantic(run, rounds=1, iterations=1)
    _STATE.update(files=files, folder=folder)
    benchmark.extra_info.update(members=N, pensioners=len(res.pensioners),
                                csv_mib=files[0].stat().st_size / 2**20, peak_mib=_peak_mib())
    print(f"\nsynth + write CSV: {benchmark.stats.stats.median:.2f} s, "
          f"{files[0].stat().st_size / 2**20:.0f} MiB")


def test_check_million(benchmark, aset):
    files, folder = _STATE["files"], _STATE["folder"]
    settings = CheckSettings.from_basis(aset)

    def run():
        r = check_files(files[0], settings, pensioners=files[1])
        write_population(r, folder / "population.csv", 1e12, reserve_source="benchmark")
        write_datacheck_workbook(r, folder / "check.xlsx")
        return r

    r = benchmark.pedantic(run, rounds=1, iterations=1)
    _STATE["members"] = r.members
    assert r.files[0].rows_used == N
    benchmark.extra_info.update(peak_mib=_peak_mib())
    print(f"\ncheck + population + workbook: {benchmark.stats.stats.median:.2f} s")


@pytest.mark.parametrize("decrement", ["death", "exit", "retirement"])
def test_experience_million(benchmark, aset, decrement):
    folder = _STATE["folder"]

    def run():
        res = study(_STATE["members"], decrement, aset, aset.valuation_date, synthetic=True)
        write_experience_table(res, aset, folder / f"{decrement}.csv")
        write_experience_workbook(res, folder / f"{decrement}.xlsx")
        return res

    res = benchmark.pedantic(run, rounds=1, iterations=1)
    tot = res.ae[(res.ae["sex"] == "M+F") & (res.ae["ages"] == "all")].iloc[0]
    benchmark.extra_info.update(events=int(tot.events), ae=float(tot.ae), peak_mib=_peak_mib())
    print(f"\nexperience {decrement}: {benchmark.stats.stats.median:.2f} s, "
          f"A/E {tot.ae:.4f} ({tot.ae_lower:.4f}-{tot.ae_upper:.4f})")
