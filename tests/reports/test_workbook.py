"""The valuation workbook (actuary.reports), read back with openpyxl.

The results written come from the real pipeline (projection kernel, indicators,
model careers): a random synthetic basis (tests/conftest.make_basis, tuned so the
reserve is depleted mid-horizon, with text that looks like formulas in the inputs),
and ``valuate()`` itself on the shipped assumption set and starting population.
Expected values are taken from the Python result through
the test's own reading of the keys and column names the sheets carry, not from the
writer.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import make_basis  # noqa: E402

import actuary.reports.workbook as wbmod  # noqa: E402
from actuary.analysis import valuation as V  # noqa: E402
from actuary.assumptions import load_basis  # noqa: E402
from actuary.io.errors import ActuaryError  # noqa: E402
from actuary.engine.projection import project  # noqa: E402
from actuary.reports import write_valuation_workbook  # noqa: E402
from actuary.reports.indicators_sheet import KEY_COL  # noqa: E402
from actuary.reports.summary_sheet import HEADLINE_KEY_COL, PATH_KEY_COLS  # noqa: E402
from actuary.engine.starting import StartingPopulation  # noqa: E402

SHEET_ORDER = ["Summary", "Charts", "Indicators", "Projection", "Financing", "Population", "Assumptions",
               "Starting data", "Sensitivity", "Provenance", "Data and assumptions",
               "Actuarial opinion"]  # and Actual vs expected before the opinion when
#                                        accounts are compared (tests/studies/test_bundle.py)
INJECTED = "=HYPERLINK(\"http://example.invalid\",\"click\")"  # text that looks like a formula
UNVERIFIED_RGB = "FFC7CE"


# ----------------------------------------------------------------------------- inputs

def small_population(reserve: float, description: str = "=1+2") -> StartingPopulation:
    """A few rows of every status (amounts KHR per month)."""
    rows = pd.DataFrame({
        "status": ["active", "active", "inactive", "old_age", "invalidity", "spouse", "orphan"],
        "sex": ["M", "F", "F", "M", "F", "F", "M"],
        "age": [30, 40, 35, 65, 50, 62, 10],
        "credited_months": [24.0, 36.0, 12.0, np.nan, np.nan, np.nan, np.nan],
        "count": [1000.0, 2000.0, 300.0, 50.0, 10.0, 20.0, 5.0],
        "average_monthly_wage": [1.5e6, 1.2e6, np.nan, np.nan, np.nan, np.nan, np.nan],
        "average_career_wage": [np.nan] * 7,
        "average_monthly_pension": [np.nan, np.nan, np.nan, 4e5, 3e5, 2e5, 1e5],
    })
    return StartingPopulation(rows=rows, valuation_date=date(2025, 1, 1), reserve=reserve,
                              name="synthetic", description=description, source="test",
                              status="unverified", path="synthetic.csv",
                              notes=[INJECTED, "a plain note"])


def _provenance(aset) -> dict:
    return {"command": "=actuary valuate --evil", "run_at_utc": "2025-03-01 12:00:00",
            "assumption_set": aset.name, "assumption_set_hash": aset.content_hash(),
            "starting_population": "synthetic", "files": {"x.yaml": "ab" * 32},
            "versions": {"numpy": np.__version__},
            "unverified": [list(u) for u in aset.unverified()]}


def synthetic_result(n_years: int = 80, seed: int = 0, reserve: float = 1e11,
                     sensitivity: bool = True) -> V.ValuationResult:
    """Real projection and indicators of a random basis; depletion in 2058 for the default.

    The contribution rate rises from 4% to 8% so the reserve runs out mid-horizon and
    every branch of the writer (depletion, GAP 25/50/75, balance) is exercised.
    """
    basis = make_basis(seed, n_years)
    basis = basis.with_(start=dataclasses.replace(basis.start, reserve=reserve),
                        contribution_rate=np.linspace(0.04, 0.08, n_years))
    proj = project(basis)
    cf = V.cash_flows(proj)
    gdp = 1e14 * 1.06 ** np.arange(n_years)
    yearly = V.yearly_frame(proj, cf, gdp)
    pop = small_population(reserve)
    aset = load_basis(None)
    sens = pd.DataFrame()
    if sensitivity:
        sens = pd.DataFrame([
            {"test": "base", "description": "the valuation as presented", "gap_horizon": 75,
             "gap": 0.07, "depletion_year": 2058, "reserve_ratio_year_10": 6.0,
             "gap_change": 0.0, "depletion_change_years": 0, "reserve_ratio_change": 0.0},
            {"test": "wage growth +1 pt", "description": INJECTED, "gap_horizon": 75,
             "gap": 0.081, "depletion_year": 2051, "reserve_ratio_year_10": 5.25,
             "gap_change": 0.081 - 0.07, "depletion_change_years": -7,
             "reserve_ratio_change": 5.25 - 6.0},
            {"test": "return +1 pt", "description": "never depleted", "gap_horizon": 75,
             "gap": 0.05, "depletion_year": None, "reserve_ratio_year_10": 7.5,
             "gap_change": 0.05 - 0.07, "depletion_change_years": None,
             "reserve_ratio_change": 7.5 - 6.0},
        ])
    return V.ValuationResult(
        aset=aset, population=pop, basis=basis, projection=proj, cash=cf, yearly=yearly,
        by_sex=V.by_sex_frame(proj), summary=V.summary_indicators(cf, yearly),
        scaled=V.ind.scaled_premiums(cf, period=10, periods=5),
        careers=V.model_careers(basis, pop), sensitivity=sens, provenance=_provenance(aset))


def shipped_valuation(sensitivities: bool = True) -> V.ValuationResult:
    """The real thing: valuate() on the shipped assumption set and starting population."""
    return V.valuate(sensitivities=sensitivities, command="pytest tests/reports/test_workbook.py")


# ----------------------------------------------------- the test's reading of the keys

def resolve_key(result, key: str):
    """The Python value a key names (see actuary.reports.workbook)."""
    if m := re.fullmatch(r"summary\.(\w+)", key):
        return result.summary[m[1]]
    if m := re.fullmatch(r"yearly\.(\w+)\[(\d+)\]", key):
        return result.yearly.set_index("year").loc[int(m[2]), m[1]]
    if m := re.fullmatch(r"constant\.(\w+)\[(\d+)\]", key):
        # constant prices: the year's amount over P_t = 1.03^t (the default set's 3%
        # inflation, valuation year = 1; every result of these tests uses that set)
        y = result.yearly.set_index("year")
        return y.loc[int(m[2]), m[1]] / 1.03 ** (int(m[2]) - int(y.index[0]))
    if m := re.fullmatch(r"by_sex\.(\w+)\[(\d+),([MF])\]", key):
        f = result.by_sex
        return f[(f.year == int(m[2])) & (f.sex == m[3])][m[1]].iloc[0]
    if m := re.fullmatch(r"careers\.(\w+)\[(\d+)\]", key):
        return result.careers.iloc[int(m[2])][m[1]]
    if m := re.fullmatch(r"scaled\[(\d+)\]\.rate", key):
        return result.scaled[int(m[1])]["rate"]
    if m := re.fullmatch(r"accrued\.(\w+)", key):
        return result.accrued[m[1]]
    if m := re.fullmatch(r"sensitivity\.(\w+)\[(.+)\]", key):
        return result.sensitivity.set_index("test").loc[m[2], m[1]]
    raise AssertionError(f"unknown key {key!r}")


def discount_factors(i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """v_t = prod 1/(1+i_k), u_t = v_t (1 + i_t/2), computed here by a plain loop."""
    v, out_v, out_u = 1.0, [], []
    for rate in i:
        v = v / (1.0 + rate)
        out_v.append(v)
        out_u.append(v * (1.0 + rate / 2.0))
    return np.array(out_v), np.array(out_u)


def projection_expected(result) -> dict[str, np.ndarray]:
    """Expected column values of the Projection sheet by key (derived ones computed here)."""
    y = result.yearly
    out = {c: y[c].to_numpy(dtype=float) for c in y.columns}
    out["pensioners"] = (y["old_age_pensioners"] + y["invalidity_pensioners"]).to_numpy()
    out["admin_rate"] = np.asarray(result.cash.admin_rate, dtype=float)
    out["collection"] = np.asarray(result.cash.collection, dtype=float)
    out["discount_end"], out["discount_mid"] = discount_factors(y["investment_return"].to_numpy())
    # the money views (actuary.reports.money): the default set holds 4,100 KHR per USD and
    # 3% inflation (P_t = 1.03^t, valuation year = 1); both results here use that set
    t = np.arange(len(y))
    reserve = y["reserve_end"].to_numpy(dtype=float)
    out["price_index"] = 1.03 ** t
    for key in ("reserve_end", "contributions", "expenditure"):
        out[key.replace("_end", "") + "_real"] = y[key].to_numpy(dtype=float) / 1.03 ** t
    out["exchange_rate"] = np.full(len(y), 4100.0)
    out["reserve_usd"] = reserve / 4100.0  # nominal prices (a constant-price run: see below)
    if "gdp" in y.columns:
        out["reserve_pct_gdp"] = reserve / y["gdp"].to_numpy(dtype=float)
    return out


def constant_usd(result) -> np.ndarray:
    """The reserve in USD m of a constant-price workbook: F_t / 1.03^t / 4,100."""
    y = result.yearly
    return y["reserve_end"].to_numpy(dtype=float) / 1.03 ** np.arange(len(y)) / 4100.0


def projection_keys(ws) -> dict[str, int]:
    """Column number of each key (row 3 of the Projection sheet)."""
    return {ws.cell(row=3, column=c).value: c for c in range(1, ws.max_column + 1)
            if ws.cell(row=3, column=c).value}


def year_rows(ws) -> dict[int, int]:
    """Row of each projection year (column A, from row 6)."""
    return {int(ws.cell(row=r, column=1).value): r for r in range(6, ws.max_row + 1)
            if isinstance(ws.cell(row=r, column=1).value, (int, float))}


# -------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def result():
    return synthetic_result()


@pytest.fixture(scope="module")
def written(result, tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "valuation.xlsx"
    write_valuation_workbook(result, path)
    return path


@pytest.fixture(scope="module")
def book(written):
    return openpyxl.load_workbook(written)


# ----------------------------------------------------------------------------- tests

def test_opens_with_sheets_in_reading_order(book):
    assert book.sheetnames == SHEET_ORDER
    assert book.active.title == "Summary"


def test_projection_inputs_are_the_projected_numbers(book, result):
    ws = book["Projection"]
    keys, rows = projection_keys(ws), year_rows(ws)
    assert list(rows) == [int(y) for y in result.yearly["year"]]
    exp = projection_expected(result)
    inputs = ["active", "inactive", "old_age_pensioners", "invalidity_pensioners",
              "spouse_pensioners", "orphan_pensioners", "contributor_years", "contribution_rate",
              "insurable_earnings", "contributions", "old_age_benefits", "invalidity_benefits",
              "survivor_benefits", "lump_sums", "admin", "admin_rate", "collection",
              "investment_return", "gdp"]
    for key in inputs:
        col = keys[key]
        for t, (year, r) in enumerate(rows.items()):
            cell = ws.cell(row=r, column=col)
            assert cell.data_type == "n", (key, year)
            # openpyxl writes 16 significant digits ("%.16g"): equal to 1e-15 relative
            assert cell.value == pytest.approx(exp[key][t], rel=1e-15, abs=1e-300), (key, year)


# (key, row offset) of the cells each derived column refers to, written from the
# formulas of actuary.analysis.indicators and actuary.analysis.valuation.yearly_frame.
EXPECTED_REFS = {
    "pensioners": {("old_age_pensioners", 0), ("invalidity_pensioners", 0)},
    "dependency_ratio": {("active", 0), ("pensioners", 0)},
    "expenditure": {("benefits", 0), ("admin", 0)},
    "investment_income": {("investment_return", 0), ("reserve_end", -1), ("contributions", 0),
                          ("expenditure", 0)},
    "reserve_end": {("reserve_end", -1), ("contributions", 0), ("investment_income", 0),
                    ("expenditure", 0)},
    "payg_cost_rate": {("expenditure", 0), ("insurable_earnings", 0)},
    "reserve_ratio": {("reserve_end", 0), ("expenditure", 0)},
    "expenditure_pct_gdp": {("expenditure", 0), ("gdp", 0)},
    "discount_end": {("discount_end", -1), ("investment_return", 0)},
    "discount_mid": {("discount_end", 0), ("investment_return", 0)},
}
REF = re.compile(r"(?:(\w+)!)?\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?")


def _refs(formula: str) -> list[tuple[str | None, str, int, str | None, int | None]]:
    # drop quoted strings ("" in IF) before looking for references
    body = re.sub(r'"[^"]*"', "", formula)
    return [(m[1], m[2], int(m[3]), m[4], int(m[5]) if m[5] else None)
            for m in REF.finditer(body)]


def test_projection_formulas_reference_the_right_cells(book, result):
    ws = book["Projection"]
    keys, rows = projection_keys(ws), year_rows(ws)
    by_letter = {openpyxl.utils.get_column_letter(c): k for k, c in keys.items()}
    for key, expected in EXPECTED_REFS.items():
        for r in rows.values():
            cell = ws.cell(row=r, column=keys[key])
            assert cell.data_type == "f", (key, r)
            got = {(by_letter[col], row - r) for _s, col, row, _c2, _r2 in _refs(cell.value)}
            assert got == expected, (key, r, cell.value)
    # benefits = SUM over exactly the four branch columns
    branches = {"old_age_benefits", "invalidity_benefits", "survivor_benefits", "lump_sums"}
    for r in rows.values():
        (_s, c1, r1, c2, r2), = _refs(ws.cell(row=r, column=keys["benefits"]).value)
        span = range(openpyxl.utils.column_index_from_string(c1),
                     openpyxl.utils.column_index_from_string(c2) + 1)
        assert {by_letter[openpyxl.utils.get_column_letter(c)] for c in span} == branches
        assert r1 == r2 == r


def test_first_year_rolls_forward_from_the_labelled_opening_reserve(book, result):
    ws = book["Projection"]
    keys = projection_keys(ws)
    assert ws.cell(row=5, column=keys["reserve_end"]).value == result.summary["reserve0"]
    assert ws.cell(row=5, column=keys["discount_end"]).value == 1.0
    assert "F_0" in ws.cell(row=5, column=1).value
    assert ws.freeze_panes == "B5"


def test_indicator_money_rows_follow_the_workbooks_prices(result, tmp_path):
    """Constant prices: the reserve, contribution and expenditure rows of the Indicators
    sheet link to the Projection's constant columns (F_t / P_t ...), their keys say so,
    and their USD and share-of-GDP cells are formulas; nominal: the nominal columns. Ratio
    rows have no money cells."""
    from actuary.reports.indicators_sheet import GDP_COL, USD_COL

    def rows(prices):
        book = openpyxl.load_workbook(write_valuation_workbook(
            result, tmp_path / f"{prices}.xlsx", prices=prices))
        ws, keys = book["Indicators"], projection_keys(book["Projection"])
        letter = {openpyxl.utils.get_column_letter(c): k for k, c in keys.items()}
        out = {}
        for r in range(6, ws.max_row + 1):
            key = ws.cell(row=r, column=KEY_COL).value
            value = ws.cell(row=r, column=4).value
            refs = _refs(value) if isinstance(value, str) and value.startswith("=") else []
            if isinstance(key, str) and len(refs) == 1:  # a link to one cell
                (_s, col, *_rest), = refs
                out[key] = (letter[col], ws.cell(row=r, column=USD_COL).value,
                            ws.cell(row=r, column=GDP_COL).value, ws.cell(row=r, column=5).value)
        return out

    y10 = result.summary["first_year"] + 9
    nominal, constant = rows("nominal"), rows("constant")
    for key, real in (("reserve_end", "reserve_real"), ("contributions", "contributions_real"),
                      ("expenditure", "expenditure_real")):
        col, usd, gdp, unit = nominal[f"yearly.{key}[{y10}]"]
        assert col == key and unit == "KHR bn"
        assert usd.startswith("=IF(") and "exchange_rate" not in usd and gdp.startswith("=IF(")
        col, usd, gdp, unit = constant[f"constant.{key}[{y10}]"]
        assert col == real and unit == f"constant {result.summary['first_year']} KHR bn"
        assert f"yearly.{key}[{y10}]" not in constant
        assert usd.startswith("=IF(") and gdp.startswith("=IF(")
    # F_0: the same cell in both prices; ratios without money cells
    assert nominal["summary.reserve0"][0] == constant["summary.reserve0"][0] == "reserve_end"
    assert constant[f"yearly.reserve_ratio[{y10}]"][1:3] == (None, None)
    assert constant[f"yearly.payg_cost_rate[{y10}]"][1:3] == (None, None)


def test_indicator_formulas_span_the_right_years(book, result):
    ws = book["Indicators"]
    proj = book["Projection"]
    keys = projection_keys(proj)
    by_letter = {openpyxl.utils.get_column_letter(c): k for k, c in keys.items()}
    first = 6  # row of projection year 1
    found = {}
    for r in range(1, ws.max_row + 1):
        key = ws.cell(row=r, column=KEY_COL).value
        cell = ws.cell(row=r, column=4)
        if key and cell.data_type == "f":
            found[key] = {(s, by_letter[c1], r1 - first + 1, r2 - first + 1 if r2 else None)
                          for s, c1, r1, _c2, r2 in _refs(cell.value)}
    for n in (25, 50, 75):
        assert found[f"summary.gap_{n}"] == {
            ("Projection", "discount_mid", 1, n), ("Projection", "benefits", 1, n),
            ("Projection", "insurable_earnings", 1, n), ("Projection", "admin_rate", 1, n),
            ("Projection", "collection", 1, n), ("Projection", "reserve_end", 0, None)}
    assert found["summary.actuarial_balance_75"] == {
        ("Projection", "discount_mid", 1, 75), ("Projection", "contributions", 1, 75),
        ("Projection", "expenditure", 1, 75), ("Projection", "insurable_earnings", 1, 75),
        ("Projection", "reserve_end", 0, None), ("Projection", "discount_end", 75, None),
        ("Projection", "expenditure", 76, None)}
    t = result.summary["depletion_year"] - result.summary["first_year"] + 1
    assert found["summary.payable_share_at_depletion"] == {
        ("Projection", "contributions", t, None), ("Projection", "expenditure", t, None)}
    y10 = result.summary["first_year"] + 9
    assert found[f"yearly.payg_cost_rate[{y10}]"] == {("Projection", "payg_cost_rate", 10, None)}


def _keyed_cells(ws, value_col: int, key_col: int):
    for r in range(1, ws.max_row + 1):
        key = ws.cell(row=r, column=key_col).value
        if isinstance(key, str) and re.match(r"(summary|yearly|by_sex|careers|scaled|sensitivity|accrued)\W", key):
            yield key, ws.cell(row=r, column=value_col)


def test_numbers_written_are_those_their_keys_name(book, result):
    checked = 0
    for sheet, value_col, key_col in (("Indicators", 4, KEY_COL), ("Summary", 2, HEADLINE_KEY_COL)):
        for key, cell in _keyed_cells(book[sheet], value_col, key_col):
            if cell.data_type == "n" and cell.value is not None:
                assert cell.value == pytest.approx(float(resolve_key(result, key)), rel=1e-15), key
                checked += 1
    assert checked >= 15


def test_summary_links_point_to_the_same_quantity(book, result):
    ws, ind = book["Summary"], book["Indicators"]
    links = 0
    for key, cell in _keyed_cells(ws, 2, HEADLINE_KEY_COL):
        if cell.data_type != "f":
            continue
        (sheet, col, row, _c, _r), = _refs(cell.value)
        if sheet == "Indicators":
            target_key = ind.cell(row=row, column=KEY_COL).value
            assert resolve_key(result, target_key) == pytest.approx(resolve_key(result, key),
                                                                    rel=1e-15), key
        else:  # a contribution rate straight from the Projection sheet
            proj = book["Projection"]
            assert proj.cell(row=3, column=openpyxl.utils.column_index_from_string(col)).value \
                == "contribution_rate"
            assert f"[{proj.cell(row=row, column=1).value}]" in key
        links += 1
    assert links >= 10


def _is_unverified_fill(cell) -> bool:
    return cell.fill is not None and cell.fill.fill_type == "solid" \
        and str(cell.fill.start_color.rgb).endswith(UNVERIFIED_RGB)


def test_unverified_parameters_are_highlighted(book, result):
    aset = result.aset
    unverified = {u[0] for u in aset.unverified()}
    ws = book["Assumptions"]
    header = next(r for r in range(1, 20) if ws.cell(row=r, column=1).value == "Key path")
    seen = 0
    for r in range(header + 1, ws.max_row + 1):
        path = ws.cell(row=r, column=1).value
        if not path:
            continue
        flagged = bool({path, f"{path}.extend", f"{path}.table"} & unverified)
        assert _is_unverified_fill(ws.cell(row=r, column=1)) == flagged, path
        assert _is_unverified_fill(ws.cell(row=r, column=8)) == flagged, path
        seen += 1
    assert seen == len(aset.parameters_table())
    # and the Summary lists every one of them, highlighted
    summary = book["Summary"]
    listed = {summary.cell(row=r, column=1).value for r in range(1, summary.max_row + 1)
              if _is_unverified_fill(summary.cell(row=r, column=1))}
    assert listed == unverified


def test_text_starting_with_equals_stays_text(book, written):
    found = []
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in (INJECTED, "=1+2",
                                                                   "=actuary valuate --evil"):
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    assert cell.quotePrefix
                    found.append((ws.title, cell.value))
    sheets = {s for s, _v in found}
    assert {"Starting data", "Sensitivity", "Provenance"} <= sheets
    # and no <f> element holds them in the file itself
    with zipfile.ZipFile(written) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>HYPERLINK" not in xml and "<f>actuary" not in xml and "<f>1+2" not in xml


def test_sensitivity_changes_are_formulas_against_the_base(book, result):
    ws = book["Sensitivity"]
    header = {ws.cell(row=4, column=c).value: c for c in range(1, ws.max_column + 1)}
    gap, change = header["GAP"], header["Change in GAP"]
    dep_change = header["Change (years)"]
    L = openpyxl.utils.get_column_letter
    for i, rec in enumerate(result.sensitivity.to_dict("records")):
        r = 5 + i
        assert ws.cell(row=r, column=change).value == f"={L(gap)}{r}-{L(gap)}$5"
        has = pd.notna(rec["depletion_change_years"])
        assert (ws.cell(row=r, column=dep_change).data_type == "f") == has
    assert ws.cell(row=7, column=header["Depletion year"]).value == "none"


def test_number_formats_widths_and_frozen_headers(book):
    ws = book["Projection"]
    keys, rows = projection_keys(ws), year_rows(ws)
    r = next(iter(rows.values()))
    assert ws.cell(row=r, column=keys["year"]).number_format == "0"
    for key in ("contributions", "reserve_end", "insurable_earnings", "investment_income"):
        assert ws.cell(row=r, column=keys[key]).number_format == "#,##0.0,,,", key  # KHR bn
    for key in ("payg_cost_rate", "contribution_rate", "investment_return"):
        assert ws.cell(row=r, column=keys[key]).number_format == "0.00%", key
    assert ws.cell(row=4, column=keys["reserve_end"]).font.b
    assert ws.column_dimensions["L"].width >= 15
    for name in ("Population", "Assumptions", "Sensitivity", "Indicators"):
        assert book[name].freeze_panes is not None, name


def test_charts_read_the_projection_sheet(written):
    with zipfile.ZipFile(written) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        xml = [z.read(n).decode() for n in charts]
    xml = [x for x in xml if "Projection" in x]  # the pyramids read the Charts sheet
    assert len(xml) == 3
    text = "".join(xml)
    for needle in ("Reserve at the end of the year", "PAYG cost rate and legislated",
                   "Active contributors and pensioners"):
        assert needle in text
    refs = set(re.findall(r"<(?:c:)?f>'?Projection'?!(\$[A-Z]+\$\d+:\$[A-Z]+\$\d+)</(?:c:)?f>",
                          text))
    book = openpyxl.load_workbook(written)
    keys = projection_keys(book["Projection"])
    L = openpyxl.utils.get_column_letter
    # years 2025-2104 (rows 6-85) as categories; each series over the same rows
    expected = {f"${L(keys[k])}$6:${L(keys[k])}$85" for k in
                ("year", "reserve_end", "reserve_ratio", "payg_cost_rate", "contribution_rate",
                 "active", "pensioners")}
    assert refs == expected


def test_population_counts_match_the_projection(book, result):
    ws = book["Population"]
    people = result.projection.people  # [year, status, sex, age]
    totals = people.sum(axis=(1, 2, 3))
    header = [ws.cell(row=4, column=c).value for c in range(1, 15)]
    assert header[0] == "Year" and header[-1] == "Total"
    assert header[1] == "active men" and header[12] == "orphan women"
    for t in range(people.shape[0]):
        assert ws.cell(row=5 + t, column=1).value == result.summary["first_year"] + t
        assert ws.cell(row=5 + t, column=14).value == pytest.approx(totals[t], rel=1e-12)
        # old-age women: status 2, sex 1
        assert ws.cell(row=5 + t, column=7).value == pytest.approx(people[t, 2, 1].sum(),
                                                                  rel=1e-12, abs=1e-9)
    age_years = {ws.cell(row=r, column=16).value for r in range(5, ws.max_row + 1)} - {None}
    # the valuation date and the horizons of the indicators within the 80 years
    assert age_years == {2025 + k for k in (0, 10, 25, 50, 75)}
    # by age, nobody is a blank, not a zero; the counts are those of the projection
    for r in range(5, ws.max_row + 1):
        year, age = ws.cell(row=r, column=16).value, ws.cell(row=r, column=17).value
        if year is None:
            continue
        counts = [ws.cell(row=r, column=c).value for c in range(18, 30)]
        assert all(v is None or v > 0 for v in counts)
        want = people[year - 2025, :, :, age].reshape(-1)  # status, then sex
        assert [v or 0.0 for v in counts] == pytest.approx(want.tolist(), rel=1e-12)


def test_opinion_block_is_left_empty_and_writable(book):
    ws = book["Summary"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value
               == "Actuary's opinion")
    merged = [m for m in ws.merged_cells.ranges if m.min_row > row]
    assert merged and merged[0].max_row - merged[0].min_row >= 10
    assert ws.cell(row=merged[0].min_row, column=1).value is None
    # every sheet is protected against accidental edits; the opinion block is writable
    assert all(sheet.protection.sheet for sheet in book)
    assert ws.cell(row=merged[0].min_row, column=1).protection.locked is False
    assert ws.cell(row=row, column=1).protection.locked is True


def test_written_atomically_a_failure_keeps_the_old_file(result, tmp_path, monkeypatch):
    path = tmp_path / "v.xlsx"
    path.write_bytes(b"the previous workbook")

    import openpyxl.writer.excel as excel

    class Failing(excel.ExcelWriter):
        def write_data(self):
            self._archive.writestr("half.xml", "<x/>")  # something is on disk already
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(excel, "ExcelWriter", Failing)
    # the failure names the file, in the project's error (the CLI's one error line)
    with pytest.raises(ActuaryError, match="v.xlsx.*No space left on device"):
        write_valuation_workbook(result, path)
    assert path.read_bytes() == b"the previous workbook"
    with pytest.raises(ActuaryError):
        write_valuation_workbook(result, tmp_path / "new.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.xlsx"]


def test_same_result_same_bytes(result, written, tmp_path):
    again = write_valuation_workbook(result, tmp_path / "again.xlsx")
    assert again.read_bytes() == written.read_bytes()


def test_a_path_not_ending_in_xlsx_is_a_user_error(result, tmp_path):
    with pytest.raises(ActuaryError, match=r"\.xlsx") as info:
        write_valuation_workbook(result, tmp_path / "valuation.xls")
    assert info.value.source.endswith("valuation.xls")
    assert list(tmp_path.iterdir()) == []


def test_short_projection_without_sensitivities(tmp_path):
    short = synthetic_result(n_years=45, seed=1, reserve=3e11, sensitivity=False)
    assert short.summary["gap_50"] is None and short.summary["depletion_year"] is None
    book = openpyxl.load_workbook(write_valuation_workbook(short, tmp_path / "s.xlsx"))
    assert book.sheetnames == SHEET_ORDER
    summary = {book["Summary"].cell(row=r, column=HEADLINE_KEY_COL).value: book["Summary"].cell(row=r, column=2)
               for r in range(1, book["Summary"].max_row + 1)}
    assert summary["summary.gap_50"].value == "not available (projection too short)"
    assert summary["summary.depletion_year"].value.startswith("not within the projection")
    assert summary["summary.gap_25"].data_type == "f"
    assert "No sensitivities" in book["Sensitivity"].cell(row=4, column=1).value


def test_shipped_valuation(tmp_path):
    """valuate() on the shipped inputs, with its real sensitivity table and provenance."""
    res = shipped_valuation()
    book = openpyxl.load_workbook(write_valuation_workbook(res, tmp_path / "r.xlsx"))
    assert book.sheetnames == SHEET_ORDER
    ws = book["Sensitivity"]
    assert [ws.cell(row=5 + i, column=1).value for i in range(len(res.sensitivity))] \
        == list(res.sensitivity["test"])
    assert list(year_rows(book["Projection"])) == [int(y) for y in res.yearly["year"]]
    prov = book["Provenance"]
    texts = {c.value for row in prov.iter_rows() for c in row if isinstance(c.value, str)}
    assert res.provenance["assumption_set_hash"] in texts
    assert set(res.provenance["files"].values()) <= texts
    starting = book["Starting data"]
    header = {starting.cell(row=4, column=c).value: c for c in range(7, starting.max_column + 1)}
    counts = [starting.cell(row=5 + i, column=header["count"]).value
              for i in range(len(res.population.rows))]
    assert counts == pytest.approx(res.population.rows["count"].tolist(), rel=1e-15)
    # the depletion year with the rate held, beside the legislated one on the Summary
    summary = book["Summary"]
    held = {summary.cell(row=r, column=PATH_KEY_COLS[1]).value: summary.cell(row=r, column=3).value
            for r in range(1, summary.max_row + 1)}
    assert held["rate_paths.held.depletion_year"] == res.rate_paths[1].indicators[
        "depletion_year"] > 2025
    keyed = dict(_keyed_cells(summary, 2, HEADLINE_KEY_COL))
    # the implicit pension debt, as the result holds it
    for key in ("accrued.adl", "accrued.reserve0", "accrued.funded_ratio", "accrued.adl_pct_gdp"):
        assert keyed[key].value == pytest.approx(resolve_key(res, key), rel=1e-15)


def test_pyramids_count_everyone_by_age_group_and_sex(written, result):
    """The pyramid tables on the Charts sheet hold every person of the year, by sex,
    in 5-year groups (checked against the projection's own people array)."""
    from actuary.reports.pyramid import PYRAMID_OFFSETS

    book = openpyxl.load_workbook(written)
    ws = book["Charts"]
    people = result.projection.people  # [year, status, sex, age]
    first = result.projection.basis.first_year
    found = 0
    for row in ws.iter_rows():
        for cell in row:
            head = cell.value
            if not (isinstance(head, str) and head.startswith("Age, ")):
                continue
            r, c = cell.row, cell.column
            year = int(head[5:])
            rows = range(r + 1, r + 21)
            men = -sum(ws.cell(row=k, column=c + 1).value for k in rows)
            women = sum(ws.cell(row=k, column=c + 2).value for k in rows)
            assert ws.cell(row=r + 1, column=c).value == "0-4"
            assert ws.cell(row=r + 20, column=c).value == "95+"
            t = year - first
            assert men == pytest.approx(people[t, :, 0, :].sum(), rel=1e-12)
            assert women == pytest.approx(people[t, :, 1, :].sum(), rel=1e-12)
            # ages 20-24 of women, by hand
            assert ws.cell(row=r + 5, column=c + 2).value == pytest.approx(
                people[t, :, 1, 20:25].sum(), rel=1e-12)
            found += 1
    assert found == len(PYRAMID_OFFSETS)
    bars = [c for c in ws._charts if getattr(c, "type", None) == "bar"]
    assert len(bars) == found


def test_summary_opens_with_key_messages_from_the_figures(book, result):
    from actuary.reports.messages import key_messages
    from actuary.reports.summary_sheet import KEY_MESSAGES_TITLE

    ws = book["Summary"]
    assert ws.cell(row=4, column=1).value == KEY_MESSAGES_TITLE
    texts = []
    r = 5
    while isinstance(ws.cell(row=r, column=1).value, str) and \
            ws.cell(row=r, column=1).value[:1].isdigit():
        texts.append(ws.cell(row=r, column=1).value)
        r += 1
    assert 3 <= len(texts) <= 6
    assert texts == [f"{k}. {t}" for k, t in enumerate(key_messages(result), start=1)]
    dep = result.summary["depletion_year"]  # 2058 for the synthetic result
    assert f"runs out in {dep}." in texts[0]
    assert f"KHR {result.summary['reserve0'] / 1e9:,.1f} billion" in texts[1]
    gap = result.summary["gap_75"]
    assert any(f"{100 * gap:.2f}%" in t and "75 years" in t for t in texts)
    # no internal key is shown: the key columns are hidden
    for col in PATH_KEY_COLS:
        assert ws.column_dimensions[openpyxl.utils.get_column_letter(col)].hidden
