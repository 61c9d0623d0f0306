"""The national population projection (actuary.frame.population, actuary.frame.calibration).

Independent checks: hand calculations of one year on tiny populations, closed forms of
the life-table pieces, the LifeTable class for life expectancy, a Leslie matrix's
dominant eigenvalue for the long-run growth, the conservation of people by sex and age,
and WPP 2024's published totals (the issue's tolerances).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from actuary.assumptions import load_basis
from actuary.io.errors import AssumptionError, DataError
from actuary.life.lifetable import LifeTable
from actuary.frame.population import (
    N_AGE,
    PopulationInputs,
    death_probability_by_age_last_birthday,
    frame_scenarios,
    inputs_from_basis,
    life_expectancy,
    median_age,
    person_years,
    project,
    survival_ratios,
)
from actuary.frame.calibration import (
    NATIONAL_FIGURES,
    WPP_TOLERANCES,
    calibrate_base,
    largest_deviations,
    national_comparison,
    project_population,
    scale_base,
    wpp_comparison,
)
from actuary.tables.frame import wpp_totals
from actuary.tables.wpp_mortality import coale_demeny_a0

NATIONAL = Path(__file__).resolve().parents[2] / "assumptions" / "data" / "frame" / "national_projection.yaml"


@pytest.fixture(scope="module")
def default():
    return load_basis()


@pytest.fixture(scope="module")
def national(default):
    return project_population(default, 2100)


def _tiny(T: int = 1, **changes) -> PopulationInputs:
    """Nobody dies before 110, nobody is born, nobody moves: change what a test needs."""
    q = np.zeros((T, 2, N_AGE))
    q[:, :, -1] = 1.0
    args = dict(first_year=2025, base=np.zeros((2, N_AGE)), mortality=q,
                fertility=np.zeros((T, N_AGE)), srb=np.full(T, 1.05),
                migration=np.zeros((T, 2, N_AGE)))
    args.update(changes)
    return PopulationInputs(**args)


# ---------------------------------------------------------------------- life-table pieces
def test_person_years_constant_force_closed_form():
    q = np.full((2, N_AGE), 0.02)
    L = person_years(q)
    m = -math.log(0.98)
    # l_x = 0.98^x, L_x = l_x q / m for x >= 1 (constant force within the year)
    for x in (1, 40, 108):
        assert L[0, x] == pytest.approx(0.98**x * 0.02 / m, rel=1e-12)
    # open group 110+: l_110 / m_109
    assert L[1, 110] == pytest.approx(0.98**110 / m, rel=1e-12)


def test_infant_person_years_use_coale_demeny_a0():
    m0 = 0.02  # below 0.107: a0 = 0.045 + 2.684 m0 (men), 0.053 + 2.800 m0 (women)
    for s, (a, b) in enumerate(((0.045, 2.684), (0.053, 2.800))):
        a0 = a + b * m0
        q0 = m0 / (1 + (1 - a0) * m0)
        q = np.zeros((2, N_AGE))
        q[s, 0] = q0
        L0 = person_years(q)[s, 0]
        assert L0 == pytest.approx(1 - (1 - a0) * q0, rel=1e-12)  # l_1 + a0 d0
        assert a0 == pytest.approx(float(coale_demeny_a0(np.array(m0), "MF"[s])), rel=1e-12)


def test_survival_ratios_and_open_group():
    q = np.full((2, N_AGE), 0.1)
    L = person_years(q)
    s_birth, S = survival_ratios(L)
    assert s_birth == pytest.approx(L[:, 0])
    assert S[0, 30] == pytest.approx(L[0, 31] / L[0, 30])
    open_ratio = L[0, 110] / (L[0, 109] + L[0, 110])
    assert S[0, 109] == S[0, 110] == pytest.approx(open_ratio)


def test_deaths_by_age_last_birthday_by_numerical_integration():
    """People aged x last birthday on 1 January, spread over exact ages x + u as a life
    table's survivors are (density l(x + u)), each dying over the year with probability
    1 - l(x + u + 1) / l(x + u); integrated here on a fine grid with the force constant
    within each year of age, apart from person_years."""
    ages = np.arange(N_AGE)
    q = np.clip(0.0004 * np.exp(0.09 * ages), 0.0, 0.9)[None, :].repeat(2, axis=0)
    got = death_probability_by_age_last_birthday(q)
    mu = -np.log(1.0 - q[0])
    steps = 4000
    u = (np.arange(steps) + 0.5) / steps

    def l(x):  # survivors at exact age x (l_0 = 1), constant force within each year
        whole = np.floor(x).astype(int)
        done = np.concatenate([[0.0], np.cumsum(mu)])[whole]
        return np.exp(-(done + mu[whole] * (x - whole)))

    for x in (20, 45, 60, 75, 84):  # below the clip at 0.9
        weight = l(x + u)
        want = 1.0 - np.sum(l(x + 1 + u)) / np.sum(weight)
        assert got[0, x] == pytest.approx(want, rel=1e-6)
        assert q[0, x] < got[0, x] < q[0, x + 1]  # half a year older on average
    # a force constant over all ages leaves the probability as it was
    flat = np.full((2, N_AGE), 0.02)
    np.testing.assert_allclose(death_probability_by_age_last_birthday(flat)[:, 1:109], 0.02,
                               rtol=1e-12)


def test_the_valuation_dies_by_age_last_birthday_as_the_population_does():
    from actuary.engine.build import build_basis
    from actuary.analysis.valuation import load_population

    aset = load_basis()
    basis = build_basis(aset, load_population(aset, None), horizon=3)
    table = aset.tables["demographic.mortality"].to_array(range(N_AGE), np.arange(2025, 2028))
    want = np.minimum(death_probability_by_age_last_birthday(table)
                      * aset.demographic.mortality.scale, 1.0)
    np.testing.assert_allclose(basis.mortality[:, :, :-1], want[:, :, :-1], rtol=1e-14)
    assert (basis.mortality[:, :, 61] > table[:, :, 61]).all()


def test_life_expectancy_matches_the_lifetable_class():
    rng = np.random.default_rng(3)
    q = np.clip(np.exp(np.linspace(-7, 0, N_AGE)) * rng.uniform(0.8, 1.2, N_AGE), 0, 1)
    for age in (0, 60):
        assert life_expectancy(q, age) == pytest.approx(LifeTable(q).ex(age), rel=1e-12)


def test_median_age_by_hand():
    p = np.zeros(N_AGE)
    p[:10] = 1.0  # ten people spread evenly over ages 0..10: median 5
    assert median_age(p) == pytest.approx(5.0)
    p[0] = 3.0  # 12 people: 6th person ends in age 3 (3 + 1 + 1 + 1 = 6)
    assert median_age(p) == pytest.approx(4.0)


# ---------------------------------------------------------------------- the projection engine
def test_one_year_by_hand():
    base = np.zeros((2, N_AGE))
    base[1, 20] = 1000.0
    q = np.zeros((1, 2, N_AGE))
    q[:, :, -1] = 1.0
    q[0, 1, 20] = 0.1
    f = np.zeros((1, N_AGE))
    f[0, 20] = f[0, 21] = 0.1
    p = project(_tiny(base=base, mortality=q, fertility=f))
    # women 20 -> 21: L21 / L20 with L20 = q / m (l20 = 1), L21 = l21 = 0.9 (no deaths at 21)
    L20 = 0.1 / -math.log(0.9)
    women_21 = 1000.0 * 0.9 / L20
    assert p.population[1, 1, 21] == pytest.approx(women_21, rel=1e-12)
    # births: f20 (1000 + 0) / 2 + f21 (0 + women_21) / 2; nobody dies in infancy (q0 = 0)
    births = 0.1 * 1000 / 2 + 0.1 * women_21 / 2
    assert p.births[0].sum() == pytest.approx(births, rel=1e-12)
    assert p.births[0, 0] == pytest.approx(births * 1.05 / 2.05, rel=1e-12)
    assert p.population[1, :, 0] == pytest.approx(p.births[0])
    assert p.deaths[0].sum() == pytest.approx(1000.0 - women_21, rel=1e-12)


def test_migrants_half_to_each_cohort_and_half_a_year_of_survival():
    mig = np.zeros((1, 2, N_AGE))
    mig[0, 0, 30] = 100.0  # men of completed age 30 during the year
    q = np.zeros((1, 2, N_AGE))
    q[:, :, -1] = 1.0
    q[0, 0, 29] = q[0, 0, 30] = 0.19
    p = project(_tiny(mortality=q, migration=mig))
    L = person_years(q[0])
    s29 = L[0, 30] / L[0, 29]
    s30 = L[0, 31] / L[0, 30]
    # cohort aged 29 on 1 Jan ends at 30; cohort aged 30 ends at 31: 50 migrants each
    assert p.population[1, 0, 30] == pytest.approx(50 * math.sqrt(s29), rel=1e-12)
    assert p.population[1, 0, 31] == pytest.approx(50 * math.sqrt(s30), rel=1e-12)
    assert p.migrants[0].sum() == pytest.approx(100.0)


def test_long_run_growth_is_the_leslie_matrix_eigenvalue():
    """Constant rates, no migration: the women grow at the dominant eigenvalue of the
    female Leslie matrix written out here from the life table alone."""
    q = np.tile(np.clip(np.exp(np.linspace(-6, 0.5, N_AGE)) - 0.002, 0.001, 1.0), (2, 1))
    f = np.zeros(N_AGE)
    f[15:50] = 0.09 * np.exp(-0.5 * ((np.arange(15, 50) - 28) / 6) ** 2)
    srb = 1.05
    L = person_years(q)
    s0, S = survival_ratios(L)
    A = np.zeros((N_AGE, N_AGE))
    for x in range(N_AGE - 2):
        A[x + 1, x] = S[1, x]
    A[N_AGE - 1, N_AGE - 2] = A[N_AGE - 1, N_AGE - 1] = S[1, N_AGE - 1]
    # girls born and alive on 31 December from the women of 1 January
    for x in range(N_AGE - 1):
        A[0, x] = s0[1] / (1 + srb) * 0.5 * (f[x] + f[x + 1] * S[1, x])
    lam = max(np.linalg.eigvals(A).real)
    T = 1500  # the other eigenvalues die out (to below 1e-12 of the dominant one)
    base = np.zeros((2, N_AGE))
    base[:, 20:40] = 1000.0
    inp = _tiny(T, base=base, mortality=np.tile(q, (T, 1, 1)), fertility=np.tile(f, (T, 1)),
                srb=np.full(T, srb))
    P = project(inp).population[:, 1]
    assert P[-1].sum() / P[-2].sum() == pytest.approx(lam, rel=1e-10)
    # and the age structure is the dominant eigenvector
    vals, vecs = np.linalg.eig(A)
    v = np.abs(vecs[:, np.argmax(vals.real)].real)
    assert P[-1] / P[-1].sum() == pytest.approx(v / v.sum(), rel=1e-8, abs=1e-14)


def test_people_are_conserved_by_sex_and_age(national):
    """start + births + migrants - deaths = end, for every sex, age and year to 2100."""
    p = national.projection
    P, D, M = p.population, p.deaths, p.migrants
    start = np.zeros_like(D)
    start[:, :, 1:] = P[:-1, :, :-1]  # cohort aged x-1 on 1 January ends the year at x
    start[:, :, -1] += P[:-1, :, -1]  # and 110+ stays in 110+
    start[:, :, 0] = p.births  # age 0 on 31 December: born in the year
    residual = start + M - D - P[1:]
    assert np.max(np.abs(residual)) < 1e-6  # persons, in populations of millions
    # the tidy frame carries the same numbers
    frame = p.by_age()
    assert frame["population"].sum() == pytest.approx(P[1:].sum(), rel=1e-12)
    s = p.summary()
    assert np.allclose(s["population"] - s["population_start"],
                       s["births"] + s["net_migration"] - s["deaths"], atol=1e-6)


def test_inputs_are_checked():
    with pytest.raises(DataError, match="wrong shape"):
        _tiny(base=np.zeros((2, 100)))
    bad = np.zeros((2, N_AGE))
    bad[0, 5] = -1.0
    with pytest.raises(DataError, match="out of range"):
        _tiny(base=bad)
    q = np.zeros((1, 2, N_AGE))
    q[0, 0, 3] = 1.5
    with pytest.raises(DataError, match="out of range"):
        _tiny(mortality=q)


def test_emigration_beyond_the_population_is_an_error():
    mig = np.zeros((1, 2, N_AGE))
    mig[0, 1, 40] = -500.0
    base = np.zeros((2, N_AGE))
    base[1, 39:41] = 100.0
    with pytest.raises(AssumptionError, match="net emigration is larger") as err:
        project(_tiny(base=base, migration=mig))
    assert "at most the cohort's 100 people" in str(err.value)
    # infants leaving when nobody is born (fertility 0): the births are what is short
    mig = np.zeros((1, 2, N_AGE))
    mig[0, 0, 0] = -10.0
    with pytest.raises(AssumptionError, match="age 0 on 31 December") as err:
        project(_tiny(migration=mig))
    assert "at most the year's 0 births (check fertility and migration)" in str(err.value)


# ---------------------------------------------------------------------- calibration
def test_scale_base_keeps_totals_and_scales_the_groups():
    rng = np.random.default_rng(1)
    base = rng.uniform(100, 200, (2, N_AGE))
    out = scale_base(base, 0.9, 1.2, (15, 49), 60)
    assert out.sum(axis=1) == pytest.approx(base.sum(axis=1), rel=1e-13)
    assert out[1, 15:50] == pytest.approx(base[1, 15:50] * 0.9)
    assert out[:, 60:] == pytest.approx(base[:, 60:] * 1.2)
    k_men = out[0, :60] / base[0, :60]
    assert np.ptp(k_men) < 1e-12  # one factor for the other ages
    with pytest.raises(AssumptionError, match="no people outside"):
        scale_base(base, 1.0, 100.0)


def test_calibration_reproduces_the_base_year_births_and_deaths(default, national):
    c = national.calibration
    spec = default.frame.population.calibration
    assert (c.births_target, c.deaths_target) == (spec.births, spec.deaths)
    assert c.births_after == pytest.approx(spec.births, rel=1e-10)
    assert c.deaths_after == pytest.approx(spec.deaths, rel=1e-10)
    # the defect it corrects (issue 3: deaths about 7% low, births about 4% high)
    assert c.deaths_before / c.deaths_target - 1 < -0.05
    assert c.births_before / c.births_target - 1 > 0.03
    assert c.base_after.sum(axis=1) == pytest.approx(c.base_before.sum(axis=1), rel=1e-12)
    assert c.factor_old > 1 > c.factor_women
    w = wpp_totals().loc[2024]  # 31 Dec 2024 = the base date
    assert c.base_after[0].sum() == pytest.approx(w["pop_male"], rel=1e-9)
    table = c.frame()
    assert {"factor on women 15-49", "factor on ages 60+"} <= set(table["item"])


def test_unreachable_calibration_targets_are_an_error(default):
    inputs = inputs_from_basis(default, 2026)
    with pytest.raises(AssumptionError, match="cannot be calibrated|no people outside"):
        calibrate_base(inputs, 2025, births=1e7, deaths=50.0)
    with pytest.raises(AssumptionError, match="outside the projection"):
        calibrate_base(inputs, 2030, births=3e5, deaths=1e5)


# ---------------------------------------------------------------------- against WPP 2024
def test_within_the_wpp_tolerances_every_year_to_2100(national):
    comp = wpp_comparison(national.projection)
    assert comp["year"].tolist() == list(range(2025, 2101))
    assert comp["population_diff"].abs().max() <= WPP_TOLERANCES["population"]
    assert comp["births_diff"].abs().max() <= WPP_TOLERANCES["births"]
    assert comp["deaths_diff"].abs().max() <= WPP_TOLERANCES["deaths"]
    # the life tables are WPP's (tables/README.md: within 0.2 year in 2025)
    assert comp[["e0_M_diff", "e0_F_diff"]].abs().max().max() < 0.2
    dev = largest_deviations(comp)
    assert dev.loc[dev["unit"] == "relative", "within"].all()
    print("\n" + dev.to_string(index=False))


def test_without_calibration_the_deaths_would_miss(default):
    """The shipped base alone misses WPP's deaths by more than the tolerance at first."""
    p = project(inputs_from_basis(default, 2030))
    comp = wpp_comparison(p)
    assert comp["deaths_diff"].iloc[0] < -WPP_TOLERANCES["deaths"]


def test_summary_indicators_by_hand(national):
    p = national.projection
    s = p.summary().set_index("year")
    end = p.end_of_year(2050).sum(axis=0)
    assert s.loc[2050, "share_60_plus"] == pytest.approx(end[60:].sum() / end.sum())
    assert s.loc[2050, "dependency_ratio"] == pytest.approx(
        (end[:15].sum() + end[65:].sum()) / end[15:65].sum())
    assert s.loc[2050, "median_age"] == pytest.approx(median_age(end))
    assert s.loc[2030, "tfr"] == pytest.approx(p.inputs.fertility[5].sum())
    q = p.inputs.mortality[25]  # 2050
    assert s.loc[2050, "e0_M"] == pytest.approx(LifeTable(q[0]).ex(0), rel=1e-12)
    assert s.loc[2050, "e60_F"] == pytest.approx(LifeTable(q[1]).ex(60), rel=1e-12)


# ---------------------------------------------------------------------- the national projection
def test_national_figures_are_reported_beside_ours(national):
    nat = national_comparison(national.projection)
    assert set(nat["year"]) == {2030, 2040, 2050}
    row = nat[(nat.year == 2050) & (nat.measure == "share_60_plus")].iloc[0]
    assert row["national"] == 0.232
    # WPP's population ages more slowly than the national projection says
    assert row["projection"] < row["national"]


def test_the_national_scenario_is_a_choice_not_the_default(default):
    assert default.frame.population.targets is None
    assert "national-projection" in frame_scenarios()
    aset = load_basis(NATIONAL)
    t = aset.frame.population.targets
    assert {y: v for y, v in t.population.items()} == dict(
        zip(NATIONAL_FIGURES["year"], NATIONAL_FIGURES["population"]))
    assert t.life_expectancy == {2030: 82.0, 2050: 86.6}


def test_the_national_scenario_meets_its_targets():
    res = project_population(load_basis(NATIONAL), 2060)
    s = res.projection.summary().set_index("year")
    for year, total in ((2030, 18.7e6), (2040, 20.6e6), (2050, 21.7e6)):
        assert s.loc[year, "population"] == pytest.approx(total, rel=1e-9)
    assert s.loc[2030, "e0_B"] == pytest.approx(82.0, abs=1e-9)
    assert s.loc[2050, "e0_B"] == pytest.approx(86.6, abs=1e-9)
    # e0 linear between the first year's own value and the targets
    own = s.loc[2025, "e0_B"]
    assert s.loc[2027, "e0_B"] == pytest.approx(own + (82.0 - own) * 2 / 5, abs=1e-9)
    k = res.targets.mortality_factor
    assert k[0] == 1.0 and k[-1] == k[25]  # held after 2050
    assert set(res.targets.table["measure"]) == {"life expectancy at birth, both sexes",
                                                 "population on 31 December"}
    print("\n" + res.targets.table.to_string(index=False))
    print(national_comparison(res.projection).to_string(index=False))


# ---------------------------------------------------------------------- user inputs
def _write_user_base(folder: Path) -> None:
    ages = np.arange(N_AGE)
    counts = np.where(ages < 80, 100000.0, 1000.0)
    pd.DataFrame({"sex": np.repeat(["M", "F"], N_AGE), "age": np.tile(ages, 2),
                  "value": np.tile(counts, 2)}).to_csv(folder / "census.csv", index=False)
    (folder / "census.yaml").write_text(
        "kind: population\ndescription: test census\nunit: persons\nsource: test\n"
        "status: unverified\ndimensions:\n  sex: [M, F]\n  age: [0, 110]\n", encoding="utf-8")


def test_a_user_can_replace_the_base_with_a_census(tmp_path):
    _write_user_base(tmp_path)
    (tmp_path / "mine.yaml").write_text(
        "name: mine\nbase: cambodia-default\ndescription: census base\noverrides:\n"
        "  frame.population.base: {table: census.csv, reference: a census, status: confirmed}\n"
        "  frame.population.calibration: null\n", encoding="utf-8")
    res = project_population(load_basis(tmp_path / "mine.yaml"), 2026)
    assert res.calibration is None
    assert res.projection.population[0, 0, 10] == 100000.0


def test_a_table_of_the_wrong_kind_names_the_key(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "name: bad\nbase: cambodia-default\ndescription: x\noverrides:\n"
        "  frame.population.base.table: wpp2024_cambodia_qx\n", encoding="utf-8")
    with pytest.raises(AssumptionError, match=r"frame\.population\.base\.table.*kind 'qx'"):
        project_population(load_basis(tmp_path / "bad.yaml"), 2026)
