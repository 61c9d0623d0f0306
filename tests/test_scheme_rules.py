"""Scheme rules as the law states them (issue 13): hand cases, each computed independently.

* a step year's admin cost follows the months: the admin rate times the contributions of
  each month, not the product of the two yearly averages;
* insurable wages are capped once: a starting file giving insurable wages (the sidecar's
  ``wage_basis``) contributes on exactly those wages in the first year.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from scipy import integrate, stats

from actuary.analysis.valuation import load_population
from actuary.assumptions import load_basis
from actuary.engine.build import build_basis
from actuary.engine.projection import project
from actuary.engine.starting import read_starting_population, shipped_population_path
from actuary.engine.state import FLOW_EARNINGS
from actuary.engine.wages import gross_mean
from actuary.io.errors import DataError


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


def _capped_by_quadrature(mean: float, floor: float, ceiling: float, sigma: float) -> float:
    """E[min(max(W, floor), ceiling)] for a lognormal W of mean ``mean``, by quadrature."""
    w = stats.lognorm(s=sigma, scale=math.exp(math.log(mean) - sigma**2 / 2))
    inside, _ = integrate.quad(lambda v: v * w.pdf(v), floor, ceiling, epsabs=0, epsrel=1e-12,
                               limit=200)
    return floor * w.cdf(floor) + inside + ceiling * w.sf(ceiling)


@pytest.mark.parametrize("insurable,sigma", [(925_000.0, 0.4), (450_000.0, 0.4),
                                             (1_150_000.0, 0.4), (800_000.0, 0.1),
                                             (700_000.0, 1.2)])
def test_gross_mean_gives_the_insurable_mean(insurable, sigma):
    floor, ceiling = 400_000.0, 1_200_000.0
    m = gross_mean(insurable, floor, ceiling, sigma)
    assert _capped_by_quadrature(m, floor, ceiling, sigma) == pytest.approx(insurable, rel=1e-9)


def test_gross_mean_at_the_bounds_or_without_dispersion_keeps_the_wage():
    for w in (400_000.0, 1_200_000.0, 300_000.0, 2e6):
        assert gross_mean(w, 400_000.0, 1_200_000.0, 0.4) == w
    assert gross_mean(925_000.0, 400_000.0, 1_200_000.0, 0.0) == 925_000.0


def _first_year_earnings(aset, pop) -> float:
    """First-year insurable earnings with nobody leaving during the year."""
    basis = build_basis(aset, pop, horizon=1)
    zero = np.zeros_like(basis.mortality)
    proj = project(basis.with_(mortality=zero, invalidity=zero, exit=zero))
    return float(proj.flows[0, :, FLOW_EARNINGS].sum())


def test_insurable_wages_are_capped_once(default):
    aset, _ = default
    pop = load_population(aset, None)
    assert pop.wage_basis == "insurable"
    act = pop.rows[pop.rows.status == "active"]
    # every active contributes on the file's insurable wage, twelve months (density 1)
    density = float(aset.demographic.contribution_density.value_at(date(2025, 1, 1)))
    want = density * (act["count"] * 12.0 * act["average_monthly_wage"]).sum()
    assert _first_year_earnings(aset, pop) == pytest.approx(want, rel=1e-10)
    # the same file read as gross wages: capped within the cells' lognormal spread, less
    gross = replace(pop, wage_basis="gross")
    assert _first_year_earnings(aset, gross) < 0.97 * want


def test_sidecar_wage_basis_is_checked(tmp_path):
    src = shipped_population_path("nssf-default")
    shutil.copy(src, tmp_path / src.name)
    side = src.with_suffix(".yaml").read_text().replace("wage_basis: insurable",
                                                         "wage_basis: net")
    (tmp_path / src.with_suffix(".yaml").name).write_text(side)
    with pytest.raises(DataError) as err:
        read_starting_population(tmp_path / src.name)
    text = str(err.value)
    assert "wage_basis" in text and "net" in text and "gross" in text
