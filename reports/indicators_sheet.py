"""The Indicators sheet: each indicator's definition in words and its values.

Values that the Projection sheet can show are live formulas: PAYG cost rates, reserves
and reserve ratios link to their cells; the GAP and the actuarial balance are
``SUMPRODUCT`` formulas over the projected cash flows and the discount factors; the
payable share at depletion is ``C_t / B_t`` of the depletion year. The rates found by
search (scaled premiums, steady-state rate) and the model careers are numbers from the
Python result.

Money rows (the reserve, contributions and expenditure) show their amount in the
workbook's prices: nominal KHR of each year, or, in constant prices, the Projection
sheet's constant columns (``F_t / P_t``, ``C_t / P_t``, ``B_t / P_t``); beside it, in
USD (formula: the value over the Projection's exchange rate of that year, the valuation
year's in constant prices) and as a share of GDP (formula: the nominal amount over the
nominal GDP of the year, the same in either prices). ``F_0`` is shown at the valuation
year's rate and as a share of that year's GDP. Ratios get no money columns.

Each value row carries a key naming its source in the result (column I):
``summary.<name>``, ``yearly.<column>[<year>]``, ``by_sex.<column>[<year>,<sex>]``,
``careers.<column>[<row>]`` or ``scaled[<k>].rate``; in constant prices a money row's
key is ``constant.<column>[<year>]``: ``yearly.<column>`` of that year divided by the
price index ``P_t`` of the Projection sheet.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .cells import put, put_formula, put_title
from .definitions import conventions, definition
from .i18n import N_, T, T_data, num
from .i18n import year as year_text
from .money import USD_M
from .projection_sheet import ProjectionLayout

__all__ = ["Formula", "Entry", "indicator_entries", "write_indicators", "milestone_years",
           "gap_formula", "balance_formula", "VALUE_COL", "USD_COL", "GDP_COL", "KEY_COL"]

SHEET = "Indicators"
HEADERS = (N_("Indicator"), N_("Definition (from the code)"), N_("Value of"), N_("Value"),
           N_("Unit"), N_("USD m"), N_("% of GDP"), N_("How it is computed"),
           N_("Key (source in the result)"))
VALUE_COL = 4
USD_COL = 6
GDP_COL = 7
KEY_COL = 9
HEADER_ROW = 5
MILESTONES = (1, 10, 25, 50, 75, 100)
#: Names of the model careers of actuary.analysis.valuation (a sex and a fixed wording;
#: the set's minimum-wage name stays as the set gives it), for :func:`T_data`.
CAREER_TEMPLATES = (
    (re.compile(r"(?P<sex>[MF]): full career at the average wage"),
     N_("{sex}: full career at the average wage")),
    (re.compile(r"(?P<sex>[MF]): full career at the ceiling"),
     N_("{sex}: full career at the ceiling")),
    (re.compile(r"(?P<sex>[MF]): average wage, half the contribution density"),
     N_("{sex}: average wage, half the contribution density")),
    (re.compile(r"(?P<sex>[MF]): full career at (?P<wage>.+)"), N_("{sex}: full career at {wage}")),
    # the note of a career longer than the projection
    (re.compile(r"does not reach the pension age within the (?P<n>\d+) projection years"),
     N_("does not reach the pension age within the {n} projection years")),
)


class Formula(str):
    """A live formula (a string starting with ``=``), as opposed to text."""


@dataclass(frozen=True)
class Entry:
    """One value row: what it is, the value (number, text or :class:`Formula`), format,
    unit, how it is computed and the key of its source; a money row also ``money``: the
    Projection key of its nominal amount and its year (None: ``F_0``), for the USD and
    share-of-GDP columns."""

    label: str
    value: Any
    fmt: str | None
    unit: str
    how: str
    key: str
    money: tuple[str, int | None] | None = None


def milestone_years(years: list[int], positions: tuple[int, ...] = MILESTONES) -> list[int]:
    """Calendar years of projection years 1, 10, 25, ... that exist in ``years``."""
    return [years[p - 1] for p in positions if p <= len(years)]


def gap_formula(layout: ProjectionLayout, n: int, with_admin: bool) -> Formula:
    """GAP over years 1..n as a formula (F_target = 0), as ``general_average_premium``.

    ``(sum u b - F_0) / sum u c S (1 - a)``: with administrative expenses a share ``a_t``
    of contributions, ``b_t`` is benefits alone; otherwise ``b_t`` is the expenditure
    and the ``(1 - a)`` factor is absent. ``c_t`` is the share of due contributions
    collected (present when the result gives it).
    """
    u = layout.span("discount_mid", n)
    f0 = layout.start_ref("reserve_end")
    base = [u, layout.span("insurable_earnings", n)]
    if "collection" in layout.columns:
        base.append(layout.span("collection", n))
    if with_admin:
        b = layout.span("benefits", n)
        base.append(f"1-{layout.span('admin_rate', n)}")
    else:
        b = layout.span("expenditure", n)
    return Formula(f"=(SUMPRODUCT({u},{b})-{f0})/SUMPRODUCT({','.join(base)})")


def balance_formula(layout: ProjectionLayout, n: int) -> Formula:
    """Actuarial balance over n years: ``(F_0 + sum u C - sum u B - v_n B_{n+1}) / sum u S``."""
    u = layout.span("discount_mid", n)
    c = layout.span("contributions", n)
    b = layout.span("expenditure", n)
    s = layout.span("insurable_earnings", n)
    f0 = layout.start_ref("reserve_end")
    v_n = layout.ref("discount_end", layout.years[n - 1])
    b_next = layout.ref("expenditure", layout.years[n])
    return Formula(f"=({f0}+SUMPRODUCT({u},{c})-SUMPRODUCT({u},{b})-{v_n}*{b_next})"
                   f"/SUMPRODUCT({u},{s})")


def _link(layout: ProjectionLayout, key: str, year: int) -> Formula:
    return Formula(f"={layout.ref(key, year)}")


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _yearly_entries(layout: ProjectionLayout, key: str, what: str, fmt: str, unit: str,
                    positions: tuple[int, ...] = MILESTONES) -> list[Entry]:
    return [Entry(T("{what} {year}", what=what, year=y), _link(layout, key, y), fmt, unit,
                  T("live formula: link to the Projection sheet"), f"yearly.{key}[{y}]")
            for y in milestone_years(layout.years, positions)]


#: Money columns of the Projection sheet and their constant-price views.
_REAL = {"reserve_end": "reserve_real", "contributions": "contributions_real",
         "expenditure": "expenditure_real"}


def _money_entries(layout: ProjectionLayout, key: str, what: str,
                   positions: tuple[int, ...] = MILESTONES) -> list[Entry]:
    """Rows of a money column of the Projection at ``positions``: linked to its
    constant-price view when the sheet has one (constant prices), else to the nominal
    column; each with its ``money`` source for the USD and share-of-GDP columns."""
    real = _REAL[key] if _REAL[key] in layout.columns else None
    if real is None:
        unit = T("KHR bn")
    else:
        unit = T("constant {year} KHR bn", year=layout.years[0])
    out = []
    for y in milestone_years(layout.years, positions):
        out.append(Entry(T("{what} {year}", what=what, year=y), _link(layout, real or key, y),
                         styles.KHR_BN, unit,
                         T("live formula: link to the Projection sheet")
                         if real is None else
                         T("live formula: Projection sheet / P_t"),
                         f"constant.{key}[{y}]" if real else f"yearly.{key}[{y}]",
                         money=(key, y)))
    return out


def indicator_entries(result: Any, layout: ProjectionLayout) -> list[tuple[str, str, list[Entry]]]:
    """(indicator, definition, value rows) in the order of DESIGN §6."""
    s = result.summary
    n_years = len(layout.years)
    first = layout.years[0]
    cash = getattr(result, "cash", None)
    with_admin = (cash is not None and getattr(cash, "admin_rate", None) is not None
                  and getattr(cash, "benefits", None) is not None)
    out: list[tuple[str, str, list[Entry]]] = []

    share, bn, live = (T("share of insurable earnings"), T("KHR bn"),
                       T("live formula over the Projection sheet"))
    constant = "reserve_real" in layout.columns
    out.append((T("PAYG cost rate"), definition("payg"), _yearly_entries(
        layout, "payg_cost_rate", T("year"), styles.RATE, share)))

    # F_0 is in the valuation year's money: the same in either prices
    reserve = [Entry(T("F_0, valuation date 1 Jan {year}", year=first),
                     Formula(f"={layout.start_ref('reserve_end')}"), styles.KHR_BN,
                     T("constant {year} KHR bn", year=first) if constant else bn,
                     T("link to the Projection sheet (input)"), "summary.reserve0",
                     money=("reserve_end", None))]
    reserve += _money_entries(layout, "reserve_end", T("end of"),
                              MILESTONES + ((n_years,) if n_years not in MILESTONES else ()))
    out.append((T("Reserve (roll-forward)"), definition("reserve"), reserve))
    flows = [e for pair in zip(_money_entries(layout, "contributions", T("contributions")),
                               _money_entries(layout, "expenditure", T("expenditure")))
             for e in pair]
    out.append((T("Contributions and expenditure"), definition("cash_flows"), flows))

    out.append((T("Reserve ratio"), definition("reserve_ratio"), _yearly_entries(
        layout, "reserve_ratio", T("end of"), styles.RATIO, T("years of expenditure"))))

    gap = []
    for n in (25, 50, 75):
        if n <= n_years and _present(s.get(f"gap_{n}")):
            gap.append(Entry(T("{n} years, {first}-{last}", n=n, first=first,
                               last=layout.years[n - 1]),
                             gap_formula(layout, n, with_admin), styles.RATE, share, live,
                             f"summary.gap_{n}"))
    out.append((T("General average premium (GAP)"), definition("gap"), gap))

    scaled = [Entry(f"{num(p['from'])}-{num(p['to'])}", float(p["rate"]), styles.RATE, share,
                    T("actuary.analysis.indicators.scaled_premiums (exact)"),
                    f"scaled[{k}].rate")
              for k, p in enumerate(result.scaled)]
    out.append((T("Scaled premium"), definition("scaled"), scaled))

    out.append((T("Depletion"), definition("depletion"), _depletion_entries(s, layout)))

    balance = []
    if n_years >= 76 and _present(s.get("actuarial_balance_75")):
        balance.append(Entry(T("{n} years, {first}-{last}", n=75, first=first,
                               last=layout.years[74]), balance_formula(layout, 75),
                             styles.RATE, share, live, "summary.actuarial_balance_75"))
    out.append((T("Actuarial balance"), definition("balance"), balance))

    steady = []
    rate = s.get("steady_state_rate")
    if rate is not None:
        # NaN: no rate up to the search's limit gives equal ratios in years 10 and 60.
        steady.append(Entry(T("years 10 and 60"), float(rate) if _present(rate) else
                            T("no solution found"), styles.RATE, share,
                            T("actuary.analysis.indicators.steady_state_rate (Brent's method)"),
                            "summary.steady_state_rate"))
    out.append((T("Steady-state contribution rate"), definition("steady_state"), steady))

    out.append((T("Dependency ratio"), definition("dependency"), _yearly_entries(
        layout, "dependency_ratio", T("1 Jan"), styles.RATIO, T("pensioners per contributor"))))
    if "expenditure_pct_gdp" in layout.columns:
        out.append((T("Expenditure as a share of GDP"), definition("gdp"), _yearly_entries(
            layout, "expenditure_pct_gdp", T("year"), styles.PERCENT_POINTS,
            T("per cent of GDP"))))

    out.append((T("Replacement rate (aggregate)"), definition("replacement_aggregate"),
                _by_sex_entries(result.by_sex, layout, "aggregate_replacement_rate",
                                styles.RATE, T("share of the average wage"))))
    out.append((T("Replacement rate (model careers) and ILO C102"),
                definition("replacement_career"), _career_entries(result.careers)))
    out.append((T("Gender pension gap"), definition("gender_gap"),
                _by_sex_entries(result.by_sex, layout, "gender_pension_gap", styles.RATE,
                                T("share of men's average pension"), sexes=("M",))))
    return out


def _depletion_entries(s: dict, layout: ProjectionLayout) -> list[Entry]:
    year = s.get("depletion_year")
    how = T("actuary.analysis.indicators.depletion (first negative end-of-year reserve)")
    if year is None:
        text = T("not within the projection ({first}-{last})", first=layout.years[0],
                 last=layout.years[-1])
        return [Entry(T("year"), text, None, T("calendar year"), how, "summary.depletion_year")]
    year = int(year)
    r = layout.row(year)
    c, b = layout.letter("contributions"), layout.letter("expenditure")
    share = Formula(f"={layout.sheet}!${c}${r}/{layout.sheet}!${b}${r}")
    return [
        Entry(T("year"), year, styles.YEAR, T("calendar year"), how, "summary.depletion_year"),
        Entry(T("payable share in {year}", year=year), share, styles.RATE,
              T("share of expenditure"), T("live formula: C_t / B_t of the depletion year"),
              "summary.payable_share_at_depletion"),
    ]


def _by_sex_entries(by_sex: pd.DataFrame, layout: ProjectionLayout, column: str, fmt: str,
                    unit: str, sexes: tuple[str, ...] = ("M", "F")) -> list[Entry]:
    out = []
    names = {"M": T("men"), "F": T("women")}
    for y in milestone_years(layout.years, (1, 10, 25, 50, 75)):
        for sex in sexes:
            row = by_sex[(by_sex["year"] == y) & (by_sex["sex"] == sex)]
            if row.empty:
                continue
            label = f"{names[sex]}, {year_text(y)}" if len(sexes) > 1 else year_text(y)
            out.append(Entry(label, row[column].iloc[0], fmt, unit,
                             T("actuary.analysis.valuation.by_sex_frame"),
                             f"by_sex.{column}[{y},{sex}]"))
    return out


def _career_entries(careers: pd.DataFrame) -> list[Entry]:
    out = []
    for i, row in careers.reset_index(drop=True).iterrows():
        label = T_data(str(row["career"]), CAREER_TEMPLATES)
        meets = row.get("meets_ilo_c102")
        if meets is not None and not (isinstance(meets, float) and math.isnan(meets)):
            label += (T(" - meets the 40% minimum") if bool(meets)
                      else T(" - BELOW the 40% minimum"))
        if row.get("note"):
            label += f" - {T_data(row['note'], CAREER_TEMPLATES)}"
        out.append(Entry(label, row["replacement_rate"], styles.RATE,
                         T("share of the final wage"), T("actuary.analysis.careers.run_career"),
                         f"careers.replacement_rate[{i}]"))
    return out


def write_indicators(ws: Worksheet, result: Any, layout: ProjectionLayout) -> dict[str, str]:
    """Fill the Indicators sheet; return the cell of each key (``Indicators!$D$9``)."""
    note = T("Definitions are read from the docstrings of actuary.analysis.indicators (one "
             "definition each, DESIGN section 6). Live formulas refer to the Projection sheet.")
    if "reserve_real" in layout.columns:
        note += " " + T("Money rows (reserve, contributions, expenditure) in constant {year} "
                        "KHR: the Projection sheet's columns divided by its price index P_t.",
                        year=layout.years[0])
    put_title(ws, T("Indicators: definitions and values"), note)
    put(ws, 3, 1, conventions()).alignment = styles.WRAP
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(HEADERS))
    ws.row_dimensions[3].height = 120
    for j, h in enumerate(HEADERS, start=1):
        put(ws, HEADER_ROW, j, T(h))
    styles.style_header(ws, HEADER_ROW, 1, len(HEADERS))
    styles.set_widths(ws, {1: 26, 2: 70, 3: 34, 4: 20, 5: 24, 6: 12, 7: 11, 8: 36, 9: 34})
    cells: dict[str, str] = {}
    r = HEADER_ROW + 1
    for name, definition, entries in indicator_entries(result, layout):
        put(ws, r, 1, name, font=styles.BOLD).alignment = styles.WRAP
        put(ws, r, 2, definition).alignment = styles.WRAP
        ws.row_dimensions[r].height = max(15.0, 15.0 * math.ceil(len(definition) / 80 + 0.5))
        if not entries:
            put(ws, r, 3, T("not available (projection too short)"), font=styles.NOTE)
            r += 1
        for e in entries:
            put(ws, r, 3, e.label)
            if isinstance(e.value, Formula):
                put_formula(ws, r, VALUE_COL, str(e.value), e.fmt)
            else:
                put(ws, r, VALUE_COL, e.value, e.fmt)
            put(ws, r, 5, e.unit)
            if e.money is not None:
                _money_cells(ws, r, layout, *e.money)
            put(ws, r, 8, e.how, font=styles.NOTE)
            put(ws, r, KEY_COL, e.key, font=styles.KEY)
            cells[e.key] = f"{SHEET}!$D${r}"
            r += 1
        r += 1  # a blank row between indicators
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    return cells


def _money_cells(ws: Worksheet, r: int, layout: ProjectionLayout, key: str,
                 year: int | None) -> None:
    """The USD and share-of-GDP formulas of money row ``r`` (see the module docstring):
    the value (column D, in the sheet's prices) over the Projection's exchange rate of
    ``year``, and the nominal amount ``key`` of ``year`` over that year's GDP (``F_0``,
    ``year`` None: the valuation-date cell, at the first year's rate and GDP)."""
    at = layout.years[0] if year is None else year
    value = f"{get_column_letter(VALUE_COL)}{r}"
    if "exchange_rate" in layout.columns:
        rate = layout.ref("exchange_rate", at)
        put_formula(ws, r, USD_COL, f'=IF({rate}>0,{value}/{rate},"")', USD_M)
    if "gdp" in layout.columns:
        gdp = layout.ref("gdp", at)
        amount = layout.start_ref(key) if year is None else layout.ref(key, year)
        put_formula(ws, r, GDP_COL, f'=IF({gdp}>0,{amount}/{gdp},"")', styles.RATE)
