"""Scenarios side by side: one standard result per scenario, and the differences to a base.

A scenario is either an assumption set (a full set or an overlay: a reform, a
sensitivity), valued as :func:`actuary.analysis.valuation.run_valuation` values it, or a *design
file* combining several projections (a public-sector transition or a move of new
entrants to a contributory scheme, :mod:`actuary.schemes.public_sector`; a multi-tier design,
:mod:`actuary.schemes.tiers`, whose budget cost adds the social pension to tier 1's). Either becomes a
:class:`ScenarioResult`: a yearly table with the same columns for every scenario and a
summary with the same keys, so any number of scenarios can be put side by side.

The scenario result, the standard yearly table and the budget view (DESIGN §6) are in
:mod:`actuary.analysis.scenario`, where the scheme modules that build scenarios of
their own (:mod:`actuary.schemes`) find them without importing this study.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from actuary.analysis.scenario import (
    REFORMS_DIR,
    YEARLY_COLUMNS,
    ScenarioResult,
    budget_columns,
    budget_rules,
    guaranteed_reserve,
    present_value,
    resolve_scenario,
    scenario_from_valuation,
    standard_summary,
    standard_yearly,
)
from actuary.io.errors import AssumptionError
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


# --------------------------------------------------------------------------- loading

def _design_kind(ref: Path | str) -> str | None:
    """The ``design`` of a design file (None for an assumption set or overlay)."""
    if not isinstance(ref, Path):
        return None
    doc = read_mapping(ref)  # a file that cannot be read is reported, naming it
    return str(doc["design"]) if "design" in doc else None


def load_scenario(ref: "str | Path | AssumptionSet", horizon: int | None = None,
                  progress: Callable[[str], None] | None = None, *,
                  accept_implausible: bool = False) -> ScenarioResult:
    """Value one scenario: an assumption set (loaded, or by path or shipped name, an
    overlay included), or a design file (see :mod:`actuary.schemes.public_sector`).

    ``accept_implausible`` values a set's starting population whose amounts look like a
    unit mistake (see :func:`actuary.analysis.valuation.load_population`); what was
    accepted is in ``parts["scheme"].population.accepted``.
    """
    from actuary.assumptions import AssumptionSet, load_basis
    from actuary.analysis.valuation import load_population, run_valuation

    say = progress or (lambda _m: None)
    if isinstance(ref, AssumptionSet):  # a set in memory (e.g. overridden in Python)
        say(f"valuing {ref.name}")
        result = run_valuation(ref, load_population(ref, None, accept_implausible), horizon,
                               detail=False)
        return scenario_from_valuation(result)
    target = resolve_scenario(ref)
    kind = _design_kind(target)
    if kind is not None:
        scenario = _run_design(kind, Path(target), horizon, say)
        from actuary.schemes.design_params import unverified_note

        note = unverified_note(target)  # a design file is not a set: basis show omits it
        if note:
            scenario.notes = [*scenario.notes, note]
        return scenario
    say(f"valuing {ref}")
    return load_scenario(load_basis(target), horizon, None,
                         accept_implausible=accept_implausible)


def _run_design(kind: str, target: Path, horizon: int | None,
                say: Callable[[str], None]) -> ScenarioResult:
    """The scenario of a design file of kind ``kind`` (its ``design`` key)."""
    if kind == "multi_tier":
        from actuary.schemes.tiers import run_multi_tier

        say(f"multi-tier design {target.name}")
        return run_multi_tier(target, horizon, progress=say).scenario
    if kind == "groups":
        from actuary.schemes.public_groups import run_groups

        say(f"groups design {target.name}")
        return run_groups(target, horizon, progress=say)
    if kind == "self_employed":
        from actuary.schemes.self_employed_design import run_self_employed_design

        say(f"self-employed design {target.name}")
        return run_self_employed_design(target, horizon, progress=say)
    # the public-sector designs (the file says which, checked there)
    from actuary.schemes.public_sector import run_design

    say(f"design {target.name}")
    return run_design(target, horizon, progress=say)


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
            progress: Callable[[str], None] | None = None, command: str = "", *,
            accept_implausible: bool = False) -> Comparison:
    """Value every scenario (the first is the base) and tabulate their indicators.

    ``accept_implausible`` is passed to every set's starting population
    (:func:`load_scenario`).

    Raises
    ------
    AssumptionError
        When two scenarios have the same name, or their projection years differ.
    """
    if not refs:
        raise AssumptionError("nothing to compare", expected="a base and at least one scenario")
    scenarios = [load_scenario(r, horizon, None if progress is None else _quiet_inside(progress),
                               accept_implausible=accept_implausible)
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

    # first reading first: an order that does not depend on where the files sit
    files = list(dict.fromkeys(f for s in scenarios for f in s.files if f and Path(f).exists()))
    return {
        "command": command or " ".join(sys.argv),
        "run_at_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        "files": {f: sha256_of(f) for f in files},
        "versions": {"actuary": __version__, "python": platform.python_version(),
                     "numpy": np.__version__, "pandas": pd.__version__,
                     "numba": numba.__version__, "openpyxl": openpyxl.__version__},
    }
