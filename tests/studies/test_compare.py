"""Comparisons: the budget view by hand, the comparison table, loading scenarios, the CLI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from actuary.analysis import indicators as ind
from actuary.cli.main import main
from actuary.studies.compare import (
    COMPARE_ROWS,
    REFORMS_DIR,
    YEARLY_COLUMNS,
    compare,
    guaranteed_reserve,
    load_scenario,
    present_value,
    resolve_scenario,
)
from actuary.io.errors import AssumptionError


def test_guaranteed_reserve_by_hand():
    """F_0 = 100, 10% interest, cash flows mid-year; the budget tops up to keep F >= 0."""
    c = np.array([10.0, 0.0, 0.0])
    b = np.array([0.0, 200.0, 50.0])
    i = np.full(3, 0.1)
    f, d = guaranteed_reserve(100.0, c, b, i, np.ones(3, dtype=bool))
    # year 1: 100 + 10 + 0.1 (100 + 10/2) = 120.5
    assert f[0] == pytest.approx(120.5) and d[0] == 0.0
    # year 2: 120.5 - 200 + 0.1 (120.5 - 100) = -77.45, paid mid-year: D = 77.45 / 1.05
    assert d[1] == pytest.approx(77.45 / 1.05) and f[1] == 0.0
    # year 3: no reserve, no contributions: the budget pays the benefits, D = B
    assert d[2] == pytest.approx(50.0) and f[2] == 0.0
    # without the guarantee: the plain roll-forward, reserve negative
    f2, d2 = guaranteed_reserve(100.0, c, b, i, np.zeros(3, dtype=bool))
    np.testing.assert_allclose(f2, ind.reserve_path(100.0, c, b, i))
    assert (d2 == 0).all() and f2[-1] < 0


def test_present_value_by_hand():
    i = np.array([0.1, 0.1])
    # u_1 = (1 + 0.05) / 1.1, u_2 = (1 + 0.05) / 1.21
    assert present_value(np.array([110.0, 121.0]), i, 2) == pytest.approx(105.0 + 105.0)
    assert present_value(np.array([1.0]), i, 2) is None


@pytest.fixture(scope="module")
def ps_comparison():
    return compare(["public-sector-default", "ps-contributions-2027"], horizon=40)


def test_table_changes_are_scenario_minus_base(ps_comparison):
    t = ps_comparison.table
    assert list(t["key"]) == [k for k, _, _ in COMPARE_ROWS]
    base, other = ps_comparison.scenarios[0].name, ps_comparison.scenarios[1].name
    for rec in t.to_dict("records"):
        a, b = rec[other], rec[base]
        if pd.isna(a) or pd.isna(b):  # missing (None, shown as NaN in the frame)
            assert pd.isna(rec[f"change: {other}"])
        else:
            assert rec[f"change: {other}"] == pytest.approx(a - b)
    # 40 years: no 50- or 75-year figures
    row = t.set_index("key").loc["gap_75"]
    assert pd.isna(row[base])


def test_contributions_lower_the_budget_cost(ps_comparison):
    """The state pays half of the contributions (employer) and the deficits; the worker
    half reduces what the budget pays, and the reserve never goes below zero."""
    base, reform = (s.yearly for s in ps_comparison.scenarios)
    assert list(reform.columns) == list(YEARLY_COLUMNS)
    np.testing.assert_allclose(reform["budget_contributions"], 0.5 * reform["contributions"])
    assert (reform["reserve_end"] >= 0).all()
    # deficits are paid only in years the reserve is empty at the end
    assert (reform["budget_deficit"][reform["reserve_end"] > 0] == 0).all()
    assert (reform["budget_cost"].iloc[2:] < base["budget_cost"].iloc[2:]).all()
    np.testing.assert_allclose(reform["budget_cost"].iloc[:2], base["budget_cost"].iloc[:2])


def test_resolve_scenario_by_stem_name_and_set():
    assert resolve_scenario("ps_transition_2027") == REFORMS_DIR / "ps_transition_2027.yaml"
    assert resolve_scenario("ps-transition-2027") == REFORMS_DIR / "ps_transition_2027.yaml"
    assert resolve_scenario("cambodia-default") == "cambodia-default"  # left to load_basis


def test_unknown_scenario_and_duplicate_names_are_user_errors():
    with pytest.raises(AssumptionError, match="not found"):
        load_scenario("no-such-scenario")
    with pytest.raises(AssumptionError, match="same name: 'accrual-1.75' in .*accrual_175.yaml"):
        compare(["accrual-1.75", "accrual-1.75"], horizon=10)


def test_a_scenario_whose_rates_do_not_fit_is_named(tmp_path):
    bad = tmp_path / "heavy.yaml"
    bad.write_text("name: heavy\nbase: cambodia-default\ndescription: t\n"
                   "overrides:\n  demographic.mortality.scale: 1000\n")
    with pytest.raises(AssumptionError) as err:
        compare(["cambodia-default", str(bad)], horizon=3)
    assert str(err.value).startswith(f"{bad}, at demographic (mortality, invalidity, exit)")


def test_compare_command(tmp_path):
    out = tmp_path / "c.xlsx"
    r = CliRunner().invoke(main, ["compare", "cambodia-default", "accrual-1.75", "--horizon",
                                  "30", "--quiet", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "chg accrual-1.75" in r.output and "GAP over 25 years" in r.output
    assert out.exists()
    r = CliRunner().invoke(main, ["compare", "cambodia-default", "no-such-scenario", "--quiet"])
    assert r.exit_code == 1 and "not found" in r.output and "Traceback" not in r.output


def test_compare_command_prints_the_transition_cost_year_by_year():
    r = CliRunner().invoke(main, ["compare", "public-sector-default", "ps-transition-2027",
                                  "--horizon", "30", "--quiet"])
    assert r.exit_code == 0, r.output
    assert "Transition cost of ps-transition-2027" in r.output
    assert "  2027 " in r.output and "  2054 " in r.output


def test_reserve_and_present_values_as_shares(ps_comparison):
    """The reserve in per cent of GDP and in years of expenditure, and present values in
    per cent of the PV of GDP, from the yearly table and the mid-year discount factors."""
    for sc in ps_comparison.scenarios:
        y, s = sc.yearly, sc.summary
        for n in (10, 25):
            assert s[f"reserve_pct_gdp_year_{n}"] == pytest.approx(
                100 * y["reserve_end"].iloc[n - 1] / y["gdp"].iloc[n - 1], rel=1e-12)
        assert s["reserve_ratio_year_25"] == pytest.approx(
            y["reserve_end"].iloc[24] / y["expenditure"].iloc[24], rel=1e-12)
        assert s["reserve_pct_gdp_year_50"] is None  # 40 years projected
        # 40 years: no 75-year present value, so no share of it either
        assert s["expenditure_pv_75_pct_gdp"] is None
    one = load_scenario("public-sector-default", horizon=75)
    y = one.yearly
    _, u = ind.discount_factors(y["investment_return"].to_numpy())
    assert one.summary["expenditure_pv_75_pct_gdp"] == pytest.approx(
        100 * np.sum(u * y["expenditure"]) / np.sum(u * y["gdp"]), rel=1e-12)
