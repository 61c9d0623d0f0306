"""``actuary population``: the demographic and economic frame of an assumption set.

Prints the headline table, the calibrations (base population, covered workers), the
comparison with WPP 2024 and with the national projection, and writes every result
to a CSV (one long tidy table) or a workbook (one sheet per table), atomically.
"""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import pandas as pd

from actuary.cli.options import echo_json, json_option, lang_option, quiet_option
from actuary.reports.i18n import T, num, pad
from actuary.cli.progress import progress
from actuary.cli.outputs import check_outputs
from actuary.io.fileio import atomic_path, save_xlsx, spreadsheet_safe

#: Years of the headline table (those inside the projection are shown).
HEADLINE_YEARS = (2025, 2030, 2040, 2050, 2075, 2100)
_LABOUR_YEARS = (2025, 2030, 2040, 2050, 2075, 2100)
_MAX_YEAR = 2300
_EXCEL_ROWS = 1_048_575  # one header row


def _pct(x: float, digits: int = 1) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{100 * x:.{digits}f}%"


def _signed_pct(x: float, digits: int = 2) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{100 * x:+.{digits}f}%"


def headline_text(frame) -> str:
    """The headline table: total, 60+ share, dependency ratio, e0 by sex."""
    h = frame.headline(HEADLINE_YEARS)
    lines = [T("Population on 31 December; life expectancy at birth of the calendar year's "
               "table"),
             "  " + " ".join(pad(T(h), w, right=True) for h, w in (
                 ("year", 6), ("population", 12), ("60+ share", 10), ("dependency", 11),
                 ("e0 men", 7), ("e0 women", 9)))]
    for r in h.itertuples():
        lines.append(num(f"  {r.year:6d} {r.population:12,.0f} {_pct(r.share_60_plus):>10s}"
                         f" {_pct(r.dependency_ratio):>11s} {r.e0_M:7.2f} {r.e0_F:9.2f}"))
    lines.append("  " + T("dependency ratio = (ages 0-14 + 65+) / ages 15-64"))
    return "\n".join(lines)


def calibration_text(frame) -> str:
    """The base population's calibration, or a note that there is none."""
    cal = frame.national.calibration
    if cal is None:
        return T("Base population used as given (no calibration in the assumption set).")
    lo, hi = cal.women_ages
    return "\n".join([
        T("Base population on 1 January {year}, calibrated to the births and deaths of {cal}:",
          year=frame.projection.inputs.first_year, cal=cal.year),
        f"  factors: women {lo}-{hi} {cal.factor_women:.4f}, ages {cal.old_from}+ "
        f"{cal.factor_old:.4f}, other ages men {cal.factor_rest[0]:.4f}, women "
        f"{cal.factor_rest[1]:.4f} (totals by sex kept)",
        f"  births {cal.births_target:,.0f}: {_signed_pct(cal.births_before / cal.births_target - 1)}"
        f" before, {_signed_pct(cal.births_after / cal.births_target - 1, 4)} after",
        f"  deaths {cal.deaths_target:,.0f}: {_signed_pct(cal.deaths_before / cal.deaths_target - 1)}"
        f" before, {_signed_pct(cal.deaths_after / cal.deaths_target - 1, 4)} after",
    ])


def wpp_text(frame) -> str:
    """Largest deviations from WPP 2024 and whether they are within the tolerances."""
    from actuary.frame.calibration import largest_deviations, wpp_comparison

    comp = wpp_comparison(frame.projection)
    if comp.empty:
        return T("Comparison with WPP 2024: no year in common.")
    dev = largest_deviations(comp)
    y0, y1 = int(comp["year"].iloc[0]), int(comp["year"].iloc[-1])
    lines = [T("Comparison with WPP 2024 medium variant, every year {first}-{last} (largest "
               "deviation):", first=y0, last=y1)]
    labels = {"population": "total population (31 Dec)", "births": "births", "deaths": "deaths",
              "e0_M": "e0 men", "e0_F": "e0 women"}
    for r in dev.itertuples():
        if r.unit == "relative":
            verdict = "within" if r.within else "OUTSIDE"
            lines.append(f"  {labels[r.measure]:26s} {_signed_pct(r.signed_diff):>8s} in {r.year}"
                         f"   {verdict} {_pct(r.tolerance)}")
        else:
            lines.append(f"  {labels[r.measure]:26s} {r.signed_diff:+8.2f} years in {r.year}")
    return "\n".join(lines)


def national_text(frame) -> str:
    """The policy framework's national projection beside this one."""
    from actuary.frame.calibration import national_comparison

    nat = national_comparison(frame.projection)
    if nat.empty:
        return ""
    lines = [T("National projection quoted by the policy framework 2024-2035, beside this "
               "projection:"),
             f"  {'year':>6s} {'measure':24s} {'national':>12s} {'this':>12s} {'difference':>11s}"]
    names = {"population": "population", "share_60_plus": "60+ share", "e0_B": "e0 both sexes"}
    for r in nat.itertuples():
        if r.measure == "population":
            vals = (f"{r.national:12,.0f}", f"{r.projection:12,.0f}", _signed_pct(r.difference))
        elif r.measure == "share_60_plus":
            vals = (_pct(r.national), _pct(r.projection), f"{100 * r.difference:+.1f} pt")
        else:
            vals = (f"{r.national:12.1f}", f"{r.projection:12.2f}", f"{r.difference:+.1f} y")
        lines.append(f"  {r.year:6d} {names[r.measure]:24s} {vals[0]:>12s} {vals[1]:>12s} {vals[2]:>11s}")
    t = frame.national.targets
    if t is not None:
        k = t.mortality_factor
        f = t.fertility_factor
        lines.append(f"  followed by this basis: death rates x {np.min(k):.3f}..{np.max(k):.3f}, "
                     f"fertility x {np.min(f):.3f}..{np.max(f):.3f}")
    return "\n".join(lines)


def coverage_text(frame) -> str:
    """Covered workers at the calibration date: published, before and after."""
    cal = frame.labour.calibration()
    lines = [T("Covered workers, calibrated to the published counts:"),
             f"  {'scheme':14s} {'sector':17s} {'date':>10s} {'published':>11s} {'model before':>13s}"
             f" {'factor':>7s} {'after':>11s}"]
    for r in cal.itertuples():
        if r.date is None:
            lines.append(f"  {r.scheme:14s} {r.sector:17s} {'-':>10s} {'-':>11s} {'-':>13s} "
                         f"{'-':>7s} {r.count_after:11,.0f}")
        else:
            lines.append(f"  {r.scheme:14s} {r.sector:17s} {r.date:>10s} {r.published_count:11,.0f}"
                         f" {r.count_before:13,.0f} {r.factor:7.4f} {r.count_after:11,.0f}")
    return "\n".join(lines)


def labour_text(frame) -> str:
    """Labour force, formal employment and coverage on 1 January of a few years."""
    s = frame.labour.summary().set_index("year")
    keep = [y for y in _LABOUR_YEARS if y in s.index]
    cols = [c for c in ("covered_nssf", "covered_public", "covered_self_employed") if c in s.columns]
    head = "".join(f" {c.replace('covered_', 'covered '):>22s}" for c in cols)
    lines = [T("Labour force and coverage on 1 January (persons):"),
             f"  {'year':>6s} {'labour force':>13s} {'employed':>12s} {'private formal':>15s}{head}"]
    for y in keep:
        r = s.loc[y]
        vals = "".join(f" {r[c]:22,.0f}" for c in cols)
        lines.append(f"  {y:6d} {r['labour_force']:13,.0f} {r['employed']:12,.0f}"
                     f" {r['employed_private_formal']:15,.0f}{vals}")
    return "\n".join(lines)


def write_result(frame, out: Path, progress=None) -> None:
    """Write every table: ``.csv`` one long tidy table, ``.xlsx`` one sheet per table
    (``progress`` is shown the rows written, with the time left)."""
    from actuary.io.progress import waiting

    suffix = out.suffix.lower()
    if suffix == ".csv":
        with waiting(progress, f"writing {out}"):
            data = frame.long()
            with atomic_path(out) as tmp:
                spreadsheet_safe(data).to_csv(tmp, index=False, lineterminator="\n",
                                              float_format="%.12g")
    elif suffix == ".xlsx":
        tables = frame.tables()
        with atomic_path(out) as tmp:
            _write_workbook(tables, tmp, progress, f"writing {out}")
    else:  # checked before the run; kept for direct callers
        raise click.BadParameter("expected a file ending in .csv or .xlsx", param_hint="--out")


def _cell(v: object) -> object:
    """A value openpyxl writes: Python scalars, missing values as empty cells."""
    if isinstance(v, (np.generic,)):
        v = v.item()
    if v is None or v is pd.NA or (isinstance(v, float) and not np.isfinite(v)):
        return None
    return v


PRINTED_ROWS = 60  # rows of each table a printout holds (the file holds them all)


def _write_workbook(tables: dict[str, pd.DataFrame], path: Path, progress=None,
                    label: str = "writing the workbook") -> None:
    """A Contents sheet (what each table holds, a chart of the population and the labour
    force), then one sheet per table, header in row 1, frozen (openpyxl's streaming
    mode: several times faster than cell-by-cell writing for the by-age tables).

    The printout of each table sheet is its first :data:`PRINTED_ROWS` rows (the
    by-age tables run to tens of thousands of rows: over 2,000 pages); the Contents
    sheet says so, and every row is in the file and in the ``.csv`` output.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from actuary.io.progress import track
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from actuary.reports.printing import fit_streaming_sheet, prepare_for_print

    wb = Workbook(write_only=True)
    wb.properties.title = T("Population, labour force and coverage frame")
    contents = wb.create_sheet(title="Contents")
    fit_streaming_sheet(contents)
    for name, tab in tables.items():
        if len(tab) > _EXCEL_ROWS:  # pragma: no cover - far beyond any horizon here
            raise click.UsageError(f"table {name} has too many rows for a sheet; use .csv")
    bold = Font(bold=True)

    def cell(ws, value, font=None):
        c = WriteOnlyCell(ws, value=value)
        if font is not None:
            c.font = font
        return c

    contents.column_dimensions["A"].width = 26
    contents.column_dimensions["B"].width = 10
    contents.column_dimensions["C"].width = 90
    contents.append([cell(contents, T("Population, labour force and coverage: contents"),
                          Font(bold=True, size=14))])
    contents.append([T("Counts in persons, rates as fractions, money in KHR (the column names "
                       "say per month or per year). A printout shows the first {n} rows of "
                       "each table; every row is on its sheet and in the .csv output (--out "
                       "frame.csv).", n=PRINTED_ROWS)])
    contents.append([])
    contents.append([cell(contents, h, bold) for h in (T("Table (sheet)"), T("Rows"),
                                                       T("Columns"))])
    for name, tab in tables.items():
        contents.append([name[:31], len(tab), ", ".join(map(str, tab.columns))])
    chart_row = 5 + len(tables)
    # a bar over the rows (the by-age tables are most of them), with the time left
    for name, tab in track(progress, list(tables.items()), label, lambda item: item[0],
                           size=lambda item: len(item[1]) + 1):
        ws = wb.create_sheet(title=name[:31])
        fit_streaming_sheet(ws)
        ws.freeze_panes = "A2"
        ws.append([cell(ws, str(c), bold) for c in tab.columns])
        for row in tab.itertuples(index=False, name=None):
            ws.append([_cell(v) for v in row])
        last = get_column_letter(max(1, len(tab.columns)))
        ws.print_area = f"A1:{last}{min(len(tab) + 1, PRINTED_ROWS + 1)}"
        ws.print_title_rows = "1:1"
    _contents_chart(wb, tables, contents, chart_row + 1)
    prepare_for_print(wb)
    save_xlsx(wb, path)


def _contents_chart(wb, tables: dict[str, pd.DataFrame], contents, row: int) -> None:
    """A line chart of the population and the labour force by year (from the
    population_summary and labour_summary sheets), when both are there."""
    from openpyxl.chart import LineChart, Reference, Series

    from actuary.reports import styles

    pop, lab = tables.get("population_summary"), tables.get("labour_summary")
    if pop is None or "population" not in pop.columns:
        return
    chart = LineChart()
    chart.title = styles.small_title(T("Population and labour force (people)"))
    chart.y_axis.title = T("people")
    chart.y_axis.number_format = "#,##0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.majorGridlines = None
    chart.width, chart.height = 16.0, 8.0
    n = len(pop)
    ws_pop = wb["population_summary"]
    col = list(pop.columns).index("population") + 1
    chart.series.append(Series(Reference(ws_pop, min_col=col, min_row=2, max_row=n + 1),
                               title=T("Population")))
    if lab is not None and "labour_force" in lab.columns and len(lab) == n:
        ws_lab = wb["labour_summary"]
        lcol = list(lab.columns).index("labour_force") + 1
        chart.series.append(Series(Reference(ws_lab, min_col=lcol, min_row=2, max_row=n + 1),
                                   title=T("Labour force")))
    chart.set_categories(Reference(ws_pop, min_col=1, min_row=2, max_row=n + 1))
    chart.legend.position = "b"
    contents.add_chart(chart, f"A{row}")


def frame_json(frame, aset, to_year: int, out: Path | None) -> dict:
    """What the text prints, as one mapping for ``--json``: the headline table, the
    calibrations, the comparisons with WPP 2024 and the national projection, the labour
    force and coverage (the rows of the years the text shows)."""
    from actuary.frame.calibration import largest_deviations, national_comparison, wpp_comparison

    cal = frame.national.calibration
    comp = wpp_comparison(frame.projection)
    labour = frame.labour.summary()
    return {
        "set": aset.name, "file": str(aset.files[0]), "first_year": aset.first_year,
        "last_year": to_year,
        "headline": frame.headline(HEADLINE_YEARS),
        "calibration": cal.frame() if cal is not None else None,
        "wpp_deviations": largest_deviations(comp) if len(comp) else [],
        "national_comparison": national_comparison(frame.projection),
        "coverage_calibration": frame.labour.calibration(),
        "labour": labour[labour["year"].isin(_LABOUR_YEARS)],
        "unverified_frame_parameters": _unverified(aset),
        "out": str(out) if out is not None else None,
    }


def _unverified(aset) -> int:
    """Frame parameters or tables the set marks unverified."""
    return sum(1 for p, *_ in aset.unverified() if p.startswith("frame."))


@click.command("population")
@click.option("--basis", "basis", metavar="FILE",
              help="Assumption set with a frame section: a file, a shipped set, or a frame "
                   "scenario (national-projection). Default: cambodia-default.")
@click.option("--to", "to_year", type=click.IntRange(1900, _MAX_YEAR), default=2100,
              show_default=True, help="Last calendar year projected.")
@click.option("--out", "out", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the full result: FILE.csv (one long tidy table) or FILE.xlsx "
                   "(one sheet per table).")
@lang_option
@json_option
@quiet_option
def population(basis: str | None, to_year: int, out: Path | None, lang: str, as_json: bool,
               quiet: bool) -> None:
    """Project Cambodia's population, labour force and coverage, with the economy.

    Prints the headline table (total, 60+ share, dependency ratio, e0 by sex), the
    calibrations and the comparisons with WPP 2024 and the national projection.

    \b
    Examples:
      actuary population --to 2100 --out frame.xlsx
      actuary population --basis national-projection
      actuary population --to 2050 --json
    """
    from actuary.frame.build import build_frame
    from actuary.frame.population import load_frame_basis

    say = progress(quiet)
    aset = load_frame_basis(basis)
    check_outputs([("--out", out, (".csv", ".xlsx"))], inputs=aset.read_files)
    if to_year < aset.first_year:
        raise click.BadParameter(f"{to_year} is before the first year {aset.first_year}",
                                 param_hint="--to")
    say(f"projecting the population, labour force and economy to {to_year}")
    frame = build_frame(aset, to_year)
    if out is not None:
        write_result(frame, out, say)
    if as_json:
        echo_json(frame_json(frame, aset, to_year, out))
        return
    click.echo(T("Frame of assumption set {name} ({file}), {first}-{last}", name=aset.name,
                 file=aset.files[0], first=aset.first_year, last=to_year) + "\n")
    for block in (headline_text(frame), calibration_text(frame), wpp_text(frame),
                  national_text(frame), coverage_text(frame), labour_text(frame)):
        if block:
            click.echo(block + "\n")
    click.echo(T("{n} unverified frame parameters or tables (actuary basis show lists them).",
                 n=_unverified(aset)))
    if out is not None:
        click.echo(T("written: {path}", path=out))
