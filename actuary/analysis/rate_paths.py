"""The headline under two contribution-rate paths, shown as equals.

A scheme whose legislated contribution rate keeps stepping up after its last dated
value (the NSSF: +2.75 points every ten years after October 2032, no cap found, 35.5%
in 2124) owes its depletion year and actuarial balance to that rule. The headline
therefore shows two paths side by side, each labelled with what it assumes:

* ``legislated``: the schedule as sourced, the rule after the last date included;
* ``held``: the rate held at its last enacted (dated) step for the rest of the horizon.

The GAP, the steady-state rate and the accrued liability do not depend on the
contribution rate (the GAP solves for the rate; administrative expenses are a share of
contributions and are solved with it), so they are shown once. Each path is compared
with the GAP through its average contribution rate over the GAP's years,
``sum u_t C_t / sum u_t S_t`` (``u_t`` the mid-year discount factors of
:mod:`actuary.analysis.indicators`, ``S_t`` the earnings contributions are collected on):
the GAP minus that average is the level rate the path falls short by (before the
ending reserve the actuarial balance asks for).

The held path changes only the contribution rate of the basis, so only contributions,
administrative expenses (a share of them), refunds of contributions (members below the
old-age condition get back what was paid) and the reserve differ from the legislated
projection: people, earnings and the pensions are the same (tested).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from actuary.analysis import indicators as ind
from actuary.assumptions.dated import Extension
from actuary.engine.basis import Basis
from actuary.engine.projection import project

if TYPE_CHECKING:  # pragma: no cover
    from actuary.assumptions import AssumptionSet

__all__ = ["RatePath", "PATH_INDICATORS", "COMMON_INDICATORS", "held_rates", "rate_paths",
           "path_indicators", "headline_table", "RESERVE_RATIO_YEARS", "AVERAGE_RATE_YEARS"]

#: Projection years whose end-of-year reserve ratio the headline shows.
RESERVE_RATIO_YEARS = (10, 25, 50)
#: Years of the average contribution rate compared with the GAP (the GAP's longest).
AVERAGE_RATE_YEARS = 75

#: Indicators that depend on the rate path, in reading order: (key, label, kind).
PATH_INDICATORS: tuple[tuple[str, str, str], ...] = (
    ("depletion_year", "depletion year of the reserve", "year"),  # kinds: year, rate,
    # share (of expenditure), ratio (years of expenditure)
    ("payable_share_at_depletion", "  share of expenditure payable then", "share"),
    ("actuarial_balance_75", "actuarial balance, 75 years", "rate"),
    *((f"reserve_ratio_year_{n}", f"reserve ratio, end of year {n}", "ratio")
      for n in RESERVE_RATIO_YEARS),
    (f"average_rate_{AVERAGE_RATE_YEARS}",
     f"average contribution rate, {AVERAGE_RATE_YEARS} years (PV)", "rate"),
    (f"gap_{AVERAGE_RATE_YEARS}_minus_average_rate",
     f"GAP {AVERAGE_RATE_YEARS} minus that average rate", "rate"),
)
#: Indicators the same under every path (``summary`` keys).
COMMON_INDICATORS: tuple[tuple[str, str, str], ...] = (
    ("gap_25", "GAP 25 years", "rate"),
    ("gap_50", "GAP 50 years", "rate"),
    ("gap_75", "GAP 75 years", "rate"),
    ("steady_state_rate", "steady-state rate", "rate"),
)


@dataclass(frozen=True)
class RatePath:
    """One contribution-rate path and the headline indicators under it.

    Attributes
    ----------
    key
        ``legislated``, ``run`` (the basis's own rate, not the set's schedule) or ``held``.
    name
        Short name for a column or a CSV value (``legislated_schedule``, ``this_run``,
        ``held_at_last_enacted_step``).
    assumes
        What the path assumes, in words, with its rates.
    rates
        The contribution rate of each projection year (fraction of insurable earnings).
    indicators
        ``PATH_INDICATORS`` keys -> value (None: not within the projection or not
        available; the depletion year None means no depletion within it).
    """

    key: str
    name: str
    assumes: str
    rates: np.ndarray
    indicators: dict


def held_rates(aset: "AssumptionSet", basis: Basis) -> np.ndarray:
    """The contribution rate of each projection year held at its last dated value.

    The set's ``scheme.parameters.contribution_rate`` with its extension rule replaced
    by ``hold``, averaged over each calendar year as :func:`actuary.engine.build.build_basis`
    does for the legislated rate.
    """
    param = aset.scheme.parameters.contribution_rate
    held = param.model_copy(update={"extend": Extension(rule="hold")})
    last = basis.first_year + basis.n_years - 1
    return np.asarray(held.yearly(basis.first_year, last, "average"), dtype=float)


def path_indicators(cf: ind.CashFlows) -> dict:
    """The rate-dependent headline indicators of one path's cash flows (see the module)."""
    T = len(cf.years)
    dep = ind.depletion(cf)
    out: dict = {"depletion_year": dep["year"],
                 "payable_share_at_depletion": dep["payable_share"],
                 "actuarial_balance_75": ind.actuarial_balance(cf, 75) if T >= 76 else None}
    reserve = ind.reserve_path(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
    ratio = ind.reserve_ratio(reserve, cf.expenditure)
    for n in RESERVE_RATIO_YEARS:
        out[f"reserve_ratio_year_{n}"] = float(ratio[n - 1]) if n <= T else None
    n = AVERAGE_RATE_YEARS
    avg_key, gap_key = f"average_rate_{n}", f"gap_{n}_minus_average_rate"
    if n <= T:
        _v, u = ind.discount_factors(cf.interest[:n])
        average = float(np.sum(u * cf.contributions[:n]) / np.sum(u * cf.collected_earnings[:n]))
        out[avg_key] = average
        out[gap_key] = ind.general_average_premium(cf, n) - average
    else:
        out[avg_key] = out[gap_key] = None
    return out


def _dated(param) -> str:
    """The dated values of a rate parameter: ``4.00% from 2022-10-01, 8.00% from ...``."""
    return ", ".join(f"{100 * float(v):.2f}% from {d.isoformat()}"
                     for d, v in sorted(param.values.items()))


def _yearly_runs(rates: np.ndarray, first_year: int, most: int = 6) -> str:
    """Yearly rates as runs of equal values: ``15.14% in 2025-2124`` (the first ``most``)."""
    starts = [0] + [t for t in range(1, len(rates)) if rates[t] != rates[t - 1]]
    ends = starts[1:] + [len(rates)]
    runs = [f"{100 * float(rates[a]):.2f}% in {first_year + a}"
            + (f"-{first_year + b - 1}" if b - a > 1 else "")
            for a, b in zip(starts, ends)]
    return ", ".join(runs[:most]) + (f" and {len(runs) - most} more changes"
                                     if len(runs) > most else "")


def rate_paths(aset: "AssumptionSet", basis: Basis, cf: ind.CashFlows) -> tuple[RatePath, ...]:
    """The legislated and the held path (only the first when the two coincide).

    When the basis's contribution rate is not the set's schedule (``actuary solve`` moved
    it), the first path is this run's rate (key ``run``), described from the basis.

    ``cf`` are the cash flows of the legislated projection of ``basis``; the held path
    is projected again with only the contribution rate changed.
    """
    param = aset.scheme.parameters.contribution_rate
    years = np.asarray(cf.years)
    last_date = max(param.values)
    last_value = float(param.values[last_date])
    last_year = int(years[-1])
    own = np.asarray(basis.contribution_rate, dtype=float)
    schedule = np.asarray(param.yearly(basis.first_year, basis.first_year + basis.n_years - 1,
                                       "average"), dtype=float)
    if np.allclose(own, schedule, rtol=0.0, atol=1e-15):
        first = RatePath(
            "legislated", "legislated_schedule",
            f"the legislated schedule as sourced ({param.status}): {_dated(param)}; then "
            f"{param.extend.described} (the rule after the last date), "
            f"{100 * float(own[-1]):.2f}% in {last_year}", own, path_indicators(cf))
    else:
        # The basis's rate was changed after the set was read (a solve, a caller's basis):
        # path [A] is this run's own rate, and must not be described as the law's.
        first = RatePath(
            "run", "this_run",
            f"the contribution rate of this run, not the set's schedule: "
            f"{_yearly_runs(own, basis.first_year)}", own, path_indicators(cf))
    rates = held_rates(aset, basis)
    if np.allclose(rates, basis.contribution_rate, rtol=0.0, atol=1e-15):
        return (first,)
    proj = project(basis.with_(contribution_rate=rates))
    from actuary.analysis.results import cash_flows

    held = RatePath(
        "held", "held_at_last_enacted_step",
        f"the rate held at its last enacted step: {_dated(param)}; then held at "
        f"{100 * last_value:.2f}% to {last_year} (no further step)",
        rates, path_indicators(cash_flows(proj)))
    return (first, held)


def headline_table(summary: dict, paths: tuple[RatePath, ...],
                   accrued: dict | None = None) -> pd.DataFrame:
    """The headline in long form: ``indicator, rate_path, value`` (``headline.csv``).

    Path-dependent indicators get one row per path (``rate_path`` its name); the
    others one row with ``rate_path`` ``both``. Each path also has a row ``assumes``
    whose value says what it assumes. A depletion year None (no depletion within the
    projection) and an unavailable indicator are written empty.
    """
    rows = []
    for p in paths:
        rows.append(("assumes", p.name, p.assumes))
    for key, _label, _kind in PATH_INDICATORS:
        for p in paths:
            rows.append((key, p.name, p.indicators.get(key)))
    common = "both" if len(paths) > 1 else paths[0].name if paths else "both"
    for key, _label, _kind in COMMON_INDICATORS:
        rows.append((key, common, summary.get(key)))
    rows.append(("reserve0", common, summary.get("reserve0")))
    for key in ("adl", "adl_pct_gdp", "funded_ratio"):
        if accrued and key in accrued:
            rows.append((key, common, accrued[key]))
    return pd.DataFrame(rows, columns=["indicator", "rate_path", "value"])
