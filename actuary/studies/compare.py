"""Scenarios side by side: one standard result per scenario, and the differences to a base.

A scenario is either an assumption set (a full set or an overlay: a reform, a
sensitivity), valued as :func:`actuary.analysis.valuation.run_valuation` values it, or a *design
file* combining several projections (a public-sector transition or a move of new
entrants to a contributory scheme, :mod:`actuary.schemes.public_sector`; a multi-tier design,
:mod:`actuary.schemes.tiers`, whose budget cost adds the social pension to tier 1's). Either becomes a
:class:`ScenarioResult`: a yearly table with the same columns for every scenario and a
summary with the same keys, so any number of scenarios can be put side by side.

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
from typing import Any, Callable

import numpy as np
import pandas as pd

from actuary import assumptions as _assumptions_package
from actuary.analysis import indicators as ind
from actuary.io.errors import ActuaryError, AssumptionError
from actuary.io.progress import track
from actuary.io.yamlio import read_mapping

__all__ = [
    "ScenarioResult",
    "Comparison",
    "COMPARE_ROWS",
    "YEARLY_COLUMNS",
    "budget_rules",
    "guaranteed_reserve",
    "present_value",
    "scenario_from_valuation",
    "standard_summary",
    "load_scenario",
    "resolve_scenario",
    "compare",
    "REFORMS_DIR",
]

#: Shipped reform files (overlays and designs), found by name by :func:`resolve_scenario`
#: (they live with the assumption sets, installed or not).
REFORMS_DIR = Path(_assumptions_package.__file__).resolve().parent / "data" / "reforms"

#: Columns of every scenario's yearly table (money in KHR, counts on 1 January).
YEARLY_COLUMNS = (
    "year", "active", "pensioners", "insurable_earnings", "contributions", "benefits",
    "expenditure", "investment_return", "reserve_end", "payg_cost_rate", "reserve_ratio",
    "budget_contributions", "budget_deficit", "budget_cost", "gdp", "budget_cost_pct_gdp",
)

#: Rows of the comparison: (summary key, label, kind). Kinds: ``rate`` (fraction),
#: ``year``, ``ratio`` (years of expenditure), ``khr``, ``pct`` (per cent already; the
#: workbook shows it as a percentage).
COMPARE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("gap_25", "GAP over 25 years", "rate"),
    ("gap_50", "GAP over 50 years", "rate"),
    ("gap_75", "GAP over 75 years", "rate"),
    ("steady_state_rate", "Steady-state rate (years 10 and 60)", "rate"),
    ("actuarial_balance_75", "Actuarial balance, 75 years", "rate"),
    ("depletion_year", "Depletion year (scheme alone, legislated rates)", "year"),
    ("reserve_ratio_year_10", "Reserve ratio, year 10 (scheme alone)", "ratio"),
    ("reserve_ratio_year_25", "Reserve / expenditure, year 25 (with budget top-ups)", "ratio"),
    ("reserve_ratio_year_50", "Reserve / expenditure, year 50 (with budget top-ups)", "ratio"),
    ("reserve_pct_gdp_year_10", "Reserve, % of GDP, year 10 (with budget top-ups)", "pct"),
    ("reserve_pct_gdp_year_25", "Reserve, % of GDP, year 25 (with budget top-ups)", "pct"),
    ("reserve_pct_gdp_year_50", "Reserve, % of GDP, year 50 (with budget top-ups)", "pct"),
    ("payg_year_1", "PAYG cost rate, year 1", "rate"),
    ("payg_year_25", "PAYG cost rate, year 25", "rate"),
    ("payg_year_50", "PAYG cost rate, year 50", "rate"),
    ("payg_year_75", "PAYG cost rate, year 75", "rate"),
    ("contributions_pv_75", "Contributions, present value over 75 years", "khr"),
    ("contributions_pv_75_pct_gdp", "Contributions, PV over 75 years, % of the PV of GDP",
     "pct"),
    ("expenditure_pv_75", "Expenditure, present value over 75 years", "khr"),
    ("expenditure_pv_75_pct_gdp", "Expenditure, PV over 75 years, % of the PV of GDP", "pct"),
    ("budget_cost_year_1", "Budget cost, year 1", "khr"),
    ("budget_cost_pct_gdp_year_1", "Budget cost, % of GDP, year 1", "pct"),
    ("budget_cost_pct_gdp_year_10", "Budget cost, % of GDP, year 10", "pct"),
    ("budget_cost_pct_gdp_year_25", "Budget cost, % of GDP, year 25", "pct"),
    ("budget_cost_pct_gdp_year_50", "Budget cost, % of GDP, year 50", "pct"),
    ("budget_cost_pct_gdp_year_75", "Budget cost, % of GDP, year 75", "pct"),
    ("budget_cost_pv_75", "Budget cost, present value over 75 years", "khr"),
    ("budget_cost_pv_75_pct_gdp", "Budget cost, PV over 75 years, % of the PV of GDP", "pct"),
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


@dataclass
class Comparison:
    """Scenarios and the table of their indicators (the first scenario is the base).

    ``table`` has one row per :data:`COMPARE_ROWS` entry: ``key``, ``indicator``,
    ``kind``, one column per scenario (by name) and ``change: <name>`` columns with the
    difference reform minus base (None where either is missing).
    """

    scenarios: list[ScenarioResult]
    table: pd.DataFrame
    provenance: dict = field(default_factory=dict)

    @property
    def base(self) -> ScenarioResult:
        return self.scenarios[0]


# ------------------------------------------------------------------------- budget view

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
    from actuary.analysis.valuation import input_files

    yearly = standard_yearly(result)
    return ScenarioResult(
        name=name or result.aset.name,
        description=description or result.aset.description,
        kind="set", yearly=yearly,
        summary=standard_summary(yearly, result.summary, result.cash.reserve0),
        files=input_files(result.aset, result.population), parts={"scheme": result},
        content_hash=result.aset.content_hash(),
    )


# --------------------------------------------------------------------------- loading

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


def _design_kind(ref: Path | str) -> str | None:
    """The ``design`` of a design file (None for an assumption set or overlay)."""
    if not isinstance(ref, Path):
        return None
    doc = read_mapping(ref)  # a file that cannot be read is reported, naming it
    return str(doc["design"]) if "design" in doc else None


def load_scenario(ref: "str | Path | AssumptionSet", horizon: int | None = None,
                  progress: Callable[[str], None] | None = None) -> ScenarioResult:
    """Value one scenario: an assumption set (loaded, or by path or shipped name, an
    overlay included), or a design file (see :mod:`actuary.schemes.public_sector`)."""
    from actuary.assumptions import AssumptionSet, load_basis
    from actuary.analysis.valuation import load_population, run_valuation

    say = progress or (lambda _m: None)
    if isinstance(ref, AssumptionSet):  # a set in memory (e.g. overridden in Python)
        say(f"valuing {ref.name}")
        result = run_valuation(ref, load_population(ref, None), horizon, detail=False)
        return scenario_from_valuation(result)
    target = resolve_scenario(ref)
    kind = _design_kind(target)
    if kind == "multi_tier":
        from actuary.schemes.tiers import run_multi_tier

        say(f"multi-tier design {Path(target).name}")
        return run_multi_tier(target, horizon, progress=say).scenario
    if kind == "self_employed":
        from actuary.schemes.self_employed_design import run_self_employed_design

        say(f"self-employed design {Path(target).name}")
        return run_self_employed_design(target, horizon, progress=say)
    if kind is not None:  # the public-sector designs (the file says which, checked there)
        from actuary.schemes.public_sector import run_design

        say(f"design {Path(target).name}")
        return run_design(target, horizon, progress=say)
    say(f"valuing {ref}")
    aset = load_basis(target)
    population = load_population(aset, None)
    return scenario_from_valuation(run_valuation(aset, population, horizon, detail=False))


def comparison_table(scenarios: list[ScenarioResult]) -> pd.DataFrame:
    """The indicators of every scenario and their change from the first (the base)."""
    base = scenarios[0]
    rows = []
    for key, label, kind in COMPARE_ROWS:
        row: dict[str, Any] = {"key": key, "indicator": label, "kind": kind}
        for sc in scenarios:
            row[sc.name] = _clean(sc.summary.get(key))
        for sc in scenarios[1:]:
            a, b = row[sc.name], row[base.name]
            row[f"change: {sc.name}"] = (a - b) if a is not None and b is not None else None
        rows.append(row)
    return pd.DataFrame(rows)


def _clean(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, (float, np.floating)) and not np.isfinite(v):
        return None
    return v.item() if isinstance(v, np.generic) else v


def compare(refs: list[str | Path], horizon: int | None = None,
            progress: Callable[[str], None] | None = None, command: str = "") -> Comparison:
    """Value every scenario (the first is the base) and tabulate their indicators.

    Raises
    ------
    AssumptionError
        When two scenarios have the same name, or their projection years differ.
    """
    if not refs:
        raise AssumptionError("nothing to compare", expected="a base and at least one scenario")
    scenarios = [load_scenario(r, horizon, None if progress is None else _quiet_inside(progress))
                 for r in track(progress, refs, "scenarios", _label)]
    names = [s.name for s in scenarios]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        where = [f"{s.name!r} in {s.files[0] if s.files else 'a shipped design'}"
                 for s in scenarios if s.name in dupes]
        raise AssumptionError("two scenarios have the same name: " + "; ".join(where),
                              value=", ".join(dupes),
                              expected="scenarios with different names (the 'name' in each file)")
    years = [tuple(s.yearly["year"]) for s in scenarios]
    for s, y in zip(scenarios, years):
        if y != years[0]:
            raise AssumptionError("scenarios project different years", source=s.files[0] if s.files
                                  else None, value=f"{y[0]}-{y[-1]}",
                                  expected=f"{years[0][0]}-{years[0][-1]} as the base")
    return Comparison(scenarios=scenarios, table=comparison_table(scenarios),
                      provenance=_provenance(scenarios, command))


def _label(ref: Any) -> str:
    """A scenario's name for progress: a set's name, else the file or shipped name."""
    return getattr(ref, "name", None) or str(ref)


def _quiet_inside(progress: Any) -> Any:
    """Inside a bar, the scenario's own messages would break it: keep them for plain
    reporters only."""
    return None if hasattr(progress, "track") else progress


def _provenance(scenarios: list[ScenarioResult], command: str) -> dict:
    """Command, time, every file read with its SHA-256, versions (as a valuation's)."""
    import platform
    import sys
    from datetime import datetime, timezone

    import numba
    import openpyxl

    from actuary import __version__
    from actuary.io.fileio import sha256_of

    files = sorted({f for s in scenarios for f in s.files if f and Path(f).exists()})
    return {
        "command": command or " ".join(sys.argv),
        "run_at_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        "files": {f: sha256_of(f) for f in files},
        "versions": {"actuary": __version__, "python": platform.python_version(),
                     "numpy": np.__version__, "pandas": pd.__version__,
                     "numba": numba.__version__, "openpyxl": openpyxl.__version__},
    }
