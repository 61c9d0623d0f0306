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
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .i18n import N_, T, T_known, date_text, num
from .cells import Column, put, put_title, write_table
from .workbook import write_xlsx

__all__ = ["write_stochastic_workbook", "SHEETS", "FAN_TITLES"]

SHEETS = ("Summary", "Fans", "Depletion", "Percentiles", "Calibration", "Generator", "Run")
FAN_TITLES = {"reserve_ratio": N_("Reserve ratio (years of expenditure): percentiles of the "
                                 "scenarios"),
              "payg_cost_rate": N_("PAYG cost rate (share of insurable earnings): percentiles")}
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
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = y_title
    chart.x_axis.title = T("Year")
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
    write_table(ws, run.position, row + 2, 1,
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


def _fans(ws: Worksheet, run: Any) -> None:
    put_title(ws, T("Fan charts"), T("percentiles of the scenarios by year, and the deterministic "
                                "valuation (the tables the charts read are below them)"))
    top = 50
    left = 1
    for k, (ind, title) in enumerate(FAN_TITLES.items()):
        wide = _wide(run, ind)
        fmt = _FORMATS[ind]
        put(ws, top - 1, left, T_known(ind.replace("_", " ")), font=styles.SECTION)
        cols = [Column("year", T("year"), styles.YEAR, 8)]
        cols += [Column(c, T_known(c), fmt, 11) for c in wide.columns[1:]]
        last = write_table(ws, wide, top, left, cols)
        chart = _line(T(title), T("years") if ind == "reserve_ratio" else T("share"), fmt)
        for j in range(1, len(cols)):
            ref = Reference(ws, min_col=left + j, max_col=left + j, min_row=top + 1, max_row=last)
            chart.series.append(Series(ref, title=str(ws.cell(row=top, column=left + j).value)))
        chart.set_categories(Reference(ws, min_col=left, max_col=left, min_row=top + 1,
                                       max_row=last))
        ws.add_chart(chart, f"{'AL'[k]}4" if k == 0 else "O4")
        left += len(cols) + 1


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
    chart = _line(T("Cumulative probability of depletion"), T("probability"), "0%")
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
    write_table(ws, run.calibration, 4, 1, [
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
    items = [(T("scenarios"), run.scenarios), (T("seed"), run.seed), (T("mode"), run.mode),
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
