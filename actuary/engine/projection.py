"""Orchestration: a `Basis` through the numba kernel into a `Projection` of tidy frames."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from actuary.engine import native
from actuary.engine.basis import Basis
from actuary.engine.records import kernel_inputs
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


def run_kernel(basis: Basis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the kernel: ``(flows [T,2,K], people [T+1,6,2,111], masses [T+1,6,2,111])``.

    The kernel compiled at install when it was compiled for these inputs' types
    (:mod:`actuary.engine.native`), else numba's: on a first run whose kernel a worker
    compiles ahead (:func:`actuary.engine.kernel_types.compile_cohort_early`), the first
    call waits for it."""
    inputs = kernel_inputs(basis)
    return native.entry("project_kernel", inputs)(*inputs)


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
