"""National population projection by the cohort-component method.

The population by sex (M = 0, F = 1) and single age 0..110 (110 = 110 and over) is
carried from 1 January of one year to 1 January of the next, calendar year by
calendar year. Everything is in persons; rates are per year.

Conventions of one year ``y`` (population ``P`` on 1 January ``y``, ``P'`` on
1 January ``y + 1`` = 31 December ``y``, the date WPP's annual population refers to):

* **Survival.** A cohort aged ``x`` (exact ages ``x .. x+1``) on 1 January is aged
  ``x+1 .. x+2`` a year later. It survives in the ratio ``L_{x+1} / L_x`` of the
  person-years of year ``y``'s life table (``q`` of that calendar year), the
  standard cohort-component survival ratio. The last two cohorts (109 and 110+) move
  into the open group 110+ together with ``T_110 / T_109``.
* **Person-years.** Constant force of mortality within each year of age (the
  assumption under which the WPP tables were built, ``q = 1 - exp(-m)``):
  ``L_x = l_x q_x / m_x``. Infants: ``L_0 = l_1 + a_0 d_0`` with the Coale-Demeny
  ``a_0`` of the table's own ``m_0`` (infant deaths fall early in the year). Above
  110 the force of age 109 continues, so ``L_110+ = l_110 / m_109``.
* **Births.** ``B = sum_x f_x (W_x + W'_x) / 2``: age-specific fertility ``f_x``
  (completed age of the mother during the year) times the mean of the women aged
  ``x`` on 1 January and on 31 December. Split by the sex ratio at birth ``s``:
  boys ``B s / (1 + s)``, girls ``B / (1 + s)``. Births of the year survive to
  31 December in the ratio ``L_0`` (``l_0 = 1``).
* **Migration.** Net migrants of completed age ``x`` during the year move at
  mid-year, when the cohorts aged ``x - 1`` and ``x`` on 1 January are both partly
  of completed age ``x``: half go to each cohort (the youngest half to the year's
  births). They survive the second half of the year in the ratio ``sqrt(S)`` of
  their cohort's survival ratio ``S``.
* **Flows by cohort.** Deaths and migrants are reported by the cohort's age on
  31 December (age 0: born in the year; 110: the open group), so that for every sex
  and age ``P'_x = P_{x-1} + migrants_x - deaths_x`` (with ``P_{-1}`` = births and
  ``P_109 + P_110`` feeding 110+) exactly: deaths are ``P (1 - S)`` plus the
  migrants' ``M (1 - sqrt S)``.

Structure indicators (shares, dependency ratios, median age) are on 31 December of
the year, like WPP's annual figures; life expectancy is that of the calendar year's
table (complete, UDD, :class:`actuary.life.lifetable.LifeTable`'s convention).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from actuary.io.errors import ActuaryError, AssumptionError, DataError
from actuary.tables.wpp_mortality import coale_demeny_a0

if TYPE_CHECKING:  # pragma: no cover
    from actuary.assumptions.models import AssumptionSet

__all__ = [
    "MAX_AGE",
    "N_AGE",
    "SEXES",
    "PopulationInputs",
    "PopulationProjection",
    "person_years",
    "survival_ratios",
    "death_probability_by_age_last_birthday",
    "life_expectancy",
    "median_age",
    "project",
    "inputs_from_basis",
    "load_frame_table",
    "frame_table_target",
    "frame_scenarios",
    "load_frame_basis",
]

MAX_AGE = 110
N_AGE = MAX_AGE + 1
SEXES = ("M", "F")
AGES = np.arange(N_AGE)
_A0_ITERATIONS = 100  # fixed point for m_0 given q_0: a contraction (|d/dm| < 0.01 here)


# ---------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class PopulationInputs:
    """Everything the projection needs, as dense arrays (persons, rates per year).

    Attributes
    ----------
    first_year
        Calendar year of the first step; ``base`` is on 1 January of it.
    base
        ``[2, 111]`` persons by sex and completed age on 1 January ``first_year``.
    mortality
        ``[T, 2, 111]`` one-year death probabilities of each calendar year
        (``first_year .. first_year + T - 1``); the last age closes the table.
    fertility
        ``[T, 111]`` births per woman per year by completed age of the mother
        (0 outside the fertile ages).
    srb
        ``[T]`` sex ratio at birth (male per female births).
    migration
        ``[T, 2, 111]`` net migrants (persons, negative = emigration) during the year
        by sex and completed age.
    """

    first_year: int
    base: np.ndarray
    mortality: np.ndarray
    fertility: np.ndarray
    srb: np.ndarray
    migration: np.ndarray

    def __post_init__(self) -> None:
        t = np.asarray(self.mortality).shape[0] if np.ndim(self.mortality) == 3 else -1
        shapes = {
            "base": (2, N_AGE), "mortality": (t, 2, N_AGE), "fertility": (t, N_AGE),
            "srb": (t,), "migration": (t, 2, N_AGE),
        }
        for name, shape in shapes.items():
            arr = np.ascontiguousarray(getattr(self, name), dtype=np.float64)
            if arr.shape != shape or t < 1:
                raise DataError("population input has the wrong shape", field=name,
                                value=f"shape {arr.shape}",
                                expected=f"shape {shape} (years, sex M/F, ages 0..{MAX_AGE})")
            if not np.all(np.isfinite(arr)):
                raise DataError("population input has a value that is not a finite number",
                                field=name, expected="finite numbers")
            object.__setattr__(self, name, arr)
        _check_range(self.base, "base", 0.0, None)
        _check_range(self.mortality, "mortality", 0.0, 1.0)
        _check_range(self.fertility, "fertility", 0.0, None)
        _check_range(self.srb, "srb", 0.0, None, lo_open=True)

    @property
    def n_years(self) -> int:
        """Number of projection years ``T``."""
        return int(self.mortality.shape[0])

    @property
    def years(self) -> np.ndarray:
        """Calendar years of the steps, ``first_year .. first_year + T - 1``."""
        return self.first_year + np.arange(self.n_years)

    def replace(self, **changes: Any) -> "PopulationInputs":
        """A copy with some inputs changed (checked again)."""
        return dataclasses.replace(self, **changes)

    def head(self, n_years: int) -> "PopulationInputs":
        """The inputs of the first ``n_years`` years only."""
        n = int(n_years)
        return self.replace(mortality=self.mortality[:n], fertility=self.fertility[:n],
                            srb=self.srb[:n], migration=self.migration[:n])


def _check_range(arr: np.ndarray, name: str, lo: float | None, hi: float | None,
                 lo_open: bool = False) -> None:
    bad = np.zeros(arr.shape, bool)
    if lo is not None:
        bad |= (arr <= lo) if lo_open else (arr < lo)
    if hi is not None:
        bad |= arr > hi
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise DataError("population input out of range", field=name, location=f"index {where}",
                        value=float(arr[where]),
                        expected=f"values {'>' if lo_open else '>='} {lo}"
                        + (f" and <= {hi}" if hi is not None else ""))


# ---------------------------------------------------------------------- life tables
def _forces(q: np.ndarray) -> np.ndarray:
    """Constant force ``m = -ln(1 - q)`` within each year of age (inf where q = 1)."""
    with np.errstate(divide="ignore"):
        return -np.log1p(-q)


def _infant_rate(q0: np.ndarray, sex: str) -> np.ndarray:
    """``m_0`` with ``q_0 = m_0 / (1 + (1 - a_0(m_0)) m_0)``, Coale-Demeny ``a_0``."""
    m0 = np.asarray(q0, dtype=np.float64).copy()
    for _ in range(_A0_ITERATIONS):
        nxt = q0 / (1.0 - (1.0 - coale_demeny_a0(m0, sex)) * q0)
        done = np.max(np.abs(nxt - m0), initial=0.0) <= 1e-15
        m0 = nxt
        if done:
            break
    return m0


def person_years(q: np.ndarray) -> np.ndarray:
    """Person-years ``L_x`` per birth (``l_0 = 1``) of life tables ``q [..., 2, 111]``.

    Constant force within each year of age; Coale-Demeny ``a_0`` for infants; the
    last entry is the open group 110+ with the force of age 109 continued (see the
    module docstring). Returns an array of the same shape.
    """
    q = np.asarray(q, dtype=np.float64)
    p = 1.0 - q
    l = np.concatenate([np.ones(q.shape[:-1] + (1,)), np.cumprod(p, axis=-1)], axis=-1)
    m = _forces(q)
    with np.errstate(divide="ignore", invalid="ignore"):
        # q/m -> 1 - q/2 as q -> 0; where q = 1 the year is not survived (m infinite)
        frac = np.where(q > 1e-12, np.where(np.isfinite(m), q / m, 0.0), 1.0 - 0.5 * q)
    L = l[..., :-1] * frac
    for s, sex in enumerate(SEXES):
        q0 = q[..., s, 0]
        m0 = _infant_rate(q0, sex)
        L[..., s, 0] = np.where(q0 > 0, q0 / np.where(m0 > 0, m0, 1.0), 1.0)
    m_open = m[..., MAX_AGE - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        L[..., MAX_AGE] = np.where(np.isfinite(m_open) & (m_open > 0),
                                   l[..., MAX_AGE] / m_open, 0.0)
    return L


def survival_ratios(L: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Survival to 31 December of births, and of each cohort over a year.

    Parameters
    ----------
    L
        Person-years ``[..., 2, 111]`` from :func:`person_years`.

    Returns
    -------
    births, cohorts
        ``[..., 2]`` (``L_0``) and ``[..., 2, 111]``: the share of the cohort aged ``x``
        on 1 January alive on 31 December; cohorts 109 and 110+ share
        ``T_110 / T_109`` (they form the open group together).
    """
    S = np.zeros_like(L)
    with np.errstate(divide="ignore", invalid="ignore"):
        S[..., : MAX_AGE - 1] = np.where(L[..., : MAX_AGE - 1] > 0,
                                         L[..., 1:MAX_AGE] / L[..., : MAX_AGE - 1], 0.0)
        t109 = L[..., MAX_AGE - 1] + L[..., MAX_AGE]
        open_ratio = np.where(t109 > 0, L[..., MAX_AGE] / t109, 0.0)
    S[..., MAX_AGE - 1] = open_ratio
    S[..., MAX_AGE] = open_ratio
    return L[..., 0].copy(), S


def death_probability_by_age_last_birthday(q: np.ndarray) -> np.ndarray:
    """Probability that a person aged ``x`` (completed) on 1 January dies before the next
    1 January, from life tables ``q [..., 2, 111]`` of exact ages.

    A table's ``q_x`` runs from exact age ``x`` to ``x + 1``; people aged ``x`` last
    birthday are on average half a year older, so over a calendar year they die at
    ``1 - L_{x+1} / L_x`` (:func:`survival_ratios`), between ``q_x`` and ``q_{x+1}``.
    The cohort projection of the population and the valuation's year step both use it.
    """
    return 1.0 - survival_ratios(person_years(q))[1]


def life_expectancy(q: np.ndarray, age: int = 0) -> np.ndarray:
    """Complete life expectancy at ``age`` of tables ``q [..., 111]`` (years).

    The convention of :meth:`actuary.life.lifetable.LifeTable.ex`: uniform deaths within
    each year of age (UDD), the table closed at age 110 (``q_110 = 1``).
    """
    q = np.array(q, dtype=np.float64)
    q[..., -1] = 1.0
    tail = q[..., age:]
    l = np.concatenate([np.ones(tail.shape[:-1] + (1,)), np.cumprod(1.0 - tail, axis=-1)], axis=-1)
    return np.sum(0.5 * (l[..., :-1] + l[..., 1:]), axis=-1)


def median_age(population: np.ndarray) -> np.ndarray:
    """Median age (years) of populations ``[..., 111]`` by single age.

    People are spread uniformly within each year of age, so the median is
    ``x + (N/2 - persons below x) / P_x`` in the year of age ``x`` that holds it.
    """
    p = np.asarray(population, dtype=np.float64)
    cum = np.cumsum(p, axis=-1)
    half = 0.5 * cum[..., -1:]
    x = np.argmax(cum >= half, axis=-1)
    below = np.take_along_axis(cum, x[..., None], -1)[..., 0] - np.take_along_axis(p, x[..., None], -1)[..., 0]
    px = np.take_along_axis(p, x[..., None], -1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(px > 0, x + (half[..., 0] - below) / px, x.astype(float))


# ---------------------------------------------------------------------- the projection
def _cohort_migrants(m: np.ndarray) -> np.ndarray:
    """Net migrants ``[2, 111]`` by completed age -> by age on 31 December (cohort).

    Half of the migrants of age ``x`` join the cohort that ends the year aged ``x``
    (born ``x`` years earlier), half the one ending it aged ``x + 1``; ages 110 and
    111 (the latter from migrants aged 110) make the open group.
    """
    out = np.empty_like(m)
    out[:, 0] = 0.5 * m[:, 0]
    out[:, 1:] = 0.5 * (m[:, :-1] + m[:, 1:])
    out[:, MAX_AGE] += 0.5 * m[:, MAX_AGE]
    return out


def project(inputs: PopulationInputs) -> "PopulationProjection":
    """Project ``inputs`` year by year (see the module docstring for the conventions).

    Raises
    ------
    AssumptionError
        When net emigration would leave fewer than zero people in a cohort.
    """
    T = inputs.n_years
    L = person_years(inputs.mortality)
    s_birth, S = survival_ratios(L)
    root = np.sqrt(S)
    root_birth = np.sqrt(s_birth)
    pop = np.empty((T + 1, 2, N_AGE))
    pop[0] = inputs.base
    births = np.empty((T, 2))
    deaths = np.empty((T, 2, N_AGE))
    migrants = np.empty((T, 2, N_AGE))
    for t in range(T):
        start = pop[t]
        mig = _cohort_migrants(inputs.migration[t])
        end = np.empty((2, N_AGE))
        dead = np.empty((2, N_AGE))
        # cohorts aged 0..108 on 1 January end the year aged 1..109
        s, r = S[t, :, : MAX_AGE - 1], root[t, :, : MAX_AGE - 1]
        end[:, 1:MAX_AGE] = start[:, : MAX_AGE - 1] * s + mig[:, 1:MAX_AGE] * r
        dead[:, 1:MAX_AGE] = start[:, : MAX_AGE - 1] * (1.0 - s) + mig[:, 1:MAX_AGE] * (1.0 - r)
        # cohorts 109 and 110+ make the open group 110+
        so, ro = S[t, :, MAX_AGE], root[t, :, MAX_AGE]
        top = start[:, MAX_AGE - 1] + start[:, MAX_AGE]
        end[:, MAX_AGE] = top * so + mig[:, MAX_AGE] * ro
        dead[:, MAX_AGE] = top * (1.0 - so) + mig[:, MAX_AGE] * (1.0 - ro)
        # births: women exposed as the mean of 1 January and 31 December (ages 1+ are known)
        women = 0.5 * (start[1, 1:] + end[1, 1:])
        total_births = float(np.dot(inputs.fertility[t, 1:], women))
        srb = inputs.srb[t]
        b = np.array([total_births * srb / (1.0 + srb), total_births / (1.0 + srb)])
        end[:, 0] = b * s_birth[t] + mig[:, 0] * root_birth[t]
        dead[:, 0] = b * (1.0 - s_birth[t]) + mig[:, 0] * (1.0 - root_birth[t])
        if np.any(end < 0.0):
            s_i, x = (int(v[0]) for v in np.nonzero(end < 0.0))
            # age 0 on 31 December is the year's births (fertility), older ages a cohort
            there = (f"the year's {b[s_i]:.0f} births" if x == 0
                     else f"the cohort's {start[s_i, x - 1]:.0f} people")
            raise AssumptionError(
                "net emigration is larger than the people there are",
                location=f"year {inputs.first_year + t}, sex {SEXES[s_i]}, age {x} on 31 December",
                field="migration", value=float(mig[s_i, x]),
                expected=f"net emigration of at most {there} (check fertility and migration)",
            )
        pop[t + 1] = end
        births[t] = b
        deaths[t] = dead
        migrants[t] = mig
    return PopulationProjection(inputs=inputs, population=pop, births=births, deaths=deaths,
                                migrants=migrants)


@dataclass(frozen=True)
class PopulationProjection:
    """The result of :func:`project` (persons).

    Attributes
    ----------
    inputs
        What was projected.
    population
        ``[T + 1, 2, 111]`` by sex and age on 1 January of ``first_year + t``
        (the last entry is 31 December of the last year).
    births
        ``[T, 2]`` live births of each calendar year by sex.
    deaths, migrants
        ``[T, 2, 111]`` deaths and net migrants of each calendar year by the cohort's
        age on 31 December (0 = born in the year, 110 = the open group).
    """

    inputs: PopulationInputs
    population: np.ndarray
    births: np.ndarray
    deaths: np.ndarray
    migrants: np.ndarray

    @property
    def years(self) -> np.ndarray:
        """Calendar years projected."""
        return self.inputs.years

    def end_of_year(self, year: int) -> np.ndarray:
        """``[2, 111]`` persons on 31 December of ``year`` (= 1 January of ``year + 1``)."""
        t = int(year) - self.inputs.first_year
        if not 0 <= t < self.inputs.n_years:
            raise AssumptionError("year outside the projection", field="year", value=year,
                                  expected=f"{self.years[0]} to {self.years[-1]}")
        return self.population[t + 1]

    def life_expectancy(self) -> pd.DataFrame:
        """e0 and e60 by sex (and e0 of both sexes) of each calendar year's table."""
        q = self.inputs.mortality
        e0 = life_expectancy(q, 0)
        e60 = life_expectancy(q, 60)
        srb = self.inputs.srb
        # both sexes: each sex's table weighted by its share of births
        e0_b = (srb * e0[:, 0] + e0[:, 1]) / (1.0 + srb)
        return pd.DataFrame({
            "year": self.years, "e0_M": e0[:, 0], "e0_F": e0[:, 1], "e0_B": e0_b,
            "e60_M": e60[:, 0], "e60_F": e60[:, 1],
        })

    def summary(self) -> pd.DataFrame:
        """One row per calendar year: totals, flows, structure (31 December), life expectancy.

        Columns: ``year``, ``population_start`` (1 January), ``population`` (31
        December), ``men``, ``women``, ``births``, ``births_M``, ``births_F``, ``deaths``,
        ``net_migration``, ``growth_rate``, ``tfr``, ``share_0_14``, ``share_15_64``,
        ``share_60_plus``, ``share_65_plus``, ``dependency_ratio`` ((0-14 + 65+) / 15-64),
        ``old_age_dependency_ratio`` (65+ / 15-64), ``median_age``, then e0 and e60.
        """
        end = self.population[1:]
        total = end.sum(axis=(1, 2))
        both = end.sum(axis=1)  # [T, 111]
        young, work, old65 = both[:, :15].sum(1), both[:, 15:65].sum(1), both[:, 65:].sum(1)
        out = pd.DataFrame({
            "year": self.years,
            "population_start": self.population[:-1].sum(axis=(1, 2)),
            "population": total,
            "men": end[:, 0].sum(1),
            "women": end[:, 1].sum(1),
            "births": self.births.sum(1),
            "births_M": self.births[:, 0],
            "births_F": self.births[:, 1],
            "deaths": self.deaths.sum(axis=(1, 2)),
            "net_migration": self.migrants.sum(axis=(1, 2)),
        })
        out["growth_rate"] = out["population"] / out["population_start"] - 1.0
        out["tfr"] = self.inputs.fertility.sum(axis=1)
        out["share_0_14"] = young / total
        out["share_15_64"] = work / total
        out["share_60_plus"] = both[:, 60:].sum(1) / total
        out["share_65_plus"] = old65 / total
        out["dependency_ratio"] = (young + old65) / work
        out["old_age_dependency_ratio"] = old65 / work
        out["median_age"] = median_age(both)
        return out.merge(self.life_expectancy(), on="year")

    def by_age(self) -> pd.DataFrame:
        """Tidy rows ``year, sex, age``: people on 1 January and 31 December, and the
        year's deaths and net migrants of the cohort aged ``age`` on 31 December."""
        T = self.inputs.n_years
        n = 2 * N_AGE
        return pd.DataFrame({
            "year": np.repeat(self.years, n),
            "sex": np.tile(np.repeat(np.array(SEXES), N_AGE), T),
            "age": np.tile(AGES, 2 * T),
            "population_start": self.population[:-1].reshape(-1),
            "population": self.population[1:].reshape(-1),
            "deaths": self.deaths.reshape(-1),
            "migrants": self.migrants.reshape(-1),
        })


# ---------------------------------------------------------------------- from an assumption set
def _origin_file(aset: "AssumptionSet", path: str) -> Path | None:
    """The file that wrote key ``path`` (an overlay that overrode it, or the full set)."""
    from actuary.assumptions.inventory import overriding_files
    from actuary.io.yamlio import read_mapping

    touched = overriding_files(aset, path)
    if touched:
        return Path(touched[-1])

    for name in aset.files:  # the set, its bases, then scheme files
        try:
            data = read_mapping(Path(name))
        except ActuaryError:  # cannot happen for a loaded set; no origin then
            continue
        if data.get("base") is None and "scheme" in data:  # the full set (not an overlay)
            return Path(name)
    return None


def frame_table_target(aset: "AssumptionSet", path: str) -> tuple[str, str]:
    """(name as written, what :func:`actuary.tables.load_table` is given) of the table
    the frame reference at ``path`` names: a shipped table's name, or a path resolved
    from the folder of the file that wrote the reference."""
    from actuary.assumptions.registry import looks_like_path

    ref: Any = aset
    for part in path.split("."):
        ref = getattr(ref, part)
    name = ref.table
    target = name
    if looks_like_path(name) or name.endswith(".csv"):
        origin = _origin_file(aset, path)
        folder = origin.parent if origin is not None else Path.cwd()
        target = str((folder / Path(name).expanduser()).resolve())
    return name, target


def load_frame_table(aset: "AssumptionSet", path: str, kind: str, ages: range,
                     sexes: tuple[str, ...] = ("M", "F")) -> Any:
    """Load the table a frame reference names and check it fits its use.

    Parameters
    ----------
    aset
        The assumption set (for the reference and the file it came from).
    path
        Dotted key path of the reference, e.g. ``frame.population.base``.
    kind
        The table kind wanted (tables layer kinds).
    ages
        Ages the frame reads from it.
    sexes
        Sexes it must hold (``("F",)`` for fertility; ``B`` always fits).

    Raises
    ------
    AssumptionError
        Naming the key path, the table and what does not fit.
    """
    from actuary.tables import load_table

    name, target = frame_table_target(aset, path)
    try:
        table = load_table(target)
    except ActuaryError as exc:
        raise AssumptionError(f"table cannot be used: {exc}", location=f"{path}.table",
                              value=name) from None
    if table.kind != kind:
        raise AssumptionError(f"table {table.name!r} is of kind {table.kind!r}",
                              location=f"{path}.table", value=name,
                              expected=f"a table of kind {kind!r}")
    if table.sexes != ("B",) and not set(sexes) <= set(table.sexes):
        raise AssumptionError(f"table {table.name!r} has no rows for a sex the frame needs",
                              location=f"{path}.table", value=list(table.sexes),
                              expected="rows for sex " + " and ".join(sexes))
    lo, hi = int(table.ages[0]), int(table.ages[-1])
    if lo > ages.start or (hi < ages.stop - 1 and kind != "qx"):
        raise AssumptionError(f"table {table.name!r} does not cover the ages the frame needs",
                              location=f"{path}.table", value=f"ages {lo}-{hi}",
                              expected=f"every age {ages.start}-{ages.stop - 1}")
    return table


def _base_year(aset: "AssumptionSet", table: Any) -> int:
    """The base population's date must be 1 January of the set's first year."""
    first = aset.first_year
    stated = table.meta.extra.get("reference_date")
    if stated is not None and str(stated) != f"{first}-01-01":
        raise AssumptionError(
            "the base population is not dated on 1 January of the projection's first year",
            location="frame.population.base.table", field="reference_date", value=str(stated),
            expected=f"{first}-01-01 (the valuation date's year), or no reference_date",
        )
    return first


def inputs_from_basis(aset: "AssumptionSet", last_year: int) -> PopulationInputs:
    """The uncalibrated inputs of the national projection of ``aset``'s frame.

    Parameters
    ----------
    aset
        A loaded assumption set with a ``frame`` section.
    last_year
        Last calendar year projected (tables are held after their last year).

    Notes
    -----
    ``scale`` on mortality multiplies the force of mortality (``q' = 1 - (1 - q)^scale``,
    which is ``q x scale`` for small ``q`` and stays below 1); on fertility and
    migration it multiplies the rates and the migrants.
    """
    fr = frame_section(aset).population
    base_table = load_frame_table(aset, "frame.population.base", "population", range(0, N_AGE))
    first = _base_year(aset, base_table)
    if last_year < first:
        raise AssumptionError("the projection ends before it starts", field="to_year",
                              value=last_year, expected=f"a year from {first}")
    years = np.arange(first, int(last_year) + 1)
    q_table = load_frame_table(aset, "frame.population.mortality", "qx", range(0, N_AGE))
    q = q_table.to_array(AGES, years, beyond="hold")
    q = 1.0 - (1.0 - q) ** fr.mortality.scale
    f_table = load_frame_table(aset, "frame.population.fertility", "fertility", range(15, 50),
                               sexes=("F",))
    f_ages = f_table.ages
    fert = np.zeros((years.size, N_AGE))
    fert[:, f_ages] = f_table.to_array(f_ages, years, beyond="hold", sex_fill=0.0)[:, 1, :]
    fert *= fr.fertility.scale
    srb_table = load_frame_table(aset, "frame.population.sex_ratio_at_birth", "ratio", range(0, 1))
    srb = srb_table.to_array([0], years, beyond="hold")[:, 0, 0]
    m_table = load_frame_table(aset, "frame.population.migration", "migration", range(0, N_AGE))
    mig = m_table.to_array(AGES, years, beyond="hold") * fr.migration.scale
    return PopulationInputs(first_year=first, base=base_table.to_array(AGES), mortality=q,
                            fertility=fert, srb=srb, migration=mig)


def frame_section(aset: "AssumptionSet") -> Any:
    """``aset.frame``, or an AssumptionError saying the set has none."""
    if aset.frame is None:
        raise AssumptionError(
            "the assumption set has no 'frame' section (population, labour, coverage, economy)",
            source=aset.files[0] if aset.files else None, location="frame",
            expected="a 'frame' section as in assumptions/data/cambodia_default.yaml",
        )
    return aset.frame


def frame_scenarios() -> dict[str, Path]:
    """Name (and file stem) -> path of the shipped frame scenarios
    (``assumptions/data/frame/``, e.g. ``national-projection``)."""
    from actuary.assumptions.registry import DATA_DIR, index_names

    return index_names([DATA_DIR / "frame"])


def load_frame_basis(basis: "str | Path | AssumptionSet | None" = None) -> "AssumptionSet":
    """An assumption set for the frame: a loaded set, a file, a shipped frame scenario
    (``national-projection``), or any name :func:`actuary.assumptions.load_basis` knows."""
    from actuary.assumptions import load_basis
    from actuary.assumptions.models import AssumptionSet

    if isinstance(basis, AssumptionSet):
        return basis
    if basis is not None and not Path(basis).is_file():
        scenario = frame_scenarios().get(str(basis))
        if scenario is not None:
            return load_basis(scenario)
    return load_basis(basis)
