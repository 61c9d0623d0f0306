"""Money of the analysis-of-change workbook: prices, USD and shares of GDP.

An analysis of change compares states measured at two valuation dates: the previous
valuation (and the states before the roll-forward) in KHR of the previous valuation
year ``y0``, the others in KHR of the current one ``y1``. :class:`ChangePrices` says how
the workbook shows them:

* ``nominal``: each state's amount as valued, in KHR of its own year;
* ``constant``: KHR of ``y1``; a state measured at ``y0`` is multiplied by the growth of
  the price index from ``y0`` to ``y1`` that the roll-forward assumes
  (:attr:`actuary.studies.change.ChangeResult.price_growth`), so the roll-forward step
  shows the real change of the reserve and of the liability (an amount at 1 January of
  ``y0`` raised by the ratio of the yearly average indices: exact with a constant
  inflation, otherwise off by the difference between the index's yearly average and its
  value at 1 January, a fraction of one year's inflation change).

The change in a state's amount at a step is then ``after x f_after - before x f_before``
(``f`` the state's factor: the growth or 1), so the steps still add up to the total.

:func:`write_money_rows` adds, under the indicators of the Change sheet, the amounts in
USD and as shares of GDP as live formulas over a block of the states' money (valuation
year, exchange rate and GDP as inputs; the level chained from the steps).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .cells import put, put_formula
from .i18n import N_, T, T_known
from .money import PRICES, USD_M

__all__ = ["ChangePrices", "MONEY_ROWS", "write_money_rows"]

#: The money indicators and the labels of their USD and share-of-GDP rows.
MONEY_ROWS = {
    "reserve0": (N_("reserve at the valuation date (USD m)"),
                 N_("reserve at the valuation date (% of GDP)")),
    "adl": (N_("accrued-to-date liability (USD m)"),
            N_("accrued-to-date liability (% of GDP)")),
}


@dataclass(frozen=True)
class ChangePrices:
    """How the change workbook shows KHR (see the module docstring).

    Attributes
    ----------
    mode
        ``nominal`` or ``constant``.
    year
        The current valuation year ``y1`` (the price year of constant prices).
    growth
        ``P_{y1} / P_{y0}``: the roll-forward's price-index growth (1 with equal years).
    """

    mode: str
    year: int
    growth: float

    @classmethod
    def of(cls, result: Any, mode: str = "nominal") -> "ChangePrices":
        """The prices ``mode`` of an analysis of change ``result``.

        Raises
        ------
        DataError
            If ``mode`` is not one of :data:`actuary.reports.money.PRICES`.
        """
        from actuary.io.errors import DataError

        if mode not in PRICES:
            raise DataError("unknown prices", field="--prices", value=mode,
                            expected=" or ".join(PRICES))
        return cls(mode, int(result.states[-1]["money"]["year"]), result.price_growth)

    @property
    def constant(self) -> bool:
        """Whether the workbook's money is in constant prices."""
        return self.mode == "constant"

    def factor(self, state: dict) -> float:
        """What an amount of ``state`` (KHR of its own year) is multiplied by."""
        if self.constant and int(state["money"]["year"]) < self.year:
            return self.growth
        return 1.0

    def level(self, state: dict, key: str) -> float:
        """``state``'s ``key`` in these prices (NaN when it has none)."""
        v = state.get(key)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return float("nan")
        return float(v) * self.factor(state)

    def note(self) -> str:
        """What the money of the workbook is, for the sheets' notes."""
        if self.constant:
            return T("Money in billions of constant {year} KHR: amounts at the previous "
                     "valuation year raised by the price growth the roll-forward assumes "
                     "({growth}); the cells hold riel.", year=self.year,
                     growth=f"x {self.growth:.4f}")
        return T("Money in billions of KHR at each valuation date (the cells hold riel); "
                 "present values at the valuation date.")

    def steps(self, result: Any) -> pd.DataFrame:
        """``result.steps`` with the KHR rows' before, after and change in these prices."""
        out = result.steps.copy()
        if not self.constant:
            return out
        states = result.states
        pairs = {g: (states[k], states[k + 1]) for k, g in enumerate(result.order)}
        pairs["total"] = (states[0], states[-1])
        for i, row in out.iterrows():
            if row["kind"] != "khr":
                continue
            before, after = pairs[row["step"]]
            b, a = self.level(before, row["indicator"]), self.level(after, row["indicator"])
            out.loc[i, ["before", "after", "change"]] = [b, a, a - b]
        return out

    def dependence(self, result: Any) -> pd.DataFrame:
        """``result.order_dependence`` with the KHR rows' changes in these prices."""
        out = result.order_dependence.copy()
        if not self.constant or out.empty:
            return out
        here = self.steps(result)
        in_order = here.set_index(["step", "indicator"])["change"]
        for i, row in out.iterrows():
            if row["kind"] != "khr":
                continue
            key = row["indicator"]
            for which in ("first", "last"):
                before, after = result.dependence_states[(row["group"], which)]
                out.loc[i, which] = self.level(after, key) - self.level(before, key)
            out.loc[i, "in_order"] = in_order[(row["group"], key)]
            out.loc[i, "spread"] = out.loc[i, "last"] - out.loc[i, "first"]
        return out


def _context(result: Any, prices: ChangePrices, field: str) -> list[float | None]:
    """The states' exchange rate or GDP (``field``), in the table's prices: constant
    prices take the current valuation's rate for every state (KHR of one year)."""
    if field == "exchange_rate" and prices.constant:
        return [result.states[-1]["money"]["exchange_rate"]] * len(result.states)
    return [s["money"][field] for s in result.states]


def write_money_rows(ws: Worksheet, result: Any, prices: ChangePrices, rows: dict[str, int],
                     first_free: int) -> int:
    """Under the indicator table of the Change sheet: the USD and share-of-GDP rows of
    the money indicators (their row in ``rows``), then the block of the states' money
    they are formulas over, from row ``first_free``; return the next free row.

    Columns as the table: B the previous valuation, then one a step (the state after
    it), the current valuation, the total change and the sum of the steps. A money row
    with a step without a change (no amount) gets no USD or GDP rows.
    """
    n = len(result.order)
    state_col = [2 + k for k in range(n + 1)]  # state k: B, then the step columns
    cur, total, summed = 3 + n, 4 + n, 5 + n
    L = get_column_letter
    rates, gdps = _context(result, prices, "exchange_rate"), _context(result, prices, "gdp")
    keys = [k for k in MONEY_ROWS if k in rows and all(
        not math.isnan(prices.level(s, k)) for s in result.states)]
    with_usd = all(r is not None and r > 0 for r in rates)
    with_gdp = all(g is not None and g > 0 for g in gdps)
    if not keys or not (with_usd or with_gdp):
        return first_free
    if not with_gdp:
        put(ws, first_free + len(keys) * int(with_usd), 1,
            T("No share of GDP: the sets give no GDP for every state's year."), font=styles.NOTE)
    # the block of the states' money, under the new rows
    n_rows = len(keys) * (int(with_usd) + int(with_gdp))
    top = first_free + n_rows + 2
    put(ws, top, 1, T("The states' money: each state's year, exchange rate and GDP "
                      "(inputs) and its amounts"), font=styles.SECTION)
    head = top + 1
    put(ws, head, 1, T("State"))
    put(ws, head, 2, T("Previous"))
    for j, g in enumerate(result.order, start=1):
        from actuary.studies.change_keys import GROUP_TITLES

        put(ws, head, state_col[j], T("after: {step}", step=T_known(GROUP_TITLES[g])))
    styles.style_header(ws, head, 1, state_col[-1])
    ws.row_dimensions[head].height = max(
        styles.wrapped_height(str(ws.cell(row=head, column=c).value), 18)
        for c in range(1, state_col[-1] + 1))
    r = head + 1
    at = {}
    put(ws, r, 1, T("Year the amounts are measured at"))
    for k, s in enumerate(result.states):
        put(ws, r, state_col[k], int(s["money"]["year"]), styles.YEAR, fill=styles.INPUT_FILL)
    r += 1
    if with_usd:
        at["rate"] = r
        put(ws, r, 1, T("Exchange rate (KHR per USD of {year})", year=prices.year)
            if prices.constant else T("Exchange rate (KHR per USD)"))
        for k, v in enumerate(rates):
            put(ws, r, state_col[k], v, "#,##0", fill=styles.INPUT_FILL)
        r += 1
    if with_gdp:
        at["gdp"] = r
        put(ws, r, 1, T("GDP of the year (KHR bn)"))
        for k, v in enumerate(gdps):
            put(ws, r, state_col[k], v, styles.KHR_BN, fill=styles.INPUT_FILL)
        r += 1
        if prices.constant:
            at["factor"] = r
            put(ws, r, 1, T("Price factor to constant {year} KHR", year=prices.year))
            for k, s in enumerate(result.states):
                put(ws, r, state_col[k], prices.factor(s), "0.0000", fill=styles.INPUT_FILL)
            r += 1
    levels = {}
    for key in keys:
        usd_label, gdp_label = MONEY_ROWS[key]
        # the level, chained from the table: the previous value, then + each step
        lvl = r
        put(ws, lvl, 1, T_known(_khr_label(key)))
        put_formula(ws, lvl, 2, f"=B{rows[key]}", styles.KHR_BN)
        for k in range(1, n + 1):
            c = L(state_col[k])
            put_formula(ws, lvl, state_col[k], f"={L(state_col[k - 1])}{lvl}+{c}{rows[key]}",
                        styles.KHR_BN)
        r += 1
        if with_usd:
            levels[(key, "usd")] = r
            put(ws, r, 1, T(usd_label))
            for k in range(n + 1):
                c = L(state_col[k])
                put_formula(ws, r, state_col[k], f'=IF({c}{at["rate"]}>0,{c}{lvl}/'
                            f'{c}{at["rate"]},"")', USD_M)
            r += 1
        if with_gdp:
            levels[(key, "gdp")] = r
            put(ws, r, 1, T(gdp_label))
            for k in range(n + 1):
                c = L(state_col[k])
                amount = f"{c}{lvl}/{c}{at['factor']}" if prices.constant else f"{c}{lvl}"
                put_formula(ws, r, state_col[k], f'=IF({c}{at["gdp"]}>0,{amount}/'
                            f'{c}{at["gdp"]},"")', styles.RATE)
            r += 1
    # the rows in the table: each state's value, the change at each step, the total
    row = first_free
    last_state = L(state_col[-1])
    for key in keys:
        for what, fmt in (("usd", USD_M), ("gdp", styles.RATE)):
            if (key, what) not in levels:
                continue
            src = levels[(key, what)]
            put(ws, row, 1, T(MONEY_ROWS[key][0 if what == "usd" else 1]))
            put_formula(ws, row, 2, f"=B{src}", fmt)
            for k in range(1, n + 1):
                c, p = L(state_col[k]), L(state_col[k - 1])
                put_formula(ws, row, state_col[k], f"={c}{src}-{p}{src}", fmt)
            put_formula(ws, row, cur, f"={last_state}{src}", fmt)
            put_formula(ws, row, total, f"={L(cur)}{row}-B{row}", fmt)
            put_formula(ws, row, summed, f"=SUM(C{row}:{L(2 + n)}{row})", fmt)
            row += 1
    return r + 1


def _khr_label(key: str) -> str:
    """The shown label of money indicator ``key`` (KHR bn)."""
    from actuary.studies.change import INDICATORS

    label = next(lab for k, lab, _kind in INDICATORS if k == key)
    return label.replace("(KHR)", "(KHR bn)")
