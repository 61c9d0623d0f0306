"""The NSSF valuation on the built-in default, end to end, against its defining identities."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from native_required import require_native  # noqa: E402
from reference_projection import project_reference  # noqa: E402

from actuary.analysis import indicators as ind
from actuary.engine import state as S
from actuary.assumptions import load_basis
from actuary.engine.basis import StartingState
from actuary.engine.build import build_basis
from actuary.engine.projection import project, run_kernel
from actuary.engine.starting_default import derive_nssf_default
from actuary.engine.starting import read_starting_population, shipped_population_path
from actuary.analysis.valuation import cash_flows, load_population, run_valuation


@pytest.fixture(scope="module")
def default():
    aset = load_basis()
    pop = load_population(aset, None)
    return aset, pop, build_basis(aset, pop)


def test_default_horizon_and_conventions(default):
    aset, pop, basis = default
    assert basis.n_years == 100 >= 100
    assert basis.first_year == 2025
    # the legislated schedule: 4% in 2025-26, 4%->8% on 1 Oct 2027 (a quarter of the year)
    assert basis.contribution_rate[0] == pytest.approx(0.04)
    assert basis.contribution_rate[2] == pytest.approx(0.75 * 0.04 + 0.25 * 0.08)
    assert basis.contribution_rate[3] == pytest.approx(0.08)
    assert basis.contribution_rate[8] == pytest.approx(0.1075)
    # annual floor and ceiling: 12 x 400,000 and 12 x 1,200,000 KHR in 2025
    assert basis.wage_floor[0] == pytest.approx(12 * 400_000)
    assert basis.wage_ceiling[0] == pytest.approx(12 * 1_200_000)
    assert basis.pension_age[0] == 60
    assert basis.rules.old_age_min_years == 1 and basis.rules.survivor_min_years == 5
    # the starting population keeps its people
    assert basis.start.active_count.sum() == pytest.approx(1_560_000, rel=1e-6)


def test_kernel_agrees_with_reference_on_the_default(default):
    _, _, basis = default
    for got, want in zip(run_kernel(basis), project_reference(basis)):
        diff = np.abs(got - want)
        scale = np.maximum(np.abs(got), np.abs(want))
        rel = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
        assert rel.max() < 1e-12


def test_merged_service_slots_on_the_default_are_within_their_stated_size(default):
    """Merging service slots from the longest qualifying period (60 months paid: slots
    of 6 months 0 to 9, and "60 or more") up pools the
    wages of one sex and age; the default's starting wages depend on sex and age only,
    but its insurable wages made gross (actuary.engine.gross_wages.gross_mean) age by age are
    not on the salary scale the entrants' are, so the pooled capped wage moves yearly
    contributions and benefits by at most 0.07% (Basis.service_slots). People are the
    same to rounding."""
    basis = default[2]
    assert basis.service_slots == 11
    merged, full = project(basis), project(basis.with_(full_service=True))
    for name in ("contributions", "benefits"):
        np.testing.assert_allclose(getattr(merged, name), getattr(full, name), rtol=1e-3)
    np.testing.assert_allclose(merged.people, full.people, rtol=1e-11, atol=1e-9)


def test_people_conserved_on_the_default(default):
    proj = project(default[2])
    f = proj.flows
    total = proj.people.sum(axis=(1, 3))
    inflow = f[:, :, S.FLOW_ENTRANTS] + f[:, :, S.FLOW_NEW_SPOUSES] + f[:, :, S.FLOW_NEW_ORPHANS]
    outflow = (f[:, :, S.FLOW_DEATHS_ACTIVE] + f[:, :, S.FLOW_DEATHS_INACTIVE]
               + f[:, :, S.FLOW_DEATHS_PENSIONER] + f[:, :, S.FLOW_ORPHANS_EXPIRED]
               + f[:, :, S.FLOW_REFUNDS_PAID])
    assert np.abs(total[:-1] + inflow - outflow - total[1:]).max() < 1e-9 * total.max()


def test_with_no_benefits_the_reserve_grows_by_contributions_and_interest_only(default):
    aset, pop, basis = default
    st = basis.start
    keep = {k: getattr(st, k) for k in st.__dataclass_fields__}
    for k in ("old_age", "invalidity", "spouse", "orphan"):
        keep[f"{k}_count"] = np.zeros_like(keep[f"{k}_count"])
        keep[f"{k}_pension"] = np.zeros_like(keep[f"{k}_pension"])
    T = basis.n_years
    rules = type(basis.rules)(refund_share=0.0, survivor_rate=0.0, survivor_lump_sum_months=0.0,
                              funeral_grant_months=0.0)
    b = basis.with_(start=StartingState(**keep), accrual_rate=np.zeros(T),
                    minimum_pension=np.zeros(T), funeral_grant_minimum=np.zeros(T),
                    admin_rate=np.zeros(T), rules=rules)
    proj = project(b)
    assert proj.benefits.max() == 0.0
    cf = cash_flows(proj)
    f = ind.reserve_path(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
    expected = st.reserve
    for c, i in zip(proj.contributions, b.investment_return):
        expected = expected * (1 + i) + c * (1 + i / 2)
    assert f[-1] == pytest.approx(expected, rel=1e-12)
    assert proj.contributions.min() > 0


@pytest.mark.parametrize("n", [25, 50, 75])
def test_contributing_at_the_gap_leaves_the_reserve_at_zero(default, n):
    result = run_valuation(default[0], default[1], basis=default[2])
    gap = result.summary[f"gap_{n}"]
    applied = result.cash.with_rate(gap)
    f = ind.reserve_path(applied.reserve0, applied.contributions[:n], applied.expenditure[:n],
                         applied.interest[:n])
    assert abs(f[-1]) < 1e-9 * applied.contributions[:n].sum()


def test_scaling_money_scales_the_default(default):
    aset, pop, basis = default
    k = 2.5
    st = basis.start
    scaled = StartingState(**{n: (getattr(st, n) if n.endswith(("_count", "service_unit"))
                                  else getattr(st, n) * k)
                              for n in st.__dataclass_fields__})
    b2 = basis.with_(start=scaled, wage_floor=basis.wage_floor * k,
                     wage_ceiling=basis.wage_ceiling * k, minimum_pension=basis.minimum_pension * k,
                     entrant_wage=basis.entrant_wage * k,
                     funeral_grant_minimum=basis.funeral_grant_minimum * k)
    p1, p2 = project(basis), project(b2)
    np.testing.assert_allclose(p2.contributions, k * p1.contributions, rtol=1e-11)
    np.testing.assert_allclose(p2.benefits, k * p1.benefits, rtol=1e-11)
    np.testing.assert_allclose(p2.people, p1.people, rtol=1e-11)


def test_valuation_indicators_are_consistent(default):
    r = run_valuation(default[0], default[1], basis=default[2])
    y = r.yearly
    np.testing.assert_allclose(y["payg_cost_rate"], y["expenditure"] / y["insurable_earnings"])
    np.testing.assert_allclose(y["reserve_ratio"], y["reserve_end"] / y["expenditure"])
    opening = np.concatenate([[r.cash.reserve0], y["reserve_end"].to_numpy()[:-1]])
    np.testing.assert_allclose(
        y["reserve_end"], opening + y["contributions"] + y["investment_income"] - y["expenditure"],
        rtol=1e-12)
    assert r.summary["gap_25"] < r.summary["gap_50"] < r.summary["gap_75"]
    # every figure by sex adds up to the total
    by = r.by_sex.groupby("year")[["active", "contributions"]].sum()
    np.testing.assert_allclose(by["active"].to_numpy(), y["active"].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(by["contributions"].to_numpy(), y["contributions"].to_numpy(),
                               rtol=1e-12)
    ilo = r.careers[r.careers.career.str.startswith("ILO")].iloc[0]
    # from 30 on 1 January to the 60th birthday on 1 July: 29.5 years at 1.5% of a
    # revalued career wage kept at the average
    assert ilo.replacement_rate == pytest.approx(29.5 * 0.015, rel=1e-9)


def test_shipped_default_population_is_its_derivation():
    frame, meta = derive_nssf_default()
    shipped = read_starting_population(shipped_population_path("nssf-default"))
    assert len(shipped.rows) == len(frame)
    np.testing.assert_allclose(shipped.rows["count"].to_numpy(), frame["count"].to_numpy())
    assert shipped.reserve == meta["reserve_khr"]
    assert shipped.status == "unverified"


def test_a_short_horizon_keeps_the_model_careers(default):
    """Model careers describe the rules, not the valuation period: a 10-year valuation
    gives the careers of the full horizon; a basis too short for a career says so."""
    import pandas as pd

    aset, pop, basis = default
    full = run_valuation(aset, pop, basis=basis).careers
    short = run_valuation(aset, pop, horizon=10)
    assert short.basis.n_years == 10 and len(short.yearly) == 10
    pd.testing.assert_frame_equal(short.careers, full)
    assert (full["note"] == "").all() and full["replacement_rate"].notna().all()
    # a basis of 10 years handed in (as the solver does) is the careers' basis too
    cut = run_valuation(aset, pop, basis=build_basis(aset, pop, horizon=10)).careers
    assert list(cut["career"]) == list(full["career"])
    assert cut["replacement_rate"].isna().all() and cut["monthly_pension"].isna().all()
    assert (cut["note"] == "does not reach the pension age within the 10 projection years").all()
    assert cut["meets_ilo_c102"].isna().all()


def test_valuate_command_with_a_short_horizon(tmp_path):
    # it used to end in a traceback: the model careers did not reach the pension age
    from click.testing import CliRunner

    from actuary.cli.main import main

    out = tmp_path / "short.xlsx"
    res = CliRunner().invoke(main, ["valuate", "--horizon", "5", "--no-sensitivity", "--quiet",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "horizon 2025-2029" in res.output and out.is_file()


def test_headline_says_what_its_figures_rest_on(default):
    """The printed headline: the steady-state note under its line, the depletion year
    under both rate paths side by side, the gender gap at several years."""
    from actuary.cli.valuate_cmd import headline

    aset, pop, basis = default
    result = run_valuation(aset, pop, basis=basis)
    lines = headline(result).splitlines()
    at = {line.split()[0] + " " + line.split()[1]: i for i, line in enumerate(lines)
          if len(line.split()) > 1}
    assert "no rate equalises" in lines[at["steady-state rate"] + 1]
    legislated, held = result.rate_paths
    assert result.summary["depletion_year"] is None and held.indicators["depletion_year"] > 2025
    assert lines[at["depletion year"]].split()[-2:] == ["none", str(held.indicators["depletion_year"])]
    by_sex = result.by_sex.set_index(["year", "sex"])["average_monthly_old_age_pension"]
    gaps = lines[at["gender pension"] + 1]
    for year in (2025, 2049, 2074, 2099):
        gap = 1.0 - by_sex[(year, "F")] / by_sex[(year, "M")]
        assert f"{100 * gap:.2f}% ({year})" in gaps


def test_the_implicit_pension_debt_is_the_starting_population_valued_member_by_member(default):
    from actuary.engine.build import start_rules
    from actuary.members.closed_group import value_population

    aset, pop, basis = default
    acc = run_valuation(aset, pop, basis=basis).accrued
    assert acc["adl"] == value_population(basis, pop, start_rules(aset))["adl"]
    assert acc["reserve0"] == pop.reserve
    assert acc["funded_ratio"] == pytest.approx(pop.reserve / acc["adl"], rel=1e-15)
    gdp = aset.economic.gdp.yearly(2025, 2025)[0]
    assert acc["adl_pct_gdp"] == pytest.approx(100 * acc["adl"] / gdp, rel=1e-15)
    # the accrued rights of today's members outlive a short valuation period
    assert run_valuation(aset, pop, horizon=10).accrued == acc
    # the member engine does not value final-salary rules: the cohort engine does, over
    # the set's whole horizon (a short valuation period does not cut the rights off)
    from actuary.analysis.accrued import cohort_accrued_liability

    ps = load_basis("public-sector-default")
    ps_pop = load_population(ps, None)
    acc = run_valuation(ps, ps_pop, horizon=5).accrued
    assert acc == cohort_accrued_liability(ps, ps_pop, ps.horizon_years)
    assert acc["adl"] == acc["pensioners"] + acc["members"] > 0
    assert acc["members"] < acc["members_projected_service"]


def test_headline_percentages_and_undefined_gaps():
    from actuary.cli.valuate_cmd import _pct

    assert _pct(-2.220446049250313e-16) == "0.00%"  # a rounding residue, not "-0.00%"
    assert _pct(-0.0105) == "-1.05%" and _pct(0.14453) == "14.45%"
    assert _pct(float("nan")) == "none" and _pct(None) == "-"


def test_headline_says_when_the_scheme_is_paid_from_the_budget(default):
    from actuary.cli.valuate_cmd import headline

    ps = load_basis("public-sector-default")
    result = run_valuation(ps, load_population(ps, None), horizon=5)
    assert result.summary["reserve0"] == 0 and result.yearly["contributions"].eq(0).all()
    text = " ".join(headline(result).split())
    assert "no contributions and no reserve: the scheme is paid from the budget" in text
    assert "not computed" not in text
    assert f"accrued-to-date liability {result.accrued['adl'] / 1e9:,.1f} billion KHR" in text
    assert "members (service frozen)" in text
    aset, pop, basis = default
    assert "paid from the budget" not in headline(run_valuation(aset, pop, horizon=5))


def test_valuate_in_the_background_gives_the_same_table_later(fork_allowed):
    """valuate(background=True) returns with the sensitivity table still being computed
    (a forked child where the platform can fork), the accrued rights and provenance done;
    collected, the table is the one the result's own valuation gives in this process."""
    from actuary.analysis.sensitivity import sensitivity_table
    from actuary.analysis.valuation import valuate

    said: list[str] = []
    res = valuate(background=True, progress=said.append)
    assert res.sensitivity.empty and res.sensitivity_later is not None
    assert res.accrued["adl"] > 0 and res.provenance["assumption_set_hash"]
    assert "running sensitivities" in said and not any("sensitivity:" in m for m in said)
    res.collect_sensitivity()
    assert res.sensitivity_later is None
    assert [m for m in said if m.startswith("  sensitivity:")][0] == "  sensitivity: mortality -10%"
    pd.testing.assert_frame_equal(res.sensitivity, sensitivity_table(res))


def test_valuate_in_the_background_takes_its_detail_from_the_child(fork_allowed, monkeypatch):
    """valuate(background=True): the child that computes the sensitivity table first
    projects the base itself and computes the detail (rate paths, economy check,
    reconciliation, model careers, accrued rights); this process computes none of it,
    and the detail is the one a valuation in this process gives."""
    import os

    from actuary.analysis import valuation
    from actuary.engine.records import kernel_inputs

    aset = load_basis("cambodia-default")
    here = run_valuation(aset, load_population(aset, None))
    require_native("project_kernel", kernel_inputs(here.basis),
                   "the child starts early only where the kernel was compiled at install")
    parent, detail = os.getpid(), valuation._detail

    def only_in_a_child(*args, **kwargs):
        assert os.getpid() != parent, "the detail was computed in this process"
        return detail(*args, **kwargs)

    monkeypatch.setattr(valuation, "_detail", only_in_a_child)
    said: list[str] = []
    res = valuation.valuate(aset, background=True, progress=said.append)
    assert res.sensitivity_later is not None and res.sensitivity_later.forked
    pd.testing.assert_frame_equal(res.careers, here.careers)
    pd.testing.assert_frame_equal(res.reconciliation, here.reconciliation)
    pd.testing.assert_frame_equal(res.economy.table, here.economy.table)
    assert res.accrued == here.accrued
    assert [(p.key, p.name, p.assumes, p.indicators) for p in res.rate_paths] == \
        [(p.key, p.name, p.assumes, p.indicators) for p in here.rate_paths]
    for ours, theirs in zip(res.rate_paths, here.rate_paths):
        np.testing.assert_array_equal(ours.rates, theirs.rates)
    # the child's message, told here when its detail was read, after the tests started
    assert said.index("valuing accrued rights member by member") > \
        said.index("running sensitivities")
    res.collect_sensitivity()
