"""The workbook of an occupational-risk valuation (:mod:`actuary.schemes.occupational_risk`).

Sheets: Summary (the headline: the rate needed under constituent capitals against the
rate charged, GAP, reserve, the present value of pensions in payment, cost by benefit,
what the results rest on; charts of the cost rates and the reserve over the years), Projection (year by year; the PAYG cost rate, reserve ratio
and funded ratio are live formulas), By sex, Awards (permanent disabilities by degree),
Pensions in payment (on the valuation date), Sensitivity, Method (the definitions, read
from the code's docstrings), Assumptions and Provenance (as in the pension workbook).
Written atomically; the same result gives the same bytes.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from . import styles
from .cells import Column, put, put_formula, put_title, put_wrapped, write_table
from .data_sheets import write_assumptions, write_provenance
from .definitions import docstring_text
from .i18n import N_, T, T_known, catalogue, current, date_text, num, tr
from .money import USD_M, Prices, money_columns, prices_for
from .sensitivity_names import name_of_test
from .workbook import finish_workbook, run_time, write_xlsx

__all__ = ["build_occupational_risk_workbook", "write_occupational_risk_workbook", "SHEETS",
           "headline_rows"]

SHEETS = ("Summary", "Projection", "By sex", "Awards", "Pensions in payment", "Sensitivity",
          "Method", "Assumptions", "Provenance")

# yearly column -> (header, format, width)
_YEARLY = {
    "year": (N_("Year"), styles.YEAR, 8),
    "contributor_years": (N_("Contributor-years"), styles.COUNT, 14),
    "injuries": (N_("Work injuries"), styles.COUNT, 12),
    "fatal_injuries": (N_("Fatal injuries"), styles.COUNT, 10),
    "permanent_disabilities": (N_("Permanent disabilities"), styles.COUNT, 12),
    "lump_sum_awards": (N_("Lump sums awarded"), styles.COUNT, 11),
    "new_disability_pensions": (N_("New disability pensions"), styles.COUNT, 11),
    "new_spouse_pensions": (N_("New spouse pensions"), styles.COUNT, 11),
    "new_orphan_pensions": (N_("New orphan pensions"), styles.COUNT, 11),
    "disability_pensioners": (N_("Disability pensioners, 1 Jan"), styles.COUNT, 12),
    "spouse_pensioners": (N_("Spouse pensioners, 1 Jan"), styles.COUNT, 12),
    "orphan_pensioners": (N_("Orphan pensioners, 1 Jan"), styles.COUNT, 12),
    "contribution_rate": (N_("Contribution rate"), styles.RATE, 10),
    "insurable_earnings": (N_("Insurable earnings (KHR bn)"), styles.KHR_BN, 20),
    "contributions": (N_("Contributions (KHR bn)"), styles.KHR_BN, 18),
    "temporary_disability_benefits": (N_("Temporary disability (KHR bn)"), styles.KHR_BN, 17),
    "funeral_grants": (N_("Funeral grants (KHR bn)"), styles.KHR_BN, 15),
    "lump_sums": (N_("Lump sums (KHR bn)"), styles.KHR_BN, 16),
    "permanent_disability_benefits": (N_("Disability pensions paid (KHR bn)"), styles.KHR_BN, 18),
    "survivor_benefits": (N_("Survivors' pensions paid (KHR bn)"), styles.KHR_BN, 18),
    "medical_costs": (N_("Medical and rehabilitation (KHR bn)"), styles.KHR_BN, 18),
    "benefits": (N_("Benefits (KHR bn)"), styles.KHR_BN, 18),
    "admin": (N_("Administration (KHR bn)"), styles.KHR_BN, 16),
    "expenditure": (N_("Expenditure (KHR bn)"), styles.KHR_BN, 18),
    "cv_new_disability_pensions": (N_("Capital value, new disability pensions (KHR bn)"),
                                   styles.KHR_BN, 20),
    "cv_new_survivor_pensions": (N_("Capital value, new survivors' pensions (KHR bn)"),
                                 styles.KHR_BN, 20),
    "acc_cost": (N_("Constituent-capitals cost (KHR bn)"), styles.KHR_BN, 20),
    "acc_cost_rate": (N_("Rate needed (constituent capitals)"), styles.RATE, 12),
    "payg_cost_rate": (N_("PAYG cost rate"), styles.RATE, 10),
    "investment_return": (N_("Return"), styles.RATE, 8),
    "investment_income": (N_("Investment income (KHR bn)"), styles.KHR_BN, 18),
    "reserve_end": (N_("Reserve, end of year (KHR bn)"), styles.KHR_BN, 20),
    "reserve_ratio": (N_("Reserve ratio (years)"), styles.RATIO, 10),
    "pv_pensions_in_payment_end": (N_("PV of pensions in payment, end of year (KHR bn)"),
                                   styles.KHR_BN, 20),
    "funded_ratio": (N_("Reserve / PV of pensions in payment"), styles.RATIO, 12),
    "gdp": (N_("GDP (KHR bn)"), styles.KHR_BN, 20),
    "expenditure_pct_gdp": (N_("Expenditure, % of GDP"), styles.PERCENT_POINTS, 10),
}
# live formulas: column -> (numerator, denominator)
_FORMULAS = {"payg_cost_rate": ("expenditure", "insurable_earnings"),
             "reserve_ratio": ("reserve_end", "expenditure"),
             "funded_ratio": ("reserve_end", "pv_pensions_in_payment_end")}


def _pct(x: Any) -> str:
    if x is None or x != x:
        return "-"
    return f"{100 * x:.3f}%"


def headline_rows(result: Any) -> list[tuple[str, Any, str | None]]:
    """(label, value, number format) of the headline figures, shared with the CLI."""
    s = result.summary
    rows: list[tuple[str, Any, str | None]] = [
        (T("Contribution rate charged"), s["contribution_rate"], styles.RATE)]
    for n in (1, 10, 25, 75):
        if f"rate_needed_{n}" in s:
            label = T("year 1") if n == 1 else T("first {n} years", n=n)
            rows.append((T("Rate needed, constituent capitals, {period}", period=label),
                         s[f"rate_needed_{n}"], styles.RATE))
    for n in (25, 50, 75):
        if s.get(f"gap_{n}") is not None:
            rows.append((T("GAP {n} years (pay-as-you-go view, from the reserve)", n=n),
                         s[f"gap_{n}"], styles.RATE))
    rows += [(T("PAYG cost rate, year 1"), s["payg_year_1"], styles.RATE),
             (T("Reserve on the valuation date (KHR bn)"), s["reserve0"], styles.KHR_BN),
             (T("PV of pensions in payment on the valuation date (KHR bn)"),
              s["pv_pensions_in_payment_0"], styles.KHR_BN),
             (T("Reserve / PV of pensions in payment"), s["funded_ratio_0"], styles.RATIO),
             (T("Reserve ratio, year 10 (years of expenditure)"), s.get("reserve_ratio_year_10"),
              styles.RATIO),
             (T("Depletion year (legislated rate)"), s.get("depletion_year") or T("none"), None)]
    return rows


def _summary(ws: Any, result: Any, prices: Prices) -> None:
    aset, s = result.aset, result.summary
    o = aset.occupational_risk
    put_title(ws, T("Occupational-risk valuation: {name}", name=o.description),
              T("{name} (hash {hash}), valuation date {date}, {first}-{last}. Year by year on "
                "the Projection sheet; definitions on the Method sheet. Money in billions of "
                "KHR at the valuation date, in USD at the set's exchange rate of {year} and as "
                "a share of that year's GDP.", name=aset.name, hash=aset.content_hash()[:12],
                date=date_text(aset.valuation_date), first=int(s["first_year"]),
                last=int(s["last_year"]), year=prices.base_year))
    styles.set_widths(ws, {1: 58, 2: 22, 3: 22, 4: 22})
    # the title and the note wrapped over the table's width (they print cut otherwise)
    put_wrapped(ws, 1, 1, ws["A1"].value, 4, scale=14 / 11, font=styles.TITLE)
    put_wrapped(ws, 2, 1, ws["A2"].value, 4, font=styles.SUBTITLE)
    r = 4
    put(ws, r, 1, T("Headline"), font=styles.SECTION)
    y0 = int(s["first_year"])
    rate = prices.usd_rate(y0)
    gdp0 = (float(result.yearly["gdp"].iloc[0]) if "gdp" in result.yearly.columns
            else None)
    put(ws, r, 3, f"{tr('unit_usd_m', current())}" if rate else None, font=styles.BOLD)
    put(ws, r, 4, f"{tr('unit_pct_gdp', current())} {num(y0)}" if gdp0 else None,
        font=styles.BOLD)
    for label, value, fmt in headline_rows(result):
        r += 1
        put(ws, r, 1, label, font=styles.BOLD)
        put(ws, r, 2, value, fmt)
        if fmt == styles.KHR_BN and value is not None:
            # formulas over the KHR cell, at the valuation year's rate and GDP
            if rate:
                put_formula(ws, r, 3, f"=B{r}/{rate!r}", USD_M)
            if gdp0:
                put_formula(ws, r, 4, f"=B{r}/{gdp0!r}", styles.RATE)
    r += 2
    put(ws, r, 1, T("Rate needed by sex of the insured (constituent capitals)"), font=styles.SECTION)
    for j, h in enumerate((T("Period"), T("Men"), T("Women")), start=1):
        put(ws, r + 1, j, h)
    styles.style_header(ws, r + 1, 1, 3)
    r += 1
    for n in (1, 10, 25, 75):
        if f"rate_needed_{n}_M" in s:
            r += 1
            put(ws, r, 1, T("year 1") if n == 1 else T("first {n} years", n=n))
            put(ws, r, 2, s[f"rate_needed_{n}_M"], styles.RATE)
            put(ws, r, 3, s[f"rate_needed_{n}_F"], styles.RATE)
    r += 2
    put(ws, r, 1, T("Cost by benefit, year 1 (share of insurable earnings)"), font=styles.SECTION)
    labels = {"temporary_disability_benefits": T("Temporary disability (short-term)"),
              "funeral_grants": T("Funeral grants (short-term)"), "lump_sums": T("Lump sums"),
              "cv_new_disability_pensions": T("New disability pensions, capital value"),
              "cv_new_survivor_pensions": T("New survivors' pensions, capital value"),
              "medical_costs": T("Medical care and rehabilitation"),
              "permanent_disability_benefits": T("Disability pensions paid (pay-as-you-go)"),
              "survivor_benefits": T("Survivors' pensions paid (pay-as-you-go)")}
    for key, label in labels.items():
        r += 1
        put(ws, r, 1, label)
        put(ws, r, 2, s[f"cost_rate_year_1_{key}"], styles.RATE)
    r += 2
    from actuary.schemes.occupational_risk.valuation import rests_on

    unverified, unused = rests_on(aset)
    put(ws, r, 1, T("What the results rest on: {n} unverified parameters or tables (replace "
                    "them; details on the Assumptions sheet)", n=len(unverified)),
        font=styles.SECTION)
    # Wrapped texts get merged room and a row height for their lines: LibreOffice prints
    # a wrapped cell of an .xlsx row left at the default height over the rows below it.
    if unused:
        r += 1
        note = T("{n} more unverified items of the pension scheme do not move these "
                 "results: {items}", n=len(unused), items=", ".join(u[0] for u in unused))
        put_wrapped(ws, r, 1, note, 4, font=styles.NOTE)
    for path, description, _status, _ref in unverified:
        r += 1
        put(ws, r, 1, path, fill=styles.UNVERIFIED_FILL).alignment = styles.WRAP
        put_wrapped(ws, r, 2, description, 4)


def _in_prices(frame: pd.DataFrame, prices: Prices, money: set[str]) -> pd.DataFrame:
    """``frame`` (a ``year`` column) with its ``money`` columns in ``prices``."""
    if not prices.constant:
        return frame
    out = frame.copy()
    for c in money & set(out.columns):
        out[c] = prices.deflate(out[c].to_numpy(), out["year"].to_numpy())
    return out


_MONEY = {k for k, v in _YEARLY.items() if v[1] == styles.KHR_BN}


def _projection(ws: Any, result: Any, prices: Prices) -> tuple[dict[str, int], int, int]:
    """The Projection sheet; returns the column of each key and the first and last data
    rows."""
    put_title(ws, T("Projection: the branch year by year (billions of {prices})",
                    prices=prices.label(current())),
              T("Money in billions of {prices}, in USD (millions) and as a share of GDP at the "
                "right; people by sex and age summed. The PAYG cost rate, reserve ratio, funded "
                "ratio, USD and shares of GDP are live formulas.", prices=prices.label(current())))
    frame = _in_prices(result.yearly, prices, _MONEY)
    cols = [Column(k, T(_YEARLY[k][0]), *_YEARLY[k][1:]) for k in _YEARLY if k in frame.columns]
    top = 4
    last = write_table(ws, frame, top, 1, cols)
    letter0 = {c.key: get_column_letter(j) for j, c in enumerate(cols, start=1)}
    reserve_name = T("Reserve, end of year")
    shown = [(name, letter0[k]) for k, name in (("reserve_end", reserve_name),
                                                ("expenditure", T("Expenditure")))
             if k in letter0]
    money_columns(ws, top, range(top + 1, last + 1), frame["year"].tolist(), len(cols) + 1,
                  shown, letter0.get("gdp"), prices, lang=current(), gdp_of=[reserve_name])
    letter = {c.key: get_column_letter(j) for j, c in enumerate(cols, start=1)}
    for key, (num, den) in _FORMULAS.items():
        if key not in letter:
            continue
        col = cols.index(next(c for c in cols if c.key == key)) + 1
        for row in range(top + 1, last + 1):
            a, b = f"{letter[num]}{row}", f"{letter[den]}{row}"
            put_formula(ws, row, col, f'=IF({b}>0,{a}/{b},"")', _YEARLY[key][1])
    ws.freeze_panes = ws.cell(row=top + 1, column=2)
    return {c.key: j for j, c in enumerate(cols, start=1)}, top + 1, last


#: The Summary's charts: (title, axis title, axis format, Projection columns plotted).
CHARTS = (
    (N_("Cost rates year by year (% of insurable earnings)"), N_("% of insurable earnings"),
     "0.0%", ("acc_cost_rate", "payg_cost_rate", "contribution_rate")),
    (N_("Reserve at the end of the year (KHR billion, {prices})"), N_("KHR billion"),
     "#,##0,,,", ("reserve_end",)),
)
_LEGENDS = {"acc_cost_rate": N_("Rate needed (constituent capitals)"),
            "payg_cost_rate": N_("PAYG cost rate"), "contribution_rate": N_("Rate charged"),
            "reserve_end": N_("Reserve")}


def _charts(ws: Any, proj: Any, columns: dict[str, int], first: int, last: int,
            prices: Prices) -> None:
    """The Summary's charts under its last row, over the Projection sheet's columns: the
    rate needed against the PAYG cost rate and the rate charged; the reserve. Units in
    the titles, one axis title each (none on the years)."""
    from openpyxl.chart import LineChart, Reference, Series

    at = ws.max_row + 3
    years = Reference(proj, min_col=columns["year"], min_row=first, max_row=last)
    for k, (title, axis, fmt, keys) in enumerate(CHARTS):
        chart = LineChart()
        chart.title = styles.small_title(T(title, prices=prices.label(current())), 11)
        chart.y_axis.title = T(axis)
        chart.y_axis.number_format = fmt
        chart.y_axis.majorGridlines = None
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.x_axis.tickLblSkip = 10
        chart.legend.position = "b"
        chart.width, chart.height = 16.0, 8.0
        for key in keys:
            if key in columns:
                ref = Reference(proj, min_col=columns[key], min_row=first, max_row=last)
                chart.series.append(Series(ref, title=T(_LEGENDS[key])))
        chart.set_categories(years)
        ws.add_chart(chart, f"A{at + 18 * k}")


def _plain(ws: Any, title: str, note: str, frame: pd.DataFrame, fmt_of: dict[str, str]) -> None:
    """A table of ``frame``; a float column not in ``fmt_of`` is money, in KHR bn."""
    put_title(ws, title, note)
    cols = []
    for c in frame.columns:
        fmt = fmt_of.get(c, styles.KHR_BN if frame[c].dtype.kind == "f" else None)
        head = T_known(c.replace("_", " ")) + {styles.KHR_BN: " (" + T("KHR bn") + ")",
                                               styles.KHR: " (" + T("KHR") + ")"}.get(fmt, "")
        cols.append(Column(c, head, fmt, 14))
    write_table(ws, frame, 4, 1, cols)
    ws.freeze_panes = ws.cell(row=5, column=2)


def _sensitivity(ws: Any, result: Any) -> None:
    frame = result.sensitivity
    if frame is None or frame.empty:
        put_title(ws, T("Sensitivity"), T("No sensitivities were run for this valuation."))
        return
    rates = {c: styles.RATE for c in ("rate_needed_year_1", "rate_needed", "rate_needed_change",
                                      "gap", "gap_change")}
    rates.update(rate_horizon="0", gap_horizon="0", reserve_ratio_year_10=styles.RATIO,
                 depletion_year=styles.YEAR, test=None, description=None)
    frame = frame.assign(test=[name_of_test(t) for t in frame["test"]])
    _plain(ws, T("Sensitivity: one assumption at a time"),
           T("Each test re-runs the branch with one change; the pensions in payment and (but "
             "for the wage tests) the insured population are the base's."), frame, rates)


def _method(ws: Any) -> None:
    from actuary.schemes.occupational_risk import financing, projection, rules

    put_title(ws, T("Method: what is computed and how"),
              T("Read from the toolkit's code (actuary/schemes/occupational_risk)."))
    ws.column_dimensions["A"].width = 150
    r = 3
    # the section titles from the catalogue; the paragraphs are the code's docstrings in
    # English, the catalogue's translation of them (``method.<module>``) in Khmer
    for title, obj, key in ((T("Benefit rules"), rules, "rules"),
                            (T("Projection"), projection, "projection"),
                            (T("Financing and indicators"), financing, "financing")):
        r += 1
        put(ws, r, 1, title, font=styles.SECTION)
        text = (docstring_text(obj) if current() == "en"  # braces are the docstrings' own
                else catalogue()[f"method.{key}"][current()])
        for para in text.split("\n"):
            r += 1
            put(ws, r, 1, para).alignment = styles.WRAP


def build_occupational_risk_workbook(result: Any, prices: str = "nominal") -> Workbook:
    """The workbook of a :class:`~actuary.schemes.occupational_risk.BranchResult`;
    ``prices`` (``nominal``, ``constant``) of its yearly money (:mod:`actuary.reports.money`)."""
    y = result.yearly["year"]
    pr = prices_for(result.aset, int(y.iloc[0]), int(y.iloc[-1]), prices)
    wb = Workbook()
    wb.remove(wb.active)
    ws = {name: wb.create_sheet(name) for name in SHEETS}
    _summary(ws["Summary"], result, pr)
    columns, first, last = _projection(ws["Projection"], result, pr)
    _charts(ws["Summary"], ws["Projection"], columns, first, last, pr)
    by_sex_fmt = {"year": styles.YEAR, "sex": None, "acc_cost_rate": styles.RATE}
    for c in ("contributor_years", "injuries", "fatal_injuries", "new_disability_pensions",
              "disability_pensioners", "survivor_pensioners"):
        by_sex_fmt[c] = styles.COUNT
    _plain(ws["By sex"], T("By sex (money in billions of {prices})", prices=pr.label(current())),
           T("Costs and the rate needed by sex of the injured insured person; pensioners and "
             "pensions paid by sex of the pensioner."),
           _in_prices(result.by_sex, pr, set(result.by_sex.columns) - set(by_sex_fmt)),
           by_sex_fmt)
    awards = result.awards
    _plain(ws["Awards"], T("Permanent disabilities by degree of disability"),
           T("Columns: the degree (fraction); below the pension threshold a lump sum, at or "
             "above it a pension."), awards,
           {c: (styles.YEAR if c == "year" else styles.COUNT) for c in awards.columns})
    start = result.start.copy()
    if "type" in start.columns:  # the branch's pension types, in the workbook's language
        start["type"] = [T_known(t) for t in start["type"]]
    path = result.pensions_path
    _plain(ws["Pensions in payment"], T("Pensions in payment on the valuation date"),
           (T("Read from {path}. ", path=path) if path is not None
            else T("None (the branch starts on the valuation date). "))
           + T("Present values in billions of KHR at the valuation date; monthly amounts in "
               "KHR."), start,
           {"type": None, "sex": None, "count": styles.COUNT, "monthly_amount": styles.KHR})
    _sensitivity(ws["Sensitivity"], result)
    _method(ws["Method"])
    write_assumptions(ws["Assumptions"], result)
    write_provenance(ws["Provenance"], result)
    for sheet in wb.worksheets:
        styles.protect(sheet)
    wb.active = 0
    finish_workbook(wb, T("Occupational-risk valuation: {name}", name=result.aset.name),
                    run_time(result))
    return wb


def write_occupational_risk_workbook(result: Any, path: str | os.PathLike[str],
                                     prices: str = "nominal") -> Path:
    """Write the workbook of ``result`` to ``path`` (``.xlsx``), atomically, its yearly
    money in ``prices`` (``nominal`` or ``constant``, :mod:`actuary.reports.money`)."""
    return write_xlsx(lambda r: build_occupational_risk_workbook(r, prices), result, path)
