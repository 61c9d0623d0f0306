"""The print setup: every sheet prints one page wide, the valuation workbook in at most
25 pages, and label and value rows of the data-check and closed-group workbooks on the
same page and line (they used to print on different pages).

The PDFs are LibreOffice's (``soffice --headless --convert-to pdf``), read back with
pdftotext (poppler-utils; CI installs it). Skipped only when LibreOffice is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import (PDFTOTEXT, SOFFICE, pdf_page_count, pdf_pages, split_charts,  # noqa: E402
                         to_pdf)
from test_workbook import shipped_valuation, synthetic_result  # noqa: E402

from actuary.reports import printing, write_valuation_workbook  # noqa: E402

needs_office = pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice and pdftotext print and read the workbooks (CI installs both)")

MAX_VALUATION_PAGES = 25


def _sheets_pages(pages: list[str], names: list[str]) -> dict[str, int]:
    """Pages per sheet, from the footer's sheet name (the first word of a page's last line)."""
    count = {n: 0 for n in names}
    for text in pages:
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        last = lines[-1] if lines else ""
        for name in sorted(names, key=len, reverse=True):
            if last.startswith(name):
                count[name] += 1
                break
    return count


def test_every_sheet_has_a_print_setup(tmp_path):
    path = write_valuation_workbook(synthetic_result(n_years=30), tmp_path / "v.xlsx")
    book = openpyxl.load_workbook(path)
    for ws in book:
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.orientation in ("portrait", "landscape")
        assert "&A" in ws.oddFooter.left.text and "&P" in ws.oddFooter.right.text
        assert ws.print_area
    assert book["Projection"].page_setup.orientation == "landscape"  # 30 columns
    assert book["Projection"].print_title_rows == "$1:$4"  # the rows above the frozen pane


def test_a_chart_that_would_cross_a_page_starts_the_next():
    from openpyxl import Workbook
    from openpyxl.chart import LineChart

    wb = Workbook()
    ws = wb.active
    for r in range(1, 200):
        ws.cell(row=r, column=1, value=r)
    chart = LineChart()
    chart.height = 10.0  # cm: 283 points, about 19 rows
    ws.add_chart(chart, "B40")  # portrait A4 at 100% holds about 41 rows of 15 points
    printing.prepare_for_print(wb)
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks == [38]  # one row above the chart: its top edge is not on the page edge
    ws2 = wb.create_sheet("small")
    ws2.add_chart(LineChart(), "B2")
    printing.prepare_for_print(wb)
    assert not ws2.row_breaks.brk


@needs_office
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "km"])
def test_valuation_workbook_prints_in_at_most_25_pages(tmp_path, lang):
    path = write_valuation_workbook(shipped_valuation(), tmp_path / "valuation.xlsx", lang=lang)
    pdf = to_pdf(path, tmp_path)
    pages = pdf_pages(pdf)
    assert pdf_page_count(pdf) == len(pages) <= MAX_VALUATION_PAGES
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    per_sheet = _sheets_pages(pages, names)
    assert sum(per_sheet.values()) == len(pages), per_sheet  # every page has its footer
    assert all(n >= 1 for n in per_sheet.values()), per_sheet
    # every chart whole on one page: its title and its legend (or bottom axis) together.
    # In English only: pdftotext drops some stacked Khmer clusters, so a Khmer title cannot
    # be matched (the charts' places and sizes are the same in both languages).
    if lang == "en":
        checked, split = split_charts(pages, openpyxl.load_workbook(path))
        assert checked >= 7 and not split, split  # 3 projection charts, 3 pyramids, tornado


@needs_office
@pytest.mark.slow
def test_the_pdf_check_sees_a_split_chart_and_the_print_setup_prevents_it(tmp_path):
    """A chart anchored where a page ends: printed without the print setup's break it is
    split (its title on page 1, its legend on page 2) and the check says so; with the
    setup it starts page 2, whole."""
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference, Series

    def book(prepared: bool) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.title = "Probe"
        for r in range(1, 121):
            ws.cell(row=r, column=1, value=r)
        chart = LineChart()
        chart.title = "Split chart probe"
        chart.series.append(Series(Reference(ws, min_col=1, min_row=1, max_row=20),
                                   title="probe legend"))
        chart.legend.position = "b"
        chart.height, chart.width = 10.0, 12.0
        ws.add_chart(chart, "C40")  # portrait A4 holds about 45 rows of 15 points
        if prepared:
            printing.prepare_for_print(wb)
        else:
            ws.oddFooter.left.text = "&A"
        out = tmp_path / f"probe_{prepared}.xlsx"
        wb.save(out)
        return out

    for prepared in (False, True):
        path = book(prepared)
        pages = pdf_pages(to_pdf(path, tmp_path / str(prepared)))
        checked, split = split_charts(pages, openpyxl.load_workbook(path))
        assert checked == 1
        assert bool(split) is not prepared, (prepared, split)


def _pairs_on_one_line(path: Path, sheet: str, pdf: Path) -> tuple[int, list]:
    """(pairs checked, pairs not on one printed line) of ``sheet``'s text label / text
    value rows (columns A and B)."""
    ws = openpyxl.load_workbook(path)[sheet]
    text = "\n".join(pdf_pages(pdf))
    lines = [" ".join(ln.split()) for ln in text.splitlines()]
    checked, apart = 0, []
    for label, value in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if not (isinstance(label, str) and isinstance(value, str)):
            continue
        label, value = " ".join(label.split()), " ".join(value.split())
        if not (4 <= len(label) <= 30 and 4 <= len(value) <= 25):
            continue  # short enough not to wrap
        checked += 1
        if not any(label in ln and value in ln for ln in lines):
            apart.append((label, value))
    return checked, apart


@needs_office
def test_datacheck_labels_and_values_print_together(tmp_path):
    sys.path.insert(0, str(Path(__file__).parents[1] / "members"))
    from test_datacheck import SETTINGS, tricky_file

    from actuary.members.datacheck import check_files
    from actuary.reports.datacheck import write_datacheck_workbook

    report = write_datacheck_workbook(check_files(tricky_file(tmp_path), SETTINGS),
                                      tmp_path / "check.xlsx")
    pdf = to_pdf(report, tmp_path)
    checked, apart = _pairs_on_one_line(report, "Summary", pdf)
    assert checked >= 3 and not apart, apart
