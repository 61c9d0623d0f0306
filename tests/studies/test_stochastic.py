"""Stochastic projections (issue 16): the generator, the scenario bases, the batched
indicators, reproducibility and the degenerate case of zero volatility."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from actuary.analysis import indicators as ind
from actuary.analysis.rate_paths import held_rates
from actuary.analysis.valuation import cash_flows, load_population
from actuary.assumptions import load_basis
from actuary.engine.projection import project
from actuary.engine.state import FLOW_REFUND
from actuary.frame.build import build_frame
from actuary.frame.labour import labour_frame, scheme_flows
from actuary.frame.population import person_years, survival_ratios
from actuary.frame.population import project as project_population
from actuary.studies.stochastic import measures as ms
from actuary.studies.stochastic.demography import entrants_batch, project_batch, scaled_mortality
from actuary.studies.stochastic.generator import (
    ProcessSpec, draw_normals, simulate, stationary_moments,
)
from actuary.studies.stochastic.model import (
    HELD, LEGISLATED, build_model, demographic_fields, frame_batch,
)
from actuary.studies.stochastic.results import Results, depletion_table
from actuary.studies.stochastic.survival import scaled_survival
from actuary.studies.stochastic.runner import run_batch


@pytest.fixture(scope="module")
def model():
    aset = load_basis(None)
    return build_model(aset, load_population(aset, None))


def _calm(model):
    """The model with every volatility and uncertain mean at zero."""
    return replace(model, economic=model.economic.without_volatility(),
                   demographic=model.demographic.without_volatility())


# ---------------------------------------------------------------------- the generator
def test_generator_matches_its_stationary_moments():
    # a 3-variable AR(1) with correlated shocks and uncertain means, run long enough to be
    # stationary (phi^2 ** 80 < 1e-20); 40,000 independent paths
    phi = np.array([0.1, 0.5, 0.7])
    vol = np.array([0.0118, 0.02, 0.015])
    R = np.array([[1.0, -0.3, 0.5], [-0.3, 1.0, 0.1], [0.5, 0.1, 1.0]])
    cov = vol[:, None] * R * vol[None, :]
    mean_sd = np.array([0.005, 0.005, 0.005])
    Y, n = 80, 40_000
    spec = ProcessSpec(2025, np.tile(phi, (Y, 1)), np.tile(np.linalg.cholesky(cov), (Y, 1, 1)),
                       mean_sd, ("a", "b", "c"))
    rng = np.random.default_rng(7)
    x = simulate(spec, rng.standard_normal((n, Y, 3)), rng.standard_normal((n, 3)))
    mean, var, lag = stationary_moments(phi, cov, mean_sd)
    last, prev = x[:, -1], x[:, -2]
    sd = np.sqrt(np.diag(var))
    assert np.all(np.abs(last.mean(axis=0) - mean) < 4 * sd / np.sqrt(n))
    # variance: standard error about var * sqrt(2 / n) for a normal variable
    assert np.all(np.abs(last.var(axis=0) / np.diag(var) - 1) < 4 * np.sqrt(2 / n))
    corr = np.corrcoef(last.T)
    expected = var / np.outer(sd, sd)
    assert np.all(np.abs(corr - expected) < 4 * (1 - expected ** 2) / np.sqrt(n) + 1e-12)
    # lag-1 autocovariance
    auto = np.array([np.cov(last[:, i], prev[:, i])[0, 1] for i in range(3)])
    assert np.all(np.abs(auto / np.diag(lag) - 1) < 0.05)


def test_streams_are_per_scenario_and_reproducible():
    a = draw_normals(1, 5, 10)
    b = draw_normals(1, 5, 10)
    c = draw_normals(1, 6, 10)
    d = draw_normals(2, 5, 10)
    for u, v in zip(a, b):
        assert np.array_equal(u, v)
    assert not np.array_equal(a[0], c[0]) and not np.array_equal(a[0], d[0])
    # the child of SeedSequence(1).spawn
    child = np.random.SeedSequence(1).spawn(6)[5]
    assert np.array_equal(a[0], np.random.default_rng(child).standard_normal((10, 3)))


# ---------------------------------------------------------------------- demography
def test_scaled_survival_is_the_frames(model):
    fr = model.frame
    factor = np.ones((3, model.n_years, 2))
    factor[1] = 1.3
    factor[2, :, 0], factor[2, :, 1] = 0.6, 2.0
    q, s_birth, S = scaled_survival(fr.mortality, factor)
    for k in range(3):
        ref_q = scaled_mortality(fr.mortality, factor[k][:, :, None])
        np.testing.assert_allclose(q[k], ref_q, rtol=1e-13, atol=1e-16)
        b, s = survival_ratios(person_years(ref_q))
        np.testing.assert_allclose(s_birth[k], b, rtol=1e-12)
        np.testing.assert_allclose(S[k], s, rtol=1e-12, atol=1e-15)


def test_batched_population_is_the_frames_projection(model):
    fr = model.frame
    factor = np.ones((2, model.n_years, 2))
    factor[1] = 1.3
    q, s_birth, S = scaled_survival(fr.mortality, factor)
    fert = np.stack([fr.fertility, 0.8 * fr.fertility])
    mig = np.stack([fr.migration, 1.5 * fr.migration])
    pop, clipped = project_batch(fr.base, s_birth, S, fert, fr.srb, mig)
    assert clipped == 0
    aset = model.aset
    inputs = build_frame(aset, int(model.years[-1])).projection.inputs
    for k in range(2):
        ref = project_population(inputs.replace(mortality=q[k], fertility=fert[k],
                                                migration=mig[k])).population
        np.testing.assert_allclose(pop[k], ref, rtol=1e-12, atol=1e-6)


def test_batched_entrants_are_the_frames_flows(model):
    fr = model.frame
    covered = np.stack([fr.covered, fr.covered * 1.1])
    q = np.stack([fr.mortality, fr.mortality])
    new = entrants_batch(covered, q, fr.exit_rate, fr.reentry, fr.invalidity)
    for k in range(2):
        ref = scheme_flows(covered[k], int(model.years[0]), q[k], fr.exit_rate, fr.reentry,
                           fr.invalidity, np.ones((2, 111)), np.ones(covered.shape[1]))
        np.testing.assert_allclose(new[k], ref.entrants, rtol=1e-12, atol=1e-6)


def test_covered_population_approximation_against_the_labour_frame(model):
    """The covered workers of a scenario (deterministic coverage by sex and age times the
    scenario's population over the deterministic one) against the labour frame rebuilt on
    the scenario's population, whose sector shares are refitted: within 0.5% every year."""
    Y = model.n_years + 1
    z = np.zeros((1, Y, 4))
    z[0, :, 0] = -0.5      # half a child fewer per woman
    z[0, :, 1:3] = 0.3     # force of mortality x 1.35
    fb = frame_batch(model, z)
    fr = model.frame
    T = model.n_years
    tfr_factor = np.maximum(fr.tfr - 0.5, 0.5) / fr.tfr
    _, s_birth, S = scaled_survival(fr.mortality, np.full((1, T, 2), np.exp(0.3)))
    pop, _ = project_batch(fr.base, s_birth, S, (fr.fertility * tfr_factor[:, None])[None],
                           fr.srb, fr.migration[None])
    lab = labour_frame(model.aset, pop[0], int(model.years[0]))
    exact = lab.coverage["nssf"].covered[1:T + 1].sum(axis=(1, 2))
    approx = fr.covered[1:T + 1].sum(axis=(1, 2)) * fb["target_ratio"][0]
    assert np.max(np.abs(approx / exact - 1)) < 0.005


# ---------------------------------------------------------------------- indicators
def test_batched_measures_are_the_indicators(model):
    res = run_batch(model, 3, 0, 3, "full")
    proj = model.deterministic.projection
    cf = cash_flows(proj)
    flows = ms.Flows(cf.earnings[None], cf.contributions[None], cf.benefits[None],
                     proj.flows[:, :, FLOW_REFUND].sum(axis=1)[None], cf.interest[None],
                     cf.admin_rate, cf.collection, cf.reserve0)
    np.testing.assert_allclose(ms.reserve_paths(cf.reserve0, flows.contributions,
                                                flows.expenditure, flows.interest)[0],
                               ind.reserve_path(cf.reserve0, cf.contributions, cf.expenditure,
                                                cf.interest), rtol=1e-13)
    for n in (25, 50, 75):
        assert ms.gap(flows, n)[0] == pytest.approx(ind.general_average_premium(cf, n), rel=1e-12)
    assert ms.actuarial_balance(flows)[0] == pytest.approx(ind.actuarial_balance(cf, 75), rel=1e-12)
    assert res.yearly["reserve_ratio"].shape == (3, model.n_years)


def test_held_rate_path_is_exact_against_a_projection(model):
    """Contributions scale with the rate; the held-rate basis, projected, gives the same
    contributions, and the same expenditure to 1e-4 (refunds are of contributions paid
    at the rates of the years they were paid, scaled by the rate of the refund year:
    see actuary.studies.stochastic.measures)."""
    b = model.basis
    held = b.with_(contribution_rate=held_rates(model.aset, b))
    ref = cash_flows(project(held))
    proj = model.deterministic.projection
    cf = cash_flows(proj)
    flows = ms.Flows(cf.earnings[None], cf.contributions[None], cf.benefits[None],
                     proj.flows[:, :, FLOW_REFUND].sum(axis=1)[None], cf.interest[None],
                     cf.admin_rate, cf.collection, cf.reserve0)
    moved = ms.with_rate_factor(flows, ms.rate_factor(b.contribution_rate, held.contribution_rate),
                                True)
    np.testing.assert_allclose(moved.contributions[0], ref.contributions, rtol=1e-12)
    np.testing.assert_allclose(moved.expenditure[0], ref.expenditure, rtol=1e-4)
    assert not np.allclose(held.contribution_rate, b.contribution_rate)
    assert set(model.rate_paths) == {LEGISLATED, HELD}


# ---------------------------------------------------------------------- runs
def test_zero_volatility_reproduces_the_valuation(model):
    calm = _calm(model)
    det = model.deterministic
    for mode, kw in (("full", {}),):
        res = run_batch(calm, 11, 0, 2, mode, **kw)
        for name in ("reserve_ratio", "payg_cost_rate"):
            for k in range(2):
                np.testing.assert_allclose(res.yearly[name][k], det.yearly[name], rtol=1e-12)
        for name in ("gap_25", "gap_50", "gap_75", "actuarial_balance_75"):
            np.testing.assert_allclose(res.scalars[name], det.summary[name], rtol=1e-12)
        np.testing.assert_allclose(res.yearly["contributors"][0], det.yearly["active"], rtol=1e-12)
        pop = model.frame.population[: model.n_years].sum(axis=(1, 2))
        np.testing.assert_allclose(res.yearly["population"][0], pop, rtol=1e-12)
        gdp = det.yearly["reserve_end"] / det.yearly["gdp"] * 100
        np.testing.assert_allclose(res.yearly["reserve_pct_gdp"][0], gdp, rtol=1e-12)
        dep = det.summary["depletion_year"]
        want = -1 if dep is None else dep - int(model.years[0])
        assert np.all(res.depletion[LEGISLATED] == want)


def test_batches_do_not_change_the_numbers(model):
    whole = run_batch(model, 4, 0, 4, "full", threads=2)
    parts = [run_batch(model, 4, 0, 1, "full"), run_batch(model, 4, 1, 3, "full")]
    for name, arr in whole.yearly.items():
        joined = np.concatenate([p.yearly[name] for p in parts])
        assert np.array_equal(arr, joined, equal_nan=True), name
    for name, arr in whole.depletion.items():
        assert np.array_equal(arr, np.concatenate([p.depletion[name] for p in parts]))
    again = run_batch(model, 4, 2, 1, "full")
    assert np.array_equal(again.scalars["gap_75"], whole.scalars["gap_75"][2:3])
    other = run_batch(model, 5, 0, 1, "full")
    assert other.scalars["gap_75"][0] != whole.scalars["gap_75"][0]


def test_record_route_is_the_basis_route(model):
    """Scenarios through the kernel's records with replaced arrays (the batched route)
    give every stored measure of scenarios through a validated Basis and a projection
    each (one scenario alone, and one in a batch of three)."""
    pairs = [(run_batch(model, 6, 0, 3, "full", threads=2),
              run_batch(model, 6, 0, 3, "full", route="basis")),
             (run_batch(model, 6, 2, 1, "full"), run_batch(model, 6, 2, 1, "full", route="basis"))]
    for fast, ref in pairs:
        assert set(fast.yearly) == set(ref.yearly) and set(fast.scalars) == set(ref.scalars)
        for name, arr in ref.yearly.items():
            # (rounding of the series' scale where a value passes near 0: a reserve ratio)
            scale = np.nanmax(np.abs(arr)) if np.isfinite(arr).any() else 0.0
            np.testing.assert_allclose(fast.yearly[name], arr, rtol=1e-12, atol=1e-13 * scale,
                                       err_msg=name)
        for name, arr in ref.scalars.items():
            np.testing.assert_allclose(fast.scalars[name], arr, rtol=1e-12, atol=0, err_msg=name)
        for name, arr in ref.depletion.items():
            assert np.array_equal(fast.depletion[name], arr), name
        assert fast.clipped == ref.clipped
    # the scenarios do move the projection (the comparison is not of the basis with itself)
    assert np.ptp(pairs[0][0].scalars["gap_75"]) > 1e-4


def test_threads_taking_chunks_do_not_change_the_numbers(model, monkeypatch):
    from actuary.studies.stochastic import full

    alone = run_batch(model, 7, 0, 3, "full")
    monkeypatch.setattr(full, "_CHUNK", 1)  # three chunks for two threads
    shared = run_batch(model, 7, 0, 3, "full", threads=2)
    for name, arr in alone.yearly.items():
        assert np.array_equal(shared.yearly[name], arr, equal_nan=True), name
    for name, arr in alone.scalars.items():
        assert np.array_equal(shared.scalars[name], arr, equal_nan=True), name


def _same(a, b) -> None:
    """Two batch results equal to the last bit (NaN where NaN), key for key."""
    assert a.start == b.start and a.clipped == b.clipped
    for kind in ("yearly", "scalars", "depletion"):
        da, db = getattr(a, kind), getattr(b, kind)
        assert list(da) == list(db), kind
        for name, arr in da.items():
            assert np.array_equal(arr, db[name], equal_nan=True), (kind, name)


@pytest.mark.parametrize("threads", [1, 2])
def test_pipelined_batches_are_the_batches_alone(model, monkeypatch, threads):
    """run_batches (the next batch built, and chunks of two batches queued, while one
    projects) yields, in order, what run_batch gives each batch alone on one thread."""
    from actuary.studies.stochastic import full
    from actuary.studies.stochastic.runner import run_batches

    plan = [(0, 3), (3, 2), (5, 3)]
    alone = [run_batch(model, 8, start, count, "full") for start, count in plan]
    monkeypatch.setattr(full, "_CHUNK", 1)  # several chunks of each batch in the queue
    piped = list(run_batches(model, 8, plan, "full", threads=threads))
    assert [b.start for b in piped] == [0, 3, 5]
    for a, b in zip(piped, alone):
        _same(a, b)


def test_pipelined_batches_raise_a_chunks_error(model, monkeypatch):
    """An error in a chunk (a worker thread) reaches the caller, not lost in the pool."""
    from actuary.studies.stochastic import full
    from actuary.studies.stochastic.runner import run_batches

    def broken(self, bounds):
        raise RuntimeError(f"chunk {bounds} failed")

    monkeypatch.setattr(full.FullBatch, "run_chunk", broken)
    with pytest.raises(RuntimeError, match="chunk"):
        list(run_batches(model, 8, [(0, 2), (2, 2)], "full", threads=2))


def test_chunks_split_a_batch_evenly_over_the_threads():
    """Contiguous chunks covering the batch, at most _CHUNK each, sizes within one of each
    other, and as many as a multiple of the threads whenever there are enough scenarios."""
    from actuary.studies.stochastic import full

    assert full.chunks(250, 2) == [(k * 250 // 12, (k + 1) * 250 // 12) for k in range(12)]
    for n in (1, 2, 3, 23, 24, 25, 49, 250, 1001):
        for threads in (1, 2, 3):
            parts = full.chunks(n, threads)
            assert parts[0][0] == 0 and parts[-1][1] == n
            assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))
            sizes = [hi - lo for lo, hi in parts]
            assert 1 <= min(sizes) and max(sizes) <= full._CHUNK and max(sizes) - min(sizes) <= 1
            assert len(parts) == -(-n // full._CHUNK) if threads == 1 else (
                len(parts) % threads == 0 or len(parts) == n)


def test_record_route_without_a_population_frame():
    """Self-employed default: new entrants follow a growth rate, not the frame; the
    scenarios move the economy and the insured's mortality only."""
    aset = load_basis("self_employed_default")
    small = build_model(aset, load_population(aset, None), horizon=30)
    assert small.frame is None
    fast = run_batch(small, 2, 0, 2, "full")
    ref = run_batch(small, 2, 0, 2, "full", route="basis")
    for name, arr in ref.yearly.items():
        np.testing.assert_allclose(fast.yearly[name], arr, rtol=1e-12, atol=0, err_msg=name)
    for name, arr in ref.scalars.items():
        np.testing.assert_allclose(fast.scalars[name], arr, rtol=1e-12, atol=0, err_msg=name)


def test_record_route_refuses_what_a_basis_refuses(model):
    from actuary.studies.stochastic.full import kernel_base, project_full, with_arrays

    T, Y = model.n_years, model.n_years + 1
    x, z = np.zeros((1, Y, 3)), np.zeros((1, Y, 4))
    z[0, 7, 1] = np.nan  # a scenario without a multiplier of the force of mortality
    with pytest.raises(ValueError, match="mortality"):
        project_full(model, x, z)
    with pytest.raises(ValueError, match="mortality"), np.errstate(invalid="ignore"):
        model.basis.with_(**demographic_fields(model, z[0], None, None))  # so does a Basis
    with pytest.raises(KeyError, match="no kernel record"):
        with_arrays(kernel_base(model.basis), {"not_a_field": np.zeros(T)})


def test_depletion_probability_never_falls():
    years = np.arange(2025, 2035)
    res = Results(years=years, n=5)
    rng = np.random.default_rng(0)
    res.depletion = {"a": rng.integers(-1, 10, 5), "b": np.array([-1, -1, 3, 0, 9])}
    table = depletion_table(res)
    for _, d in table.groupby("rate_path"):
        assert np.all(np.diff(d["probability"].to_numpy()) >= 0)
    b = table[table.rate_path == "b"].set_index("year")["probability"]
    assert b[2025] == pytest.approx(0.2) and b[2028] == pytest.approx(0.4)
    assert b[2034] == pytest.approx(0.6)


# ---------------------------------------------------------------------- economic only
@pytest.fixture(scope="module")
def exposures(model):
    from actuary.studies.stochastic.economic_only import exposures as measure

    return measure(model)


def test_economic_only_zero_volatility_and_batches(model, exposures):
    calm = _calm(model)
    det = model.deterministic
    res = run_batch(calm, 2, 0, 2, "economic", exposures=exposures)
    np.testing.assert_allclose(res.yearly["payg_cost_rate"][1], det.yearly["payg_cost_rate"],
                               rtol=1e-12)
    np.testing.assert_allclose(res.scalars["gap_75"], det.summary["gap_75"], rtol=1e-12)
    whole = run_batch(model, 2, 0, 5, "economic", exposures=exposures)
    parts = [run_batch(model, 2, 0, 2, "economic", exposures=exposures),
             run_batch(model, 2, 2, 3, "economic", exposures=exposures)]
    for name, arr in whole.yearly.items():
        assert np.array_equal(arr, np.concatenate([p.yearly[name] for p in parts]),
                              equal_nan=True), name


def test_economic_only_against_full_projections(model, exposures):
    """The recomputation from the deterministic projection against a projection of each
    scenario (demography held at the basis's): measured on 6 scenarios, GAP and the
    actuarial balance within 0.1 point of earnings, the PAYG cost rate within 3%."""
    econ = replace(model, demographic=model.demographic.without_volatility())
    full = run_batch(econ, 5, 0, 6, "full")
    fast = run_batch(econ, 5, 0, 6, "economic", exposures=exposures)
    for name in ("gap_25", "gap_50", "gap_75", "actuarial_balance_75"):
        assert np.max(np.abs(full.scalars[name] - fast.scalars[name])) < 1e-3, name
    payg = fast.yearly["payg_cost_rate"] / full.yearly["payg_cost_rate"] - 1
    assert np.nanmax(np.abs(payg[:, :75])) < 0.03
    # the scenarios do move: the comparison is not of two copies of the basis
    assert np.ptp(full.scalars["gap_75"]) > 0.01


# ---------------------------------------------------------------------- calibration
def test_shipped_parameters_are_the_calibration(model):
    from actuary.studies.stochastic.calibration import calibrate

    fr = model.frame
    fit = calibrate(int(model.years[0]), fr.mortality, fr.tfr).set_index("process")
    demo = model.aset.stochastic.demographic
    y = model.aset.valuation_date
    assert float(demo.fertility.volatility.value_at(y)) == pytest.approx(fit.loc["tfr", "sigma"], abs=1e-4)
    assert float(demo.fertility.persistence.value_at(y)) == pytest.approx(fit.loc["tfr", "phi"], abs=1e-3)
    for sex in "MF":
        m = demo.mortality
        assert float(getattr(m, f"volatility_{sex}").value_at(y)) == pytest.approx(
            fit.loc[f"mortality_{sex}", "sigma"], abs=1e-4)
        assert float(getattr(m, f"persistence_{sex}").value_at(y)) == pytest.approx(
            fit.loc[f"mortality_{sex}", "phi"], abs=1e-4)


def test_scenario_intervals_match_wpp(model):
    """The generator's TFR and e0 by sex in 2050 and 2100 (20,000 simulated paths):
    every bound of the 80% and 95% intervals within 10% of WPP's interval width."""
    from actuary.frame.population import life_expectancy
    from actuary.studies.stochastic.calibration import calibration_table

    rng = np.random.default_rng(3)
    spec = model.demographic
    n = 20_000
    z = simulate(spec, rng.standard_normal((n, spec.n_years, 4)))
    fr = model.frame
    y0 = int(model.years[0])
    scalars = {}
    for year in (2050, 2100):
        t = year - y0
        scalars[f"tfr_{year}"] = np.maximum(fr.tfr[t] + z[:, t, 0], 0.5)
        for s, sex in enumerate("MF"):
            q = scaled_mortality(fr.mortality[t, s][None], np.exp(z[:, t, 1 + s])[:, None])
            scalars[f"e0_{sex}_{year}"] = life_expectancy(q)
    table = calibration_table(scalars)
    checked = table[table.bound != "median"]
    assert len(checked) == 2 * 3 * 4
    assert checked["within"].all(), checked[~checked["within"]]
