"""Orchestration: a `Basis` through the numba kernel into a `Projection` of tidy frames."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from actuary.engine.basis import Basis
from actuary.engine.kernels import project_kernel
from actuary.engine.state import (
    FLOW_CONTRIBUTIONS,
    FLOW_EARNINGS,
    FLOW_FUNERAL,
    FLOW_INVALIDITY,
    FLOW_NAMES,
    FLOW_OLD_AGE,
    FLOW_ORPHAN,
    FLOW_REFUND,
    FLOW_SPOUSE,
    FLOW_SURVIVOR_LUMP,
    MASS_NAMES,
    SEXES,
    STATUS_NAMES,
)

__all__ = ["Projection", "project", "run_kernel"]

BENEFIT_FLOWS = (
    FLOW_OLD_AGE,
    FLOW_INVALIDITY,
    FLOW_SPOUSE,
    FLOW_ORPHAN,
    FLOW_REFUND,
    FLOW_SURVIVOR_LUMP,
    FLOW_FUNERAL,
)


def _merge_service(arr: np.ndarray, slots: int) -> np.ndarray:
    """Member array ``[sex, age, service]`` with slots ``slots-1 ..`` added into the last kept."""
    if arr.shape[2] == slots:
        return arr
    out = np.ascontiguousarray(arr[:, :, :slots])
    out[:, :, slots - 1] = arr[:, :, slots - 1:].sum(axis=2)
    return out


def kernel_arguments(basis: Basis) -> tuple:
    """The positional arguments of :func:`actuary.engine.kernels.project_kernel` for ``basis``."""
    b, r, s = basis, basis.rules, basis.start
    k = basis.service_slots
    members = [_merge_service(a, k) for a in (s.active_count, s.active_wage, s.active_career,
                                              s.inactive_count, s.inactive_career)]
    return (
        b.pension_age, b.contribution_rate, b.contribution_factor, b.credit_factor, b.density,
        b.wage_floor, b.wage_ceiling, b.accrual_rate, b.minimum_pension, b.revaluation,
        b.indexation, b.wage_growth, b.funeral_grant_minimum, b.target_actives,
        b.mortality, b.disabled_mortality, b.invalidity, b.exit, b.reentry,
        b.entrant_distribution, b.entrant_wage,
        b.salary_growth, b.share_married, b.child_probability, b.children, b.spouse_age_gap,
        float(b.wage_sigma), int(b.orphan_age_limit), int(b.parent_child_gap),
        int(r.old_age_min_years), int(r.invalidity_min_years), int(r.survivor_min_years),
        float(r.refund_share), float(r.survivor_rate), float(r.survivor_spouse_share),
        float(r.survivor_children_share), float(r.survivor_lump_sum_months),
        float(r.funeral_grant_months), float(r.invalidity_minimum_rate),
        # switches: None (off) or True (on), see project_kernel
        True if r.final_salary else None, True if b.early_retirement_years.max() > 0 else None,
        b.early_retirement_years, b.grant_months,
        *members,
        s.old_age_count, s.old_age_pension, s.invalidity_count, s.invalidity_pension,
        s.spouse_count, s.spouse_pension, s.orphan_count, s.orphan_pension,
    )


def run_kernel(basis: Basis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the kernel: ``(flows [T,2,K], people [T+1,6,2,111], masses [T+1,6,2,111])``."""
    return project_kernel(*kernel_arguments(basis))


@dataclass(frozen=True)
class Projection:
    """The result of one projection: raw arrays and tidy views of them.

    ``flows[t, sex, k]`` are the money and counts of calendar year ``years[t]``
    (KHR in that year's money; see :mod:`actuary.engine.state` for ``k``);
    ``people`` and ``masses`` are stocks on 1 January of ``years[0] .. years[-1] + 1``.
    """

    basis: Basis
    flows: np.ndarray
    people: np.ndarray
    masses: np.ndarray

    @property
    def years(self) -> np.ndarray:
        """Calendar years of the flows."""
        return self.basis.years

    @cached_property
    def contributions(self) -> np.ndarray:
        """Contributions received C_t, KHR."""
        return self.flows[:, :, FLOW_CONTRIBUTIONS].sum(axis=1)

    @cached_property
    def earnings(self) -> np.ndarray:
        """Insurable earnings S_t (contributory wages of contributors), KHR."""
        return self.flows[:, :, FLOW_EARNINGS].sum(axis=1)

    @cached_property
    def benefits(self) -> np.ndarray:
        """All benefits paid, KHR (pensions, refunds, lump sums, grants)."""
        return self.flows[:, :, list(BENEFIT_FLOWS)].sum(axis=(1, 2))

    @cached_property
    def admin(self) -> np.ndarray:
        """Administrative expenses, KHR: the admin rate times contributions received."""
        return self.basis.admin_rate * self.contributions

    @cached_property
    def expenditure(self) -> np.ndarray:
        """B_t: benefits plus administrative expenses, KHR."""
        return self.benefits + self.admin

    def flows_frame(self) -> pd.DataFrame:
        """Tidy yearly flows by sex: columns year, sex, then one column per flow."""
        t, s, k = self.flows.shape
        frame = pd.DataFrame(self.flows.reshape(t * s, k), columns=list(FLOW_NAMES))
        frame.insert(0, "sex", np.tile(np.array(SEXES), t))
        frame.insert(0, "year", np.repeat(self.years, s))
        return frame

    def people_frame(self) -> pd.DataFrame:
        """Tidy counts on 1 January: year, status, sex, age, count (zeros dropped)."""
        return _stock_frame(self.people, self.basis.first_year, STATUS_NAMES, "status", "count")

    def masses_frame(self) -> pd.DataFrame:
        """Tidy masses on 1 January: year, kind, sex, age, amount (KHR per year or KHR)."""
        return _stock_frame(self.masses, self.basis.first_year, MASS_NAMES, "kind", "amount")


def _stock_frame(arr: np.ndarray, first_year: int, names: tuple[str, ...], label: str,
                 value: str) -> pd.DataFrame:
    """Rows ``year, <label>, sex, age, <value>`` of the non-zero cells of ``arr``, in
    the array's order (year, then ``names``, then sex, then age)."""
    flat = arr.reshape(-1)
    keep = np.flatnonzero(flat != 0.0)
    year, kind, sex, age = np.unravel_index(keep, arr.shape)
    return pd.DataFrame({
        "year": first_year + year.astype(np.int64),
        label: np.array(names, dtype=object)[kind],
        "sex": np.array(SEXES, dtype=object)[sex],
        "age": age.astype(np.int64),
        value: flat[keep],
    })


def project(basis: Basis) -> Projection:
    """Project ``basis`` year by year with the numba kernel (DESIGN §4)."""
    flows, people, masses = run_kernel(basis)
    return Projection(basis=basis, flows=flows, people=people, masses=masses)
