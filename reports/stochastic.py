"""The workbook of ``actuary stochastic``: fan charts, depletion curve, generator parameters.

Sheets: Summary (headline, distribution of GAP and actuarial balance, where the
deterministic valuation falls), Fans (percentiles by year of the reserve ratio and the
PAYG cost rate as native line charts; the table they read), Depletion (cumulative
probability by year under each rate path, with its chart), Percentiles (every reported
series, wide: one column per percentile), Calibration (against UN WPP 2024),
Generator (the parameters, their status and sources), Run (seed, scenarios, timing,
notes).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .i18n import N_, T, T_data, T_known, date_text, num
from .cells import Column, put, put_formula, put_title, write_table
from .workbook import write_xlsx

#: Measures of the stochastic run named from a rate path (for :func:`T_data`).
_MEASURES = ((re.compile(r"depletion year \((?P<path>\w+)\)"), N_("depletion year ({path})")),)

__all__ = ["write_stochastic_workbook", "SHEETS", "FAN_TITLES", "fan_chart"]

SHEETS = ("Summary", "Fans", "Depletion", "Percentiles", "Calibration", "Generator", "Run")
FAN_TITLES = {"reserve_ratio": N_("Reserve ratio (years of expenditure): fan of the scenarios"),
              "payg_cost_rate": N_("PAYG cost rate (% of insurable earnings): fan of the "
                                   "scenarios"),
              "reserve_pct_gdp": N_("Reserve (% of GDP): fan of the scenarios")}
#: The one axis title of each fan chart (its units; none on the axis of years).
FAN_AXES = {"reserve_ratio": N_("years of expenditure"),
            "payg_cost_rate": N_("% of insurable earnings"), "reserve_pct_gdp": N_("% of GDP")}
_AXIS_FORMATS = {"reserve_ratio": "0", "payg_cost_rate": "0%", "reserve_pct_gdp": '0"%"'}
#: Fill of the bands from the outside in (light to dark): the central band is darkest.
_BAND_COLOURS = ("DEEBF7", "9ECAE1", "4292C6")
_FORMATS = {"reserve_ratio": styles.RATIO, "payg_cost_rate": styles.RATE,
            "reserve_pct_gdp": styles.PERCENT_POINTS, "contributors": styles.COUNT,
            "pensioners": styles.COUNT, "population": styles.COUNT}


def write_stochastic_workbook(run: Any, path: str | os.PathLike[str]) -> Path:
    """Write the workbook of a :class:`actuary.studies.stochastic.StochasticRun`, atomically."""
    return write_xlsx(build_workbook, run, path)


def build_workbook(run: Any) -> Workbook:
    """The workbook (not saved)."""
    wb = Workbook()
    wb.remove(wb.active)
    _summary(wb.create_sheet("Summary"), run)
    _fans(wb.create_sheet("Fans"), run)
    _depletion(wb.create_sheet("Depletion"), run)
    _percentiles(wb.create_sheet("Percentiles"), run)
    _calibration(wb.create_sheet("Calibration"), run)
    _generator(wb.create_sheet("Generator"), run)
    _run_sheet(wb.create_sheet("Run"), run)
    return wb


def _line(title: str, y_title: str, fmt: str) -> LineChart:
    """A line chart over the years: units in the title and the one axis title (the tick
    labels say the years)."""
    chart = LineChart()
    chart.title = styles.small_title(title, 11)
    chart.y_axis.title = y_title
    chart.y_axis.number_format = fmt
    chart.y_axis.majorGridlines = None
    chart.width, chart.height = 24.0, 11.0
    chart.legend.position = "b"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = 10
    return chart


def _summary(ws: Worksheet, run: Any) -> None:
    m = run.model
    put_title(ws, T("Stochastic projection of {scheme} ({name})", scheme=m.aset.scheme.name,
                    name=m.aset.name),
              T("{n} scenarios, seed {seed}, mode {mode}; valuation date {date}",
                n=num(f"{run.scenarios:,}"), seed=run.seed, mode=T_known(str(run.mode)),
                date=date_text(m.aset.valuation_date)))
    head = run.headline()
    row = 4
    put(ws, row, 1, T("Probability that the reserve is depleted by the end of"), font=styles.SECTION)
    row += 1
    years = sorted({y for d in head["depletion"].values() for y in d})
    put(ws, row, 1, T("rate path"))
    for j, y in enumerate(years):
        put(ws, row, 2 + j, y)
    put(ws, row, 2 + len(years), T("deterministic depletion year"))
    styles.style_header(ws, row, 1, 2 + len(years))
    for path, probs in head["depletion"].items():
        row += 1
        put(ws, row, 1, T_known(path))
        for j, y in enumerate(years):
            put(ws, row, 2 + j, probs.get(y), styles.RATE)
        put(ws, row, 2 + len(years), run.deterministic_depletion.get(path) or T("none"))
    row += 2
    put(ws, row, 1, T("GAP and actuarial balance across the scenarios (fractions of insurable "
                    "earnings)"), font=styles.SECTION)
    dist = run.distribution
    cols = [Column("measure", T("measure"), None, 24), Column("mean", T("mean"), styles.RATE)]
    cols += [Column(c, c, styles.RATE, 10) for c in dist.columns if c.startswith("p")]
    row = write_table(ws, dist, row + 1, 1, cols) + 2
    put(ws, row, 1, T("Where the deterministic valuation falls"), font=styles.SECTION)
    put(ws, row + 1, 1, T("share_at_or_below: the share of scenarios at or below the "
                        "deterministic value (its percentile rank)"), font=styles.NOTE)
    position = run.position.copy()
    position["measure"] = [T_data(m, _MEASURES) for m in position["measure"]]
    write_table(ws, position, row + 2, 1,
                [Column("measure", T("measure"), None, 44),
                 Column("deterministic", T("deterministic"), "0.0000", 14),
                 Column("share_at_or_below", T("share at or below"), styles.RATE, 16)])
    ws.column_dimensions["A"].width = 48


def _wide(run: Any, indicator: str) -> pd.DataFrame:
    p = run.percentiles[run.percentiles.indicator == indicator]
    wide = p.pivot(index="year", columns="percentile", values="value").reset_index()
    wide.columns = ["year", *(f"p{c:g}" for c in wide.columns[1:])]
    det = run.model.deterministic.yearly.set_index("year")
    if indicator in det.columns:
        wide["deterministic"] = det[indicator].reindex(wide["year"]).to_numpy()
    return wide


def _pct_label(column: str) -> float:
    return float(column[1:])


def fan_chart(ws: Worksheet, ind: str, top: int, left: int, last: int,
              pcts: list[str], band0: int, deterministic: int | None) -> Any:
    """The fan of indicator ``ind`` over its table (header in row ``top``, years in column
    ``left``, percentile columns ``pcts`` in order, the deterministic valuation in column
    ``deterministic`` if any) and its band columns from ``band0``: stacked areas between successive percentiles (an invisible base up to
    the lowest; a stacked area plots the running sum, so a base below zero works), shaded
    darker towards the middle, with the median and the deterministic valuation as lines."""
    from openpyxl.chart import AreaChart

    n_p = len(pcts)
    area = AreaChart()
    area.grouping = "stacked"
    area.title = styles.small_title(T(FAN_TITLES[ind]), 11)
    area.y_axis.title = T(FAN_AXES[ind])
    area.y_axis.number_format = _AXIS_FORMATS[ind]
    area.y_axis.majorGridlines = None
    area.x_axis.delete = False
    area.y_axis.delete = False
    area.x_axis.tickLblSkip = 10
    area.width, area.height = 16.0, 9.0
    area.legend.position = "b"
    for j in range(n_p):  # base, then n_p - 1 bands
        col = band0 + j
        ref = Reference(ws, min_col=col, max_col=col, min_row=top + 1, max_row=last)
        series = Series(ref, title=str(ws.cell(row=top, column=col).value))
        if j == 0:
            series.graphicalProperties.noFill = True
            series.graphicalProperties.line.noFill = True
        else:
            depth = min(j - 1, n_p - 1 - j)  # 0 for the outer bands
            series.graphicalProperties.solidFill = _BAND_COLOURS[min(depth,
                                                                    len(_BAND_COLOURS) - 1)]
            series.graphicalProperties.line.noFill = True
        area.series.append(series)
    area.set_categories(Reference(ws, min_col=left, max_col=left, min_row=top + 1, max_row=last))
    lines = LineChart()
    median = next((k for k, c in enumerate(pcts) if _pct_label(c) == 50.0), None)
    for col, colour in ([(left + 1 + median, "08306B")] if median is not None else []) + \
            ([(deterministic, "C00000")] if deterministic is not None else []):
        ref = Reference(ws, min_col=col, max_col=col, min_row=top + 1, max_row=last)
        series = Series(ref, title=str(ws.cell(row=top, column=col).value))
        series.graphicalProperties.line.solidFill = colour
        series.smooth = False
        lines.series.append(series)
    area += lines
    return area


def _fans(ws: Worksheet, run: Any) -> None:
    put_title(ws, T("Fan charts"),
              T("Shaded bands between percentiles of the scenarios (darker towards the median), "
              "the median and the deterministic valuation. The tables the charts read are "
              "below them, not printed (band columns: the differences the bands stack)."))
    top = 26
    left = 1
    inds = [i for i in FAN_TITLES if i in set(run.percentiles["indicator"])]
    for k, ind in enumerate(inds):
        wide = _wide(run, ind)
        fmt = _FORMATS[ind]
        pcts = [c for c in wide.columns[1:] if c.startswith("p")]
        names = {c: (T("median") if _pct_label(c) == 50.0 else num(f"{_pct_label(c):g}%"))
                 for c in pcts}
        put(ws, top - 1, left, T_known(ind.replace("_", " ")), font=styles.SECTION)
        cols = [Column("year", T("year"), styles.YEAR, 8)]
        cols += [Column(c, names.get(c, T_known(c)), fmt, 10) for c in wide.columns[1:]]
        last = write_table(ws, wide, top, left, cols)
        # the bands: the lowest percentile (the invisible base), then each step up
        band0 = left + len(cols)
        put(ws, top, band0, T("below {p}", p=names[pcts[0]]))
        for j in range(1, len(pcts)):
            put(ws, top, band0 + j, f"{names[pcts[j - 1]]}-{names[pcts[j]]}".replace(
                T("median"), num("50%")))
        styles.style_header(ws, top, band0, band0 + len(pcts) - 1)
        for r in range(top + 1, last + 1):
            first = ws.cell(row=r, column=left + 1).coordinate
            put_formula(ws, r, band0, f"={first}", fmt)
            for j in range(1, len(pcts)):
                hi = ws.cell(row=r, column=left + 1 + j).coordinate
                lo = ws.cell(row=r, column=left + j).coordinate
                put_formula(ws, r, band0 + j, f"={hi}-{lo}", fmt)
        for j in range(len(pcts)):
            ws.column_dimensions[get_column_letter(band0 + j)].width = 10
        det = left + 1 + len(pcts) if "deterministic" in wide.columns else None
        chart = fan_chart(ws, ind, top, left, last, pcts, band0, det)
        ws.add_chart(chart, f"{get_column_letter(1 + 9 * k)}3")
        left = band0 + len(pcts) + 1
    # printed: the charts (the tables are on the sheet below them and, every series, on the
    # Percentiles sheet); 9 columns of about 10 characters a chart of 16 cm
    ws.print_area = f"A1:{get_column_letter(9 * max(len(inds), 1) + 1)}{top - 2}"


def _depletion(ws: Worksheet, run: Any) -> None:
    put_title(ws, T("Probability of depletion by year"),
              T("share of scenarios whose reserve is below zero at the end of the year or "
              "earlier, under each rate path the valuation shows"))
    wide = run.depletion.pivot(index="year", columns="rate_path", values="probability")
    wide = wide.reset_index()
    paths = [c for c in wide.columns if c != "year"]
    cols = [Column("year", T("year"), styles.YEAR, 8)] + [Column(p, T_known(p), styles.RATE, 30)
                                                        for p in paths]
    top = 4
    last = write_table(ws, wide, top, 1, cols)
    chart = _line(T("Cumulative probability of depletion (% of scenarios)"), T("% of scenarios"),
                  "0%")
    for j in range(len(paths)):
        ref = Reference(ws, min_col=2 + j, max_col=2 + j, min_row=top + 1, max_row=last)
        chart.series.append(Series(ref, title=T_known(paths[j])))
    chart.set_categories(Reference(ws, min_col=1, max_col=1, min_row=top + 1, max_row=last))
    ws.add_chart(chart, "F4")


def _percentiles(ws: Worksheet, run: Any) -> None:
    put_title(ws, T("Percentiles by year"), T("reserve ratio (years), PAYG cost rate (fraction), "
                                         "reserve in % of GDP, people on 1 January (persons)"))
    left = 1
    for ind in run.percentiles["indicator"].unique():
        wide = _wide(run, ind)
        put(ws, 3, left, T_known(ind.replace("_", " ")), font=styles.SECTION)
        cols = [Column("year", T("year"), styles.YEAR, 8)]
        cols += [Column(c, T_known(c), _FORMATS.get(ind), 12) for c in wide.columns[1:]]
        write_table(ws, wide, 4, left, cols)
        left += len(cols) + 1


def _calibration(ws: Worksheet, run: Any) -> None:
    put_title(ws, T("Demographic scenarios against UN WPP 2024's probabilistic projections"),
              T("bounds of the 80% and 95% intervals of the TFR and e0 by sex; the check: every "
              "bound within 10% of the WPP interval's width in 2050 and 2100"))
    if run.calibration is None or run.calibration.empty:
        put(ws, 4, 1, T("no demographic scenarios in this run (economic scenarios only)"),
            font=styles.NOTE)
        return
    calibration = run.calibration.copy()
    calibration["bound"] = [T_data(b) for b in calibration["bound"]]
    write_table(ws, calibration, 4, 1, [
        Column("indicator", T("indicator"), None, 12), Column("year", T("year"), styles.YEAR, 8),
        Column("bound", T("bound"), None, 10), Column("wpp", T("WPP 2024"), "0.000", 12),
        Column("scenarios", T("scenarios"), "0.000", 12),
        Column("difference", T("difference"), "0.000", 12),
        Column("wpp_width", T("WPP interval width"), "0.000", 18),
        Column("share_of_width", T("difference / width"), styles.RATE, 18),
        Column("within", T("within 10%"), None, 12)])


def _generator(ws: Worksheet, run: Any) -> None:
    from actuary.studies.stochastic.run import generator_parameters

    put_title(ws, T("Scenario generator"), T("AR(1) deviations from the basis with correlated "
                                        "shocks (actuary/studies/stochastic/generator.py)"))
    table = generator_parameters(run.model.aset)
    cols = [Column(c, T_known(c), None, 60 if c in ("reference", "note", "description") else 24)
            for c in table.columns]
    fills = [styles.UNVERIFIED_FILL if str(s) == "unverified" else None
             for s in table.get("status", pd.Series([None] * len(table)))]
    write_table(ws, table, 4, 1, cols, fills)


def _run_sheet(ws: Worksheet, run: Any) -> None:
    put_title(ws, T("Run"), T("how this workbook was made"))
    items = [(T("scenarios"), run.scenarios), (T("seed"), run.seed), (T("mode"), T_known(str(run.mode))),
             (T("assumption set"), run.model.aset.name),
             (T("assumption set hash"), run.model.aset.content_hash()),
             (T("horizon"), f"{int(run.model.years[0])}-{int(run.model.years[-1])}")]
    items += [(T_known(k), round(v, 3) if isinstance(v, float) else v)
              for k, v in run.timing.items()]
    items += [(T("note"), n) for n in run.notes]
    for i, (k, v) in enumerate(items):
        put(ws, 4 + i, 1, k, font=styles.BOLD)
        put(ws, 4 + i, 2, v)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 80
