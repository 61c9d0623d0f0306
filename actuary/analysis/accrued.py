"""The accrued-to-date liability valued with the cohort engine, for the rules the
member-level engine does not value (final salary, retirement at any age: the
public-sector scheme).

Method (closed group, no new entrants, the basis's decrements and economy):

* **pensioners**: the present value of the pensions in payment on the valuation date and
  of the survivors' pensions they will leave: the starting pensioners projected alone;
* **members, frozen service**: the active and inactive insured with their credited
  service frozen on the valuation date (``credit_factor = 0``) and no contributions;
  salaries go on growing to retirement (the final salary is the one at retirement) and
  the scheme's conditions apply to the frozen service. This is what a scheme closed on
  the valuation date would owe: a member below the pension condition (20 years in the
  public sector) gets what the rules give below it (the grant), not a pension;
* **members, projected service** (an upper bound, not part of the ADL): the same members
  earning service to retirement at no contribution: the present value of all their future
  benefits. The projected-unit-credit ADL, which pro-rates the pension on projected
  service by the share already served, lies between the two member values.

Every payment is discounted at the basis's investment return, mid-year (``u_t`` of
:mod:`actuary.analysis.indicators`), over the basis's horizon: what is paid after it (a
member aged 20 today dies after 2124 with a probability of a few per cent) is left out, an
understatement of well under 1% at a 5% return over 100 years.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np

from actuary.analysis import indicators as ind

__all__ = ["cohort_accrued_liability", "METHOD"]

#: One line for the headline and the workbook.
METHOD = ("cohort engine, closed group: pensions in payment and members' rights with "
          "service frozen on the valuation date, salaries projected to retirement "
          "(actuary.analysis.accrued)")


def _pv(expenditure: np.ndarray, interest: np.ndarray) -> float:
    _, u = ind.discount_factors(np.asarray(interest, dtype=float))
    return float(np.sum(u * np.asarray(expenditure, dtype=float)))


def cohort_accrued_liability(aset: Any, population: Any, horizon: int | None = None) -> dict:
    """The accrued-to-date liability of ``population`` under ``aset`` (see the module
    docstring), KHR at the valuation date.

    Returns
    -------
    dict
        ``adl`` (pensioners + members with frozen service), ``pensioners``, ``members``,
        ``members_projected_service`` (upper bound), ``reserve0``, ``funded_ratio``
        (reserve / ADL), ``adl_pct_gdp`` (per cent of the first year's GDP) and
        ``method`` (:data:`METHOD`).
    """
    from actuary.engine.basis import StartingState
    from actuary.engine.build import build_basis
    from actuary.engine.projection import project

    b = build_basis(aset, population, horizon, closed_group=True)
    T = b.n_years
    no_contributions = b.with_(contribution_rate=np.zeros(T))
    # no credit, and no months paid (service counted in months paid is frozen too)
    frozen = no_contributions.with_(credit_factor=np.zeros(T), contribution_factor=np.zeros(T))
    st = b.start
    member_fields = {f.name for f in fields(st) if f.name.startswith(("active", "inactive"))}

    def only(members: bool) -> StartingState:
        kw = {f.name: (getattr(st, f.name) if (f.name in member_fields) == members
                       else np.zeros_like(getattr(st, f.name)))
              for f in fields(st) if f.name not in ("reserve", "service_unit")}
        kw["service_unit"] = st.service_unit
        return StartingState(**kw)

    def pv(basis: Any, members: bool) -> float:
        proj = project(basis.with_(start=only(members)))
        return _pv(proj.expenditure, b.investment_return)

    pensioners = pv(frozen, False)
    members = pv(frozen, True)
    upper = pv(no_contributions, True)
    adl = pensioners + members
    reserve0 = float(st.reserve)
    gdp0 = float(aset.economic.gdp.yearly(b.first_year, b.first_year)[0])
    return {"adl": adl, "pensioners": pensioners, "members": members,
            "members_projected_service": upper, "reserve0": reserve0,
            "funded_ratio": reserve0 / adl if adl > 0 else float("nan"),
            "adl_pct_gdp": 100.0 * adl / gdp0 if gdp0 > 0 else float("nan"),
            "method": METHOD}
