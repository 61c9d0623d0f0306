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
