"""Solvers: each lever against each target, checked by re-projecting the answer.

The check never reuses the solver's own basis: the answer is put back into a basis built
independently (arrays edited by hand, or an overlay of the assumption set built again),
projected, and the target is evaluated from the reserve roll-forward of
:mod:`actuary.analysis.indicators`. The answer must meet the target, a slightly cheaper value
must miss it (the answer is tight), and no solve may take more than 60 projections.
"""

from __future__ import annotations

import numpy as np
import pytest

from actuary.analysis import indicators as ind
from actuary.assumptions import load_basis
from actuary.engine.build import build_basis
from actuary.io.errors import AssumptionError
from actuary.engine.projection import project
from actuary.analysis.sensitivity import overlay
from actuary.studies.solve import MAX_PROJECTIONS, solve
from actuary.analysis.valuation import cash_flows, load_population


@pytest.fixture(scope="module")
def nssf():
    aset = load_basis()
    pop = load_population(aset, None)
    return aset, pop, build_basis(aset, pop)


@pytest.fixture(scope="module")
def public():
    aset = load_basis("public-sector-default")
    pop = load_population(aset, None)
    return aset, pop, build_basis(aset, pop)


def _reserves(basis):
    cf = cash_flows(project(basis))
    return cf, ind.reserve_path(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)


def _gap_met(basis, n):
    """PV of contributions + F_0 >= PV of expenditure over n years, directly."""
    cf, _ = _reserves(basis)
    _, u = ind.discount_factors(cf.interest[:n])
    return cf.reserve0 + np.sum(u * cf.contributions[:n]) - np.sum(u * cf.expenditure[:n])


def _min_ratio(basis, n):
    cf, f = _reserves(basis)
    return np.min(f[:n] / cf.expenditure[:n])


def _min_reserve(basis, n):
    return np.min(_reserves(basis)[1][:n])


def _with_rate_from(basis, t0, rate):
    r = basis.contribution_rate.copy()
    r[t0:] = rate
    return basis.with_(contribution_rate=r)


def test_level_rate_for_the_gap_is_the_gap(nssf):
    aset, pop, b = nssf
    res = solve(aset, pop, "rate", "gap", years=75, basis=b)
    assert res.projections <= MAX_PROJECTIONS
    again = _with_rate_from(b, 0, res.value)
    assert _gap_met(again, 75) >= -1e-6 * abs(_gap_met(b, 75))  # met, to rounding
    # a level rate paid from year 1 that leaves nothing after 75 years is the GAP itself
    gap = ind.general_average_premium(cash_flows(project(again)), 75)
    assert res.value == pytest.approx(gap, rel=1e-6)
    assert _gap_met(_with_rate_from(b, 0, res.value - 1e-5), 75) < 0


@pytest.mark.parametrize("years", [25, 50])
def test_rate_for_shorter_gaps(nssf, years):
    aset, pop, b = nssf
    res = solve(aset, pop, "rate", "gap", years=years, basis=b)
    again = _with_rate_from(b, 0, res.value)
    assert res.value == pytest.approx(
        ind.general_average_premium(cash_flows(project(again)), years), rel=1e-6)


def test_rate_for_a_reserve_ratio_until_the_horizon(nssf):
    aset, pop, b = nssf
    res = solve(aset, pop, "rate", "reserve_ratio", ratio=2.0, basis=b)
    assert res.projections <= MAX_PROJECTIONS and not res.at_bound
    T = b.n_years
    assert _min_ratio(_with_rate_from(b, 0, res.value), T) >= 2.0
    assert _min_ratio(_with_rate_from(b, 0, res.value - 1e-5), T) < 2.0


def test_rate_from_2030_for_no_depletion(nssf):
    aset, pop, b = nssf
    res = solve(aset, pop, "rate", "no_depletion", start_year=2030, until=2124, basis=b)
    assert res.projections <= MAX_PROJECTIONS
    t0 = 2030 - b.first_year
    assert _min_reserve(_with_rate_from(b, t0, res.value), b.n_years) >= 0
    assert _min_reserve(_with_rate_from(b, t0, res.value - 1e-5), b.n_years) < 0
    # the years before 2030 keep the legislated rates
    np.testing.assert_array_equal(res.basis.contribution_rate[:t0], b.contribution_rate[:t0])


def test_rate_path_by_periods(nssf):
    """From 2035 the rate rises every 10 years by the solved step, from the 2034 rate."""
    aset, pop, b = nssf
    res = solve(aset, pop, "rate_path", "no_depletion", start_year=2035, period=10, basis=b)
    assert res.projections <= MAX_PROJECTIONS
    t0 = 2035 - b.first_year
    r0 = b.contribution_rate[t0 - 1]

    def path(step):
        r = b.contribution_rate.copy()
        for t in range(t0, b.n_years):
            r[t] = min(r0 + step * (1 + (b.first_year + t - 2035) // 10), 1.0)
        return b.with_(contribution_rate=r)

    assert res.basis.contribution_rate[t0] == pytest.approx(r0 + res.value)
    assert res.basis.contribution_rate[t0 + 10] == pytest.approx(r0 + 2 * res.value)
    assert _min_reserve(path(res.value), b.n_years) >= 0
    assert _min_reserve(path(res.value - 1e-6), b.n_years) < 0


def test_accrual_rate_for_the_gap(nssf):
    aset, pop, b = nssf
    res = solve(aset, pop, "accrual", "gap", years=75, start_year=2026, basis=b)
    assert res.projections <= MAX_PROJECTIONS
    # the lever helps by going down: the answer is the highest accrual meeting the target
    acc = b.accrual_rate.copy()
    acc[1:] = res.value
    assert _gap_met(b.with_(accrual_rate=acc), 75) >= 0
    acc[1:] = res.value + 1e-6
    assert _gap_met(b.with_(accrual_rate=acc), 75) < 0
    # the legislated rates more than cover the 75-year GAP at 1.5%: a higher accrual fits
    assert _gap_met(b, 75) > 0 and res.value > b.accrual_rate[0]


def _entrants(b):
    return {"target_actives": b.target_actives, "entrant_distribution": b.entrant_distribution}


def test_pension_age_path(nssf):
    """The age rises one year every two years from 2030: checked through an overlay of
    the set's pension age, built again by the basis builder (its own invalidity and
    exit masks)."""
    aset, pop, b = nssf
    # a ratio the legislated age of 60 does not reach (its lowest ratio is 8.1)
    res = solve(aset, pop, "pension_age", "reserve_ratio", ratio=9.0, start_year=2030, basis=b)
    assert res.projections <= MAX_PROJECTIONS and not res.at_bound
    age = int(res.value)
    assert 61 <= age <= 70

    def rebuilt(final_age):
        values = {"2022-10-01": 60}
        for k in range(1, final_age - 60 + 1):
            values[f"{2030 + 2 * (k - 1)}-01-01"] = 60 + k
        a = overlay(aset, {"scheme.parameters.pension_age.values": values}, f"age {final_age}")
        return build_basis(a, pop, entrants=_entrants(b))

    good = rebuilt(age)
    np.testing.assert_array_equal(good.pension_age, res.basis.pension_age)
    np.testing.assert_array_equal(good.invalidity, res.basis.invalidity)
    assert _min_ratio(good, b.n_years) >= 9.0
    assert _min_ratio(rebuilt(age - 1) if age > 61 else b, b.n_years) < 9.0


def test_ceiling(nssf):
    """A higher ceiling from 2026 raises insurable earnings at once and pensions only
    later, so it lowers the 25-year GAP: with a flat rate between the GAPs at the two
    ends of the range, the answer is the lowest ceiling whose GAP that rate covers."""
    aset, pop, b = nssf
    flat = np.full(b.n_years, 0.0)

    def scaled(monthly):
        c = b.wage_ceiling.copy()
        c[1:] = b.wage_ceiling[1:] * (12 * monthly / b.wage_ceiling[1])
        return b.with_(wage_ceiling=c)

    gaps = [ind.general_average_premium(cash_flows(project(scaled(m))), 25)
            for m in (600_000.0, 3_600_000.0)]
    assert gaps[1] < gaps[0]
    flat[:] = 0.5 * sum(gaps)
    bf = b.with_(contribution_rate=flat)
    res = solve(aset, pop, "ceiling", "gap", years=25, start_year=2026,
                bounds=(600_000.0, 3_600_000.0), basis=bf)
    assert res.projections <= MAX_PROJECTIONS and not res.at_bound

    def rebuilt(monthly):
        p = aset.scheme.parameters.wage_ceiling
        values = {d.isoformat(): float(v) for d, v in p.values.items()}
        values["2026-01-01"] = monthly
        a = overlay(aset, {"scheme.parameters.wage_ceiling.values": values}, "ceiling")
        return build_basis(a, pop, entrants=_entrants(b)).with_(contribution_rate=flat)

    good = rebuilt(res.value)
    np.testing.assert_allclose(good.wage_ceiling, res.basis.wage_ceiling, rtol=1e-12)
    assert _gap_met(good, 25) >= 0
    assert _gap_met(rebuilt(res.value - 5.0), 25) < 0


def test_steady_state_is_refused_for_a_budget_financed_scheme(public):
    """The budget-financed scheme has no reserve: its steady-state "solution" (equal
    reserve ratios of years 10 and 60) left the reserve negative in every year, so the
    target is refused before any projection, saying why; so is a lever that cannot give
    it a reserve."""
    aset, pop, b = public
    with pytest.raises(AssumptionError, match="paid from the budget.*no reserve ratio") as e:
        solve(aset, pop, "rate", "steady_state", basis=b)
    assert "--target gap" in e.value.expected
    with pytest.raises(AssumptionError, match="cannot build the reserve"):
        solve(aset, pop, "accrual", "no_depletion", basis=b)


def test_steady_state_margin_fails_a_scheme_in_deficit():
    """Hand-made cash flows with equal reserve ratios in years 10 and 60 but a negative
    reserve: the ratio condition alone would be met (margin 0), the deficit fails it."""
    from actuary.studies.solve import Target

    T, i = 60, 0.0
    years = 2025 + np.arange(T)
    b = np.ones(T)
    c = np.zeros(T)  # F_t = -t for ten years: F_10/B_10 = -10 ...
    c[10:] = 1.0  # ... then balanced: F_60 = -10, equal ratios, all negative
    cf = ind.CashFlows(years=years, earnings=np.ones(T), contributions=c, expenditure=b,
                       interest=np.full(T, i), reserve0=0.0)
    f = ind.reserve_path(0.0, c, b, cf.interest)
    assert f[9] == pytest.approx(-10) and f[59] == pytest.approx(-10)
    assert Target("steady_state").margin(cf) == pytest.approx(-10.0)  # min F/B, not 0
    from dataclasses import replace

    cf = replace(cf, reserve0=20.0)  # a reserve that never runs out: the ratios decide
    assert Target("steady_state").margin(cf) == pytest.approx(0.0, abs=1e-12)


def test_gap_of_the_public_sector_with_contributions_from_2027(public):
    aset, pop, b = public
    res = solve(aset, pop, "rate", "gap", years=50, start_year=2027, basis=b)
    again = _with_rate_from(b, 2, res.value)
    assert _gap_met(again, 50) >= -1e-6 * abs(_gap_met(b, 50))
    assert _gap_met(_with_rate_from(b, 2, res.value - 1e-5), 50) < 0
    # no contributions before 2027: the scheme alone runs a deficit in 2025-2026 at least
    # (the reserve roll-forward, independently)
    _, f = _reserves(again)
    assert res.deficit_years == [2025 + t for t in range(50) if f[t] < 0]
    assert res.deficit_years[:2] == [2025, 2026]
    assert "the reserve is negative in" in res.describe()


def test_target_out_of_reach_is_a_user_error(nssf):
    aset, pop, b = nssf
    # the immature NSSF scheme: a higher rate widens the gap between the ratios of
    # years 10 and 60 (the steady-state rate does not exist)
    with pytest.raises(AssumptionError, match="no value of the lever"):
        solve(aset, pop, "rate", "steady_state", basis=b)
    with pytest.raises(AssumptionError, match="unknown lever"):
        solve(aset, pop, "retirement_bonus", "gap", basis=b)
    with pytest.raises(AssumptionError, match="outside the projection"):
        solve(aset, pop, "rate", "gap", start_year=1999, basis=b)


def test_target_met_at_the_cheap_end_is_reported(nssf):
    aset, pop, b = nssf
    # the legislated rates never deplete the reserve: no later pension age is needed
    res = solve(aset, pop, "pension_age", "no_depletion", start_year=2030, basis=b)
    assert res.at_bound and res.value == 60 and res.margin >= 0


def test_solve_command(tmp_path):
    from click.testing import CliRunner

    from actuary.cli.main import main

    out = tmp_path / "solved.xlsx"
    r = CliRunner().invoke(main, ["solve", "--lever", "rate", "--target", "gap", "--years", "50",
                                  "--horizon", "60", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "projections:" in r.output and "margin at the solution" in r.output
    assert "Projection at the solution" in r.output and out.exists()
    r = CliRunner().invoke(main, ["solve", "--lever", "rate", "--target", "gap", "--min", "0.1"])
    assert r.exit_code == 1 and "both --min and --max" in r.output
    r = CliRunner().invoke(main, ["solve", "--lever", "rate", "--target", "steady-state"])
    assert r.exit_code == 1 and "no value of the lever" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(main, ["solve", "public-sector-default", "--lever", "rate",
                                  "--target", "steady-state"])
    assert r.exit_code == 1 and "paid from the budget" in r.output, r.output
    assert "Traceback" not in r.output


def test_solve_workbook_states_lever_target_solution_and_whether_met(tmp_path):
    import sys
    from pathlib import Path
    from types import SimpleNamespace

    import openpyxl

    from actuary.cli.solve_cmd import solve_preface
    from actuary.reports import write_valuation_workbook

    sys.path.insert(0, str(Path(__file__).parent))
    from test_workbook import synthetic_result

    text = "lever:   contribution rate 15.3790% from 2025\ntarget:  no depletion until 2104"
    met = solve_preface(SimpleNamespace(describe=lambda: text, margin=2e-9))
    assert met[0] == ("Lever and solution", "contribution rate 15.3790% from 2025")
    assert met[1] == ("Target", "no depletion until 2104")
    assert met[-1][0] == "Target truly met" and met[-1][1].startswith("yes")
    missed = solve_preface(SimpleNamespace(describe=lambda: text, margin=-0.5))
    assert missed[-1][1].startswith("NO")
    path = write_valuation_workbook(synthetic_result(n_years=30, sensitivity=False),
                                    tmp_path / "s.xlsx", preface=missed)
    ws = openpyxl.load_workbook(path)["Summary"]
    assert ws["A4"].value == "What was solved"
    assert [ws.cell(row=r, column=1).value for r in range(5, 8)] == \
        ["Lever and solution", "Target", "Target truly met"]
    assert ws["B7"].value.startswith("NO")
