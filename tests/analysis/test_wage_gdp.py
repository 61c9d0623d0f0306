"""One economy: GDP derived from employment, productivity and inflation; the average
insurable wage within the set's band of its ratio to GDP per head; the spread of the
return over wage growth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from actuary.analysis.sensitivity import overlay
from actuary.analysis.valuation import load_population, run_valuation
from actuary.analysis.wage_gdp import band_check, economy_check, return_spread, wage_gdp_table
from actuary.assumptions import load_basis
from actuary.frame.build import gdp_path, population_path
from actuary.frame.build import build_frame


@pytest.fixture(scope="module")
def aset():
    return load_basis()


@pytest.fixture(scope="module")
def valued(aset):
    return run_valuation(aset, load_population(aset, None), detail=False)


def test_gdp_grows_by_employment_productivity_and_inflation(aset):
    gdp = gdp_path(aset, 2025, 2124)
    frame = build_frame(aset, 2124)
    employed = frame.labour.employed.sum(axis=(1, 2))
    mid = 0.5 * (employed[:-1] + employed[1:])  # mid-year employed, 2025..2124
    eco, fe = aset.economic, aset.frame.economy
    growth = (mid[1:] / mid[:-1] - 1.0
              + np.asarray(fe.productivity_growth.yearly(2026, 2124, "average"))
              + np.asarray(eco.price_inflation.yearly(2026, 2124, "average")))
    assert gdp[0] == eco.gdp.value_khr  # the 2025 level is the set's
    np.testing.assert_allclose(gdp[1:] / gdp[:-1] - 1.0, growth, rtol=1e-12, atol=1e-15)


def test_the_valuation_uses_that_gdp(aset, valued):
    np.testing.assert_array_equal(valued.yearly["gdp"], gdp_path(aset, 2025, 2124))


def test_the_default_wage_stays_within_its_band_of_gdp_per_head(aset, valued):
    band = aset.frame.economy.wage_gdp_band
    assert (band.tolerance, band.through) == (0.2, 2075)
    y = valued.yearly
    wage = y["insurable_earnings"] / y["contributor_years"] / 12.0
    per_head = y["gdp"] / population_path(aset, 2025, 2124)
    rel = (wage / per_head) / (wage / per_head).iloc[0]
    through = rel[y["year"] <= 2075]
    assert np.all(np.abs(through - 1.0) <= 0.2)
    check = economy_check(aset, y)
    assert check.band["within"] and check.band["through"] == 2075
    assert check.band["lowest"] == pytest.approx(through.min(), rel=1e-12)
    assert check.band["highest"] == pytest.approx(through.max(), rel=1e-12)


def test_separate_gdp_and_wage_paths_break_the_band(aset):
    apart = overlay(aset, {"frame.economy.gdp_rule": "as_set"}, "gdp as set")
    res = run_valuation(apart, load_population(apart, None), detail=False)
    check = economy_check(apart, res.yearly)
    assert not check.band["within"] and check.band["lowest"] < 0.8


def test_band_check_by_hand():
    table = pd.DataFrame({"year": [2025, 2026, 2027, 2028], "relative": [1.0, 0.85, 1.19, 0.5]})
    got = band_check(table, 0.2, 2027, "r")
    assert got["within"] and got["through"] == 2027
    assert (got["lowest"], got["lowest_year"], got["highest"], got["highest_year"]) == (
        0.85, 2026, 1.19, 2027)
    assert not band_check(table, 0.2, 2030)["within"]
    assert not band_check(table, 0.1, 2027)["within"]


def test_wage_gdp_table_by_hand():
    yearly = pd.DataFrame({"year": [2025, 2026], "insurable_earnings": [120.0, 264.0],
                           "contributor_years": [1.0, 2.0], "gdp": [1000.0, 1100.0]})
    t = wage_gdp_table(yearly, np.array([10.0, 10.0]))
    assert list(t["average_insurable_wage"]) == [10.0, 11.0]
    assert list(t["wage_to_gdp_per_head"]) == pytest.approx([1.2, 1.2])
    assert list(t["relative"]) == pytest.approx([1.0, 1.0])


def test_return_spread(aset):
    s = return_spread(aset, 2025, 2124).set_index("year")["spread"]
    assert s[2025] == pytest.approx(1.05 / 1.055 - 1.0)
    assert s[2032] == pytest.approx(0.0, abs=1e-15)
    assert s[2040] == pytest.approx(1.05 / 1.045 - 1.0)
    check = economy_check(aset, run_valuation(aset, load_population(aset, None), horizon=80,
                                              detail=False).yearly)
    hand = (1.05 ** 75 / (1.055 ** 5 * 1.05 ** 5 * 1.045 ** 65)) ** (1 / 75) - 1
    assert check.spread_average == pytest.approx(hand, rel=1e-12)
    assert check.spread_text().startswith("-0.47 pt 2025-2029, +0.00 pt 2030-2034, +0.48 pt 2035-")
