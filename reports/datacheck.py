"""Workbooks of the data check and of the synthetic-membership generator.

Written in openpyxl's write-only (streaming) mode, so a report listing a million
problem rows stays within memory; every value goes through one function that writes
text as text (a cell read from a member file that starts with ``=``, ``+``, ``-`` or
``@`` is stored as a string with the quote prefix, never as a formula). Files are
written atomically. Sheets of the data-check report, in the order of ISAP 2 and the
ISSA guidelines (what was read, what was checked, what was changed, its effect):

* Summary: files read (path, format, bytes, SHA-256), counts in / used / rejected /
  flagged / changed, the limits checked against, what was changed and its effect,
  a statement on sufficiency and reliability in numbers, room for the actuary's opinion;
* Reasons: rows by file, severity and reason;
* Problems (Problems 2, ...): every problem line (file, row, id, reason, field, value
  as read, what was expected);
* Totals: totals over the rows read and used, and the share removed;
* Controls: the user's control totals against the file (when given);
* Members, Pensioners: the used rows by status, sex and age band;
* Cells: where every used row went in the starting population (when aggregated);
* Format: the documented columns and whether each was found.
"""

from __future__ import annotations

import re

from pathlib import Path
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from actuary.io.fileio import atomic_path, save_xlsx
from actuary.io.progress import Progress, track

from . import styles
from .i18n import N_, T, T_data, T_known, date_text, num
from .printing import fit_streaming_sheet, prepare_for_print
from .cells import cell_value

__all__ = ["SheetWriter", "write_datacheck_workbook", "write_synth_workbook", "EXCEL_ROWS"]

#: Data rows per sheet (Excel's 1,048,576 rows less the title, note and header rows).
EXCEL_ROWS = 1_048_000
SYNTHETIC_BANNER = N_("SYNTHETIC DATA: made by actuary data synth for demos and tests; "
                      "not real member records")


class SheetWriter:
    """Rows appended to a write-only sheet; text always stays text."""

    def __init__(self, book: Workbook, title: str, widths: Sequence[float] = ()) -> None:
        self.ws = book.create_sheet(title[:31])
        fit_streaming_sheet(self.ws)  # one page wide when printed
        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        self.rows = 0

    def cell(self, value: Any, fmt: str | None = None, font: Font | None = None,
             fill: Any = None) -> WriteOnlyCell:
        v = cell_value(value)
        c = WriteOnlyCell(self.ws, value=v)
        if isinstance(v, str):
            c.data_type = "s"
            if v.startswith(("=", "+", "-", "@")):
                c.quotePrefix = True
        elif fmt is not None and v is not None:
            c.number_format = fmt
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        return c

    def row(self, values: Iterable[Any], fmts: Sequence[str | None] | None = None,
            font: Font | None = None, fill: Any = None) -> None:
        vals = list(values)
        fm = list(fmts) if fmts is not None else [None] * len(vals)
        self.ws.append([self.cell(v, f, font, fill) for v, f in zip(vals, fm)])
        self.rows += 1

    def blank(self) -> None:
        self.ws.append([])
        self.rows += 1

    def title(self, text: str, note: str = "", synthetic: bool = False) -> None:
        self.row([text], font=styles.TITLE)
        if synthetic:
            self.row([T(SYNTHETIC_BANNER)], font=Font(bold=True, color="C00000"),
                     fill=styles.UNVERIFIED_FILL)
        if note:
            self.row([note], font=styles.SUBTITLE)

    def header(self, names: Sequence[str]) -> None:
        self.row(names, font=styles.HEADER, fill=styles.HEADER_FILL)

    def table(self, frame: pd.DataFrame, columns: Sequence[tuple[str, str, str | None]],
              progress: Progress | None = None, label: str = "") -> None:
        """Header and rows: ``columns`` = (frame column, header, number format).
        ``progress`` is shown the rows written (a bar with the time left), ``label``
        naming them."""
        self.header([h for _, h, _ in columns])
        fmts = [f for _, _, f in columns]
        data = [frame[c].tolist() if c in frame.columns else [None] * len(frame)
                for c, _, _ in columns]
        n = len(frame)
        step = max(1_000, -(-n // 10))  # at most 10 steps: 10 lines off a terminal
        for i0 in track(progress, range(0, n, step), label,
                        lambda i: f"rows {i + 1:,}-{min(i + step, n):,} of {n:,}",
                        size=lambda i: min(step, n - i), total=n):
            for i in range(i0, min(i0 + step, n)):
                self.row([d[i] for d in data], fmts)

    def pairs(self, items: Iterable[tuple[str, Any]], fmt: dict[str, str] | None = None) -> None:
        """Label / value rows (label bold, value wrapped)."""
        fmt = fmt or {}
        for label, value in items:
            value_cell = self.cell(value, fmt.get(label))
            value_cell.alignment = styles.WRAP
            self.ws.append([self.cell(label, font=styles.BOLD), value_cell])
            self.rows += 1


def _reasons_chart(ws: Any, header_row: int, n: int) -> None:
    """Rows by reason as a horizontal bar chart under the Reasons table (none if no row
    was rejected or flagged)."""
    if n == 0:
        return
    from openpyxl.chart import BarChart, Reference, Series

    chart = BarChart()
    chart.type = "bar"
    chart.title = styles.small_title(T("Rows by reason (a row with several reasons counts "
                                     "under each)"))
    chart.y_axis.title = T("rows")
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.series.append(Series(Reference(ws, min_col=4, min_row=header_row + 1,
                                         max_row=header_row + n), title=T("Rows")))
    chart.set_categories(Reference(ws, min_col=3, min_row=header_row + 1,
                                   max_row=header_row + n))
    chart.legend = None
    chart.width, chart.height = 16.0, max(6.0, min(18.0, 1.0 + 0.6 * n))
    ws.add_chart(chart, f"A{header_row + n + 3}")


def _book() -> Workbook:
    return Workbook(write_only=True)


def _save(book: Workbook, path: str | Path) -> Path:
    path = Path(path)
    prepare_for_print(book)
    with atomic_path(path) as tmp:
        save_xlsx(book, tmp)
    return path


# -- the data-check workbook ---------------------------------------------------------

#: Texts that actuary.members builds from a fixed wording and figures or names, for
#: :func:`actuary.reports.i18n.T_data` (their fixed texts are catalogue labels as they are).
TEMPLATES = (
    (re.compile(r"one of (?P<values>.+)"), N_("one of {values}")),
    (re.compile(r"each id once; this id is on rows (?P<rows>.+)"),
     N_("each id once; this id is on rows {rows}")),
    (re.compile(r"(?P<pct>[\d.]+%) of the file total removed \((?P<read>[\d,]+) read, "
                r"(?P<used>[\d,]+) used\)"),
     N_("{pct} of the file total removed ({read} read, {used} used)")),
    (re.compile(r"(?P<n>[\d,]+) of (?P<m>[\d,]+) \((?P<pct>[\d.]+%)\)"), N_("{n} of {m} ({pct})")),
    (re.compile(r"(?P<kind>members|pensioners): rows rejected"), N_("{kind}: rows rejected")),
    (re.compile(r"(?P<n>\d+) of (?P<m>\d+) agree within their tolerance"),
     N_("{n} of {m} agree within their tolerance")),
    (re.compile(r"(?P<n>\d+) of (?P<m>\d+) agree within their tolerance; differ: "
                r"(?P<which>.+)"),
     N_("{n} of {m} agree within their tolerance; differ: {which}")),
    (re.compile(r"effect on (?P<what>.+)"), N_("effect on {what}")),
    (re.compile(r"mortality and exit forces of the assumption set (?P<name>.+)"),
     N_("mortality and exit forces of the assumption set {name}")),
    # what a problem row expected (actuary.members.filecheck, rowcheck)
    (re.compile(r"a value for (?P<field>\w+)"), N_("a value for {field}")),
    (re.compile(r"one (?P<who>member|pensioner) per row"), N_("one {who} per row")),
    (re.compile(r"each row once; identical to row (?P<row>\d+)"),
     N_("each row once; identical to row {row}")),
    (re.compile(r"an amount in KHR per month, 0 to (?P<top>[\d,]+) \(digits only, no "
                r"thousands separators\)"),
     N_("an amount in KHR per month, 0 to {top} (digits only, no thousands separators)")),
    (re.compile(r"an amount in KHR per month up to (?P<top>[\d,]+) \(digits only, no "
                r"thousands separators\)"),
     N_("an amount in KHR per month up to {top} (digits only, no thousands separators)")),
    (re.compile(r"a date on or before the as-of date (?P<date>[\d-]+)"),
     N_("a date on or before the as-of date {date}")),
    (re.compile(r"age at entry >= (?P<age>\d+) \(minimum working age\)"),
     N_("age at entry >= {age} (minimum working age)")),
    (re.compile(r"an age of at most (?P<age>\d+) on the as-of date \(living members\) or "
                r"the status date \(others\)"),
     N_("an age of at most {age} on the as-of date (living members) or the status date "
        "(others)")),
    (re.compile(r"an age of at most (?P<age>\d+) on the as-of date"),
     N_("an age of at most {age} on the as-of date")),
    (re.compile(r"an age of at least (?P<age>\d+) \(the minimum working age\) on the as-of "
                r"date for this benefit"),
     N_("an age of at least {age} (the minimum working age) on the as-of date for this "
        "benefit")),
    (re.compile(r"an orphan younger than (?P<age>\d+) on the as-of date \(orphans' pensions "
                r"stop at that age\)"),
     N_("an orphan younger than {age} on the as-of date (orphans' pensions stop at that "
        "age)")),
    (re.compile(r"an age at the start >= (?P<age>[\d.]+)"), N_("an age at the start >= {age}")),
    (re.compile(r"at most (?P<n>\d+) \(calendar months from (?P<start>[\d-]+) to "
                r"(?P<end>[\d-]+)\)"),
     N_("at most {n} (calendar months from {start} to {end})")),
    (re.compile(r"(?P<low>[\d,]+) <= wage <= (?P<high>[\d,]+) KHR per month"),
     N_("{low} <= wage <= {high} KHR per month")),
)


def known(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` with its text ``columns`` in the current language (:data:`TEMPLATES`):
    reasons, severities, statuses and meanings that come from actuary.members in English.
    Each distinct value is looked up once (a problem sheet has up to a million rows)."""
    out = frame.copy()
    for c in columns:
        if c in out.columns:
            out[c] = out[c].map({v: T_data(v, TEMPLATES) for v in pd.unique(out[c])})
    return out

_PROBLEM_COLUMNS = [("file", N_("File"), None), ("row", N_("Row"), styles.COUNT), ("id", N_("Id"), None),
                    ("name", N_("Name"), None), ("code", N_("Reason"), None), ("severity", N_("Severity"), None),
                    ("field", N_("Field"), None), ("value", N_("Value as read"), None),
                    ("expected", N_("Expected"), None)]


def _statement(result: Any) -> list[tuple[str, str]]:
    """Sufficiency and reliability in numbers (the actuary writes the judgement)."""
    from actuary.members.sufficiency import sufficiency_statement

    return sufficiency_statement(result)


def write_datacheck_workbook(result: Any, path: str | Path, *,
                             reconciliation: pd.DataFrame | None = None,
                             population_path: str | None = None,
                             command: str = "", progress: Progress | None = None) -> Path:
    """Write the data-check report of ``result`` (:class:`actuary.members.datacheck.CheckResult`);
    ``progress`` is shown the problem rows written (the long part of a large file)."""
    from actuary.members.datacheck import REASONS
    from actuary.members.files import MEMBER_COLUMNS, PENSIONER_COLUMNS

    book = _book()
    syn = result.synthetic
    s = SheetWriter(book, "Summary", (44, 110))
    s.title(T("SYNTHETIC Member data check") if syn else T("Member data check"),
            T("In the spirit of IAA ISAP 2 and the ISSA guidelines: what was read, what was "
            "checked, what was changed and its effect. Every row read is used or listed with "
            "its reason on the Problems sheet; the input files were only read."), syn)
    s.blank()
    s.row([T("Files read")], font=styles.SECTION)
    s.header([T("File"), T("Path"), T("Format"), T("Encoding"), T("Bytes"), T("SHA-256"), T("Rows in"), T("Used"),
              T("Rejected"), T("Flagged"), T("Changed"), T("Columns ignored"), T("Synthetic")])
    for f in result.files:
        s.row([T_data(f.kind), f.path, f.format, f.encoding or "", f.size, f.sha256, f.rows_in,
               f.rows_used, f.rows_rejected, f.rows_flagged, f.rows_changed,
               ", ".join(f.ignored) or T("none"), T("yes") if f.synthetic else T("no")],
              [None, None, None, None, styles.COUNT, None] + [styles.COUNT] * 5 + [None, None])
    s.blank()
    s.row([T("Limits checked against")], font=styles.SECTION)
    s.pairs([(T_known(label), T_data(value, TEMPLATES))
             for label, value in result.settings.rules()])
    s.pairs([(T("IMPLAUSIBLE DATA ACCEPTED (--accept-implausible)"), note)
             for note in getattr(result, "accepted", ())])
    s.blank()
    s.row([T("What was changed")], font=styles.SECTION)
    changed = result.problems[result.problems["severity"] == "changed"]
    s.pairs([(T("rows changed"), num(f"{changed['row'].nunique():,} (" + ", ".join(
        f"{c}: {n:,}" for c, n in changed["code"].value_counts().items()) + ")")
        if len(changed) else T("nothing: no value was changed; rejected rows are left out"))])
    s.blank()
    s.row([T("Sufficiency and reliability (figures; the judgement is the actuary's)")],
          font=styles.SECTION)
    s.pairs([(T_data(label, TEMPLATES), T_data(text, TEMPLATES))
             for label, text in _statement(result)])
    s.blank()
    s.row([T("Actuary's opinion on the data")], font=styles.SECTION)
    s.row(["", ""], fill=styles.OPINION_FILL)
    s.blank()
    extra = [(T("Command"), command)] if command else []
    if population_path:
        extra.append((T("Starting population written"), population_path))
    s.pairs(extra)

    r = SheetWriter(book, "Reasons", (12, 10, 30, 12, 60, 60))
    r.title(T("Rows by reason"), T("A row with several reasons counts under each; the totals on "
            "the Summary count each row once."), syn)
    counts = result.reason_counts()
    counts["rule"] = [REASONS[c][2] for c in counts["code"]]
    counts = known(counts, ("file", "severity", "description", "rule"))
    header_row = r.rows + 1
    r.table(counts, [("file", T("File"), None), ("severity", T("Severity"), None),
                     ("code", T("Reason"), None), ("rows", T("Rows"), styles.COUNT),
                     ("description", T("What is wrong"), None), ("rule", T("Expected"), None)])
    _reasons_chart(r.ws, header_row, len(counts))

    _problem_sheets(book, result.problems, syn, progress)

    t = SheetWriter(book, "Totals", (20, 60, 20, 20, 14))
    t.title(T("Totals over the rows read and used"), T("The share removed is the effect of the "
            "rejections on each total."), syn)
    t.table(known(result.totals, ("meaning",)), [("measure", T("Measure"), None), ("meaning", T("Meaning"), None),
                            ("in", T("Rows read"), styles.KHR), ("used", T("Rows used"), styles.KHR),
                            ("removed_share", T("Removed"), styles.RATE)])
    if result.controls is not None:
        c = SheetWriter(book, "Controls", (20, 50, 18, 18, 18, 16, 12, 12, 10))
        c.title(T("Control totals"), T("From {path}; compared with the totals of all rows read "
                                       "(the completeness of the extract).",
                                       path=result.controls_path), syn)
        frame = known(result.controls, ("meaning",))
        frame["verdict"] = np.where(frame["agrees"], T("agrees"), T("DIFFERS"))
        c.table(frame, [("measure", T("Measure"), None), ("meaning", T("Meaning"), None),
                        ("control", T("Control total"), styles.KHR),
                        ("file_total", T("File total"), styles.KHR),
                        ("used_total", T("Used total"), styles.KHR),
                        ("difference", T("Difference"), styles.KHR),
                        ("relative_difference", T("Relative"), "0.0000%"),
                        ("tolerance", T("Tolerance"), "0.0000%"), ("verdict", T("Verdict"), None)])
    _members_sheet(book, result, syn)
    if result.pensioners is not None:
        _pensioners_sheet(book, result, syn)
    if reconciliation is not None:
        p = SheetWriter(book, "Cells", (12, 12, 14, 70))
        p.title(T("Where the used rows went"),
                T("Starting population: {path}", path=population_path), syn)
        p.table(known(reconciliation, ("file", "status")), [("file", T("File"), None), ("status", T("Status"), None),
                                 ("rows", T("Rows"), styles.COUNT), ("where", T("Where"), None)])
    fm = SheetWriter(book, "Format", (12, 18, 10, 10, 60))
    fm.title(T("The documented file formats (actuary.members.files)"), T("Columns are matched after "
             "trimming and lower-casing; undocumented columns are ignored and listed."))
    found = {f.kind: set(f.columns) for f in result.files}
    rows = []
    for kind, cols in (("members", MEMBER_COLUMNS), ("pensioners", PENSIONER_COLUMNS)):
        for col in cols:
            rows.append((T_known(kind), col.name, T("yes") if col.required else T("no"),
                         (T("yes") if col.name in found[kind] else T("no"))
                         if kind in found else "-",
                         T_data(col.meaning, TEMPLATES)))
    fm.table(pd.DataFrame(rows, columns=["file", "column", "required", "found", "meaning"]),
             [("file", T("File"), None), ("column", T("Column"), None), ("required", T("Required"), None),
              ("found", T("Found"), None), ("meaning", T("Meaning"), None)])
    return _save(book, path)


def _problem_sheets(book: Workbook, problems: pd.DataFrame, syn: bool,
                    progress: Progress | None = None) -> None:
    parts = max(1, -(-len(problems) // EXCEL_ROWS))
    for k in range(parts):
        name = "Problems" if k == 0 else f"Problems {k + 1}"
        sh = SheetWriter(book, name, (12, 10, 18, 24, 26, 10, 18, 30, 60))
        chunk = known(problems.iloc[k * EXCEL_ROWS:(k + 1) * EXCEL_ROWS],
                      ("file", "severity", "expected"))
        sh.title(T("Every problem row, with its reason")
                 + (T(" (part {k} of {n})", k=k + 1, n=parts) if parts > 1 else ""),
                 T("Rejected rows are not used; flagged rows are used as they are; changed rows "
                 "are used with the change described. Values are shown as read."), syn)
        sh.table(chunk, [(key, T(header), fmt) for key, header, fmt in _PROBLEM_COLUMNS],
                 progress, f"writing {name}")
        if problems.empty:
            sh.row([T("no problem found")])


def _band(age: np.ndarray, width: int = 5) -> np.ndarray:
    lo = (age // width) * width
    return np.char.add(np.char.add(lo.astype(str), "-"), (lo + width - 1).astype(str))


def _members_sheet(book: Workbook, result: Any, syn: bool) -> None:
    from actuary.members.files import completed_years

    m = result.members
    sh = SheetWriter(book, "Members", (12, 8, 10, 12, 18, 18))
    sh.title(T("Used member rows by status, sex and age band"),
             T("Age on the as-of date {date}; wages in KHR per month.",
               date=date_text(result.settings.as_of)), syn)
    if m.empty:
        sh.row([T("no member row was used")])
        return
    age = completed_years(m["birth_date"].to_numpy(dtype="datetime64[D]"),
                          np.full(len(m), np.datetime64(result.settings.as_of, "D")))
    f = pd.DataFrame({"status": m["status"], "sex": m["sex"], "band": _band(age),
                      "lo": (age // 5) * 5, "months": m["credited_months"],
                      "wage": m["insurable_wage"]})
    g = (f.groupby(["status", "sex", "lo", "band"])
         .agg(count=("months", "size"), months=("months", "mean"), wage=("wage", "mean"))
         .reset_index())
    sh.table(known(g, ("status",)), [("status", T("Status"), None), ("sex", T("Sex"), None),
                                     ("band", T("Ages"), None),
                 ("count", T("Members"), styles.COUNT), ("months", T("Mean credited months"), "0.0"),
                 ("wage", T("Mean insurable wage"), styles.KHR)])


def _pensioners_sheet(book: Workbook, result: Any, syn: bool) -> None:
    from actuary.members.files import completed_years

    p = result.pensioners
    sh = SheetWriter(book, "Pensioners", (14, 8, 10, 12, 18))
    sh.title(T("Used pensioner rows by benefit, sex and age band"),
             T("Amounts in KHR per month."), syn)
    if p.empty:
        sh.row([T("no pensioner row was used")])
        return
    age = completed_years(p["birth_date"].to_numpy(dtype="datetime64[D]"),
                          np.full(len(p), np.datetime64(result.settings.as_of, "D")))
    f = pd.DataFrame({"type": p["benefit_type"], "sex": p["sex"], "lo": (age // 5) * 5,
                      "band": _band(age), "amount": p["monthly_amount"]})
    g = (f.groupby(["type", "sex", "lo", "band"])
         .agg(count=("amount", "size"), amount=("amount", "mean")).reset_index())
    sh.table(known(g, ("type",)), [("type", T("Benefit"), None), ("sex", T("Sex"), None), ("band", T("Ages"), None),
                 ("count", T("Pensioners"), styles.COUNT), ("amount", T("Mean amount"), styles.KHR)])


# -- the synthetic membership's workbook ------------------------------------------------------

def write_synth_workbook(result: Any, files: Sequence[Path], path: str | Path,
                         command: str = "") -> Path:
    """Calibration report of a synthetic membership (:class:`actuary.members.synth.SynthResult`)."""
    book = _book()
    meta = result.meta
    s = SheetWriter(book, "Summary", (40, 100))
    s.title(T("SYNTHETIC NSSF-like membership"), T("Made by actuary data synth: seeded and "
            "reproducible; calibrated to the published aggregates used by the default "
            "starting population (actuary/engine/starting_default.py)."), synthetic=True)
    s.blank()
    s.pairs([
        (T("Generator"), meta["generator"]), (T("Seed"), meta["seed"]),
        (T("Members"), meta["members"]), (T("Pensioners"), meta["pensioners"]),
        (T("Valuation date (as-of)"), meta["valuation_date"]),
        (T("Assumption set"), meta["assumption_set"]),
        (T("Exit forces x k (k solved for the inactive ratio)"), meta["exit_scale_k"]),
        (T("Wage dispersion (sigma of log wage)"), meta["wage_sigma"]),
        (T("Files written"), "\n".join(str(f) for f in files)),
        (T("Command"), command),
    ], {T("Members"): styles.COUNT, T("Pensioners"): styles.COUNT, T("Seed"): "0",
        T("Exit forces x k (k solved for the inactive ratio)"): "0.0000"})
    s.blank()
    s.row([T("Statuses on the valuation date")], font=styles.SECTION)
    s.table(known(pd.DataFrame(list(meta["statuses"].items()), columns=["status", "rows"]),
                  ("status",)),
            [("status", T("Status"), None), ("rows", T("Rows"), styles.COUNT)])
    s.blank()
    s.row([T("Sources")], font=styles.SECTION)
    for src in meta["sources"]:
        s.row([T_data(src, TEMPLATES)])
    c = SheetWriter(book, "Calibration", (52, 18, 18, 50, 24))
    c.title(T("Targets and what was drawn"), T("Actives on the valuation date, before any injected "
            "defect. Differences are sampling error (and the approximations in actuary.members.synth)."),
            synthetic=True)
    c.table(known(result.calibration, ("measure", "source", "status")), [("measure", T("Measure"), None), ("target", T("Target"), "#,##0.0000"),
                                 ("synthetic", T("Synthetic"), "#,##0.0000"),
                                 ("source", T("Source"), None), ("status", T("Status"), None)])
    if meta.get("defects_injected"):
        d = SheetWriter(book, "Defects", (24, 14))
        d.title(T("Defects injected on purpose"),
                T("Share {share} of the rows for each kind, disjoint rows; duplicate_id counts "
                  "both rows of a pair.", share=num(meta["defects_share"])),
                synthetic=True)
        d.table(pd.DataFrame(list(meta["defects_injected"].items()), columns=["code", "rows"]),
                [("code", T("Reason the check should give"), None), ("rows", T("Rows"), styles.COUNT)])
    return _save(book, path)
