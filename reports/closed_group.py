"""Workbook and CSV of a closed-group valuation (``actuary value``).

The workbook views one :class:`actuary.members.closed_group.ClosedGroupRun`: the accrued-to-date
liability (ADL), the present value of future benefits (PVFB) and of future
contributions (PVFC) of the members and pensioners of a file, in KHR at the valuation
date. Sheets:

* Summary: the data and basis used, the discount, the totals, the largest difference
  from the cohort projection, the unverified parameters the values rest on;
* Results by status and sex (:meth:`ClosedGroupValuation.summary`);
* Branches: the totals by branch of benefit, PVFB, PVFC and ADL;
* Member vs cohort: the member-level totals beside the cohort projection of the same
  people aggregated into cells, and what the difference measures;
* Discount: the discount factor of every projection year;
* Method: the conventions of the valuation;
* By member: one row per person, only up to :data:`BY_MEMBER_SHEET_LIMIT` people (the
  CSV written beside the workbook always has them all).

Sums, differences, ratios and amounts in billions are live formulas over the numbers
written (so a reader can follow them); every other figure is a number from the Python
result. Written in openpyxl's streaming mode through the shared writer
(:func:`actuary.reports.workbook.write_xlsx`: checked suffix, atomic rename); every
text cell, ids included, is stored as text, never as a formula. Synthetic data carry
a banner on every sheet and ``yes`` in the CSV's ``synthetic`` column.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from actuary import __version__
from actuary.io.errors import DataError
from actuary.io.fileio import spreadsheet_safe, write_atomic

from . import styles
from .datacheck import SheetWriter, known
from .i18n import N_, T, T_known, date_text, num
from .money import USD_M
from .workbook import finish_workbook, write_xlsx

__all__ = ["BY_MEMBER_SHEET_LIMIT", "CLOSED_GROUP_SHEETS", "BRANCH_ROWS", "ClosedGroupReport",
           "build_closed_group_workbook", "write_closed_group_workbook", "write_by_member_csv",
           "largest_difference", "by_member_frame"]

#: Most people listed on the By member sheet; beyond it only the CSV lists them (a sheet
#: of a million rows is slow to open and the CSV holds the same values).
BY_MEMBER_SHEET_LIMIT = 100_000
CLOSED_GROUP_SHEETS = ("Summary", "Results by status and sex", "Branches", "Member vs cohort",
                       "Discount", "Method", "By member")
BILLION = 1e9
BILLIONS = "#,##0.000"

#: Benefit branches in the order of the Branches sheet, with what each one is.
BRANCH_ROWS = (
    ("old_age", N_("Old-age pensions, from the pension age for life")),
    ("invalidity", N_("Invalidity pensions")),
    ("survivors", N_("Survivors' pensions to spouses and orphans (those left by the members' "
                     "deaths and those in payment in the pensioner file)")),
    ("survivor_lump_sum", N_("Lump sums to survivors when the survivors' pension condition is "
                             "not met")),
    ("funeral", N_("Funeral grants on the death of members and pensioners")),
    ("refund", N_("Refunds of contributions to members reaching the pension age without the "
                  "years for an old-age pension")),
)

#: Columns of the by-member CSV and sheet: (column, header, number format).
_MEMBER_COLUMNS = (("id", N_("Id"), None), ("sex", N_("Sex"), None), ("age", N_("Age"), "0"),
                   ("status", N_("Status"), None), ("service_years", N_("Service (years)"), "0.00"),
                   ("pvfb", N_("PVFB (KHR)"), styles.KHR), ("pvfc", N_("PVFC (KHR)"), styles.KHR),
                   ("adl", N_("ADL (KHR)"), styles.KHR))


@dataclass(frozen=True)
class ClosedGroupReport:
    """What the workbook shows: the run and how it was made.

    Parameters
    ----------
    run
        The :class:`actuary.members.closed_group.ClosedGroupRun` (money in KHR at the valuation
        date).
    check
        The :class:`actuary.members.datacheck.CheckResult` the members came from.
    discount
        The discount used, in words (e.g. "constant 5.00% a year").
    csv_path
        Where the by-member values were written ("" if nowhere).
    command
        The command line, for the record.
    run_at
        Time of the run (UTC, naive); stamps the file's properties.
    """

    run: Any
    check: Any
    discount: str
    csv_path: str = ""
    command: str = ""
    run_at: datetime = field(
        default_factory=lambda: datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0))


# -- small helpers --------------------------------------------------------------------

def _formula(s: SheetWriter, formula: str, fmt: str | None = None,
             font: Any = None) -> WriteOnlyCell:
    """A live formula cell (``formula`` starts with ``=``)."""
    if not formula.startswith("="):
        raise ValueError(f"a formula starts with '=': {formula!r}")
    c = WriteOnlyCell(s.ws, value=formula)
    if fmt is not None:
        c.number_format = fmt
    if font is not None:
        c.font = font
    return c


def _append(s: SheetWriter, cells: Sequence[Any]) -> int:
    """Append prepared cells as one row; returns the row number written."""
    s.ws.append(list(cells))
    s.rows += 1
    return s.rows


def _next(s: SheetWriter) -> int:
    """Row number the next appended row will have."""
    return s.rows + 1


def largest_difference(comparison: pd.DataFrame) -> tuple[str, float] | None:
    """The branch with the largest relative member-vs-cohort difference, and that
    difference (member − cohort) / cohort; ``None`` when no cohort value is non-zero."""
    rel = pd.to_numeric(comparison["relative"], errors="coerce").astype(float)
    rel = rel[np.isfinite(rel)]
    if rel.empty:
        return None
    branch = rel.abs().idxmax()
    return str(branch), float(rel[branch])


def by_member_frame(valuation: Any) -> pd.DataFrame:
    """The by-member values (KHR) with a ``synthetic`` column ("yes" / "no")."""
    frame = valuation.by_member[[c for c, _, _ in _MEMBER_COLUMNS]].copy()
    frame["synthetic"] = "yes" if valuation.synthetic else "no"
    return frame


def write_by_member_csv(valuation: Any, path: str | os.PathLike[str]) -> Path:
    """Write one row per person valued (id, sex, age, status, service years, PVFB, PVFC,
    ADL in KHR at the valuation date, synthetic) to ``path``, atomically.

    Floats are written at full precision (the shortest text that reads back as the same
    number) so the column sums give back the totals; text fields are quoted. Written by
    Arrow's CSV writer: measured 0.9 s against pandas' 7.2 s for a million rows.

    Raises
    ------
    DataError
        If ``path`` does not end in ``.csv``.
    """
    dest = Path(path)
    if dest.suffix.lower() != ".csv":
        raise DataError("the by-member values must be written to a .csv file", source=str(dest),
                        field="--by-member", value=dest.suffix or dest.name,
                        expected="a file name ending in .csv")
    table = pa.Table.from_pandas(spreadsheet_safe(by_member_frame(valuation)),
                                 preserve_index=False)
    options = pacsv.WriteOptions(include_header=True)
    return write_atomic(dest, lambda p: pacsv.write_csv(table, p, options))


# -- the sheets -----------------------------------------------------------------------

def _title(report: ClosedGroupReport, text: str) -> str:
    """``text`` (a label marked N_) in the current language, SYNTHETIC first when the
    files are synthetic."""
    return (T("SYNTHETIC") + " " if report.run.valuation.synthetic else "") + T(text)


def _file_lines(check: Any) -> list[tuple[str, Any]]:
    lines = []
    for f in check.files:
        lines.append((T("{kind} file", kind=T_known(f.kind.capitalize())),
                      f"{f.path} (SHA-256 {f.sha256})"))
        lines.append((T("{kind} rows", kind=T_known(f.kind.capitalize())),
                      T("{read} read, {used} used, {rejected} rejected and left out",
                        read=num(f"{f.rows_in:,}"), used=num(f"{f.rows_used:,}"),
                        rejected=num(f"{f.rows_rejected:,}"))))
    rejected = sum(f.rows_rejected for f in check.files)
    if rejected:
        lines.append((T("Data check"), T("{n} rows rejected and not valued: run actuary data "
                                         "check on the same files for the report of every row "
                                         "and its reason", n=num(f"{rejected:,}"))))
    return lines


def _summary_sheet(book: Workbook, report: ClosedGroupReport) -> None:
    run, v = report.run, report.run.valuation
    aset = run.aset
    syn = v.synthetic
    s = SheetWriter(book, "Summary", (46, 90, 20, 20))
    s.title(_title(report, N_("Closed-group valuation, member by member")),
            T("Present values at the valuation date, in KHR, of the rights of the members and "
            "pensioners in the file, with no new entrants: accrued-to-date liability (ADL), "
            "future benefits (PVFB) and future contributions (PVFC)."), syn)
    s.blank()
    last = v.first_year + len(v.v_mid) - 1
    items: list[tuple[str, Any]] = []
    if syn:
        items.append((T("Data"), T("SYNTHETIC: the files are marked synthetic (made by actuary "
                                   "data synth); these are not the values of real members")))
    items += [
        (T("Scheme"), aset.scheme.description),
        (T("Assumption set"), T("{name} (content hash {hash})", name=aset.name,
                                hash=aset.content_hash()[:16])),
        (T("Valuation date"), date_text(aset.valuation_date)),
        (T("Discount"), report.discount),
        (T("Projection"), T("{first}-{last} ({n} years); flows after {last} are not counted",
                            first=v.first_year, last=last, n=len(v.v_mid))),
        *_file_lines(report.check),
        *[(T("IMPLAUSIBLE DATA ACCEPTED (--accept-implausible)"), note)
          for note in getattr(report.check, "accepted", ())],
        (T("Members and pensioners valued"), len(v.by_member)),
    ]
    diff = largest_difference(run.comparison)
    if diff is not None:
        items.append((T("Largest member vs cohort difference"),
                      T("{branch}: {diff}% (member level minus cohort, relative to the cohort; "
                        "see the Member vs cohort sheet)", branch=T_known(diff[0]),
                        diff=num(f"{100 * diff[1]:+.2f}"))))
    n = len(v.by_member)
    items.append((T("By-member values"),
                  (T("{path} (CSV, every person); ", path=report.csv_path)
                   if report.csv_path else "")
                  + (T("the By member sheet lists all {n}", n=num(f"{n:,}"))
                     if n <= BY_MEMBER_SHEET_LIMIT else
                     T("no By member sheet: {n} people, more than {limit}", n=num(f"{n:,}"),
                       limit=num(f"{BY_MEMBER_SHEET_LIMIT:,}")))))
    if report.command:
        items.append((T("Command"), report.command))
    items.append((T("Written by"), T("actuary {version}, {time} UTC", version=__version__,
                                     time=date_text(report.run_at.replace(microsecond=0)))))
    s.pairs(items, {T("Members and pensioners valued"): styles.COUNT})
    s.blank()
    s.row([T("Totals (KHR at the valuation date)")], font=styles.SECTION)
    rate = _usd_rate(aset)
    s.header([T("Measure"), T("KHR"), T("Billions KHR")]
             + ([T("USD m at {rate} KHR per USD", rate=num(f"{rate:,.0f}"))] if rate else []))
    for label, value in ((T("PVFB: present value of future benefits"), v.pvfb),
                         (T("PVFC: present value of future contributions"), v.pvfc),
                         (T("ADL: accrued-to-date liability"), v.adl)):
        r = _next(s)
        usd = [_formula(s, f"=B{r}/{rate!r}", USD_M)] if rate else []
        _append(s, [s.cell(label, font=styles.BOLD), s.cell(value, styles.KHR),
                    _formula(s, f"=B{r}/{BILLION:.0f}", BILLIONS), *usd])
    s.blank()
    _unverified(s, aset)


def _usd_rate(aset: Any) -> float | None:
    """KHR per USD in the valuation year (the set's exchange rate), or None: present values
    at the valuation date are in that year's money."""
    from .money import prices_for

    try:
        y0 = aset.valuation_date.year
        return prices_for(aset, y0, y0).usd_rate(y0)
    except (AttributeError, TypeError, ValueError):
        return None


def _unverified(s: SheetWriter, aset: Any) -> None:
    items = [tuple(u) for u in aset.unverified()]
    s.row([T("Unverified parameters ({n})", n=len(items))], font=styles.SECTION)
    s.row([T("Not found in any source: labelled assumptions the values rest on, to replace with "
           "sourced values (actuary basis show lists every parameter and its source).")],
          font=styles.NOTE)
    if not items:
        s.row([T("none")])
        return
    s.header([T("Key path"), T("Description"), T("Reference / reasoning")])
    for path, description, _status, reference in items:
        s.row([path, description, reference], fill=styles.UNVERIFIED_FILL)


def _results_sheet(book: Workbook, report: ClosedGroupReport) -> None:
    v = report.run.valuation
    s = SheetWriter(book, "Results by status and sex", (12, 8, 12, 22, 22, 22, 14))
    s.title(_title(report, N_("Present values by status and sex (KHR)")),
            T("Status on the valuation date: active and inactive members from the member file, "
            "pensions in payment (old_age, invalidity, spouse, orphan) from the pensioner file. "
            "The last row and the ADL / PVFB column are formulas."), v.synthetic)
    s.header([T("Status"), T("Sex"), T("People"), T("PVFB (KHR)"), T("PVFC (KHR)"), T("ADL (KHR)"), T("ADL / PVFB")])
    table = v.summary()
    body = table[table["status"] != "all"]
    first = _next(s)
    fmts = [None, None, styles.COUNT, styles.KHR, styles.KHR, styles.KHR]
    for rec in body.itertuples(index=False):
        r = _next(s)
        values = [T_known(rec.status), rec.sex, rec.members, rec.pvfb, rec.pvfc, rec.adl]
        _append(s, [s.cell(x, f) for x, f in zip(values, fmts)]
                + [_formula(s, f'=IF(D{r}=0,"",F{r}/D{r})', styles.RATE)])
    last, r = _next(s) - 1, _next(s)
    sums = [_formula(s, f"=SUM({c}{first}:{c}{last})", f, styles.BOLD)
            for c, f in zip("CDEF", fmts[2:])]
    _append(s, [s.cell(T("all"), font=styles.BOLD), s.cell(T("all"), font=styles.BOLD), *sums,
                _formula(s, f'=IF(D{r}=0,"",F{r}/D{r})', styles.RATE, styles.BOLD)])
    _adl_chart(s.ws, first, last, r + 2)


def _adl_chart(ws: Any, first: int, last: int, at: int) -> None:
    """The accrued-to-date liability and the present value of future benefits by status
    and sex, as bars in billions of KHR, under the table."""
    from openpyxl.chart import BarChart, Reference, Series

    if last < first:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.title = styles.small_title(T("Present values by status and sex (KHR billion, "
                                     "at the valuation date)"))
    chart.y_axis.title = T("KHR billion")
    chart.y_axis.number_format = "#,##0.0,,,"
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for col, name in ((4, T("Future benefits (PVFB)")), (6, T("Accrued liability (ADL)"))):
        chart.series.append(Series(Reference(ws, min_col=col, min_row=first, max_row=last),
                                   title=name))
    chart.set_categories(Reference(ws, min_col=1, max_col=2, min_row=first, max_row=last))
    chart.legend.position = "b"
    chart.width, chart.height = 16.0, max(7.0, min(16.0, 2.0 + 0.7 * (last - first + 1)))
    ws.add_chart(chart, f"A{at}")


def _branches_sheet(book: Workbook, report: ClosedGroupReport) -> None:
    v = report.run.valuation
    s = SheetWriter(book, "Branches", (34, 90, 22, 16))
    s.title(_title(report, N_("Present values by branch (KHR at the valuation date)")),
            T("Each benefit counts the members' own benefits and those of the survivors they may "
            "leave. PVFB, the differences and the billions are formulas."), v.synthetic)
    s.header([T("Branch"), T("What it is"), T("Present value (KHR)"), T("Billions KHR")])

    def line(label: str, meaning: str, value: Any, bold: bool = False) -> int:
        r = _next(s)
        font = styles.BOLD if bold else None
        money = (_formula(s, value, styles.KHR, font) if isinstance(value, str)
                 else s.cell(value, styles.KHR, font))
        return _append(s, [s.cell(label, font=font), s.cell(meaning), money,
                           _formula(s, f"=C{r}/{BILLION:.0f}", BILLIONS, font)])

    first = _next(s)
    for branch, meaning in BRANCH_ROWS:
        line(T_known(branch), T(meaning), float(v.totals[branch]))
    last = _next(s) - 1
    pvfb = line("PVFB", T("Present value of future benefits: the sum of the branches above"),
                f"=SUM(C{first}:C{last})", bold=True)
    pvfc = line("PVFC", T("Present value of future contributions (employer and employee) on "
                          "the members' future wages"), float(v.totals["contributions"]),
                bold=True)
    line("PVFB - PVFC", T("Benefits less contributions: what the reserve and other income must "
                          "cover for these people"), f"=C{pvfb}-C{pvfc}")
    adl = line("ADL", T("Accrued-to-date liability: the part of the PVFB earned by the career "
                        "earnings of the valuation date (for pensioners, the whole PVFB)"),
               float(v.totals["adl"]), bold=True)
    line("PVFB - ADL", T("Benefits still to be earned by future wages and service"),
         f"=C{pvfb}-C{adl}")


def _comparison_sheet(book: Workbook, report: ClosedGroupReport) -> None:
    run = report.run
    s = SheetWriter(book, "Member vs cohort", (20, 22, 22, 22, 14))
    s.title(_title(report, N_("Member-level totals against the cohort projection in cells (KHR)")),
            T("Same people, same basis, same discount factors, no new entrants. Difference = "
            "member level minus cohort; relative = difference / cohort (formulas)."),
            run.valuation.synthetic)
    for line in _comparison_notes(run.basis.wage_sigma):
        s.row([line], font=styles.NOTE)
    s.blank()
    s.header([T("Branch"), T("Member level (KHR)"), T("Cohort (KHR)"), T("Difference (KHR)"), T("Relative")])
    for branch, rec in run.comparison.iterrows():
        r = _next(s)
        label = {"pvfb": "PVFB", "pvfc": "PVFC"}.get(str(branch), T_known(str(branch)))
        _append(s, [s.cell(label), s.cell(rec["member_level"], styles.KHR),
                    s.cell(rec["cohort"], styles.KHR),
                    _formula(s, f"=B{r}-C{r}", styles.KHR),
                    _formula(s, f'=IF(C{r}=0,"",D{r}/C{r})', "0.000%")])


def _comparison_notes(sigma: float) -> list[str]:
    return [
        T("What the difference measures: what aggregation into cells costs. The cohort "
          "projection (the engine of actuary valuate) groups the people into cells by sex, age "
          "and completed years of service and projects each cell's totals;"),
        T("it applies the wage floor and ceiling to a lognormal spread of wages within a cell "
          "(standard deviation of log wages {sigma}) and the minimum pension and funeral grant "
          "to cell masses. The member-level engine applies them to each person's own expected "
          "wage and pension, and gives each award its own funeral grant.",
          sigma=num(f"{sigma:g}")),
        T("Where no floor, ceiling or minimum binds the two agree to rounding (tested to 1e-9); "
          "a positive difference means the cells value the branch lower than the members do."),
    ]


def _discount_sheet(book: Workbook, report: ClosedGroupReport) -> None:
    v = report.run.valuation
    s = SheetWriter(book, "Discount", (10, 26, 22, 26))
    s.title(_title(report, N_("Discount factors by projection year")),
            T("Discount: {discount}. Every flow of a year is paid in the middle of the year; "
              "v_mid is the value at the valuation date of 1 KHR paid then. The equivalent rate "
              "is a formula.", discount=report.discount), v.synthetic)
    s.header([T("Year"), T("Payment time (years from the valuation date)"), T("Discount factor v_mid"),
              T("Equivalent annual rate to that time")])
    for t, factor in enumerate(v.v_mid):
        r = _next(s)
        _append(s, [s.cell(v.first_year + t, styles.YEAR), s.cell(t + 0.5, "0.0"),
                    s.cell(float(factor), styles.FACTOR),
                    _formula(s, f"=C{r}^(-1/B{r})-1", "0.0000%")])


def method_notes(report: ClosedGroupReport) -> list[tuple[str, str]]:
    """The conventions of the valuation as (topic, text) lines for the Method sheet, in
    the current language."""
    basis = report.run.basis
    return [
        (T("Closed group"), T("The members and pensioners of the file are valued as they are, "
                              "with no new entrants; nobody joins after the valuation date.")),
        (T("Who is valued"), T("Active and inactive members from the member file and pensions "
                               "in payment (old-age, invalidity, spouse, orphan) from the "
                               "pensioner file. Members recorded as retired, invalid, refunded "
                               "or dead are not valued from the member file: a pension they draw "
                               "is a row of the pensioner file. Rows the data check rejects are "
                               "left out (actuary data check lists them).")),
        (T("Service and earnings"), T("Service is credited months / 12 plus the transitional "
                                      "years of the starting-population rules; the career wage "
                                      "is the insurable wage brought within the floor and "
                                      "ceiling (the last wage for inactive members, the floor "
                                      "when there is none); career earnings = 12 x career wage "
                                      "x service.")),
        (T("Projection"), T("Each person is projected alone, year by year, in expected values, "
                            "by the year step of the cohort projection applied to a state holding "
                            "that one person: an active or inactive member is a distribution "
                            "over completed years of service with, for each, the chance of being "
                            "active or inactive, the expected wage and the expected revalued "
                            "career earnings; a pensioner is a chance of still being paid and an "
                            "expected pension. Decrements, rules and economy are those of the "
                            "assumption set.")),
        ("PVFB", T("Present value of all future benefits: old-age and invalidity pensions, "
                   "survivors' pensions and lump sums, funeral grants and refunds, the person's "
                   "own and those of the survivors the person may leave.")),
        ("PVFC", T("Present value of the future contributions, employer's and employee's, on "
                   "the person's future insurable wages (density, floor, ceiling and legislated "
                   "rates of the basis).")),
        ("ADL", T("Accrued-to-date liability, projected unit credit: the same benefits computed "
                  "on the career earnings of the valuation date alone (revalued as the rules "
                  "say, but without the credits of future contributions); future service still "
                  "counts towards the qualifying periods. For a pension in payment ADL = PVFB.")),
        (T("Survivors"), T("Survivors are not projected as people: the deaths of each year leave "
                           "survivors whose whole future pensions are valued at once, per unit "
                           "of the deceased's pension, with the cohort's rules (share married, "
                           "age gap of spouses, chance of children, orphans paid until age "
                           "{age}, the survivors' pension shared when both classes exist); half "
                           "a year is paid in the year of death and pensions are indexed at each "
                           "year end.", age=basis.orphan_age_limit)),
        (T("Floors and minimums"), T("The wage floor and ceiling and the minimum pension apply "
                                     "to the person's own expected wage and pension; the cohort "
                                     "projection applies them to a spread of wages within a cell "
                                     "and to cell masses. That is where the two engines differ; "
                                     "the Member vs cohort sheet shows what it amounts to.")),
        (T("Discounting"), T("Discount: {discount}. Every flow of year t is discounted to the "
                             "middle of that year (v_mid[t], on the Discount sheet), the "
                             "cash-flow convention of the projection.",
                             discount=report.discount)),
        (T("Horizon"), T("Flows over {n} projection years from {year} are counted; later ones "
                         "are not.", n=len(report.run.valuation.v_mid),
                         year=report.run.valuation.first_year)),
        (T("Money"), T("Nominal KHR, present values at the valuation date; pensions and wages "
                       "of the files are per month, the engine works per year (x 12).")),
        (T("Scope"), T("Career-average schemes (NSSF, self-employed). Final-salary schemes and "
                       "retirement before the pension age (the public-sector scheme) are "
                       "refused: value them with actuary valuate, the cohort engine.")),
    ]


def _method_sheet(book: Workbook, report: ClosedGroupReport) -> None:
    s = SheetWriter(book, "Method", (24, 120))
    s.title(_title(report, N_("Method and conventions")),
            T("actuary.members.closed_group and actuary.engine.member_kernel state them in full."),
            report.run.valuation.synthetic)
    s.blank()
    s.pairs(method_notes(report))


BY_MEMBER_PRINTED = 60


def _member_sheet(book: Workbook, report: ClosedGroupReport) -> None:
    v = report.run.valuation
    s = SheetWriter(book, "By member", (18, 6, 6, 12, 14, 20, 20, 20))
    s.title(_title(report, N_("Present values by person (KHR at the valuation date)")),
            T("Ids as read from the files, stored as text. Printed: the first {printed} people; "
              "all {n} are on this sheet and in the by-member CSV.", printed=BY_MEMBER_PRINTED,
              n=num(f"{len(v.by_member):,}")), v.synthetic)
    s.table(known(v.by_member, ("status",)),
            [(key, T(header), fmt) for key, header, fmt in _MEMBER_COLUMNS])
    # a printout of thousands of members helps no reader: the first rows show the form
    s.ws.print_area = f"A1:{get_column_letter(len(_MEMBER_COLUMNS))}" \
                      f"{min(s.rows, 3 + BY_MEMBER_PRINTED)}"


def build_closed_group_workbook(report: ClosedGroupReport) -> Workbook:
    """The workbook of ``report`` in memory (streaming mode; see the module docstring)."""
    book = Workbook(write_only=True)
    _summary_sheet(book, report)
    _results_sheet(book, report)
    _branches_sheet(book, report)
    _comparison_sheet(book, report)
    _discount_sheet(book, report)
    _method_sheet(book, report)
    if len(report.run.valuation.by_member) <= BY_MEMBER_SHEET_LIMIT:
        _member_sheet(book, report)
    finish_workbook(book, _title(report, N_("Closed-group valuation")), report.run_at)
    return book


def write_closed_group_workbook(report: ClosedGroupReport, path: str | os.PathLike[str]) -> Path:
    """Write the closed-group workbook of ``report`` to ``path`` (``.xlsx``), atomically.

    Raises
    ------
    DataError
        If ``path`` does not end in ``.xlsx``.
    """
    return write_xlsx(build_closed_group_workbook, report, path)
