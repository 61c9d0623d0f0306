"""Calibrating the national projection, and comparing it with WPP and the national figures.

Base population
---------------
WPP 2024's population by single age is not in the extracted data; the shipped base
(``wpp2024_cambodia_population_base``) takes the 2017 revision's age shape scaled to
WPP 2024's totals by sex. That shape has too few people aged 60+ for the 2024
revision: with WPP's own rates the first year gives about 6.5% too few deaths and 3.9%
too many births. :func:`calibrate_base` corrects the shape with two factors:

* women aged 15-49 (``women_ages``) times ``k_w``: births are proportional to them;
* everyone aged 60+ (``old_from``) times ``k_o``: most deaths are theirs;
* the other ages of each sex times the one factor that keeps the sex's total.

``(k_w, k_o)`` solve ``births(y) = B*`` and ``deaths(y) = D*`` for the calibration
year ``y`` (Newton's method on the logarithms, finite-difference Jacobian). Measured
on the shipped inputs: ``k_w = 0.962``, ``k_o = 1.142``, and the projection then stays
within 0.83% of WPP 2024's total population every year to 2100, births within 1.13% and
deaths within 1.68% (without calibration: 1.18%, 3.9% and 6.9%, deaths 6.5% low at the
start).

Scenario targets
----------------
:func:`follow_targets` moves mortality and fertility so a projection meets stated
figures (the policy framework's national projection): each year one multiplier on the
force of mortality gives the target life expectancy at birth of both sexes (linear in
time from the first year's own value through the targets, the multiplier held after
the last one); one multiplier on fertility per interval up to each population target
year gives the target total on 31 December of that year (solved in turn; the last one
is held).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from actuary.io.errors import AssumptionError
from actuary.frame.population import (
    N_AGE,
    PopulationInputs,
    PopulationProjection,
    inputs_from_basis,
    life_expectancy,
    project,
)

if TYPE_CHECKING:  # pragma: no cover
    from actuary.assumptions.models import AssumptionSet, PopulationTargets

__all__ = [
    "BaseCalibration",
    "scale_base",
    "calibrate_base",
    "TargetsResult",
    "follow_targets",
    "WPP_TOLERANCES",
    "wpp_comparison",
    "largest_deviations",
    "NATIONAL_FIGURES",
    "NATIONAL_SOURCE",
    "national_comparison",
    "NationalProjection",
    "project_population",
]

_NEWTON_TOL = 1e-12  # on log births and log deaths
_NEWTON_STEP = 1e-6  # finite-difference step on the log factors
_MAX_NEWTON = 50


# ---------------------------------------------------------------------- base calibration
def scale_base(base: np.ndarray, factor_women: float, factor_old: float,
               women_ages: tuple[int, int] = (15, 49), old_from: int = 60) -> np.ndarray:
    """The base population with women ``women_ages`` and all ``old_from``+ rescaled.

    The other ages of each sex are multiplied by the one factor that keeps the total
    of that sex (see the module docstring). ``base`` is ``[2, 111]`` persons.

    Raises
    ------
    AssumptionError
        If the rescaled groups alone exceed a sex's total (no people left elsewhere).
    """
    b = np.array(base, dtype=np.float64)
    lo, hi = women_ages
    fixed = np.zeros((2, N_AGE), bool)
    fixed[:, old_from:] = True
    fixed[1, lo: hi + 1] = True
    b[1, lo: hi + 1] *= factor_women
    b[:, old_from:] *= factor_old
    # women of the fertile ages who are also old_from+ (if the ranges overlap) were
    # scaled twice; the ranges of the shipped set do not overlap.
    for s in range(2):
        total = float(np.sum(base[s]))
        rest = float(np.sum(b[s, ~fixed[s]]))
        left = total - float(np.sum(b[s, fixed[s]]))
        if left <= 0.0 or rest <= 0.0:
            raise AssumptionError(
                "the calibration would leave no people outside the calibrated ages",
                location="frame.population.calibration", field="factors",
                value=f"women {factor_women:.4f}, old {factor_old:.4f}",
                expected="births and deaths targets the base population can reach",
            )
        b[s, ~fixed[s]] *= left / rest
    return b


@dataclass(frozen=True)
class BaseCalibration:
    """The calibration of the base population (see the module docstring).

    Attributes
    ----------
    year
        Calendar year whose births and deaths are matched.
    factor_women, factor_old
        Multipliers of women ``women_ages`` and of everyone ``old_from``+.
    factor_rest
        ``[2]`` multipliers of the other ages (M, F), keeping the totals by sex.
    births_target, deaths_target
        Persons in ``year``.
    births_before, deaths_before, births_after, deaths_after
        The projection's figures for ``year`` without and with the calibration.
    base_before, base_after
        ``[2, 111]`` base populations.
    iterations
        Newton iterations used.
    """

    year: int
    women_ages: tuple[int, int]
    old_from: int
    factor_women: float
    factor_old: float
    factor_rest: np.ndarray
    births_target: float
    deaths_target: float
    births_before: float
    deaths_before: float
    births_after: float
    deaths_after: float
    base_before: np.ndarray
    base_after: np.ndarray
    iterations: int

    def frame(self) -> pd.DataFrame:
        """The calibration as rows ``item, value, note`` (for printing and files)."""
        lo, hi = self.women_ages
        rows = [
            ("calibration year", self.year, "births and deaths of this calendar year are matched"),
            (f"factor on women {lo}-{hi}", self.factor_women, "multiplies the base population"),
            (f"factor on ages {self.old_from}+", self.factor_old, "both sexes"),
            ("factor on other ages, men", self.factor_rest[0], "keeps the men's total"),
            ("factor on other ages, women", self.factor_rest[1], "keeps the women's total"),
            ("births target", self.births_target, "persons"),
            ("births before calibration", self.births_before,
             f"{self.births_before / self.births_target - 1:+.2%} off"),
            ("births after calibration", self.births_after,
             f"{self.births_after / self.births_target - 1:+.1e} off"),
            ("deaths target", self.deaths_target, "persons"),
            ("deaths before calibration", self.deaths_before,
             f"{self.deaths_before / self.deaths_target - 1:+.2%} off"),
            ("deaths after calibration", self.deaths_after,
             f"{self.deaths_after / self.deaths_target - 1:+.1e} off"),
            ("share 60+ before", _share_from(self.base_before, 60), "base date"),
            ("share 60+ after", _share_from(self.base_after, 60), "base date"),
        ]
        return pd.DataFrame(rows, columns=["item", "value", "note"])


def _share_from(base: np.ndarray, age: int) -> float:
    return float(base[:, age:].sum() / base.sum())


def _births_deaths(inputs: PopulationInputs, base: np.ndarray, t: int) -> tuple[float, float]:
    """Births and deaths of year index ``t`` projected from ``base``."""
    p = project(inputs.head(t + 1).replace(base=base))
    return float(p.births[t].sum()), float(p.deaths[t].sum())


def calibrate_base(
    inputs: PopulationInputs,
    year: int,
    births: float,
    deaths: float,
    women_ages: tuple[int, int] = (15, 49),
    old_from: int = 60,
) -> tuple[PopulationInputs, BaseCalibration]:
    """Rescale the base so that ``year`` has ``births`` and ``deaths`` (persons).

    Returns
    -------
    inputs, calibration
        The inputs with the calibrated base, and the record of what was done.

    Raises
    ------
    AssumptionError
        Calibration year outside the projection, or no solution found.
    """
    t = int(year) - inputs.first_year
    where = "frame.population.calibration"
    if not 0 <= t < inputs.n_years:
        raise AssumptionError("calibration year outside the projection", location=where,
                              field="year", value=year,
                              expected=f"a year from {inputs.first_year} to {inputs.years[-1]}")
    lo, hi = women_ages
    if not 0 <= lo <= hi < old_from <= 110:
        raise AssumptionError("calibration ages overlap or are out of order", location=where,
                              field="women_ages", value=[lo, hi],
                              expected=f"0 <= first <= last < old_from ({old_from}) <= 110")
    target = np.log([births, deaths])
    b0, d0 = _births_deaths(inputs, inputs.base, t)

    def residual(u: np.ndarray) -> np.ndarray:
        base = scale_base(inputs.base, float(np.exp(u[0])), float(np.exp(u[1])), women_ages, old_from)
        return np.log(_births_deaths(inputs, base, t)) - target

    u = np.zeros(2)
    r = residual(u)
    for it in range(1, _MAX_NEWTON + 1):
        jac = np.empty((2, 2))
        for j in range(2):
            step = np.zeros(2)
            step[j] = _NEWTON_STEP
            jac[:, j] = (residual(u + step) - r) / _NEWTON_STEP
        try:
            u = u - np.linalg.solve(jac, r)
        except np.linalg.LinAlgError:
            break
        r = residual(u)
        if np.max(np.abs(r)) < _NEWTON_TOL:
            break
    if not np.max(np.abs(r)) < 1e-9:
        raise AssumptionError(
            "the base population cannot be calibrated to these births and deaths",
            location=where, value=f"births {births:,.0f}, deaths {deaths:,.0f}",
            expected=f"figures near the projection's own ({b0:,.0f} births, {d0:,.0f} deaths)",
        )
    kw, ko = float(np.exp(u[0])), float(np.exp(u[1]))
    base = scale_base(inputs.base, kw, ko, women_ages, old_from)
    rest = np.ones(N_AGE, bool)
    rest[old_from:] = False
    women_rest = rest.copy()
    women_rest[lo: hi + 1] = False
    factor_rest = np.array([base[0, rest].sum() / inputs.base[0, rest].sum(),
                            base[1, women_rest].sum() / inputs.base[1, women_rest].sum()])
    b1, d1 = _births_deaths(inputs, base, t)
    record = BaseCalibration(
        year=int(year), women_ages=(lo, hi), old_from=int(old_from), factor_women=kw,
        factor_old=ko, factor_rest=factor_rest, births_target=float(births),
        deaths_target=float(deaths), births_before=b0, deaths_before=d0, births_after=b1,
        deaths_after=d1, base_before=inputs.base.copy(), base_after=base, iterations=it,
    )
    return inputs.replace(base=base), record


# ---------------------------------------------------------------------- scenario targets
@dataclass(frozen=True)
class TargetsResult:
    """How a projection was moved to meet stated figures.

    Attributes
    ----------
    mortality_factor
        ``[T]`` multiplier on the force of mortality of each year (1 = unchanged).
    fertility_factor
        ``[T]`` multiplier on fertility of each year.
    table
        Rows ``year, measure, target, achieved`` for every target.
    """

    mortality_factor: np.ndarray
    fertility_factor: np.ndarray
    table: pd.DataFrame


def _e0_both(q: np.ndarray, srb: float) -> float:
    """Life expectancy at birth of both sexes (births weighted by the sex ratio)."""
    e0 = life_expectancy(q, 0)
    return float((srb * e0[0] + e0[1]) / (1.0 + srb))


def _root_log(f: Any, target: float, lo: float, hi: float, increasing: bool, what: str) -> float:
    """``x`` in ``[lo, hi]`` with ``f(x) = target`` for a monotone ``f``: Brent's method
    (:func:`scipy.optimize.brentq`) on ``log x``, to 1e-15 in ``log x``."""
    a, b = np.log(lo), np.log(hi)
    fa, fb = f(lo), f(hi)
    if not (min(fa, fb) <= target <= max(fa, fb)):
        raise AssumptionError(
            f"target out of reach: {what}", location="frame.population.targets",
            value=target, expected=f"a value between {min(fa, fb):,.2f} and {max(fa, fb):,.2f}",
        )
    if fa == target:
        return float(lo)
    if fb == target:
        return float(hi)
    from scipy import optimize  # here: its import is ~0.3 s (see indicators._lowest_rate)

    # f is monotone (``increasing`` says which way): one root in [log lo, log hi]
    root = optimize.brentq(lambda u: f(float(np.exp(u))) - target, a, b, xtol=1e-15,
                           rtol=4 * np.finfo(float).eps)
    return float(np.exp(root))


def _e0_path(inputs: PopulationInputs, targets: dict[int, float]) -> np.ndarray:
    """Target e0 (both sexes) of each year: linear from the first year's own value."""
    years = inputs.years
    first = int(years[0])
    bad = [y for y in targets if y <= first]
    if bad:
        raise AssumptionError("a life-expectancy target is not after the first year",
                              location="frame.population.targets.life_expectancy",
                              value=bad, expected=f"years after {first}")
    own = _e0_both(inputs.mortality[0], inputs.srb[0])
    xs = [first] + sorted(targets)
    ys = [own] + [targets[y] for y in sorted(targets)]
    path = np.interp(years, xs, ys)
    path[years > xs[-1]] = np.nan  # after the last target the multiplier is held
    return path


def follow_targets(inputs: PopulationInputs,
                   targets: "PopulationTargets") -> tuple[PopulationInputs, TargetsResult]:
    """Move mortality and fertility of ``inputs`` to meet ``targets`` (module docstring).

    Target years after the last year of ``inputs`` cannot be met: extend the inputs
    first (:func:`project_population` does).
    """
    T = inputs.n_years
    years = inputs.years
    last = int(years[-1])
    q = inputs.mortality.copy()
    k_mort = np.ones(T)
    rows: list[tuple[int, str, float, float]] = []
    if targets.life_expectancy:
        path = _e0_path(inputs, {int(y): float(v) for y, v in targets.life_expectancy.items()})
        for t in range(T):
            if np.isnan(path[t]):
                k_mort[t] = k_mort[t - 1]
            elif t > 0:
                base_q = inputs.mortality[t]
                k_mort[t] = _root_log(
                    lambda k: _e0_both(1.0 - (1.0 - base_q) ** k, inputs.srb[t]), float(path[t]),
                    1e-3, 10.0, increasing=False, what=f"life expectancy {path[t]:.2f} in {years[t]}",
                )
            q[t] = 1.0 - (1.0 - inputs.mortality[t]) ** k_mort[t]
        for y, v in sorted(targets.life_expectancy.items()):
            if y <= last:
                rows.append((int(y), "life expectancy at birth, both sexes",
                             float(v), _e0_both(q[y - years[0]], inputs.srb[y - years[0]])))
    moved = inputs.replace(mortality=q)
    # Fertility: one multiplier per interval up to each population target year (solved in
    # turn, the earlier ones fixed), the last held. A multiplier ramping linearly from 1
    # was tried: it meets the targets too, but swings (0.58, 1.07, 0.44 at the national
    # targets) where the piecewise-constant one moves steadily (0.79, 0.85, 0.74).
    k_fert = np.ones(T)
    start = 0
    for y in sorted(int(y) for y in targets.population):
        if y > last:
            continue
        if y < years[0]:
            raise AssumptionError("a population target is before the first year",
                                  location="frame.population.targets.population", value=y,
                                  expected=f"years from {years[0]}")
        end = y - int(years[0]) + 1
        goal = float(targets.population[y])

        def total(k: float, start: int = start, end: int = end) -> float:
            f = k_fert.copy()
            f[start:] = k
            fert = inputs.fertility * f[:, None]
            return float(project(moved.replace(fertility=fert).head(end)).population[end].sum())

        k = _root_log(total, goal, 0.05, 5.0, increasing=True, what=f"population {goal:,.0f} in {y}")
        rows.append((y, "population on 31 December", goal, total(k)))
        k_fert[start:] = k  # held after the last target
        start = end
    fert = inputs.fertility * k_fert[:, None]
    result = TargetsResult(
        mortality_factor=k_mort, fertility_factor=k_fert,
        table=pd.DataFrame(rows, columns=["year", "measure", "target", "achieved"]),
    )
    return moved.replace(fertility=fert), result


# ---------------------------------------------------------------------- comparisons
#: Required agreement with WPP 2024's medium variant (issue 3), relative, every year to 2100.
WPP_TOLERANCES = {"population": 0.015, "births": 0.035, "deaths": 0.035}


def wpp_comparison(projection: PopulationProjection, wpp: pd.DataFrame | None = None) -> pd.DataFrame:
    """The projection beside WPP 2024, every calendar year both cover (to 2100).

    Columns per measure: ours, ``_wpp`` and ``_diff``: relative for ``population`` (31
    December), ``births`` and ``deaths``; in years for ``e0_M`` and ``e0_F``.
    """
    from actuary.tables.frame import wpp_totals

    w = wpp_totals() if wpp is None else wpp
    s = projection.summary().set_index("year")
    years = [y for y in s.index if y in w.index and np.isfinite(w.loc[y, "pop"])]
    s, w = s.loc[years], w.loc[years]
    out = pd.DataFrame({"year": years})
    for ours, theirs in (("population", "pop"), ("births", "births"), ("deaths", "deaths")):
        out[ours] = s[ours].to_numpy()
        out[f"{ours}_wpp"] = w[theirs].to_numpy()
        out[f"{ours}_diff"] = out[ours] / out[f"{ours}_wpp"] - 1.0
    for sex in ("M", "F"):
        out[f"e0_{sex}"] = s[f"e0_{sex}"].to_numpy()
        out[f"e0_{sex}_wpp"] = w[f"e0_{sex}"].to_numpy()
        out[f"e0_{sex}_diff"] = out[f"e0_{sex}"] - out[f"e0_{sex}_wpp"]
    return out


def largest_deviations(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per measure: the largest absolute deviation, its year, the tolerance, pass or fail."""
    rows = []
    for measure in ("population", "births", "deaths", "e0_M", "e0_F"):
        d = comparison[f"{measure}_diff"].abs()
        i = int(d.idxmax())
        tol = WPP_TOLERANCES.get(measure)
        rows.append({
            "measure": measure, "max_abs_diff": float(d.loc[i]),
            "year": int(comparison.loc[i, "year"]),
            "signed_diff": float(comparison.loc[i, f"{measure}_diff"]),
            "unit": "relative" if tol is not None else "years",
            "tolerance": tol, "within": None if tol is None else bool(d.loc[i] <= tol),
        })
    return pd.DataFrame(rows)


#: The national projection quoted by the policy framework 2024-2035 (the seed of this
#: project; SCHEMES.md section 5). Life expectancy: "82 by 2030 and 86.6 by 2050" (which
#: measure and which sexes is not said).
NATIONAL_FIGURES = pd.DataFrame({
    "year": [2030, 2040, 2050],
    "population": [18.7e6, 20.6e6, 21.7e6],
    "share_60_plus": [0.127, 0.161, 0.232],
    "e0_B": [82.0, np.nan, 86.6],
})
NATIONAL_SOURCE = (
    "National social protection policy framework 2024-2035 (seed of this project), quoting a "
    "national census-based projection; see ../shared/cambodia/SCHEMES.md section 5"
)


def national_comparison(projection: PopulationProjection) -> pd.DataFrame:
    """Rows ``year, measure, national, projection, difference`` for the national figures
    in the projection's years (population on 31 December; e0 of both sexes)."""
    s = projection.summary().set_index("year")
    rows = []
    for _, fig in NATIONAL_FIGURES.iterrows():
        y = int(fig["year"])
        if y not in s.index:
            continue
        for measure in ("population", "share_60_plus", "e0_B"):
            if np.isfinite(fig[measure]):
                ours = float(s.loc[y, measure])
                rel = measure == "population"
                rows.append({"year": y, "measure": measure, "national": float(fig[measure]),
                             "projection": ours,
                             "difference": ours / fig[measure] - 1.0 if rel else ours - fig[measure],
                             "difference_unit": "relative" if rel else
                             ("share points" if measure == "share_60_plus" else "years")})
    return pd.DataFrame(rows, columns=["year", "measure", "national", "projection", "difference",
                                       "difference_unit"])


# ---------------------------------------------------------------------- the national projection
@dataclass(frozen=True)
class NationalProjection:
    """The national population projection of an assumption set's frame."""

    projection: PopulationProjection
    calibration: BaseCalibration | None
    targets: TargetsResult | None

    def tables(self) -> dict[str, pd.DataFrame]:
        """Tidy frames: ``population_summary``, ``population_by_age``, ``calibration``,
        ``wpp_comparison``, ``wpp_deviations``, ``national_comparison``, ``targets``."""
        comp = wpp_comparison(self.projection)
        out = {
            "population_summary": self.projection.summary(),
            "population_by_age": self.projection.by_age(),
            "calibration": self.calibration.frame() if self.calibration is not None
            else pd.DataFrame(columns=["item", "value", "note"]),
            "wpp_comparison": comp,
            "wpp_deviations": largest_deviations(comp) if len(comp) else pd.DataFrame(),
            "national_comparison": national_comparison(self.projection),
        }
        if self.targets is not None:
            factors = pd.DataFrame({"year": self.projection.years,
                                    "mortality_factor": self.targets.mortality_factor[: len(self.projection.years)],
                                    "fertility_factor": self.targets.fertility_factor[: len(self.projection.years)]})
            out["targets"] = self.targets.table
            out["target_factors"] = factors
        return out


def project_population(aset: "AssumptionSet", to_year: int = 2100) -> NationalProjection:
    """Project the national population of ``aset``'s frame to 31 December ``to_year``.

    Steps: inputs from the tables; calibration of the base (if the set asks for it);
    the scenario's targets (if any; the inputs are built to the last target year when
    it is after ``to_year``, then cut); the projection.
    """
    fr = aset.frame.population if aset.frame is not None else None
    if fr is None:
        from actuary.frame.population import frame_section

        frame_section(aset)  # raises the error naming the missing section
    target_years = []
    if fr.targets is not None:
        target_years = [*fr.targets.life_expectancy, *fr.targets.population]
    horizon = max([int(to_year), *target_years])
    inputs = inputs_from_basis(aset, horizon)
    calibration = None
    if fr.calibration is not None:
        c = fr.calibration
        inputs, calibration = calibrate_base(inputs, c.year, c.births, c.deaths,
                                             tuple(c.women_ages), c.old_from)
    targets = None
    if fr.targets is not None:
        inputs, targets = follow_targets(inputs, fr.targets)
    keep = int(to_year) - inputs.first_year + 1
    return NationalProjection(projection=project(inputs.head(keep)), calibration=calibration,
                              targets=targets)
