"""Worksheets rendered to their XML before the workbook is saved.

openpyxl writes a workbook in one pass on saving: each worksheet's XML (most of the
time a save takes: the cells one by one), then the drawings, charts, styles and the
workbook's parts. A sheet that is complete can be rendered earlier, while something
else is still on its way (``actuary valuate``: the sensitivity table computed in a
forked child process); :meth:`RenderedAhead.writer` then gives the save a writer that
takes those sheets' XML as rendered and renders the others as openpyxl does.

The XML of a sheet is the same either way: openpyxl's own sheet writer renders it, from
the same cells. What the order changes is the numbering of the cell formats (each
format gets its number in ``styles.xml`` when the first cell using it is rendered),
not any cell's value, formula or format.
"""

from __future__ import annotations

from typing import Any

from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.workbook import Workbook
from openpyxl.worksheet._writer import WorksheetWriter

from .printing import prepare_sheet

__all__ = ["RenderedAhead"]


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
            # what openpyxl's ExcelWriter.write_worksheet gives a sheet before rendering it
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = WorksheetWriter(ws)
            writer.write()
            self._rendered[id(ws)] = (ws, writer)

    def writer(self, wb: Workbook, archive: Any) -> Any:
        """openpyxl's writer of ``wb`` into ``archive``, taking the sheets rendered here
        from their rendering (the others rendered by it as usual)."""
        from openpyxl.writer import excel

        writer = excel.ExcelWriter(wb, archive)
        own = writer.write_worksheet

        def write_worksheet(ws: Any) -> None:
            done = self._rendered.pop(id(ws), None)
            if done is None or done[0] is not ws:
                own(ws)
                return
            rendered = done[1]  # the rest as openpyxl's write_worksheet does after rendering
            ws._rels = rendered._rels
            writer._archive.write(rendered.out, ws.path[1:])
            writer.manifest.append(ws)
            rendered.cleanup()

        writer.write_worksheet = write_worksheet
        return writer
