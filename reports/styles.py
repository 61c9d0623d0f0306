"""Look of the valuation workbook: fonts, fills, number formats, column widths.

One place for the look so every sheet reads the same way: a bold title in row 1, a
grey note under it, bold headers on a light band, money in KHR with thousands
separators, rates as percentages, years as plain integers.
"""

from __future__ import annotations

import math

from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, \
    RegularTextRun
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "KHR", "KHR_BN", "COUNT", "RATE", "PERCENT_POINTS", "YEAR", "RATIO", "FACTOR", "DATE", "PLAIN", "HIDDEN",
    "TITLE", "SUBTITLE", "SECTION", "HEADER", "NOTE", "KEY", "BOLD",
    "HEADER_FILL", "UNVERIFIED_FILL", "INPUT_FILL", "OPINION_FILL",
    "WRAP", "BOX", "UNLOCKED",
    "set_widths", "style_header", "protect", "small_title",
]

# Number formats (Excel codes). Money is nominal KHR, whole riel is precise enough to read;
# the cell keeps the full value.
KHR = "#,##0"
# Billions of KHR, for yearly flows and reserves: the three trailing commas divide what
# is shown by 10^9 (Excel and LibreOffice alike); the cell keeps the exact riel, so
# formulas, CSV exports and copies stay exact. Headers say "KHR bn".
KHR_BN = "#,##0.0,,,"
COUNT = "#,##0"
RATE = "0.00%"
# A number already in per cent (expenditure, % of GDP): a quoted % is shown, not applied.
PERCENT_POINTS = '0.000"%"'
YEAR = "0"
RATIO = "0.00"  # reserve ratio (years of expenditure), dependency ratio
FACTOR = "0.00000000"  # discount factors
DATE = "yyyy-mm-dd"
HIDDEN = ";;;"  # shows nothing: internal keys kept in the file for tracing, not for reading
PLAIN = "General"

TITLE = Font(bold=True, size=14)
SUBTITLE = Font(italic=True, color="595959")
SECTION = Font(bold=True, size=12, color="1F3864")
HEADER = Font(bold=True)
BOLD = Font(bold=True)
NOTE = Font(italic=True, color="595959")
KEY = Font(color="808080", size=9)  # machine keys naming the Python source of a value

HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
# Unverified parameters stand out: the results rest on them and a user should replace them.
UNVERIFIED_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
INPUT_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
OPINION_FILL = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")

WRAP = Alignment(wrap_text=True, vertical="top")
_THIN = Side(style="thin", color="7F7F7F")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
UNLOCKED = Protection(locked=False)


def style_header(ws: Worksheet, row: int, first_col: int, last_col: int) -> None:
    """Bold, banded, wrapped header cells in ``row`` from ``first_col`` to ``last_col``."""
    for col in range(first_col, last_col + 1):
        cell = ws.cell(row=row, column=col)
        cell.font = HEADER
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")


def set_widths(ws: Worksheet, widths: dict[int, float]) -> None:
    """Column widths in characters, by 1-based column number."""
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width


def protect(ws: Worksheet) -> None:
    """Protect the sheet against accidental edits, without a password.

    The Excel user "follows every number, changes nothing by accident" (DESIGN §1):
    cells are locked, but formulas stay visible and columns and rows can still be
    resized. Review > Unprotect Sheet lifts it for a deliberate what-if.
    """
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def small_title(text: str, size: float = 10.0) -> Title:
    """A bold chart title of ``size`` points (the applications' default, 13-14 points,
    wraps a title with its units over three lines on a half-page chart)."""
    props = CharacterProperties(sz=int(size * 100), b=True)
    para = Paragraph(pPr=ParagraphProperties(defRPr=props),
                     r=[RegularTextRun(rPr=props, t=text)])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


#: Characters of text a column of width 1 holds on a printed line, by script: Latin text
#: of Calibri 11 averages a little under the width of a "0" (what a width counts);
#: Khmer clusters are about 1.7 times wider (measured on LibreOffice's PDF of a Khmer
#: Summary: about 70 characters of Khmer where 120 of English fit).
_CHARS_PER_WIDTH = {"latin": 1.1, "khmer": 0.6}


def wrapped_height(text: str, width: float, line_pt: float = 15.0) -> float:
    """Row height (points) that shows ``text`` wrapped in a cell ``width`` characters
    wide: LibreOffice does not grow a row of an .xlsx for wrapped text when printing, so
    a row left at the default height prints its lines over the next rows.

    The number of lines is estimated from the characters per line (:data:`_CHARS_PER_WIDTH`,
    Khmer when the text has Khmer letters) less one word's slack a line, at least one a
    paragraph (``\\n``); an estimate a line too high leaves a blank line, never an overlap.
    """
    khmer = any("\u1780" <= c <= "\u17ff" for c in text)
    per_line = max(8.0, width * _CHARS_PER_WIDTH["khmer" if khmer else "latin"] - 4.0)
    lines = sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))
    return line_pt * lines
