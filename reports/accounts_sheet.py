"""The Actual vs expected sheet: published accounts beside the projection.

One row per figure of the accounts file (:mod:`actuary.analysis.accounts`): the actual
figure, the projection's, their difference and the A/E ratio as live formulas (so a
reader sees how each is made), what the expected figure is, and the figure's source
and status. A figure not published is shown as missing; a year outside the projection
says so.
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .i18n import N_, T, T_known
from .cells import put, put_formula, put_title

__all__ = ["write_actual_expected", "AE_HEADER_ROW"]

AE_HEADER_ROW = 5
_COLS = (("year", N_("Year"), styles.YEAR, 8), ("label", N_("Item"), None, 40),
         ("unit", N_("Unit"), None, 9), ("actual", N_("Actual"), None, 18),
         ("expected", N_("Expected (projection)"), None, 18), ("difference", N_("Actual - expected"),
                                                            None, 18),
         ("ae_ratio", N_("A/E"), "0.000", 9), ("compared", N_("Expected figure / why none"), None, 44),
         ("status", N_("Status"), None, 11), ("source", N_("Source"), None, 50),
         ("note", N_("Note"), None, 60))


def write_actual_expected(ws: Worksheet, result: Any) -> None:
    """Fill the sheet from ``result.accounts`` (see the module docstring)."""
    frame = result.accounts
    put_title(ws, T("Actual against expected: published accounts beside the projection"),
              T("Flows of a year beside the projected flows; stocks at the year end beside the "
              "projection on the next 1 January. Difference = actual - expected, A/E = actual "
              "/ expected (formulas). Missing: not published."))
    put(ws, 3, 1, T("Accounts file"), font=styles.BOLD)
    put(ws, 3, 2, result.accounts_path)
    col = {key: j for j, (key, *_r) in enumerate(_COLS, start=1)}
    for j, (_key, header, _fmt, width) in enumerate(_COLS, start=1):
        put(ws, AE_HEADER_ROW, j, T(header))
        ws.column_dimensions[get_column_letter(j)].width = width
    styles.style_header(ws, AE_HEADER_ROW, 1, len(_COLS))
    a, e = get_column_letter(col["actual"]), get_column_letter(col["expected"])
    for i, rec in enumerate(frame.to_dict("records")):
        r = AE_HEADER_ROW + 1 + i
        money = styles.KHR if rec["unit"] == "KHR" else styles.COUNT
        fill = styles.UNVERIFIED_FILL if rec["status"] == "unverified" else None
        for key, _h, fmt, _w in _COLS:
            if key in ("difference", "ae_ratio"):
                continue
            put(ws, r, col[key], rec[key], fmt or (money if key in ("actual", "expected")
                                                   else None), fill=fill)
        both = rec["actual"] == rec["actual"] and rec["expected"] == rec["expected"]
        if both:
            put_formula(ws, r, col["difference"], f"={a}{r}-{e}{r}", money)
            if rec["expected"] != 0:
                put_formula(ws, r, col["ae_ratio"], f"={a}{r}/{e}{r}", "0.000")
    ws.freeze_panes = ws.cell(row=AE_HEADER_ROW + 1, column=3)
