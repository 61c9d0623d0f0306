"""The self-employed scheme: shipped data, the valuation, and its report checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from actuary.assumptions import load_basis
from actuary.cli.main import main
from actuary.schemes.self_employed import derive_self_employed_default, self_employed_report
from actuary.analysis.sensitivity import overlay
from actuary.engine.starting import read_starting_population, shipped_population_path
from actuary.analysis.valuation import load_population, run_valuation


@pytest.fixture(scope="module")
def valued():
    aset = load_basis("self-employed-default")
    pop = load_population(aset, None)
    return run_valuation(aset, pop, horizon=60, detail=False)


def test_shipped_population_is_its_documented_derivation():
    frame, meta = derive_self_employed_default()
    shipped = read_starting_population(shipped_population_path("self-employed-default"))
    np.testing.assert_allclose(shipped.rows["count"], frame["count"], rtol=1e-12)
    assert list(shipped.rows["age"]) == list(frame["age"])
    assert shipped.rows["count"].sum() == pytest.approx(5_000, abs=0.01)
    assert (shipped.rows["average_monthly_wage"] == 600_000).all()
    assert shipped.reserve == meta["reserve_khr"] == 0.0


def test_design_reaches_the_basis(valued):
    b = valued.basis
    assert (b.density == 0.5).all()
    assert b.wage_floor[0] == 12 * 400_000 and b.wage_ceiling[0] == 12 * 1_200_000
    # take-up: 40% a year to 2029 (no one leaves the target: the growth path itself)
    assert b.target_actives[0] == pytest.approx(5_000 * 1.4)
    assert b.target_actives[4] == pytest.approx(5_000 * 1.4 ** 5)


def test_report_money_by_hand(valued):
    rep = self_employed_report(valued)
    y = rep.yearly
    # the state adds 50% of what members pay: one third of every contribution
    np.testing.assert_allclose(y["subsidy"], y["contributions"] / 3, rtol=1e-12)
    np.testing.assert_allclose(y["member_contributions"] + y["subsidy"], y["contributions"])
    np.testing.assert_allclose(y["subsidy_pct_gdp"], 100 * y["subsidy"] / valued.yearly["gdp"])
    assert y["contributors"].iloc[0] == pytest.approx(5_000)
    assert (y["members"] >= y["contributors"]).all()
    assert rep.summary["gap_25"] == valued.summary["gap_25"]


def test_replacement_rates_by_density_closed_form(valued):
    """Career average revalued with wages, income inside the classes, no minimum: a career
    from 25 on 1 January to the 60th birthday (1 July, 34.5 years later) gives 1.5% x 34.5
    years x density of the final declared income, except for the share
    whose months paid never reach the 12 needed in the projection (:func:`_short`: a
    density below 1 moves a share of a 6-month slot a year): it gets a refund instead."""
    rep = self_employed_report(valued)
    r = rep.replacement
    d = r["density"]
    assert set(d) == {0.25, 0.5, 0.75, 1.0}
    np.testing.assert_allclose(r["replacement_rate"], 0.015 * 34.5 * d * (1 - _short(d)),
                               rtol=1e-9)


def _short(d):
    """Share of a career of 34 years and a half at density ``d`` whose months paid never
    reach 12 in the projection. Months paid are kept in slots of 6 (12 months paid a year
    = 2 slots); a year at density d moves 2d slots: for d < 0.5 a share 2d moves one slot
    (0 otherwise), in the last half year a share d. Two slots are needed: the share with
    fewer than two moves, (1 - 2d)^34 (1 - d) + 34 (2d) (1 - 2d)^33 (1 - d)
    + (1 - 2d)^34 d; none for d >= 0.5 (a slot a year at least)."""
    d = np.asarray(d, dtype=float)
    p = np.clip(2 * d, 0.0, 1.0)
    short = (1 - p) ** 34 * (1 - d) + 34 * p * (1 - p) ** 33 * (1 - d) + (1 - p) ** 34 * d
    return np.where(d >= 0.5, 0.0, short)


def test_flat_amount_variant_and_no_subsidy(valued):
    """floor = ceiling: everybody pays on the same notional income; no subsidy: 0 cost."""
    aset = valued.aset
    flat = overlay(aset, {
        "scheme.parameters.wage_floor.values": {"2025-01-01": 600000},
        "scheme.parameters.wage_ceiling.values": {"2025-01-01": 600000},
        "scheme.parameters.budget_contribution_share.values": {"2025-01-01": 0.0},
    }, "flat")
    res = run_valuation(flat, valued.population, horizon=40, detail=False)
    b = res.basis
    np.testing.assert_allclose(b.wage_floor, b.wage_ceiling)
    # contributions are the rate times the notional income times contributor-years
    y = res.yearly
    np.testing.assert_allclose(y["contributions"],
                               b.contribution_rate * b.wage_floor * y["contributor_years"],
                               rtol=1e-9)
    rep = self_employed_report(res)
    assert (rep.yearly["subsidy"] == 0).all()


def test_valuate_and_compare_commands(tmp_path):
    r = CliRunner().invoke(main, ["valuate", "self-employed-default", "--no-sensitivity",
                                  "--quiet", "--horizon", "40", "--out", str(tmp_path / "se.xlsx")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["compare", "cambodia-default", "self-employed-default",
                                  "--horizon", "40", "--quiet"])
    assert r.exit_code == 0, r.output
    assert "replacement rates by contribution density" in r.output
    assert "matching subsidy" not in r.output or "PV over 75" in r.output


def test_take_up_table_is_the_set_not_the_frame(valued):
    assert valued.aset.coverage.entrants_from == "growth"
    assert isinstance(valued.aset.coverage.active_growth.values, dict)
    assert pd.notna(valued.yearly["active"]).all()


# ------------------------------------------------------------- behavioural design

def test_take_up_formulas_by_hand():
    import math

    from actuary.schemes.take_up import equilibrium_take_up, net_rate, take_up_path

    n = net_rate(np.array([0.04, 0.08]), np.array([1 / 3, 0.0]), 0.8)
    np.testing.assert_allclose(n, [0.04 * 2 / 3 * 0.8, 0.064])
    e = equilibrium_take_up(n, 0.25, 0.05, 60)
    np.testing.assert_allclose(e, [0.25 / (1 + math.exp(60 * (x - 0.05))) for x in n], rtol=1e-14)
    # a constant equilibrium: u_t = e + (u_0 - e)(1 - a)^t
    u = take_up_path(0.01, np.full(20, 0.2), 0.15)
    np.testing.assert_allclose(u, 0.2 + (0.01 - 0.2) * 0.85 ** np.arange(21), rtol=1e-13)


def test_density_bands_against_quadrature():
    from scipy import integrate, stats

    from actuary.schemes.take_up import density_bands

    b = density_bands(1.5, 2.5, 4)
    assert b.share.sum() == pytest.approx(1.0, rel=1e-12)
    assert b.mean == pytest.approx(1.5 / 4.0, rel=1e-12)
    pdf = stats.beta(1.5, 2.5).pdf
    for lo, hi, share, dens in zip(b.low, b.high, b.share, b.density):
        p, _ = integrate.quad(pdf, lo, hi)
        m, _ = integrate.quad(lambda x: x * pdf(x), lo, hi)
        assert share == pytest.approx(p, rel=1e-9) and dens == pytest.approx(m / p, rel=1e-9)
        assert lo <= dens <= hi


@pytest.fixture(scope="module")
def design():
    from actuary.schemes.self_employed_design import run_self_employed_design
    from actuary.studies.compare import REFORMS_DIR

    return run_self_employed_design(REFORMS_DIR / "self_employed_take_up.yaml", horizon=40,
                                    sensitivities=False)


def test_take_up_answers_the_rate_and_the_subsidy(design):
    """The take-up table from the set's rates and subsidy, by hand; more subsidy, more
    contributors; the projection follows the path from the frame."""
    import math

    own = design.parts["self_employed"]
    t = own.take_up
    # 2025: 4% with a third paid by the budget; 2028: 8%
    assert t["net_rate"].iloc[0] == pytest.approx(0.04 * 2 / 3, rel=1e-12)
    assert t["net_rate"].iloc[3] == pytest.approx(0.08 * 2 / 3, rel=1e-12)
    e = [0.25 / (1 + math.exp(60 * (x - 0.05))) for x in t["net_rate"].iloc[:-1]]
    u = [5000 / t["eligible"].iloc[0]]
    for x in e:
        u.append(u[-1] + 0.15 * (x - u[-1]))
    np.testing.assert_allclose(t["take_up"], u, rtol=1e-12)
    np.testing.assert_allclose(t["contributors"], t["take_up"] * t["eligible"], rtol=1e-12)
    # the sensitivity rows: a subsidy raises take-up, none lowers it
    s = own.sensitivity.set_index("variant")["contributors_year_10"]
    assert s["subsidy 0% of the contribution"] < s["as designed"] < s[
        "subsidy 50% of the contribution"]
    assert s["maximum x 0.5"] == pytest.approx(0.5 * s["as designed"], rel=0.02)
    # the frame carries the path into the basis: contributors on 1 January of t + 1
    b = design.parts["scheme"].basis
    np.testing.assert_allclose(b.target_actives, t["contributors"].iloc[1:], rtol=1e-9)


def test_density_bands_in_the_projection(design):
    own = design.parts["self_employed"]
    bands = own.bands
    assert bands["share"].sum() == pytest.approx(1.0)
    # the fewer months contributed, the more members miss the 12 months and get a refund
    for sex in ("M", "F"):
        assert bands[f"pension_share_{sex}"].is_monotonic_increasing
    # model careers at each band's mean density: 1.5% x 34.5 years x density (entry at 25),
    # less for the share whose service never reaches a year (the closed form above)
    r = own.replacement
    d = r["density"]
    np.testing.assert_allclose(r["replacement_rate"], 0.015 * 34.5 * d * (1 - _short(d)),
                               rtol=1e-9)
    y = design.parts["scheme"].yearly
    assert y["active"].iloc[0] == pytest.approx(5000, rel=1e-9)
