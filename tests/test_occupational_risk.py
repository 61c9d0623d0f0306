"""The occupational-risk branch: benefit formulas, capital values, conservation, run-off.

Expected values are computed here independently (from l_x and v, by hand), never copied
from a run.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from actuary.assumptions import load_basis
from actuary.io.errors import ActuaryError, DataError
from actuary.schemes.occupational_risk import financing
from actuary.schemes.occupational_risk.annuity import annuity_factors, award_value, extend_years
from actuary.schemes.occupational_risk.insured import Insured
from actuary.schemes.occupational_risk.pensions import empty_stock, read_pensions
from actuary.schemes.occupational_risk.projection import project_branch
from actuary.schemes.occupational_risk.rules import (
    branch_rules,
    lump_sum,
    pension_amount,
    survivor_rates,
    temporary_benefit,
)
from actuary.schemes.occupational_risk.valuation import valuate_branch

N_AGE = 111


def _mortality(T: int) -> np.ndarray:
    """A Makeham-like table by sex and age that improves 1% a year: [T, 2, 111]."""
    x = np.arange(N_AGE)
    base = 0.0005 + 0.00003 * np.exp(0.095 * x)
    q = np.empty((T, 2, N_AGE))
    for t in range(T):
        q[t, 0] = base * 0.99 ** t
        q[t, 1] = 0.8 * base * 0.99 ** t
    q = np.minimum(q, 1.0)
    q[:, :, -1] = 1.0
    return q


@pytest.fixture(scope="module")
def aset():
    return load_basis("occupational-risk-default")


@pytest.fixture(scope="module")
def result(aset):
    return valuate_branch(aset, horizon=40, sensitivities=False)


# ---------------------------------------------------------------- the benefit formulas
def test_benefit_formulas_by_hand():
    w = 12_000_000.0  # KHR a year
    assert pension_amount(w, 0.5, 0.7, 0.5, 1.0) == pytest.approx(0.7 * 0.5 * w)
    # total disability: the carer allowance adds half the pension
    assert pension_amount(w, 1.0, 0.7, 0.5, 1.0) == pytest.approx(0.7 * w * 1.5)
    assert lump_sum(w, 0.1, 2.1) == pytest.approx(0.21 * w)
    # 70% of the daily wage for 30 days
    assert temporary_benefit(w, 0.7, 30) == pytest.approx(0.7 * w / 365 * 30)
    spouse, children = survivor_rates(np.array([0.6]), np.array([0.4]), 0.56, 0.80, 0.7)
    # spouse alone (no children, 60%) 56%; with children (40%) 80% x 0.7
    assert spouse[0] == pytest.approx(0.6 * 0.56 + 0.4 * 0.56)
    assert children[0] == pytest.approx(0.4 * 0.56 + 0.6 * 0.80 * 0.3)


# ------------------------------------------------------- one award valued by hand
def test_one_award_at_40_with_50_percent_by_hand():
    """A man of 40 on 1 January 2030 with a 50% disability: pension 0.7 x 0.5 x wage,
    mortality 1.5 times the table's (factor 2 at 100%), 5% return, 3% indexation."""
    T = 60
    q = _mortality(T)[:, 0, :]
    qd = np.minimum(q * 1.5, 1.0)
    qd[:, -1] = 1.0
    first, year, age, r, j = 2025, 2030, 40, 0.05, 0.03
    wage = 10_000_000.0
    amount = pension_amount(wage, 0.5, 0.7, 0.5, 1.0)
    # by hand: l_x along the cohort's diagonal, L_x = (l_x + l_{x+1}) / 2, mid-year payments
    t0 = year - first
    lx = [1.0]
    for k in range(N_AGE - age):
        row = min(t0 + k, T - 1)  # after the table's last year, its last year
        lx.append(lx[-1] * (1.0 - qd[row, age + k]))
    value = 0.0
    for k in range(N_AGE - age):
        person_years = (lx[k] + lx[k + 1]) / 2.0
        value += (1 + j) ** k * (1 + r) ** -(k + 0.5) * person_years
    expected = amount * value
    # with actuary.life (a cohort LifeTable and a Discount)
    assert amount * award_value(qd, first, year, age, r, j) == pytest.approx(expected, rel=1e-12)
    # with the recursion the projection uses
    a = annuity_factors(extend_years(qd), np.full(T + 112, r), np.full(T + 112, j))
    assert amount * a[t0, age] == pytest.approx(expected, rel=1e-12)


def test_temporary_annuity_of_an_orphan_by_hand():
    T, limit, age, r = 30, 18, 12, 0.05
    q = _mortality(T)[:, 1, :]
    a = annuity_factors(extend_years(q), np.full(T + 112, r), np.zeros(T + 112), age_limit=limit)
    lx, value = 1.0, 0.0
    for k in range(limit - age):
        nxt = lx * (1 - q[k, age + k])
        value += (1 + r) ** -(k + 0.5) * (lx + nxt) / 2
        lx = nxt
    assert a[0, age] == pytest.approx(value, rel=1e-12)
    assert award_value(q, 2025, 2025, age, r, 0.0, years=limit - age) == pytest.approx(value,
                                                                                       rel=1e-12)
    assert a[0, limit] == 0.0


# ------------------------------------------- a year's awards: capital value = PV of payments
def _one_year_insured(aset, T: int) -> Insured:
    """Insured only in the first year, aged 25..64 (so every award's payments end within
    T years: a spouse 4 years younger reaches 110 after 89 years)."""
    exposure = np.zeros((T, 2, N_AGE))
    exposure[0, :, 25:65] = 1000.0
    earnings = exposure * 12_000_000.0
    ages = np.arange(N_AGE)
    return Insured(years=aset.first_year + np.arange(T), exposure=exposure, earnings=earnings,
                   mortality=_mortality(T),
                   married=np.tile(np.where(ages >= 20, 0.7, 0.0), (2, 1)),
                   child_probability=np.tile(np.where((ages >= 20) & (ages < 50), 0.6, 0.0), (2, 1)),
                   children=np.tile(np.where((ages >= 20) & (ages < 50), 1.5, 0.0), (2, 1)),
                   spouse_age_gap=np.array([-4.0, 4.0]), orphan_age_limit=18,
                   parent_child_gap=28)


def test_capital_value_of_a_years_awards_equals_the_present_value_of_their_payments(aset):
    T = 100
    rules = branch_rules(aset, T)
    insured = _one_year_insured(aset, T)
    proj = project_branch(rules, insured, empty_stock(rules.degrees))
    paid = sum(proj.total(k) for k in ("permanent_disability_benefits", "spouse_benefits",
                                       "orphan_benefits"))
    r = rules.investment_return[:T]
    # mid-year 0 -> mid-year t: half a year at r_0, whole years between, half a year at r_t
    disc = np.ones(T)
    for t in range(1, T):
        disc[t] = (1 + r[0]) ** -0.5 * np.prod((1 + r[1:t]) ** -1.0) * (1 + r[t]) ** -0.5
    capital = proj.total("cv_disability_pensions")[0] + proj.total("cv_survivor_pensions")[0]
    assert capital > 0 and paid[0] > 0
    assert np.sum(paid * disc) == pytest.approx(capital, rel=1e-10)
    # and nobody is left: every award has run off
    assert proj.stocks["disability_pensioners"][T].sum() == pytest.approx(0.0, abs=1e-9)
    # only year 0 awards anything
    assert proj.total("cv_disability_pensions")[1:].sum() == 0.0


# -------------------------------------------------------------------- people conserved
def test_people_are_conserved(result):
    p = result.projection
    f, s = p.flows, p.stocks
    for kind, awards, extra in (("disability", "disability_pension_awards", None),
                                ("spouse", "spouse_awards", None),
                                ("orphan", "orphan_awards", "orphans_expired")):
        stock = s[f"{kind}_pensioners"]
        change = f[awards] - f[f"{kind}_deaths"] - (f[extra] if extra else 0.0)
        np.testing.assert_allclose(stock[1:] - stock[:-1], change, rtol=1e-10, atol=1e-8)
    # every permanent disability is a lump sum or a pension; injuries hold them all
    np.testing.assert_allclose(f["permanent_disabilities"],
                               f["lump_sum_awards"] + f["disability_pension_awards"], rtol=1e-12)
    assert np.all(f["injuries"] >= f["fatal_injuries"] + f["permanent_disabilities"])


def test_the_insured_are_the_pension_projections_contributors(result):
    from actuary.engine.projection import project
    from actuary.engine.state import FLOW_EARNINGS, FLOW_EXPOSURE

    flows = project(result.basis).flows
    np.testing.assert_allclose(result.insured.exposure.sum(axis=2), flows[:, :, FLOW_EXPOSURE],
                               rtol=1e-12)
    np.testing.assert_allclose(result.insured.earnings.sum(axis=2), flows[:, :, FLOW_EARNINGS],
                               rtol=1e-12)


# ------------------------------------------------ zero incidence: only the run-off is left
def test_zero_incidence_leaves_only_the_pensions_in_payment(result):
    rules = result.rules.replace(incidence=np.zeros_like(result.rules.incidence))
    proj = project_branch(rules, result.insured, result.stock)
    for key in ("injuries", "temporary_disability_benefits", "lump_sums", "funeral_grants",
                "cv_disability_pensions", "cv_survivor_pensions", "disability_pension_awards",
                "spouse_awards", "orphan_awards"):
        assert not proj.flows[key].any(), key
    paid = sum(proj.total(k) for k in ("permanent_disability_benefits", "spouse_benefits",
                                       "orphan_benefits"))
    pv = sum(proj.total(k) for k in ("pv_disability_pensions", "pv_spouse_pensions",
                                     "pv_orphan_pensions"))
    T = proj.years.size
    r = rules.investment_return[:T]
    # 1 January of year 0 -> mid-year t; and -> 1 January of year T
    start = np.concatenate([[1.0], np.cumprod((1 + r) ** -1.0)])
    mid = start[:T] * (1 + r) ** -0.5
    # what was in payment on the valuation date = what is paid + what is left at the end
    assert pv[0] == pytest.approx(np.sum(paid * mid) + start[T] * pv[T], rel=1e-10)
    assert pv[0] > 0 and np.all(np.diff(proj.total("disability_pensioners")) <= 1e-9)
    # the rate needed is the medical cost alone (expenses scale the denominator)
    needed = financing.rate_needed(proj, rules, 10)
    assert needed == pytest.approx(rules.medical_rate[0] / (1 - rules.admin_rate[0]), rel=1e-9)


# -------------------------------------------------------------------- indicators
def test_rate_needed_is_the_constituent_capitals_cost_over_earnings(result):
    y = result.yearly.iloc[0]
    a = result.rules.admin_rate[0]
    by_hand = (y.temporary_disability_benefits + y.funeral_grants + y.lump_sums
               + y.cv_new_disability_pensions + y.cv_new_survivor_pensions + y.medical_costs
               ) / ((1 - a) * y.insurable_earnings)
    assert result.summary["rate_needed_1"] == pytest.approx(by_hand, rel=1e-12)
    # PAYG: what is paid this year over earnings
    payg = (y.temporary_disability_benefits + y.funeral_grants + y.lump_sums
            + y.permanent_disability_benefits + y.survivor_benefits + y.medical_costs
            + a * y.contributions) / y.insurable_earnings
    assert y.payg_cost_rate == pytest.approx(payg, rel=1e-12)


# -------------------------------------------------------------- pensions-in-payment files
def _write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "pensions.csv"
    path.write_text("type,sex,age,degree,count,average_monthly_pension\n" + "\n".join(rows) + "\n")
    return path


def test_pensions_file_is_read_onto_the_degree_grid(tmp_path):
    path = _write(tmp_path, ["permanent_disability,M,40,0.5,2,100000",
                             "permanent_disability,M,40,0.45,1,90000",
                             "spouse,F,38,,3,50000", "orphan,F,9,,4,20000"])
    stock = read_pensions(path, np.array([0.25, 0.5, 1.0]), 18)
    assert list(stock.degrees) == [0.25, 0.45, 0.5, 1.0]
    assert stock.disability_count[0, 40, 2] == 2 and stock.disability_mass[0, 40, 2] == 2_400_000
    assert stock.disability_count[0, 40, 1] == 1
    assert stock.spouse_mass[1, 38] == 12 * 3 * 50000 and stock.orphan_count[1, 9] == 4


@pytest.mark.parametrize("row, field", [
    ("widow,F,40,,1,1000", "type"),
    ("permanent_disability,M,40,,1,1000", "degree"),
    ("permanent_disability,M,40,1.5,1,1000", "degree"),
    ("spouse,F,40,0.5,1,1000", "degree"),
    ("orphan,M,18,,1,1000", "age"),
    ("spouse,X,40,,1,1000", "sex"),
    ("spouse,F,40,,-1,1000", "count"),
])
def test_a_bad_pensions_row_is_named(tmp_path, row, field):
    path = _write(tmp_path, ["spouse,F,30,,1,1000", row])
    with pytest.raises(DataError) as err:
        read_pensions(path, np.array([0.5]), 18)
    assert err.value.field == field and err.value.location == "line 3"


# -------------------------------------------------------------------- the shipped sets
def _keys(aset) -> dict:
    return {"scheme": aset.scheme, "starting_population": aset.starting_population,
            "coverage": aset.coverage, "demographic": aset.demographic}


@pytest.mark.parametrize("branch, pension", [
    ("occupational-risk-public-officials", "public-sector-default"),
    ("occupational-risk-self-employed", "self-employed-default"),
])
def test_branch_sets_cover_the_pension_sets_population(branch, pension):
    """The branch sets repeat their pension set's overrides: they must agree."""
    a, b = load_basis(branch), load_basis(pension)
    assert a.scheme_type == "occupational_risk" and b.scheme_type == "pension"
    ka, kb = _keys(a), _keys(b)
    for key in ka:
        assert ka[key] == kb[key], key


def test_the_pension_valuation_refuses_a_branch_set(aset):
    from actuary.analysis.valuation import load_population, run_valuation

    with pytest.raises(ActuaryError, match="occupational-risk"):
        run_valuation(aset, load_population(aset, None), 5)


def test_valuate_writes_the_workbook_and_yearly_csv(tmp_path):
    from openpyxl import load_workbook

    from actuary.cli.main import main as cli

    out, folder = tmp_path / "or.xlsx", tmp_path / "csv"
    res = CliRunner().invoke(cli, ["valuate", "occupational-risk-public-officials", "--horizon",
                                   "12", "--no-sensitivity", "--quiet", "--out", str(out),
                                   "--csv", str(folder)])
    assert res.exit_code == 0, res.output
    assert "Rate needed, constituent capitals" in res.output
    with open(folder / "yearly.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12
    for col in ("permanent_disability_benefits", "survivor_benefits",
                "temporary_disability_benefits", "lump_sums", "acc_cost_rate"):
        assert col in rows[0]
    wb = load_workbook(out)
    assert "Projection" in wb.sheetnames and "Assumptions" in wb.sheetnames


def test_valuate_names_a_bad_pensions_file(tmp_path):
    from actuary.cli.main import main as cli

    bad = _write(tmp_path, ["spouse,F,40,,1,1000", "spouse,F,abc,,1,1000"])
    overlay = tmp_path / "set.yaml"
    overlay.write_text(
        "name: bad\nbase: occupational-risk-default\ndescription: bad pensions\n"
        f"overrides:\n  occupational_risk.pensions_in_payment.file: {bad.name}\n")
    res = CliRunner().invoke(cli, ["valuate", str(overlay), "--horizon", "3", "--quiet",
                                   "--no-sensitivity", "--out", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 1
    assert "error:" in res.output and "line 3" in res.output and "age" in res.output
    assert "Traceback" not in res.output


def test_sensitivities_move_the_rate_the_right_way(aset):
    r = valuate_branch(aset, horizon=30, sensitivities=True)
    t = r.sensitivity.set_index("test")["rate_needed"]
    assert t["incidence x0.5"] < t["base"] < t["incidence x2"]
    assert t["degrees less severe"] < t["base"] < t["degrees more severe"]
    # a lower return raises the capital values
    assert t["return +1 pt"] < t["base"] < t["return -1 pt"]



@pytest.mark.parametrize("name, first_year, coverage, file", [
    (n, y, c, f) for n, y, c, f in __import__(
        "actuary.schemes.occupational_risk.defaults", fromlist=["HISTORY"]).HISTORY])
def test_shipped_pensions_in_payment_are_rebuilt_from_their_derivation(name, first_year, coverage,
                                                                        file, tmp_path):
    from actuary.schemes.occupational_risk.defaults import derive_pensions, write_pensions
    from actuary.schemes.occupational_risk.pensions import SHIPPED_DIR

    import pandas as pd

    rebuilt = write_pensions(derive_pensions(name, first_year, coverage), tmp_path / file)
    new, old = pd.read_csv(rebuilt), pd.read_csv(SHIPPED_DIR / file)
    keys = ["type", "sex", "age", "degree"]
    assert new[keys].astype(str).equals(old[keys].astype(str))
    # the file is rounded (counts to 4 decimals, amounts to whole KHR), and the insured
    # come from the pension engine: 0.1% leaves room for both, not for a change of method
    # (regenerate with python -m actuary.schemes.occupational_risk.defaults --populations ...)
    np.testing.assert_allclose(new["count"], old["count"], rtol=1e-3, atol=2e-4)
    np.testing.assert_allclose(new["average_monthly_pension"], old["average_monthly_pension"],
                               rtol=1e-3, atol=2.0)


def test_what_the_branch_does_not_rest_on_does_not_move_it(aset):
    """Changing items listed as not used (pension benefits, its return) leaves the
    branch's figures as they were."""
    from actuary.analysis.sensitivity import overlay
    from actuary.schemes.occupational_risk.valuation import NOT_USED, rests_on

    base = valuate_branch(aset, horizon=20, sensitivities=False)
    changed = overlay(aset, {
        "scheme.parameters.accrual_rate.values": {"2022-10-01": 0.03},
        "scheme.parameters.refund_share.values": {"2022-10-01": 0.0},
        "economic.investment_return.values": {"2025-01-01": 0.09},
        "demographic.disabled_mortality_factor.values": {"2025-01-01": 4.0},
        "economic.admin_expense_rate.values": {"2025-01-01": 0.2},
    }, "not used")
    other = valuate_branch(changed, horizon=20, sensitivities=False)
    cols = [c for c in base.yearly.columns if c not in ("gdp", "expenditure_pct_gdp")]
    assert base.yearly[cols].equals(other.yearly[cols])
    used, unused = rests_on(aset)
    assert {u[0] for u in unused} <= set(NOT_USED) | {f"{k}.extend" for k in NOT_USED}
    assert any(u[0] == "occupational_risk.incidence" for u in used)
