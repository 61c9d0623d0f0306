"""The starting data against what NSSF published: contributions of 2022 under each
collection convention, the wages they imply, the reserve they give."""

from __future__ import annotations

import openpyxl
import pytest

from actuary.analysis.reconciliation import published_figures, reconciliation_table
from actuary.analysis.valuation import load_population, run_valuation
from actuary.assumptions import load_basis
from actuary.engine.starting_default import reserve_roll
from actuary.reports import write_valuation_workbook
from actuary.reports.data_sheets import RECONCILIATION_TITLE

PAYERS, COLLECTED = 1_335_609, 111.54e9


@pytest.fixture(scope="module")
def default():
    aset = load_basis()
    return aset, load_population(aset, None)


@pytest.fixture(scope="module")
def table(default):
    return reconciliation_table(*default).set_index("item")


def test_the_implied_wages_by_hand(table):
    row = table.loc["Average insurable wage in 2022 implied by the reported contributions"]
    assert row["2 months"] == pytest.approx(COLLECTED / (PAYERS * 0.04 * 2), rel=1e-12)
    assert row["3 months"] == pytest.approx(COLLECTED / (PAYERS * 0.04 * 3), rel=1e-12)
    assert round(row["2 months"], -3) == 1_044_000 and round(row["3 months"], -3) == 696_000
    moved = table.loc["The same moved to 2025"]
    assert moved["2 months"] == pytest.approx(row["2 months"] * 208 / 194, rel=1e-12)


def test_modelled_contributions_against_reported(table, default):
    _aset, pop = default
    act = pop.rows[pop.rows.status == "active"]
    wage = (act["count"] * act["average_monthly_wage"]).sum() / act["count"].sum()
    assert wage == pytest.approx(0.626 * 880_000 + 0.374 * 1_000_000, rel=1e-3)
    row = table.loc["Pension contributions collected in 2022"]
    assert row["reported"] == COLLECTED
    for m in (2, 3):
        assert row[f"{m} months"] == pytest.approx(PAYERS * 0.04 * wage * 194 / 208 * m, rel=1e-12)
    ratio = table.loc["Modelled / reported"]
    assert ratio["2 months"] < 1 < ratio["3 months"]  # the default's wages lie between
    assert table.loc["Convention the default follows", "2 months"] == "this one"


def test_the_reserve_rows_follow_the_derivation(table, default):
    _aset, pop = default
    assert table.loc["Opening reserve, 2025-01-01", "2 months"] == pop.reserve == pytest.approx(
        reserve_roll()["reserve"], abs=5e5)
    implied = table.loc["The same moved to 2025"]
    rederived = table.loc["Opening reserve re-derived at the implied wage"]
    for m in ("2 months", "3 months"):
        assert rederived[m] == pytest.approx(reserve_roll(implied[m])["reserve"], rel=1e-12)
    # contributions are linear in the wage: the reserve less the 2022 cash and its interest
    base = reserve_roll(1e6)
    fixed = COLLECTED * 1.04 ** 2
    assert reserve_roll(2e6)["reserve"] - fixed == pytest.approx(2 * (base["reserve"] - fixed),
                                                                  rel=1e-9)


def test_no_table_without_published_figures(default):
    assert published_figures("no-such-scheme") is None
    ps = load_basis("public-sector-default")
    assert reconciliation_table(ps, load_population(ps, None)).empty


def test_the_starting_data_sheet_shows_it(default, tmp_path):
    aset, pop = default
    result = run_valuation(aset, pop, horizon=5, detail=False)
    result.reconciliation = reconciliation_table(aset, pop)
    ws = openpyxl.load_workbook(write_valuation_workbook(result, tmp_path / "r.xlsx"))["Starting data"]
    top = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == RECONCILIATION_TITLE)
    header = [ws.cell(row=top + 2, column=c).value for c in range(1, 7)]
    assert header == ["Item", "Reported", "Model, 2 months collected", "Model, 3 months collected",
                      "Unit", "Note"]
    assert ws.cell(row=top + 3, column=1).value == "Pension contributions collected in 2022"
    assert ws.cell(row=top + 3, column=2).value == COLLECTED
