"""Worksheets rendered to their XML before the workbook is saved, their cells as text.

openpyxl writes a workbook in one pass on saving: each worksheet's XML (most of the
time a save takes: the cells one by one), then the drawings, charts, styles and the
workbook's parts. A sheet that is complete can be rendered earlier, while something
else is still on its way (``actuary valuate``: the sensitivity table computed in a
forked child process); :meth:`RenderedAhead.writer` then gives the save a writer that
takes those sheets' XML as rendered and renders the others when it comes to them.

Rendering is openpyxl's own sheet writer (``WorksheetWriter``) with one step replaced:
the plain cells (numbers, booleans, text, formulas) are written as the text openpyxl's
writer produces for them, byte for byte, instead of through an element tree each (about
three times faster: a valuation workbook has some 20,000 cells); any other cell (a date,
an error, rich text, an array formula, a hyperlink) goes through openpyxl's own cell
writer. The sheets' XML is the same as openpyxl's (tested sheet by sheet). What rendering
ahead changes is the numbering of the cell formats (each format gets its number in
``styles.xml`` when the first cell using it is rendered), not any cell's value, formula
or format.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any
from xml.etree.ElementTree import _escape_cdata  # the escaping openpyxl's writer applies

from openpyxl.cell._writer import write_cell
from openpyxl.comments.comment_sheet import CommentRecord
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.workbook import Workbook
from openpyxl.worksheet._writer import WorksheetWriter

from .printing import prepare_sheet

__all__ = ["RenderedAhead", "SheetWriter", "render_sheet"]


def _plain_cell(cell: Any, styled: bool) -> str | None:
    """The XML openpyxl writes for ``cell`` when it holds a number, a boolean, text or a
    formula; None for any other cell."""
    kind = cell.data_type
    value = cell._value
    if cell.hyperlink is not None or kind not in ("n", "s", "f", "b"):
        return None
    head = f'<c r="{cell.coordinate}" s="{cell.style_id}"' if styled \
        else f'<c r="{cell.coordinate}"'
    if kind == "s":
        if value is not None and not isinstance(value, str):  # rich text
            return None
        head += ' t="inlineStr"'
    elif kind != "f":
        head += f' t="{kind}"'
    if value is None or value == "":
        return head + " />"
    if kind == "f":
        if not isinstance(value, str):  # an array or data-table formula
            return None
        return f"{head}><f>{_escape_cdata(value[1:])}</f><v /></c>"
    if kind == "s":
        stripped = value.strip()
        space = ' xml:space="preserve"' if stripped and stripped != value else ""
        return f"{head}><is><t{space}>{_escape_cdata(value)}</t></is></c>"
    text = safe_string(value)
    return f"{head}><v>{_escape_cdata(text)}</v></c>" if text else f"{head}><v /></c>"


class SheetWriter(WorksheetWriter):
    """openpyxl's sheet writer, plain cells written as text (module docstring)."""

    def write_row(self, xf: Any, row: list, row_idx: int) -> None:
        write = getattr(xf, "_file", None)  # the standard library's incremental writer
        if write is None:  # another XML writer (lxml's): openpyxl's own way
            super().write_row(xf, row, row_idx)
            return
        attrs = {"r": f"{row_idx}"}
        attrs.update(self.ws.row_dimensions.get(row_idx, {}))
        with xf.element("row", attrs):
            parts: list[str] = []
            for cell in row:  # what openpyxl's write_row does, cell by cell
                if cell._comment is not None:
                    self.ws._comments.append(CommentRecord.from_cell(cell))
                styled = cell.has_style
                if cell._value is None and not styled and not cell._comment:
                    continue
                text = _plain_cell(cell, styled)
                if text is not None:
                    parts.append(text)
                    continue
                if parts:
                    write("".join(parts))
                    parts = []
                write_cell(xf, self.ws, cell, styled)
            if parts:
                write("".join(parts))


def render_sheet(ws: Any) -> SheetWriter:
    """Render ``ws`` to its XML as openpyxl's ``ExcelWriter.write_worksheet`` does, with
    :class:`SheetWriter`, in memory (``.read()`` gives it; openpyxl's goes through a
    temporary file)."""
    ws._drawing = SpreadsheetDrawing()
    ws._drawing.charts = ws._charts
    ws._drawing.images = ws._images
    writer = SheetWriter(ws, out=BytesIO())
    writer.write()
    return writer


class RenderedAhead:
    """Sheets rendered ahead of the save (see the module docstring)."""

    def __init__(self) -> None:
        self._rendered: dict[int, tuple[Any, WorksheetWriter]] = {}

    def render(self, wb: Workbook, sheets: list) -> None:
        """Render ``sheets`` of ``wb`` now, with their print setup
        (:func:`actuary.reports.printing.prepare_sheet`, which the save applies again
        to every sheet, to the same effect). The sheets must not change afterwards."""
        title = wb.properties.title or ""
        for ws in sheets:
            prepare_sheet(ws, title)
            self._rendered[id(ws)] = (ws, render_sheet(ws))

    def writer(self, wb: Workbook, archive: Any) -> Any:
        """openpyxl's writer of ``wb`` into ``archive``, taking the sheets rendered here
        from their rendering and rendering the others with :class:`SheetWriter`."""
        from openpyxl.writer import excel

        writer = excel.ExcelWriter(wb, archive)
        if wb.write_only:  # streamed sheets are written as they come
            return writer

        def write_worksheet(ws: Any) -> None:
            done = self._rendered.pop(id(ws), None)
            rendered = done[1] if done is not None and done[0] is ws else render_sheet(ws)
            # the rest as openpyxl's write_worksheet does after rendering
            ws._rels = rendered._rels
            writer._archive.writestr(ws.path[1:], rendered.read())
            writer.manifest.append(ws)

        writer.write_worksheet = write_worksheet
        return writer
