"""The comparison workbook: structure, and every formula computed by LibreOffice.

As for the valuation workbook (tests/reports/test_workbook_libreoffice.py): LibreOffice computes
each formula when it loads the file and writes the values on conversion; every formula
cell is matched, through the sheet's keys, to the Python value it must equal (1e-9
relative); a formula cell with no expected value fails the test. Skipped only when
LibreOffice is not installed.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import SOFFICE, formula_problems  # noqa: E402

from actuary.studies.compare import compare  # noqa: E402
from actuary.io.errors import DataError  # noqa: E402
from actuary.reports.compare import (  # noqa: E402
    CHART_TITLES,
    COMPARE_SHEETS,
    FIRST_ROW,
    KEY_ROW,
    write_comparison_workbook,
)

REL = 1e-9
KHMER_RE = __import__("re").compile("[\u1780-\u17ff]")


@pytest.fixture(scope="module")
def comparison():
    # the status quo, contributions for everyone, and the transition design
    return compare(["public-sector-default", "ps-contributions-2027", "ps-transition-2027"],
                   horizon=30, command="actuary compare (test)")


@pytest.fixture(scope="module")
def written(comparison, tmp_path_factory):
    return write_comparison_workbook(comparison, tmp_path_factory.mktemp("cmp") / "cmp.xlsx")


def _keys(ws) -> dict[str, int]:
    return {ws.cell(row=KEY_ROW, column=c).value: c for c in range(1, ws.max_column + 1)
            if ws.cell(row=KEY_ROW, column=c).value}


def expected_values(book, comparison) -> dict[tuple[str, str], float | None]:
    out: dict[tuple[str, str], float | None] = {}
    names = [s.name for s in comparison.scenarios]
    ws = book["Comparison"]
    keys = _keys(ws)
    table = comparison.table.set_index("key")
    for r in range(FIRST_ROW, ws.max_row + 1):
        key = ws.cell(row=r, column=keys["key"]).value
        if not (isinstance(key, str) and key.startswith("summary.")):
            continue
        for n in names[1:]:
            cell = ws.cell(row=r, column=keys[f"change:{n}"]).coordinate
            change = table.loc[key[len("summary."):], f"change: {n}"]
            # per-cent rows are written as fractions in a percentage format
            pct = table.loc[key[len("summary."):], "kind"] == "pct"
            out[("Comparison", cell)] = change / 100 if pct and not _missing(change) else change
    ws = book["Yearly"]
    keys = _keys(ws)
    base = comparison.scenarios[0].yearly
    for sc in comparison.scenarios:
        y = sc.yearly
        expected = {"payg_cost_rate": y["payg_cost_rate"],
                    "budget_cost_pct_gdp": y["budget_cost"] / y["gdp"],
                    "reserve_pct_gdp": y["reserve_end"] / y["gdp"],
                    "reserve_expenditure": y["reserve_end"] / y["expenditure"],
                    # the base set's 4,100 KHR per USD (held)
                    "reserve_usd": y["reserve_end"] / 4100.0,
                    "budget_cost_change": y["budget_cost"] - base["budget_cost"]}
        for col_key, series in expected.items():
            col = keys.get(f"{sc.name}|{col_key}")
            if col is None:
                continue
            for t, v in enumerate(series):
                out[("Yearly", ws.cell(row=FIRST_ROW + t, column=col).coordinate)] = float(v)
    return out


def _missing(v) -> bool:
    return v is None or v == "" or (isinstance(v, float) and math.isnan(v))


def test_sheets_charts_and_inputs(written, comparison):
    book = openpyxl.load_workbook(written)
    assert tuple(book.sheetnames) == COMPARE_SHEETS
    charts = book["Charts"]._charts
    assert len(charts) >= 3
    for chart in charts[:3]:
        assert len(chart.series) == len(comparison.scenarios)
        assert chart.y_axis.title is not None and chart.x_axis.title is None
    for chart in charts[3:]:  # a scenario drawn flat on a common chart, on its own scale
        assert len(chart.series) == 1
        for s in chart.series:
            assert s.val.numRef.f.replace("'", "").startswith("Yearly!")
    ws = book["Comparison"]
    keys = _keys(ws)
    # the values written are those of the Python table
    for r in range(FIRST_ROW, ws.max_row + 1):
        key = ws.cell(row=r, column=keys["key"]).value
        row = comparison.table.set_index("key").loc[key[len("summary."):]]
        scale = 0.01 if row["kind"] == "pct" else 1.0
        first = ws.cell(row=r, column=keys[f"scenario:{comparison.scenarios[0].name}"])
        if row["kind"] == "pct" and first.value is not None:
            assert first.number_format.endswith("%")  # a percentage, not a per-cent number
        for sc in comparison.scenarios:
            got = ws.cell(row=r, column=keys[f"scenario:{sc.name}"]).value
            want = row[sc.name] * scale if not _missing(row[sc.name]) else row[sc.name]
            assert (got is None) if _missing(want) else got == pytest.approx(want, rel=1e-15)
    assert CHART_TITLES[2].startswith("Budget cost")


def test_libreoffice_computes_every_formula_as_python(written, comparison, tmp_path):
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")

    def agrees(want, got) -> bool:
        if _missing(want):
            return _missing(got)
        if not isinstance(got, (int, float)):
            return False
        # a zero expected value: LibreOffice's rounding of a difference of equals; and the
        # other way round, LibreOffice rounds a difference of nearly equal numbers to 0
        # where Python keeps a residue of the last bits (3e-16 for two equal rates)
        return (abs(got - want) <= REL * max(abs(want), 1e-300) or (want == 0 and abs(got) < 1e-6)
                or (got == 0 and abs(want) < 1e-12))

    checked, problems, _ = formula_problems(
        written, tmp_path, lambda book: expected_values(book, comparison), agrees)
    assert not problems, f"{len(problems)} of {checked} formulas differ, e.g. {problems[:5]}"
    n = len(comparison.scenarios[0].yearly)
    assert checked >= 2 * 3 * n + 2 * n  # PAYG and % of GDP per scenario, two changes


def test_same_comparison_same_bytes(written, comparison, tmp_path):
    again = write_comparison_workbook(comparison, tmp_path / "again.xlsx")
    assert again.read_bytes() == written.read_bytes()


def test_workbook_path_must_end_in_xlsx(comparison, tmp_path):
    with pytest.raises(DataError, match="xlsx"):
        write_comparison_workbook(comparison, tmp_path / "cmp.csv")
    assert not (tmp_path / "cmp.csv").exists()


def test_designs_sheet_holds_each_designs_columns(written, comparison):
    """The transition design's split and gross-up, as the Python yearly table has them;
    the assumption sets add nothing."""
    from actuary.reports.designs_sheet import design_columns

    ws = openpyxl.load_workbook(written)["Designs"]
    keys = _keys(ws)
    sets, design = comparison.scenarios[:2], comparison.scenarios[2]
    assert all(design_columns(s).empty for s in sets)
    y = design.yearly
    for col in ("transition_cost", "transition_cost_financing", "transition_cost_formula",
                "gross_up_cost", "status_quo_budget_cost"):
        c = keys[f"{design.name}|{col}"]
        got = [ws.cell(row=FIRST_ROW + t, column=c).value for t in range(len(y))]
        np.testing.assert_allclose(got, y[col].to_numpy(dtype=float), rtol=1e-15)
    assert not any(k.startswith(sets[0].name + "|") for k in keys if isinstance(k, str))


def test_designs_sheet_of_a_multi_tier_design(tmp_path):
    from actuary.reports.designs_sheet import design_columns

    cmp = compare(["cambodia-default", "multi-tier-nssf"], horizon=20)
    path = write_comparison_workbook(cmp, tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(path)["Designs"]
    keys = _keys(ws)
    tiers = cmp.scenarios[1].parts["multi_tier"].yearly
    c = keys["multi-tier-nssf|tier2_assets_pct_gdp"]
    assert ws.cell(row=FIRST_ROW + 10, column=c).number_format.endswith("%")
    assert ws.cell(row=FIRST_ROW + 10, column=c).value == pytest.approx(
        tiers["tier2_assets_pct_gdp"].iloc[10] / 100, rel=1e-15)
    c = keys["multi-tier-nssf|elderly_none"]
    assert ws.cell(row=FIRST_ROW + 5, column=c).value == pytest.approx(
        tiers["elderly_none"].iloc[5], abs=1e-6)
    assert "tier2_pensions_F" in design_columns(cmp.scenarios[1]).columns


def test_a_small_scheme_gets_its_own_chart_and_constant_prices_deflate(comparison, tmp_path):
    """A scheme whose reserve peaks below a quarter of the largest one's (as a share of GDP) is
    drawn flat on the common chart: it is drawn again on its own scale. In constant prices
    each money cell is the nominal one / 1.03^t (the set's 3% inflation); the shares of
    GDP, formulas over deflated cells, are unchanged."""
    import copy

    from actuary.reports.compare import flat_scenarios

    def scaled(k: int, share: float):
        sc = copy.copy(comparison.scenarios[k])
        sc.yearly = sc.yearly.copy()
        sc.yearly["reserve_end"] = share * sc.yearly["gdp"]
        return sc

    # a reserve of 20% of GDP beside one of 0.5% (at 6%, above a quarter: not flat)
    cmp2 = copy.copy(comparison)
    cmp2.scenarios = [scaled(0, 0.2), scaled(1, 0.005), scaled(2, 0.06)]
    small = comparison.scenarios[1].name
    assert flat_scenarios(cmp2, "reserve_pct_gdp") == [small]
    book = openpyxl.load_workbook(write_comparison_workbook(cmp2, tmp_path / "s.xlsx",
                                                           prices="constant"))
    own = [c for c in book["Charts"]._charts[3:] if f"{small} on its own scale" in
           c.title.tx.rich.p[0].r[0].t]
    assert len(own) == 1 and len(own[0].series) == 1
    ws = book["Yearly"]
    assert "constant 2025 KHR" in ws["A1"].value
    keys = _keys(ws)
    base = cmp2.scenarios[0]
    col = keys[f"{base.name}|reserve_end"]
    for t in (0, 5, 29):
        got = ws.cell(row=FIRST_ROW + t, column=col).value
        assert got == pytest.approx(base.yearly["reserve_end"].iloc[t] / 1.03 ** t, rel=1e-12)


def test_the_khmer_comparison_workbook_has_khmer_labels(comparison, tmp_path):
    from khmer_check import untranslated

    from actuary.reports.i18n import language

    with language("km"):
        path = write_comparison_workbook(comparison, tmp_path / "km.xlsx")
    book = openpyxl.load_workbook(path)
    # the scenario names are the data's; the rest of every header is Khmer
    names = [s.name for s in comparison.scenarios]
    bad = [b for b in untranslated(book)
           if not any(b[2] == n or str(b[2]).startswith(n + ":") and KHMER_RE.search(str(b[2]))
                      for n in names)]
    assert not bad, bad
    assert book["Comparison"].oddHeader.center.text  # the draft mark on every page
    # every text cell but the data's: the key rows, the scenarios' descriptions (their
    # files') and files; their kinds and the notes the designs write are in Khmer
    from khmer_check import english_cells

    left = english_cells(book, {"Comparison": "3", "Yearly": "3", "Designs": "3",
                                "Scenarios": "C", "Provenance": "*"})
    assert not left, left[:10]
    notes = [c.value for c in book["Scenarios"]["F"][4:] if c.value]
    assert notes and all(KHMER_RE.search(n) for n in notes), notes


def test_the_khmer_console_tables(comparison):
    """The comparison table and a design's transition table in Khmer: titles and column
    headers without English words (scenario names and notes are the data's)."""
    from khmer_check import english_words

    from actuary.cli.compare_cmd import comparison_text, transition_text
    from actuary.reports.i18n import language

    design = next(sc for sc in comparison.scenarios if "transition_cost" in sc.yearly.columns)
    with language("km"):
        table = comparison_text(comparison).splitlines()
        transition = transition_text(design).splitlines()
    labels = [ln[:50] for ln in table[3:] if ln.strip() and not ln.startswith(" ")]
    assert labels and all(KHMER_RE.search(t) and not english_words(t) for t in labels), labels
    head = transition[2]
    assert KHMER_RE.search(transition[1]) and KHMER_RE.search(head) and not english_words(head)


def test_every_note_a_design_writes_reads_in_khmer():
    """Each wording of the notes the schemes layer writes (public_sector, public_groups,
    self_employed_design, tiers, design_params), with figures as the code formats them:
    matched whole by a template and written in Khmer, the data's names kept as written,
    the figures in Khmer digits."""
    import re

    from khmer_check import english_words

    from actuary.reports.i18n import language
    from actuary.reports.scenario_notes import NOTE_TEMPLATES, scenario_note

    notes = [
        f"groups: teachers, health; first-year budget cost {1234.56:,.1f} million USD a month "
        "at 4,100 KHR/USD",
        "transition from 2027-01-01: legacy = public-sector-default, new scheme = ps-new-2027",
        f"transition cost, PV over 75 years: {-12345.6:,.0f} billion KHR; peak {987.4:,.0f} "
        "billion KHR in 2040",
        f"of which the change of financing {1500.2:,.0f} and the change of the benefit formula "
        f"{-200.7:,.0f} billion KHR (PV); salaries grossed up: yes",
        f"take-up: {12.3456:.2f}% of the {1234567.0:,.0f} self-employed in year 10; mean density "
        f"{0.456:.2f} over 5 bands",
        "tier 1: cambodia-default; tier 0: none; tier 2: individual accounts",
        f"tier-2 assets {3.14159:.1f}% of GDP in year 25, {12.5:.1f}% in year 50",
        "3 unverified parameters in ps-transition-2027.yaml: a.b, c_d, e",
    ]
    assert len(notes) == len(NOTE_TEMPLATES)
    with language("km"):
        shown = [scenario_note(n) for n in notes]
    for n, s in zip(notes, shown):
        assert KHMER_RE.search(s), n
        kept = [w for w in ("teachers, health", "public-sector-default", "ps-new-2027", "cambodia-default",
                            "ps-transition-2027.yaml", "a.b, c_d, e") if w in n]
        assert all(w in s for w in kept), s
        rest = s
        for w in kept:
            rest = rest.replace(w, "")
        assert not english_words(rest), s
        assert not re.search(r"(?<![\w.-])[0-9]", rest.replace("USD", "")), s
    with language("en"):
        assert [scenario_note(n) for n in notes] == notes
