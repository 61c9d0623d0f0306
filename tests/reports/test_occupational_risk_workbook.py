"""The occupational-risk workbook: its live formulas computed by LibreOffice agree with
the projection, and the sheets hold what the result holds."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import PDFTOTEXT, SOFFICE, pdf_pages, recalculate, to_pdf  # noqa: E402

from actuary.reports.occupational_risk import SHEETS, write_occupational_risk_workbook  # noqa: E402
from actuary.schemes.occupational_risk import valuate_branch  # noqa: E402


@pytest.fixture(scope="module")
def result():
    return valuate_branch("occupational-risk-public-officials", horizon=15, sensitivities=True)


def _columns(ws) -> dict[str, int]:
    """Header text -> column of the Projection sheet's table (header on row 4)."""
    return {ws.cell(row=4, column=c).value: c for c in range(1, ws.max_column + 1)
            if ws.cell(row=4, column=c).value}


def test_sheets_and_values(result, tmp_path):
    path = write_occupational_risk_workbook(result, tmp_path / "or.xlsx")
    wb = openpyxl.load_workbook(path)
    assert tuple(wb.sheetnames) == SHEETS
    ws = wb["Projection"]
    col = _columns(ws)
    y = result.yearly
    for i in range(len(y)):
        assert ws.cell(row=5 + i, column=col["Year"]).value == int(y.year.iloc[i])
        assert ws.cell(row=5 + i, column=col["Lump sums (KHR bn)"]).value == pytest.approx(
            y.lump_sums.iloc[i], rel=1e-12)
    # every unverified item is on the Summary: those the results rest on one a row, the
    # pension scheme's others in a note
    from actuary.schemes.occupational_risk.valuation import rests_on

    summary = [str(c.value) for row in wb["Summary"].iter_rows() for c in row if c.value]
    used, unused = rests_on(result.aset)
    for item in used:
        assert item[0] in summary
    note = next(t for t in summary if "do not move these results" in t)
    for item in unused:
        assert item[0] in note


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_live_formulas_agree_with_the_projection(result, tmp_path):
    path = write_occupational_risk_workbook(result, tmp_path / "or.xlsx")
    ws = openpyxl.load_workbook(recalculate(path, tmp_path), data_only=True)["Projection"]
    col = _columns(ws)
    y = result.yearly
    expected = {"PAYG cost rate": y.payg_cost_rate, "Reserve ratio (years)": y.reserve_ratio,
                "Reserve / PV of pensions in payment": y.funded_ratio,
                # the set's 4,100 KHR per USD (held), and GDP of the same year
                "Reserve, end of year (USD m)": y.reserve_end / 4100.0,
                "Expenditure (USD m)": y.expenditure / 4100.0,
                "Reserve, end of year (% of GDP)": y.reserve_end / y.gdp}
    for header, values in expected.items():
        for i in range(len(y)):
            assert ws.cell(row=5 + i, column=col[header]).value == pytest.approx(
                values.iloc[i], rel=1e-9), (header, i)


def test_money_in_billions_usd_and_gdp_columns_and_constant_prices(result, tmp_path):
    """Money cells keep riel (a number shown in billions); constant prices divide each
    year's amount by 1.03^t (the set's 3% inflation, valuation year = 1); the titles say
    which prices; the USD and share-of-GDP columns are formulas over the reserve."""
    from actuary.reports import styles

    nominal = openpyxl.load_workbook(write_occupational_risk_workbook(
        result, tmp_path / "n.xlsx"))["Projection"]
    constant = openpyxl.load_workbook(write_occupational_risk_workbook(
        result, tmp_path / "c.xlsx", prices="constant"))["Projection"]
    assert "nominal KHR of each year" in nominal["A1"].value
    assert "constant 2025 KHR" in constant["A1"].value
    col = _columns(nominal)
    y = result.yearly
    money = [h for h in col if h.endswith("(KHR bn)")]
    assert len(money) >= 15
    for h in money:
        cell = nominal.cell(row=5, column=col[h])
        assert cell.number_format == styles.KHR_BN and cell.data_type == "n"
    for i in range(len(y)):
        c = constant.cell(row=5 + i, column=col["Lump sums (KHR bn)"]).value
        assert c == pytest.approx(y.lump_sums.iloc[i] / 1.03 ** i, rel=1e-12)
        # a ratio is the same in either prices
        assert constant.cell(row=5 + i, column=col["Contribution rate"]).value == \
            nominal.cell(row=5 + i, column=col["Contribution rate"]).value
    # the Summary's charts read the Projection sheet: units in the title and on the one axis
    charts = openpyxl.load_workbook(tmp_path / "c.xlsx")["Summary"]._charts
    assert len(charts) == 2
    assert "constant 2025 KHR" in charts[1].title.tx.rich.p[0].r[0].t
    for chart in charts:
        assert chart.y_axis.title is not None and chart.x_axis.title is None
        assert all(s.val.numRef.f.startswith("'Projection'!") for s in chart.series)
    reserve = get_letter(col["Reserve, end of year (KHR bn)"])
    usd = nominal.cell(row=5, column=col["Reserve, end of year (USD m)"])
    gdp = nominal.cell(row=5, column=col["Reserve, end of year (% of GDP)"])
    assert reserve in usd.value and usd.number_format == "#,##0.0,,"
    assert reserve in gdp.value and gdp.number_format == styles.RATE


def get_letter(c: int) -> str:
    return openpyxl.utils.get_column_letter(c)


def test_the_khmer_workbook_and_headline(result, tmp_path):
    """``--lang km``: titles, headers, the Method sheet's paragraphs and the console
    headline of the branch in Khmer."""
    from khmer_check import KHMER, english_words, untranslated

    from actuary.cli.occupational_risk_cmd import branch_headline
    from actuary.reports.i18n import language

    with language("km"):
        path = write_occupational_risk_workbook(result, tmp_path / "km.xlsx")
        text = branch_headline(result)
    book = openpyxl.load_workbook(path)
    assert not untranslated(book), untranslated(book)[:10]
    # every text cell but the data's: the set (Assumptions, the unverified items'
    # descriptions on the Summary), the sensitivity tests' descriptions; the Method sheet's
    # paragraphs are the catalogue's Khmer of the code's docstrings
    from khmer_check import english_cells

    left = english_cells(book, {"Assumptions": "*", "Provenance": "*",
                                "Sensitivity": "B", "Summary": "B"})
    assert not left, left[:10]
    rows = [ln.strip().split("  ")[0] for ln in text.splitlines()[3:] if ln.startswith("  ")]
    assert rows and all(KHMER.search(r) and not english_words(r) for r in rows if r), rows


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None,
                    reason="LibreOffice and pdftotext print and read the workbook")
def test_the_summary_prints_its_unverified_items_without_overlap(result, tmp_path):
    """Printed by LibreOffice, the Summary's title, note and list of unverified items read
    whole and in order: each item's path followed by its description, the words of no two
    rows run together (a wrapped cell in a row of the default height prints over the rows
    below it: what this guards against)."""
    import re

    from actuary.schemes.occupational_risk.valuation import rests_on

    path = write_occupational_risk_workbook(result, tmp_path / "or.xlsx")
    flat = " ".join(" ".join(pdf_pages(to_pdf(path, tmp_path))).split())
    used, unused = rests_on(result.aset)
    assert len(used) >= 10 and unused  # enough wrapped rows to overlap
    at = 0
    for item_path, description, _status, _ref in used:
        text = " ".join(f"{item_path} {description}".split())
        found = flat.find(text, at)
        assert found >= 0, (text, flat[at:at + 300])
        at = found + len(text)
    note = " ".join(re.sub(r"\s+", " ", c.value) for c in
                    openpyxl.load_workbook(path)["Summary"]["A"] if isinstance(c.value, str)
                    and "do not move these results" in c.value)
    assert note and note in flat
    title = openpyxl.load_workbook(path)["Summary"]["A2"].value
    assert " ".join(title.split()) in flat


def test_the_method_sheet_translates_each_paragraph_of_the_docstrings(result, tmp_path):
    """The Method sheet: the modules' docstrings in English, the catalogue's Khmer of them
    in Khmer, paragraph for paragraph (a paragraph added to a docstring and not to its
    translation fails here), each Khmer paragraph keeping the formulas' symbols."""
    import re

    from khmer_check import KHMER

    from actuary.reports.definitions import docstring_text
    from actuary.reports.i18n import catalogue, language
    from actuary.schemes.occupational_risk import financing, projection, rules

    for key, module in (("rules", rules), ("projection", projection), ("financing", financing)):
        english = docstring_text(module).split("\n")
        khmer = catalogue()[f"method.{key}"]["km"].split("\n")
        assert len(khmer) == len(english), key
        for en, km in zip(english, khmer):
            assert KHMER.search(km), (key, km)
            symbols = set(re.findall(r"\b[A-Za-z]+_[A-Za-z0-9_{}-]+", en))
            assert all(s in km for s in symbols), (key, symbols - set(re.findall(
                r"\b[A-Za-z]+_[A-Za-z0-9_{}-]+", km)))
    with language("km"):
        path = write_occupational_risk_workbook(result, tmp_path / "km.xlsx")
    with language("en"):
        path_en = write_occupational_risk_workbook(result, tmp_path / "en.xlsx")
    km_rows = [c.value for c in openpyxl.load_workbook(path)["Method"]["A"] if c.value]
    en_rows = [c.value for c in openpyxl.load_workbook(path_en)["Method"]["A"] if c.value]
    assert len(km_rows) == len(en_rows)
    assert docstring_text(rules).split("\n")[0] in en_rows
    assert catalogue()["method.rules"]["km"].split("\n")[0] in km_rows
