"""Economy paths of the frame (actuary.frame.economy): levels from growth by hand, the wage
rule, the minimum wage, GDP and a published budget figure as a share of GDP."""

from __future__ import annotations

import numpy as np
import pytest

from actuary.assumptions import load_basis
from actuary.frame.economy import economy_paths, level_path
from actuary.io.errors import AssumptionError


@pytest.fixture(scope="module")
def aset():
    return load_basis()


@pytest.fixture(scope="module")
def paths(aset):
    # the default derives GDP from the frame's employed (mid-year), as build_frame does
    from actuary.frame.build import _mid_year, build_frame

    employed = _mid_year(build_frame(aset, 2124).labour.employed)[:100]
    return economy_paths(aset, 2025, 2124, employed=employed)


def test_level_path_by_hand():
    years = np.arange(2023, 2027)
    growth = np.array([0.5, 0.10, 0.20, 0.05])  # growth of each year from the year before
    out = level_path(growth, years, 2024, 100.0)
    # 2023 = 100 / 1.10 (2024's growth undone); 2025 = 100 x 1.2; 2026 = 120 x 1.05
    assert out == pytest.approx([100 / 1.10, 100.0, 120.0, 126.0], rel=1e-14)
    with pytest.raises(AssumptionError, match="base year outside"):
        level_path(growth, years, 2030, 1.0)


def test_wage_growth_is_productivity_plus_inflation_and_agrees_with_the_set(paths):
    """The frame's wage rule reproduces economic.wage_growth every year (consistency)."""
    assert paths.wage_rule == "productivity_plus_inflation"
    assert paths.wage_growth == pytest.approx(paths.productivity_growth + paths.price_inflation,
                                              abs=1e-15)
    assert paths.wage_growth == pytest.approx(paths.wage_growth_set, abs=1e-12)
    c = paths.consistency()
    assert c["wage_difference"].abs().max() < 1e-12
    assert paths.at("wage_growth", 2025) == pytest.approx(0.055)
    assert paths.at("wage_growth", 2040) == pytest.approx(0.045)


def test_wage_rule_as_set_reports_the_implied_productivity(tmp_path):
    (tmp_path / "w.yaml").write_text(
        "name: w\nbase: cambodia-default\ndescription: x\noverrides:\n"
        "  frame.economy.wage_rule: as_set\n"
        "  frame.economy.gdp_rule: as_set\n"
        "  economic.wage_growth.values: {2025-01-01: 0.07}\n", encoding="utf-8")
    p = economy_paths(load_basis(tmp_path / "w.yaml"), 2025, 2030)
    assert p.wage_growth == pytest.approx(np.full(6, 0.07))
    assert p.productivity_growth == pytest.approx(np.full(6, 0.04))  # 7% - 3% inflation


def test_levels_cpi_wage_and_minimum_wage(paths, aset):
    fe = aset.frame.economy
    assert paths.at("cpi", 2025) == 1.0
    assert paths.at("cpi", 2027) == pytest.approx(1.03**2, rel=1e-14)
    assert paths.at("average_wage", 2025) == fe.average_wage.value
    assert paths.at("average_wage", 2026) == pytest.approx(925_000 * 1.055, rel=1e-14)
    # USD 208 at 4,100 KHR per USD; then it grows with the average wage
    assert paths.at("minimum_wage", 2025) == pytest.approx(208 * 4100)
    ratio = paths.minimum_wage / paths.average_wage
    assert np.ptp(ratio) < 1e-12


def test_gdp_is_the_sets_and_a_budget_is_a_share_of_it(paths, aset):
    assert paths.at("gdp", 2025) == pytest.approx(209.16e12)
    # the set's own growth (9% in 2026) with gdp_rule as_set; the default derives it
    apart = economy_paths(aset.override({"frame.economy.gdp_rule": "as_set"}), 2025, 2030)
    assert apart.at("gdp", 2026) == pytest.approx(209.16e12 * 1.09, rel=1e-12)
    assert paths.at("gdp", 2026) < apart.at("gdp", 2026)
    # 2025 draft budget 37,950 billion riels = 18.14% of GDP (Cambodianess, Oct 2024)
    assert paths.share_of_gdp(37_950e9, 2025)[0] == pytest.approx(0.1814, abs=5e-4)
    shares = paths.share_of_gdp(np.array([1e12, 2e12]), np.array([2025, 2030]))
    assert shares == pytest.approx([1e12 / paths.at("gdp", 2025), 2e12 / paths.at("gdp", 2030)])
    with pytest.raises(AssumptionError, match="outside the economy paths"):
        paths.share_of_gdp(1.0, 2200)


def test_frame_columns_are_consistent(paths):
    df = paths.frame(population=np.full(paths.years.size, 2e7), employed=np.linspace(8e6, 9e6, paths.years.size))
    assert df["real_return"].to_numpy() == pytest.approx(paths.investment_return - paths.price_inflation)
    assert df["gdp_per_capita_usd"].iloc[1] == pytest.approx(paths.gdp[1] / 4100 / 2e7)
    w = df["real_gdp_per_worker_khr"].to_numpy()
    assert df["gdp_productivity_growth"].iloc[5] == pytest.approx(w[5] / w[4] - 1)


def test_gdp_from_employment_productivity_and_inflation(tmp_path):
    (tmp_path / "g.yaml").write_text(
        "name: g\nbase: cambodia-default\ndescription: x\noverrides:\n"
        "  frame.economy.gdp_rule: employment_productivity_inflation\n", encoding="utf-8")
    aset = load_basis(tmp_path / "g.yaml")
    employed = np.array([8.0e6, 8.2e6, 8.3e6, 8.3e6])
    p = economy_paths(aset, 2025, 2028, employed=employed)
    assert p.at("gdp", 2025) == pytest.approx(209.16e12)
    growth_2027 = 8.3 / 8.2 - 1 + 0.025 + 0.03
    assert p.at("gdp", 2027) / p.at("gdp", 2026) == pytest.approx(1 + growth_2027, rel=1e-12)
    assert p.consistency(employed)["gdp_difference"].iloc[1:].abs().max() < 1e-12
    with pytest.raises(AssumptionError, match="needs the employed population"):
        economy_paths(aset, 2025, 2028)


def test_a_set_without_a_frame_is_an_error():
    from pathlib import Path

    minimal = Path(__file__).parents[1] / "data" / "bases" / "good" / "minimal.yaml"
    with pytest.raises(AssumptionError, match="no 'frame' section"):
        economy_paths(load_basis(minimal), 2025, 2030)
