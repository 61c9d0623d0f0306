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
    social_pension_cost,
)

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


def test_social_pension_cost_by_test():
    n = np.array([1000.0, 2000.0])
    b = np.array([12.0, 12.0])
    np.testing.assert_allclose(social_pension_cost(n, b, "universal"), [12_000, 24_000])
    np.testing.assert_allclose(social_pension_cost(n, b, "means_tested", np.array([0.2, 0.25])),
                               [2_400, 6_000])
    # 300 tier-1 pensioners with 10 a year: 12 - 0.5 x 10 = 7 each; 1,000 pensioners with
    # 30 a year get nothing (never below 0)
    got = social_pension_cost(n, b, "pension_tested", withdrawal=np.full(2, 0.5),
                              pensioners=np.array([300.0, 1000.0]),
                              average_pension=np.array([10.0, 30.0]))
    np.testing.assert_allclose(got, [700 * 12 + 300 * 7, 1000 * 12 + 0])


@pytest.fixture(scope="module")
def result():
    return run_multi_tier(DESIGN, horizon=60)


def test_each_tier_of_the_model_careers(result):
    c = result.careers.set_index("career")
    full = c.loc["man, full career from 20 at men's average wage"]
    # tier 1: 1.5% a year for 40 years of a career average revalued with wages
    assert full.tier1_rr == pytest.approx(0.015 * 40, rel=1e-9)
    broken = c.loc["woman, interrupted career from 22 (70% of each year)"]
    assert broken.tier1_rr == pytest.approx(0.015 * 38 * 0.7, rel=1e-9)
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
        c = (0.03 if b.first_year + t >= 2027 else 0.0) * w * 0.99
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
