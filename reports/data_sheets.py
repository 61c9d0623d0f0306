"""The Assumptions, Starting data and Provenance sheets (the Sensitivity sheet is in
:mod:`.sensitivity_sheet`).

Plain tables of what the valuation rests on. Parameters whose value, extension rule
or table is unverified are filled in the UNVERIFIED colour, so a reader sees at once
what to replace.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .cells import Column, put, put_title, write_table

__all__ = ["unverified_parts", "write_assumptions", "write_starting", "write_provenance",
           "RECONCILIATION_TITLE"]


def _key_values(ws: Worksheet, top: int, items: list[tuple[str, Any]], left: int = 1,
                fmt: dict[str, str] | None = None) -> int:
    """Label / value rows from ``top``; returns the next free row."""
    fmt = fmt or {}
    for k, (label, value) in enumerate(items):
        put(ws, top + k, left, label, font=styles.BOLD)
        put(ws, top + k, left + 1, value, fmt.get(label)).alignment = styles.WRAP
    return top + len(items)


def unverified_parts(aset: Any) -> dict[str, list[str]]:
    """Key path of each parameter row -> what of it is unverified (value, rule, table)."""
    parts: dict[str, list[str]] = {}
    for path, *_rest in aset.unverified():
        if path.endswith(".extend"):
            parts.setdefault(path[: -len(".extend")], []).append("rule after the last date")
        elif path.endswith(".table"):
            parts.setdefault(path[: -len(".table")], []).append("table data")
        else:
            parts.setdefault(path, []).append("value")
    return parts


def write_assumptions(ws: Worksheet, result: Any) -> None:
    """Every parameter with its values, source and status; unverified rows filled."""
    aset = result.aset
    put_title(ws, "Assumptions: every parameter with its source and status",
              "Status: confirmed (legal text or official page), secondary (law-firm note, "
              "press), derived (computed from confirmed figures), unverified (not found: "
              "a labelled assumption to replace). Unverified rows are filled.")
    top = _key_values(ws, 3, [
        ("Assumption set", f"{aset.name}: {aset.description}"),
        ("Content hash (SHA-256)", aset.content_hash()),
        ("Files read", "\n".join(aset.files)),
        ("Overrides applied", "\n".join(f"{k} ({f})" for k, f in aset.overrides) or "none"),
    ])
    table = aset.parameters_table().copy()
    parts = unverified_parts(aset)
    table["unverified_part"] = [", ".join(parts.get(p, [])) for p in table["path"]]
    fills = [styles.UNVERIFIED_FILL if part else None for part in table["unverified_part"]]
    header = top + 1
    cols = [Column("path", "Key path", None, 40), Column("description", "Description", None, 44),
            Column("values", "Values", None, 40), Column("unit", "Unit", None, 16),
            Column("status", "Status", None, 12),
            Column("unverified_part", "Unverified part", None, 18),
            Column("reference", "Reference", None, 50), Column("note", "Note", None, 70)]
    write_table(ws, table, header, 1, cols, fills)
    for r in range(header + 1, header + 1 + len(table)):
        for c in range(1, len(cols) + 1):
            ws.cell(row=r, column=c).alignment = styles.WRAP
    ws.freeze_panes = ws.cell(row=header + 1, column=2)


def write_starting(ws: Worksheet, result: Any) -> None:
    """The starting population: its source and status, summary, and every row."""
    pop = result.population
    put_title(ws, "Starting data: the insured population at the valuation date",
              "Counts and amounts as read from the file (amounts KHR per month); every row "
              "of the file is used by the projection.")
    put(ws, 3, 1, "Source and status", font=styles.SECTION)
    items = [
        ("Name", pop.name), ("Description", pop.description),
        ("Valuation date", pop.valuation_date), ("Reserve (KHR)", float(pop.reserve)),
        ("Source", pop.source), ("Status", pop.status), ("File", pop.path),
        ("Notes", "\n".join(pop.notes)), ("Rows", len(pop.rows)),
        ("People", float(pop.rows["count"].sum())),
    ]
    nxt = _key_values(ws, 4, items, fmt={"Valuation date": styles.DATE,
                                         "Reserve (KHR)": styles.KHR, "People": styles.COUNT})
    if pop.status == "unverified":
        status_row = 4 + [label for label, _v in items].index("Status")
        for c in (1, 2):
            ws.cell(row=status_row, column=c).fill = styles.UNVERIFIED_FILL
    put(ws, nxt + 1, 1, "Summary by status and sex", font=styles.SECTION)
    summary = result.starting
    end = write_table(ws, summary, nxt + 2, 1, [
        Column("status", "Status", None, 22), Column("sex", "Sex", None, 44),
        Column("count", "Count", styles.COUNT, 12),
        Column("average_monthly_wage", "Average wage (KHR/month)", styles.KHR, 14),
        Column("average_monthly_pension", "Average pension (KHR/month)", styles.KHR, 14)])

    left = 7
    put(ws, 3, left, "Rows of the file", font=styles.SECTION)
    rows = pop.rows
    # The printout is for readers: the source and the summary; the file's rows (hundreds)
    # stay on the sheet, and the printout says so.
    put(ws, end + 2, 1, f"Printed: the source, the summary and the reconciliation. The "
        f"{len(rows):,} rows of the file are on this sheet from column G, not printed.",
        font=styles.NOTE)
    last = _reconciliation(ws, end + 4, result) or end + 2
    ws.print_area = f"A1:F{last}"
    fmts = {"age": "0", "credited_months": "0", "count": "#,##0.##",
            "average_monthly_wage": styles.KHR, "average_career_wage": styles.KHR,
            "average_monthly_pension": styles.KHR}
    write_table(ws, rows, 4, left, [Column(c, c.replace("_", " "), fmts.get(c), 14)
                                    for c in rows.columns])
    ws.freeze_panes = ws.cell(row=5, column=1)


RECONCILIATION_TITLE = "Reconciliation with what the scheme published"


def _reconciliation(ws: Worksheet, top: int, result: Any) -> int | None:
    """The starting wages and reserve against the published figures, one model column
    per collection convention (actuary.analysis.reconciliation); returns the last row
    written (None when there is no table)."""
    table = getattr(result, "reconciliation", None)
    if table is None or table.empty:
        return None
    put(ws, top, 1, RECONCILIATION_TITLE, font=styles.SECTION)
    put(ws, top + 1, 1, "Contributions for a month are due by the 15th of the next, so the "
        "first year's cash covers 2 or 3 months: the model is shown under each convention. "
        "Model figures use the starting population's wages and the default's rule for "
        "moving them between years (the garment minimum wage).", font=styles.NOTE)
    models = [c for c in table.columns if c.endswith("months")]
    cols = [Column("item", "Item", None, 22), Column("reported", "Reported", styles.KHR, 20)]
    cols += [Column(c, f"Model, {c} collected", styles.KHR, 16) for c in models]
    cols += [Column("unit", "Unit", None, 14), Column("note", "Note", None, 44)]
    write_table(ws, table, top + 2, 1, cols)
    for i, item in enumerate(table["item"]):
        r = top + 3 + i
        if table["unit"].iloc[i] == "ratio":
            for j in range(len(models)):
                ws.cell(row=r, column=3 + j).number_format = "0.000"
        for c in (1, len(cols)):
            ws.cell(row=r, column=c).alignment = styles.WRAP
    return top + 2 + len(table)


def write_provenance(ws: Worksheet, result: Any) -> None:
    """Command, date, inputs with their SHA-256, package versions."""
    prov = result.provenance or {}
    put_title(ws, "Provenance: how this valuation was produced",
              "Same inputs and versions give the same results (DESIGN section 7).")
    nxt = _key_values(ws, 3, [
        ("Command", prov.get("command", "")),
        ("Run at (UTC)", prov.get("run_at_utc", "")),
        ("Assumption set", prov.get("assumption_set", result.aset.name)),
        ("Assumption set hash (SHA-256)", prov.get("assumption_set_hash", "")),
        ("Starting population", prov.get("starting_population", result.population.name)),
        ("Unverified items", len(prov.get("unverified", result.aset.unverified()))),
    ])
    # in the order the run read them (set, bases, scheme, tables, population): sorting by
    # path would make the order depend on where the toolkit and the inputs sit, and a
    # bundle re-run elsewhere (actuary verify) would differ row by row
    files = pd.DataFrame(list(prov.get("files", {}).items()), columns=["path", "sha256"])
    put(ws, nxt + 1, 1, "Input files", font=styles.SECTION)
    nxt = write_table(ws, files, nxt + 2, 1, [Column("path", "File", None, 60),
                                              Column("sha256", "SHA-256", None, 68)])
    versions = pd.DataFrame(sorted(prov.get("versions", {}).items()),
                            columns=["package", "version"])
    put(ws, nxt + 2, 1, "Versions", font=styles.SECTION)
    write_table(ws, versions, nxt + 3, 1, [Column("package", "Package", None, 60),
                                           Column("version", "Version", None, 68)])
