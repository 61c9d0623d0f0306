"""The Financing sheet: the live financing layer a user can play with.

An unlocked Inputs block gives, for each projection year, the contribution rate, the
return on the reserve and the administrative expenses as a share of contributions,
under the workbook-defined names ``ContributionRate``, ``InvestmentReturn`` and
``AdminRate`` (one cell a projection year; filled with the valuation's own values).
Everything else on the sheet is a formula over those inputs and the projected
insurable earnings, collection and benefits of the Projection sheet:

- contributions ``C_t = pi_t x collection_t x S_t``; administrative expenses
  ``a_t x C_t`` (plus the projection's own expenses when the scheme does not charge
  them as a share of contributions); expenditure ``B_t = benefits + expenses``;
- investment income ``I_t = i_t (F_{t-1} + (C_t - B_t)/2)`` and the reserve
  ``F_t = F_{t-1} + C_t + I_t - B_t`` (name ``Reserve``), the reserve ratio
  ``F_t / B_t``, the PAYG cost rate ``B_t / S_t``;
- the discount factors ``v_t``, ``u_t``; the GAP over 75 years, the actuarial balance
  over 75 years, and the depletion year (name ``DepletionYear``: the first year whose
  end-of-year reserve is negative), as :mod:`actuary.analysis.indicators` defines them.

What the layer holds fixed, said on the sheet too: the people, their insurable
earnings and the benefits are those of the projection; they do not respond to the
contribution rate, and the return does not change benefits (the projection's
indexation and wage paths stay as they were). The rest of the workbook stays
protected and keeps the valuation's own figures.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .cells import put, put_formula, put_title
from .i18n import N_, T, tr
from .projection_sheet import ProjectionLayout

__all__ = ["write_financing", "FINANCING_SHEET", "FIRST_ROW", "COLUMNS", "INPUT_NAMES",
           "GAP_YEARS", "SCALAR_ROWS", "money_view_columns"]

FINANCING_SHEET = "Financing"
HEADER_ROW = 8
START_ROW = 9  # the valuation date: F_0 and v_0 = 1
FIRST_ROW = START_ROW + 1
GAP_YEARS = 75
#: Rows of the results in column B: depletion year, GAP 75, actuarial balance 75.
SCALAR_ROWS = {"depletion_year": 3, "gap_75": 4, "actuarial_balance_75": 5}
INPUT_NAMES = ("ContributionRate", "InvestmentReturn", "AdminRate")

# key, header, format, width
COLUMNS = (
    ("year", N_("Year"), styles.YEAR, 8),
    ("rate", N_("ContributionRate: contribution rate (input)"), styles.RATE, 14),
    ("return", N_("InvestmentReturn: return on the reserve (input)"), styles.RATE, 14),
    ("admin_rate", N_("AdminRate: expenses, share of contributions (input)"), styles.RATE, 14),
    ("earnings", N_("Insurable earnings S_t (KHR bn)"), styles.KHR_BN, 14),
    ("collection", N_("Share of due contributions collected"), styles.RATE, 12),
    ("benefits", N_("Benefits (KHR bn)"), styles.KHR_BN, 14),
    ("fixed_admin", N_("Expenses not charged on contributions (KHR bn)"), styles.KHR_BN, 14),
    ("contributions", N_("Contributions C_t (KHR bn)"), styles.KHR_BN, 14),
    ("admin", N_("Administrative expenses (KHR bn)"), styles.KHR_BN, 14),
    ("expenditure", N_("Expenditure B_t (KHR bn)"), styles.KHR_BN, 14),
    ("income", N_("Investment income I_t (KHR bn)"), styles.KHR_BN, 14),
    ("reserve", N_("Reserve F_t, end of year (KHR bn)"), styles.KHR_BN, 15),
    ("reserve_ratio", N_("Reserve ratio F_t / B_t (years)"), styles.RATIO, 11),
    ("payg", N_("PAYG cost rate B_t / S_t"), styles.RATE, 11),
    ("v", N_("Discount factor v_t"), styles.FACTOR, 12),
    ("u", N_("Mid-year factor u_t"), styles.FACTOR, 12),
    ("depleted", N_("Year if F_t < 0"), styles.YEAR, 9),
)
_COL = {key: j for j, (key, *_rest) in enumerate(COLUMNS, start=1)}


def money_view_columns(proj: ProjectionLayout) -> tuple[tuple[str, str, str, float], ...]:
    """The columns after :data:`COLUMNS` that show the live reserve as a reader wants it,
    over the Projection sheet's money-view inputs (those it has): in constant prices
    (``F_t / P_t``), in USD (at the Projection's exchange rate, in its prices) and as a
    share of GDP. Key, header, format, width."""
    out = []
    if "price_index" in proj.columns:
        y0 = proj.years[0]
        out.append(("reserve_real", T("Reserve F_t / P_t (constant {year} KHR bn)", year=y0),
                    styles.KHR_BN,
                    15))
    if "exchange_rate" in proj.columns:
        out.append(("reserve_usd", T("Reserve F_t (USD m)"), "#,##0.0,,", 13))
    if "gdp" in proj.columns:
        out.append(("reserve_pct_gdp", T("Reserve, share of GDP"), styles.RATE, 11))
    return tuple(out)


def _L(key: str) -> str:
    return get_column_letter(_COL[key])


def _money_formulas(r: int, proj: ProjectionLayout, t: int) -> dict[str, str]:
    """Formulas of :func:`money_view_columns` in row ``r`` (projection year index ``t``)."""
    p = proj.first_row + t
    F = f"{_L('reserve')}{r}"
    ref = {k: f"{proj.sheet}!${proj.letter(k)}${p}" for k in
           ("price_index", "exchange_rate", "gdp") if k in proj.columns}
    shown = f"{F}/{ref['price_index']}" if "price_index" in ref else F
    out = {}
    if "price_index" in ref:
        out["reserve_real"] = f"={shown}"
    if "exchange_rate" in ref:
        out["reserve_usd"] = f'=IF({ref["exchange_rate"]}>0,{shown}/{ref["exchange_rate"]},"")'
    if "gdp" in ref:
        out["reserve_pct_gdp"] = f'=IF({ref["gdp"]}>0,{F}/{ref["gdp"]},"")'
    return out


def _formulas(r: int, proj: ProjectionLayout, t: int, with_collection: bool,
              charged: bool) -> dict[str, str]:
    """The formula of each derived column in row ``r`` (projection year index ``t``)."""
    p = proj.first_row + t
    P = {k: f"{proj.sheet}!${proj.letter(k)}${p}" for k in
         ("year", "insurable_earnings", "benefits", "admin")
         + (("collection",) if with_collection else ())}
    L = {k: _L(k) for k in _COL}
    q = r - 1
    return {
        "year": f"={P['year']}",
        "earnings": f"={P['insurable_earnings']}",
        "collection": f"={P['collection']}" if with_collection else "=1",
        "benefits": f"={P['benefits']}",
        "fixed_admin": "=0" if charged else f"={P['admin']}",
        "contributions": f"={L['rate']}{r}*{L['collection']}{r}*{L['earnings']}{r}",
        "admin": f"={L['admin_rate']}{r}*{L['contributions']}{r}+{L['fixed_admin']}{r}",
        "expenditure": f"={L['benefits']}{r}+{L['admin']}{r}",
        "income": f"={L['return']}{r}*({L['reserve']}{q}+({L['contributions']}{r}"
                  f"-{L['expenditure']}{r})/2)",
        "reserve": f"={L['reserve']}{q}+{L['contributions']}{r}+{L['income']}{r}"
                   f"-{L['expenditure']}{r}",
        "reserve_ratio": f'=IF({L["expenditure"]}{r}>0,{L["reserve"]}{r}/{L["expenditure"]}{r},"")',
        "payg": f'=IF({L["earnings"]}{r}>0,{L["expenditure"]}{r}/{L["earnings"]}{r},"")',
        "v": f"={L['v']}{q}/(1+{L['return']}{r})",
        "u": f"={L['v']}{r}*(1+{L['return']}{r}/2)",
        "depleted": f'=IF({L["reserve"]}{r}<0,{L["year"]}{r},"")',
    }


def _span(key: str, n: int) -> str:
    col = _L(key)
    return f"${col}${FIRST_ROW}:${col}${FIRST_ROW + n - 1}"


def _scalars(ws: Worksheet, n_years: int, lang: str = "en") -> None:
    """Depletion year, GAP 75 and actuarial balance 75 over the live columns."""
    last = FIRST_ROW + n_years - 1
    put(ws, SCALAR_ROWS["depletion_year"], 1, tr("financing_depletion", lang),
        font=styles.BOLD)
    put_formula(ws, SCALAR_ROWS["depletion_year"], 2,
                f'=IF(COUNT(${_L("depleted")}${FIRST_ROW}:${_L("depleted")}${last})=0,'
                f'"{T("none within the projection")}",MIN(${_L("depleted")}${FIRST_ROW}:'
                f'${_L("depleted")}${last}))', styles.YEAR)
    n = GAP_YEARS
    put(ws, SCALAR_ROWS["gap_75"], 1, tr("financing_gap", lang, years=str(n)),
        font=styles.BOLD)
    put(ws, SCALAR_ROWS["actuarial_balance_75"], 1, tr("financing_balance", lang, years=str(n)),
        font=styles.BOLD)
    f0 = f"${_L('reserve')}${START_ROW}"
    if n_years >= n:
        u = _span("u", n)
        put_formula(ws, SCALAR_ROWS["gap_75"], 2,
                    f"=(SUMPRODUCT({u},{_span('benefits', n)})+SUMPRODUCT({u},"
                    f"{_span('fixed_admin', n)})-{f0})/SUMPRODUCT({u},{_span('earnings', n)},"
                    f"{_span('collection', n)},1-{_span('admin_rate', n)})", styles.RATE)
    else:
        put(ws, SCALAR_ROWS["gap_75"], 2, T("not available (projection too short)"))
    if n_years >= n + 1:
        u = _span("u", n)
        v_n = f"${_L('v')}${FIRST_ROW + n - 1}"
        b_next = f"${_L('expenditure')}${FIRST_ROW + n}"
        put_formula(ws, SCALAR_ROWS["actuarial_balance_75"], 2,
                    f"=({f0}+SUMPRODUCT({u},{_span('contributions', n)})-SUMPRODUCT({u},"
                    f"{_span('expenditure', n)})-{v_n}*{b_next})/SUMPRODUCT({u},"
                    f"{_span('earnings', n)})", styles.RATE)
    else:
        put(ws, SCALAR_ROWS["actuarial_balance_75"], 2, T("not available (projection too short)"))
    put(ws, SCALAR_ROWS["gap_75"], 3, T("share of insurable earnings"))
    put(ws, SCALAR_ROWS["actuarial_balance_75"], 3, T("share of insurable earnings"))


def _inputs(result: Any, T: int) -> dict[str, np.ndarray]:
    """The valuation's own rate, return and expense rate (the inputs' starting values)."""
    cash = result.cash
    admin = getattr(cash, "admin_rate", None)
    charged = admin is not None and getattr(cash, "benefits", None) is not None
    return {"rate": result.yearly["contribution_rate"].to_numpy(dtype=float),
            "return": np.asarray(cash.interest, dtype=float),
            "admin_rate": np.asarray(admin, dtype=float) if charged else np.zeros(T)}


def write_financing(ws: Worksheet, result: Any, proj: ProjectionLayout,
                    lang: str = "en") -> None:
    """Fill the Financing sheet (title, note and result labels in ``lang``) and define
    the workbook names (see the module)."""
    n_years = len(proj.years)
    cash = result.cash
    charged = getattr(cash, "admin_rate", None) is not None and \
        getattr(cash, "benefits", None) is not None
    with_collection = "collection" in proj.columns
    put_title(ws, tr("financing_title", lang), tr("financing_note", lang))
    put(ws, HEADER_ROW - 1, 1, tr("table_prices", lang, prices=tr("prices_nominal", lang)),
        font=styles.NOTE)
    _scalars(ws, n_years, lang)
    extra = money_view_columns(proj)
    for j, (key, header, _fmt, width) in enumerate(COLUMNS + extra, start=1):
        # COLUMNS' headers are marked N_ (translated here); the extra ones are translated
        put(ws, HEADER_ROW, j, T(header) if j <= len(COLUMNS) else header)
        ws.column_dimensions[get_column_letter(j)].width = width
    styles.style_header(ws, HEADER_ROW, 1, len(COLUMNS) + len(extra))
    ws.row_dimensions[HEADER_ROW].height = 62
    put(ws, START_ROW, 1, "F_0", font=styles.NOTE)
    put_formula(ws, START_ROW, _COL["reserve"], f"={proj.start_ref('reserve_end')}",
                styles.KHR_BN)
    put(ws, START_ROW, _COL["v"], 1.0, styles.FACTOR)
    inputs = _inputs(result, n_years)
    for t in range(n_years):
        r = FIRST_ROW + t
        formulas = _formulas(r, proj, t, with_collection, charged)
        for key, _header, fmt, _w in COLUMNS:
            if key in inputs:
                cell = put(ws, r, _COL[key], float(inputs[key][t]), fmt)
                cell.protection = styles.UNLOCKED
                cell.border = styles.BOX
            else:
                put_formula(ws, r, _COL[key], formulas[key], fmt)
        money = _money_formulas(r, proj, t)
        for j, (key, _header, fmt, _w) in enumerate(extra, start=len(COLUMNS) + 1):
            put_formula(ws, r, j, money[key], fmt)
    wb = ws.parent
    last = FIRST_ROW + n_years - 1
    for name, key in zip(INPUT_NAMES, ("rate", "return", "admin_rate")):
        _define(wb, name, f"'{ws.title}'!${_L(key)}${FIRST_ROW}:${_L(key)}${last}")
    _define(wb, "Reserve", f"'{ws.title}'!${_L('reserve')}${FIRST_ROW}:${_L('reserve')}${last}")
    _define(wb, "DepletionYear", f"'{ws.title}'!$B${SCALAR_ROWS['depletion_year']}")
    ws.freeze_panes = ws.cell(row=FIRST_ROW, column=2)


def _define(wb: Any, name: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=ref)
