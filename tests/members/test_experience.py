"""Experience studies: exposures by hand, against lifelines, intervals, graduation, tables."""

from __future__ import annotations

import re

import datetime as dt
import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from actuary.cli.main import main
from actuary.members.experience import (
    YEAR_DAYS,
    chi2_sf,
    exposures,
    fit_gm,
    fit_whittaker,
    gamma_pq,
    goodness_of_fit,
    graduate,
    lexis_segments,
    observations,
    poisson_interval,
    rates_by_age,
    study,
    survival_fits,
    survival_inputs,
    wilson_interval,
    write_experience_table,
)

D = dt.date


@pytest.fixture(scope="module")
def aset():
    from actuary.assumptions import load_basis

    return load_basis()


def members(rows: list[tuple]) -> pd.DataFrame:
    """Typed member rows as the data check leaves them."""
    cols = ["member_id", "sex", "birth_date", "entry_date", "status", "status_date"]
    f = pd.DataFrame(rows, columns=cols)
    for c in ("birth_date", "entry_date", "status_date"):
        f[c] = pd.to_datetime(f[c]).to_numpy(dtype="datetime64[D]")
    f["credited_months"] = 0
    f["insurable_wage"] = np.nan
    return f


# -- a slow reference: Lexis cells by plain Python dates --------------------------------------

def _anniv(origin: dt.date, year: int) -> dt.date:
    try:
        return origin.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 3, 1)


def _age(origin: dt.date, at: dt.date) -> int:
    return at.year - origin.year - ((at.month, at.day) < (origin.month, origin.day))


def reference_cells(birth, entry, start, end) -> dict[tuple, int]:
    """Days by (age, year, duration), walking day boundaries with datetime."""
    out: dict[tuple, int] = defaultdict(int)
    t = start
    while t < end:
        cuts = [end, dt.date(t.year + 1, 1, 1)]
        for origin in (birth, entry):
            a = _anniv(origin, t.year)
            cuts.append(a if a > t else _anniv(origin, t.year + 1))
        stop = min(cuts)
        out[(_age(birth, t), t.year, _age(entry, t))] += (stop - t).days
        t = stop
    return out


def test_lexis_segments_match_a_day_by_day_reference():
    rng = np.random.default_rng(3)
    n = 300
    birth = np.datetime64("1940-01-01") + rng.integers(0, 25000, n)
    birth[:5] = np.datetime64("1980-02-29")  # leap-day birthdays
    entry = birth + rng.integers(15 * 365, 50 * 365, n)
    start = entry + rng.integers(0, 800, n)
    end = start + rng.integers(0, 4000, n)
    got: dict[tuple, int] = defaultdict(int)
    for idx, a, b, age, year, dur in lexis_segments(birth, start, end, entry):
        for i, x, y, du, days in zip(idx, age, year, dur, (b - a).astype(np.int64)):
            got[(int(i), int(x), int(y), int(du))] += int(days)
    want: dict[tuple, int] = {}
    for i in range(n):
        cells = reference_cells(*(D.fromisoformat(str(v[i])) for v in (birth, entry, start, end)))
        want.update({(i, *k): v for k, v in cells.items()})
    assert dict(got) == want


# -- exposures by hand -------------------------------------------------------------------

AS_OF = D(2025, 1, 1)
HAND = members([
    # A: active since 2023-03-01, born 1 July 1990
    ("A", "F", "1990-07-01", "2023-03-01", "active", "2023-03-01"),
    # B: stopped contributing on 11 May 2023 (an exit), born 1 January 1980
    ("B", "M", "1980-01-01", "2022-10-01", "inactive", "2023-05-11"),
    # C: died on her birthday, 29 February 2024
    ("C", "F", "2000-02-29", "2023-01-01", "dead", "2024-02-29"),
])


def cell_table(cells: pd.DataFrame) -> dict[tuple, tuple]:
    return {(r.sex, r.age, r.year, r.duration): (round(r.central * YEAR_DAYS), r.events,
                                                 round(r.initial * YEAR_DAYS))
            for r in cells.itertuples()}


def test_exit_exposure_by_hand():
    cells = exposures(observations(HAND, "exit", AS_OF))
    # A from 2023-03-01 to 2025-01-01: birthdays 1 July, entry anniversary 1 March
    # B from 2022-10-01 to 2023-05-11 (exit); C to her death (censored for exits)
    assert cell_table(cells) == {
        ("F", 32, 2023, 0): (122, 0, 122),   # 1 Mar - 1 Jul 2023
        ("F", 33, 2023, 0): (184, 0, 184),   # 1 Jul 2023 - 1 Jan 2024
        ("F", 33, 2024, 0): (60, 0, 60),     # 1 Jan - 1 Mar 2024 (leap year)
        ("F", 33, 2024, 1): (122, 0, 122),   # 1 Mar - 1 Jul 2024
        ("F", 34, 2024, 1): (184, 0, 184),   # 1 Jul 2024 - 1 Jan 2025
        ("M", 42, 2022, 0): (92, 0, 92),     # B: 1 Oct 2022 - 1 Jan 2023
        # B turns 43 on 1 Jan 2023; exits 11 May: 130 days, initial + 235 to 1 Jan 2024
        ("M", 43, 2023, 0): (130, 1, 365),
        ("F", 22, 2023, 0): (59, 0, 59),     # C: 1 Jan - 1 Mar 2023 (29 Feb -> 1 Mar)
        ("F", 23, 2023, 0): (306, 0, 306),   # 1 Mar 2023 - 1 Jan 2024
        ("F", 23, 2024, 1): (59, 0, 59),     # 1 Jan - 29 Feb 2024 (joined 1 Jan: duration 1)
    }


def test_death_exposure_by_hand_with_a_study_window():
    obs = observations(HAND, "death", AS_OF, study_start=D(2023, 6, 1), study_end=D(2024, 7, 1))
    cells = cell_table(exposures(obs))
    # C dies on her 24th birthday: the death ends the year of age 23 (no extra initial exposure)
    assert cells[("F", 23, 2024, 1)] == (59, 1, 59)
    # A enters the window on 1 June 2023 at 32 (left truncation), B is alive (inactive) to its end
    assert cells[("F", 32, 2023, 0)] == (30, 0, 30)
    assert cells[("F", 34, 2024, 1)] == (0, 0, 0) if ("F", 34, 2024, 1) in cells else True
    assert cells[("M", 44, 2024, 1)] == (182, 0, 182)  # 1 Jan - 1 Jul 2024
    total = {"A": (D(2024, 7, 1) - D(2023, 6, 1)).days, "B": (D(2024, 7, 1) - D(2023, 6, 1)).days,
             "C": (D(2024, 2, 29) - D(2023, 6, 1)).days}
    assert sum(v[0] for v in cells.values()) == sum(total.values())
    assert obs.event.tolist() == [False, False, True]


def test_event_outside_the_window_is_not_counted():
    obs = observations(HAND, "death", AS_OF, study_end=D(2024, 2, 28))
    assert not obs.event.any()
    obs = observations(HAND, "death", AS_OF, study_end=D(2024, 2, 29))
    assert obs.event.sum() == 1  # a death on the last instant of the window counts


def test_expected_events_integrate_the_force():
    mu = np.full((10, 2, 111), 0.02)
    mu[:, 1, :] = 0.05
    cells = exposures(observations(HAND, "exit", AS_OF), mu, 2020)
    by_sex = cells.groupby("sex")[["central", "expected"]].sum()
    assert by_sex.loc["M", "expected"] == pytest.approx(0.02 * by_sex.loc["M", "central"], rel=1e-14)
    assert by_sex.loc["F", "expected"] == pytest.approx(0.05 * by_sex.loc["F", "central"], rel=1e-14)


# -- against lifelines ------------------------------------------------------------------------

def aids_members() -> tuple[pd.DataFrame, D]:
    """The multicenter AIDS cohort (lifelines) as dated records: time 0 = 1 January 2001,
    entry at W (left truncation), end at T, death if D; times rounded to days."""
    from lifelines.datasets import load_multicenter_aids_cohort_study

    d = load_multicenter_aids_cohort_study()
    origin = np.datetime64("2001-01-01")
    start = origin + np.round(d["W"].to_numpy() * YEAR_DAYS).astype(np.int64)
    end = origin + np.round(d["T"].to_numpy() * YEAR_DAYS).astype(np.int64)
    status = np.where(d["D"].to_numpy() == 1, "dead", "refunded")  # refunded: censored at its date
    f = pd.DataFrame({"member_id": [f"P{i}" for i in range(len(d))], "sex": "M",
                      "birth_date": origin, "entry_date": start, "status": status,
                      "status_date": end, "credited_months": 0, "insurable_wage": np.nan})
    return f, D(2030, 1, 1)


def test_crude_rates_are_the_piecewise_exponential_mle_lifelines_approaches():
    """m_x = d_x / E_x is the maximum-likelihood piecewise-constant hazard; lifelines'
    PiecewiseExponentialFitter maximises the same likelihood numerically."""
    from lifelines import PiecewiseExponentialFitter

    f, as_of = aids_members()
    obs = observations(f, "death", as_of)
    rates = rates_by_age(exposures(obs))
    entry, exit_, event = survival_inputs(obs, "age")
    # breakpoints at the anniversaries of 1 January 2001 in the same time unit
    top = int(rates["age"].max())
    edges = [(D(2001 + k, 1, 1) - D(2001, 1, 1)).days / YEAR_DAYS for k in range(1, top + 1)]
    bounds = [0.0, *edges, np.inf]
    # exposure by interval computed directly from the float times, as lifelines sees them
    direct = [np.clip(np.minimum(exit_, bounds[k + 1]) - np.maximum(entry, bounds[k]), 0, None).sum()
              for k in range(top + 1)]
    np.testing.assert_allclose(rates["central"].to_numpy(), direct, rtol=1e-12)
    pw = PiecewiseExponentialFitter(breakpoints=edges).fit(exit_, event, entry=entry)
    hazard = 1.0 / pw.summary["coef"].to_numpy()[: top + 1]  # lifelines: hazard 1 / lambda_i
    d, E, m = (rates[c].to_numpy() for c in ("events", "central", "m"))
    ok = d > 0

    def loglik(h):
        return float(np.sum(d[ok] * np.log(h[ok])) - np.sum(h * E))

    assert loglik(m) >= pw.log_likelihood_ - 1e-12  # ours is at least as likely
    assert loglik(hazard) == pytest.approx(pw.log_likelihood_, rel=1e-9)  # same likelihood
    np.testing.assert_allclose(m[ok], hazard[ok], rtol=5e-3)  # lifelines' optimiser tolerance


def product_limit(entry, exit_, event):
    """Kaplan-Meier and Nelson-Aalen written out: at each event time t, n(t) = members
    with entry < t <= exit, d(t) = events at t."""
    times = np.unique(exit_[event])
    n = np.array([np.sum((entry < t) & (exit_ >= t)) for t in times])
    d = np.array([np.sum((exit_ == t) & event) for t in times])
    return times, np.cumprod(1 - d / n), np.cumsum(d / n)


@pytest.mark.parametrize("dataset", ["aids", "waltons"])
def test_survival_fits_equal_the_product_limit(dataset):
    if dataset == "aids":
        f, as_of = aids_members()
    else:
        from lifelines.datasets import load_waltons

        w = load_waltons()
        origin = np.datetime64("2001-01-01")
        f = pd.DataFrame({"member_id": [f"W{i}" for i in range(len(w))], "sex": "F",
                          "birth_date": origin, "entry_date": origin,
                          "status": np.where(w["E"] == 1, "dead", "refunded"),
                          "status_date": origin + w["T"].to_numpy().astype(np.int64),
                          "credited_months": 0, "insurable_wage": np.nan})
        as_of = D(2030, 1, 1)
    obs = observations(f, "death", as_of)
    s = survival_fits(obs, "age")
    times, km, na = product_limit(*survival_inputs(obs, "age"))
    for name, want in (("kaplan_meier", km), ("nelson_aalen", na)):
        got = s[(s.estimator == name) & (s.group == "all") & (s.events > 0)]
        np.testing.assert_allclose(got["time"].to_numpy(), times, rtol=0, atol=1e-12)
        np.testing.assert_allclose(got["estimate"].to_numpy(), want, rtol=1e-12)


def senators(as_records: bool = True):
    from lifelines.datasets import load_canadian_senators

    s = load_canadian_senators()
    start = pd.to_datetime(s["start_date"].str[:10]).to_numpy(dtype="datetime64[D]")
    end = pd.to_datetime(s["end_date"].str[:10]).to_numpy(dtype="datetime64[D]")
    status = np.select([~s["observed"], s["reason"] == "Death", s["reason"] == "Retirement",
                        s["reason"] == "Resignation"], ["active", "dead", "retired", "inactive"],
                       "refunded")
    f = pd.DataFrame({"member_id": s["Name"], "sex": "M", "birth_date": start - 50 * 365,
                      "entry_date": start, "status": status,
                      "status_date": np.where(status == "active", start, end),
                      "credited_months": 0, "insurable_wage": np.nan})
    return f, s, D(2013, 10, 1)


@pytest.mark.parametrize("decrement, reason", [("exit", "Resignation"), ("retirement", "Retirement")])
def test_senators_time_to_exit_and_retirement_equal_lifelines_kaplan_meier(decrement, reason):
    from lifelines import KaplanMeierFitter, NelsonAalenFitter

    f, s, as_of = senators()
    obs = observations(f, decrement, as_of)
    got = survival_fits(obs, "duration")
    keep = s["diff_days"] > 0  # appointments declined on the day: no time observed
    t = s.loc[keep, "diff_days"].to_numpy() / YEAR_DAYS
    e = (s.loc[keep, "reason"] == reason).to_numpy() & s.loc[keep, "observed"].to_numpy()
    km = KaplanMeierFitter().fit(t, e)
    na = NelsonAalenFitter(nelson_aalen_smoothing=False).fit(t, e)
    for name, fitter in (("kaplan_meier", km), ("nelson_aalen", na)):
        g = got[(got.estimator == name) & (got.group == "all")]
        est = (fitter.survival_function_ if name == "kaplan_meier" else fitter.cumulative_hazard_)
        want = est.iloc[:, 0].reindex(g["time"].to_numpy())
        np.testing.assert_allclose(g["estimate"].to_numpy(), want.to_numpy(), rtol=1e-12)
    # and the exposure is the time served, by completed years of service
    cells = exposures(obs)
    assert cells["central"].sum() == pytest.approx(t.sum(), rel=1e-12)
    assert cells["events"].sum() == e.sum()


# -- intervals and special functions -------------------------------------------------------------

def poisson_cdf(k: int, mean: float) -> float:
    return sum(math.exp(-mean) * mean ** i / math.factorial(i) for i in range(k + 1))


@pytest.mark.parametrize("a, x", [(1, 0.5), (3, 2.0), (10, 15.0), (50, 40.0), (120, 150.0)])
def test_incomplete_gamma_is_the_poisson_tail(a, x):
    # Q(n, x) = P(Poisson(x) <= n - 1) for whole n
    assert gamma_pq(a, x)[1] == pytest.approx(poisson_cdf(a - 1, x), rel=1e-12)
    assert sum(gamma_pq(a, x)) == pytest.approx(1.0, abs=1e-15)


def test_chi_square_tail_with_two_degrees_is_exponential():
    for x in (0.1, 1.0, 7.5, 40.0):
        assert chi2_sf(x, 2) == pytest.approx(math.exp(-x / 2), rel=1e-12)


@pytest.mark.parametrize("d", [0, 1, 3, 10, 57])
def test_poisson_interval_is_exact(d):
    lo, hi = poisson_interval(d, 0.05)
    assert poisson_cdf(d, hi) == pytest.approx(0.025, rel=1e-9)
    if d == 0:
        assert lo == 0
    else:
        assert 1 - poisson_cdf(d - 1, lo) == pytest.approx(0.025, rel=1e-9)
    assert poisson_interval(1, 0.05) == pytest.approx((0.0253178, 5.5716434), rel=1e-6)


def test_wilson_interval_closed_form():
    # q = 0.5, n = 100: centre 0.5, half-width z sqrt(0.25/100 + z^2/40000) / (1 + z^2/100)
    z = 1.959963984540054
    half = z * math.sqrt(0.0025 + z * z / 40000) / (1 + z * z / 100)
    assert wilson_interval(0.5, 100) == pytest.approx((0.5 - half, 0.5 + half), rel=1e-12)


# -- graduation ---------------------------------------------------------------------------

def gompertz_data(noise: bool, seed: int = 0):
    ages = np.arange(20, 80)
    mu = np.exp(-9.0 + 0.09 * ages)
    E = np.full(len(ages), 20_000.0)
    d = np.random.default_rng(seed).poisson(E * mu).astype(float) if noise else E * mu
    return ages, d, E, mu


def test_gm_recovers_an_exact_gompertz():
    ages, d, E, mu = gompertz_data(noise=False)
    fitted, _ = fit_gm(ages, d, E, 2)
    np.testing.assert_allclose(fitted, mu, rtol=1e-9)


def test_whittaker_keeps_an_exact_gompertz_and_tends_to_gm_when_stiff():
    ages, d, E, mu = gompertz_data(noise=False)
    fitted, _, _ = fit_whittaker(d, E, h=1e3, order=2)  # log-linear: no penalty at all
    np.testing.assert_allclose(fitted, mu, rtol=1e-8)
    ages, d, E, _ = gompertz_data(noise=True)
    stiff, _, edf = fit_whittaker(d, E, h=1e10, order=2)
    gm, _ = fit_gm(ages, d, E, 2)
    np.testing.assert_allclose(stiff, gm, rtol=1e-4)  # the gap shrinks as 1/h
    assert edf == pytest.approx(2.0, abs=1e-3)
    loose, _, edf = fit_whittaker(d, E, h=1e-9, order=2)
    np.testing.assert_allclose(loose, np.maximum(d, 1e-300) / E, rtol=1e-4)


def test_whittaker_interpolates_ages_without_exposure():
    ages, d, E, mu = gompertz_data(noise=False)
    gap = (ages >= 40) & (ages < 45)
    rates = pd.DataFrame({"sex": "M", "age": ages[~gap], "events": d[~gap], "central": E[~gap]})
    g = graduate(rates, "M", "whittaker", h=10.0, order=2)
    assert list(g.ages) == list(ages)
    np.testing.assert_allclose(g.mu, mu, rtol=1e-8)  # log-linear across the gap
    assert len(goodness_of_fit(g, rates)) == 6


def test_graduation_tests_on_data_from_the_law_itself():
    ages, d, E, mu = gompertz_data(noise=True, seed=5)
    rates = pd.DataFrame({"sex": "M", "age": ages, "events": d, "central": E})
    g = graduate(rates, "M", "gm", degree=2)
    gof = goodness_of_fit(g, rates).set_index("test")
    assert (gof["verdict"] == "pass").all()
    assert gof.loc["cumulative deviation", "statistic"] == pytest.approx(0.0, abs=1e-8)
    exact = rates.assign(events=E * mu)
    gof0 = goodness_of_fit(graduate(exact, "M", "gm", degree=2), exact).set_index("test")
    assert gof0.loc["chi-square", "statistic"] == pytest.approx(0.0, abs=1e-12)


def test_graduation_by_aic_picks_the_true_degree_on_a_large_sample():
    ages = np.arange(20, 70)
    x = 2 * (ages - 20) / 49 - 1
    mu = np.exp(-5.0 + 1.0 * x + 0.8 * (1.5 * x * x - 0.5))  # GM(0,3) exactly
    E = np.full(len(ages), 1e6)
    d = np.random.default_rng(1).poisson(E * mu).astype(float)
    g = graduate(pd.DataFrame({"sex": "F", "age": ages, "events": d, "central": E}), "F")
    assert g.parameters == 3
    np.testing.assert_allclose(g.mu, mu, rtol=0.02)


def test_crude_rate_intervals_cover_the_truth():
    """Members simulated here with a known force by age: about 95% of the intervals hold it."""
    rng = np.random.default_rng(7)
    n = 60_000
    birth = np.datetime64("1960-01-01") + rng.integers(0, 365 * 20, n)
    entry = birth + rng.integers(20 * 365, 50 * 365, n)
    ages = np.arange(111)
    force = 0.002 * np.exp(0.07 * (ages - 20))
    # piecewise-constant force by age: simulate by walking each year of age
    end = entry + 3650
    death = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    clock = rng.exponential(size=n)
    for idx, a, b, age, _, _ in lexis_segments(birth, entry, end):
        live = np.isnat(death[idx])
        idx, a, b, age = idx[live], a[live], b[live], age[live]
        mass = force[age] * (b - a).astype(np.int64) / YEAR_DAYS
        hit = mass >= clock[idx]
        days = np.floor(clock[idx][hit] / force[age][hit] * YEAR_DAYS).astype(np.int64)
        death[idx[hit]] = a[hit] + np.minimum(days, (b - a)[hit].astype(np.int64) - 1)
        clock[idx[~hit]] -= mass[~hit]
    status = np.where(np.isnat(death), "refunded", "dead")
    f = pd.DataFrame({"member_id": np.arange(n).astype(str), "sex": "M", "birth_date": birth,
                      "entry_date": entry, "status": status,
                      "status_date": np.where(np.isnat(death), end, death),
                      "credited_months": 0, "insurable_wage": np.nan})
    rates = rates_by_age(exposures(observations(f, "death", D(2100, 1, 1))))
    rates = rates[rates["central"] > 500]
    inside = (rates["m_lower"] <= force[rates["age"]]) & (force[rates["age"]] <= rates["m_upper"])
    assert inside.mean() >= 0.85 and len(rates) > 30


# -- on the synthetic membership: A/E is known ------------------------------------------------

@pytest.fixture(scope="module")
def synthetic(aset):
    from actuary.members.synth import synthesize

    res = synthesize(60_000, 17, aset=aset)
    f = res.members.copy()
    for c in ("birth_date", "entry_date", "status_date"):
        f[c] = f[c].to_numpy(dtype="datetime64[D]")
    return res, f


def test_synthetic_deaths_follow_the_basis(aset, synthetic):
    _, f = synthetic
    r = study(f, "death", aset, AS_OF, synthetic=True)
    tot = r.ae[(r.ae["sex"] == "M+F") & (r.ae["ages"] == "all")].iloc[0]
    assert tot.ae_lower < 1.0 < tot.ae_upper
    assert r.synthetic and r.summary_lines()[0].startswith("SYNTHETIC")


def test_synthetic_exits_are_the_basis_times_k(aset, synthetic):
    res, f = synthetic
    r = study(f, "exit", aset, AS_OF)
    tot = r.ae[(r.ae["sex"] == "M+F") & (r.ae["ages"] == "all")].iloc[0]
    k = res.meta["exit_scale_k"]
    # exits of members who later died or reached 60 are not seen (a one-status file)
    assert tot.ae_lower < k * 1.005 and k * 0.99 < tot.ae_upper


def test_synthetic_retirements_expected_minus_actual_is_the_retired_who_died(aset, synthetic):
    _, f = synthetic
    r = study(f, "retirement", aset, AS_OF)
    b60 = pd.to_datetime(f["birth_date"]) + pd.DateOffset(years=60)
    died_after_60 = ((f["status"] == "dead") & (b60 <= pd.to_datetime(f["status_date"]))
                     & (b60 > pd.to_datetime(f["entry_date"]))).sum()
    tot = r.ae[(r.ae["sex"] == "M+F") & (r.ae["ages"] == "all")].iloc[0]
    assert tot.expected - tot.events == died_after_60
    assert r.gof.empty and not r.graduations


# -- the table an assumption set uses -----------------------------------------------------------

def test_exit_table_round_trips_through_an_assumption_set(tmp_path, aset, synthetic):
    from actuary.assumptions import load_basis
    from actuary.members.experience import basis_forces
    from actuary.tables import load_table

    _, f = synthetic
    r = study(f, "exit", aset, AS_OF, synthetic=True)
    path = write_experience_table(r, aset, tmp_path / "exit_experience.csv")
    t = load_table(path)
    assert t.kind == "rate" and t.meta.status == "unverified" and list(t.ages[[0, -1]]) == [15, 110]
    overlay = tmp_path / "with_experience.yaml"
    overlay.write_text("name: with-experience\nbase: cambodia-default\ndescription: test\n"
                       f"overrides:\n  demographic.exit.table: {path}\n", encoding="utf-8")
    mine = load_basis(overlay)
    year = (r.observations.study_start.year + r.observations.study_end.year) // 2
    mu = basis_forces(mine, "exit", np.array([year]))[0]
    for s, sex in enumerate("MF"):
        g = r.graduations[sex]
        below = g.ages < 60  # the basis has no exits from the pension age
        # the basis reads the table back as the graduated force (dependent-rate conversion inverted)
        np.testing.assert_allclose(mu[s, g.ages[below]], g.mu[below], rtol=1e-9)
        assert (mu[s, 60:] == 0).all()


def test_death_table_is_a_qx_table(tmp_path, aset, synthetic):
    from actuary.tables import load_table

    _, f = synthetic
    r = study(f, "death", aset, AS_OF)
    t = load_table(write_experience_table(r, aset, tmp_path / "qx_exp.csv"))
    assert t.kind == "qx" and t.meta.status == "derived"
    q = t.to_array(np.arange(111))
    g = r.graduations["F"]
    np.testing.assert_allclose(q[1, g.ages], 1 - np.exp(-g.mu), rtol=1e-12)
    assert q[0, 110] == 1.0


def test_cli_experience_writes_workbook_and_table(tmp_path):
    from actuary.members.synth import synthesize, write_synthetic

    members_file, _, _ = write_synthetic(synthesize(4000, 8), tmp_path / "s_synthetic.csv")
    out = tmp_path / "exp.xlsx"
    res = CliRunner().invoke(main, ["experience", str(members_file), "--decrement", "death",
                                    "--out", str(out), "--quiet"])
    assert res.exit_code == 0, res.output
    assert out.exists() and (tmp_path / "exp.csv").exists() and (tmp_path / "exp.yaml").exists()
    import openpyxl

    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["Summary", "Rates", "A-E", "Tests", "Survival", "Exposure"]
    assert "SYNTHETIC" in book["Summary"]["A1"].value
    # crude against graduated rates with the interval: one chart a graduated sex, whose
    # series read the Rates table's crude m, bounds and graduated mu over that sex's rows
    full = openpyxl.load_workbook(out)
    ws = full["Rates"]
    header = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "Sex")
    titles = [ws.cell(row=header, column=c).value for c in (6, 7, 8, 16)]
    assert titles == ["Crude m", "m lower", "m upper", "Graduated mu"]
    charts = ws._charts
    assert len(charts) >= 1
    for chart in charts:
        refs = [s.val.numRef.f for s in chart.series]
        assert [re.search(r"\$([A-Z]+)\$", f)[1] for f in refs] == ["F", "G", "H", "P"]
        rows = {re.findall(r"\$(\d+)", f)[0] for f in refs}
        assert len(rows) == 1
        first = int(rows.pop())
        sexes = {ws.cell(row=first + k, column=1).value for k in range(3)}
        assert len(sexes) == 1 and chart.y_axis.scaling.logBase == 10
    bad = CliRunner().invoke(main, ["experience", str(tmp_path / "none.csv"), "--decrement",
                                    "death"])
    assert bad.exit_code == 1 and "file not found" in bad.output


def test_cli_experience_in_khmer(tmp_path):
    """``--lang km``: every sheet title and header of the study's workbook and the console
    summary in Khmer (the data's names, e.g. the member file, stay as they are)."""
    import sys
    from pathlib import Path

    import openpyxl

    from actuary.members.synth import synthesize, write_synthetic

    sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))
    from khmer_check import KHMER, english_cells, untranslated

    members_file, _, _ = write_synthetic(synthesize(2000, 8), tmp_path / "s_synthetic.csv")
    out = tmp_path / "exp_km.xlsx"
    res = CliRunner().invoke(main, ["experience", str(members_file), "--decrement", "death",
                                    "--out", str(out), "--lang", "km", "--quiet"])
    assert res.exit_code == 0, res.output
    assert all(KHMER.search(ln) for ln in res.output.splitlines() if ln.strip())
    book = openpyxl.load_workbook(out)
    assert not untranslated(book), untranslated(book)[:10]
    # every text cell, the tests' names, references and verdicts and the notes too (the
    # survival estimators' and groups' names are the data's, lifelines')
    left = english_cells(book, {"Survival": "A,B"})
    assert not left, left[:10]
