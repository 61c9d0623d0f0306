"""The branch's shipped placeholders: the incidence table and the pensions in payment.

Neither the NSSF's injury statistics by sex and age nor its list of pensions in payment
is public. Both shipped files are built here so they can be rebuilt and checked::

    python -m actuary.schemes.occupational_risk.defaults --tables tables/data \\
        --populations assumptions/data/populations

Incidence (``tables/data/occupational_risk_cambodia_incidence.*``, unverified)
    Compensated work injuries (commuting included) per insured year. Level: the NSSF
    recorded 14,233 injuries and 59 deaths in 2012 (12,571 and 47 in 2011), more than
    10,000 of the injured being women (Phnom Penh Post, 2013, citing NSSF figures;
    secondary); the number insured that year was not read, of the order of a million,
    so about 1% a year is used (unverified). Women: 1.3% at 15, 1.2% at 25, 1.1% at 35,
    1.0% from 45 (linear between); men: 0.73 times women's, so that women, about 63% of
    contributors (836,288 of 1,335,609 paying at the end of 2022, SCHEMES.md), make about
    70% of the injured as in 2012. Younger workers are injured more often (usual in
    injury statistics; no Cambodian figure by age was found).

Pensions in payment (``assumptions/data/populations/occupational_risk_*_pensions.csv``, derived)
    The branch's own model run over the years since the branch opened, on the insured
    population of the valuation date moved back in time: its contributor-years and
    wages by sex and age scaled by a coverage that grows linearly from
    ``coverage_at_start`` in the first year to 1 on the valuation date, wages deflated
    by the set's first-year wage growth, the first year's mortality, rules and
    indexation held. What it gives is derived from unverified assumptions (incidence,
    degrees, survivors, the coverage path) and is labelled so.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from actuary.assumptions import AssumptionSet, load_basis
from actuary.io.fileio import spreadsheet_safe, write_atomic
from actuary.tables.catalogue import Table
from actuary.tables.schema import TableMeta

from .insured import Insured, insured_population
from .pensions import PensionStock, empty_stock, stock_frame
from .projection import project_branch
from .rules import BranchRules, branch_rules

__all__ = ["incidence_table", "derive_pensions", "write_pensions", "INCIDENCE_TABLE", "HISTORY"]

INCIDENCE_TABLE = "occupational_risk_cambodia_incidence"
AGES = np.arange(15, 111)
#: Women's incidence knots {age: injuries per insured year}; men's are MEN_FACTOR times.
WOMEN_KNOTS = {15: 0.013, 25: 0.012, 35: 0.011, 45: 0.010}
MEN_FACTOR = 0.73
#: (set, first year of the branch, coverage in that year relative to the valuation date's,
#: file written). Private employees: the branch opened in November 2008 (NSSF); the 2009
#: coverage is unverified. Public officials: from 2021 (issue 17, the policy framework),
#: everybody enrolled at once (unverified).
HISTORY = (
    ("occupational-risk-default", 2009, 0.35, "occupational_risk_default_pensions.csv"),
    ("occupational-risk-public-officials", 2021, 1.0,
     "occupational_risk_public_officials_pensions.csv"),
)


def incidence_table() -> Table:
    """The placeholder incidence of compensated work injuries by sex and age 15..110."""
    women = np.interp(AGES, list(WOMEN_KNOTS), list(WOMEN_KNOTS.values()))
    men = MEN_FACTOR * women
    data = pd.DataFrame({"sex": np.repeat(["M", "F"], AGES.size), "age": np.tile(AGES, 2),
                         "value": np.round(np.concatenate([men, women]), 8)})
    return Table(name=INCIDENCE_TABLE, kind="rate", data=data, meta=TableMeta(
        description="PLACEHOLDER. Compensated work injuries (commuting accidents included) "
        "per insured person and year, by sex and age 15..110.",
        unit="injuries per insured year",
        source="Placeholder assumption of the actuary project. Level from NSSF figures "
        "reported by the Phnom Penh Post (2013): 14,233 injuries and 59 deaths in 2012, "
        "more than 10,000 of the injured women; the insured population of 2012 was not read.",
        licence="CC0 (project assumption)", status="unverified",
        method="Women: 0.013 at 15, 0.012 at 25, 0.011 at 35, 0.010 from 45, linear between. "
        "Men: 0.73 x women's, so that women (about 63% of contributors) make about 70% of "
        "the injured, as in 2012. About 1% of the insured a year overall. Replace with the "
        "NSSF's claims by sex and age over its insured (see "
        "actuary/schemes/occupational_risk/defaults.py).",
    ))


def _held(arr: np.ndarray, n: int) -> np.ndarray:
    return np.repeat(np.asarray(arr)[:1], n, axis=0)


def history_inputs(aset: AssumptionSet, insured: Insured, rules: BranchRules,
                   first_year: int, coverage_at_start: float) -> tuple[BranchRules, Insured]:
    """The rules and insured of the years ``first_year .. valuation year - 1``
    (see the module docstring)."""
    n = aset.first_year - first_year
    back = np.arange(n, 0, -1)  # years before the valuation year
    coverage = coverage_at_start + (1.0 - coverage_at_start) * np.arange(n) / n
    growth = float(aset.economic.wage_growth.yearly(aset.first_year, aset.first_year)[0])
    deflate = (1.0 + growth) ** -back
    exposure = insured.exposure[:1] * coverage[:, None, None]
    earnings = insured.earnings[:1] * (coverage * deflate)[:, None, None]
    past = replace(insured, years=np.arange(first_year, aset.first_year), exposure=exposure,
                   earnings=earnings, mortality=_held(insured.mortality, n), gdp=None)
    not_yearly = ("first_year", "reserve0", "incidence", "degrees", "degree_shares")
    kw = {f: _held(getattr(rules, f), n) for f in rules.__dataclass_fields__
          if f not in not_yearly}
    return replace(rules, first_year=first_year, **kw), past


def derive_pensions(name: str, first_year: int, coverage_at_start: float) -> PensionStock:
    """The pensions in payment on the valuation date of set ``name`` (module docstring)."""
    from actuary.analysis.valuation import load_population

    aset = load_basis(name)
    rules = branch_rules(aset, 1)
    insured = insured_population(aset, load_population(aset, None), horizon=1)
    rules_back, past = history_inputs(aset, insured, rules, first_year, coverage_at_start)
    return project_branch(rules_back, past, empty_stock(rules.degrees)).final


def write_pensions(stock: PensionStock, path: str | Path) -> Path:
    """Write a stock in the file format of :mod:`.pensions` (counts to 4 decimals,
    amounts to whole KHR)."""
    frame = stock_frame(stock)
    frame["count"] = frame["count"].round(4)
    frame["average_monthly_pension"] = frame["average_monthly_pension"].round(0)
    frame = frame[frame["count"] > 0]
    return write_atomic(Path(path), lambda p: spreadsheet_safe(frame).to_csv(
        p, index=False, lineterminator="\n"))


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - a build script
    from actuary.tables.writer import save_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", help="write the incidence table here")
    parser.add_argument("--populations", help="write the pensions in payment here")
    args = parser.parse_args(argv)
    if args.tables:
        save_table(incidence_table(), args.tables)
    if args.populations:
        for name, year, coverage, out in HISTORY:
            write_pensions(derive_pensions(name, year, coverage), Path(args.populations) / out)


if __name__ == "__main__":  # pragma: no cover
    main()
