"""The public-sector scheme: shipped data, its budget cost, accrued liability and designs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from actuary.engine import state as S
from actuary.assumptions import load_basis
from actuary.engine.build import build_basis
from actuary.cli.main import main
from actuary.studies.compare import REFORMS_DIR, load_scenario, present_value
from actuary.io.errors import AssumptionError
from actuary.schemes.public_sector import (
    OLD_AGE_PENSIONERS,
    SPOUSES,
    accrued_liability,
    average_pension,
    derive_public_sector_default,
    new_rights_population,
    read_design,
    run_design,
    year_shares,
)
from actuary.analysis.sensitivity import overlay
from actuary.engine.starting import read_starting_population, shipped_population_path
from actuary.analysis.valuation import load_population, run_valuation


@pytest.fixture(scope="module")
def public():
    aset = load_basis("public-sector-default")
    pop = load_population(aset, None)
    basis = build_basis(aset, pop)
    return aset, pop, basis, run_valuation(aset, pop, basis=basis, detail=False)


def test_shipped_rules_reach_the_projection(public):
    aset, pop, b, _ = public
    assert b.rules.final_salary
    assert b.rules.old_age_min_years == 20
    assert (b.early_retirement_years == 30).all()
    assert (b.grant_months == 10).all()
    assert b.contribution_rate.max() == 0.0
    assert b.service_slots == 51  # the final-salary pension needs every year of service
    assert b.minimum_pension[0] == pytest.approx(12 * 690_000)
    # every parameter of the scheme says where it comes from
    unverified = {p for p, *_ in aset.unverified()}
    assert "scheme.parameters.accrual_rate" in unverified  # the percentage was not found
    assert "scheme.parameters.pension_age" not in unverified


def test_shipped_population_is_its_documented_derivation():
    """The CSV is exactly what the derivation in actuary/schemes/public_sector.py writes."""
    frame, meta = derive_public_sector_default()
    shipped = read_starting_population(shipped_population_path("public-sector-default"))
    got = shipped.rows.reset_index(drop=True)
    want = frame.reset_index(drop=True)
    pd.testing.assert_frame_equal(got[["status", "sex", "age"]], want[["status", "sex", "age"]],
                                  check_dtype=False)
    for col in ("count", "average_monthly_wage", "average_monthly_pension", "credited_months"):
        np.testing.assert_allclose(got[col].astype(float), want[col].astype(float), rtol=1e-12)
    assert shipped.reserve == meta["reserve_khr"] == 0.0
    counts = got.groupby("status")["count"].sum()
    assert counts["active"] == pytest.approx(200_000, rel=1e-6)
    assert counts["old_age"] == pytest.approx(OLD_AGE_PENSIONERS, rel=1e-6)
    assert counts["spouse"] == pytest.approx(SPOUSES, rel=1e-6)


def test_average_pension_from_the_published_cost():
    # USD 30 million a month at 4,100 KHR/USD over 160,000 + 0.5 x 40,000 pensions
    assert 30e6 * 4100 / 180_000 == pytest.approx(683_333.33, rel=1e-6)
    assert average_pension() == 690_000  # below the lowest minimum: the minimum


def test_first_year_cost_matches_the_published_cost(public):
    """2025 pensions: the shipped pensioners paid mid-year; about USD 30 million a month."""
    _, _, b, res = public
    f = res.projection.flows[0].sum(axis=0)
    q = b.mortality[0]
    st = b.start
    by_hand = (np.sum(st.old_age_pension * (1 - 0.5 * q))
               + np.sum(st.spouse_pension * (1 - 0.5 * q)))
    paid = f[S.FLOW_OLD_AGE] + f[S.FLOW_SPOUSE] + f[S.FLOW_ORPHAN]
    # payments to the starting pensioners, computed by hand, are most of the year's
    # pensions; the rest go to new survivors and to the old-age pensions awarded on the
    # birthday (half a year each), small: 2.0% since the minimum pension binds member by
    # member (1.9% when it bound on the cells' averages)
    assert by_hand <= paid < 1.03 * by_hand
    # the civil servants are half the beneficiaries of the system (the veterans the rest)
    published = 30e6 * 4100 * 12
    assert res.yearly["expenditure"].iloc[0] == pytest.approx(published / 2, rel=0.03)


# ------------------------------------------------- groups of the system, salary tables

def test_grade_table_by_hand():
    from actuary.schemes.salary_index import grade_table, monthly_salary, scale_by_age

    gt = grade_table("nsaf_salary_index_civil_servants")
    a, b, c = gt.categories
    assert (a.name, a.index[0], gt.point_value_khr.value) == ("A", 345, 2500)
    assert a.index[0] * gt.point_value_khr.value == 862_500  # the NSAF's figure
    # a step every 2 years, held at the last step
    np.testing.assert_allclose(monthly_salary(gt, a, np.array([0, 1, 2, 5, 100])),
                               2500 * np.array([345, 345, 352, 359, 466]))
    # age 22: C (entered at 20, one step) and B (just entered); A not yet in service
    want = (0.2 * 265 + 0.5 * 300) / 0.7
    assert scale_by_age(gt, np.array([22]))[0] == pytest.approx(want, rel=1e-12)
    assert scale_by_age(gt, np.array([15]))[0] == 260  # below every entry age: C's first
    # the shipped CSV is the sidecar's table, rebuilt
    from actuary.tables import load_table

    t = load_table("nsaf_salary_index_civil_servants")
    np.testing.assert_allclose(t.to_array(np.arange(15, 111))[0], scale_by_age(gt), rtol=1e-6)


def test_grade_table_errors(tmp_path, monkeypatch):
    import yaml

    from actuary.schemes import salary_index

    doc = yaml.safe_load((salary_index._folder() / "nsaf_salary_index_civil_servants.yaml")
                         .read_text())
    doc["grade_table"]["categories"][0]["share"] = 0.5  # shares add to 1.2
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(doc))
    monkeypatch.setattr(salary_index, "_folder", lambda: tmp_path)
    with pytest.raises(AssumptionError, match="do not add up") as e:
        salary_index.grade_table("bad")
    assert "grade_table.categories" in str(e.value)


def test_civil_servants_are_paid_from_the_grade_table():
    frame, _ = derive_public_sector_default()
    act = frame[frame.status == "active"]
    # every basic salary is an index of the table times 2,500 KHR
    from actuary.schemes.salary_index import grade_table

    points = {i * 2500 for c in grade_table("nsaf_salary_index_civil_servants").categories
              for i in c.index}
    assert set(act["average_monthly_wage"]) <= points
    # a 40-year-old who entered at 25 (category A) has 15 years: step 7 (the eighth index)
    row = act[(act.age == 40) & (act.credited_months == 180)]
    assert set(row["average_monthly_wage"]) == {397 * 2500}


def test_armed_forces_and_police_population_and_rules():
    from actuary.schemes.public_groups import derive_armed_forces_police_default

    frame, meta = derive_armed_forces_police_default()
    shipped = read_starting_population(shipped_population_path("ps-armed-forces-police-default"))
    np.testing.assert_allclose(shipped.rows["count"], frame["count"], rtol=1e-12)
    counts = frame.groupby("status")["count"].sum()
    assert counts["active"] == pytest.approx(110_000 + 64_000, rel=1e-6)
    assert counts["old_age"] == pytest.approx(80_000, rel=1e-6)
    assert counts["spouse"] == pytest.approx(20_000, rel=1e-6)
    women = frame[(frame.status == "active") & (frame.sex == "F")]["count"].sum()
    assert women == pytest.approx(0.06 * 110_000 + 0.10 * 64_000, rel=1e-6)
    assert frame[frame.status == "old_age"]["age"].min() == 55
    aset = load_basis("ps-armed-forces-police")
    b = build_basis(aset, load_population(aset, None), 10)
    assert (b.pension_age == 55).all() and b.rules.final_salary
    assert b.target_actives == pytest.approx(np.full(10, counts["active"]), rel=1e-9)


def test_the_system_reproduces_the_published_cost():
    """Civil servants plus armed forces and police: about USD 30 million a month in 2025
    for nearly 200,000 beneficiaries, and the sum of the groups year by year."""
    sc = load_scenario("public-sector-system", horizon=30)
    y = sc.yearly
    assert y["budget_cost"].iloc[0] == pytest.approx(30e6 * 4100 * 12, rel=0.03)
    parts = [p.yearly for p in sc.parts.values()]
    np.testing.assert_allclose(y["budget_cost"], sum(p["budget_cost"] for p in parts), rtol=1e-12)
    np.testing.assert_allclose(y["budget_cost_pct_gdp"], 100 * y["budget_cost"] / y["gdp"])
    assert sc.summary["gap_25"] == pytest.approx(
        np.sum(_u(y) * y["expenditure"].iloc[:25]) / np.sum(_u(y) * y["insurable_earnings"].iloc[:25]),
        rel=1e-9)


def _u(y):
    from actuary.analysis import indicators as ind

    return ind.discount_factors(y["investment_return"].to_numpy()[:25])[1]


def test_budget_pays_every_benefit_today(public):
    """No contributions and no reserve: the budget's cost is the expenditure itself."""
    aset, _, _, res = public
    sc = load_scenario("public-sector-default")
    y = sc.yearly
    np.testing.assert_allclose(y["budget_cost"], res.yearly["expenditure"], rtol=1e-12)
    np.testing.assert_allclose(y["budget_cost_pct_gdp"],
                               100 * res.yearly["expenditure"] / res.yearly["gdp"], rtol=1e-12)
    assert (y["reserve_end"] == 0).all()
    assert sc.summary["budget_cost_pv_75"] == pytest.approx(
        present_value(res.yearly["expenditure"].to_numpy(), res.basis.investment_return, 75))


def test_valuate_command_runs_on_the_shipped_sets(tmp_path):
    out = tmp_path / "ps.xlsx"
    r = CliRunner().invoke(main, ["valuate", "public-sector-default", "--no-sensitivity",
                                  "--quiet", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "public-sector-pension" in r.output and out.exists()
    # the legacy scheme's implicit pension debt, on the command line and in the workbook
    from openpyxl import load_workbook

    liab = accrued_liability(load_basis("public-sector-default"),
                             load_population(load_basis("public-sector-default"), None))
    text = " ".join(r.output.split())
    assert f"accrued-to-date liability {liab['adl'] / 1e9:,.1f} billion KHR" in text
    ws = load_workbook(out)["Summary"]
    cells = {c.value: ws.cell(row=c.row, column=2).value for row in ws.iter_rows()
             for c in row if isinstance(c.value, str) and c.value.startswith("accrued.")}
    assert cells["accrued.adl"] == pytest.approx(liab["adl"], rel=1e-12)
    assert cells["accrued.members"] == pytest.approx(liab["members"], rel=1e-12)


def test_accrued_liability_of_pensioners_by_hand(public, tmp_path):
    """A pensioners-only population with no survivors' or funeral benefits: the liability
    is sum_t u_t M_t (1 - q_t/2), with M_{t+1} = M_t (1 - q_t)(1 + ix_t), by hand."""
    aset, _, b, _ = public
    # (one active member too: a basis needs one; the members' part is valued apart)
    rows = pd.DataFrame({"status": ["old_age", "old_age", "active"], "sex": ["M", "F", "F"],
                         "age": [70, 65, 30], "credited_months": ["", "", 0],
                         "count": [1000.0, 500.0, 1.0],
                         "average_monthly_wage": ["", "", 1e6], "average_career_wage": ["", "", ""],
                         "average_monthly_pension": [800_000.0, 700_000.0, ""]})
    rows.to_csv(tmp_path / "p.csv", index=False)
    (tmp_path / "p.yaml").write_text(
        "name: p\nvaluation_date: 2025-01-01\nreserve_khr: 0\nsource: test\nstatus: derived\n")
    pop = read_starting_population(tmp_path / "p.csv")
    a = overlay(aset, {"scheme.parameters.survivor_rate.values": {"2022-01-01": 0.0}}, "no surv")
    liab = accrued_liability(a, pop, horizon=60)
    T = 60
    _, u = __import__("actuary.analysis.indicators", fromlist=["x"]).discount_factors(
        b.investment_return[:T])
    want = 0.0
    for s, x, m in ((0, 70, 1000 * 800_000 * 12), (1, 65, 500 * 700_000 * 12)):
        mass = float(m)
        for t in range(T):
            age = min(x + t, 110)
            q = 1.0 if age == 110 else b.mortality[t, s, age]
            want += u[t] * mass * (1 - 0.5 * q)
            mass *= (1 - q) * (1 + b.indexation[t])
    assert liab["pensioners"] == pytest.approx(want, rel=1e-12)
    # the member has no service: frozen at 0 years, a grant of 10 months' final salary at 60
    assert 0 < liab["members"] < 12e6 and liab["total"] == liab["pensioners"] + liab["members"]


def test_accrued_liability_of_the_shipped_scheme(public):
    aset, pop, _, res = public
    liab = accrued_liability(aset, pop)
    assert liab["total"] == pytest.approx(liab["pensioners"] + liab["members"])
    assert liab["pensioners"] > 0 and liab["members"] > 0
    # frozen service owes less than the same members' benefits with service to retirement
    assert liab["members"] < liab["members_projected_service"]
    # frozen rights cost less than the open group's 100-year budget cost
    assert liab["total"] < present_value(res.yearly["expenditure"].to_numpy(),
                                         res.basis.investment_return, 100)


# ------------------------------------------------------------------------ designs

def test_year_shares():
    from datetime import date

    np.testing.assert_allclose(year_shares(2025, 4, date(2027, 1, 1)), [0, 0, 1, 1])
    np.testing.assert_allclose(year_shares(2025, 3, date(2026, 10, 1)), [0, 0.25205479, 1],
                               rtol=1e-6)


def test_new_rights_population_keeps_the_actives_only(public):
    _, pop, _, _ = public
    new = new_rights_population(pop)
    assert set(new.rows["status"]) == {"active"}
    assert (new.rows["credited_months"] == 0).all() and new.reserve == 0
    act = pop.rows[pop.rows.status == "active"]
    assert new.rows["count"].sum() == pytest.approx(act["count"].sum(), rel=1e-12)
    wages = (act["count"] * act["average_monthly_wage"]).sum()
    assert (new.rows["count"] * new.rows["average_monthly_wage"]).sum() == pytest.approx(wages)


@pytest.fixture(scope="module")
def transition():
    return load_scenario("ps-transition-2027", horizon=60)


def test_transition_before_the_reform_is_the_status_quo(transition):
    y = transition.yearly
    sq = transition.parts["status_quo"].yearly
    for t in (0, 1):  # 2025 and 2026
        assert y["budget_cost"].iloc[t] == pytest.approx(y["status_quo_budget_cost"].iloc[t],
                                                         rel=1e-12)
        assert y["transition_cost"].iloc[t] == pytest.approx(0.0, abs=1e-3)
        assert y["new_contributions"].iloc[t] == 0.0
    assert y["legacy_expenditure"].iloc[0] == pytest.approx(sq["expenditure"].iloc[0], rel=1e-12)


def test_transition_cost_is_the_budget_difference(transition):
    y = transition.yearly
    np.testing.assert_allclose(y["transition_cost"],
                               y["budget_cost"] - y["status_quo_budget_cost"], rtol=1e-12)
    np.testing.assert_allclose(y["expenditure"], y["legacy_expenditure"] + y["new_expenditure"],
                               rtol=1e-12)
    # the budget pays the old pensions (guaranteed) and the state's half of contributions
    np.testing.assert_allclose(y["budget_cost"],
                               y["legacy_expenditure"] + 0.5 * y["new_contributions"],
                               rtol=1e-9)
    # in 2027 the extra cost is exactly the state's employer half (same pensioners yet)
    assert y["transition_cost"].iloc[2] > 0
    assert transition.summary["transition_cost_peak_year"] >= 2027


def test_transition_freezes_the_old_rights(transition):
    """After the reform the legacy scheme credits no service and takes no entrant."""
    legacy = transition.parts["legacy"]
    f = legacy.projection.flows
    assert f[2:, :, S.FLOW_ENTRANTS].sum() == 0.0
    assert (legacy.basis.credit_factor[2:] == 0).all()
    # frozen: members' pensions grow with salaries only, so legacy spending falls below
    # the status quo's within a decade and stays below
    sq = transition.parts["status_quo"].yearly["expenditure"].to_numpy()
    old = legacy.yearly["expenditure"].to_numpy()
    assert (old[15:] < sq[15:]).all()


def test_new_entrants_keep_the_total_number_of_civil_servants():
    sc = load_scenario("ps-new-entrants-2027", horizon=40)
    y = sc.yearly
    sq = sc.parts["status_quo"].yearly
    # from 1 January 2027 on, old-scheme members plus new-scheme members = the status quo
    np.testing.assert_allclose(y["active"].iloc[3:], sq["active"].iloc[3:], rtol=1e-9)
    assert y["new_active"].iloc[1] == 0.0 and y["new_active"].iloc[-1] > 0
    assert sc.parts["new"].basis.start.active_count.sum() == 0.0


def test_design_file_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = (REFORMS_DIR / "ps_transition_2027.yaml").read_text()
    bad.write_text(text.replace("date: 2027-01-01", "date: 2027-03-01"))
    with pytest.raises(AssumptionError, match="1 January") as e:
        read_design(bad)
    assert "bad.yaml" in str(e.value) and "date" in str(e.value)
    bad.write_text(text.replace("design: transition", "design: revolution"))
    with pytest.raises(AssumptionError, match="design") as e:
        read_design(bad)
    assert "bad.yaml" in str(e.value)
    bad.write_text(text.replace("date: 2027-01-01", "date: 2300-01-01"))
    with pytest.raises(AssumptionError, match="outside the projection"):
        run_design(bad)


def test_valuation_workbook_recalculates_in_libreoffice(public, tmp_path):
    """The valuation workbook of a budget-financed scheme (reserve negative from year 1,
    depletion in the first year): every formula as Python computes it."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))
    from test_workbook_libreoffice import SOFFICE, check_every_formula

    from actuary.reports import write_valuation_workbook

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    aset, pop, basis, _ = public
    res = run_valuation(aset, pop, basis=basis)  # with the model careers
    path = write_valuation_workbook(res, tmp_path / "ps.xlsx")
    checked, _ = check_every_formula(path, res, tmp_path)
    assert checked >= 11 * len(res.yearly)


def test_kernel_agrees_with_the_numpy_reference_on_the_shipped_basis(public):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from reference_projection import project_reference

    from actuary.engine.projection import run_kernel

    basis = public[2]
    for got, want in zip(run_kernel(basis), project_reference(basis)):
        diff = np.abs(got - want)
        scale = np.maximum(np.abs(got), np.abs(want))
        rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
        assert rel.max() < 1e-12


# ------------------------------------------------------- transition cost split, gross-up

def test_gross_up_factors_by_hand():
    from actuary.schemes.transition_split import gross_up_factors

    # the NSSF rate averaged over 2027 (4% to October, 8% after) with the state's half
    g = gross_up_factors(np.array([0.0, 0.04 * 0.75 + 0.08 * 0.25, 0.08]), np.full(3, 0.5))
    np.testing.assert_allclose(g, [1.0, 1 / (1 - 0.025), 1 / 0.96], rtol=1e-15)


def test_transition_cost_split_adds_up(transition):
    y = transition.yearly
    np.testing.assert_allclose(y["transition_cost_financing"] + y["transition_cost_formula"],
                               y["transition_cost"], rtol=1e-12, atol=1e-3)
    np.testing.assert_allclose(y["transition_cost_financing"],
                               y["financing_budget_cost"] - y["status_quo_budget_cost"],
                               rtol=1e-12, atol=1e-3)
    assert (y["gross_up_cost"] == 0).all()
    s = transition.summary
    assert s["transition_cost_financing_pv_60"] + s["transition_cost_formula_pv_60"] == \
        pytest.approx(s["transition_cost_pv_60"], rel=1e-9)


def test_the_formula_effect_vanishes_when_only_the_financing_changes(tmp_path):
    """A new scheme with the present rules, financed like ps-nssf-rules (the NSSF's
    rates, the state's half, no guarantee): path B is the design, the formula effect 0."""
    (tmp_path / "fin_only.yaml").write_text(
        "name: fin-only\nbase: public-sector-default\ndescription: present rules, contributions\n"
        "overrides:\n"
        "  scheme.parameters.contribution_rate.values:\n"
        "    2022-10-01: 0.04\n    2027-10-01: 0.08\n    2032-10-01: 0.1075\n"
        "  scheme.parameters.budget_guarantee.values: {2022-01-01: none}\n")
    text = (REFORMS_DIR / "ps_transition_2027.yaml").read_text()
    (tmp_path / "d.yaml").write_text(text.replace("new_scheme: ps-nssf-rules",
                                                  "new_scheme: fin_only.yaml"))
    sc = load_scenario(tmp_path / "d.yaml", horizon=40)
    y = sc.yearly
    np.testing.assert_allclose(y["transition_cost_formula"], 0.0, atol=1e-6 * y["budget_cost"].max())
    assert y["transition_cost_financing"].iloc[3] != 0


def test_gross_up_raises_salaries_by_the_workers_rate():
    """Salaries of the new scheme's members times g_t = 1 / (1 - c_t / 2), year by year
    (the same people as without the gross-up); the state pays (1 - 1/g) of them."""
    plain = load_scenario("ps-transition-2027", horizon=30)
    gross = load_scenario("ps-transition-2027-gross-up", horizon=30)
    w0 = plain.parts["new"].projection.flows[:, :, S.FLOW_WAGE_MASS].sum(axis=1)
    w1 = gross.parts["new"].projection.flows[:, :, S.FLOW_WAGE_MASS].sum(axis=1)
    years = 2025 + np.arange(30)
    # the NSSF schedule of ps-nssf-rules, averaged by month, from 1 January 2027
    # (4%, 8% from October 2027, 10.75% from October 2032, +2.75 points every ten years)
    steps = ((2027, 0.04, 0.08), (2032, 0.08, 0.1075), (2042, 0.1075, 0.135),
             (2052, 0.135, 0.1625))
    rate = np.full(30, 0.04)
    for y, before, after in steps:
        rate[years == y] = before * 9 / 12 + after * 3 / 12
        rate[years > y] = after
    rate[years < 2027] = 0.0
    g = 1 / (1 - 0.5 * rate)
    np.testing.assert_allclose(w1[2:], g[2:] * w0[2:], rtol=1e-9)
    np.testing.assert_allclose(gross.yearly["gross_up_cost"], (1 - 1 / g) * w1, rtol=1e-9)
    # the budget pays the gross-up on top of the employer's half and the legacy pensions
    y = gross.yearly
    np.testing.assert_allclose(y["budget_cost"], y["legacy_expenditure"]
                               + 0.5 * y["new_contributions"] + y["gross_up_cost"], rtol=1e-9)
