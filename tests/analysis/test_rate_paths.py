"""The headline under two contribution-rate paths: the legislated schedule and the rate
held at its last enacted step, side by side in the console, the Summary and the CSV."""

from __future__ import annotations

import csv

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner

from actuary.analysis import indicators as ind
from actuary.analysis.rate_paths import PATH_INDICATORS, held_rates, path_indicators, rate_paths
from actuary.analysis.sensitivity import overlay
from actuary.analysis.valuation import cash_flows, load_population
from actuary.reports.summary_sheet import PATH_KEY_COLS
from actuary.assumptions import load_basis
from actuary.engine.build import build_basis
from actuary.engine.projection import project


@pytest.fixture(scope="module")
def default():
    aset = load_basis()
    pop = load_population(aset, None)
    basis = build_basis(aset, pop)
    cf = cash_flows(project(basis))
    return aset, pop, basis, cf


def test_held_rates_follow_the_schedule_to_its_last_step_then_stay(default):
    aset, _pop, basis, _cf = default
    held = held_rates(aset, basis)
    years = basis.first_year + np.arange(basis.n_years)
    # the same as legislated through 2032 (10.75% from 1 Oct 2032: a quarter of 2032)
    np.testing.assert_array_equal(held[years <= 2032], basis.contribution_rate[years <= 2032])
    assert held[years == 2032][0] == pytest.approx(0.75 * 0.08 + 0.25 * 0.1075)
    np.testing.assert_allclose(held[years >= 2033], 0.1075, rtol=0, atol=1e-15)
    # the legislated rule keeps stepping: 13.5% from Oct 2042, 35.5% in 2124
    assert basis.contribution_rate[years == 2043][0] == pytest.approx(0.135)
    assert basis.contribution_rate[-1] == pytest.approx(0.1075 + 9 * 0.0275)
    # and it is what an overlay holding the rate gives (the set's own mechanism)
    same = overlay(aset, {"scheme.parameters.contribution_rate.extend": "hold"}, "held")
    np.testing.assert_array_equal(
        held, same.scheme.parameters.contribution_rate.yearly(2025, 2124, "average"))


def test_only_contributions_their_expenses_and_refunds_differ_between_the_paths(default):
    from actuary.engine.state import FLOW_REFUND

    aset, _pop, basis, cf = default
    held = project(basis.with_(contribution_rate=held_rates(aset, basis)))
    legislated = project(basis)
    np.testing.assert_array_equal(held.people, legislated.people)
    np.testing.assert_allclose(held.earnings, legislated.earnings, rtol=1e-13)
    # refunds of contributions (below the old-age condition) follow the rate paid
    refunds = [p.flows[:, :, FLOW_REFUND].sum(axis=1) for p in (held, legislated)]
    np.testing.assert_allclose(held.benefits - refunds[0], legislated.benefits - refunds[1],
                               rtol=1e-12)
    assert np.all(refunds[0] <= refunds[1] * (1 + 1e-12))
    # C_t = rate_t x collection_t x S_t (the kernel's definition), for both paths
    for proj in (held, legislated):
        np.testing.assert_allclose(proj.contributions, proj.basis.contribution_rate
                                   * basis.contribution_factor * proj.earnings, rtol=1e-12)


def test_path_indicators_by_hand(default):
    _aset, _pop, _basis, cf = default
    got = path_indicators(cf)
    # the reserve rolled forward by hand, mid-year cash flows
    f, reserves = cf.reserve0, []
    for c, b, i in zip(cf.contributions, cf.expenditure, cf.interest):
        f = f + (c - b) + i * (f + (c - b) / 2)
        reserves.append(f)
    for n in (10, 25, 50):
        assert got[f"reserve_ratio_year_{n}"] == pytest.approx(
            reserves[n - 1] / cf.expenditure[n - 1], rel=1e-12)
    # average rate: sum u C / sum u S with u_t = v_t (1 + i_t / 2)
    v = np.cumprod(1 / (1 + cf.interest[:75]))
    u = v * (1 + cf.interest[:75] / 2)
    avg = np.sum(u * cf.contributions[:75]) / np.sum(u * cf.earnings[:75])
    assert got["average_rate_75"] == pytest.approx(avg, rel=1e-12)
    assert got["gap_75_minus_average_rate"] == pytest.approx(
        ind.general_average_premium(cf, 75) - avg, rel=1e-12)
    assert got["actuarial_balance_75"] == ind.actuarial_balance(cf, 75)
    negative = [t for t, r in enumerate(reserves) if r < 0]
    assert got["depletion_year"] == (int(cf.years[negative[0]]) if negative else None)


def test_the_default_paths_tell_two_different_stories(default):
    aset, _pop, basis, cf = default
    legislated, held = rate_paths(aset, basis, cf)
    assert (legislated.key, held.key) == ("legislated", "held")
    assert "+0.0275 every 10 years" in legislated.assumes and "35.50% in 2124" in legislated.assumes
    assert "held at 10.75% to 2124" in held.assumes
    # the rule after 2032 is what keeps the reserve: held, it runs out within the horizon
    assert legislated.indicators["depletion_year"] is None
    assert 2025 < held.indicators["depletion_year"] <= 2124
    assert held.indicators["actuarial_balance_75"] < 0 < legislated.indicators["actuarial_balance_75"]
    assert held.indicators["average_rate_75"] < legislated.indicators["average_rate_75"]
    # before the first divergence (2033) the reserve ratios agree
    assert held.indicators["reserve_ratio_year_10"] == legislated.indicators["reserve_ratio_year_10"]


def test_a_rate_without_later_steps_has_one_path(default):
    aset, pop, _basis, _cf = default
    flat = overlay(aset, {"scheme.parameters.contribution_rate.extend": "hold"}, "flat")
    basis = build_basis(flat, pop, 30)
    paths = rate_paths(flat, basis, cash_flows(project(basis)))
    assert [p.key for p in paths] == ["legislated"]


@pytest.mark.slow
def test_console_workbook_and_csv_show_both_paths(tmp_path):
    from actuary.cli.main import main

    out, folder = tmp_path / "v.xlsx", tmp_path / "csv"
    res = CliRunner().invoke(main, ["valuate", "--no-sensitivity", "--quiet", "--out", str(out),
                                    "--csv", str(folder)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    head = next(i for i, line in enumerate(lines) if "[A] legislated" in line and "[B] rate held" in line)
    rows = {line[:46].strip(): line[46:].split() for line in lines[head + 1: head + 1 + len(PATH_INDICATORS)]}
    with open(folder / "headline.csv", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == ["indicator", "rate_path", "value"]
    value = {(r["indicator"], r["rate_path"]): r["value"] for r in table}
    assert value[("depletion_year", "legislated_schedule")] == ""
    year = int(value[("depletion_year", "held_at_last_enacted_step")])
    assert rows["depletion year (within the projection)"] == ["none", str(year)]
    balance = [float(value[("actuarial_balance_75", p)])
               for p in ("legislated_schedule", "held_at_last_enacted_step")]
    assert rows["actuarial balance, 75 years"] == [f"{100 * b:.2f}%" for b in balance]
    assert {r["rate_path"] for r in table if r["indicator"] == "gap_75"} == {"both"}
    assert value[("assumes", "held_at_last_enacted_step")].startswith("the rate held")
    # the economy: the band of the wage against GDP per head, said and written
    assert "within 20% of it through 2075" in " ".join(res.output.split())
    with open(folder / "economy.csv", newline="") as fh:
        economy = list(csv.DictReader(fh))
    assert economy[0]["year"] == "2025" and float(economy[0]["relative"]) == 1.0
    # the Summary: the two paths side by side, the held one as a number
    ws = openpyxl.load_workbook(out)["Summary"]
    found = {ws.cell(row=r, column=PATH_KEY_COLS[1]).value: ws.cell(row=r, column=3).value
             for r in range(1, ws.max_row + 1)}
    assert found["rate_paths.held.depletion_year"] == year
    assert found["rate_paths.held.actuarial_balance_75"] == pytest.approx(balance[1], rel=1e-15)


def test_a_rate_moved_after_the_set_was_read_is_described_as_the_runs_own(default):
    """A solve changes the basis's rate, not the set: path [A] must say so, not print the
    set's schedule over the solved rate (the misreading this guards against)."""
    aset, _pop, basis, _cf = default
    own = basis.with_(contribution_rate=np.full(basis.n_years, 0.15))
    paths = rate_paths(aset, own, cash_flows(project(own)))
    assert [p.key for p in paths] == ["run", "held"]
    assert paths[0].name == "this_run"
    assert paths[0].assumes.endswith(": 15.00% in 2025-2124")
    assert "legislated" not in paths[0].assumes
    # [B] is still the law's rate held at its last enacted step
    np.testing.assert_array_equal(paths[1].rates, held_rates(aset, basis))
    # a rate changing in 2030 reads as two runs
    two = np.where(basis.first_year + np.arange(basis.n_years) < 2030, 0.04, 0.2)
    moved = basis.with_(contribution_rate=two)
    text = rate_paths(aset, moved, cash_flows(project(moved)))[0].assumes
    assert text.endswith(": 4.00% in 2025-2029, 20.00% in 2030-2124")
