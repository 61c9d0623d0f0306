"""Analysis of change: the key classification, the steps' identities, the roll-forward by
hand, the order, the waterfall's data and the command."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook
from pydantic import BaseModel

from actuary.analysis import indicators as ind
from actuary.analysis.valuation import run_valuation
from actuary.assumptions import AssumptionSet, load_basis
from actuary.assumptions.problems import _unwrap
from actuary.cli.main import main
from actuary.engine.starting import read_starting_population, shipped_population_path
from actuary.io.errors import ActuaryError
from actuary.reports.change import waterfall_table
from actuary.studies.change import INDICATORS, analyse_change, parse_order
from actuary.studies.change_keys import GROUP_TITLES, GROUPS, KEY_GROUPS, group_of


def _leaves(model: type[BaseModel], prefix: tuple[str, ...] = ()):
    """Every field path of the models below ``model``, stopping at classified entries."""
    for name, fld in model.model_fields.items():
        path = (*prefix, name)
        if ".".join(path) in KEY_GROUPS:
            yield path
            continue
        tp = _unwrap(fld.annotation)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            yield from _leaves(tp, path)
        else:
            yield path


def test_every_key_the_models_define_is_in_exactly_one_group():
    leaves = list(_leaves(AssumptionSet))
    unclassified = [".".join(p) for p in leaves if group_of(p) is None]
    assert unclassified == [], f"keys without a group: {unclassified}"
    # the entries do not overlap (one of them under another would make two groups)
    entries = [tuple(k.split(".")) for k in KEY_GROUPS]
    for a in entries:
        assert [b for b in entries if b != a and b[: len(a)] == a] == []
    # every entry is a key the models define, and every group has one
    for e in entries:
        assert e in leaves, f"{'.'.join(e)} is not a key of the models"
    assert set(KEY_GROUPS.values()) == set(GROUPS)


def _overlay(tmp_path: Path, name: str, overrides: dict, base: str = "cambodia-default") -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"name": name, "description": f"{name} (test)",
                                    "base": base, "overrides": overrides}), encoding="utf-8")
    return str(path)


def _rows(result, indicator):
    s = result.steps
    return s[s.indicator == indicator].set_index("step")


def test_changing_nothing_gives_zero_in_every_step(tmp_path):
    # a set with the same content under another name: the methods step (labels) is valued
    # again and changes nothing
    same = _overlay(tmp_path, "same", {})
    r = analyse_change("cambodia-default", same, order_dependence=False)
    assert r.changed["methods"] == ["name", "description", "base"]
    assert r.runs == 2
    defined = r.steps.dropna(subset=["change"])
    assert len(defined) >= len(r.steps) - 2 * len(GROUPS) - 2  # only 'no depletion' rows empty
    assert (defined["change"] == 0.0).all()


def test_changing_only_the_return_shows_in_the_economic_step(tmp_path):
    base = load_basis()
    values = {d.isoformat(): v - 0.01 for d, v in base.economic.investment_return.values.items()}
    lower = _overlay(tmp_path, "return-minus1",
                     {"economic.investment_return.values": values})
    r = analyse_change("cambodia-default", lower)
    assert [g for g, keys in r.changed.items() if keys] == ["economic", "methods"]
    for key, _label, _kind in INDICATORS:
        rows = _rows(r, key)
        total = rows.loc["total", "change"]
        if math.isnan(total):
            continue
        assert rows.loc["economic", "change"] == total
        for g in GROUPS:
            if g != "economic":
                assert rows.loc[g, "change"] == 0.0, (key, g)
    assert _rows(r, "gap_75").loc["total", "change"] > 0  # a lower return costs more
    # one group changes: first, last and in order are the same
    dep = r.order_dependence
    eco = dep[dep.group == "economic"].dropna(subset=["spread"])
    assert (eco["spread"] == 0.0).all() and (eco["in_order"] == eco["first"]).all()


@pytest.fixture(scope="module")
def later_population(tmp_path_factory):
    """The default population dated a year later, with a larger reserve."""
    folder = tmp_path_factory.mktemp("pop")
    src = shipped_population_path("nssf-default")
    csv = folder / "pop2026.csv"
    csv.write_bytes(src.read_bytes())
    meta = yaml.safe_load(src.with_suffix(".yaml").read_text(encoding="utf-8"))
    meta.update(valuation_date="2026-01-01", reserve_khr=2.0e12, name="pop-2026")
    (folder / "pop2026.yaml").write_text(yaml.safe_dump(meta), encoding="utf-8")
    return csv


@pytest.fixture(scope="module")
def several(tmp_path_factory, later_population):
    """A later valuation changing every group but the methods' horizon."""
    folder = tmp_path_factory.mktemp("sets")
    # without the national frame, whose base population is dated at the first valuation
    prev = _overlay(folder, "growth", {"coverage.entrants_from": "growth"})
    base = load_basis()
    ret = {d.isoformat(): v - 0.005 for d, v in base.economic.investment_return.values.items()}
    cur = _overlay(folder, "later", {
        "valuation_date": "2026-01-01",
        "starting_population": str(later_population),
        "demographic.mortality.scale": 0.9,
        "economic.investment_return.values": ret,
        "scheme.parameters.accrual_rate.values": {"2022-10-01": 0.0175},
        "coverage.entrant_female_share.values": {"2025-01-01": 0.55},
    }, base=prev)
    return prev, analyse_change(prev, cur)


def test_steps_add_up_to_the_total(several):
    several = several[1]
    s = several.steps
    assert [g for g in GROUPS if several.changed[g] or g == "roll_forward"] == list(GROUPS)
    for key, _label, kind in INDICATORS:
        rows = _rows(several, key)
        steps = rows.drop(index="total")["change"]
        total = rows.loc["total", "change"]
        if steps.isna().any():
            continue
        scale = max(1.0, abs(rows.loc["total", "before"]), abs(rows.loc["total", "after"]))
        assert abs(steps.sum() - total) <= 1e-9 * scale, key
        # each step starts where the one before ended
        r = s[(s.indicator == key) & (s.step != "total")]
        assert np.array_equal(r["before"].to_numpy()[1:], r["after"].to_numpy()[:-1])
    assert several.steps.query("step != 'total'")["change"].abs().groupby(
        several.steps.step).sum().drop("methods").gt(0).all()


def test_roll_forward_by_hand(several):
    """The roll-forward state is the previous projection seen from 2026: its reserve is
    the projected reserve at the end of 2025, its GAP 25 the formula over 2026-2050 on
    the previous valuation's own yearly table, its ADL the previous one with a year's
    interest."""
    prev_set, several = several
    aset = load_basis(prev_set)
    pop = read_starting_population(shipped_population_path("nssf-default"))
    prev = run_valuation(aset, pop)
    y = prev.yearly
    rf = several.states[1]
    assert rf["reserve0"] == pytest.approx(y["reserve_end"].iloc[0], rel=1e-12)
    i = y["investment_return"].to_numpy()[1:26]
    v = np.cumprod(1 / (1 + i))
    u = v * (1 + i / 2)
    b = y["benefits"].to_numpy()[1:26]
    a = y["admin"].to_numpy()[1:26] / y["contributions"].to_numpy()[1:26]
    s = y["insurable_earnings"].to_numpy()[1:26]
    gap25 = (np.sum(u * b) - y["reserve_end"].iloc[0]) / np.sum(u * s * (1 - a))
    assert rf["gap_25"] == pytest.approx(gap25, rel=1e-9)
    assert several.states[0]["gap_25"] == pytest.approx(prev.summary["gap_25"], rel=1e-12)
    held = [p for p in prev.rate_paths if p.key == "held"][0].indicators
    assert several.states[0]["depletion_year_held"] == held["depletion_year"]
    assert several.states[0]["reserve_ratio_year_25"] == pytest.approx(
        prev.yearly["reserve_ratio"].iloc[24],
        rel=1e-12)
    assert rf["adl"] == pytest.approx(prev.accrued["adl"] * (1 + y["investment_return"].iloc[0]),
                                      rel=1e-12)
    # the data step brings the 2026 population's reserve
    assert several.states[2]["reserve0"] == 2.0e12


def test_order_is_checked_and_followed(tmp_path):
    assert parse_order(None) == GROUPS
    with pytest.raises(ActuaryError, match="unknown group"):
        parse_order("roll_forward,data,demography")
    with pytest.raises(ActuaryError, match="exactly once"):
        parse_order("roll_forward,data")
    with pytest.raises(ActuaryError, match="needs 'roll_forward' before it"):
        parse_order("data,roll_forward,demographic,economic,methods,rules,new_entrants")
    order = "roll_forward,data,rules,economic,demographic,methods,new_entrants"
    assert parse_order(order)[2] == "rules"


def test_waterfall_table_by_hand():
    t = waterfall_table(["prev", "a", "b", "c", "cur"], (2.0, -1.0), [1.0, -4.0, 0.0]).fillna(0)
    # 2 -> 3: base 2, increase 1; 3 -> -1: crosses zero, 3 above and -1 below; -1 -> -1
    assert t.loc[0, "level"] == 2.0 and t.loc[4, "level"] == -1.0
    assert (t.loc[1, "base"], t.loc[1, "increase"]) == (2.0, 1.0)
    assert (t.loc[2, "base"], t.loc[2, "decrease"], t.loc[2, "decrease (below zero)"]) \
        == (0.0, 3.0, -1.0)
    t2 = waterfall_table(["prev", "a", "cur"], (-1.0, -3.0), [-2.0])
    assert (t2.loc[1, "base"], t2.loc[1, "decrease (below zero)"]) == (-1.0, -2.0)


def test_change_command_writes_the_workbook_and_csv(tmp_path):
    out, folder = tmp_path / "change.xlsx", tmp_path / "csv"
    several = Path(__file__).parents[1] / "data" / "change" / "several_groups.yaml"
    res = CliRunner().invoke(main, ["change", "cambodia-default", str(several), "--out",
                                    str(out), "--csv", str(folder), "--quiet"])
    assert res.exit_code == 0, res.output
    assert "Analysis of change" in res.output
    frame = pd.read_csv(folder / "change.csv")
    assert list(frame.columns) == ["step", "indicator", "before", "after", "change"]
    moved = frame[(frame.indicator == "gap_75") & (frame.change != 0)]["step"].tolist()
    assert moved == ["demographic", "economic", "rules", "new_entrants", "total"]
    wb = load_workbook(out)
    assert wb.sheetnames == ["Change", "Waterfall", "Order dependence", "Steps"]
    charts = wb["Waterfall"]._charts
    assert len(charts) == 3
    assert charts[0].grouping == "stacked"
    assert charts[0].series[0].graphicalProperties.noFill
    ws = wb["Change"]
    # the live sum of the steps sits beside the total for the GAP 75
    row = next(r for r in range(6, 20) if ws.cell(r, 1).value == "GAP 75 years")
    last = ws.max_column
    assert str(ws.cell(row, last).value).startswith("=SUM(")
    # money shown in billions of KHR, the cell keeping the riel (a format, not a division)
    adl = next(r for r in range(6, 20)
               if ws.cell(r, 1).value == "accrued-to-date liability (KHR bn)")
    assert ws.cell(adl, 2).number_format == "#,##0.0,,," and ws.cell(adl, 2).value > 1e9
    # each waterfall: the units on its one axis title, the indicator in its title
    for chart in charts:
        assert chart.y_axis.title is not None and chart.x_axis.title is None


def test_change_command_bad_order_is_one_error(tmp_path):
    res = CliRunner().invoke(main, ["change", "cambodia-default", "accrual-1.75", "--order",
                                    "rules", "--out", str(tmp_path / "c.xlsx")])
    assert res.exit_code == 1 and res.output.startswith("error:")


def test_a_population_given_for_a_side_is_used(tmp_path, later_population):
    from actuary.studies.change import Side

    shipped = str(shipped_population_path("nssf-default"))
    same = analyse_change(Side("cambodia-default", shipped), Side("cambodia-default"),
                          order_dependence=False)
    assert same.runs == 2  # the data step values the other file: the same figures
    assert (same.steps.dropna(subset=["change"])["change"] == 0.0).all()
    # a population of another date needs the valuation dated with it
    with pytest.raises(ActuaryError, match="cannot be valued"):
        analyse_change(Side("cambodia-default"),
                       Side("cambodia-default", str(later_population)),
                       order_dependence=False)


def test_the_khmer_change_workbook_has_khmer_labels(several):
    """Titles, headers, indicator labels and group names in Khmer; the Steps sheet keeps
    change.csv's column names as its headers (in both languages)."""
    import sys

    from actuary.reports.change import build_change_workbook
    from actuary.reports.i18n import language

    sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))
    from khmer_check import KHMER, untranslated

    _prev, result = several
    with language("km"):
        book = build_change_workbook(result)
    bad = [b for b in untranslated(book) if b[0] != "Steps" or b[1] == "A1"]
    assert not bad, bad
    change = book["Change"]
    labels = [change.cell(r, 1).value for r in range(6, 6 + 11)]
    assert all(KHMER.search(str(v)) for v in labels if v), labels
    # every text cell but the data's: change.csv's names and keys (Steps) and the key
    # paths each group changed (the sets' own keys); the groups by their titles
    from khmer_check import english_cells

    from actuary.reports.i18n import T

    with language("km"):
        section = T("What each group changed (key paths whose values differ)")
    at = next(r for r in range(1, change.max_row + 1) if change.cell(r, 1).value == section)
    paths = ",".join(str(at + k) for k in range(1, len(result.order) + 1))
    left = english_cells(book, {"Steps": "A,B,C,D,E,3", "Change": paths})
    assert not left, left[:10]


def test_constant_prices_raise_the_previous_valuation_by_the_rolled_inflation(several,
                                                                              tmp_path):
    """``--prices constant``: KHR of 2026; the states measured in 2025 (the previous
    valuation) times 1.03 (the default set's 3% inflation over the rolled year), so the
    roll-forward step is the real change; the steps still add up; the order dependence's
    roll-forward taken first is from the previous valuation to the rolled one; the USD
    rows at 4,100 KHR per USD; no GDP rows when a 2026 state has no GDP (the national
    frame is dated 2025), and a note says so. Nominal: as valued."""
    from actuary.reports.change import build_change_workbook

    _prev, result = several
    assert result.price_growth == pytest.approx(1.03, rel=1e-12)
    s0, rf = result.states[0], result.states[1]
    assert (s0["money"]["year"], rf["money"]["year"]) == (2025, 2026)
    assert s0["money"]["exchange_rate"] == rf["money"]["exchange_rate"] == 4100.0

    def table(prices):
        ws = build_change_workbook(result, prices)["Change"]
        rows = {}
        for r in range(6, 30):  # the table's row of each label (the states' block repeats some)
            rows.setdefault(ws.cell(r, 1).value, r)
        return ws, rows

    ws, rows = table("constant")
    r = rows["reserve at the valuation date (KHR bn)"]
    n = len(result.order)
    values = [ws.cell(r, c).value for c in range(2, 5 + n)]
    assert values[0] == pytest.approx(s0["reserve0"] * 1.03, rel=1e-12)
    assert values[1] == pytest.approx(rf["reserve0"] - s0["reserve0"] * 1.03, rel=1e-12)
    assert values[n + 1] == result.states[-1]["reserve0"]  # the current: KHR of 2026
    assert sum(values[1:n + 1]) == pytest.approx(values[n + 2], rel=1e-9)
    assert values[n + 2] == pytest.approx(values[n + 1] - values[0], rel=1e-12)
    assert "constant 2026 KHR" in ws["A2"].value
    usd = rows["reserve at the valuation date (USD m)"]
    assert str(ws.cell(usd, 2).value).startswith("=B")  # a link to the states' block
    assert "reserve at the valuation date (% of GDP)" not in rows
    assert any(str(v).startswith("No share of GDP") for v in rows)
    dep = build_change_workbook(result, "constant")["Order dependence"]
    first = next(dep.cell(r, 4).value for r in range(5, dep.max_row + 1)
                 if dep.cell(r, 1).value == GROUP_TITLES["roll_forward"]
                 and dep.cell(r, 2).value == "reserve at the valuation date (KHR bn)")
    before, after = result.dependence_states[("roll_forward", "first")]
    assert first == pytest.approx(after["reserve0"] - before["reserve0"] * 1.03, rel=1e-12)
    # nominal: each state as valued
    ws, rows = table("nominal")
    r = rows["reserve at the valuation date (KHR bn)"]
    assert ws.cell(r, 2).value == s0["reserve0"]
    assert ws.cell(r, 3).value == pytest.approx(rf["reserve0"] - s0["reserve0"], rel=1e-12)


@pytest.mark.slow
def test_constant_price_formulas_recalculate_to_the_states(several, tmp_path):
    """Every formula of the constant-price Change sheet, computed by LibreOffice, against
    the states by hand (tests/reports/change_expect.py, growth 1.03)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))
    sys.path.insert(0, str(Path(__file__).parents[1]))
    from change_expect import agrees, change_expected
    from libreoffice import SOFFICE, formula_problems

    from actuary.reports.change import write_change_workbook

    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    _prev, result = several
    path = write_change_workbook(result, tmp_path / "constant.xlsx", "constant")
    checked, problems, _ = formula_problems(
        path, tmp_path, lambda book: change_expected(book, result, growth=1.03), agrees)
    assert checked >= 30 and not problems, problems[:5]


def test_change_command_takes_prices_with_lang(tmp_path):
    """``actuary change --prices constant --lang km``: the workbook's note says which
    prices in Khmer, and its money rows are labelled in Khmer."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))
    from khmer_check import KHMER

    out = tmp_path / "c.xlsx"
    res = CliRunner().invoke(main, ["change", "cambodia-default", "accrual-1.75", "--prices",
                                    "constant", "--lang", "km", "--no-order-check", "--quiet",
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    ws = load_workbook(out)["Change"]
    assert "តម្លៃថេរឆ្នាំ ២០២៥" in ws["A2"].value  # constant 2025 KHR
    labels = [ws.cell(r, 1).value for r in range(6, 22)]
    assert "ទុនបម្រុងនៅកាលបរិច្ឆេទវាយតម្លៃ (លានដុល្លារ)" in labels  # reserve, USD m
    assert all(KHMER.search(str(v)) for v in labels if v), labels
    bad = CliRunner().invoke(main, ["change", "cambodia-default", "accrual-1.75", "--prices",
                                    "real", "--out", str(tmp_path / "d.xlsx")])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
