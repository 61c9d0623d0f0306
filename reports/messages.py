"""Key messages of a valuation: three to six plain sentences generated from its figures.

They open the Summary sheet, before any table, for the reader who will read nothing
else (a minister's adviser). Each sentence is built from the result's own numbers, so
it changes with them; nothing is typed in by hand. Money is given in billions of KHR,
in millions of USD at the assumption set's exchange rate of the valuation year, and as
a share of that year's GDP where the set projects GDP.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from actuary.analysis.sensitivity import top_assumptions

__all__ = ["key_messages", "usd_rate"]


def usd_rate(result: Any) -> float | None:
    """KHR per USD in the valuation year (the set's exchange rate), or None."""
    try:
        y0 = int(result.aset.first_year)
        return float(result.aset.economic.exchange_rate.yearly(y0, y0, "average")[0])
    except (AttributeError, IndexError, TypeError, ValueError):
        return None


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _money(result: Any, khr: float, year: int) -> str:
    """``KHR 1,234.5 billion (USD 301.1 million; 2.1% of GDP)``."""
    text = f"KHR {khr / 1e9:,.1f} billion"
    extra = []
    rate = usd_rate(result)
    if rate:
        extra.append(f"USD {khr / rate / 1e6:,.1f} million")
    y = result.yearly.set_index("year")
    if "gdp" in y.columns and year in y.index and y.loc[year, "gdp"] > 0:
        extra.append(f"{100 * khr / y.loc[year, 'gdp']:.2f}% of that year's GDP")
    return text + (f" ({'; '.join(extra)})" if extra else "")


def _depletion(result: Any) -> list[str]:
    """The reserve under the legislated rates (and under the rate held, if different)."""
    last = int(result.yearly["year"].iloc[-1])
    paths = result.rate_paths
    if not paths:
        dep = result.summary.get("depletion_year")
        return [f"At the legislated contribution rates the reserve "
                + (f"runs out in {int(dep)}." if dep else f"lasts beyond {last}.")]
    legislated = paths[0].indicators.get("depletion_year")
    text = ("At the rates in law the reserve "
            + (f"runs out in {int(legislated)}" if legislated else f"lasts beyond {last}"))
    if len(paths) > 1:
        held = paths[1]
        rate = float(held.rates[-1])
        dep = held.indicators.get("depletion_year")
        text += (f"; if the rate stays at {_pct(rate)} after its last enacted step, it "
                 + (f"runs out in {int(dep)}." if dep else f"still lasts beyond {last}."))
    else:
        text += "."
    return [text]


def _reserve_now(result: Any) -> list[str]:
    y0 = int(result.yearly["year"].iloc[0])
    r0 = float(result.summary["reserve0"])
    text = f"The reserve at the valuation date is {_money(result, r0, y0)}"
    ratio = result.summary.get("reserve_ratio_year_10")
    if ratio is not None and not (isinstance(ratio, float) and math.isnan(ratio)):
        text += (f"; at the legislated rates it would pay {ratio:.1f} years of expenditure "
                 f"at the end of {y0 + 9}")
    return [text + "."]


def _cost(result: Any) -> list[str]:
    """The PAYG cost rate now and in 50 years, against the legislated rate then."""
    y = result.yearly
    n = min(50, len(y))
    first, later = y.iloc[0], y.iloc[n - 1]
    return [f"Pensions and expenses cost {_pct(first['payg_cost_rate'])} of insurable "
            f"earnings in {int(first['year'])} and {_pct(later['payg_cost_rate'])} in "
            f"{int(later['year'])}, when the legislated contribution rate is "
            f"{_pct(later['contribution_rate'])}."]


def _gap(result: Any) -> list[str]:
    gap = result.summary.get("gap_75")
    if gap is None or (isinstance(gap, float) and math.isnan(gap)):
        return []
    text = (f"A level contribution rate of {_pct(gap)} from now on would pay for the next "
            "75 years (the general average premium)")
    paths = result.rate_paths
    avg = paths[0].indicators.get("average_rate_75") if paths else None
    if avg is not None:
        text += (f"; the legislated rates average {_pct(avg)} over the same years "
                 "(present-value weighted)")
    return [text + "."]


def _sensitivity(result: Any) -> list[str]:
    top = top_assumptions(result.sensitivity, 1) if len(result.sensitivity) else None
    if top is None or top.empty:
        return []
    rec = top.iloc[0]
    change = float(rec["gap_change"])
    if not np.isfinite(change):
        return []
    return [f"The result is most sensitive to {rec['assumption']}: the test "
            f"'{rec['test']}' moves the {int(rec['gap_horizon'])}-year general average "
            f"premium by {100 * change:+.2f} percentage points."]


def _unverified(result: Any) -> list[str]:
    n = len(list(result.aset.unverified()))
    if not n:
        return []
    return [f"{n} parameters or tables are not yet confirmed by a source (shaded red "
            "in this workbook); the figures are provisional until they are."]


def key_messages(result: Any) -> list[str]:
    """Three to six sentences, most important first (see the module docstring)."""
    out = (_depletion(result) + _reserve_now(result) + _cost(result) + _gap(result)
           + _sensitivity(result) + _unverified(result))
    return out[:6]
