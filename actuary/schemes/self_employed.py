"""A pension scheme for the self-employed: its starting population and its results.

There is no pension scheme for the self-employed in Cambodia yet (SCHEMES.md §3); the
policy framework 2024-2035 asks whether one is feasible. The shipped design
(``schemes/self_employed.yaml``, set ``self-employed-default``) is a voluntary scheme on
the NSSF's model: contributions on a declared income between a floor and a ceiling (the
classes; a flat amount is ``floor = ceiling``, reform ``se-flat-600k``), low and irregular
contribution density, take-up growing over time and a government matching subsidy
(``budget_contribution_share``). The projection engine is the NSSF's; this module adds
the derivation of the starting population and :func:`self_employed_report`.

Starting population (derived by :func:`derive_self_employed_default`)
---------------------------------------------------------------------
1. Members: the voluntary contributors of the NSSF pension scheme, "about 5,000" in mid-
   2024 (Immedis; ISSA/SSA; EAC News 2024, secondary), taken on 1 January 2025: the only
   route to a pension for the self-employed today.
2. Sex: half women (unverified). Ages 18 to 59 like the WPP 2024 population times the
   frame's placeholder age profile of self-employment (``frame_cambodia_sector_self_
   employed``, unverified).
3. Credited months: :data:`MONTHS` (unverified; voluntary contributions started with the
   scheme in October 2022).
4. Declared income: :data:`DECLARED_INCOME` KHR a month (the notional income of the
   self-employed health scheme, 15,600 KHR = 2.6% of 600,000, Sub-decree 280 of 2023,
   secondary; its use as the average declared income is unverified).
5. No pensioners, no inactive members, no reserve of its own (their contributions are in
   the NSSF's reserve today): derived.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from actuary.engine.starting import write_starting_population
from actuary.tables import load_table

__all__ = ["derive_self_employed_default", "write_self_employed_default",
           "self_employed_report", "SelfEmployedReport"]

VALUATION_DATE = date(2025, 1, 1)
MEMBERS = 5_000.0
FEMALE_SHARE = 0.5
MONTHS = 24
DECLARED_INCOME = 600_000.0


def derive_self_employed_default() -> tuple[pd.DataFrame, dict]:
    """The rows and metadata of the default population (see the module docstring)."""
    ages = np.arange(111)
    pop = load_table("wpp2024_cambodia_population_base").to_array(ages)
    prof = load_table("frame_cambodia_sector_self_employed")
    shape = np.zeros((2, 111))
    shape[:, prof.ages] = prof.to_array(prof.ages)
    weight = np.where((ages >= 18) & (ages <= 59), pop * shape, 0.0)
    rows = []
    for s, sex in enumerate(("M", "F")):
        share = FEMALE_SHARE if sex == "F" else 1.0 - FEMALE_SHARE
        n = MEMBERS * share * weight[s] / weight[s].sum()
        for x in np.nonzero(n > 0)[0]:
            rows.append(("active", sex, int(x), MONTHS, round(float(n[x]), 4), DECLARED_INCOME,
                         np.nan, np.nan))
    frame = pd.DataFrame(rows, columns=["status", "sex", "age", "credited_months", "count",
                                        "average_monthly_wage", "average_career_wage",
                                        "average_monthly_pension"])
    meta = {
        "name": "self-employed-default",
        "description": "Self-employed members of a voluntary pension scheme on 1 Jan 2025: the "
                       "NSSF's voluntary contributors, derived from published aggregates. "
                       "Rebuild with python -m actuary.schemes.self_employed.",
        "valuation_date": VALUATION_DATE.isoformat(),
        "reserve_khr": 0.0,
        "source": "Derived in actuary/schemes/self_employed.py from: about 5,000 voluntary contributors "
                  "mid-2024 (Immedis; ISSA/SSA; EAC News 2024); notional income 600,000 KHR of "
                  "the self-employed health scheme (Sub-decree 280, 2023); UN WPP 2024 population "
                  "by age; placeholder age profile of self-employment, sex split and months.",
        "status": "unverified",
        "notes": [
            "5,000 members (secondary), half women, 24 credited months: unverified",
            "declared income 600,000 KHR a month: the health scheme's notional income (secondary) "
            "used as an average (unverified)",
            "no pensioners and no reserve of its own (derived)",
        ],
    }
    return frame, meta


def write_self_employed_default(out_dir: str | Path) -> Path:
    """Write ``self_employed_default.csv`` and ``.yaml`` into ``out_dir`` (atomically)."""
    frame, meta = derive_self_employed_default()
    return write_starting_population(frame, meta, Path(out_dir) / "self_employed_default.csv")


class SelfEmployedReport:
    """What the feasibility question asks of a self-employed scheme.

    Attributes
    ----------
    yearly
        One row a year: ``members`` (active and inactive insured on 1 January),
        ``contributors`` (actives), ``contributions`` (KHR, subsidy included),
        ``member_contributions`` and ``subsidy`` (the budget's share), ``pensions`` (old-
        age, invalidity and survivors' pensions paid), ``reserve_end``,
        ``subsidy_pct_gdp``.
    replacement
        Model careers by sex and contribution density: a member joining at ``entry_age``
        on the declared income of the first year, contributing that share of every year
        until the pension age; ``monthly_pension`` (KHR of the retirement year),
        ``replacement_rate`` (first pension over the final declared income).
    summary
        GAP over 25/50/75 years, depletion year, present value of the subsidy over 75
        years (KHR and % of the PV of GDP), members after 10 and 25 years.
    """

    def __init__(self, yearly: pd.DataFrame, replacement: pd.DataFrame, summary: dict):
        self.yearly = yearly
        self.replacement = replacement
        self.summary = summary


def self_employed_report(result: Any, densities: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0),
                         entry_age: int = 25) -> SelfEmployedReport:
    """The report of a valued self-employed scheme (a :class:`ValuationResult`)."""
    from actuary.analysis.careers import ModelCareer, run_career
    from actuary.analysis.scenario import scenario_from_valuation
    from actuary.engine.state import (FLOW_INVALIDITY, FLOW_OLD_AGE, FLOW_ORPHAN, FLOW_SPOUSE,
                               SEXES, STATUS_ACTIVE, STATUS_INACTIVE)

    sc = scenario_from_valuation(result)
    y = sc.yearly
    p = result.projection
    pensions = p.flows[:, :, [FLOW_OLD_AGE, FLOW_INVALIDITY, FLOW_SPOUSE, FLOW_ORPHAN]].sum(axis=(1, 2))
    yearly = pd.DataFrame({
        "year": y["year"],
        "members": p.people[:-1, [STATUS_ACTIVE, STATUS_INACTIVE]].sum(axis=(1, 2, 3)),
        "contributors": y["active"],
        "contributions": y["contributions"],
        "member_contributions": y["contributions"] - y["budget_contributions"],
        "subsidy": y["budget_contributions"],
        "pensions": pensions,
        "reserve_end": result.yearly["reserve_end"],
        "subsidy_pct_gdp": 100.0 * y["budget_contributions"] / y["gdp"],
    })
    stats = result.population.summary()
    act = stats[stats.status == "active"].set_index("sex")["average_monthly_wage"]
    rows = []
    for s, sex in enumerate(SEXES):
        income = float(act.get(sex, act.mean()))
        for d in densities:
            row = {"sex": sex, "density": d, "entry_age": entry_age,
                   "monthly_declared_income": income, "credited_years": np.nan,
                   "monthly_pension": np.nan, "replacement_rate": np.nan}
            try:
                c = run_career(result.basis, ModelCareer(f"{sex} density {d:g}", s, entry_age,
                                                         income, d))
            except ValueError:  # the pension age is beyond the horizon
                rows.append(row)
                continue
            row.update(credited_years=c.credited_years, monthly_pension=c.annual_pension / 12.0,
                       replacement_rate=c.replacement_rate)
            rows.append(row)
    s = sc.summary
    summary = {k: s.get(k) for k in ("gap_25", "gap_50", "gap_75", "depletion_year")}
    from actuary.analysis.scenario import present_value

    i = y["investment_return"].to_numpy()
    pv = present_value(yearly["subsidy"].to_numpy(), i, 75)
    gdp_pv = present_value(y["gdp"].to_numpy(), i, 75)
    summary["subsidy_pv_75"] = pv
    summary["subsidy_pv_75_pct_gdp"] = 100.0 * pv / gdp_pv if pv is not None and gdp_pv else None
    for n in (1, 10, 25):
        summary[f"members_year_{n}"] = float(yearly["members"].iloc[n - 1]) if n <= len(y) else None
    return SelfEmployedReport(yearly, pd.DataFrame(rows), summary)


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="assumptions/data/populations")
    write_self_employed_default(parser.parse_args().out)
