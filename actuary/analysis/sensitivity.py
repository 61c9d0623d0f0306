"""Sensitivity and stress tests of a valuation.

One-at-a-time sensitivities change one assumption of the valuation's own set, written
as an overlay on that set (the same mechanism as a reform file, DESIGN §5), and run the
whole valuation again. The crisis scenarios suspend contributions for some months, as
during COVID-19, with and without the months credited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd

from actuary.assumptions import AssumptionSet, load_basis
from actuary.engine.basis import Basis
from actuary.engine.build import build_basis
from actuary.engine.projection import project

if TYPE_CHECKING:  # pragma: no cover
    from actuary.analysis.valuation import ValuationResult

__all__ = ["Sensitivity", "SENSITIVITIES", "HELD_RATE_TEST", "overlay", "sensitivity_table",
           "crisis_basis", "headline", "held_rate_test"]

def overlay(aset: AssumptionSet, overrides: dict[str, Any], name: str) -> AssumptionSet:
    """``aset`` with ``overrides`` (dotted key path -> value) applied in memory, validated
    again exactly like a reform file (:meth:`AssumptionSet.override`)."""
    return aset.override(overrides, name=name, description=f"{name} (overlay on {aset.name})")


def _shift(aset: AssumptionSet, path: str, delta: float, factor: float = 1.0) -> dict:
    """Override of a dated parameter's values: each value times ``factor`` plus ``delta``."""
    node: Any = aset
    for key in path.split("."):
        node = getattr(node, key)
    return {f"{path}.values": {d.isoformat() if isinstance(d, date) else d: float(v) * factor + delta
                               for d, v in node.values.items()}}


def _pension_age_up(aset: AssumptionSet, years: int, from_year: int) -> dict:
    p = aset.scheme.parameters.pension_age
    values = {d.isoformat(): float(v) for d, v in p.values.items() if d.year < from_year}
    values[date(from_year, 1, 1).isoformat()] = float(p.value_at(date(from_year, 1, 1))) + years
    return {"scheme.parameters.pension_age.values": values}


@dataclass(frozen=True)
class Sensitivity:
    """A one-at-a-time test: its name, what it changes, and how.

    ``overrides`` gives an overlay on the assumption set (the usual way); ``adjust``
    changes the built basis instead, for a test that no single assumption expresses.
    """

    name: str
    description: str
    overrides: Callable[[AssumptionSet], dict] | None = None
    adjust: Callable[[Basis], Basis] | None = None


def _fewer_contributors(basis: Basis) -> Basis:
    """Contributors wanted each year 1% a year fewer than the base's path (compounded)."""
    t = np.arange(1, basis.n_years + 1)
    target = np.where(basis.target_actives >= 0, basis.target_actives * 0.99 ** t,
                      basis.target_actives)
    return basis.with_(target_actives=target)


#: The test that holds the contribution rate at its last dated value (no further steps).
HELD_RATE_TEST = "no rate steps after the last dated one"

SENSITIVITIES: tuple[Sensitivity, ...] = (
    Sensitivity("mortality -10%", "death rates of every age and year times 0.9",
                lambda a: {"demographic.mortality.scale": a.demographic.mortality.scale * 0.9}),
    Sensitivity("mortality +10%", "death rates of every age and year times 1.1",
                lambda a: {"demographic.mortality.scale": a.demographic.mortality.scale * 1.1}),
    Sensitivity("wage growth +1 pt", "nominal wage growth 1 point higher every year",
                lambda a: _shift(a, "economic.wage_growth", 0.01)),
    Sensitivity("wage growth -1 pt", "nominal wage growth 1 point lower every year",
                lambda a: _shift(a, "economic.wage_growth", -0.01)),
    Sensitivity("inflation +1 pt", "price inflation (pension indexation) 1 point higher; "
                "nominal wage growth and return unchanged, so real wages and the real "
                "return are 1 point lower",
                lambda a: _shift(a, "economic.price_inflation", 0.01)),
    Sensitivity("investment return -1 pt", "nominal return on the reserve 1 point lower",
                lambda a: _shift(a, "economic.investment_return", -0.01)),
    Sensitivity("investment return +1 pt", "nominal return on the reserve 1 point higher",
                lambda a: _shift(a, "economic.investment_return", 0.01)),
    Sensitivity("coverage growth -1 pt", "number of contributors wanted each year growing "
                "1 point a year less than the base's (frame or growth path)",
                adjust=_fewer_contributors),
    Sensitivity("contribution density x0.8", "members contribute 80% of the time they did",
                lambda a: _shift(a, "demographic.contribution_density", 0.0, 0.8)),
    Sensitivity("pension age +2 from 2030", "pension age two years higher from 1 Jan 2030",
                lambda a: _pension_age_up(a, 2, 2030)),
    Sensitivity(HELD_RATE_TEST,
                "contribution rate held at its last dated value (NSSF: 10.75% from Oct 2032) "
                "instead of the +2.75 points a decade rule, for which no cap was found",
                lambda a: {"scheme.parameters.contribution_rate.extend": "hold"}),
)


def held_rate_test(table: pd.DataFrame | None) -> pd.Series | None:
    """The row of :data:`HELD_RATE_TEST` in a sensitivity table (None if it was not run)."""
    if table is None or table.empty or not (table["test"] == HELD_RATE_TEST).any():
        return None
    return table[table["test"] == HELD_RATE_TEST].iloc[0]


def crisis_basis(basis, year: int, months: int, keep_credits: bool):
    """``basis`` with contributions suspended for ``months`` of calendar ``year``.

    With ``keep_credits`` the suspended months still count as credited service (and
    career earnings), as a crisis measure that protects rights; without, they do not.
    """
    t = year - basis.first_year
    if not 0 <= t < basis.n_years:
        raise ValueError(f"crisis year {year} outside the projection")
    pay = basis.contribution_factor.copy()
    pay[t] *= 1.0 - months / 12.0
    credit = basis.credit_factor.copy()
    if not keep_credits:
        credit[t] *= 1.0 - months / 12.0
    return basis.with_(contribution_factor=pay, credit_factor=credit)


def headline(basis: Basis) -> dict:
    """The headline indicators of a projection of ``basis`` (``ValuationResult.summary``).

    What a row of the sensitivity table reports, without the rest of a valuation (the
    tables by sex, scaled premiums and model careers) that the table does not show.
    """
    from actuary.analysis.valuation import cash_flows, summary_indicators, yearly_frame

    proj = project(basis)
    cf = cash_flows(proj)
    return summary_indicators(cf, yearly_frame(proj, cf, None))


def _row(name: str, description: str, s: dict, b: dict | None) -> dict:
    """A row of the table: the test's indicators ``s`` and their change from the base's ``b``."""
    gap_key = max((k for k in ("gap_75", "gap_50", "gap_25") if s.get(k) is not None),
                  key=lambda k: int(k.split("_")[1]), default=None)
    row = {
        "test": name, "description": description,
        "gap_horizon": int(gap_key.split("_")[1]) if gap_key else None,
        "gap": s.get(gap_key) if gap_key else np.nan,
        "depletion_year": s["depletion_year"],
        "reserve_ratio_year_10": s.get("reserve_ratio_year_10"),
    }
    if b is not None:
        row["gap_change"] = row["gap"] - (b.get(gap_key) if gap_key else np.nan)
        dy, by = s["depletion_year"], b["depletion_year"]
        row["depletion_change_years"] = (dy - by) if dy is not None and by is not None else None
        rr, brr = s.get("reserve_ratio_year_10"), b.get("reserve_ratio_year_10")
        row["reserve_ratio_change"] = (rr - brr) if rr is not None and brr is not None else None
    return row


def sensitivity_table(result: "ValuationResult",
                      progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """The base and every one-at-a-time and crisis test, with changes from the base."""
    say = progress or (lambda _m: None)
    base = result.basis
    T = base.n_years
    # The covered population (contributors wanted, entrants' age and sex) is held at the
    # base's in every test but the coverage one: the tests are of the scheme's
    # assumptions, not of the labour-force projection.
    entrants = {"target_actives": base.target_actives,
                "entrant_distribution": base.entrant_distribution}
    summary = result.summary
    rows = [_row("base", "the valuation as presented", summary, summary)]
    for sens in SENSITIVITIES:
        say(f"  sensitivity: {sens.name}")
        if sens.overrides is not None:
            aset = overlay(result.aset, sens.overrides(result.aset), sens.name)
            basis = build_basis(aset, result.population, T, entrants=entrants)
        else:
            basis = sens.adjust(base)
        rows.append(_row(sens.name, sens.description, headline(basis), summary))
    crisis_year = result.basis.first_year + 1
    if T < 2:  # the crisis falls in the projection's second year
        say(f"  stress: crisis {crisis_year} not run (a one-year projection)")
        return pd.DataFrame(rows)
    for keep in (True, False):
        name = f"crisis {crisis_year}: 6 months without contributions, " + (
            "credits kept" if keep else "no credits")
        say(f"  stress: {name}")
        b = crisis_basis(result.basis, crisis_year, 6, keep)
        rows.append(_row(name, "contributions suspended for six months, as during COVID-19"
                         + ("" if keep else "; the months are not credited either, so the "
                            "pensions they would have earned are lost too, which can outweigh "
                            "the contributions lost"),
                         headline(b), summary))
    return pd.DataFrame(rows)
