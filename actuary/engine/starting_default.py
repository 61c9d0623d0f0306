"""Derivation of the built-in NSSF starting population (valuation date 1 January 2025).

No member data of the NSSF pension scheme is public. The built-in default is derived
from the published aggregates in ``../shared/cambodia/SCHEMES.md`` and labelled
assumptions; every step is here, so the shipped CSV can be rebuilt and checked
(``python -m actuary.engine.starting_default --out assumptions/data/populations``).

Steps and status
----------------
1. Active contributors: 1,560,000 ("more than 1.56 million", 30 Jun 2024, EAC News 2024;
   secondary), taken unchanged at 1 Jan 2025 (no growth for the half year: derived).
2. Share of women: 836,288 / 1,335,609 = 62.6% of the contributors paying at the end of
   2022 (Phnom Penh Post 2023; the share is derived from secondary figures).
3. Ages: the WPP 2024 population by sex and single age on 1 Jan 2025 (table
   ``wpp2024_cambodia_population_base``) times an assumed relative coverage profile by
   age (:data:`COVERAGE_PROFILE`; unverified: young, garment-sector shaped, nobody
   contributing from 60, where employers stop being liable).
4. Credited months at 1 Jan 2025 (27 months since contributions started in Oct 2022):
   :data:`MONTHS_MIX` (unverified; members paying since the start are most of the 1.34
   million of end 2022, the growth to 1.56 million joined later).
5. Wages: average insurable wage by sex :data:`AVERAGE_WAGE` (unverified: near the
   garment minimum wage of USD 208 a month in 2025, secondary, at 4,100 KHR/USD), spread
   over ages with the placeholder salary scale, so the average by sex is kept.
6. Inactive insured: :data:`INACTIVE_TOTAL` people with :data:`INACTIVE_MONTHS`
   credited months (unverified: contributors who stopped in 2023-2024 at the exit rates
   of a young, mobile workforce), ages of the actives one year older.
7. Old-age pensioners: the cohorts aged 60 and 61 on 1 Jan 2025 at the coverage profile
   of age 59 (the members who reached 60 in 2023-2024 with at least 12 months; derived
   from the unverified profile), pension :data:`PENSION_CREDIT_YEARS` credited years
   (paid plus transitional credits) at 1.5% of the average wage (unverified).
   No invalidity or survivors' pensions in payment: their 60-month condition cannot be
   met before October 2027 from contributions alone (derived). (The projection counts
   the transitional credits toward that condition, so it awards such pensions from 2025:
   see the note on ``transitional_credits`` in the NSSF scheme file.)
8. Reserve: contributions received Oct-Dec 2022 (111.54 billion KHR, secondary) plus
   estimated contributions of 2023 and 2024 (contributors interpolated between end 2022
   and mid 2024, at 4% of the average wage deflated by the garment minimum wage: 200
   and 204 USD against 208) plus interest at :data:`RESERVE_RETURN` on the average
   balance; benefits and expenses paid so far are neglected (small; unverified).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from actuary.engine.starting import write_starting_population
from actuary.tables import load_table

__all__ = ["derive_nssf_default", "write_nssf_default", "reserve_roll"]

VALUATION_DATE = date(2025, 1, 1)
ACTIVE_TOTAL = 1_560_000.0
FEMALE_SHARE = 836_288 / 1_335_609
#: Relative coverage by age (knots, linear in between; 0 outside 18..59). Unverified.
COVERAGE_PROFILE = {18: 0.5, 20: 1.0, 29: 1.0, 35: 0.8, 45: 0.45, 52: 0.25, 59: 0.12}
#: (credited months on 1 Jan 2025, share of actives). Unverified.
MONTHS_MIX = ((26, 0.70), (18, 0.20), (6, 0.10))
#: Average insurable wage, KHR per month, 2025. Unverified.
AVERAGE_WAGE = {"M": 1_000_000.0, "F": 880_000.0}
INACTIVE_TOTAL = 400_000.0
INACTIVE_MONTHS = 12
PENSION_CREDIT_YEARS = 16.5
ACCRUAL = 0.015
RESERVE_RETURN = 0.04
CONTRIBUTIONS_2022Q4 = 111.54e9
CONTRIBUTORS_END_2022 = 1_335_609.0
MIN_WAGE_USD = {2023: 200.0, 2024: 204.0, 2025: 208.0}


def _coverage_profile(ages: np.ndarray) -> np.ndarray:
    knots = np.array(sorted(COVERAGE_PROFILE))
    c = np.interp(ages, knots, [COVERAGE_PROFILE[a] for a in knots])
    return np.where((ages >= 18) & (ages <= 59), c, 0.0)


def reserve_roll(average_wage: float | None = None) -> dict:
    """Step 8 of the module docstring, year by year, at an average insurable wage.

    ``average_wage`` is the 2025 average insurable wage (KHR per month; default: the
    default's, :data:`AVERAGE_WAGE` weighted by :data:`FEMALE_SHARE`), moved to 2023 and
    2024 with the garment minimum wage. Returns ``{year: {"contributors", "wage",
    "contributions"}}`` for 2023 and 2024 (mid-year contributors, KHR per month, KHR
    collected) and ``"reserve"``: the reserve on 1 Jan 2025 (KHR, not rounded).
    """
    if average_wage is None:
        average_wage = FEMALE_SHARE * AVERAGE_WAGE["F"] + (1 - FEMALE_SHARE) * AVERAGE_WAGE["M"]
    fund = CONTRIBUTIONS_2022Q4
    out: dict = {}
    for year in (2023, 2024):
        # contributors in mid-year, linear between end 2022 and mid 2024
        mid = CONTRIBUTORS_END_2022 + (ACTIVE_TOTAL - CONTRIBUTORS_END_2022) * (
            (year - 2022.5 + 0.0) / 1.5 if year == 2023 else 1.0)
        wage = average_wage * MIN_WAGE_USD[year] / MIN_WAGE_USD[2025]
        contributions = mid * 12 * 0.04 * wage
        out[year] = {"contributors": mid, "wage": wage, "contributions": contributions}
        fund = fund * (1 + RESERVE_RETURN) + contributions * (1 + RESERVE_RETURN / 2)
    out["reserve"] = float(fund)
    return out


def _reserve() -> float:
    """Reserve on 1 Jan 2025, KHR (step 8 of the module docstring), to the million."""
    return float(round(reserve_roll()["reserve"], -6))


def derive_nssf_default() -> tuple[pd.DataFrame, dict]:
    """The default starting population rows and their metadata (see the module docstring)."""
    ages = np.arange(111)
    pop = load_table("wpp2024_cambodia_population_base").to_array(ages)  # [2, 111] persons
    scale = load_table("placeholder_cambodia_salary_scale")
    sal = np.zeros((2, 111))
    sal[:, scale.ages] = scale.to_array(scale.ages)
    weight = pop * _coverage_profile(ages)
    rows = []
    for s, sex in enumerate(("M", "F")):
        share = FEMALE_SHARE if sex == "F" else 1 - FEMALE_SHARE
        actives = ACTIVE_TOTAL * share * weight[s] / weight[s].sum()
        # wages by age proportional to the salary scale, average by sex kept
        rel = sal[s] / (np.sum(actives * sal[s]) / actives.sum())
        wages = AVERAGE_WAGE[sex] * rel
        for x in np.nonzero(actives)[0]:
            for months, mix in MONTHS_MIX:
                rows.append(("active", sex, int(x), months, actives[x] * mix, wages[x], np.nan))
        inactive = INACTIVE_TOTAL * share * weight[s] / weight[s].sum()
        for x in np.nonzero(inactive)[0]:
            rows.append(("inactive", sex, int(x) + 1, INACTIVE_MONTHS, inactive[x], np.nan,
                         np.nan))
        density_59 = ACTIVE_TOTAL * share * pop[s, 59] * _coverage_profile(np.array([59]))[0] \
            / weight[s].sum()
        for x in (60, 61):
            n = density_59 * pop[s, x] / pop[s, 59]
            pension = ACCRUAL * PENSION_CREDIT_YEARS * AVERAGE_WAGE[sex]
            rows.append(("old_age", sex, x, np.nan, n, np.nan, pension))
    frame = pd.DataFrame(rows, columns=["status", "sex", "age", "credited_months", "count",
                                        "average_monthly_wage", "average_monthly_pension"])
    frame.insert(6, "average_career_wage", np.nan)
    frame["count"] = frame["count"].round(4)
    frame["average_monthly_wage"] = frame["average_monthly_wage"].round(0)
    frame["average_monthly_pension"] = frame["average_monthly_pension"].round(0)
    meta = {
        "name": "nssf-default",
        "description": "NSSF pension scheme, insured population on 1 Jan 2025, derived from "
                       "published aggregates (no member data is public). Rebuild with "
                       "python -m actuary.engine.starting_default.",
        "valuation_date": VALUATION_DATE.isoformat(),
        "reserve_khr": _reserve(),
        "source": "Derived in actuary/engine/starting_default.py from: EAC News 2024 (1.56 million "
                  "contributors, 30 Jun 2024); Phnom Penh Post 2023 (1,335,609 contributors of "
                  "whom 836,288 women, end 2022; 111.54 billion KHR contributions Oct-Dec 2022); "
                  "garment minimum wage 2023-2025; UN WPP 2024 population by age; placeholder "
                  "coverage profile, credited-months mix, wages, inactives and pensioners.",
        "status": "unverified",
        "wage_basis": "insurable",
        "notes": [
            "actives 1,560,000 (secondary), 62.6% women (derived from secondary)",
            "age profile, credited months, wages by sex, 400,000 inactives, pensioners: "
            "unverified placeholders; replace with NSSF member data",
            f"reserve {_reserve():,.0f} KHR: derived from contributions, unverified",
        ],
    }
    return frame, meta


def write_nssf_default(out_dir: str | Path) -> Path:
    """Write ``nssf_default.csv`` and ``nssf_default.yaml`` into ``out_dir`` (atomically)."""
    frame, meta = derive_nssf_default()
    return write_starting_population(frame, meta, Path(out_dir) / "nssf_default.csv")


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="assumptions/data/populations")
    write_nssf_default(parser.parse_args().out)
