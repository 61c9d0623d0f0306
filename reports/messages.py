"""Key messages of a valuation: three to six plain sentences generated from its figures.

They open the Summary sheet, before any table, for the reader who will read nothing
else (a minister's adviser). Each sentence is built from the result's own numbers, so
it changes with them; nothing is typed in by hand. Money is given in billions of KHR,
in millions of USD at the assumption set's exchange rate of the valuation year, and as
a share of that year's GDP where the set projects GDP. Every sentence comes from the
message catalogue (:func:`actuary.reports.i18n.tr`), in English or Khmer.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from actuary.analysis.sensitivity import top_assumptions

from .i18n import T_known, language, tr
from .sensitivity_names import name_of_test

__all__ = ["key_messages", "usd_rate", "rate_path_of"]


def usd_rate(result: Any) -> float | None:
    """KHR per USD in the valuation year (the set's exchange rate), or None."""
    try:
        y0 = int(result.aset.first_year)
        return float(result.aset.economic.exchange_rate.yearly(y0, y0, "average")[0])
    except (AttributeError, IndexError, TypeError, ValueError):
        return None


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _money(result: Any, khr: float, year: int, lang: str) -> str:
    """``KHR 1,234.5 billion (USD 301.1 million; 2.1% of GDP)``."""
    text = tr("money_khr", lang, bn=f"{khr / 1e9:,.1f}")
    extra = []
    rate = usd_rate(result)
    if rate:
        extra.append(tr("money_usd", lang, m=f"{khr / rate / 1e6:,.1f}"))
    y = result.yearly.set_index("year")
    if "gdp" in y.columns and year in y.index and y.loc[year, "gdp"] > 0:
        extra.append(tr("money_gdp", lang, pct=f"{100 * khr / y.loc[year, 'gdp']:.2f}%"))
    return text + (f" ({'; '.join(extra)})" if extra else "")


def rate_path_of(result: Any) -> str:
    """``legislated``, or ``run`` when the run's rate is not the set's schedule (a solve)."""
    paths = getattr(result, "rate_paths", None)
    return "run" if paths and paths[0].key == "run" else "legislated"


def _keyed(key: str, result: Any) -> str:
    """The message ``key``, or its ``key_run`` variant when the rate is the run's own."""
    return key + "_run" if rate_path_of(result) == "run" else key


def _depletion(result: Any, lang: str) -> list[str]:
    """The reserve under the legislated rates (and under the rate held, if different)."""
    last = str(int(result.yearly["year"].iloc[-1]))
    paths = result.rate_paths
    legislated = paths[0].indicators.get("depletion_year") if paths else \
        result.summary.get("depletion_year")
    which = rate_path_of(result)
    text = (tr(f"depletion_{which}_runs_out", lang, year=str(int(legislated)))
            if legislated else tr(f"depletion_{which}_lasts", lang, last=last))
    if len(paths) > 1:
        held = paths[1]
        rate = _pct(float(held.rates[-1]))
        dep = held.indicators.get("depletion_year")
        text += (tr("depletion_held_runs_out", lang, rate=rate, year=str(int(dep))) if dep
                 else tr("depletion_held_lasts", lang, rate=rate, last=last))
    else:
        text += tr("end", lang)
    return [text]


def _reserve_now(result: Any, lang: str) -> list[str]:
    y0 = int(result.yearly["year"].iloc[0])
    r0 = float(result.summary["reserve0"])
    text = tr("reserve_now", lang, money=_money(result, r0, y0, lang))
    ratio = result.summary.get("reserve_ratio_year_10")
    if ratio is not None and not (isinstance(ratio, float) and math.isnan(ratio)):
        text += tr(_keyed("reserve_ratio_10", result), lang, ratio=f"{ratio:.1f}",
                   year=str(y0 + 9))
    return [text + tr("end", lang)]


def _cost(result: Any, lang: str) -> list[str]:
    """The PAYG cost rate now and in 50 years, against the legislated rate then."""
    y = result.yearly
    n = min(50, len(y))
    first, later = y.iloc[0], y.iloc[n - 1]
    return [tr(_keyed("cost", result), lang, now=_pct(first["payg_cost_rate"]), y0=str(int(first["year"])),
               later=_pct(later["payg_cost_rate"]), y1=str(int(later["year"])),
               rate=_pct(later["contribution_rate"]))]


def _gap(result: Any, lang: str) -> list[str]:
    gap = result.summary.get("gap_75")
    if gap is None or (isinstance(gap, float) and math.isnan(gap)):
        return []
    text = tr("gap", lang, gap=_pct(gap))
    paths = result.rate_paths
    avg = paths[0].indicators.get("average_rate_75") if paths else None
    if avg is not None:
        text += tr(_keyed("gap_average", result), lang, avg=_pct(avg))
    return [text + tr("end", lang)]


def _sensitivity(result: Any, lang: str) -> list[str]:
    top = top_assumptions(result.sensitivity, 1) if len(result.sensitivity) else None
    if top is None or top.empty:
        return []
    rec = top.iloc[0]
    change = float(rec["gap_change"])
    if not np.isfinite(change):
        return []
    with language(lang):  # the test's name through the catalogue, in ``lang``
        test = name_of_test(str(rec["test"]))
    return [tr("sensitivity", lang, assumption=T_known(str(rec["assumption"]), lang), test=test,
               years=str(int(rec["gap_horizon"])), points=f"{100 * change:+.2f}")]


def _unverified(result: Any, lang: str) -> list[str]:
    n = len(list(result.aset.unverified()))
    if not n:
        return []
    return [tr("unverified", lang, n=str(n))]


def key_messages(result: Any, lang: str = "en") -> list[str]:
    """Three to six sentences in ``lang`` (``en``, ``km``), most important first (see the
    module docstring)."""
    out = (_depletion(result, lang) + _reserve_now(result, lang) + _cost(result, lang)
           + _gap(result, lang) + _sensitivity(result, lang) + _unverified(result, lang))
    return out[:6]
