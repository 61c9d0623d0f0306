"""Scheme rules as the law states them (issue 13): hand cases, each computed independently.

* a step year's admin cost follows the months: the admin rate times the contributions of
  each month, not the product of the two yearly averages.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from actuary.analysis.valuation import load_population
from actuary.assumptions import load_basis
from actuary.engine.build import build_basis
from actuary.engine.projection import project


@pytest.fixture(scope="module")
def default():
    aset = load_basis()
    pop = load_population(aset, None)
    return aset, project(build_basis(aset, pop, horizon=6))


def _monthly(param, year: int) -> np.ndarray:
    """The value in force on the first day of each month of ``year`` (NSSF changes fall on
    the first of a month)."""
    return np.array([float(param.value_at(date(year, m, 1))) for m in range(1, 13)])


def test_step_year_admin_cost_follows_the_months(default):
    aset, proj = default
    year = 2027  # the rate goes from 4% to 8% on 1 October 2027, the admin rate from 5% to 2.5%
    rate = _monthly(aset.scheme.parameters.contribution_rate, year)
    admin = _monthly(aset.economic.admin_expense_rate, year)
    assert len(set(rate)) == 2 and len(set(admin)) == 2  # a step year for both
    t = year - proj.basis.first_year
    earnings = proj.earnings[t]  # insurable earnings, even over the year
    # each month: a twelfth of the earnings, times that month's rate and admin rate
    want = (earnings / 12.0 * rate * admin).sum()
    assert proj.admin[t] == pytest.approx(want, rel=1e-12)
    assert proj.contributions[t] == pytest.approx((earnings / 12.0 * rate).sum(), rel=1e-12)
    # the old product of the yearly averages was 9% higher
    assert rate.mean() * admin.mean() * earnings / want == pytest.approx(1.09375, rel=1e-12)


def test_admin_rate_of_years_without_a_step_is_the_rate_in_force(default):
    aset, proj = default
    for year in (2025, 2026, 2028):
        t = year - proj.basis.first_year
        assert proj.basis.admin_rate[t] == _monthly(aset.economic.admin_expense_rate, year)[6]
