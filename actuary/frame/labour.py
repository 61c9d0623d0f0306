"""Labour force, employment by sector, coverage by scheme and the flows of new entrants.

Stocks are on 1 January of each year, by sex (M = 0, F = 1) and age 0..110 (nobody
below 15 works here), in persons:

* labour force ``LF = P x participation`` (participation by sex and age, held);
* employed ``E = LF x (1 - unemployment)``;
* employed in sector ``k``: ``E x share_k``, where at each age the shares are
  proportional to ``lambda_k x profile_k(age)`` and sum to 1, and the ``lambda_k`` are
  fitted (iterative proportional fitting) so that each sector's share of all the employed
  of a sex equals its dated share (``others`` takes what the four dated shares leave);
* covered by scheme ``s`` (sector ``k``): ``E_k x min(1, level_s x c_s) x profile_s(age)``,
  with ``c_s`` the calibration factor that reproduces the published count at its date
  (1 without a calibration).

Flows of a scheme over year ``y`` (entrants join on 1 January ``y + 1``, the
convention of :func:`actuary.engine.build.build_basis`): of the covered ``C`` aged ``x`` on
1 January, ``C (1 - q - i - e)`` are still covered a year later at ``x + 1``
(dependent rates of death ``q``, invalidity ``i`` and exit ``e``, as in the projection
kernel); the exits join the inactive insured ``I``, of whom ``I r`` (re-entry ``r``)
would come back. The coverage path says how many are covered at ``x + 1``; where it
wants more than the stayers, re-entrants fill the gap first (up to ``I r``) and new
entrants the rest; where it wants fewer, the surplus leaves coverage ("excess exits",
e.g. at the pension age) and joins the inactive insured. So for every sex and age
``C'(x+1) = stayers + re-entrants + entrants - excess exits`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from actuary.io.errors import AssumptionError
from actuary.frame.population import AGES, N_AGE, SEXES, frame_section, load_frame_table

if TYPE_CHECKING:  # pragma: no cover
    from actuary.assumptions.models import AssumptionSet

__all__ = [
    "SECTORS",
    "SCHEMES",
    "fit_sector_shares",
    "SchemeCoverage",
    "LabourFrame",
    "labour_frame",
    "SchemeFlows",
    "scheme_flows",
]

SECTORS = ("public", "private_formal", "private_informal", "self_employed", "others")
SCHEMES = ("nssf", "public", "self_employed")
WORK_AGES = range(15, N_AGE)
_IPF_TOL = 1e-12
_IPF_MAX = 5000


# ---------------------------------------------------------------------- sector shares
def fit_sector_shares(employed: np.ndarray, targets: np.ndarray, profiles: np.ndarray) -> np.ndarray:
    """Shares of the employed by sector and age that sum to 1 at each age and meet the
    sector totals (iterative proportional fitting).

    Parameters
    ----------
    employed
        ``[..., 111]`` employed persons by age (the weights).
    targets
        ``[K, ...]`` each sector's share of all the employed (summing to 1 over ``K``).
    profiles
        ``[K, 111]`` relative propensity of each age to work in each sector (>= 0).

    Returns
    -------
    numpy.ndarray
        ``[K, ..., 111]`` shares; at every age with employed people they sum to 1.

    Raises
    ------
    AssumptionError
        When no shares meet the totals (e.g. a sector with a positive share whose
        profile is 0 wherever people work).
    """
    E = np.asarray(employed, dtype=np.float64)
    tgt = np.asarray(targets, dtype=np.float64)
    prof = np.asarray(profiles, dtype=np.float64)
    K = tgt.shape[0]
    lam = tgt.copy()  # start: the target shares
    extra = (slice(None),) + (None,) * (E.ndim - 1) + (slice(None),)
    a = prof[extra]  # [K, 1.., 111]
    total = E.sum(axis=-1)
    for _ in range(_IPF_MAX):
        w = lam[..., None] * a
        denom = w.sum(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = np.where(denom > 0, w / denom, 0.0)
        got = (shares * E).sum(axis=-1)  # [K, ...]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(got > 0, tgt * total / got, np.where(tgt > 0, np.inf, 1.0))
        if np.all(np.isfinite(ratio)) and np.max(np.abs(ratio - 1.0)[tgt > 0], initial=0.0) < _IPF_TOL:
            return shares
        if not np.all(np.isfinite(ratio)):
            break
        lam = lam * ratio
    k = int(np.argmax(np.max(np.abs(np.nan_to_num(ratio, posinf=1e9) - 1.0).reshape(K, -1), axis=1)))
    raise AssumptionError(
        "the sector shares cannot be met with the sector age profiles",
        location=f"frame.labour.sectors.{SECTORS[k] if K == len(SECTORS) else k}",
        value=f"target share {float(np.ravel(tgt[k])[0]):.4f}",
        expected="shares a sector can reach at the ages its profile allows",
    )


# ---------------------------------------------------------------------- the labour frame
@dataclass(frozen=True)
class SchemeCoverage:
    """Coverage of one scheme.

    Attributes
    ----------
    scheme, sector
        Names.
    level
        ``[N]`` dated level of each 1 January, after calibration and capped at 1.
    capped
        ``[N]`` True where ``level x factor`` exceeded 1 and was capped.
    factor
        Calibration factor (1 without a calibration).
    count_before, count_target
        Covered at the calibration date before calibration, and the published count
        (NaN without a calibration).
    calibration_year
        Year of 1 January of the calibration date (None without).
    covered
        ``[N, 2, 111]`` covered persons on 1 January.
    """

    scheme: str
    sector: str
    level: np.ndarray
    capped: np.ndarray
    factor: float
    count_before: float
    count_target: float
    calibration_year: int | None
    covered: np.ndarray


@dataclass(frozen=True)
class LabourFrame:
    """Labour force, employment by sector and coverage on 1 January of each year.

    Attributes
    ----------
    years
        ``[N]`` years (stocks on 1 January).
    population, labour_force, employed
        ``[N, 2, 111]`` persons.
    sectors
        ``[5, N, 2, 111]`` employed by sector (order :data:`SECTORS`).
    coverage
        By scheme name.
    """

    years: np.ndarray
    population: np.ndarray
    labour_force: np.ndarray
    employed: np.ndarray
    sectors: np.ndarray
    coverage: dict[str, SchemeCoverage] = field(default_factory=dict)

    def sector(self, name: str) -> np.ndarray:
        """``[N, 2, 111]`` employed in one sector."""
        return self.sectors[SECTORS.index(name)]

    def calibration(self) -> pd.DataFrame:
        """Per scheme: the published count, the count before calibration, the factor,
        the calibrated count (equal to the published count) and the levels."""
        rows = []
        for name, c in self.coverage.items():
            if c.calibration_year is None:
                rows.append({"scheme": name, "sector": c.sector, "date": None,
                             "published_count": np.nan, "count_before": np.nan, "factor": 1.0,
                             "count_after": float(c.covered[0].sum()), "level_after": float(c.level[0])})
                continue
            i = c.calibration_year - int(self.years[0])
            rows.append({"scheme": name, "sector": c.sector, "date": f"{c.calibration_year}-01-01",
                         "published_count": c.count_target, "count_before": c.count_before,
                         "factor": c.factor, "count_after": float(c.covered[i].sum()),
                         "level_after": float(c.level[i])})
        return pd.DataFrame(rows)

    def summary(self) -> pd.DataFrame:
        """One row per 1 January: totals of the labour force, sectors and coverage."""
        tot = lambda a: a.sum(axis=(1, 2))  # noqa: E731 - a one-line total
        out = pd.DataFrame({"year": self.years,
                            "population_15_plus": self.population[:, :, 15:].sum(axis=(1, 2))})
        out["labour_force"] = tot(self.labour_force)
        out["participation_rate"] = out["labour_force"] / out["population_15_plus"]
        out["employed"] = tot(self.employed)
        out["employed_M"] = self.employed[:, 0].sum(1)
        out["employed_F"] = self.employed[:, 1].sum(1)
        for k, name in enumerate(SECTORS):
            out[f"employed_{name}"] = tot(self.sectors[k])
        for name, c in self.coverage.items():
            out[f"covered_{name}"] = tot(c.covered)
            out[f"covered_{name}_F"] = c.covered[:, 1].sum(1)
            out[f"coverage_{name}_of_sector"] = out[f"covered_{name}"] / out[f"employed_{c.sector}"].where(
                out[f"employed_{c.sector}"] > 0)
            out[f"coverage_{name}_level"] = c.level
            out[f"coverage_{name}_capped"] = c.capped
        return out

    def by_age(self) -> pd.DataFrame:
        """Tidy rows ``year, sex, age`` (ages 15..110) on 1 January."""
        N = self.years.size
        ages = np.arange(15, N_AGE)
        n = ages.size
        sl = (slice(None), slice(None), slice(15, None))
        out = pd.DataFrame({
            "year": np.repeat(self.years, 2 * n),
            "sex": np.tile(np.repeat(np.array(SEXES), n), N),
            "age": np.tile(ages, 2 * N),
            "population": self.population[sl].reshape(-1),
            "labour_force": self.labour_force[sl].reshape(-1),
            "employed": self.employed[sl].reshape(-1),
        })
        for k, name in enumerate(SECTORS):
            out[f"employed_{name}"] = self.sectors[k][sl].reshape(-1)
        for name, c in self.coverage.items():
            out[f"covered_{name}"] = c.covered[sl].reshape(-1)
        return out


def _by_age(table: Any) -> np.ndarray:
    """A 15..110 table on ages 0..110 (0 below 15)."""
    out = np.zeros((2, N_AGE))
    out[:, 15:] = table.to_array(np.arange(15, N_AGE))
    return out


def _start_of_year(param: Any, years: np.ndarray) -> np.ndarray:
    """A dated parameter's value in force on 1 January of each year."""
    return np.asarray(param.yearly(int(years[0]), int(years[-1]), "start"), dtype=float)


def labour_frame(aset: "AssumptionSet", population: np.ndarray, first_year: int) -> LabourFrame:
    """The labour frame of ``aset`` on the population ``[N, 2, 111]`` of 1 January
    ``first_year .. first_year + N - 1``.

    Raises
    ------
    AssumptionError
        Sector shares summing to more than 1, shares the profiles cannot meet, or a
        published count the sector cannot hold.
    """
    fr = frame_section(aset)
    lab = fr.labour
    pop = np.asarray(population, dtype=np.float64)
    years = int(first_year) + np.arange(pop.shape[0])
    part = _by_age(load_frame_table(aset, "frame.labour.participation", "share", WORK_AGES))
    unemp = _start_of_year(lab.unemployment, years)
    lf = pop * part[None]
    emp = lf * (1.0 - unemp)[:, None, None]

    levels = np.empty((len(SECTORS), years.size, 2))
    profiles = np.empty((len(SECTORS), 2, N_AGE))
    for k, name in enumerate(SECTORS[:-1]):
        sec = getattr(lab.sectors, name)
        for s, sex in enumerate(SEXES):
            levels[k, :, s] = _start_of_year(getattr(sec.share, sex), years)
        profiles[k] = _by_age(load_frame_table(aset, f"frame.labour.sectors.{name}.age_profile",
                                               "share", WORK_AGES))
    profiles[-1] = _by_age(load_frame_table(aset, "frame.labour.sectors.others_age_profile",
                                            "share", WORK_AGES))
    levels[-1] = 1.0 - levels[:-1].sum(axis=0)
    if np.any(levels[-1] < -1e-12):
        t, s = (int(v[0]) for v in np.nonzero(levels[-1] < -1e-12))
        raise AssumptionError(
            "the sector shares add up to more than 1",
            location="frame.labour.sectors", field=f"share.{SEXES[s]}",
            value=f"{1.0 - levels[-1, t, s]:.4f} on 1 January {years[t]}",
            expected="public + private_formal + private_informal + self_employed <= 1 "
            "(others take the rest)",
        )
    levels[-1] = np.maximum(levels[-1], 0.0)
    shares = np.empty((len(SECTORS), years.size, 2, N_AGE))
    for s in range(2):  # the profiles are by sex
        shares[:, :, s, :] = fit_sector_shares(emp[:, s, :], levels[:, :, s], profiles[:, s, :])
    sectors = shares * emp[None]

    coverage = {}
    for name in SCHEMES:
        spec = getattr(fr.coverage, name)
        if spec is not None:
            coverage[name] = _scheme_coverage(aset, name, spec, sectors[SECTORS.index(spec.sector)], years)
    return LabourFrame(years=years, population=pop, labour_force=lf, employed=emp,
                       sectors=sectors, coverage=coverage)


def _scheme_coverage(aset: "AssumptionSet", name: str, spec: Any, sector: np.ndarray,
                     years: np.ndarray) -> SchemeCoverage:
    """Coverage of one scheme, calibrated to its published count when one is given."""
    where = f"frame.coverage.{name}"
    profile = _by_age(load_frame_table(aset, f"{where}.age_profile", "share", WORK_AGES))
    level = _start_of_year(spec.level, years)
    raw = sector * profile[None]  # covered per unit of level
    factor, before, target, cal_year = 1.0, np.nan, np.nan, None
    cal = spec.calibration
    if cal is not None:
        d = cal.date
        if (d.month, d.day) != (1, 1) or not years[0] <= d.year <= years[-1]:
            raise AssumptionError(
                "the count's date must be 1 January of a year of the frame (its stocks are on 1 January)",
                location=f"{where}.calibration.date", value=d.isoformat(),
                expected=f"1 January of a year from {years[0]} to {years[-1]}",
            )
        i = d.year - int(years[0])
        before = float(level[i] * raw[i].sum())
        if before <= 0.0:
            raise AssumptionError("nobody is covered at the calibration date to calibrate",
                                  location=f"{where}.level", value=float(level[i]),
                                  expected="a positive level and a sector with people at the covered ages")
        factor = float(cal.count) / before
        if level[i] * factor > 1.0 + 1e-12:
            raise AssumptionError(
                "the published count is more than everyone the sector holds at the covered ages",
                location=f"{where}.calibration.count", value=float(cal.count),
                expected=f"at most {raw[i].sum():,.0f} (raise the sector's share or widen the profile)",
            )
        target, cal_year = float(cal.count), int(d.year)
    scaled = level * factor
    capped = scaled > 1.0
    level_used = np.minimum(scaled, 1.0)
    covered = raw * level_used[:, None, None]
    return SchemeCoverage(scheme=name, sector=spec.sector, level=level_used, capped=capped,
                          factor=factor, count_before=before, count_target=target,
                          calibration_year=cal_year, covered=covered)


# ---------------------------------------------------------------------- flows
@dataclass(frozen=True)
class SchemeFlows:
    """Flows into and out of one scheme's coverage, year by year (persons).

    Year index ``t`` is calendar year ``first_year + t``; ``*_start`` stocks are on
    1 January of it, flows and end stocks are by age on 1 January of ``t + 1`` (the
    age entrants join at, as :func:`actuary.engine.build.build_basis` expects).

    Attributes
    ----------
    covered, inactive
        ``[T + 1, 2, 111]`` covered and inactive insured on 1 January.
    stayers, reentrants, entrants, excess_exits, exits, deaths
        ``[T, 2, 111]``.
    entrant_wage
        ``[T, 2, 111]`` average wage of an entrant, KHR per year, in the money of
        year ``t + 1`` (when they start).
    average_wage
        ``[T + 1]`` the frame's average wage of covered workers, KHR per month, for
        each year ``first_year ..``.
    """

    scheme: str
    first_year: int
    covered: np.ndarray
    inactive: np.ndarray
    stayers: np.ndarray
    reentrants: np.ndarray
    entrants: np.ndarray
    excess_exits: np.ndarray
    exits: np.ndarray
    deaths: np.ndarray
    entrant_wage: np.ndarray
    average_wage: np.ndarray

    @property
    def years(self) -> np.ndarray:
        """Calendar years of the flows."""
        return self.first_year + np.arange(self.entrants.shape[0])

    @property
    def target_actives(self) -> np.ndarray:
        """``[T]`` covered on 1 January of ``t + 1`` (``Basis.target_actives``)."""
        return self.covered[1:].sum(axis=(1, 2))

    @property
    def entrant_distribution(self) -> np.ndarray:
        """``[T, 2, 111]`` entrants of each year by sex and age, summing to 1 over both
        (all zero in a year without entrants; ``Basis.entrant_distribution``)."""
        tot = self.entrants.sum(axis=(1, 2), keepdims=True)
        return np.divide(self.entrants, tot, out=np.zeros_like(self.entrants), where=tot > 0)

    @property
    def wage_relative(self) -> np.ndarray:
        """``[T, 2, 111]`` entrant wage relative to the average wage of year ``t + 1``."""
        return self.entrant_wage / (12.0 * self.average_wage[1:, None, None])

    def summary(self) -> pd.DataFrame:
        """One row per year: stocks at the start, flows, and the stock at the end."""
        tot = lambda a: a.sum(axis=(1, 2))  # noqa: E731 - a one-line total
        return pd.DataFrame({
            "year": self.years, "scheme": self.scheme,
            "covered_start": tot(self.covered[:-1]), "inactive_start": tot(self.inactive[:-1]),
            "deaths": tot(self.deaths), "exits": tot(self.exits), "stayers": tot(self.stayers),
            "reentrants": tot(self.reentrants), "entrants": tot(self.entrants),
            "entrants_F": self.entrants[:, 1].sum(1),
            "excess_exits": tot(self.excess_exits), "covered_end": tot(self.covered[1:]),
            "mean_entrant_age": np.divide(
                (self.entrants * AGES).sum(axis=(1, 2)), tot(self.entrants),
                out=np.full(self.entrants.shape[0], np.nan), where=tot(self.entrants) > 0),
            "mean_entrant_wage_khr_month": np.divide(
                (self.entrants * self.entrant_wage).sum(axis=(1, 2)) / 12.0, tot(self.entrants),
                out=np.full(self.entrants.shape[0], np.nan), where=tot(self.entrants) > 0),
        })

    def by_age(self) -> pd.DataFrame:
        """Tidy rows ``year, sex, age`` (age on 1 January of the next year), ages 15..110."""
        T = self.entrants.shape[0]
        ages = np.arange(15, N_AGE)
        n = ages.size
        sl = (slice(None), slice(None), slice(15, None))
        return pd.DataFrame({
            "year": np.repeat(self.years, 2 * n), "scheme": self.scheme,
            "sex": np.tile(np.repeat(np.array(SEXES), n), T), "age": np.tile(ages, 2 * T),
            "entrants": self.entrants[sl].reshape(-1), "reentrants": self.reentrants[sl].reshape(-1),
            "excess_exits": self.excess_exits[sl].reshape(-1),
            "entrant_wage_khr_year": self.entrant_wage[sl].reshape(-1),
            "entrant_wage_relative": self.wage_relative[sl].reshape(-1),
        })


def scheme_flows(
    covered: np.ndarray,
    first_year: int,
    mortality: np.ndarray,
    exit_rate: np.ndarray,
    reentry: np.ndarray,
    invalidity: np.ndarray,
    salary_scale: np.ndarray,
    average_wage: np.ndarray,
    scheme: str = "nssf",
    inactive_start: np.ndarray | None = None,
) -> SchemeFlows:
    """The flows that carry a scheme's coverage path from one 1 January to the next.

    Parameters
    ----------
    covered
        ``[T + 1, 2, 111]`` covered persons on 1 January (the coverage path).
    first_year
        Calendar year of ``covered[0]``.
    mortality
        ``[T, 2, 111]`` death probabilities of each year.
    exit_rate, reentry, invalidity
        ``[2, 111]`` dependent annual rates of the covered (exit, invalidity) and of
        the inactive insured (re-entry).
    salary_scale
        ``[2, 111]`` relative wage by sex and age.
    average_wage
        ``[T + 1]`` average wage of the covered, KHR per month, years ``first_year ..``.
    scheme
        Name (for the tables).
    inactive_start
        ``[2, 111]`` inactive insured on the first 1 January (default none).

    Raises
    ------
    AssumptionError
        Death, invalidity and exit rates adding up to more than 1.
    """
    C = np.asarray(covered, dtype=np.float64)
    T = C.shape[0] - 1
    q, e, r, inv = (np.array(a, dtype=np.float64) for a in (mortality, exit_rate, reentry, invalidity))
    # The last age closes the table (q = 1): nobody there exits, becomes an invalid or
    # comes back, as in the projection kernel.
    e[:, -1] = inv[:, -1] = r[:, -1] = 0.0
    over = q + inv[None] + e[None] > 1.0 + 1e-12
    if np.any(over):
        t, s, x = (int(v[0]) for v in np.nonzero(over))
        raise AssumptionError("death, invalidity and exit rates add up to more than 1",
                              location=f"year {first_year + t}, sex {SEXES[s]}, age {x}",
                              value=float(q[t, s, x] + inv[s, x] + e[s, x]),
                              expected="dependent rates whose sum is at most 1")
    I = np.zeros_like(C)
    I[0] = 0.0 if inactive_start is None else inactive_start
    out = {k: np.zeros((T, 2, N_AGE)) for k in
           ("stayers", "reentrants", "entrants", "excess_exits", "exits", "deaths")}
    for t in range(T):
        c, i_ = C[t], I[t]
        stay = np.zeros((2, N_AGE))
        stay[:, 1:] = c[:, :-1] * (1.0 - q[t, :, :-1] - inv[:, :-1] - e[:, :-1])
        stay[:, -1] += c[:, -1] * (1.0 - q[t, :, -1] - inv[:, -1] - e[:, -1])
        exits = np.zeros((2, N_AGE))
        exits[:, 1:] = c[:, :-1] * e[:, :-1]
        exits[:, -1] += c[:, -1] * e[:, -1]
        back = np.zeros((2, N_AGE))  # inactive who would come back, by age next year
        back[:, 1:] = i_[:, :-1] * r[:, :-1]
        back[:, -1] += i_[:, -1] * r[:, -1]
        alive_inactive = np.zeros((2, N_AGE))  # inactive not dead and not back
        alive_inactive[:, 1:] = i_[:, :-1] * (1.0 - q[t, :, :-1])
        alive_inactive[:, -1] += i_[:, -1] * (1.0 - q[t, :, -1])
        alive_inactive -= back
        gap = C[t + 1] - stay
        re = np.clip(np.minimum(back, gap), 0.0, None)
        new = np.clip(gap - re, 0.0, None)
        excess = np.clip(-gap, 0.0, None)
        I[t + 1] = alive_inactive + (back - re) + exits + excess
        dead = np.zeros((2, N_AGE))
        dead[:, 1:] = (c[:, :-1] + i_[:, :-1]) * q[t, :, :-1]
        dead[:, -1] += (c[:, -1] + i_[:, -1]) * q[t, :, -1]
        for k, v in (("stayers", stay), ("reentrants", re), ("entrants", new),
                     ("excess_exits", excess), ("exits", exits), ("deaths", dead)):
            out[k][t] = v
    wage = np.asarray(average_wage, dtype=np.float64)
    sal = np.asarray(salary_scale, dtype=np.float64)
    # The salary scale spreads the average over sexes and ages: weighted by the covered
    # on the first 1 January, the entrants' wages average the year's average wage.
    weights = C[0]
    mean_scale = float((weights * sal).sum() / weights.sum()) if weights.sum() > 0 else 1.0
    entrant_wage = 12.0 * wage[1:, None, None] * sal[None] / mean_scale
    return SchemeFlows(scheme=scheme, first_year=int(first_year), covered=C, inactive=I,
                       entrant_wage=entrant_wage, average_wage=wage, **out)
