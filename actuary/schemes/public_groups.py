"""The groups the public sector's budget system pays, each with its own population and
the rules where they differ, and the system as their sum.

The NSAF pays civil servants' pensions (formerly NSSF-C) and veterans' pensions (formerly
the National Fund for Veterans, which covers veterans of the armed forces and of the
National Police: nsaf.gov.kh, confirmed). Two groups:

* **civil servants**, ``public-sector-default`` (:mod:`actuary.schemes.public_sector`);
* **armed forces and police**, ``ps-armed-forces-police``: serving soldiers, gendarmes and
  police officers, and the veterans in payment (retired soldiers and police and their
  families), derived here (:func:`derive_armed_forces_police_default`).

Armed forces and police: starting population
--------------------------------------------
1. Serving: :data:`ARMED_FORCES` (about 100,000 active troops including under 5,000 navy
   and air force, and about 10,000 gendarmes: CIA World Factbook 2023-2024, secondary;
   other published strengths run from 100,000 to 124,300) and :data:`POLICE` (64,000, the
   Cambodian police force as numbered in an older encyclopaedia article, secondary and
   dated; no recent figure was found). Women: 6% of the military (World Factbook, 2018
   estimate, secondary), 10% of the police (unverified).
2. Ages 18 to the group's pension age, spread like the WPP 2024 population of each sex
   times a weight falling linearly from 1 at 18 to 0.5 at the pension age (fewer older
   soldiers: unverified).
3. Ranks, service and basic salary: the grade table ``nsaf_salary_index_armed_forces_
   police`` (officers, non-commissioned officers, soldiers and agents; placeholders, see
   its sidecar), as for civil servants (:func:`actuary.schemes.public_rows.active_rows`).
4. Veterans in payment: :data:`actuary.schemes.public_rows.VETERANS` beneficiaries, 80%
   old-age pensioners (90% men; aged from the group's pension age, 55, to 100) and
   20% widows (40 to 100); all unverified splits. The same average pension as civil
   servants (:func:`actuary.schemes.public_rows.average_pension`).

Armed forces and police: rules where they differ (``assumptions/data/
ps_armed_forces_police.yaml``): the pension age (published retirement ages run from
38-42 for the lowest ranks to 60 for colonels and generals, Cambodia Daily 2001-2003,
and 60 for men and 55 for women in the police, Phnom Penh Post, secondary: 55 is
assumed for everyone, unverified), the salary table, and a stable strength (no growth;
unverified). The benefit formula is the civil servants' (no separate formula was found).

Sources read (all secondary; addresses as found)
------------------------------------------------
- Strength of the armed forces: CIA World Factbook, "Military and security service
  personnel strengths" (2023), as mirrored at theodora.com/wfbcurrent/cambodia/
  cambodia_military.html; other figures: 124,300 active (Wikipedia, RCAF), 110,000 on paper
  and 70,000 in the field (IHS Jane's 2010, via globalsecurity.org/military/world/cambodia/
  army-strength.htm).
- Police: "the Cambodian police force, which numbers 64,000" (Wikipedia, Law enforcement in
  Cambodia, older revision, via thefullwiki.org); about 2,000 police officers retire every
  year (Khmer Times, 4 March 2016).
- Veterans: "payments for 100,000 disabled and retired soldiers and families of deceased"
  (Phnom Penh Post, "Pensions shortfall delays retirement of 2,000 soldiers").
- Retirement ages: Cambodia Daily, "Retirement Age for Low-Ranking Soldiers Slashed" and
  "Assembly extends military retirement age"; Phnom Penh Post, "Senior police officials
  ordered to retire" (men 60, women 55; 80% of salary after 30 years, 70% before).
- Pay: minimum salaries 2023 of soldiers, police and administrative civil servants (EAC
  News, 5 January 2023; ACCSM+3 International Symposium 2023, jinji.go.jp, p. 51).

The system
----------
A design file ``design: groups`` lists the groups' sets; :func:`run_groups` values each and
adds their yearly tables (every money and count column; ratios recomputed). Its budget
cost in the first year is the published cost of the whole system, by construction of the
two populations.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from actuary.assumptions.base import Status, Strict, Text
from actuary.engine.starting import write_starting_population
from actuary.schemes.public_rows import (PENSIONER_SHARE, VETERANS, active_rows,
                                         average_pension, pensioner_rows)

__all__ = ["ARMED_FORCES", "POLICE", "derive_armed_forces_police_default",
           "write_armed_forces_police_default", "GroupsDesign", "run_groups", "SUM_COLUMNS"]

VALUATION_DATE = date(2025, 1, 1)
ARMED_FORCES = 110_000.0  # troops (about 100,000) and gendarmes (about 10,000)
POLICE = 64_000.0
WOMEN_ARMED_FORCES = 0.06
WOMEN_POLICE = 0.10
PENSION_AGE = 55
SALARY_TABLE = "nsaf_salary_index_armed_forces_police"
MEN_SHARE_VETERANS = 0.9
#: Columns of the standard yearly table that add up across groups.
SUM_COLUMNS = ("active", "pensioners", "insurable_earnings", "contributions", "benefits",
               "expenditure", "reserve_end", "budget_contributions", "budget_deficit",
               "budget_cost")


def derive_armed_forces_police_default() -> tuple[pd.DataFrame, dict]:
    """The rows and metadata of the armed forces' and police's population (see the module
    docstring)."""
    from actuary.schemes.public_sector import population_frame
    from actuary.schemes.salary_index import grade_table
    from actuary.tables import load_table

    ages = np.arange(111)
    pop = load_table("wpp2024_cambodia_population_base").to_array(ages)
    serving = (ages >= 18) & (ages < PENSION_AGE)
    slope = 1.0 - 0.5 * (ages - 18) / (PENSION_AGE - 18)
    shape = np.where(serving, pop * slope, 0.0)
    total = ARMED_FORCES + POLICE
    women = WOMEN_ARMED_FORCES * ARMED_FORCES + WOMEN_POLICE * POLICE
    covered = np.zeros((2, 111))
    covered[0] = (total - women) * shape[0] / shape[0].sum()
    covered[1] = women * shape[1] / shape[1].sum()
    rows = active_rows(covered, grade_table(SALARY_TABLE))
    pension = average_pension()
    rows += pensioner_rows(pop, PENSIONER_SHARE * VETERANS, (1 - PENSIONER_SHARE) * VETERANS,
                           MEN_SHARE_VETERANS, (PENSION_AGE, 100), (40, 100), pension)
    frame = population_frame(rows)
    meta = {
        "name": "ps-armed-forces-police-default",
        "description": "Armed forces (troops and gendarmes) and police, serving and veterans in "
                       "payment, on 1 Jan 2025, derived from published aggregates (no member "
                       "data is public). Rebuild with python -m actuary.schemes.public_groups.",
        "valuation_date": VALUATION_DATE.isoformat(),
        "reserve_khr": 0.0,
        "source": "Derived in actuary/schemes/public_groups.py from: about 100,000 active troops "
                  "and 10,000 gendarmes (CIA World Factbook 2023-2024), 64,000 police (older "
                  "encyclopaedia figure), 6% women in the military (World Factbook 2018); "
                  "100,000 veterans and families paid (Phnom Penh Post) and USD 30 million a "
                  "month for all groups; the grade table nsaf_salary_index_armed_forces_police "
                  "(placeholders); UN WPP 2024 population by age; placeholder age shape, "
                  "women in the police and pensioner split.",
        "status": "unverified",
        "notes": [
            f"{ARMED_FORCES:,.0f} soldiers and gendarmes and {POLICE:,.0f} police (secondary, "
            "dated for the police); 6% and 10% women (secondary; unverified)",
            f"ages 18 to {PENSION_AGE - 1}, falling weight with age; ranks and salaries from "
            f"{SALARY_TABLE}: unverified placeholders",
            f"{PENSIONER_SHARE * VETERANS:,.0f} veterans in payment (90% men) and "
            f"{(1 - PENSIONER_SHARE) * VETERANS:,.0f} widows (secondary total, unverified split)",
            f"average pension {pension:,.0f} KHR a month, as civil servants' (derived)",
            "no inactive members and no reserve (budget-financed)",
        ],
    }
    return frame, meta


def write_armed_forces_police_default(out_dir: str | Path) -> Path:
    """Write ``ps_armed_forces_police_default.csv`` and ``.yaml`` into ``out_dir``."""
    frame, meta = derive_armed_forces_police_default()
    return write_starting_population(frame, meta,
                                     Path(out_dir) / "ps_armed_forces_police_default.csv")


class GroupsDesign(Strict):
    """A design file adding up groups (``design: groups``)."""

    name: Text
    description: Text
    design: str
    groups: list[Text]
    reference: Text
    status: Status
    note: str | None = None


def _sum_yearly(frames: list[pd.DataFrame]) -> pd.DataFrame:
    from actuary.analysis import indicators as ind
    from actuary.analysis.scenario import YEARLY_COLUMNS

    first = frames[0]
    out = pd.DataFrame({"year": first["year"].to_numpy()})
    for col in SUM_COLUMNS:
        out[col] = sum(f[col].to_numpy() for f in frames)
    out["investment_return"] = first["investment_return"].to_numpy()
    out["gdp"] = first["gdp"].to_numpy()
    out["payg_cost_rate"] = ind.payg_cost_rate(out["expenditure"].to_numpy(),
                                               out["insurable_earnings"].to_numpy())
    out["reserve_ratio"] = ind.reserve_ratio(out["reserve_end"].to_numpy(),
                                             out["expenditure"].to_numpy())
    out["budget_cost_pct_gdp"] = 100.0 * out["budget_cost"] / out["gdp"]
    return out[list(YEARLY_COLUMNS)]


def _value_group(ref: str, folder: Path, horizon: int | None, say: Callable[[str], None]) -> Any:
    """One group: an assumption set (a file beside the design, a shipped reform or set)
    valued as :func:`actuary.analysis.scenario.scenario_from_valuation` shows it."""
    from actuary.analysis.scenario import resolve_scenario, scenario_from_valuation
    from actuary.analysis.valuation import load_population, run_valuation
    from actuary.assumptions import load_basis

    say(f"  group {ref}")
    candidate = folder / ref
    aset = load_basis(candidate if candidate.is_file() else resolve_scenario(ref))
    population = load_population(aset, None)
    return scenario_from_valuation(run_valuation(aset, population, horizon, detail=False))


def run_groups(path: str | Path, horizon: int | None = None,
               progress: Callable[[str], None] | None = None) -> Any:
    """Value each group of a ``groups`` design and add them up (a
    :class:`actuary.studies.compare.ScenarioResult`; ``parts`` by group name, and the
    yearly table has ``<group>|budget_cost`` columns besides the standard ones)."""
    from actuary.analysis import indicators as ind
    from actuary.analysis.scenario import ScenarioResult, standard_summary
    from actuary.io.errors import AssumptionError
    from actuary.assumptions.problems import read_validated

    say = progress or (lambda _m: None)
    path = Path(path)
    d = read_validated(path, GroupsDesign)
    if d.design != "groups" or not d.groups:
        raise AssumptionError("a groups design lists its groups", source=str(path),
                              field="groups", value=str(d.groups), expected="design: groups "
                              "and at least one assumption set under groups")
    parts = [_value_group(ref, path.parent, horizon, say) for ref in d.groups]
    years = [tuple(p.yearly["year"]) for p in parts]
    if any(y != years[0] for y in years):
        raise AssumptionError("the groups project different years", source=str(path),
                              field="groups", value=", ".join(p.name for p in parts),
                              expected="sets with the same valuation date and horizon")
    yearly = _sum_yearly([p.yearly for p in parts])
    cf = ind.CashFlows(years=yearly["year"].to_numpy(),
                       earnings=yearly["insurable_earnings"].to_numpy(dtype=float),
                       contributions=yearly["contributions"].to_numpy(dtype=float),
                       expenditure=yearly["expenditure"].to_numpy(dtype=float),
                       interest=yearly["investment_return"].to_numpy(dtype=float),
                       reserve0=sum(p.summary["reserve0"] for p in parts))
    own = {f"gap_{n}": ind.general_average_premium(cf, n) for n in (25, 50, 75)
           if n <= len(yearly)}
    summary = standard_summary(yearly, own, cf.reserve0)
    for p in parts:
        yearly[f"{p.name}|budget_cost"] = p.yearly["budget_cost"].to_numpy()
        yearly[f"{p.name}|budget_cost_pct_gdp"] = p.yearly["budget_cost_pct_gdp"].to_numpy()
    notes = [f"groups: {', '.join(p.name for p in parts)}; first-year budget cost "
             f"{summary['budget_cost_year_1'] / 12 / 4100 / 1e6:,.1f} million USD a month "
             "at 4,100 KHR/USD"]
    return ScenarioResult(name=d.name, description=d.description, kind="groups", yearly=yearly,
                          summary=summary, files=[str(path), *(f for p in parts for f in p.files)],
                          parts={p.name: p for p in parts}, notes=notes,
                          content_hash="+".join(p.content_hash[:12] for p in parts))


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="assumptions/data/populations")
    write_armed_forces_police_default(parser.parse_args().out)
