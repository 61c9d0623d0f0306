"""Minimum pensions valued member by member (issue 13, rule 6).

* the closed form E[max(minimum, k min(max(W, floor), ceiling))] for a lognormal W
  against numerical integration (scipy.integrate.quad), to 1e-9;
* a cohort cell where the minimum binds for part of its members: the old-age and
  invalidity pensions of the cell equal those of the same members valued one by one by
  the member engine (a fine grid of lognormal wage quantiles), where the minimum on the
  cell's average understates them;
* without a minimum the cell's pensions are untouched (the NSSF has none today).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, stats

sys.path.insert(0, str(Path(__file__).parent))
from conftest import make_basis  # noqa: E402

from actuary.engine.basis import SchemeRules, StartingState  # noqa: E402
from actuary.engine.member_kernel import MEMBER_ACTIVE  # noqa: E402
from actuary.engine.projection import run_kernel  # noqa: E402
from actuary.engine.state import FLOW_NEW_OLD_AGE_AMOUNT  # noqa: E402
from actuary.engine.wages import (  # noqa: E402
    capped_mean,
    floored_capped_mean,
    pensions_with_minimum,
)
from actuary.members.closed_group import MemberSet, cohort_values, value_members  # noqa: E402


def _by_quadrature(k, minimum, mean, floor, ceiling, sigma):
    """E[max(minimum, k clip(W, floor, ceiling))] by integrating over ln W ~ N(mu, sigma^2)
    (in the standard normal variable z, over |z| <= 12, split at the kinks)."""
    mu = math.log(mean) - sigma**2 / 2
    top = ceiling if ceiling > 0 else np.inf

    def pension(z):
        c = min(max(math.exp(mu + sigma * z), floor), top)
        return max(minimum, k * c) * stats.norm.pdf(z)

    kinks = [(math.log(v) - mu) / sigma for v in (floor, minimum / k, ceiling) if v > 0]
    cuts = sorted({-12.0, 12.0, *(z for z in kinks if -12 < z < 12)})
    return sum(integrate.quad(pension, a, b, epsabs=0, epsrel=1e-13, limit=400)[0]
               for a, b in zip(cuts[:-1], cuts[1:]))


@pytest.mark.parametrize("k,minimum,mean,floor,ceiling,sigma", [
    (0.15, 120_000.0, 900_000.0, 400_000.0, 1_200_000.0, 0.5),   # binds inside the band
    (0.15, 50_000.0, 900_000.0, 400_000.0, 1_200_000.0, 0.5),    # below the floor: never
    (0.15, 200_000.0, 900_000.0, 400_000.0, 1_200_000.0, 0.5),   # above the ceiling: always
    (0.30, 200_000.0, 700_000.0, 0.0, 0.0, 0.8),                 # no floor, no ceiling
    (0.10, 90_000.0, 2_000_000.0, 400_000.0, 0.0, 1.0),          # floor only
    (0.50, 300_000.0, 500_000.0, 0.0, 1_200_000.0, 0.3),         # ceiling only
])
def test_floored_capped_mean_against_numerical_integration(k, minimum, mean, floor, ceiling,
                                                           sigma):
    got = floored_capped_mean(k, minimum, mean, floor, ceiling, sigma)
    assert got == pytest.approx(_by_quadrature(k, minimum, mean, floor, ceiling, sigma),
                                rel=1e-9)


def test_pensions_with_minimum_limits():
    f, c, s = 400_000.0, 1_200_000.0, 0.5
    cw = capped_mean(900_000.0, f, c, s)
    mass = 10 * 0.15 * cw  # ten members, each 0.15 of his capped wage
    # no minimum: untouched, bit for bit
    assert pensions_with_minimum(mass, 10.0, 0.0, 900_000.0, cw, f, c, s) == mass
    # no spread: the minimum on the average
    assert pensions_with_minimum(mass, 10.0, 1.5e5, 900_000.0, cw, f, c, 0.0) == max(mass, 1.5e6)
    # with the spread, at least the average's and at least the minimum's, and linear in
    # the size of the group
    got = pensions_with_minimum(mass, 10.0, 1.3e5, 900_000.0, cw, f, c, s)
    assert got > max(mass, 1.3e6)
    assert pensions_with_minimum(3 * mass, 30.0, 1.3e5, 900_000.0, cw, f, c, s) == pytest.approx(
        3 * got, rel=1e-14)


# ---- a cell where the minimum binds for some members only ----
N_MEMBERS = 20_000  # wage quantiles (i + 1/2) / N of the lognormal
SIGMA = 0.5


def _cell_basis(T: int, minimum: float, final: bool, sigma: float):
    """Actives of one sex and age (30 or 59), 10 credited years, no exits, no entrants,
    no revaluation or wage growth; a minimum pension; invalidity only at 30."""
    rules = SchemeRules(final_salary=final, invalidity_minimum_rate=0.0)
    b = make_basis(3, T, entrants=False, sigma=sigma, rules=rules)
    z = np.zeros(T)
    q = np.full((T, 2, 111), 0.01)
    q[:, :, -1] = 1.0
    inv = np.zeros((T, 2, 111))
    inv[:, :, 30:59] = 0.004
    return b.with_(pension_age=np.full(T, 60), wage_floor=np.full(T, 4.8e6),
                   wage_ceiling=np.full(T, 14.4e6), minimum_pension=np.full(T, minimum),
                   funeral_grant_minimum=z, revaluation=z, wage_growth=z,
                   density=np.ones(T), credit_factor=np.ones(T), contribution_factor=np.ones(T),
                   mortality=q, disabled_mortality=q, invalidity=inv,
                   exit=np.zeros((T, 2, 111)), reentry=np.zeros((T, 2, 111)),
                   salary_growth=np.ones((2, 111)))


def _members(age: int, mean: float, career_per_capped: float, floor: float, ceiling: float):
    """N members of one cell: wages at the lognormal's quantiles, careers in the ratio of
    their capped wages (each member keeps his place in the distribution)."""
    u = (np.arange(N_MEMBERS) + 0.5) / N_MEMBERS
    w = stats.lognorm(s=SIGMA, scale=math.exp(math.log(mean) - SIGMA**2 / 2)).ppf(u)
    career = career_per_capped * np.clip(w, floor, ceiling)
    n = N_MEMBERS
    return MemberSet(ids=np.array([f"m{i}" for i in range(n)]), sex=np.zeros(n, int),
                     age=np.full(n, age), status=np.full(n, MEMBER_ACTIVE),
                     years=np.full(n, 10.0), wage=w, career=career, pension=np.zeros(n))


def _cohort(basis, members, sigma):
    """The cohort cell of the same members: counts, gross wage mass, career mass."""
    start = StartingState.empty()
    x = int(members.age[0])
    start.active_count[0, x, 10] = len(members)
    start.active_wage[0, x, 10] = members.wage.sum()
    start.active_career[0, x, 10] = members.career.sum()
    return basis.with_(start=start, wage_sigma=sigma)


@pytest.mark.parametrize("age,branch", [(59, "old_age"), (30, "invalidity")])
def test_a_minimum_binding_for_part_of_a_cell_is_valued_member_by_member(age, branch):
    T = 40
    mean, minimum = 8e6, 1.5e6  # KHR a year; it binds for about a third of the pensions
    basis = _cell_basis(T, minimum, False, SIGMA)
    members = _members(age, mean, 10.0, 4.8e6, 14.4e6)
    one_by_one = value_members(basis, members)
    cohort = cohort_values(_cohort(basis, members, SIGMA), one_by_one.v_mid)
    # the quantile grid stands for the lognormal to about 1e-5
    assert cohort[branch] == pytest.approx(one_by_one.totals[branch], rel=2e-5)
    # the minimum binds for part of the cell: more than on the cell's average, which is
    # more than without a minimum
    average = cohort_values(_cohort(basis, members, 0.0), one_by_one.v_mid)
    without = value_members(basis.with_(minimum_pension=np.zeros(T)), members)
    assert one_by_one.totals[branch] > 1.01 * average[branch]
    assert average[branch] > without.totals[branch] * (1 - 1e-6)
    # ... and the branches without the minimum agree all the same
    assert cohort["contributions"] == pytest.approx(one_by_one.totals["contributions"],
                                                    rel=2e-5)


def test_final_salary_minimum_member_by_member():
    """Final salary: the pension is accrual x years x the member's own capped wage, so the
    closed form is exact. A cell aged 59 retires on the birthday with 10 years and half a
    year's credit (half the members reach 11 years): the year's new pensions equal the sum
    over the wage quantiles of max(minimum, 1.5% x years x capped wage)."""
    T = 3
    minimum = 1.5e6
    basis = _cell_basis(T, minimum, True, SIGMA)
    members = _members(59, 8e6, 1.0, 4.8e6, 14.4e6)
    flows = run_kernel(_cohort(basis, members, SIGMA).with_(target_actives=-np.ones(T)))[0]
    c = np.clip(members.wage, 4.8e6, 14.4e6)
    alive = 1 - 0.5 * 0.01  # deaths of the half year to the birthday
    want = alive * sum(0.5 * np.maximum(minimum, 0.015 * n * c).sum() for n in (10, 11))
    assert flows[0, 0, FLOW_NEW_OLD_AGE_AMOUNT] == pytest.approx(want, rel=2e-5)
    on_average = alive * sum(0.5 * max(minimum * len(c), 0.015 * n * c.sum()) for n in (10, 11))
    assert want > 1.01 * on_average


@pytest.mark.parametrize("set_name,minimum", [("public-sector-default", None),
                                              ("cambodia-default", 300_000)])
def test_shipped_schemes_with_a_minimum_kernel_agrees_with_reference(set_name, minimum):
    """The shipped public-sector scheme (minimum 690,000 KHR a month, final salary) and the
    NSSF with a minimum of 300,000 KHR a month: the kernel agrees with the numpy reference
    to 1e-12 where the minimum binds."""
    from actuary.analysis.sensitivity import overlay
    from actuary.analysis.valuation import load_population
    from actuary.assumptions import load_basis
    from actuary.engine.build import build_basis
    from reference_projection import project_reference

    aset = load_basis(set_name)
    if minimum is not None:
        aset = overlay(aset, {"scheme.parameters.minimum_pension.values":
                              {"2022-10-01": minimum}}, "a minimum")
    basis = build_basis(aset, load_population(aset, None), horizon=25)
    assert basis.minimum_pension[0] > 0 and basis.wage_sigma > 0
    got = run_kernel(basis)
    for a, b in zip(got, project_reference(basis)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-3)
    # not vacuous: the minimum binds for some of the new pensions
    without = run_kernel(basis.with_(minimum_pension=np.zeros(basis.n_years)))[0]
    assert (got[0][:, :, FLOW_NEW_OLD_AGE_AMOUNT].sum()
            > 1.001 * without[:, :, FLOW_NEW_OLD_AGE_AMOUNT].sum())
