"""What a Khmer workbook must show: every sheet's title and every header cell in Khmer.

Used by the tests of each workbook written with ``--lang km`` (the data's own texts,
sheet names, formula symbols, acronyms and code paths aside).
"""

from __future__ import annotations

import re
from typing import Any

KHMER = re.compile("[\u1780-\u17ff]")


def english_words(text: str) -> list[str]:
    """Words of English letters in ``text`` that are not formula symbols, acronyms or
    units (S_t, GAP, PAYG, KHR, ILO ...): what a reader would call untranslated text."""
    words = re.findall(r"(?<![\w.])[A-Za-z][a-z]{3,}(?![\w.(])", text)
    return [w for w in words if not w[0].isupper() or w.lower() in ("year", "reserve")]


def untranslated(book: Any, header_rows: dict[str, int] | None = None) -> list[tuple]:
    """(sheet, cell, text) of the titles (A1) and styled header cells of ``book`` that
    have English words and no Khmer; ``header_rows`` adds rows to check by sheet."""
    bad = []
    for ws in book:
        title = ws["A1"].value
        if not (isinstance(title, str) and KHMER.search(title)):
            bad.append((ws.title, "A1", title))
        elif english_words(title.split("៖")[0].split("(")[0]):
            bad.append((ws.title, "A1", title))
        rows = [header_rows[ws.title]] if header_rows and ws.title in header_rows else []
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 400)):
            for c in row:
                if not isinstance(c.value, str) or c.value.startswith("="):
                    continue
                styled = (c.font is not None and c.font.b and c.fill is not None
                          and c.fill.fgColor.rgb not in (None, "00000000"))
                if (styled or c.row in rows) and english_words(c.value) \
                        and not KHMER.search(c.value):
                    bad.append((ws.title, c.coordinate, c.value))
    return bad


#: A text that is an identifier, not a label: one token with a digit, ``_ - . / | :`` or
#: ``@`` in it (set and file names, keys, codes, paths, commands' words).
IDENTIFIER = re.compile(r"[^\s]*[\d_\-./|:@][^\s]*")


def english_cells(book: Any, data: dict[str, Any] | None = None, max_rows: int = 400,
                  allowed: Any = ()) -> list[tuple]:
    """(sheet, cell, text) of every text cell of ``book`` (its first ``max_rows`` rows)
    with English words and no Khmer, but for the data's own values: the columns and
    rows ``data`` declares (sheet -> column letters and row numbers, comma-separated, or
    ``"*"`` for the whole
    sheet: descriptions, sources, file names), formulas, identifiers (:data:`IDENTIFIER`),
    command lines (``actuary ...``), file paths (with what follows them: a hash) and the
    texts in ``allowed`` (lists of the file
    formats' codes, which a file must hold in English). What is left is a label a reader of the Khmer workbook reads in
    English: to route through the catalogue."""
    data = data or {}
    bad = []
    for ws in book:
        keep = data.get(ws.title, "")
        if keep == "*":
            continue
        keep_rows = {int(k) for k in keep.split(",") if k.isdigit()}
        for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, max_rows)):
            for c in row:
                v = c.value
                if not isinstance(v, str) or v.startswith("=") or KHMER.search(v):
                    continue
                if (c.column_letter in keep.split(",") or c.row in keep_rows
                        or IDENTIFIER.fullmatch(v.strip())
                        or v.startswith(("actuary ", "/")) or v in allowed):
                    continue
                if english_words(v):
                    bad.append((ws.title, c.coordinate, v))
    return bad
