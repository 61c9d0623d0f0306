"""Sensitivity tests and shocks, as data: each changes what it says and nothing else."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from actuary.analysis.sensitivity import (
    employment_basis,
    overlay,
    ranking,
    resolve_overlay,
    sensitivity_basis,
    sensitivity_table,
    suspension_basis,
    top_assumptions,
)
from actuary.analysis.valuation import load_population, run_valuation
from actuary.assumptions import load_basis
from actuary.assumptions.stress import (
    EmploymentShock,
    ShockSpec,
    Suspension,
    default_sensitivities,
    default_shocks,
)
from actuary.engine.build import build_basis
from actuary.engine.projection import project
from actuary.io.errors import ActuaryError


@pytest.fixture(scope="module")
def base():
    aset = load_basis()
    pop = load_population(aset, None)
    return aset, pop, build_basis(aset, pop)


@pytest.fixture(scope="module")
def result(base):
    aset, pop, b = base
    return run_valuation(aset, pop, basis=b, detail=False)


@pytest.fixture(scope="module")
def table(result):
    return sensitivity_table(result)


def _spec(name):
    return next(s for s in default_sensitivities() if s.name == name)


def _entrants(b):
    return {"target_actives": b.target_actives, "entrant_distribution": b.entrant_distribution}


def test_overlay_changes_only_what_it_names(base):
    aset = base[0]
    changed = overlay(aset, {"demographic.mortality.scale": 0.9}, "test")
    assert changed.demographic.mortality.scale == 0.9
    assert changed.economic.model_dump() == aset.economic.model_dump()
    assert changed.scheme.model_dump() == aset.scheme.model_dump()
    assert changed.content_hash() != aset.content_hash()


def test_operators_act_on_dated_values_numbers_and_mappings(base):
    aset = base[0]
    plus = resolve_overlay(aset, {"economic.wage_growth": {"plus": 0.01}})
    changed = overlay(aset, plus, "wage +1")
    before = aset.economic.wage_growth.yearly(2025, 2124)
    np.testing.assert_allclose(changed.economic.wage_growth.yearly(2025, 2124) - before, 0.01,
                               atol=1e-15)
    assert resolve_overlay(aset, {"demographic.exit.scale": {"times": 1.5}}) == {
        "demographic.exit.scale": 1.5 * aset.demographic.exit.scale}
    credits = aset.scheme.parameters.transitional_credits.extra_years
    half = resolve_overlay(aset, {"scheme.parameters.transitional_credits.extra_years":
                                  {"times": 0.5}})
    assert half == {"scheme.parameters.transitional_credits.extra_years":
                    {k: 0.5 * v for k, v in credits.items()}}
    # a plain value is an override as written
    assert resolve_overlay(aset, {"x.y": "hold"}) == {"x.y": "hold"}
    with pytest.raises(ActuaryError, match="no such key"):
        resolve_overlay(aset, {"economic.no_such": {"plus": 1}})


def test_the_new_sensitivities_change_what_they_say(base, result):
    aset, pop, b = base
    e = _entrants(b)
    frozen = sensitivity_basis(result, _spec("floor and ceiling frozen"), e)
    np.testing.assert_allclose(frozen.wage_floor, 12 * 400_000)
    np.testing.assert_allclose(frozen.wage_ceiling, 12 * 1_200_000)
    assert b.wage_ceiling[-1] > 10 * b.wage_ceiling[0]  # the base moves them with wages
    prices = sensitivity_basis(result, _spec("floor and ceiling with prices"), e)
    cpi = np.cumprod(1 + aset.economic.price_inflation.yearly(2026, 2124, "average"))
    np.testing.assert_allclose(prices.wage_ceiling[1:] / prices.wage_ceiling[0], cpi, rtol=1e-12)
    none = sensitivity_basis(result, _spec("transitional credits none"), e)
    half = sensitivity_basis(result, _spec("transitional credits half"), e)
    # the credits are credited years: they add to the career earnings (the service
    # slots count months paid, which they leave alone)
    service = [np.sum(x.start.active_career) for x in (none, half, b)]
    assert service[0] < service[1] < service[2]
    for name, field, factor in (("exit rates x0.5", "exit", 0.5), ("exit rates x1.5", "exit", 1.5),
                                ("re-entry rates x0.5", "reentry", 0.5),
                                ("admin expenses x2", "admin_rate", 2.0)):
        got = getattr(sensitivity_basis(result, _spec(name), e), field)
        np.testing.assert_allclose(got, factor * getattr(b, field), rtol=1e-12, err_msg=name)
    # the starting wages are insurable averages (within the floor and ceiling): 15% lower,
    # the year-1 insurable earnings of the starting actives are 15% lower
    low = sensitivity_basis(result, _spec("starting wages -15%"), e)
    p_low, p_base = project(low), project(b)
    assert p_low.earnings[0] == pytest.approx(0.85 * p_base.earnings[0], rel=1e-9)
    assert low.start.reserve == b.start.reserve
    fewer = sensitivity_basis(result, _spec("coverage growth -1 pt"), e)
    np.testing.assert_allclose(fewer.target_actives,
                               b.target_actives * 0.99 ** np.arange(1, b.n_years + 1))


def test_a_suspension_across_two_years(base):
    _, _, b = base
    s = Suspension(start="2027-10", months=9, employers=0.5, credits_kept=True)
    p0, p1 = project(b), project(suspension_basis(b, s))
    t = 2027 - b.first_year
    # Oct-Dec 2027 (3 months) and Jan-Jun 2028 (6 months), by half the employers
    assert p1.contributions[t] == pytest.approx((1 - 0.5 * 3 / 12) * p0.contributions[t], rel=1e-12)
    # (to 1e-4: members made invalid in 2027 without the 60 months paid, which the
    # suspension delays, leave to the inactive insured, some of whom contribute again)
    assert p1.contributions[t + 1] == pytest.approx((1 - 0.5 * 6 / 12) * p0.contributions[t + 1],
                                                    rel=1e-4)
    others = np.r_[0:t, t + 2:b.n_years]
    np.testing.assert_allclose(p1.contributions[:t], p0.contributions[:t], rtol=1e-12)
    np.testing.assert_allclose(p1.contributions[others], p0.contributions[others], rtol=1e-3)
    # credits kept: the same amounts; but the suspended months are credited, not paid,
    # and the conditions count months paid (issue 13): the 60 months of the invalidity
    # and survivors' pensions come later for members near them, a few tenths of a per
    # cent of the benefits of the years just after, 1e-5 of all benefits
    np.testing.assert_allclose(p1.benefits[:t], p0.benefits[:t], rtol=1e-12)
    np.testing.assert_allclose(p1.benefits, p0.benefits, rtol=1e-2)
    assert p1.benefits.sum() == pytest.approx(p0.benefits.sum(), rel=1e-5)
    assert p1.benefits[t + 2] < p0.benefits[t + 2]


def test_a_suspension_without_credits_loses_pensions_later(base):
    _, _, b = base
    p0 = project(b)
    lost = project(suspension_basis(b, Suspension(start="2026-01", months=6, credits_kept=False)))
    t = 2026 - b.first_year
    assert lost.contributions[t] == pytest.approx(0.5 * p0.contributions[t], rel=1e-12)
    assert lost.benefits[:t] == pytest.approx(p0.benefits[:t], rel=1e-12)
    assert lost.benefits[t + 30] < p0.benefits[t + 30]


def test_an_employment_shock_cuts_contributors_along_its_path(base):
    _, _, b = base
    shock = EmploymentShock(start=2030, fall=0.1, recovery_years=4)
    assert shock.shortfall() == pytest.approx([0.1, 0.075, 0.05, 0.025])
    sb = employment_basis(b, shock)
    t = 2030 - b.first_year
    np.testing.assert_allclose(sb.density[t:t + 4] / b.density[t:t + 4], [0.9, 0.925, 0.95, 0.975])
    np.testing.assert_array_equal(np.delete(sb.density, range(t, t + 4)),
                                  np.delete(b.density, range(t, t + 4)))
    p0, p1 = project(b), project(sb)
    # in the shock's first year the people are the base's: contributions fall by 10% exactly
    assert p1.contributions[t] == pytest.approx(0.9 * p0.contributions[t], rel=1e-12)
    assert p1.earnings[t] == pytest.approx(0.9 * p0.earnings[t], rel=1e-12)
    np.testing.assert_allclose(p1.contributions[:t], p0.contributions[:t], rtol=1e-12)


def test_shock_specs_are_checked():
    with pytest.raises(ValueError, match="exactly one of suspension and employment"):
        ShockSpec(name="x", description="y")
    with pytest.raises(ValueError, match="fall and recovery_years"):
        EmploymentShock(start=2030, fall=0.1)
    with pytest.raises(ValueError, match="YYYY-MM"):
        Suspension(start="spring", months=3, credits_kept=True)
    with pytest.raises(ValueError):
        Suspension(start="2026-01", months=3, employers=1.5, credits_kept=True)


def test_table_directions_and_the_defaults_are_data(table):
    t = table.set_index("test")
    assert t.loc["base", "gap_change"] == 0.0 and t.loc["base", "kind"] == "base"
    assert t.loc["mortality -10%", "gap_change"] > 0 > t.loc["mortality +10%", "gap_change"]
    assert t.loc["investment return -1 pt", "gap_change"] > 0
    assert t.loc["pension age +2 from 2030", "gap_change"] < 0
    # frozen floor and ceiling: wages above the ceiling stop contributing, benefits too,
    # but the earnings base shrinks faster: the level rate needed rises
    assert t.loc["floor and ceiling frozen", "gap_change"] > t.loc[
        "floor and ceiling with prices", "gap_change"] > 0
    assert t.loc["transitional credits none", "gap_change"] < t.loc[
        "transitional credits half", "gap_change"] < 0
    crisis = "crisis 2026: 6 months without contributions, credits kept"
    assert t.loc[crisis, "kind"] == "shock" and t.loc[crisis, "gap_change"] > 0
    assert list(table["test"]) == ["base", *(s.name for s in default_sensitivities()),
                                   *(s.name for s in default_shocks())]


def test_ranking_and_the_five_most_influential(table):
    ranked = ranking(table)
    sizes = ranked["gap_change"].abs().to_numpy()
    assert np.all(np.diff(sizes) <= 0) and set(ranked["kind"]) == {"sensitivity"}
    top = top_assumptions(table)
    assert len(top) == 5 and top["assumption"].is_unique
    for _, row in top.iterrows():  # each assumption's largest test
        same = table[table["assumption"] == row["assumption"]]
        assert abs(row["gap_change"]) == same["gap_change"].abs().max()
    hand = pd.DataFrame({"test": ["base", "a+", "a-", "b", "s"],
                         "kind": ["base", "sensitivity", "sensitivity", "sensitivity", "shock"],
                         "assumption": ["", "a", "a", "b", "shock"],
                         "gap_change": [0.0, 0.01, -0.03, 0.02, 0.5], "gap_horizon": 75})
    assert list(top_assumptions(hand, 5)["test"]) == ["a-", "b"]


def test_a_set_lists_its_own_sensitivities_and_shocks(base, result):
    aset, pop, b = base
    own = overlay(aset, {
        "sensitivities": [{"name": "return -2 pt", "assumption": "investment return",
                           "description": "two points lower",
                           "overlay": {"economic.investment_return": {"plus": -0.02}}}],
        "shocks": [{"name": "one month", "description": "January 2027",
                    "suspension": {"start": "2027-01", "months": 1, "credits_kept": True}}],
    }, "own lists")
    res = run_valuation(own, pop, horizon=30, detail=False)
    t = sensitivity_table(res)
    assert list(t["test"]) == ["base", "return -2 pt", "one month"]
    assert t.set_index("test").loc["return -2 pt", "gap_change"] > 0


def test_a_one_year_valuation_runs_the_shocks_that_fit(base):
    aset, pop, _ = base
    said = []
    table = sensitivity_table(run_valuation(aset, pop, horizon=1, detail=False),
                              progress=said.append, sensitivities=())
    assert list(table["test"]) == ["base"]
    assert any("not run (starts after 2025" in m for m in said)


def test_valuate_runs_a_users_shock_file(tmp_path):
    from actuary.cli.main import main

    shock = tmp_path / "shock.yaml"
    shock.write_text("description: a reform team's shock\nshocks:\n"
                     "  - name: nine months, half the employers\n"
                     "    description: from October 2027, credits kept\n"
                     "    suspension: {start: 2027-10, months: 9, employers: 0.5, "
                     "credits_kept: true}\n", encoding="utf-8")
    out = tmp_path / "v.xlsx"
    res = CliRunner().invoke(main, ["valuate", "--horizon", "30", "--no-sensitivity", "--quiet",
                                    "--shock", str(shock), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "nine months, half the employers" in res.output and out.is_file()
    bad = tmp_path / "bad.yaml"
    bad.write_text(shock.read_text().replace("2027-10", "2090-10"), encoding="utf-8")
    res = CliRunner().invoke(main, ["valuate", "--horizon", "30", "--quiet", "--shock", str(bad),
                                    "--out", str(tmp_path / "w.xlsx")])
    assert res.exit_code == 1 and res.output.startswith("error:")
    assert "shocks[0].suspension.start" in res.output and "2090" in res.output


def test_the_table_gives_each_tests_own_projection_in_order(base, result, table):
    """The table projects in a second thread while it builds the next basis: each row is
    still the headline of its own basis, as a projection run alone gives it."""
    from actuary.analysis.results import cash_flows, summary_indicators, yearly_frame
    from actuary.analysis.sensitivity import shock_basis

    _, _, b = base
    specs = default_sensitivities()
    bases = [sensitivity_basis(result, s, _entrants(b)) for s in specs]
    bases += [shock_basis(b, s) for s in default_shocks()]
    assert len(table) == 1 + len(bases)
    for k, basis in enumerate(bases, start=1):
        proj = project(basis)
        cf = cash_flows(proj)
        alone = summary_indicators(cf, yearly_frame(proj, cf, None))
        row = table.iloc[k]
        assert row["gap"] == alone[f"gap_{row['gap_horizon']}"]
        assert row["reserve_ratio_year_10"] == alone["reserve_ratio_year_10"]
        dy = row["depletion_year"]
        assert (dy is None or dy != dy) if alone["depletion_year"] is None \
            else dy == alone["depletion_year"]
    assert list(table["test"][1:]) == [s.name for s in specs] + [s.name for s in default_shocks()]


def test_a_failing_test_stops_the_table_and_names_itself(result):
    """An error building one test's basis reaches the caller (the projections already
    started are waited for, none is left running)."""
    from actuary.assumptions.stress import SensitivitySpec

    bad = SensitivitySpec.model_validate({"name": "bad", "assumption": "x", "description": "x",
                                          "overlay": {"demographic.no_such_key": 1.0}})
    with pytest.raises(ActuaryError, match="no_such_key"):
        sensitivity_table(result, sensitivities=[_spec("mortality -10%"), bad], shocks=[])


def test_the_table_made_in_a_child_process_is_the_same(result, table, fork_allowed):
    """valuate(background=True)'s table: computed in a forked child, read back equal to
    the one computed here, the child's progress messages told in their order."""
    from actuary.analysis.sensitivity import sensitivity_table_later

    said: list[str] = []
    later = sensitivity_table_later(result, said.append)
    assert later.forked and said == []  # told when read back
    pd.testing.assert_frame_equal(later.result(), table)
    assert said == ([f"  sensitivity: {s.name}" for s in default_sensitivities()]
                    + [f"  stress: {s.name}" for s in default_shocks()])


def test_a_child_taking_every_test_takes_the_shocks_too(result, table, fork_allowed,
                                                         monkeypatch):
    """here_share 0 (valuate's early start): the child computes every test and the
    shocks; reading the table back computes none here, and it is the same table."""
    from actuary.analysis import sensitivity

    said: list[str] = []
    later = sensitivity.sensitivity_table_later(result, said.append, here_share=0.0)
    assert later.forked
    computed_here = []
    tests = sensitivity._tests  # the child has its own copy already
    monkeypatch.setattr(sensitivity, "_tests", lambda r, p, sens, shocks: (
        computed_here.append((tuple(sens), tuple(shocks))) or tests(r, p, sens, shocks)))
    pd.testing.assert_frame_equal(later.result(), table)
    assert computed_here == [((), ())]
    assert said == ([f"  sensitivity: {s.name}" for s in default_sensitivities()]
                    + [f"  stress: {s.name}" for s in default_shocks()])


def test_a_failing_test_in_the_child_process_raises_here(result, fork_allowed):
    from actuary.analysis.sensitivity import sensitivity_table_later
    from actuary.assumptions.stress import SensitivitySpec

    bad = SensitivitySpec.model_validate({"name": "bad", "assumption": "x", "description": "x",
                                          "overlay": {"demographic.no_such_key": 1.0}})
    later = sensitivity_table_later(result, sensitivities=[bad], shocks=[])
    with pytest.raises(ActuaryError, match="no_such_key"):
        later.result()


def test_valuate_stops_on_a_failing_test_of_the_background_table(tmp_path, fork_allowed):
    """actuary valuate computes the table in a child process: a test that fails there
    ends the command with its one error line (exit 1), and no workbook is written."""
    from actuary.cli.main import main

    own = tmp_path / "own.yaml"
    own.write_text("name: own-tests\ndescription: a test naming no key\n"
                   "base: cambodia-default\noverrides:\n  sensitivities:\n"
                   "    - {name: broken, assumption: x, description: x,\n"
                   "       overlay: {demographic.no_such_key: 1.0}}\n", encoding="utf-8")
    out = tmp_path / "v.xlsx"
    res = CliRunner().invoke(main, ["valuate", str(own), "--horizon", "30", "--quiet",
                                    "--out", str(out)])
    assert res.exit_code == 1 and res.output.startswith("error:")
    assert "demographic.no_such_key" in res.output and len(res.output.splitlines()) == 1
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["own.yaml"]


ABSENT_CREDITS = ("transitional credits none", "transitional credits half")


def test_every_default_test_runs_on_the_nssf_default():
    from actuary.analysis.sensitivity import defaults_not_run, sensitivities_of

    aset = load_basis("cambodia-default")
    assert defaults_not_run(aset) == []
    assert sensitivities_of(aset) == default_sensitivities()


@pytest.mark.parametrize("name", ["public-sector-default", "self-employed-default"])
def test_the_default_tests_run_on_the_other_shipped_schemes(name):
    """The default list was written for the NSSF's rules: a test of a rule the scheme does
    not have (transitional credits) is not run, and said; every other test runs (the
    public sector's floor, none, is dated on the valuation date so that indexing it to
    prices starts within the projection)."""
    aset = load_basis(name)
    assert aset.scheme.parameters.transitional_credits is None
    res = run_valuation(aset, load_population(aset, None), detail=False)
    said: list[str] = []
    table = sensitivity_table(res, said.append)
    expected = [s.name for s in default_sensitivities() if s.name not in ABSENT_CREDITS]
    assert list(table.loc[table["kind"] == "sensitivity", "test"]) == expected
    assert said[:2] == [f"  sensitivity: {n} not run (the set has no "
                        "scheme.parameters.transitional_credits)" for n in ABSENT_CREDITS]


def test_a_sets_own_test_of_a_rule_it_does_not_have_is_an_error():
    aset = load_basis("self-employed-default")
    res = run_valuation(aset, load_population(aset, None), detail=False)
    with pytest.raises(ActuaryError, match="transitional_credits"):
        sensitivity_table(res, sensitivities=[_spec(ABSENT_CREDITS[1])], shocks=[])
