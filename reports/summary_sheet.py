"""The Summary sheet: what was valued, the headline results, the gender headline, the
unverified parameters the results rest on, and room for the actuary's opinion.

Headline values that the Indicators sheet holds are links to it (one place for each
number); the others are numbers from the Python result. Each headline row carries the
key of its source in the result (``summary.<name>``, ``yearly.<column>[<year>]``,
``scaled[<k>].rate``), in the hidden columns L and M: the reader sees no internal key
on screen or paper; unhiding the columns, and the tests, still read them. The
sheet opens with three to six key messages in plain sentences
(:mod:`actuary.reports.messages`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from actuary import __version__
from actuary.analysis.rate_paths import PATH_INDICATORS
from actuary.analysis.sensitivity import top_assumptions

from . import styles
from .cells import put, put_formula, put_title
from .indicators_sheet import CAREER_TEMPLATES, milestone_years
from .i18n import N_, T, T_data, T_known, date_format, date_text, num, reviewed, tr, year
from .sensitivity_names import name_of_test
from .messages import key_messages, rate_path_of, usd_rate
from .money import USD_M
from .projection_sheet import ProjectionLayout

__all__ = ["write_summary", "HEADLINE_KEY_COL", "KEY_MESSAGES_TITLE", "OPINION_TITLE", "UNVERIFIED_TITLE",
           "RATE_PATHS_TITLE", "PATH_KEY_COLS", "INFLUENTIAL_TITLE", "ECONOMY_TITLE"]

HEADLINE_KEY_COL = 12  # the keys: in hidden column L (and M), kept in the file for tracing
KEY_MESSAGES_TITLE = N_("Key messages")
SOLVED_TITLE = N_("What was solved")
OPINION_TITLE = N_("Actuary's opinion")
UNVERIFIED_TITLE = N_("UNVERIFIED parameters the results rest on")
ECONOMY_TITLE = N_("One economy: the average insurable wage against GDP per head")
INFLUENTIAL_TITLE = N_("The five most influential assumptions")
RATE_PATHS_TITLE = N_("The headline under two contribution-rate paths, as equals")
#: Columns of the keys of path [A] and path [B] in the rate-path table (values in 2 and 3).
PATH_KEY_COLS = (HEADLINE_KEY_COL, HEADLINE_KEY_COL + 1)
WIDTHS = {1: 46, 2: 20, 3: 16, 4: 16, 5: 16, 6: 16, 7: 14, 8: 14, 9: 14}


class _Cursor:
    """The next free row of a sheet written from the top down."""

    def __init__(self, row: int) -> None:
        self.row = row

    def take(self, n: int = 1) -> int:
        r = self.row
        self.row += n
        return r


def _section(ws: Worksheet, cur: _Cursor, title: str, note: str = "") -> None:
    cur.take()  # a blank row before each section
    put(ws, cur.take(), 1, title, font=styles.SECTION)
    if note:
        put(ws, cur.take(), 1, note, font=styles.NOTE)


def _headers(ws: Worksheet, row: int, names: list[str]) -> None:
    for j, h in enumerate(names, start=1):
        put(ws, row, j, h)
    styles.style_header(ws, row, 1, len(names))


def _about(ws: Worksheet, cur: _Cursor, result: Any, layout: ProjectionLayout) -> None:
    aset, pop = result.aset, result.population
    scheme = aset.scheme
    prov = result.provenance or {}
    years = layout.years
    items = [
        (T("Scheme"), f"{scheme.name}: {scheme.description}"),
        (T("Legal basis"), "; ".join(scheme.legal_basis)),
        (T("Valuation date"), aset.valuation_date),
        (T("Projection"), T("{first}-{last} ({n} years), open group, annual steps, cash flows "
                            "mid-year; money in nominal KHR of each year",
                            first=years[0], last=years[-1], n=len(years))
         + (T(" (and in constant {year} KHR, deflated by the set's CPI, at the right of the "
              "Projection sheet, in the money rows of the Indicators sheet and on the reserve "
              "chart)", year=years[0])
            if "price_index" in layout.columns else "")
         + T("; USD at the set's exchange rate")),
        (T("Assumption set"), f"{aset.name}: {aset.description}"),
        (T("Assumption set content hash (SHA-256)"),
         prov.get("assumption_set_hash") or aset.content_hash()),
        (T("Starting population"), T("{name} (status: {status}): {description}",
                                     name=pop.name, status=T_known(str(pop.status)),
                                     description=pop.description)),
        (T("Reserve at the valuation date F_0 (KHR bn)"), float(result.summary["reserve0"])),
        (T("Run"), T("{time} UTC; written by actuary {version}; see the Provenance sheet",
                     time=(date_text(prov["run_at_utc"]) if prov.get("run_at_utc")
                           else T("unknown time")), version=__version__)),
    ]
    _section(ws, cur, T("The valuation"))
    for k, (label, value) in enumerate(items):
        r = cur.take()
        put(ws, r, 1, label, font=styles.BOLD)
        fmt = date_format() if k == 2 else styles.KHR_BN
        put(ws, r, 2, value, fmt)
    # implausible starting data the user chose to value (--accept-implausible)
    for note in getattr(pop, "accepted", ()):
        r = cur.take()
        put(ws, r, 1, T("IMPLAUSIBLE DATA ACCEPTED (--accept-implausible)"), font=styles.BOLD,
            fill=styles.UNVERIFIED_FILL)
        put(ws, r, 2, note, fill=styles.UNVERIFIED_FILL)


def _messages(ws: Worksheet, cur: _Cursor, result: Any, lang: str) -> None:
    """The key messages (:mod:`actuary.reports.messages`), one wrapped sentence a row,
    after a note that a Khmer draft has not been reviewed."""
    _section(ws, cur, tr("key_messages", lang))
    if lang != "en" and not reviewed(lang):
        # wrapped over the width of the key messages (one long line ran past the page)
        r = cur.take()
        note = tr("draft_note", lang)
        put(ws, r, 1, note, font=styles.NOTE, fill=styles.UNVERIFIED_FILL).alignment = \
            styles.WRAP
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(len(note) / 70))
    for k, text in enumerate(key_messages(result, lang), start=1):
        r = cur.take()
        put(ws, r, 1, f"{num(k)}. {text}").alignment = styles.WRAP
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=6)
        per_line = 120 if lang == "en" else 70  # Khmer script is wider
        ws.row_dimensions[r].height = 15 * max(1, math.ceil(len(text) / per_line))


def _headline_rows(result: Any, layout: ProjectionLayout) -> list[tuple[str, str, str, str]]:
    """(label, key, unit, format) of the headline indicators in reading order."""
    s = result.summary
    years = layout.years
    share = T("share of insurable earnings")
    run = rate_path_of(result) == "run"
    rows = [(T("General average premium, {n} years", n=n), f"summary.gap_{n}",
             share, styles.RATE) for n in (25, 50, 75)]
    if not result.rate_paths:  # otherwise in the table of the two paths
        rows += [
            (T("Depletion year of the reserve (legislated rates)"), "summary.depletion_year",
             T("calendar year"), styles.YEAR),
            (T("Share of expenditure payable from contributions in the depletion year"),
             "summary.payable_share_at_depletion", T("share of expenditure"), styles.RATE),
            (T("Actuarial balance, 75 years"), "summary.actuarial_balance_75",
             share, styles.RATE),
        ]
    rows.append((T("Steady-state contribution rate"), "summary.steady_state_rate",
                 share, styles.RATE))
    if not result.rate_paths:
        rows.append((T("Reserve ratio, end of year 10 ({year})",
                       year=years[9] if len(years) >= 10 else "-"),
                     "summary.reserve_ratio_year_10", T("years of expenditure"), styles.RATIO))
    for n in (1, 10, 25, 50, 75):
        if f"payg_year_{n}" in s:
            y = years[n - 1]
            rows.append((T("PAYG cost rate, year {n} ({year})", n=n, year=y),
                         f"summary.payg_year_{n}", share, styles.RATE))
            rows.append((T("Contribution rate of this run, year {n} ({year})", n=n, year=y)
                         if run else
                         T("Legislated contribution rate, year {n} ({year})", n=n, year=y),
                         f"yearly.contribution_rate[{y}]", share, styles.RATE))
    for k, p in enumerate(result.scaled):
        rows.append((T("Scaled premium {first}-{last}", first=int(p["from"]),
                       last=int(p["to"])), f"scaled[{k}].rate", share, styles.RATE))
    return rows


def _headline_value(result: Any, layout: ProjectionLayout, key: str,
                    cells: dict[str, str]) -> tuple[str | None, Any]:
    """(formula linking to the cell that holds the value, or None; the value itself)."""
    s = result.summary
    years = layout.years
    link = {"summary.reserve_ratio_year_10": f"yearly.reserve_ratio[{years[9]}]"
            if len(years) >= 10 else ""}
    for n in (1, 10, 25, 50, 75):
        if n <= len(years):
            link[f"summary.payg_year_{n}"] = f"yearly.payg_cost_rate[{years[n - 1]}]"
    if key.startswith("summary."):
        value = s.get(key.split(".", 1)[1])
        if value is None:
            if key == "summary.depletion_year":
                return None, T("not within the projection ({first}-{last})", first=years[0],
                               last=years[-1])
            if key == "summary.payable_share_at_depletion":
                return None, T("no depletion")
            return None, T("not available (projection too short)")
        if isinstance(value, float) and math.isnan(value):
            # NaN: the bisection found no rate (steady state), or a ratio over zero
            return None, (T("no solution found") if key == "summary.steady_state_rate"
                          else T("not defined"))
    target = link.get(key, key)
    if target in cells:
        return f"={cells[target]}", None
    if key.startswith("yearly.contribution_rate["):
        y = int(key[key.index("[") + 1:-1])
        return f"={layout.ref('contribution_rate', y)}", None
    if key.startswith("scaled["):
        k = int(key[len("scaled["):key.index("]")])
        return None, result.scaled[k]["rate"]
    return None, s.get(key.split(".", 1)[1])


def _headline(ws: Worksheet, cur: _Cursor, result: Any, layout: ProjectionLayout,
              cells: dict[str, str]) -> None:
    _section(ws, cur, T("Headline indicators (the same under either rate path)")
             if result.rate_paths else T("Headline indicators"),
             T("Definitions on the Indicators sheet; linked cells follow the Projection sheet."))
    _headers(ws, cur.take(), [T("Indicator"), T("Value"), T("Unit"), ""])
    for label, key, unit, fmt in _headline_rows(result, layout):
        r = cur.take()
        put(ws, r, 1, label)
        formula, value = _headline_value(result, layout, key, cells)
        if formula is not None:
            put_formula(ws, r, 2, formula, fmt)
        else:
            put(ws, r, 2, value, fmt)
        put(ws, r, 3, unit)
        put(ws, r, HEADLINE_KEY_COL, key, styles.HIDDEN, font=styles.KEY)


_PATH_UNITS = {"year": (N_("calendar year"), styles.YEAR),
               "rate": (N_("share of insurable earnings"), styles.RATE),
               "ratio": (N_("years of expenditure"), styles.RATIO),
               "share": (N_("share of expenditure"), styles.RATE)}
# indicators of path [A] that the Indicators or Projection sheet holds: their key there
_LEGISLATED_KEYS = {"depletion_year": "summary.depletion_year",
                    "payable_share_at_depletion": "summary.payable_share_at_depletion",
                    "actuarial_balance_75": "summary.actuarial_balance_75"}


def _path_cell(ws: Worksheet, r: int, c: int, result: Any, layout: ProjectionLayout,
               cells: dict[str, str], path: Any, key: str, fmt: str) -> str:
    """Write one path's value of ``key`` (a link for path [A] where a sheet holds it);
    return the key naming its source in the result."""
    years = layout.years
    value = path.indicators.get(key)
    own = f"rate_paths.{path.key}.{key}"
    if value is None:
        put(ws, r, c, (T("none within the projection ({first}-{last})", first=years[0],
                         last=years[-1])
                       if key == "depletion_year" else
                       T("no depletion") if key == "payable_share_at_depletion" else
                       T("not available (projection too short)")))
        return own
    if path.key in ("legislated", "run"):  # the run's own projection, on its sheets
        link = _LEGISLATED_KEYS.get(key)
        if link in cells:
            put_formula(ws, r, c, f"={cells[link]}", fmt)
            return link
        if key.startswith("reserve_ratio_year_"):
            y = years[int(key.rsplit("_", 1)[1]) - 1]
            put_formula(ws, r, c, f"={layout.ref('reserve_ratio', y)}", fmt)
            return f"yearly.reserve_ratio[{y}]"
    put(ws, r, c, int(value) if key == "depletion_year" else value, fmt)
    return own


def _rate_paths(ws: Worksheet, cur: _Cursor, result: Any, layout: ProjectionLayout,
                cells: dict[str, str]) -> None:
    """The indicators that depend on the contribution rate, one column per path."""
    paths = result.rate_paths
    if not paths:
        return
    _section(ws, cur, T(RATE_PATHS_TITLE),
             T("The depletion year, the actuarial balance and the reserve ratios rest on the "
               "contribution rate after its last enacted step, a rule the reader should see. "
               "Both paths use the same people, earnings and benefits; only contributions and "
               "the expenses charged on them differ (actuary.analysis.rate_paths). The GAP "
               "(below) does not depend on the rate: it is compared with each path's average "
               "rate."))
    for k, p in enumerate(paths):
        r = cur.take()
        put(ws, r, 1, T("[{path}] assumes", path="AB"[k]), font=styles.BOLD)
        put(ws, r, 2, p.assumes).alignment = styles.WRAP
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
        ws.row_dimensions[r].height = 45
    names = {"legislated": T("[A] Legislated schedule, as sourced"),
             "run": T("[A] Contribution rate of this run"),
             "held": T("[B] Rate held at its last enacted step")}
    _headers(ws, cur.take(), [T("Indicator"), *(names[p.key] for p in paths),
                              *([T("(one path only)")] if len(paths) == 1 else []),
                              T("Unit")])
    first = layout.years[0]
    for key, label, kind in PATH_INDICATORS:
        unit, fmt = _PATH_UNITS[kind]
        unit, label = T(unit), T_known(label.strip())
        if key.startswith("reserve_ratio_year_"):
            label = f"{label} ({year(first + int(key.rsplit('_', 1)[1]) - 1)})"
        r = cur.take()
        put(ws, r, 1, label.strip())
        for k, p in enumerate(paths):
            src = _path_cell(ws, r, 2 + k, result, layout, cells, p, key, fmt)
            put(ws, r, PATH_KEY_COLS[k], src, styles.HIDDEN, font=styles.KEY)
        put(ws, r, 4, unit)


def _influential(ws: Worksheet, cur: _Cursor, result: Any) -> None:
    """The assumptions whose tests move the GAP most, each with its largest test."""
    top = top_assumptions(result.sensitivity, 5)
    if top.empty:
        return
    horizon = int(top["gap_horizon"].iloc[0])
    _section(ws, cur, T(INFLUENTIAL_TITLE),
             T("Ranked by the largest change in the GAP over {n} years among the tests of each "
               "assumption (Sensitivity sheet, with its tornado chart).", n=horizon))
    _headers(ws, cur.take(), [T("Assumption (its largest test)"),
                              T("Change in GAP {n}", n=horizon), T("Unit"), ""])
    for k, rec in top.iterrows():
        r = cur.take()
        put(ws, r, 1, f"{num(k + 1)}. {T_known(str(rec['assumption']))} "
                      f"({name_of_test(rec['test'])})")
        put(ws, r, 2, rec["gap_change"], styles.RATE)
        put(ws, r, 3, T("share of insurable earnings"))
        put(ws, r, HEADLINE_KEY_COL, f"sensitivity.gap_change[{rec['test']}]", styles.HIDDEN,
            font=styles.KEY)


def _economy(ws: Worksheet, cur: _Cursor, result: Any) -> None:
    """The wage-to-GDP-per-head ratio at milestone years, the set's band, the spread."""
    eco = getattr(result, "economy", None)
    if eco is None:
        return
    t = eco.table.set_index("year")
    band = eco.band
    note = T("Average insurable wage = insurable earnings / contributor-years / 12; GDP per "
             "head = the valuation's GDP / the frame's mid-year population "
             "(actuary.analysis.wage_gdp). Results in % of GDP rest on the two moving together.")
    _section(ws, cur, T(ECONOMY_TITLE), note)
    years = [y for y in (t.index[0], 2030, 2040, 2050, 2060, 2075, 2100) if y in t.index]
    _headers(ws, cur.take(), [T("Measure"), *[year(y) for y in years]])
    for column, label, fmt in (
            ("average_insurable_wage", T("Average insurable wage (KHR per month)"), styles.KHR),
            ("gdp_per_head", T("GDP per head (KHR per year)"), styles.KHR),
            ("wage_to_gdp_per_head", T("12 x wage / GDP per head"), "0.000"),
            ("relative", T("The same, relative to {year}", year=int(years[0])), "0.000"),
            ("spread", T("Return over wage growth (fraction per year)"), styles.RATE)):
        r = cur.take()
        put(ws, r, 1, label)
        for j, y in enumerate(years):
            put(ws, r, 2 + j, t.loc[y, column], fmt)
    r = cur.take()
    put(ws, r, 1, T("The set's band"), font=styles.BOLD)
    if band is None:
        put(ws, r, 2, T("none stated (frame.economy.wage_gdp_band)"))
    else:
        verdict = T("within the band") if band["within"] else T("OUTSIDE the band")
        put(ws, r, 2, T("within {tolerance}% of its {year} value through {through}: lowest "
                        "{lowest} ({lowest_year}), highest {highest} ({highest_year}): "
                        "{verdict}. Why: {reason}",
                        tolerance=num(f"{100 * band['tolerance']:.0f}"), year=int(years[0]),
                        through=int(band["through"]), lowest=num(f"{band['lowest']:.3f}"),
                        lowest_year=int(band["lowest_year"]),
                        highest=num(f"{band['highest']:.3f}"),
                        highest_year=int(band["highest_year"]), verdict=verdict,
                        reason=band["reason"])).alignment = styles.WRAP
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=8)
        ws.row_dimensions[r].height = 75
        if not band["within"]:
            ws.cell(row=r, column=2).fill = styles.UNVERIFIED_FILL
    r = cur.take()
    put(ws, r, 1, T("Return over wage growth"), font=styles.BOLD)
    put(ws, r, 2, T("{spread}; {n}-year geometric average {average} points a year",
                    spread=eco.spread_text(), n=min(75, len(t)),
                    average=num(f"{100 * eco.spread_average:+.2f}")))
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=8)


def _accrued(ws: Worksheet, cur: _Cursor, result: Any) -> None:
    """The implicit pension debt: the accrued-to-date liability beside the reserve."""
    acc = result.accrued
    if not acc:
        return
    if "not_computed" in acc:
        _section(ws, cur, T("Implicit pension debt (accrued-to-date liability)"),
                 T("Not computed: {why}.", why=acc["not_computed"]))
        return
    _section(ws, cur, T("Implicit pension debt (accrued-to-date liability)"),
             T("Valued with the {method}.", method=acc["method"]) if "method" in acc else
             T("Benefits earned by the service and career earnings to the valuation date, and "
               "pensions in payment, valued member by member with the basis's decrements and "
               "discounted at its investment return (projected unit credit: future wages add "
               "nothing). actuary.analysis.valuation.accrued_liability."))
    first = result.aset.first_year
    rate = usd_rate(result)
    _headers(ws, cur.take(), [T("Measure"), T("Value"), T("Unit"),
                              T("USD m at {rate} KHR per USD", rate=num(f"{rate:,.0f}"))
                              if rate else ""])
    bn = T("KHR bn")
    split = ((T("  of which pensions in payment and their survivors"), "pensioners", bn,
              styles.KHR_BN),
             (T("  of which members' rights, service frozen on the valuation date"), "members",
              bn, styles.KHR_BN),
             (T("Members' future benefits with service to retirement (upper bound, not in "
                "the liability)"), "members_projected_service", bn, styles.KHR_BN)
             ) if "method" in acc else ()
    for label, key, unit, fmt in (
            (T("Accrued-to-date liability at the valuation date"), "adl", bn, styles.KHR_BN),
            *split,
            (T("Reserve at the valuation date"), "reserve0", bn, styles.KHR_BN),
            (T("Reserve / accrued-to-date liability"), "funded_ratio",
             T("share of the liability"), styles.RATE),
            (T("Accrued-to-date liability, per cent of the GDP of {year}", year=int(first)),
             "adl_pct_gdp", T("per cent of GDP"), styles.PERCENT_POINTS)):
        r = cur.take()
        put(ws, r, 1, label)
        put(ws, r, 2, acc[key], fmt)
        put(ws, r, 3, unit)
        if rate and fmt == styles.KHR_BN and acc.get(key) is not None:
            put(ws, r, 4, float(acc[key]) / rate, USD_M)  # a number: the cell stays USD
        put(ws, r, HEADLINE_KEY_COL, f"accrued.{key}", styles.HIDDEN, font=styles.KEY)


_GENDER_MEASURES = (
    ("active", N_("Active contributors, 1 Jan"), styles.COUNT),
    ("old_age_pensioners", N_("Old-age pensioners, 1 Jan"), styles.COUNT),
    ("invalidity_pensioners", N_("Invalidity pensioners, 1 Jan"), styles.COUNT),
    ("survivor_pensioners", N_("Survivors' pensioners, 1 Jan"), styles.COUNT),
    ("average_monthly_wage", N_("Average wage (KHR per month)"), styles.KHR),
    ("average_monthly_old_age_pension", N_("Average old-age pension (KHR per month)"),
     styles.KHR),
    ("aggregate_replacement_rate", N_("Aggregate replacement rate"), styles.RATE),
)
#: The sexes as the tables write them (the data's codes M and F in English).
SEX = {"M": N_("M"), "F": N_("F")}


def _gender(ws: Worksheet, cur: _Cursor, result: Any, layout: ProjectionLayout) -> None:
    by_sex: pd.DataFrame = result.by_sex
    years = milestone_years(layout.years, (1, 10, 25, 50))
    _section(ws, cur, T("Gender headline"),
             T("Men (M) and women (F); the gender pension gap is 1 - women's average "
               "old-age pension / men's."))
    _headers(ws, cur.take(), [T("Measure"), T("Sex"), *[year(y) for y in years]])
    idx = by_sex.set_index(["year", "sex"])
    for column, label, fmt in _GENDER_MEASURES:
        for sex in ("M", "F"):
            r = cur.take()
            put(ws, r, 1, T(label))
            put(ws, r, 2, T(SEX[sex]))
            for j, y in enumerate(years):
                value = idx[column].get((y, sex)) if (y, sex) in idx.index else None
                put(ws, r, 3 + j, value, fmt)
    r = cur.take()
    put(ws, r, 1, T("Gender pension gap"), font=styles.BOLD)
    put(ws, r, 2, T("all"))
    for j, y in enumerate(years):
        put(ws, r, 3 + j, idx["gender_pension_gap"].get((y, "M")), styles.RATE)

    cur.take()
    put(ws, cur.take(), 1, T("Model careers (retiring at the pension age; amounts in KHR of the "
                             "year of retirement)"), font=styles.BOLD)
    cols = [("career", T("Career"), None), ("sex", T("Sex"), None),
            ("entry_age", T("Entry age"), "0"),
            ("density", T("Density"), styles.RATE), ("retirement_year", T("Retires"), styles.YEAR),
            ("credited_years", T("Credited years"), "0.0"),
            ("monthly_pension", T("Pension (KHR per month)"), styles.KHR),
            ("replacement_rate", T("Replacement rate"), styles.RATE),
            ("meets_ilo_c102", T("ILO C102 (40%)"), None), ("note", T("Note"), None)]
    _headers(ws, cur.take(), [c[1] for c in cols])
    for _, row in result.careers.iterrows():
        r = cur.take()
        for j, (key, _h, fmt) in enumerate(cols, start=1):
            value = row.get(key)
            if key == "meets_ilo_c102":
                value = ("" if value is None or value != value
                         else (T("meets") if value else T("BELOW")))
            elif key == "sex" and value in SEX:
                value = T(SEX[value])
            elif key in ("career", "note"):
                value = T_data(value, CAREER_TEMPLATES)
            put(ws, r, j, value, fmt)


def _unverified(ws: Worksheet, cur: _Cursor, result: Any) -> None:
    items = [tuple(u) for u in result.aset.unverified()]
    _section(ws, cur, f"{T(UNVERIFIED_TITLE)} ({num(len(items))})",
             T("Not found in any source: clearly labelled assumptions to replace with "
               "sourced values. Every parameter, with its source, is on the Assumptions sheet."))
    _headers(ws, cur.take(), [T("Key path"), T("Description"), T("Reference / reasoning")])
    for path, description, _status, reference in items:
        r = cur.take()
        for j, v in enumerate((path, description, reference), start=1):
            put(ws, r, j, v, fill=styles.UNVERIFIED_FILL)


def _opinion(ws: Worksheet, cur: _Cursor) -> None:
    _section(ws, cur, T(OPINION_TITLE),
             T("To be written and signed by the actuary responsible for the valuation "
               "(DESIGN section 6b, point 8). The toolkit leaves this block empty on purpose."))
    top = cur.take(14)
    ws.merge_cells(start_row=top, start_column=1, end_row=top + 13, end_column=6)
    box = ws.cell(row=top, column=1)
    box.alignment = styles.WRAP
    for r in range(top, top + 14):
        for c in range(1, 7):
            _writable(ws.cell(row=r, column=c))
    for label in (T("Actuary (name, qualification)"), T("Signature"), T("Date")):
        r = cur.take()
        put(ws, r, 1, label, font=styles.BOLD)
        for c in range(2, 4):
            _writable(ws.cell(row=r, column=c))


def _writable(cell: Any) -> None:
    """A boxed cell the actuary writes in, left unlocked on the protected sheet."""
    cell.fill = styles.OPINION_FILL
    cell.border = styles.BOX
    cell.protection = styles.UNLOCKED


def write_summary(ws: Worksheet, result: Any, layout: ProjectionLayout,
                  cells: dict[str, str], lang: str = "en",
                  preface: list[tuple[str, str]] | None = None) -> int:
    """Fill the Summary sheet (title and key messages in ``lang``); return the first
    free row."""
    scheme = result.aset.scheme
    put_title(ws, tr("summary_title", lang, scheme=scheme.description),
              T("Valuation date {date}; results year by year on the Projection sheet, "
                "definitions on the Indicators sheet.",
                date=date_text(result.aset.valuation_date, lang)))
    styles.set_widths(ws, WIDTHS)
    for col in PATH_KEY_COLS:
        ws.column_dimensions[get_column_letter(col)].hidden = True
    cur = _Cursor(3)
    if preface:
        _section(ws, cur, T(SOLVED_TITLE))
        for label, text in preface:
            r = cur.take()
            put(ws, r, 1, label, font=styles.BOLD)
            put(ws, r, 2, text).alignment = styles.WRAP
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=6)
    _messages(ws, cur, result, lang)
    _about(ws, cur, result, layout)
    _rate_paths(ws, cur, result, layout, cells)
    _headline(ws, cur, result, layout, cells)
    _influential(ws, cur, result)
    _economy(ws, cur, result)
    _accrued(ws, cur, result)
    _gender(ws, cur, result, layout)
    _unverified(ws, cur, result)
    _opinion(ws, cur)
    return cur.row
