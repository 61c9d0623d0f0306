"""The synthetic membership: reproducible, calibrated, marked synthetic, exact clocks."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from actuary.engine import starting_default as sd
from actuary.cli.main import main
from actuary.io.errors import DataError
from actuary.members.files import completed_years, read_table
from actuary.members.synth import (
    _bounded_lognormal_mean,
    _first_event,
    _solve_exit_scale,
    solve_wage_mu,
    synthesize,
    whole_months,
    write_synthetic,
)


@pytest.fixture(scope="module")
def aset():
    from actuary.assumptions import load_basis

    return load_basis()


@pytest.fixture(scope="module")
def big(aset):
    return synthesize(100_000, 2024, aset=aset)


def test_same_seed_same_files_other_seed_other_files(tmp_path, aset):
    a = synthesize(2000, 1, aset=aset)
    b = synthesize(2000, 1, aset=aset)
    c = synthesize(2000, 2, aset=aset)
    pd.testing.assert_frame_equal(a.members, b.members)
    assert not a.members.equals(c.members)
    p1, _, _ = write_synthetic(a, tmp_path / "one" / "m_synthetic.csv")
    p2, _, _ = write_synthetic(b, tmp_path / "two" / "m_synthetic.csv")
    assert p1.read_bytes() == p2.read_bytes()


def test_calibrated_to_the_default_population(big):
    m = big.members
    act = m[m["status"] == "active"]
    n = len(act)
    female = (act["sex"] == "F").mean()
    # binomial sampling error of the share: 4 standard deviations
    assert abs(female - sd.FEMALE_SHARE) < 4 * math.sqrt(sd.FEMALE_SHARE * (1 - sd.FEMALE_SHARE) / n)
    ratio = (m["status"] == "inactive").sum() / n
    assert ratio == pytest.approx(sd.INACTIVE_TOTAL / sd.ACTIVE_TOTAL, rel=0.03)
    target_months = sum(k * s for k, s in sd.MONTHS_MIX)
    assert act["credited_months"].mean() == pytest.approx(target_months, abs=0.1)
    for sex, wage in sd.AVERAGE_WAGE.items():
        assert act.loc[act["sex"] == sex, "insurable_wage"].mean() == pytest.approx(wage, rel=0.01)
    # ages: the default's active age distribution (total variation distance)
    rows, _ = sd.derive_nssf_default()
    t = rows[rows.status == "active"].groupby("age")["count"].sum()
    t = t / t.sum()
    born = act["birth_date"].to_numpy(dtype="datetime64[D]")
    ages = pd.Series(completed_years(born, np.full(n, np.datetime64("2025-01-01")))).value_counts(
        normalize=True)
    tv = 0.5 * (t.reindex(range(111), fill_value=0) - ages.reindex(range(111), fill_value=0)).abs().sum()
    assert tv < 0.02
    # wages within the floor and ceiling, whole riel
    assert m["insurable_wage"].between(400_000, 1_200_000).all()


def test_statuses_follow_the_rules(big):
    m = big.members
    d = {c: m[c].to_numpy(dtype="datetime64[D]") for c in ("birth_date", "entry_date", "status_date")}
    V = np.datetime64("2025-01-01")
    assert (d["status_date"] <= V).all() and (d["entry_date"] >= np.datetime64("2022-10-01")).all()
    act = m["status"].to_numpy() == "active"
    assert (d["status_date"][act] == d["entry_date"][act]).all()
    old = np.isin(m["status"].to_numpy(), ["retired", "refunded"])
    assert (completed_years(d["birth_date"][old], d["status_date"][old]) == 60).all()
    assert (m.loc[m["status"] == "retired", "credited_months"] >= 12).all()
    assert (m.loc[m["status"] == "refunded", "credited_months"] < 12).all()
    # credited months are the whole months of the active spell (actives: to the as-of date)
    months = whole_months(d["entry_date"][act], np.full(act.sum(), V))
    assert np.array_equal(months, m.loc[act, "credited_months"].to_numpy())
    p = big.pensioners
    assert len(p) == (m["status"] == "retired").sum()
    assert (p["monthly_amount"] == np.round(0.015 * 16.5 * m.loc[m["status"] == "retired",
                                                               "insurable_wage"].to_numpy())).all()


def test_marked_synthetic_everywhere(tmp_path, aset):
    res = synthesize(500, 3, aset=aset)
    assert res.members["member_id"].str.startswith("SYN").all()
    assert (res.members["synthetic"] == "yes").all() and (res.pensioners["synthetic"] == "yes").all()
    with pytest.raises(DataError, match="must contain 'synthetic'"):
        write_synthetic(res, tmp_path / "members.csv")
    members, pens, side = write_synthetic(res, tmp_path / "Members_SYNTHETIC.parquet")
    meta = yaml.safe_load(side.read_text())
    assert meta["synthetic"] is True and "SYNTHETIC" in meta["warning"]
    assert pens.name == "Members_SYNTHETIC_pensioners.parquet"
    back = read_table(members)
    assert (back["synthetic"] == "yes").all()
    assert back["member_id"].tolist() == res.members["member_id"].tolist()


def test_xlsx_output_reads_back_like_csv(tmp_path, aset):
    res = synthesize(300, 4, aset=aset)
    x, _, _ = write_synthetic(res, tmp_path / "a_synthetic.xlsx")
    c, _, _ = write_synthetic(res, tmp_path / "a_synthetic.csv")
    pd.testing.assert_frame_equal(read_table(x).drop(columns="__beyond_header"),
                                  read_table(c).drop(columns="__beyond_header"))


def test_bounded_lognormal_mean_against_numerical_integration():
    mu, sigma, lo, hi = math.log(900_000), 0.4, 400_000.0, 1_200_000.0
    z = np.linspace(-12, 12, 400_001)
    w = np.clip(np.exp(mu + sigma * z), lo, hi)
    pdf = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    numeric = np.trapezoid(w * pdf, z)
    assert _bounded_lognormal_mean(mu, sigma, lo, hi) == pytest.approx(numeric, rel=1e-9)
    m = solve_wage_mu(880_000.0, sigma, lo, hi)
    assert _bounded_lognormal_mean(m, sigma, lo, hi) == pytest.approx(880_000.0, rel=1e-12)
    with pytest.raises(DataError):
        solve_wage_mu(1_300_000.0, sigma, lo, hi)


def test_event_clock_is_exact_for_piecewise_constant_forces():
    # force 0.05 a year below age 40 and 0.2 from 40, same in every year
    mu = np.zeros((60, 2, 111))
    mu[:, :, :40] = 0.05
    mu[:, :, 40:] = 0.2
    n = 200_000
    rng = np.random.default_rng(0)
    birth = np.full(n, np.datetime64("1985-01-01"))
    start = np.full(n, np.datetime64("2015-01-01"))  # age 30
    end = np.full(n, np.datetime64("2035-01-01"))    # age 50
    ev = _first_event(mu, 2000, np.zeros(n, np.int64), birth, start, end, rng.exponential(size=n))
    years = ((end - start).astype(np.int64)) / 365.25
    # P(event by age 40) and by 50, from the cumulative force (10 years at each level,
    # the years counted in days / 365.25)
    to40 = (np.datetime64("2025-01-01") - start[0]).astype(np.int64) / 365.25
    p40 = 1 - math.exp(-0.05 * to40)
    p50 = 1 - math.exp(-0.05 * to40 - 0.2 * (years[0] - to40))
    hit40 = np.mean(~np.isnat(ev) & (ev < np.datetime64("2025-01-01")))
    hit50 = np.mean(~np.isnat(ev))
    for got, p in ((hit40, p40), (hit50, p50)):
        assert abs(got - p) < 4 * math.sqrt(p * (1 - p) / n)
    assert (ev[~np.isnat(ev)] >= start[0]).all() and (ev[~np.isnat(ev)] < end[0]).all()


def test_exit_scale_gives_the_ratio():
    A = np.array([1.0, 2.0, 3.0])
    He = np.array([0.1, 0.3, 0.5])
    k = _solve_exit_scale(A, He, 0.25)
    assert np.sum(A * np.expm1(k * He)) / A.sum() == pytest.approx(0.25, rel=1e-12)


def test_cli_synth_writes_files_and_report(tmp_path):
    out = tmp_path / "demo_synthetic.csv"
    res = CliRunner().invoke(main, ["data", "synth", "--members", "1000", "--seed", "9", "--out",
                                    str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    assert "SYNTHETIC membership: 1,000 members" in res.output
    for name in ("demo_synthetic.csv", "demo_synthetic_pensioners.csv", "demo_synthetic.yaml",
                 "demo_synthetic_report.xlsx"):
        assert (tmp_path / name).exists()
    bad = CliRunner().invoke(main, ["data", "synth", "--members", "10", "--seed", "1", "--out",
                                    str(tmp_path / "members.csv")])
    assert bad.exit_code == 1 and "must contain 'synthetic'" in bad.output


def test_a_scheme_without_floor_and_ceiling_is_refused(tmp_path):
    # the public-sector scheme has no wage floor: its wages cannot be drawn as the NSSF's
    res = CliRunner().invoke(main, ["data", "synth", "--members", "10", "--seed", "1", "--out",
                                    str(tmp_path / "ps_synthetic.csv"), "--basis",
                                    "public-sector-default"])
    assert res.exit_code == 1, res.output
    assert "public_sector_default.yaml" in res.output and "wage floor and ceiling" in res.output
    assert "value '0 / 10,000,000" in res.output and "Traceback" not in res.output
    assert not list(tmp_path.iterdir())
