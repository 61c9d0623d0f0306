"""The comparison workbook: scenarios side by side (``actuary compare ... --out FILE.xlsx``).

Sheets: Comparison (the indicators of every scenario and their change from the base;
shares of GDP as percentages, present values in KHR and as shares of the PV of GDP),
Yearly (one block of columns per scenario), Charts (native line charts over the Yearly
sheet: reserve and budget cost as shares of GDP, PAYG cost rate, one series per scenario),
Designs (what each design adds: the transition cost and its split, the groups, the tiers
and the elderly by tier, the take-up; :mod:`actuary.reports.designs_sheet`),
Scenarios (what each one is, its files and content hash) and Provenance.

The changes from the base, the PAYG cost rates, the budget cost and the reserve as shares
of GDP, the reserve in years of expenditure and the change of the budget cost from the
base are live formulas over the numbers written
(the base is the first scenario), so a reader can follow them; everything else is a
number from the Python result. Row 3 of the Comparison and Yearly sheets holds a key per
column (``scenario:<name>``, ``change:<name>``, ``<name>|<column>``) and the last column
of the Comparison sheet the summary key of each row, so every cell can be traced to its
source. The file is written atomically (:func:`actuary.io.fileio.atomic_path`) and the same
comparison gives the same bytes (the run's time from the provenance stamps it).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .cells import Column, put, put_formula, put_title, write_table
from .designs_sheet import write_designs_sheet
from .i18n import N_, T, T_known, current, num, tr
from .scenario_notes import scenario_kind, scenario_note
from .money import USD_M, Prices, nominal, prices_for
from .workbook import finish_workbook, write_xlsx

__all__ = ["build_comparison_workbook", "write_comparison_workbook", "COMPARE_SHEETS",
           "KEY_ROW", "HEADER_ROW", "FIRST_ROW", "YEARLY_BLOCK", "CHART_TITLES"]

COMPARE_SHEETS = ("Comparison", "Yearly", "Charts", "Designs", "Scenarios", "Provenance")
KEY_ROW = 3
HEADER_ROW = 4
FIRST_ROW = 5
_FORMATS = {"rate": styles.RATE, "year": styles.YEAR, "ratio": styles.RATIO,
            "khr": styles.KHR_BN, "pct": styles.RATE}
_UNITS = {"rate": N_("share of insurable earnings"), "year": N_("calendar year"),
          "ratio": N_("years of expenditure"), "khr": N_("KHR bn at the valuation date"),
          "pct": N_("share of GDP")}
#: Yearly money columns (deflated in constant prices; their ratios do not change).
_MONEY = ("insurable_earnings", "contributions", "expenditure", "reserve_end", "budget_cost",
          "gdp")
#: A scenario whose largest |value| on a chart is below this share of the chart's largest
#: is drawn flat on the zero line: it gets a chart of its own too (see _charts_sheet).
FLAT_SHARE = 0.25
#: Summary values of kind ``pct`` are per cent; the sheet writes them as fractions in a
#: percentage format (1.25 per cent is the cell 0.0125 shown 1.25%).
_SCALE = {"pct": 0.01}
#: Columns of each scenario's block on the Yearly sheet: (key, header, format, formula?).
YEARLY_BLOCK = (
    ("active", N_("Active, 1 Jan"), styles.COUNT, False),
    ("insurable_earnings", N_("Insurable earnings S_t (KHR bn)"), styles.KHR_BN, False),
    ("contributions", N_("Contributions C_t (KHR bn)"), styles.KHR_BN, False),
    ("expenditure", N_("Expenditure B_t (KHR bn)"), styles.KHR_BN, False),
    ("payg_cost_rate", N_("PAYG cost rate = B_t / S_t"), styles.RATE, True),
    ("reserve_end", N_("Reserve, end of year (KHR bn)"), styles.KHR_BN, False),
    ("reserve_usd", N_("Reserve, end of year (USD m) = reserve / exchange rate"), USD_M, True),
    ("budget_cost", N_("Budget cost (KHR bn)"), styles.KHR_BN, False),
    ("gdp", N_("GDP (KHR bn)"), styles.KHR_BN, False),
    ("budget_cost_pct_gdp", N_("Budget cost, share of GDP = cost / GDP"), styles.RATE, True),
    ("reserve_pct_gdp", N_("Reserve, share of GDP = reserve / GDP"), styles.RATE, True),
    ("reserve_expenditure", N_("Reserve / expenditure (years of expenditure)"), styles.RATIO, True),
)
CHART_TITLES = (
    N_("Reserve at the end of the year, % of GDP (with the budget's top-ups where guaranteed)"),
    N_("PAYG cost rate (% of insurable earnings)"),
    N_("Budget cost (% of GDP)"),
)


def _comparison_sheet(ws: Worksheet, comparison: Any) -> None:
    names = [s.name for s in comparison.scenarios]
    base = names[0]
    put_title(ws, T("Comparison: indicators of each scenario and their change from the base"),
              T("Base: {base}. Changes are live formulas (scenario minus base). GAP, depletion "
                "and reserve ratio are the scheme's own (without the budget's top-ups); the "
                "budget cost is what the state pays (contributions as employer or subsidy, and "
                "deficits it covers). Present values at the set's investment return, mid-year, "
                "in billions of KHR at the valuation date (the same in nominal and constant "
                "prices) and as shares of the present value of GDP.", base=base))
    heads = [("indicator", T("Indicator"), 46), ("unit", T("Unit"), 24)]
    heads += [(f"scenario:{n}", n, 20) for n in names]
    heads += [(f"change:{n}", T("Change: {name} minus {base}", name=n, base=base), 20)
              for n in names[1:]]
    heads += [("key", T("Key (summary)"), 30)]
    for j, (key, text, width) in enumerate(heads, start=1):
        put(ws, KEY_ROW, j, key, font=styles.KEY)
        put(ws, HEADER_ROW, j, text)
        ws.column_dimensions[get_column_letter(j)].width = width
    styles.style_header(ws, HEADER_ROW, 1, len(heads))
    ws.row_dimensions[HEADER_ROW].height = 45
    table = comparison.table
    first_value = 3
    base_col = get_column_letter(first_value)
    for i, row in enumerate(table.itertuples(index=False)):
        r = FIRST_ROW + i
        rec = dict(zip(table.columns, row))
        fmt = _FORMATS[rec["kind"]]
        put(ws, r, 1, T_known(str(rec["indicator"])))
        put(ws, r, 2, T(_UNITS[rec["kind"]]))
        scale = _SCALE.get(rec["kind"], 1.0)
        for j, n in enumerate(names):
            v = rec[n]
            put(ws, r, first_value + j, v * scale if v is not None else None, fmt)
        for j, n in enumerate(names[1:], start=1):
            col = get_column_letter(first_value + j)
            put_formula(ws, r, first_value + len(names) + j - 1,
                        f'=IF(OR({col}{r}="",{base_col}{r}=""),"",{col}{r}-{base_col}{r})',
                        fmt if rec["kind"] != "year" else styles.YEAR)
        put(ws, r, len(heads), f"summary.{rec['key']}", font=styles.KEY)
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=3)


def _yearly_sheet(ws: Worksheet, comparison: Any, prices: Prices) -> dict[tuple[str, str], int]:
    """The Yearly sheet (money in ``prices``); returns the column of each (scenario, key)."""
    scenarios = comparison.scenarios
    base = scenarios[0]
    years = [int(y) for y in base.yearly["year"]]
    put_title(ws, T("Yearly: each scenario's people and money (billions of {prices})",
                    prices=prices.label(current())),
              T("One block of columns per scenario. PAYG cost rates, budget cost and reserve as "
              "shares of GDP, reserve / expenditure, the reserve in USD (at the base set's "
              "exchange rate, column B) and the change of the budget cost from the base are "
              "live formulas. Each money cell holds the KHR; it shows in billions."))
    put(ws, KEY_ROW, 1, "year", font=styles.KEY)
    put(ws, HEADER_ROW, 1, T("Year"))
    put(ws, KEY_ROW, 2, "exchange_rate", font=styles.KEY)
    put(ws, HEADER_ROW, 2, tr("exchange_rate_of", current(), year=str(prices.base_year))
        if prices.constant else tr("exchange_rate", current()))
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 11
    cols: dict[tuple[str, str], int] = {}
    c = 3
    for k, sc in enumerate(scenarios):
        block = list(YEARLY_BLOCK)
        if k > 0:
            block.append(("budget_cost_change", T("Budget cost minus {name}'s (KHR bn)",
                                                  name=base.name),
                          styles.KHR_BN, True))
        for key, header, _fmt, _f in block:
            cols[(sc.name, key)] = c
            put(ws, KEY_ROW, c, f"{sc.name}|{key}", font=styles.KEY)
            put(ws, HEADER_ROW, c, f"{sc.name}: {T(header) if key != 'budget_cost_change' else header}")
            ws.column_dimensions[get_column_letter(c)].width = 18
            c += 1
    styles.style_header(ws, HEADER_ROW, 1, c - 1)
    ws.row_dimensions[HEADER_ROW].height = 75
    formulas = {"payg_cost_rate": ("expenditure", "insurable_earnings"),
                "budget_cost_pct_gdp": ("budget_cost", "gdp"),
                "reserve_pct_gdp": ("reserve_end", "gdp"),
                "reserve_expenditure": ("reserve_end", "expenditure")}
    shown = {sc.name: _in_prices(sc.yearly, prices) for sc in scenarios}
    for t, year in enumerate(years):
        r = FIRST_ROW + t
        put(ws, r, 1, year, styles.YEAR)
        put(ws, r, 2, prices.usd_rate(year), "#,##0", fill=styles.INPUT_FILL)
        for k, sc in enumerate(scenarios):
            y = shown[sc.name]
            L = {key: get_column_letter(cols[(sc.name, key)]) for key, *_ in YEARLY_BLOCK}
            L["exchange_rate"] = "B"
            for key, _h, fmt, is_formula in YEARLY_BLOCK:
                col = cols[(sc.name, key)]
                if not is_formula:
                    put(ws, r, col, y[key].iloc[t], fmt, fill=styles.INPUT_FILL)
                else:
                    num, den = formulas.get(key, ("reserve_end", "exchange_rate"))
                    a, d = L[num], L[den]
                    put_formula(ws, r, col, f'=IF({d}{r}>0,{a}{r}/{d}{r},"")', fmt)
            if k > 0:
                mine = get_column_letter(cols[(sc.name, "budget_cost")])
                theirs = get_column_letter(cols[(base.name, "budget_cost")])
                put_formula(ws, r, cols[(sc.name, "budget_cost_change")],
                            f"={mine}{r}-{theirs}{r}", styles.KHR_BN)
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=3)
    return cols


def _in_prices(yearly: Any, prices: Prices) -> Any:
    """A scenario's yearly table with its money in ``prices``."""
    if not prices.constant:
        return yearly
    out = yearly.copy()
    for key in _MONEY:
        out[key] = prices.deflate(out[key].to_numpy(dtype=float), out["year"].to_numpy())
    return out


def flat_scenarios(comparison: Any, key: str, share: float = FLAT_SHARE) -> list[str]:
    """Scenarios whose largest |value| of ``key`` is below ``share`` of the largest over
    all scenarios (a line that a common axis draws flat on zero), from the Python values."""
    peaks = {}
    for sc in comparison.scenarios:
        y = sc.yearly
        num, den = {"reserve_pct_gdp": ("reserve_end", "gdp"),
                    "budget_cost_pct_gdp": ("budget_cost", "gdp"),
                    "payg_cost_rate": ("expenditure", "insurable_earnings")}[key]
        with np.errstate(divide="ignore", invalid="ignore"):
            v = np.abs(y[num].to_numpy(dtype=float) / y[den].to_numpy(dtype=float))
        v = v[np.isfinite(v)]
        peaks[sc.name] = float(v.max()) if v.size else 0.0
    top = max(peaks.values(), default=0.0)
    return [n for n, p in peaks.items() if top > 0 and 0 < p < share * top]


def _chart(ws: Worksheet, comparison: Any, cols: dict, key: str, title: str, y_title: str,
           fmt: str, names: list[str] | None = None, size: tuple[float, float] = (24.0, 11.0)
           ) -> LineChart:
    """A line chart of ``key`` over the years, one series per scenario (of ``names``, default
    all): units in the title and the one axis title, none on the axis of years."""
    n = len(comparison.scenarios[0].yearly)
    chart = LineChart()
    chart.title = styles.small_title(title, 11)
    chart.y_axis.title = y_title
    chart.y_axis.number_format = fmt
    chart.y_axis.majorGridlines = None
    chart.width, chart.height = size
    chart.legend.position = "b"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = 10
    for sc in comparison.scenarios:
        if names is not None and sc.name not in names:
            continue
        col = cols[(sc.name, key)]
        ref = Reference(ws, min_col=col, max_col=col, min_row=FIRST_ROW, max_row=FIRST_ROW + n - 1)
        chart.series.append(Series(ref, title=sc.name))
    chart.set_categories(Reference(ws, min_col=1, max_col=1, min_row=FIRST_ROW,
                                   max_row=FIRST_ROW + n - 1))
    return chart


#: (key, title, axis title, axis format) of the Charts sheet's charts.
CHART_SPECS = (("reserve_pct_gdp", CHART_TITLES[0], N_("% of GDP"), "0%"),
               ("payg_cost_rate", CHART_TITLES[1], N_("% of insurable earnings"), "0%"),
               # budget costs are small shares: two decimals (0.0% showed 0.1% twice)
               ("budget_cost_pct_gdp", CHART_TITLES[2], N_("% of GDP"), "0.00%"))


def _charts_sheet(ws: Worksheet, yearly: Worksheet, comparison: Any, cols: dict) -> None:
    """Every scenario on one chart per indicator; then each scenario that chart draws flat
    on the zero line (a small scheme beside a large one) on a chart of its own scale.

    Why separate charts rather than a second axis or a log scale: a second axis puts two
    scales of the same unit on one picture (read against the wrong one, the small scheme
    looks as large as the big one); a log scale cannot show a reserve below zero; shares of
    GDP already remove the growth of money over time but not the difference of size between
    schemes. The common chart stays for the comparison; the own-scale chart shows the shape.
    """
    put_title(ws, T("Charts: the scenarios over time"),
              T("Native charts over the Yearly sheet (one line per scenario). A scenario drawn "
                "flat on a common chart (peak below {share} of the largest) is shown again "
                "below on its own scale.", share=num(f"{FLAT_SHARE:.0%}")))
    row = 3
    specs = [(key, T(title), T(y_title), fmt) for key, title, y_title, fmt in CHART_SPECS]
    for key, title, y_title, fmt in specs:
        ws.add_chart(_chart(yearly, comparison, cols, key, title, y_title, fmt), f"A{row}")
        row += 23
    for key, title, y_title, fmt in specs:
        for name in flat_scenarios(comparison, key):
            own = T("{title}: {name} on its own scale ({unit})", title=title.split(" (")[0],
                    name=name, unit=y_title)
            # a small scheme's shares need two decimals
            ws.add_chart(_chart(yearly, comparison, cols, key, own, y_title, "0.00%", [name]),
                         f"A{row}")
            row += 23


def _scenarios_sheet(ws: Worksheet, comparison: Any) -> None:
    import pandas as pd

    put_title(ws, T("Scenarios: what each one is"),
              T("The first is the base. A design combines projections (see actuary.schemes.public_sector)."))
    rows = [{"name": s.name, "kind": scenario_kind(s.kind), "description": s.description,
             "hash": s.content_hash, "files": "\n".join(s.files),
             "notes": "\n".join(scenario_note(n) for n in s.notes)}
            for s in comparison.scenarios]
    last = write_table(ws, pd.DataFrame(rows), 4, 1, [
        Column("name", T("Scenario"), None, 26), Column("kind", T("Kind"), None, 12),
        Column("description", T("Description"), None, 70),
        Column("hash", T("Content hash (SHA-256)"), None, 30),
        Column("files", T("Files read"), None, 60), Column("notes", T("Notes"), None, 60)])
    for r in range(5, last + 1):
        for c in range(1, 7):
            ws.cell(row=r, column=c).alignment = styles.WRAP


def _provenance_sheet(ws: Worksheet, comparison: Any) -> None:
    import pandas as pd

    prov = comparison.provenance or {}
    put_title(ws, T("Provenance: how this comparison was produced"),
              T("Same inputs and versions give the same results (DESIGN section 7)."))
    put(ws, 3, 1, T("Command"), font=styles.BOLD)
    put(ws, 3, 2, prov.get("command", ""))
    put(ws, 4, 1, T("Run at (UTC)"), font=styles.BOLD)
    put(ws, 4, 2, prov.get("run_at_utc", ""))
    # in the order the scenarios read them, not by path (see data_sheets.write_provenance)
    files = pd.DataFrame(list(prov.get("files", {}).items()), columns=["path", "sha256"])
    nxt = write_table(ws, files, 6, 1, [Column("path", T("File"), None, 60),
                                        Column("sha256", T("SHA-256"), None, 68)])
    versions = pd.DataFrame(sorted(prov.get("versions", {}).items()), columns=["package", "version"])
    write_table(ws, versions, nxt + 2, 1, [Column("package", T("Package"), None, 60),
                                           Column("version", T("Version"), None, 68)])


def _stamp(comparison: Any) -> datetime:
    text = (comparison.provenance or {}).get("run_at_utc")
    if text:
        try:
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            pass
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def comparison_prices(comparison: Any, prices: str = "nominal") -> Prices:
    """The :class:`~actuary.reports.money.Prices` of the base scenario's assumption set
    (its CPI path and exchange rate) over the comparison's years."""
    base = comparison.scenarios[0]
    years = base.yearly["year"]
    y0, y1 = int(years.iloc[0]), int(years.iloc[-1])
    aset = next((getattr(p, "aset", None) for p in base.parts.values()
                 if getattr(p, "aset", None) is not None), None)
    if aset is None:
        return nominal(y0, years.to_numpy())
    return prices_for(aset, y0, y1, prices)


def build_comparison_workbook(comparison: Any, prices: str = "nominal") -> Workbook:
    """The comparison workbook in memory (see the module docstring); the Yearly sheet's
    money in ``prices`` (``nominal``, ``constant``: :mod:`actuary.reports.money`)."""
    wb = Workbook()
    wb.remove(wb.active)
    ws = {name: wb.create_sheet(name) for name in COMPARE_SHEETS}
    _comparison_sheet(ws["Comparison"], comparison)
    cols = _yearly_sheet(ws["Yearly"], comparison, comparison_prices(comparison, prices))
    _charts_sheet(ws["Charts"], ws["Yearly"], comparison, cols)
    write_designs_sheet(ws["Designs"], comparison, KEY_ROW, HEADER_ROW, FIRST_ROW)
    _scenarios_sheet(ws["Scenarios"], comparison)
    _provenance_sheet(ws["Provenance"], comparison)
    for sheet in wb.worksheets:
        styles.protect(sheet)
    wb.active = 0
    finish_workbook(wb, T("Comparison of scenarios: {names}", names=", ".join(
        s.name for s in comparison.scenarios)), _stamp(comparison))
    return wb


def write_comparison_workbook(comparison: Any, path: str | os.PathLike[str],
                              prices: str = "nominal") -> Path:
    """Write the comparison workbook to ``path`` (``.xlsx``), atomically (the Yearly
    sheet's money in ``prices``).

    Raises
    ------
    DataError
        If ``path`` does not end in ``.xlsx``.
    """
    return write_xlsx(lambda c: build_comparison_workbook(c, prices), comparison, path)
