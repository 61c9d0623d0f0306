"""Writing single cells and plain tables safely.

Every value goes through :func:`cell_value`: numpy scalars become Python numbers, NaN
and infinities become empty cells (a spreadsheet has no NaN), and text is always
written as text. openpyxl treats any string starting with ``=`` as a formula, so a
description or a command line read from the user's files could otherwise become a
live formula; :func:`put` marks such cells as strings and sets the quote prefix, so
Excel and LibreOffice show the text and keep it text when the cell is edited.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from . import styles

__all__ = ["Column", "cell_value", "clean_text", "put", "put_formula", "write_table",
           "put_title", "put_wrapped", "MAX_TEXT"]

#: Excel's limit on the characters of one cell.
MAX_TEXT = 32767


def clean_text(text: str) -> str:
    """``text`` with control characters XML cannot hold replaced, cut to Excel's limit."""
    text = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", text)
    if len(text) > MAX_TEXT:
        tail = " ... (cut at Excel's cell limit)"
        text = text[: MAX_TEXT - len(tail)] + tail
    return text


def cell_value(value: Any) -> Any:
    """A value openpyxl writes faithfully: number, bool, date, text or None (empty)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return clean_text(str(value))


# The cell styles made so far in each workbook, by (number format, font, fill, quote
# prefix). Setting a style attribute by attribute looks each one up in the workbook's
# lists of fonts, fills and formats (hashing the style objects): most of the cost of
# writing a cell. A style made once is copied to the next fresh cell that wants it.
_STYLES: "weakref.WeakKeyDictionary[Workbook, dict[tuple, tuple]]" = weakref.WeakKeyDictionary()


def _set_style(cell: Cell, fmt: str | None, font: Font | None, fill: PatternFill | None,
               quote: bool) -> None:
    """Set the given parts of a cell's style (None: leave that part as it is)."""
    if quote:
        cell.quotePrefix = True
    if fmt is not None:
        cell.number_format = fmt
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill


def _style(cell: Cell, fresh: bool, fmt: str | None, font: Font | None,
           fill: PatternFill | None, quote: bool = False) -> None:
    """Style ``cell``; a ``fresh`` cell (no style before) takes a copy of the same style
    made earlier in the workbook, if any."""
    if not fresh or isinstance(cell.value, date):
        # keep the rest of an existing style; a date value has set its own format
        _set_style(cell, fmt, font, fill, quote)
        return
    if fmt is None and font is None and fill is None and not quote:
        return
    book = cell.parent.parent
    made = _STYLES.get(book)
    if made is None:
        made = _STYLES[book] = {}
    # font and fill are kept with the entry, so their ids stay theirs
    key = (fmt, id(font), id(fill), quote)
    entry = made.get(key)
    if entry is None:
        _set_style(cell, fmt, font, fill, quote)
        made[key] = (StyleArray(cell._style), font, fill)
    else:
        cell._style = StyleArray(entry[0])


def put(ws: Worksheet, row: int, col: int, value: Any, fmt: str | None = None,
        font: Font | None = None, fill: PatternFill | None = None) -> Cell:
    """Write a value (never a formula) with an optional number format, font and fill."""
    return _put_clean(ws, row, col, cell_value(value), fmt, font, fill)


def _put_clean(ws: Worksheet, row: int, col: int, v: Any, fmt: str | None,
               font: Font | None, fill: PatternFill | None) -> Cell:
    """:func:`put` of a value :func:`cell_value` has already made writable."""
    cell = ws.cell(row=row, column=col)
    fresh = not cell.has_style
    cell.value = v
    quote = False
    if isinstance(v, str):
        # openpyxl made it a formula if it starts with '='; text it is, and the quote
        # prefix keeps it text when a user edits the cell.
        cell.data_type = "s"
        quote = v.startswith(("=", "+", "-", "@"))
    number = v is not None and not isinstance(v, str)
    _style(cell, fresh, fmt if number else None, font, fill, quote)
    return cell


def put_formula(ws: Worksheet, row: int, col: int, formula: str, fmt: str | None = None,
                font: Font | None = None) -> Cell:
    """Write a live formula (``formula`` starts with ``=``)."""
    if not formula.startswith("="):
        raise ValueError(f"a formula starts with '=': {formula!r}")
    cell = ws.cell(row=row, column=col)
    fresh = not cell.has_style
    cell.value = formula
    _style(cell, fresh, fmt, font, None)
    return cell


def put_title(ws: Worksheet, title: str, note: str = "") -> None:
    """Sheet title in A1 and a note under it in A2."""
    put(ws, 1, 1, title, font=styles.TITLE)
    if note:
        put(ws, 2, 1, note, font=styles.SUBTITLE)


@dataclass(frozen=True)
class Column:
    """One column of a plain table: frame column, header text, number format, width."""

    key: str
    header: str
    fmt: str | None = None
    width: float = 14.0


def write_table(ws: Worksheet, frame: pd.DataFrame, top: int, left: int,
                columns: Iterable[Column], fills: Iterable[PatternFill | None] | None = None
                ) -> int:
    """Write ``frame`` with its header in row ``top`` from column ``left``.

    ``fills`` gives an optional fill per data row (e.g. to highlight unverified
    parameters). An empty value (None, NaN) in a row without a fill makes no cell.
    Returns the last row written.
    """
    cols = list(columns)
    for j, c in enumerate(cols):
        put(ws, top, left + j, c.header)
        dim = ws.column_dimensions[get_column_letter(left + j)]
        dim.width = max(dim.width or 0, c.width)
    styles.style_header(ws, top, left, left + len(cols) - 1)
    fill_list = list(fills) if fills is not None else [None] * len(frame)
    values = [[cell_value(v) for v in frame[c.key].tolist()] if c.key in frame.columns
              else [None] * len(frame) for c in cols]
    for i in range(len(frame)):
        r = top + 1 + i
        fill = fill_list[i]
        for j, c in enumerate(cols):
            v = values[j][i]
            if v is None and fill is None:
                continue  # an unstyled empty cell is not written to the file anyway
            _put_clean(ws, r, left + j, v, c.fmt, None, fill)
    return top + len(frame)


def put_wrapped(ws: Worksheet, row: int, first: int, text: str, last: int,
                scale: float = 1.0, **style: Any) -> Cell:
    """``text`` wrapped over columns ``first`` to ``last`` (merged) of ``row``, the row as
    tall as its lines (:func:`actuary.reports.styles.wrapped_height`; ``scale``: the
    font's size over 11 points), never lower than the text left of it in column A needs
    nor than the row already is. LibreOffice prints a wrapped cell of an .xlsx row left
    at the default height over the rows below it."""
    cell = put(ws, row, first, text, **style)
    cell.alignment = styles.WRAP
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43
                for c in range(first, last + 1))
    height = styles.wrapped_height(str(text), width / scale, 15.0 * scale)
    left = ws.cell(row=row, column=1).value if first > 1 else None
    if isinstance(left, str):
        height = max(height, styles.wrapped_height(left, ws.column_dimensions["A"].width or 8.43))
    ws.row_dimensions[row].height = max(height, ws.row_dimensions[row].height or 0)
    return cell
