"""Print setup of every sheet of every workbook: the one mechanism, applied on saving.

:func:`prepare_for_print` is called by the project's save helper
(:func:`actuary.reports.workbook.save_workbook`) and by the streaming writers right
before they save, so no writer has its own print code. For each sheet it sets:

- A4 paper, orientation by the sheet's width (landscape when the used columns and
  charts are wider than a portrait page holds at 55%);
- one page wide ("fit to 1 page wide, any number tall"), with a print area over the
  used cells and the charts (text overflowing into empty cells does not widen it),
  unless the writer set its own (a data dump printed as its summary only);
  a streaming (write-only) sheet, whose sheet properties are written with its first
  row, is marked at its creation (:func:`fit_streaming_sheet`), else gets the scale
  computed here from its column widths and charts;
- the rows above the frozen pane (title and table headers) repeated on every page,
  and the frozen columns when the sheet is still more than one page wide;
- manual row breaks so that no chart straddles a page: a chart that would not fit in
  what is left of a page starts the next one (LibreOffice keeps manual breaks under
  fit-to-width; Excel may not, so the writers also place charts below their tables);
- margins of 1.5 cm (1 cm at the top and bottom plus the footer), and a footer with
  the workbook's title, the sheet's name and "page n of N".

Approximations, sized: column width in characters is taken as 7 pixels a character
plus 5 pixels of padding at 96 dpi in Excel, about 9.5 in LibreOffice (taken here),
and a row without an explicit height as 15 points. A wrapped text
cell that LibreOffice makes taller moves the later breaks down: the estimate keeps
a 6% reserve on every page for that, so a chart below such rows can still start
lower on its page than planned, never across a break we placed.
"""

from __future__ import annotations

import math
import re
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break, RowBreak
from openpyxl.worksheet.page import PageMargins

from .i18n import current, reviewed, tr

__all__ = ["prepare_for_print", "fit_streaming_sheet", "sheet_width_points", "print_scale"]

# A4 in points, and the margins (inches, as openpyxl stores them).
_A4 = (595.0, 842.0)
_SIDE_IN, _TOP_IN, _FOOTER_IN = 0.6, 0.55, 0.3
_DEFAULT_COL_CHARS = 8.43
_DEFAULT_ROW_PT = 15.0
_RESERVE = 0.94  # share of a page's height the planned rows may fill (see the docstring)
_MIN_SCALE, _MAX_SCALE = 10, 100
# Below this a portrait page would be too small to read: landscape then (a long sheet
# prints on about twice as many landscape pages as portrait ones at a readable scale).
_PORTRAIT_MIN_SCALE = 0.55
_CM_PT = 72.0 / 2.54
# Pixels a character of column width takes: 7 in Excel (Calibri 11); LibreOffice lays
# the same widths out about 1.35 times wider (measured on the valuation workbook's PDF),
# and the larger is taken so a planned break is never too low.
_CHAR_PX = 9.5
_EXCEL_CHAR_PX = 7.0


def _col_points(chars: float, px: float = _CHAR_PX) -> float:
    """Width in points of a column ``chars`` characters wide (``px`` pixels a character)."""
    return (chars * px + 5.0) * 0.75


def _col_width(ws: Any, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col)) if hasattr(
        ws.column_dimensions, "get") else None
    if dim is not None and getattr(dim, "hidden", False):
        return 0.0
    if dim is not None and dim.width:
        return float(dim.width)
    return _DEFAULT_COL_CHARS


def _max_col(ws: Any) -> int:
    n = getattr(ws, "_max_col", 0) or 0
    if hasattr(ws, "max_column") and not _write_only(ws):
        n = ws.max_column
    # Column widths set for columns written later (write-only sheets) count too.
    for letter, dim in ws.column_dimensions.items():
        if dim.width:
            n = max(n, column_index_from_string(letter) if letter.isalpha() else 0)
    return max(n, 1)


def _max_row(ws: Any) -> int:
    if _write_only(ws):
        return max(getattr(ws, "_max_row", 0) or 0, 1)
    return max(ws.max_row, 1)


def _write_only(ws: Any) -> bool:
    return isinstance(ws, WriteOnlyWorksheet)


def _anchor(chart: Any) -> tuple[int, int]:
    """(column, row), 1-based, of a chart's top-left cell."""
    anchor = chart.anchor
    if isinstance(anchor, str):
        m = re.fullmatch(r"([A-Z]+)(\d+)", anchor)
        return column_index_from_string(m[1]), int(m[2])
    marker = anchor._from
    return marker.col + 1, marker.row + 1


def _charts(ws: Any) -> list[tuple[int, int, float, float]]:
    """(column, row, width pt, height pt) of every chart of ``ws``."""
    out = []
    for chart in getattr(ws, "_charts", []):
        col, row = _anchor(chart)
        out.append((col, row, chart.width * _CM_PT, chart.height * _CM_PT))
    return out


def print_range(ws: Any) -> tuple[int, int]:
    """(last column, last row) of the used cells and the charts: the print area, so text
    that overflows into empty cells to the right does not widen the printout."""
    ncol, nrow = _max_col(ws), _max_row(ws)
    # the narrower columns of the two applications (Excel's 7 pixels a character): the
    # area then reaches a chart's right edge in both (with LibreOffice's wider estimate
    # the waterfalls of the change workbook printed cut at their right edge)
    edges = _column_edges(ws, ncol + 200, _EXCEL_CHAR_PX)
    for col, row, w, h in _charts(ws):
        right = edges[col - 1] + w
        ncol = max(ncol, next((c for c in range(col, len(edges)) if edges[c] >= right),
                              len(edges) - 1))
        nrow = max(nrow, row + int(math.ceil(h / _DEFAULT_ROW_PT)))
    return ncol, nrow


def _column_edges(ws: Any, ncol: int, px: float = _CHAR_PX) -> list[float]:
    """Right edge in points of each column 0..ncol (edges[0] = 0)."""
    edges = [0.0]
    for c in range(1, ncol + 1):
        edges.append(edges[-1] + _col_points(_col_width(ws, c), px))
    return edges


def _area_columns(ws: Any) -> int | None:
    """Last column of a print area the writer set itself (None if none)."""
    area = getattr(ws, "print_area", None)
    m = re.search(r"\$?([A-Z]+)\$?\d+$", area or "")
    return column_index_from_string(m[1]) if m else None


def sheet_width_points(ws: Any) -> float:
    """Width in points of the used columns and of the charts, whichever reaches further
    (of the print area's columns when the writer set one)."""
    ncol = _area_columns(ws) or _max_col(ws)
    edges = _column_edges(ws, ncol + 200)
    width = edges[ncol]
    for col, _, w, _ in _charts(ws):
        width = max(width, edges[col - 1] + w)
    return width


def _printable(landscape: bool) -> tuple[float, float]:
    w, h = (_A4[1], _A4[0]) if landscape else _A4
    return w - 2 * _SIDE_IN * 72, h - 2 * (_TOP_IN + _FOOTER_IN) * 72


def print_scale(width_pt: float) -> tuple[bool, int]:
    """(landscape, scale in %) that puts a sheet ``width_pt`` wide on one page width."""
    portrait = _printable(False)[0] / width_pt
    landscape = portrait < _PORTRAIT_MIN_SCALE
    fit = _printable(landscape)[0] / width_pt
    scale = int(math.floor(min(1.0, fit) * 100 * 0.98))  # 2% for the font metrics
    return landscape, max(_MIN_SCALE, min(_MAX_SCALE, scale))


def _title_rows(ws: Any) -> int:
    """Rows repeated at the top of each page: those above the frozen pane (0 if none)."""
    pane = ws.freeze_panes
    if not pane:
        return 0
    m = re.fullmatch(r"([A-Z]+)(\d+)", pane)
    return int(m[2]) - 1 if m else 0


def _row_height(ws: Any, row: int) -> float:
    dim = ws.row_dimensions.get(row) if hasattr(ws.row_dimensions, "get") else None
    if dim is not None and dim.ht:
        return float(dim.ht)
    return _DEFAULT_ROW_PT


def chart_breaks(ws: Any, scale: int, landscape: bool, title_rows: int) -> list[int]:
    """Rows after which a manual page break keeps every chart on one page.

    Walks the rows with the page height at ``scale``; at a row where a chart starts,
    if the chart does not fit in what is left of the page, the page is ended just
    above it. Only breaks that a chart needs are returned (the others fall where
    the printer puts them).
    """
    charts = _charts(ws)
    if not charts:
        return []
    page = _printable(landscape)[1] * _RESERVE / (scale / 100.0)
    repeated = sum(_row_height(ws, r) for r in range(1, title_rows + 1))
    starts: dict[int, float] = {}
    for _, row, _, h in charts:
        starts[row] = max(starts.get(row, 0.0), h)
    last = max(_max_row(ws), max(r + 1 for r in starts))
    breaks, used, first_row_of_page = [], 0.0, 1
    for r in range(1, last + 1):
        height = _row_height(ws, r)
        need = starts.get(r)
        if need is not None and r > first_row_of_page and used + need > page:
            # the page ends one row above the chart's: a chart whose top edge lies on the
            # page's edge is drawn on both pages by LibreOffice (a hairline and clipped
            # text on the first; seen in the PDF test of tests/reports/test_printing.py)
            cut = r - 2 if r - 2 >= first_row_of_page else r - 1
            breaks.append(cut)
            used, first_row_of_page = repeated if r > title_rows else 0.0, cut + 1
            if cut + 1 < r:
                used += _row_height(ws, cut + 1)
        if used + height > page:  # the printer's own break
            used, first_row_of_page = repeated if r > title_rows else 0.0, r
        used += height
    return breaks


def _footer(ws: Any, title: str) -> None:
    footer = ws.oddFooter
    footer.left.text = "&A"
    footer.left.size = 8
    if title:
        footer.center.text = title.replace("&", "&&")[:120]
        footer.center.size = 8
    footer.right.text = "&P / &N"
    footer.right.size = 8
    lang = current()
    if not reviewed(lang):  # every printed page of an unreviewed translation says so
        header = ws.oddHeader
        header.center.text = tr("draft_mark", lang).replace("&", "&&")
        header.center.size = 8


def prepare_sheet(ws: Any, title: str = "") -> None:
    """Give ``ws`` its print setup (see the module docstring)."""
    landscape, scale = print_scale(sheet_width_points(ws))
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.scale = scale
    if not _write_only(ws) or ws.sheet_properties.pageSetUpPr.fitToPage:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=_SIDE_IN, right=_SIDE_IN, top=_TOP_IN + _FOOTER_IN,
                                  bottom=_TOP_IN + _FOOTER_IN, header=0.25, footer=_FOOTER_IN)
    ws.print_options.gridLines = False
    if not _write_only(ws) and not ws.print_area:
        last_col, last_row = print_range(ws)
        ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    title_rows = _title_rows(ws)
    if title_rows:
        ws.print_title_rows = f"1:{title_rows}"
    _footer(ws, title)
    ws.row_breaks = RowBreak()
    for row in chart_breaks(ws, scale, landscape, title_rows):
        ws.row_breaks.append(Break(id=row))


def fit_streaming_sheet(ws: Any) -> None:
    """Mark a streaming (write-only) sheet "fit to one page wide" at its creation: its
    sheet properties are written with its first row, before :func:`prepare_for_print`."""
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def prepare_for_print(wb: Any) -> None:
    """Give every sheet of ``wb`` its print setup; called right before saving."""
    title = wb.properties.title or ""
    for ws in wb.worksheets:
        if hasattr(ws, "page_setup"):
            prepare_sheet(ws, title)
