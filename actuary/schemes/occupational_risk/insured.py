"""The insured population of the branch: the contributors of the set's pension projection.

The branch covers the same people on the same contributory wage as the pension scheme
of its assumption set (private employees for ``cambodia-default``, civil servants for
``public-sector-default``, the self-employed for ``self-employed-default``). Their
number, age, sex and wages each year come from the pension scheme's own open-group
projection (:func:`actuary.engine.build.build_basis` and
:func:`actuary.engine.projection.project`, on the frame and starting population the set
names), so the two valuations rest on one population.

Approximation (named): the kernel gives contributor-years and insurable earnings by
year and sex, and the stocks of actives and their wages by age on 1 January; the
contributor-years of a sex are spread over ages like the actives on 1 January, and its
insurable earnings like their wage mass (the wage ceiling is thus applied on average
over ages, not age by age). The totals by year and sex are exactly the pension
valuation's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from actuary.assumptions import AssumptionSet
from actuary.engine.basis import Basis
from actuary.engine.build import build_basis
from actuary.engine.projection import project
from actuary.engine.starting import StartingPopulation
from actuary.engine.state import (
    FLOW_EARNINGS,
    FLOW_EXPOSURE,
    MASS_WAGE,
    STATUS_ACTIVE,
)

__all__ = ["Insured", "insured_population", "spread"]


@dataclass(frozen=True)
class Insured:
    """The insured population and what the branch needs of the pension basis.

    Attributes
    ----------
    years
        Calendar years (T).
    exposure
        Contributor-years ``[T, 2, 111]`` (sex M=0, F=1; age on 1 January).
    earnings
        Insurable earnings ``[T, 2, 111]``, KHR a year.
    mortality
        One-year death probabilities of people aged x on 1 January ``[T, 2, 111]``.
    married, child_probability, children
        ``[2, 111]``: chance of a spouse, of at least one child under the orphan age
        limit, and the expected number of such children, by sex and age of the insured.
    spouse_age_gap
        Spouse's age minus the insured's, by sex of the insured (years).
    orphan_age_limit, parent_child_gap
        Orphans' pensions stop at this age; a child's age is the parent's minus the gap.
    gdp
        Nominal GDP of each year, KHR (None when the set has none).
    population
        The starting population the pension projection started from.
    """

    years: np.ndarray
    exposure: np.ndarray
    earnings: np.ndarray
    mortality: np.ndarray
    married: np.ndarray
    child_probability: np.ndarray
    children: np.ndarray
    spouse_age_gap: np.ndarray
    orphan_age_limit: int
    parent_child_gap: int
    gdp: np.ndarray | None = None
    population: StartingPopulation | None = None

    @property
    def first_year(self) -> int:
        return int(self.years[0])

    @property
    def n_years(self) -> int:
        return int(self.years.size)

    def scaled(self, factor: float) -> "Insured":
        """The same population with ``factor`` times the exposure and earnings (wages
        per contributor unchanged)."""
        from dataclasses import replace

        return replace(self, exposure=self.exposure * factor, earnings=self.earnings * factor)


def spread(total: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``total[t, s]`` spread over the last axis of ``weights[t, s, x]`` in proportion.

    A year and sex without weight but with a total keeps nothing: the kernel gives a
    total only where there are actives, so nothing is lost in practice; the caller's
    checks compare the sums.
    """
    w = np.asarray(weights, dtype=float)
    sums = w.sum(axis=-1, keepdims=True)
    share = np.divide(w, sums, out=np.zeros_like(w), where=sums > 0)
    return share * np.asarray(total, dtype=float)[..., None]


def insured_population(aset: AssumptionSet, population: StartingPopulation,
                       horizon: int | None = None, basis: Basis | None = None) -> Insured:
    """The insured of ``aset``'s pension projection from ``population``.

    ``basis`` may be given (already built for this set and population).
    """
    basis = basis or build_basis(aset, population, horizon)
    proj = project(basis)
    T = basis.n_years
    exposure = spread(proj.flows[:, :, FLOW_EXPOSURE], proj.people[:T, STATUS_ACTIVE])
    earnings = spread(proj.flows[:, :, FLOW_EARNINGS], proj.masses[:T, MASS_WAGE])
    gdp = aset.economic.gdp.yearly(int(basis.years[0]), int(basis.years[-1]))
    return Insured(
        years=np.asarray(basis.years), exposure=exposure, earnings=earnings,
        mortality=np.asarray(basis.mortality, dtype=float),
        married=np.asarray(basis.share_married, dtype=float),
        child_probability=np.asarray(basis.child_probability, dtype=float),
        children=np.asarray(basis.children, dtype=float),
        spouse_age_gap=np.asarray(basis.spouse_age_gap, dtype=float),
        orphan_age_limit=int(basis.orphan_age_limit),
        parent_child_gap=int(basis.parent_child_gap),
        gdp=np.asarray(gdp, dtype=float), population=population,
    )


def population_name(insured: Insured) -> str:
    """The starting population's name, for reports."""
    pop = insured.population
    return "" if pop is None else str(getattr(pop, "name", "") or Path(pop.path).stem)

