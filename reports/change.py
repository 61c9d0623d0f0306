"""The analysis-of-change workbook (``actuary change PREVIOUS CURRENT --out FILE.xlsx``).

Sheets:

* Change: one row per indicator; the previous valuation, the change at each step (the
  group taken, in the order of the analysis), the current valuation, the total change and
  the sum of the steps (a live ``SUM`` formula, so a reader sees the steps add up), then
  what each step changed (the key paths whose values differ);
* Waterfall: for the GAP over 75 years, the actuarial balance and the accrued-to-date
  liability, a native Excel waterfall drawn as a stacked column chart over a table on the
  sheet: an invisible base series carries each step's bar to where the previous step
  ended. A bar crossing zero is split into its part above and its part below zero (Excel
  stacks positive and negative values on their own sides of the axis);
* Order dependence: each group's change taken first and taken last, beside its change in
  the order used;
* Steps: the long table of ``change.csv`` (step, indicator, before, after, change).

Money (the reserve at the valuation date and the accrued-to-date liability) is shown in
billions of KHR in the workbook's prices (:class:`ChangePrices`): **nominal**, each state
in KHR of its own valuation year; or **constant** KHR of the current valuation year, a
state measured at the previous valuation year raised by the growth of the price index
the roll-forward assumes (:attr:`actuary.studies.change.ChangeResult.price_growth`), so
the roll-forward step shows the real change. Under the indicators, the same amounts in
USD and as shares of GDP, as live formulas over a block of the states' money (each
state's valuation year, exchange rate and GDP as inputs, its level chained from the
steps): USD at each state's own rate of its year (nominal) or at the current
valuation's rate (constant); the share of GDP is the nominal amount over the nominal GDP
of its year, the same in either prices. The Steps sheet keeps ``change.csv``'s nominal
riel.

Written atomically; the same analysis gives the same bytes (a fixed document time).
"""

from __future__ import annotations

import math
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .i18n import N_, T, T_known, date_text
from .cells import Column, put, put_formula, put_title, put_wrapped, write_table
from .change_money import MONEY_ROWS, ChangePrices, write_money_rows
from .workbook import finish_workbook, write_xlsx

__all__ = ["build_change_workbook", "write_change_workbook", "CHANGE_SHEETS",
           "WATERFALL_INDICATORS", "waterfall_table", "change_checklist", "shown_label"]

CHANGE_SHEETS = ("Change", "Waterfall", "Order dependence", "Steps")
WATERFALL_INDICATORS = ("gap_75", "actuarial_balance_75", "adl")
# Money in billions of KHR: a number format, the cells keep the exact riel (the CSV too).
_FORMATS = {"rate": styles.RATE, "year": styles.YEAR, "ratio": styles.RATIO,
            "khr": styles.KHR_BN}
#: Axis title of a waterfall by kind of indicator (the units; the title names the indicator).
_AXIS = {"rate": N_("share of insurable earnings"), "khr": N_("KHR bn"), "ratio": N_("years of expenditure"),
         "year": N_("calendar year")}
_STAMP = datetime(2000, 1, 1)
#: Columns of a waterfall table after its label: the invisible base, then the visible parts.
WATERFALL_SERIES = ("base", "level", "increase", "increase (below zero)", "decrease",
                    "decrease (below zero)")


def _f(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def waterfall_table(labels: list[str], levels: tuple[float, float], changes: list[float]
                    ) -> pd.DataFrame:
    """The stacked-column data of a waterfall.

    Rows: the start level, one per step, the end level. For a step from ``a`` to
    ``b = a + change``: with both at or above zero the base is ``min(a, b)`` and the bar
    ``|change|``; at or below zero the base is ``max(a, b)`` and the bar ``-|change|``
    (stacked downwards); a bar crossing zero has no base and shows ``max(a, b)`` above
    and ``min(a, b)`` below. A step without a change (NaN) draws nothing.
    """
    rows = [{"label": labels[0], "level": levels[0]}]
    a = levels[0]
    for label, ch in zip(labels[1:-1], changes):
        row = {"label": label}
        if ch is not None and not math.isnan(ch) and a is not None and not math.isnan(a):
            b = a + ch
            lo, hi = min(a, b), max(a, b)
            up = "increase" if ch >= 0 else "decrease"
            if lo >= 0:
                row["base"], row[up] = lo, hi - lo
            elif hi <= 0:
                row["base"], row[f"{up} (below zero)"] = hi, lo - hi
            else:
                row[up], row[f"{up} (below zero)"] = hi, lo
            a = b
        rows.append(row)
    rows.append({"label": labels[-1], "level": levels[1]})
    frame = pd.DataFrame(rows, columns=["label", *WATERFALL_SERIES])
    return frame


def shown_label(label: str, kind: str) -> str:
    """An indicator's label as the workbook shows it: money in KHR bn (the cells hold
    riel shown in billions; the CSV keeps the label with plain KHR)."""
    return label.replace("(KHR)", "(KHR bn)") if kind == "khr" else label


def _wide(steps: pd.DataFrame) -> pd.DataFrame:
    return steps.pivot(index="indicator", columns="step", values="change")


def _change_sheet(ws: Worksheet, result: Any, prices: ChangePrices) -> None:
    from actuary.studies.change import INDICATORS
    from actuary.studies.change_keys import GROUP_TITLES

    d0, d1 = result.valuation_dates
    put_title(ws, T("Analysis of change: {previous} ({d0}) to {current} ({d1})",
                    previous=result.previous, d0=date_text(d0), current=result.current,
                    d1=date_text(d1)),
              T("Each step takes one group of keys from the current inputs and values again; "
                "the change it shows is attributed to that group. The sum of the steps (a "
                "formula) equals the total change. A depletion year that is none on one side "
                "has no change (empty).") + " " + prices.note() + " "
              + T("Under the indicators: the money in USD and as a share of GDP, formulas "
                  "over the states' money below."))
    put(ws, 3, 1, T("Order of the steps"), font=styles.BOLD)
    # the groups by their titles (change.csv and --order name them by their keys)
    order = " > ".join(T_known(GROUP_TITLES[g]) for g in result.order)
    top = 5
    head = [T("Indicator"), T("Previous"), *[T_known(GROUP_TITLES[g]) for g in result.order],
            T("Current"), T("Total change"), T("Sum of the steps")]
    for j, h in enumerate(head, start=1):
        put(ws, top, j, h)
    styles.style_header(ws, top, 1, len(head))
    styles.set_widths(ws, {1: 44, **{c: 18 for c in range(2, len(head) + 1)}})
    put_wrapped(ws, 2, 1, ws["A2"].value, len(head), font=styles.SUBTITLE)
    put_wrapped(ws, 3, 2, order, len(head))
    # the group titles wrap in their 18-character columns: room for their lines
    ws.row_dimensions[top].height = max(styles.wrapped_height(h, 18) for h in head)
    first = result.states[0]
    last = result.states[-1]
    steps = prices.steps(result)
    wide = _wide(steps)
    totals = steps[steps.step == "total"].set_index("indicator")["change"]
    rows = {}
    for i, (key, label, kind) in enumerate(INDICATORS):
        r = top + 1 + i
        rows[key] = r
        fmt = _FORMATS[kind] if kind != "year" else "0"
        put(ws, r, 1, T_known(shown_label(label, kind)))
        put(ws, r, 2, _f(prices.level(first, key) if kind == "khr" else first.get(key)), fmt)
        for j, g in enumerate(result.order):
            put(ws, r, 3 + j, _f(wide.loc[key, g]), fmt)
        c_cur = 3 + len(result.order)
        put(ws, r, c_cur, _f(prices.level(last, key) if kind == "khr" else last.get(key)), fmt)
        total = float(totals[key])
        put(ws, r, c_cur + 1, _f(total), fmt)
        lo, hi = get_column_letter(3), get_column_letter(c_cur - 1)
        if not math.isnan(total) and all(not math.isnan(wide.loc[key, g]) for g in result.order):
            put_formula(ws, r, c_cur + 2, f"=SUM({lo}{r}:{hi}{r})", fmt)
    styles.set_widths(ws, {1: 44, **{c: 18 for c in range(2, len(head) + 1)}})
    r = write_money_rows(ws, result, prices, {k: rows[k] for k in MONEY_ROWS},
                         top + len(INDICATORS) + 1) + 2
    put(ws, r, 1, T("What each group changed (key paths whose values differ)"),
        font=styles.SECTION)
    for k, g in enumerate(result.order, start=1):
        put(ws, r + k, 1, T_known(GROUP_TITLES[g]), font=styles.BOLD).alignment = styles.WRAP
        keys = result.changed.get(g, [])
        if g == "roll_forward":
            text = (T("valuation date {d0} -> {d1}", d0=date_text(d0), d1=date_text(d1))
                    if d0 != d1 else T("same valuation date: nothing to roll forward"))
        else:
            text = ", ".join(keys) or T("nothing")
        put_wrapped(ws, r + k, 2, text, len(head))
    ws.freeze_panes = ws.cell(row=top + 1, column=2)


def _waterfall_sheet(ws: Worksheet, result: Any, prices: ChangePrices) -> None:
    from actuary.studies.change import INDICATORS

    put_title(ws, T("Waterfall: from the previous to the current valuation, step by step"),
              T("Stacked columns: an invisible base carries each step's bar to where the "
                "previous step ended. The tables are the charts' data.") + " "
              + prices.note())
    labels = {k: (lab, kind) for k, lab, kind in INDICATORS}
    top = 4
    shown = prices.steps(result)
    for n, key in enumerate(WATERFALL_INDICATORS):
        label, kind = labels[key]
        label = T_known(shown_label(label, kind))
        if kind == "khr" and prices.constant:
            label += " " + T("(constant {year} prices)", year=prices.year)
        steps = shown[shown.indicator == key].set_index("step")
        changes = [float(steps.loc[g, "change"]) for g in result.order]
        levels = (float(steps.loc[result.order[0], "before"]),
                  float(steps.loc[result.order[-1], "after"]))
        table = waterfall_table(["previous", *result.order, "current"], levels, changes)
        put(ws, top, 1, label, font=styles.SECTION)
        table["label"] = [T_known(x) for x in table["label"]]
        cols = [Column("label", T("Step"), None, 16)] + [
            Column(s, T_known(s), _FORMATS[kind], 16) for s in WATERFALL_SERIES]
        last = write_table(ws, table, top + 1, 1, cols)
        ws.add_chart(_chart(ws, label, kind, top + 1, last), f"I{top}")
        top = max(last, top + 22) + 3


def _chart(ws: Worksheet, title: str, kind: str, header: int, last: int) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = styles.small_title(title, 11)
    chart.y_axis.title = T(_AXIS[kind])
    chart.y_axis.number_format = "#,##0,,," if kind == "khr" else (
        "0.0%" if kind == "rate" else _FORMATS[kind])
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = None
    chart.width, chart.height = 22.0, 10.0
    data = Reference(ws, min_col=2, max_col=1 + len(WATERFALL_SERIES), min_row=header,
                     max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
    # neutral colours: whether a rise is good depends on the indicator (GAP, balance)
    colours = {"level": "1F3864", "increase": "ED7D31", "increase (below zero)": "ED7D31",
               "decrease": "5B9BD5", "decrease (below zero)": "5B9BD5"}
    for s, name in zip(chart.series, WATERFALL_SERIES):
        if name == "base":  # the invisible series the bars stand on
            s.graphicalProperties.noFill = True
            s.graphicalProperties.line.noFill = True
        else:
            s.graphicalProperties.solidFill = colours[name]
    return chart


def _order_sheet(ws: Worksheet, result: Any, prices: ChangePrices) -> None:
    put_title(ws, T("Order dependence: each group's change taken first and taken last"),
              T("First: right after the groups it needs (the data update needs the "
                "roll-forward); last: before the groups that need it. Spread = last - first.")
              + " " + prices.note())
    frame = prices.dependence(result)
    if frame.empty:
        put(ws, 4, 1, T("not computed (--no-order-check)"))
        return
    frame["label"] = [T_known(shown_label(lab, k)) for lab, k in zip(frame["label"],
                                                                      frame["kind"])]
    # the group's title, as the Change sheet shows it (change.csv keeps the key)
    from actuary.studies.change_keys import GROUP_TITLES

    frame["group"] = [T_known(GROUP_TITLES.get(g, g)) for g in frame["group"]]
    cols = [Column("group", T("Group"), None, 30), Column("label", T("Indicator"), None, 44),
            Column("in_order", T("In the order used"), None, 18),
            Column("first", T("Taken first"), None, 18), Column("last", T("Taken last"), None, 18),
            Column("spread", T("Spread (last - first)"), None, 18)]
    write_table(ws, frame, 4, 1, cols)
    for i, kind in enumerate(frame["kind"]):
        for c in range(3, 7):
            ws.cell(row=5 + i, column=c).number_format = _FORMATS[kind]
    ws.freeze_panes = ws.cell(row=5, column=1)


def _steps_sheet(ws: Worksheet, result: Any) -> None:
    # the headers are change.csv's column names, in both languages
    put_title(ws, T("Steps (the rows of change.csv)"),
              T("Each value in its indicator's format: money in billions of KHR (the cells and "
                "the CSV hold riel), rates as percentages.") + " "
              + T("Money here is nominal, each state in KHR of its own valuation year, as in "
                  "change.csv."))
    cols = [Column("step", "step", None, 16), Column("indicator", "indicator", None, 26),
            Column("before", "before", styles.PLAIN, 18), Column("after", "after", styles.PLAIN, 18),
            Column("change", "change", styles.PLAIN, 18), Column("label", "meaning", None, 50)]
    steps = result.steps.copy()
    steps["label"] = [T_known(shown_label(lab, k)) for lab, k in zip(steps["label"], steps["kind"])]
    write_table(ws, steps, 3, 1, cols)
    for i, kind in enumerate(steps["kind"]):
        for c in range(3, 6):
            ws.cell(row=4 + i, column=c).number_format = _FORMATS.get(kind, styles.PLAIN)
    ws.freeze_panes = ws.cell(row=4, column=1)


def change_checklist(result: Any) -> str:
    """The reviewer's checklist (Markdown) of an analysis of change's bundle."""
    from .opinion import CPP_QUESTIONS, CPP_SOURCE

    d0, d1 = result.valuation_dates
    out = ["# Reviewer's checklist: analysis of change", "",
           f"From {result.previous} ({d0}) to {result.current} ({d1}), steps in the order "
           f"{' > '.join(result.order)}. Re-run it with `actuary verify THIS.zip`.", "",
           "- [ ] ISAP 2, 3.1: the reconciliation with the previous valuation is complete (the "
           "steps add up to the total: Change sheet, column 'Sum of the steps')",
           "- [ ] the keys each step changed are the intended ones (Change sheet, bottom)",
           "- [ ] the attribution's dependence on the order is small enough to report "
           "(Order dependence sheet)", "",
           "## The five questions of the CPP independent peer review", "",
           f"Source: {CPP_SOURCE}. In our words:", ""]
    out += [f"- [ ] {k}. {q}" for k, (q, _w) in enumerate(CPP_QUESTIONS, 1)]
    return "\n".join(out) + "\n"


def build_change_workbook(result: Any, prices: str = "nominal") -> Workbook:
    """The workbook of an analysis of change (:class:`actuary.studies.change.ChangeResult`),
    its money in ``prices`` (``nominal`` or ``constant``: :class:`ChangePrices`)."""
    money = ChangePrices.of(result, prices)
    wb = Workbook()
    wb.remove(wb.active)
    ws = {name: wb.create_sheet(name) for name in CHANGE_SHEETS}
    _change_sheet(ws["Change"], result, money)
    _waterfall_sheet(ws["Waterfall"], result, money)
    _order_sheet(ws["Order dependence"], result, money)
    _steps_sheet(ws["Steps"], result)
    for sheet in wb.worksheets:
        styles.protect(sheet)
    finish_workbook(wb, T("Analysis of change: {previous} to {current}",
                          previous=result.previous, current=result.current), _STAMP)
    return wb


def write_change_workbook(result: Any, path: str | os.PathLike[str],
                          prices: str = "nominal") -> Path:
    """Write the analysis-of-change workbook to ``path`` (``.xlsx``), atomically, its money
    in ``prices`` (``nominal`` or ``constant``)."""
    return write_xlsx(lambda r: build_change_workbook(r, prices), result, path)
