"""Labour force, sectors, coverage and new-entrant flows (actuary.frame.labour).

Checks: a sector split solved by hand, the identities of the labour frame (labour force,
employment, sectors, dated shares), the base-year calibration to the published counts
(NSSF 1.56 million, about 200,000 civil servants) and its agreement with the starting
population, and the flow identities of a scheme's coverage path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from actuary.assumptions import load_basis
from actuary.io.errors import AssumptionError
from actuary.frame.build import build_frame, entrant_arrays
from actuary.frame.labour import (
    SECTORS,
    fit_sector_shares,
    scheme_flows,
)
from actuary.frame.population import N_AGE
from actuary.engine.state import N_AGE as KERNEL_AGES

POPULATIONS = Path(__file__).resolve().parents[1] / "assumptions" / "data" / "populations"


@pytest.fixture(scope="module")
def aset():
    return load_basis()


@pytest.fixture(scope="module")
def frame(aset):
    return build_frame(aset, 2100)


# ---------------------------------------------------------------------- sector shares
def test_sector_split_by_hand():
    """Two ages of equal weight; sector B only at the first age; B's share 1/4.

    The fit must give B half of the first age (1/4 of all), A the rest."""
    E = np.array([1.0, 1.0])
    profiles = np.array([[1.0, 1.0], [1.0, 0.0]])
    shares = fit_sector_shares(E, np.array([0.75, 0.25]), profiles)
    assert shares == pytest.approx(np.array([[0.5, 1.0], [0.5, 0.0]]), abs=1e-12)


def test_sector_split_that_cannot_be_met():
    E = np.array([1.0, 1.0])
    profiles = np.array([[1.0, 1.0], [1.0, 0.0]])
    with pytest.raises(AssumptionError, match="cannot be met"):
        fit_sector_shares(E, np.array([0.25, 0.75]), profiles)  # B can hold at most 1/2


def test_labour_frame_identities(aset, frame):
    lab = frame.labour
    part = aset.frame.labour
    assert lab.years[0] == 2025 and lab.years[-1] == 2101
    assert np.all(lab.labour_force[:, :, :15] == 0)
    assert lab.employed == pytest.approx(lab.labour_force * (1 - 0.012))
    assert lab.sectors.sum(axis=0) == pytest.approx(lab.employed, rel=1e-10, abs=1e-9)
    # each sector's share of all employed of a sex is its dated share on 1 January
    for k, name in enumerate(SECTORS[:-1]):
        sec = getattr(part.sectors, name).share
        for s, sex in enumerate("MF"):
            want = getattr(sec, sex).yearly(2025, 2101, "start")
            got = lab.sectors[k, :, s].sum(axis=1) / lab.employed[:, s].sum(axis=1)
            assert got == pytest.approx(want, rel=1e-10)
    others = lab.sector("others")[:, 0].sum(1) / lab.employed[:, 0].sum(1)
    assert others[0] == pytest.approx(1 - 0.08 - 0.15 - 0.24 - 0.36)


def test_participation_level_is_the_lfs_2019_one(frame):
    """The table is scaled so the 2025 structure gives the LFS 2019 rates for ages 15+."""
    lab = frame.labour
    for s, epr in enumerate((0.763, 0.618)):
        rate = lab.labour_force[0, s].sum() / lab.population[0, s, 15:].sum()
        # the frame's base is the calibrated one, the table was scaled on the uncalibrated
        assert rate == pytest.approx(epr / 0.988, abs=0.01)


# ---------------------------------------------------------------------- calibration of coverage
def test_covered_workers_match_the_published_counts(frame):
    cal = frame.labour.calibration().set_index("scheme")
    assert cal.loc["nssf", "count_after"] == pytest.approx(1_560_000, rel=1e-12)
    assert cal.loc["public", "count_after"] == pytest.approx(200_000, rel=1e-12)
    for scheme in ("nssf", "public"):
        r = cal.loc[scheme]
        assert r["factor"] == pytest.approx(r["published_count"] / r["count_before"], rel=1e-12)
        assert r["date"] == "2025-01-01"
    nssf = frame.labour.coverage["nssf"].covered
    assert nssf[0].sum() == pytest.approx(1_560_000, rel=1e-12)
    assert np.all(nssf[:, :, 60:] == 0) and np.all(nssf[:, :, :15] == 0)
    print("\n" + frame.labour.calibration().to_string(index=False))


def test_nssf_coverage_agrees_with_the_starting_population(frame):
    """The valuation's starting population has the same 1,560,000 actives on 1 Jan 2025."""
    start = pd.read_csv(POPULATIONS / "nssf_default.csv")
    actives = start.loc[start.status == "active", "count"].sum()
    assert frame.labour.coverage["nssf"].covered[0].sum() == pytest.approx(actives, rel=1e-9)


def test_a_count_the_sector_cannot_hold_is_an_error(tmp_path):
    (tmp_path / "big.yaml").write_text(
        "name: big\nbase: cambodia-default\ndescription: x\noverrides:\n"
        "  frame.coverage.public.calibration.count: 900000\n", encoding="utf-8")
    with pytest.raises(AssumptionError, match=r"frame\.coverage\.public\.calibration\.count"):
        build_frame(load_basis(tmp_path / "big.yaml"), 2026)


def test_sector_shares_above_one_are_an_error(tmp_path):
    (tmp_path / "over.yaml").write_text(
        "name: over\nbase: cambodia-default\ndescription: x\noverrides:\n"
        "  frame.labour.sectors.public.share.F.values: {2025-01-01: 0.5}\n", encoding="utf-8")
    with pytest.raises(AssumptionError, match="add up to more than 1"):
        build_frame(load_basis(tmp_path / "over.yaml"), 2026)


# ---------------------------------------------------------------------- flows
def test_flows_by_hand():
    """One sex, ages 20 and 21: 100 covered at 20; next year 120 wanted at 21."""
    C = np.zeros((2, 2, N_AGE))
    C[0, 0, 20] = 100.0
    C[1, 0, 21] = 120.0
    q = np.zeros((1, 2, N_AGE))
    q[0, 0, 20] = 0.01
    e = np.zeros((2, N_AGE))
    e[0, 20] = 0.2
    inv = np.zeros((2, N_AGE))
    inv[0, 20] = 0.01
    r = np.zeros((2, N_AGE))
    I0 = np.zeros((2, N_AGE))
    I0[0, 20] = 50.0
    r[0, 20] = 0.3
    sal = np.ones((2, N_AGE))
    f = scheme_flows(C, 2025, q, e, r, inv, sal, np.array([1000.0, 1100.0]), inactive_start=I0)
    stay = 100 * (1 - 0.01 - 0.01 - 0.2)  # 78
    assert f.stayers[0, 0, 21] == pytest.approx(stay)
    assert f.reentrants[0, 0, 21] == pytest.approx(50 * 0.3)  # 15 of the 42 missing
    assert f.entrants[0, 0, 21] == pytest.approx(120 - stay - 15)  # 27
    assert f.exits[0, 0, 21] == pytest.approx(20.0)
    # inactive: 50 - deaths 0.5 - 15 back + 20 exits
    assert f.inactive[1, 0, 21] == pytest.approx(50 * 0.99 - 15 + 20)
    assert f.entrant_distribution[0].sum() == pytest.approx(1.0)
    assert f.target_actives[0] == pytest.approx(120.0)
    assert f.entrant_wage[0, 0, 21] == pytest.approx(12 * 1100.0)


def test_flow_identities_on_the_default(frame, aset):
    f = frame.flows["nssf"]
    C = f.covered
    lhs = C[1:]
    rhs = f.stayers + f.reentrants + f.entrants - f.excess_exits
    assert np.max(np.abs(lhs - rhs)) < 1e-6
    # everybody ever covered: covered + inactive changes only by deaths, invalidity, entrants
    from actuary.frame.build import _rates

    inv = _rates(aset, "invalidity")
    inv[:, -1] = 0.0
    lost_inv = (C[:-1] * inv[None]).sum(axis=(1, 2))
    before = C[:-1].sum(axis=(1, 2)) + f.inactive[:-1].sum(axis=(1, 2))
    after = C[1:].sum(axis=(1, 2)) + f.inactive[1:].sum(axis=(1, 2))
    change = f.entrants.sum(axis=(1, 2)) - f.deaths.sum(axis=(1, 2)) - lost_inv
    assert after - before == pytest.approx(change, rel=1e-9, abs=1e-6)
    assert f.entrant_distribution.sum(axis=(1, 2)) == pytest.approx(np.ones(len(f.years)))
    assert np.all(f.entrants >= 0) and np.all(f.reentrants >= 0) and np.all(f.excess_exits >= 0)
    # entrants' wages average the frame's average wage on the base covered population
    w0 = (C[0] * f.entrant_wage[0]).sum() / C[0].sum() / 12
    assert w0 == pytest.approx(frame.economy.average_wage[1], rel=1e-12)


def test_arrays_for_the_scheme_projection(aset):
    arrays = entrant_arrays(aset, "nssf", horizon=10)
    assert arrays["target_actives"].shape == (10,)
    assert arrays["entrant_distribution"].shape == (10, 2, KERNEL_AGES)
    assert arrays["entrant_wage"].shape == (10, 2, KERNEL_AGES)
    assert arrays["entrant_distribution"].sum(axis=(1, 2)) == pytest.approx(np.ones(10))
    with pytest.raises(AssumptionError, match="no coverage for this scheme"):
        entrant_arrays(aset, "self_employed", horizon=2)


def test_tables_are_tidy(frame):
    tables = frame.tables()
    for name in ("population_summary", "population_by_age", "labour_summary", "labour_by_age",
                 "coverage_calibration", "economy", "economy_consistency", "flows_summary",
                 "flows_by_age", "wpp_comparison", "national_comparison", "calibration"):
        assert name in tables and not tables[name].empty, name
    by_age = tables["labour_by_age"]
    assert not by_age.duplicated(["year", "sex", "age"]).any()
    long = frame.long()
    assert list(long.columns) == ["table", "year", "sex", "age", "key", "variable", "value"]
    one = long[(long.table == "labour_summary") & (long.year == 2025) & (long.variable == "covered_nssf")]
    assert one["value"].iloc[0] == pytest.approx(1_560_000)
