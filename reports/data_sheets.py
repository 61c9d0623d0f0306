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
from .i18n import N_, T, T_known, current, date_format, num
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
            parts.setdefault(path[: -len(".extend")], []).append(T("rule after the last date"))
        elif path.endswith(".table"):
            parts.setdefault(path[: -len(".table")], []).append(T("table data"))
        else:
            parts.setdefault(path, []).append(T("value"))
    return parts


def write_assumptions(ws: Worksheet, result: Any) -> None:
    """Every parameter with its values, source and status; unverified rows filled."""
    aset = result.aset
    put_title(ws, T("Assumptions: every parameter with its source and status"),
              T("Status: confirmed (legal text or official page), secondary (law-firm note, "
              "press), derived (computed from confirmed figures), unverified (not found: "
              "a labelled assumption to replace). Unverified rows are filled."))
    top = _key_values(ws, 3, [
        (T("Assumption set"), f"{aset.name}: {aset.description}"),
        (T("Content hash (SHA-256)"), aset.content_hash()),
        (T("Files read"), "\n".join(aset.files)),
        (T("Overrides applied"), "\n".join(f"{k} ({f})" for k, f in aset.overrides)
         or T("none")),
    ])
    table = aset.parameters_table().copy()
    parts = unverified_parts(aset)
    table["unverified_part"] = [", ".join(parts.get(p, [])) for p in table["path"]]
    fills = [styles.UNVERIFIED_FILL if part else None for part in table["unverified_part"]]
    table["status"] = [T_known(str(v)) for v in table["status"]]
    header = top + 1
    cols = [Column("path", T("Key path"), None, 40), Column("description", T("Description"), None, 44),
            Column("values", T("Values"), None, 40), Column("unit", T("Unit"), None, 16),
            Column("status", T("Status"), None, 12),
            Column("unverified_part", T("Unverified part"), None, 18),
            Column("reference", T("Reference"), None, 50), Column("note", T("Note"), None, 70)]
    write_table(ws, table, header, 1, cols, fills)
    for r in range(header + 1, header + 1 + len(table)):
        for c in range(1, len(cols) + 1):
            ws.cell(row=r, column=c).alignment = styles.WRAP
    ws.freeze_panes = ws.cell(row=header + 1, column=2)


def write_starting(ws: Worksheet, result: Any) -> None:
    """The starting population: its source and status, summary, and every row."""
    pop = result.population
    put_title(ws, T("Starting data: the insured population at the valuation date"),
              T("Counts and amounts as read from the file (amounts KHR per month); every row "
              "of the file is used by the projection."))
    put(ws, 3, 1, T("Source and status"), font=styles.SECTION)
    items = [
        (T("Name"), pop.name), (T("Description"), pop.description),
        (T("Valuation date"), pop.valuation_date), (T("Reserve (KHR)"), float(pop.reserve)),
        (T("Source"), pop.source), (T("Status"), T_known(str(pop.status))), (T("File"), pop.path),
        (T("Notes"), "\n".join(pop.notes)), (T("Rows"), len(pop.rows)),
        (T("People"), float(pop.rows["count"].sum())),
    ]
    nxt = _key_values(ws, 4, items, fmt={T("Valuation date"): date_format(),
                                         T("Reserve (KHR)"): styles.KHR, T("People"): styles.COUNT})
    if pop.status == "unverified":
        status_row = 4 + [label for label, _v in items].index(T("Status"))
        for c in (1, 2):
            ws.cell(row=status_row, column=c).fill = styles.UNVERIFIED_FILL
    put(ws, nxt + 1, 1, T("Summary by status and sex"), font=styles.SECTION)
    summary = result.starting.assign(status=[T_known(str(v)) for v in result.starting["status"]])
    end = write_table(ws, summary, nxt + 2, 1, [
        Column("status", T("Status"), None, 22), Column("sex", T("Sex"), None, 44),
        Column("count", T("Count"), styles.COUNT, 12),
        Column("average_monthly_wage", T("Average wage (KHR/month)"), styles.KHR, 14),
        Column("average_monthly_pension", T("Average pension (KHR/month)"), styles.KHR, 14)])

    left = 7
    put(ws, 3, left, T("Rows of the file"), font=styles.SECTION)
    rows = pop.rows
    if current() != "en":  # the file's own status codes in English
        rows = rows.assign(status=[T_known(str(v).replace("_", "-")) for v in rows["status"]])
    # The printout is for readers: the source and the summary; the file's rows (hundreds)
    # stay on the sheet, and the printout says so.
    put(ws, end + 2, 1, T("Printed: the source, the summary and the reconciliation. The "
                          "{n} rows of the file are on this sheet from column G, not printed.",
                          n=num(f"{len(rows):,}")),
        font=styles.NOTE)
    last = _reconciliation(ws, end + 4, result) or end + 2
    ws.print_area = f"A1:F{last}"
    fmts = {"age": "0", "credited_months": "0", "count": "#,##0.##",
            "average_monthly_wage": styles.KHR, "average_career_wage": styles.KHR,
            "average_monthly_pension": styles.KHR}
    write_table(ws, rows, 4, left, [Column(c, T_known(c.replace("_", " ")), fmts.get(c), 14)
                                    for c in rows.columns])
    ws.freeze_panes = ws.cell(row=5, column=1)


RECONCILIATION_TITLE = N_("Reconciliation with what the scheme published")


def _reconciliation(ws: Worksheet, top: int, result: Any) -> int | None:
    """The starting wages and reserve against the published figures, one model column
    per collection convention (actuary.analysis.reconciliation); returns the last row
    written (None when there is no table)."""
    table = getattr(result, "reconciliation", None)
    if table is None or table.empty:
        return None
    put(ws, top, 1, T(RECONCILIATION_TITLE), font=styles.SECTION)
    put(ws, top + 1, 1, T("Contributions for a month are due by the 15th of the next, so the "
        "first year's cash covers 2 or 3 months: the model is shown under each convention. "
        "Model figures use the starting population's wages and the default's rule for "
        "moving them between years (the garment minimum wage)."), font=styles.NOTE)
    models = [c for c in table.columns if c.endswith("months")]
    cols = [Column("item", T("Item"), None, 22), Column("reported", T("Reported"), styles.KHR, 20)]
    cols += [Column(c, T("Model, {months} collected", months=T_known(c)), styles.KHR, 16)
             for c in models]
    cols += [Column("unit", T("Unit"), None, 14), Column("note", T("Note"), None, 44)]
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
    put_title(ws, T("Provenance: how this valuation was produced"),
              T("Same inputs and versions give the same results (DESIGN section 7)."))
    nxt = _key_values(ws, 3, [
        (T("Command"), prov.get("command", "")),
        (T("Run at (UTC)"), prov.get("run_at_utc", "")),
        (T("Assumption set"), prov.get("assumption_set", result.aset.name)),
        (T("Assumption set hash (SHA-256)"), prov.get("assumption_set_hash", "")),
        (T("Starting population"), prov.get("starting_population", result.population.name)),
        (T("Unverified items"), len(prov.get("unverified", result.aset.unverified()))),
    ])
    # in the order the run read them (set, bases, scheme, tables, population): sorting by
    # path would make the order depend on where the toolkit and the inputs sit, and a
    # bundle re-run elsewhere (actuary verify) would differ row by row
    files = pd.DataFrame(list(prov.get("files", {}).items()), columns=["path", "sha256"])
    put(ws, nxt + 1, 1, T("Input files"), font=styles.SECTION)
    nxt = write_table(ws, files, nxt + 2, 1, [Column("path", T("File"), None, 60),
                                              Column("sha256", T("SHA-256"), None, 68)])
    versions = pd.DataFrame(sorted(prov.get("versions", {}).items()),
                            columns=["package", "version"])
    put(ws, nxt + 2, 1, T("Versions"), font=styles.SECTION)
    write_table(ws, versions, nxt + 3, 1, [Column("package", T("Package"), None, 60),
                                           Column("version", T("Version"), None, 68)])
