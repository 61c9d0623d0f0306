"""Reconciliation of the starting data with what the scheme has published.

No member data or accounts of the NSSF are public; a few aggregates are
(``assumptions/data/published/<scheme>.yaml``). This module sets the valuation's
starting wages and opening reserve beside them:

* contributions collected in the published year, modelled as
  ``payers x rate x W x m`` with ``W`` the starting population's average insurable
  wage moved back to that year with the garment minimum wage (the default's own rule,
  :mod:`actuary.engine.starting_default`) and ``m`` the months of contributions the
  cash of that year covers under each collection convention (a month's contributions
  are due by the 15th of the next, so the first calendar year may hold 2 or 3 months);
* the average insurable wage each convention implies, ``C / (payers x rate x m)``, and
  the same moved to the valuation year;
* contributions collected in the following years (twelve months each under any
  convention) at the starting wages and at each implied wage, and, for the built-in
  population whose reserve is derived from them, the opening reserve each would give
  (:func:`actuary.engine.starting_default.reserve_roll`).

The model figures use the scheme's contribution rate on 1 December of the published
year. Approximation: the published payers are an end-of-year count, taken for every
month of the year's collections (more payers than in October would lower the implied
wage; fewer, raise it).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from actuary.assumptions import AssumptionSet
    from actuary.engine.starting import StartingPopulation

__all__ = ["published_figures", "reconciliation_table", "DERIVED_POPULATION"]

#: The starting population whose reserve is derived from the published contributions.
DERIVED_POPULATION = "nssf-default"


def published_figures(scheme_name: str) -> dict | None:
    """The published figures of a scheme (its file's mapping), None when there are none."""
    from actuary.assumptions.stress import DATA
    from actuary.io.yamlio import read_mapping

    path = DATA / "published" / f"{scheme_name.replace('-', '_')}.yaml"
    return read_mapping(path) if path.is_file() else None


def _average_wage(population: "StartingPopulation") -> tuple[dict[str, float], float]:
    """Average monthly wage of the starting actives by sex and overall (KHR per month)."""
    act = population.rows[population.rows["status"] == "active"]
    mass = act["count"] * act["average_monthly_wage"]
    by_sex = (mass.groupby(act["sex"]).sum() / act.groupby("sex")["count"].sum()).to_dict()
    return {str(k): float(v) for k, v in by_sex.items()}, float(mass.sum() / act["count"].sum())


def reconciliation_table(aset: "AssumptionSet", population: "StartingPopulation") -> pd.DataFrame:
    """Rows ``item, reported, <m> months ..., unit, note`` (one model column per
    collection convention); empty when the scheme has no published figures."""
    pub = published_figures(aset.scheme.name)
    if pub is None:
        return pd.DataFrame()
    from actuary.engine.starting_default import reserve_roll

    got = pub["contributions_collected"]
    year, collected, payers = int(got["year"]), float(got["value_khr"]), float(got["payers"])
    rate = float(aset.scheme.parameters.contribution_rate.value_at(date(year, 12, 1)))
    mw = {int(k): float(v) for k, v in pub["minimum_wage_usd"]["values"].items()}
    y0 = aset.first_year
    to_year = mw[year] / mw[y0]  # the default's rule: wages move with the minimum wage
    sexes, wage0 = _average_wage(population)
    months = [int(c["months"]) for c in pub["conventions"]]
    cols = [f"{m} months" for m in months]
    rows: list[dict[str, Any]] = []

    def row(item: str, reported: Any, values: list[Any], unit: str, note: str = "") -> None:
        rows.append({"item": item, "reported": reported, **dict(zip(cols, values)),
                     "unit": unit, "note": note})

    modelled = [payers * rate * wage0 * to_year * m for m in months]
    row(f"Pension contributions collected in {year}", collected, modelled, "KHR",
        f"model: {payers:,.0f} payers x {100 * rate:g}% x the starting average wage moved to "
        f"{year} with the garment minimum wage (USD {mw[year]:g} against {mw[y0]:g}) x months")
    row("Modelled / reported", None, [m / collected for m in modelled], "ratio")
    implied = [collected / (payers * rate * m) for m in months]
    row(f"Average insurable wage in {year} implied by the reported contributions", None,
        implied, "KHR per month", f"{collected:,.0f} / ({payers:,.0f} x {100 * rate:g}% x months)")
    implied0 = [w / to_year for w in implied]
    row(f"The same moved to {y0}", None, implied0, "KHR per month", "with the garment minimum wage")
    for sex, w in sorted(sexes.items(), key=lambda kv: kv[0] != "M"):
        row(f"Starting average insurable wage, {y0}, {'men' if sex == 'M' else 'women'}", None,
            [w] * len(months), "KHR per month", f"population {population.name}")
    row(f"Starting average insurable wage, {y0}, all", None, [wage0] * len(months),
        "KHR per month", "weighted by the starting actives")
    row("Starting wage / implied wage", None, [wage0 / w for w in implied0], "ratio")
    derived = population.name == DERIVED_POPULATION
    rolls = [reserve_roll(wage0)] + [reserve_roll(w) for w in implied0]
    for later in (year + 1, year + 2):
        if later in rolls[0]:
            row(f"Contributions collected in {later}, at the starting wages", "not published",
                [rolls[0][later]["contributions"]] * len(months), "KHR",
                f"twelve months under either convention; {rolls[0][later]['contributors']:,.0f} "
                "contributors (mid-year)")
            row(f"Contributions collected in {later}, at the implied wage", "not published",
                [r[later]["contributions"] for r in rolls[1:]], "KHR")
    for c in pub.get("contributors", []):
        row(f"Active contributors, {c['date']}", float(c["count"]),
            [float(population.rows.loc[population.rows["status"] == "active", "count"].sum())]
            * len(months), "persons", f"model: the starting actives on {population.valuation_date}"
            " (the published count taken at the valuation date)")
    row(f"Opening reserve, {population.valuation_date}", "not published",
        [float(population.reserve)] * len(months), "KHR",
        "the starting population's reserve" + (" (derived from the contributions above)"
                                                if derived else ""))
    if derived:
        row("Opening reserve re-derived at the implied wage", None,
            [r["reserve"] for r in rolls[1:]], "KHR",
            "the same derivation (actuary.engine.starting_default.reserve_roll)")
    default = int(pub["default_convention"])
    row("Convention the default follows", None,
        ["this one" if m == default else "" for m in months], "",
        " ".join(str(pub["why_default"]).split()))
    return pd.DataFrame(rows)
