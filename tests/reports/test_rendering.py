"""The valuation workbook written in two steps: the sheets without the sensitivity table
rendered first, the table collected (computed in the background) after them."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import openpyxl
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from test_workbook import synthetic_result  # noqa: E402

from actuary.io.forked import in_child  # noqa: E402
from actuary.reports import rendering  # noqa: E402
from actuary.reports.workbook import (  # noqa: E402
    BEFORE_SENSITIVITY,
    SHEETS,
    build_workbook,
    save_workbook,
    write_valuation_workbook,
)

_STAMP = {"run_at_utc": "2025-03-01 12:00:00"}  # the same run time in every workbook here


def _cells(path: Path) -> dict:
    """Every cell of every sheet: value (formulas as text) and format; and each sheet's
    protection, print setup, frozen panes, merged cells, charts and column widths."""
    book = openpyxl.load_workbook(path)
    formats: dict = {}  # a cell's format ids in this file -> the format itself
    out = {}
    for ws in book.worksheets:
        out[ws.title] = (ws.protection.sheet, ws.print_area, ws.print_title_rows,
                         ws.freeze_panes, ws.page_setup.orientation, ws.page_setup.scale,
                         ws.oddFooter.center.text, [b.id for b in ws.row_breaks.brk],
                         sorted(str(m) for m in ws.merged_cells.ranges), len(ws._charts),
                         {k: d.width for k, d in ws.column_dimensions.items()})
        for row in ws.iter_rows():
            for c in row:
                ids = tuple(c._style) if c._style is not None else ()
                if ids not in formats:
                    formats[ids] = (c.number_format, repr(c.font), repr(c.fill),
                                    repr(c.border), repr(c.alignment), repr(c.protection))
                out[ws.title, c.coordinate] = (c.value, formats[ids])
    return out, book.sheetnames


def test_rendered_ahead_or_in_one_pass_the_same_cells(tmp_path):
    """Sheets rendered before the save give the workbook a one-pass save gives: every
    cell's value, formula and format (only the numbering of the formats in styles.xml
    may differ)."""
    result = dataclasses.replace(synthetic_result(), provenance=dict(_STAMP))
    ahead = write_valuation_workbook(result, tmp_path / "ahead.xlsx")
    one_pass = tmp_path / "one_pass.xlsx"
    save_workbook(build_workbook(result), one_pass)
    cells, names = _cells(ahead)
    assert (cells, names) == _cells(one_pass)
    assert len(cells) > 1000 and set(SHEETS) <= set(names)


def test_the_table_is_collected_once_the_other_sheets_are_rendered(tmp_path, monkeypatch):
    result = dataclasses.replace(synthetic_result(), provenance=dict(_STAMP))
    events: list = []
    render = rendering.RenderedAhead.render

    def recording(self, wb, sheets):
        events.append(("rendered", [ws.title for ws in sheets]))
        render(self, wb, sheets)

    monkeypatch.setattr(rendering.RenderedAhead, "render", recording)

    def table():
        events.append("collected")
        return result.sensitivity

    later = dataclasses.replace(result, sensitivity=pd.DataFrame(),
                                sensitivity_later=in_child(table, fork=False))
    write_valuation_workbook(later, tmp_path / "later.xlsx")
    assert events == [("rendered", list(BEFORE_SENSITIVITY)), "collected"]
    assert later.sensitivity_later is None and later.sensitivity is result.sensitivity
    write_valuation_workbook(result, tmp_path / "given.xlsx")
    assert _cells(tmp_path / "later.xlsx") == _cells(tmp_path / "given.xlsx")


def _openpyxl_xml(ws) -> bytes:
    from openpyxl.worksheet._writer import WorksheetWriter

    writer = WorksheetWriter(ws)
    writer.write()
    try:
        return writer.read()
    finally:
        writer.cleanup()


def _our_xml(ws) -> bytes:
    return rendering.render_sheet(ws).read()


def test_every_sheet_rendered_as_openpyxls_writer_renders_it():
    """The cells written as text give each sheet's XML byte for byte as openpyxl's own
    writer does (every sheet of a valuation workbook)."""
    result = dataclasses.replace(synthetic_result(), provenance=dict(_STAMP))
    # two copies: rendering changes a sheet a little (openpyxl's writer sets its
    # outline level), so each writer renders its own, as a save renders a sheet once
    ours, openpyxls = build_workbook(result), build_workbook(result)
    assert len(ours.worksheets) >= 12
    for ws, same in zip(ours.worksheets, openpyxls.worksheets, strict=True):
        assert _our_xml(ws) == _openpyxl_xml(same), ws.title


def test_cells_of_every_kind_rendered_as_openpyxls_writer_renders_them(monkeypatch):
    """Numbers, booleans, text that needs escaping or keeps its spaces, empty and styled
    cells, formulas, a comment, row heights; and the cells left to openpyxl's own writer
    (dates, errors, rich text, array formulas, hyperlinks), in one sheet."""
    from openpyxl.cell._writer import write_cell

    def sheet():
        wb = openpyxl.Workbook()
        ws = wb.active
        _cells_of_every_kind(ws)
        return ws

    left: list[str] = []  # the cells handed to openpyxl's own cell writer

    def openpyxls(xf, sheet, cell, styled=None):
        left.append(cell.coordinate)
        return write_cell(xf, sheet, cell, styled)

    monkeypatch.setattr(rendering, "write_cell", openpyxls)
    xml = _our_xml(sheet())
    # the dates and the error of rows 1-2, the rich text, array formula and hyperlink
    assert left == ["R1", "S1", "T1", "R2", "S2", "T2", "A3", "B3", "C3"]
    assert xml == _openpyxl_xml(sheet())
    assert b'xml:space="preserve"' in xml and b"&amp; b &lt; c &gt;" in xml


def _cells_of_every_kind(ws) -> None:
    from datetime import date, datetime

    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.formula import ArrayFormula

    values = [1, -7, 2.5, -0.0, 1e-300, 123456789012345678, float("nan"), float("inf"), True,
              False, "plain", " leading space", "trailing\n", "a & b < c > d \"q\" 'r'",
              "", "=A1&\"x\"<2", "=SUM(A1:A3)", "#N/A", date(2025, 1, 1),
              datetime(2025, 3, 1, 12, 30), "  ", None, "ខ្មែរ"]
    for col, value in enumerate(values, start=1):
        ws.cell(row=1, column=col, value=value)
        styled = ws.cell(row=2, column=col, value=value)
        styled.font = Font(bold=True)
    ws["A3"] = CellRichText("a ", TextBlock(InlineFont(b=True), "bold"))
    ws["B3"] = ArrayFormula("B3:B4", "=A1:A2*2")
    ws["C3"] = "link"
    ws["C3"].hyperlink = "https://example.invalid/?a=1&b=2"
    ws["D3"] = "noted"
    ws["D3"].comment = Comment("a note", "actuary")
    ws.row_dimensions[2].height = 30
    ws.row_dimensions[5].hidden = True  # a row with dimensions and no cell
