"""Multi-tier designs: each tier's arithmetic by hand, and the shipped design end to end."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml

from actuary.studies.compare import REFORMS_DIR, load_scenario
from actuary.io.errors import AssumptionError
from actuary.schemes.tiers import (
    account_balance,
    annuity_factor,
    population_aged,
    read_multi_tier,
    run_multi_tier,
)
from actuary.schemes.social_pension import share_below, social_pension_cells, benefit_after_test

DESIGN = REFORMS_DIR / "multi_tier_nssf.yaml"


def test_account_balance_by_hand():
    """Two years: 1,000 of wage at 10%, 1% charge on contributions, 5% return less 1%."""
    a = account_balance(np.array([1000.0, 1000.0]), 0.5, np.full(2, 0.10), np.full(2, 0.01),
                        np.full(2, 0.01), np.full(2, 0.05))
    c = 0.10 * 0.5 * 1000.0 * 0.99  # 49.5 paid mid-year
    a1 = c * 1.02
    assert a == pytest.approx(a1 * 1.04 + c * 1.02, rel=1e-14)


def test_annuity_factor_against_a_monthly_sum():
    """Monthly annuity-due under UDD, summed month by month with numpy (no life-table code)."""
    T = 80
    q = np.zeros((T, 2, 111))
    q[:, 0, :] = 0.02
    q[:, 1, :] = 0.01
    q[:, :, 110] = 1.0
    i, e = 0.05, 0.02
    j = (1 + i) / (1 + e) - 1

    def by_hand(rate):
        total, l_year = 0.0, 1.0
        for k in range(111 - 60):
            qk = 1.0 if 60 + k == 110 else rate
            for m in range(12):
                total += (1 / 12) * (1 + j) ** -(k + m / 12) * l_year * (1 - qk * m / 12)
            l_year *= 1 - qk
        return total

    assert annuity_factor(q, 0, 60, 5, i, e) == pytest.approx(by_hand(0.02), rel=1e-12)
    assert annuity_factor(q, 1, 60, 5, i, e) == pytest.approx(by_hand(0.01), rel=1e-12)
    # unisex: the average of the two (equal numbers at the pension age)
    both = annuity_factor(q, None, 60, 5, i, e)
    assert both == pytest.approx(0.5 * (by_hand(0.02) + by_hand(0.01)), rel=1e-12)


def test_social_pension_cells_by_test():
    """Two years, one sex and age cell each (the other sex empty); benefit 12 a year."""
    n = np.zeros((2, 2, 1))
    n[:, 0, 0] = [1000.0, 2000.0]
    p = np.zeros_like(n)
    p[:, 0, 0] = [300.0, 1000.0]
    mass = np.zeros_like(n)
    mass[:, 0, 0] = [300 * 10.0, 1000 * 30.0]  # average pensions 10 and 30 a year
    b = np.array([12.0, 12.0])
    uni = social_pension_cells(n, p, mass, b, "universal")
    np.testing.assert_allclose(uni["cost"][:, 0], [12_000, 24_000])
    np.testing.assert_allclose(uni["without_any"], 0.0)
    means = social_pension_cells(n, p, mass, b, "means_tested",
                                 eligible_share=np.array([0.2, 0.25]))
    # a share of those without a contributory pension: 0.2 x 700, 0.25 x 1000
    np.testing.assert_allclose(means["recipients"][:, 0], [140, 250])
    np.testing.assert_allclose(means["cost"][:, 0], [140 * 12, 250 * 12])
    np.testing.assert_allclose(means["without_any"][:, 0], [560, 750])
    # the average test (no dispersion): 12 - 0.5 x 10 = 7 each; 30 a year gives nothing
    avg = social_pension_cells(n, p, mass, b, "pension_tested", 0.0,
                               withdrawal=np.full(2, 0.5))
    np.testing.assert_allclose(avg["cost"][:, 0], [700 * 12 + 300 * 7, 1000 * 12 + 0])
    np.testing.assert_allclose(avg["recipients"][:, 0], [1000, 1000])
    # across a distribution, the cell averaging 30 (above the threshold 24) has people
    # below it, who are paid: more than the average test
    spread = social_pension_cells(n, p, mass, b, "pension_tested", 0.4,
                                  withdrawal=np.full(2, 0.5))
    assert spread["cost"][1, 0] > avg["cost"][1, 0]
    assert 1000 < spread["recipients"][1, 0] < 2000


def test_benefit_after_test_against_numerical_integration():
    """E[max(0, b - w P)] and P(P < b / w) for a lognormal P of mean m, by quadrature over
    the lognormal density of scipy (no closed form used)."""
    from scipy import integrate, stats

    for b, w, m, sigma in ((12.0, 0.5, 30.0, 0.4), (12.0, 0.5, 10.0, 0.8), (5.0, 1.0, 4.0, 0.1)):
        dist = stats.lognorm(s=sigma, scale=m * math.exp(-0.5 * sigma ** 2))
        assert dist.mean() == pytest.approx(m, rel=1e-12)
        k = b / w
        want, _ = integrate.quad(lambda x: (b - w * x) * dist.pdf(x), 0, k, epsabs=1e-13)
        assert benefit_after_test(b, w, m, sigma) == pytest.approx(want, rel=1e-8)
        assert share_below(b, w, m, sigma) == pytest.approx(dist.cdf(k), rel=1e-12)
    # edge cases: no pension, no withdrawal (the whole benefit); no benefit (nothing)
    np.testing.assert_allclose(benefit_after_test([12, 12, 0], [0.5, 0, 0.5], [0, 30, 30], 0.4),
                               [12, 12, 0])
    np.testing.assert_allclose(share_below([12, 12, 0], [0.5, 0, 0.5], [0, 30, 30], 0.4),
                               [1, 1, 0])


@pytest.fixture(scope="module")
def result():
    return run_multi_tier(DESIGN, horizon=60)


def test_each_tier_of_the_model_careers(result):
    c = result.careers.set_index("career")
    full = c.loc["man, full career from 20 at men's average wage"]
    # tier 1: 1.5% a year for 39.5 years (20 on 1 January, 60 on 1 July 39 years later) of
    # a career average revalued with wages
    assert full.tier1_rr == pytest.approx(0.015 * 39.5, rel=1e-9)
    broken = c.loc["woman, interrupted career from 22 (70% of each year)"]
    assert broken.tier1_rr == pytest.approx(0.015 * 37.5 * 0.7, rel=1e-9)
    # unisex annuities: the same account rate gives the same tier-2 replacement
    woman = c.loc["woman, full career from 20 at women's average wage"]
    assert woman.tier2_rr == pytest.approx(full.tier2_rr, rel=1e-9)
    assert broken.tier2_rr < full.tier2_rr
    # pension-tested tier 0: max(0, benefit - 0.5 (tier 1 + tier 2)), zero for these careers
    for r in result.careers.itertuples():
        assert r.total_rr == pytest.approx(r.tier0_rr + r.tier1_rr + r.tier2_rr)
        assert r.tier0_monthly == pytest.approx(
            max(0.0, _benefit_at(result, r.retirement_year) - 0.5 * (r.tier1_monthly + r.tier2_monthly)))


def _benefit_at(result, year):
    """The social pension of the first pension year (KHR a month), read from the file."""
    from actuary.assumptions import load_basis

    aset = load_basis("cambodia-default")
    y0 = aset.first_year
    idx = aset.indices(y0, y0 + 60)
    b = result.design.tier0.benefit.yearly(y0, y0 + 59, "average", idx)
    return float(b[year - y0]) if year - y0 < 60 else math.nan


def test_tier2_account_of_the_full_career_by_hand(result):
    """Contributions of 3% from 2027: the account, annuitised, gives the tier-2 pension."""
    from actuary.assumptions import load_basis
    from actuary.engine.build import build_basis
    from actuary.analysis.valuation import load_population

    aset = load_basis("cambodia-default")
    pop = load_population(aset, None)
    b = build_basis(aset, pop, 60)
    row = result.careers.iloc[0]
    wage0 = float(pop.summary().set_index(["status", "sex"]).loc[("active", "M"),
                                                                 "average_monthly_wage"])
    n = 40
    acct, w = 0.0, 12 * wage0
    for t in range(n):
        # the last year to the 60th birthday on 1 July: half a year of contributions
        c = (0.03 if b.first_year + t >= 2027 else 0.0) * w * 0.99 * (0.5 if t == n - 1 else 1)
        net = b.investment_return[t] - 0.005
        acct = acct * (1 + net) + c * (1 + net / 2)
        w *= 1 + b.wage_growth[t]
    factor = annuity_factor(b.mortality, None, 60, n, 0.05, 0.03)
    assert row.tier2_monthly == pytest.approx(acct / factor / 12, rel=1e-10)


def test_women_get_less_from_sex_rated_annuities(tmp_path):
    doc = yaml.safe_load(DESIGN.read_text())
    doc["tier2"]["unisex"] = False
    path = tmp_path / "sexed.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    c = run_multi_tier(path, horizon=60).careers
    man, woman = c.iloc[0], c.iloc[1]
    assert woman.tier2_rr < man.tier2_rr  # longer lives, smaller annuities


def test_yearly_costs_of_each_tier(result):
    y = result.yearly
    np.testing.assert_allclose(y["budget_cost"], y["tier0_cost"] + y["tier1_budget_cost"])
    np.testing.assert_allclose(y["contributors_cost"],
                               y["tier1_contributions"] + y["tier2_contributions"])
    assert (y["tier2_contributions"].iloc[:2] == 0).all() and (y["tier2_contributions"].iloc[2:] > 0).all()
    # everybody 60+ is paid; the tier-1 pensioners a reduced benefit: less than universal
    universal = y["population_aged"] * 12 * 100_000
    assert y["tier0_cost"].iloc[0] <= universal.iloc[0]
    assert y["tier0_cost"].iloc[0] > 0.9 * universal.iloc[0]  # few NSSF pensioners yet
    assert result.scenario.summary["tier0_cost_pv_75"] is None  # horizon of 60 years


def test_population_aged_from_the_frame_and_the_fallback():
    """The frame's projection and the closed-cohort fallback agree closely on the 60+
    while everybody concerned is already born (no births enter the 60+ before 2085)."""
    from actuary.assumptions import load_basis

    aset = load_basis("cambodia-default")
    frame = population_aged(aset, 2025, 20, 60)
    no_frame = aset.model_copy(update={"frame": None})
    no_frame._tables = aset._tables
    fallback = population_aged(no_frame, 2025, 20, 60)
    # the fallback starts from the WPP base table as it is ...
    from actuary.tables import load_table

    base = load_table("wpp2024_cambodia_population_base")
    ages = np.arange(60, 111)
    assert fallback[0] == pytest.approx(base.to_array(ages).sum(), rel=1e-12)
    # ... which the frame calibrates to WPP 2024's deaths and births, with about 14% more
    # people aged 60+; the fallback is a rough stand-in: within 20% over 20 years
    assert 1.0 < frame[0] / fallback[0] < 1.2
    np.testing.assert_allclose(fallback, frame, rtol=0.2)


def test_design_in_a_comparison():
    sc = load_scenario("multi-tier-nssf", horizon=30)
    assert sc.kind == "multi_tier"
    assert (sc.yearly["budget_cost"] >= sc.yearly["tier0_cost"]).all()


def test_design_errors(tmp_path):
    doc = yaml.safe_load(DESIGN.read_text())
    del doc["tier0"]["withdrawal_rate"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(AssumptionError, match="withdrawal_rate") as e:
        read_multi_tier(path)
    assert "bad.yaml" in str(e.value)
    doc = yaml.safe_load(DESIGN.read_text())
    doc["tier2"]["contribution_rate"]["values"] = {"2025-01-01": 1.5}
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises(AssumptionError, match="contribution_rate"):
        read_multi_tier(path)


def _toy_projection(T=4):
    """A stand-in tier-1 projection: men only, the wage mass of the year all at age 58
    in year 0 and 59 in year 1 (one cohort), 100 retirements at the end of year 1;
    death rate 1% at every age, pension age 60."""
    from types import SimpleNamespace

    from actuary.engine import state as S

    q = np.full((T, 2, 111), 0.01)
    q[:, :, 110] = 1.0
    basis = SimpleNamespace(n_years=T, mortality=q, pension_age=np.full(T, 60),
                            years=2025 + np.arange(T))
    flows = np.zeros((T, 2, S.N_FLOWS))
    masses = np.zeros((T + 1, S.N_MASS, 2, 111))
    flows[0, 0, S.FLOW_WAGE_MASS] = 1000.0
    flows[1, 0, S.FLOW_WAGE_MASS] = 990.0
    masses[0, S.MASS_WAGE, 0, 58] = 5.0  # only the shape over ages matters
    masses[1, S.MASS_WAGE, 0, 59] = 7.0
    flows[1, 0, S.FLOW_RETIREMENTS] = 100.0
    return SimpleNamespace(basis=basis, flows=flows, masses=masses)


def test_accounts_in_aggregate_by_hand():
    """Contributions 10%, 1% charge on contributions, 5% return less 0.5% on assets, a 1%
    death rate; annuitised at 60, paid mid-year, rising 2%; the annuity fund at 4%."""
    from actuary.schemes.accounts import project_accounts

    T = 4
    proj = _toy_projection(T)
    g = 0.05 - 0.005
    out = project_accounts(proj, np.full(T, 0.10), np.full(T, 0.01), np.full(T, 0.005),
                           np.full(T, 0.05), np.full(T, 0.04), np.full(T, 0.02), True,
                           np.full(T, 1e6))
    y = out.yearly
    # year 0, age 58: B = 0.99 x 100 x (1 + g/2); 1% goes to heirs
    b0 = 0.99 * 100.0 * (1 + g / 2)
    assert y["tier2_bequests"].iloc[0] == pytest.approx(0.01 * b0, rel=1e-14)
    assert y["tier2_balances"].iloc[0] == pytest.approx(0.99 * b0, rel=1e-14)
    assert out.balances[1, 0, 59] == pytest.approx(0.99 * b0, rel=1e-14)
    # year 1, age 59: the survivors reach 60 on 1 January 2027 and buy the annuity
    b1 = 0.99 * b0 * (1 + g) + 0.99 * 99.0 * (1 + g / 2)
    premium = 0.99 * b1
    assert y["tier2_annuity_premiums"].iloc[1] == pytest.approx(premium, rel=1e-14)
    assert y["tier2_balances"].iloc[1] == pytest.approx(0.0, abs=1e-9)
    factor = annuity_factor(proj.basis.mortality, None, 60, 2, 0.04, 0.02)
    assert out.annuity_mass[2, 0, 60] == pytest.approx(premium / factor, rel=1e-14)
    assert out.annuitants[2, 0, 60] == 100.0
    # year 2: paid mid-year, M (1 - q/2); year 3: M (1 - q)(1 + e) at 61
    m = premium / factor
    assert y["tier2_pensions_M"].iloc[2] == pytest.approx(m * 0.995, rel=1e-14)
    assert y["tier2_pensions"].iloc[3] == pytest.approx(m * 0.99 * 1.02 * 0.995, rel=1e-14)
    assert y["tier2_pensions_F"].sum() == 0
    # the annuity fund: V_{t+1} = V_t (1.04) + premiums - paid (1.02)
    v = 0.0
    for t in range(T):
        v = v * 1.04 + y["tier2_annuity_premiums"].iloc[t] - y["tier2_pensions"].iloc[t] * 1.02
        assert y["tier2_annuity_fund"].iloc[t] == pytest.approx(v, rel=1e-14, abs=1e-9)
    # charges: 1% of contributions, 0.5% on the opening balance and half the net contributions
    assert y["tier2_charges"].iloc[1] == pytest.approx(
        0.01 * 99.0 + 0.005 * (0.99 * b0 + 0.5 * 0.99 * 99.0), rel=1e-14)
    # the money balances: contributions net of the contribution charge and the return
    # credited end as balances, bequests and premiums
    for t in range(T):
        r = y.iloc[t]
        opening = 0.0 if t == 0 else y["tier2_balances"].iloc[t - 1]
        assert opening + 0.99 * r.tier2_contributions + r.tier2_net_return == pytest.approx(
            r.tier2_balances + r.tier2_bequests + r.tier2_annuity_premiums, rel=1e-12, abs=1e-9)
    np.testing.assert_allclose(y["tier2_assets_pct_gdp"],
                               100 * (y["tier2_balances"] + y["tier2_annuity_fund"]) / 1e6)


def test_multi_tier_reports_tier2_assets_and_the_elderly_by_tier(result):
    y = result.yearly
    # no tier-2 money before its first contributions (2027), then assets grow
    assert (y["tier2_assets"].iloc[:2] == 0).all() and (y["tier2_assets"].iloc[2:12].diff().iloc[1:] > 0).all()
    np.testing.assert_allclose(y["tier2_contributions"], 0.03 * y["contributors_wages"]
                               * (y["year"] >= 2027), rtol=1e-12)
    np.testing.assert_allclose(y["tier2_pensions"], y["tier2_pensions_M"] + y["tier2_pensions_F"])
    # the elderly: each group within the population; the pension test pays everybody
    # without a contributory pension, so nobody is left with none
    for key in ("tier1", "tier2", "tier0"):
        assert (y[f"elderly_{key}"] <= y["population_aged"] * (1 + 1e-12)).all()
        np.testing.assert_allclose(y[f"elderly_{key}"], y[f"elderly_{key}_M"] + y[f"elderly_{key}_F"])
    np.testing.assert_allclose(y["elderly_none"], 0.0, atol=1e-6)
    assert (y["elderly_tier2"].iloc[:3] == 0).all() and y["elderly_tier2"].iloc[-1] > 0
    assert result.summary["tier2_assets_pct_gdp_year_25"] == pytest.approx(
        y["tier2_assets_pct_gdp"].iloc[24])


def test_carve_out_diverts_part_of_the_tier1_rate():
    """The shipped carve-out: 2 points of the legislated NSSF rate go to the accounts from
    October 2027, on the same contributory wages, so contributors pay what the legislated
    scheme asks (tier 1 plus tier 2 = cambodia-default's contributions, year by year)."""
    from actuary.studies.compare import load_scenario as load

    carve = run_multi_tier(REFORMS_DIR / "multi_tier_carve_out.yaml", horizon=40)
    base = load("cambodia-default", horizon=40).yearly
    y = carve.yearly
    tier1 = carve.scenario.parts["tier1"].yearly
    np.testing.assert_allclose(tier1["contributions"] + y["tier2_contributions"],
                               base["contributions"], rtol=1e-9)
    assert (y["tier2_contributions"].iloc[:2] == 0).all()
    # 2027: 2% for the three months from 1 October (dated values are averaged by month),
    # of the year's contributory wages
    assert y["tier2_contributions"].iloc[2] == pytest.approx(
        0.02 * 3 / 12 * tier1["insurable_earnings"].iloc[2], rel=1e-9)


def test_design_files_unverified_parameters_are_listed(tmp_path):
    """Every mapping of a design file with status unverified, by its dotted key; the
    comparison's notes carry them (basis show lists only assumption sets)."""
    from actuary.schemes.design_params import unverified_keys

    keys = unverified_keys(REFORMS_DIR / "multi_tier_nssf.yaml")
    assert "tier0.benefit" in keys and "tier2.charge_on_assets" in keys
    assert "status" not in keys and all(k for k in keys)  # the file's own status is not a key
    (tmp_path / "d.yaml").write_text(
        "status: unverified\na:\n  status: confirmed\n  b: {status: unverified, value: 1}\n"
        "c:\n  - {name: x, status: unverified}\n  - {status: secondary}\n")
    assert unverified_keys(tmp_path / "d.yaml") == ["a.b", "c[x]"]
    sc = load_scenario("multi-tier-nssf", horizon=20)
    assert any(n.startswith(f"{len(keys)} unverified parameters in multi_tier_nssf.yaml")
               for n in sc.notes)
