"""A scenario's standard result: a yearly table and a summary with the same columns and
keys for every scenario, with the budget's view of the scheme.

A scenario is an assumption set valued by :func:`actuary.analysis.valuation.run_valuation`
(:func:`scenario_from_valuation`) or a design file combining several projections
(:mod:`actuary.schemes.public_sector`, :mod:`actuary.schemes.tiers`), which builds its own
:class:`ScenarioResult` from the pieces here. The comparison of scenarios side by side is
a study (:mod:`actuary.studies.compare`); these pieces sit below it, in the analysis
layer, so that the schemes use them without importing a study (which imports the
schemes to run their designs).

The budget view (DESIGN §6, "budget cost as % of GDP"), for each year t:

* budget contributions ``beta_t C_t``: the share ``beta_t`` of the contributions the state
  pays (``scheme.parameters.budget_contribution_share``: as the employer of civil
  servants, or as a matching subsidy of the self-employed);
* deficit financing ``D_t >= 0`` where the scheme has ``budget_guarantee: deficit``: the
  budget pays, mid-year like every cash flow, what keeps the reserve from falling below
  zero. With ``F'_t = F_{t-1} (1 + i_t) + (C_t - B_t)(1 + i_t/2)`` the reserve without it,
  ``D_t = max(0, -F'_t) / (1 + i_t/2)`` and ``F_t = F'_t + D_t (1 + i_t/2)`` (so
  ``F_t = max(F'_t, 0)``). A budget-financed scheme with no contributions and no reserve
  thus has ``D_t = B_t``: the budget pays every benefit;
* budget cost ``beta_t C_t + D_t`` (KHR), and as a share of GDP ``100 x cost / GDP_t``
  (``economic.gdp``).

The scheme's own indicators (GAP, depletion, reserve ratio, actuarial balance) are those
of the scheme standing alone, without the budget's top-ups: the GAP of a budget-financed
scheme is the level contribution rate that would finance it. Present values are at the
set's investment return, mid-year (``u_t`` of :mod:`actuary.analysis.indicators`). Money is
nominal KHR of each year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from actuary.analysis import indicators as ind
from actuary.analysis.valuation import input_files
from actuary.assumptions.registry import DATA_DIR
from actuary.io.errors import ActuaryError
from actuary.io.yamlio import read_mapping

__all__ = [
    "REFORMS_DIR",
    "ScenarioResult",
    "YEARLY_COLUMNS",
    "budget_columns",
    "budget_rules",
    "guaranteed_reserve",
    "present_value",
    "resolve_scenario",
    "scenario_from_valuation",
    "standard_summary",
    "standard_yearly",
]

#: Shipped reform files (overlays and designs), found by name by :func:`resolve_scenario`
#: (they live with the assumption sets, installed or not).
REFORMS_DIR = DATA_DIR / "reforms"

#: Columns of every scenario's yearly table (money in KHR, counts on 1 January).
YEARLY_COLUMNS = (
    "year", "active", "pensioners", "insurable_earnings", "contributions", "benefits",
    "expenditure", "investment_return", "reserve_end", "payg_cost_rate", "reserve_ratio",
    "budget_contributions", "budget_deficit", "budget_cost", "gdp", "budget_cost_pct_gdp",
)


@dataclass
class ScenarioResult:
    """One scenario as the comparison sees it.

    Attributes
    ----------
    name, description
        From the file.
    kind
        ``set`` (an assumption set or overlay) or the design's kind (``transition``,
        ``new_entrants``).
    yearly
        One row a year with :data:`YEARLY_COLUMNS` (plus, for designs, columns of
        their parts, e.g. ``transition_cost``).
    summary
        Every key of :data:`COMPARE_ROWS` (None where not defined), and more.
    files
        Files read (the scenario's own first).
    parts
        The underlying :class:`actuary.analysis.valuation.ValuationResult` objects by role
        (``scheme`` for a set; ``status_quo``, ``legacy``, ``new`` for a design).
    notes
        Lines worth printing (what the design did).
    """

    name: str
    description: str
    kind: str
    yearly: pd.DataFrame
    summary: dict
    files: list[str] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    content_hash: str = ""


def budget_rules(aset: Any, first_year: int, last_year: int) -> tuple[np.ndarray, np.ndarray]:
    """``(share, guaranteed)`` per calendar year: the share of contributions the budget
    pays (time-weighted average of the year) and whether the budget covers deficits
    (the choice in force on 1 January). Absent parameters: 0 and no guarantee."""
    p = aset.scheme.parameters
    n = last_year - first_year + 1
    share = np.zeros(n)
    if p.budget_contribution_share is not None:
        share = np.asarray(p.budget_contribution_share.yearly(first_year, last_year, "average"),
                           dtype=float)
    guaranteed = np.zeros(n, dtype=bool)
    if p.budget_guarantee is not None:
        guaranteed = np.array([str(v) == "deficit" for v in
                               p.budget_guarantee.yearly(first_year, last_year, "start")])
    return share, guaranteed


def guaranteed_reserve(reserve0: float, contributions: np.ndarray, expenditure: np.ndarray,
                       interest: np.ndarray, guaranteed: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """End-of-year reserves and the budget's deficit payments ``D_t`` (KHR), see the
    module docstring. Years without the guarantee roll forward as
    :func:`actuary.analysis.indicators.reserve_path` (the reserve may be negative)."""
    c = np.asarray(contributions, dtype=float)
    b = np.asarray(expenditure, dtype=float)
    i = np.asarray(interest, dtype=float)
    g = np.asarray(guaranteed, dtype=bool)
    out = np.empty_like(c)
    top = np.zeros_like(c)
    f = float(reserve0)
    for t in range(c.shape[0]):
        net = c[t] - b[t]
        f_next = f + net + i[t] * (f + 0.5 * net)
        if g[t] and f_next < 0.0:
            top[t] = -f_next / (1.0 + 0.5 * i[t])
            f_next = 0.0
        out[t] = f_next
        f = f_next
    return out, top


def present_value(amounts: np.ndarray, interest: np.ndarray, years: int) -> float | None:
    """``sum_{t<=n} u_t x_t``: the value at the valuation date of mid-year amounts (KHR)."""
    n = int(years)
    if n > len(amounts):
        return None
    _, u = ind.discount_factors(np.asarray(interest, dtype=float)[:n])
    return float(np.sum(u * np.asarray(amounts, dtype=float)[:n]))


def budget_columns(yearly: pd.DataFrame, share: np.ndarray, guaranteed: np.ndarray,
                   reserve0: float) -> pd.DataFrame:
    """``yearly`` (valuation columns) with the budget view added (see the module docstring)."""
    out = yearly.copy()
    reserve, deficit = guaranteed_reserve(reserve0, out["contributions"].to_numpy(),
                                          out["expenditure"].to_numpy(),
                                          out["investment_return"].to_numpy(), guaranteed)
    out["budget_contributions"] = share * out["contributions"].to_numpy()
    out["budget_deficit"] = deficit
    out["budget_cost"] = out["budget_contributions"] + out["budget_deficit"]
    out["reserve_end"] = reserve  # with the budget's top-ups, where guaranteed
    out["reserve_ratio"] = ind.reserve_ratio(reserve, out["expenditure"].to_numpy())
    if "gdp" in out.columns:
        out["budget_cost_pct_gdp"] = 100.0 * out["budget_cost"] / out["gdp"]
    else:
        out["gdp"] = np.nan
        out["budget_cost_pct_gdp"] = np.nan
    return out


def standard_summary(yearly: pd.DataFrame, own: dict, reserve0: float) -> dict:
    """The comparison keys: the scheme's own indicators ``own`` (GAP, depletion, ...
    from :func:`actuary.analysis.valuation.summary_indicators`) and the budget and present-value
    keys from ``yearly`` (a standard yearly table)."""
    T = len(yearly)
    i = yearly["investment_return"].to_numpy()
    out = {k: own.get(k) for k in ("gap_25", "gap_50", "gap_75", "steady_state_rate",
                                   "actuarial_balance_75", "depletion_year",
                                   "payable_share_at_depletion", "reserve_ratio_year_10")}
    for n in (1, 10, 25, 50, 75, 100):
        out[f"payg_year_{n}"] = float(yearly["payg_cost_rate"].iloc[n - 1]) if n <= T else None
        out[f"budget_cost_pct_gdp_year_{n}"] = (
            float(yearly["budget_cost_pct_gdp"].iloc[n - 1]) if n <= T else None)
    # the reserve (with the budget's top-ups where guaranteed) in years of expenditure
    # and per cent of GDP: small schemes are not flattened on a scale of riel
    for n in (10, 25, 50):
        row = yearly.iloc[n - 1] if n <= T else None
        out[f"reserve_pct_gdp_year_{n}"] = (100.0 * float(row["reserve_end"] / row["gdp"])
                                            if row is not None and row["gdp"] > 0 else None)
        if n > 10:  # year 10's is the scheme's own, above
            out[f"reserve_ratio_year_{n}"] = (float(row["reserve_end"] / row["expenditure"])
                                              if row is not None and row["expenditure"] > 0
                                              else None)
    out["budget_cost_year_1"] = float(yearly["budget_cost"].iloc[0])
    gdp_pv = present_value(yearly["gdp"].to_numpy(), i, 75)
    for key in ("contributions", "expenditure", "budget_cost"):
        pv = present_value(yearly[key].to_numpy(), i, 75)
        out[f"{key}_pv_75"] = pv
        out[f"{key}_pv_75_pct_gdp"] = 100.0 * pv / gdp_pv if pv is not None and gdp_pv else None
    out["reserve0"] = float(reserve0)
    out["first_year"] = int(yearly["year"].iloc[0])
    out["last_year"] = int(yearly["year"].iloc[-1])
    return out


def standard_yearly(result: Any) -> pd.DataFrame:
    """The standard yearly table of a valuation result (budget view included)."""
    y = result.yearly
    frame = pd.DataFrame({
        "year": y["year"].to_numpy(),
        "active": y["active"].to_numpy(),
        "pensioners": (y["old_age_pensioners"] + y["invalidity_pensioners"]).to_numpy(),
        "insurable_earnings": y["insurable_earnings"].to_numpy(),
        "contributions": y["contributions"].to_numpy(),
        "benefits": y["benefits"].to_numpy(),
        "expenditure": y["expenditure"].to_numpy(),
        "investment_return": y["investment_return"].to_numpy(),
        "payg_cost_rate": y["payg_cost_rate"].to_numpy(),
        "gdp": y["gdp"].to_numpy() if "gdp" in y.columns else np.nan,
    })
    share, guaranteed = budget_rules(result.aset, int(frame["year"].iloc[0]),
                                     int(frame["year"].iloc[-1]))
    frame = budget_columns(frame, share, guaranteed, result.cash.reserve0)
    return frame[list(YEARLY_COLUMNS)]


def scenario_from_valuation(result: Any, name: str | None = None,
                            description: str | None = None) -> ScenarioResult:
    """A :class:`ScenarioResult` of one valued assumption set."""
    yearly = standard_yearly(result)
    return ScenarioResult(
        name=name or result.aset.name,
        description=description or result.aset.description,
        kind="set", yearly=yearly,
        summary=standard_summary(yearly, result.summary, result.cash.reserve0),
        files=input_files(result.aset, result.population), parts={"scheme": result},
        content_hash=result.aset.content_hash(),
    )



def resolve_scenario(ref: str | Path) -> Path | str:
    """A scenario reference as a file: a path, a shipped reform (``assumptions/data/
    reforms/``, by file stem or ``name``), or else the name of a shipped set (returned
    unchanged for :func:`actuary.assumptions.load_basis`)."""
    path = Path(ref)
    if path.is_file():
        return path.resolve()
    for candidate in sorted(REFORMS_DIR.glob("*.yaml")):
        if candidate.stem == str(ref):
            return candidate
        try:
            doc = read_mapping(candidate)
        except ActuaryError:
            continue  # reported when it is loaded by its own name
        if doc.get("name") == str(ref):
            return candidate
    return str(ref)
