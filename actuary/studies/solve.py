"""Solvers: the value of one lever that meets a financial target.

A *lever* changes the projection's inputs from a calendar year on; a *target* is a
condition on the projected cash flows, written as a margin ``m`` that is non-negative
exactly when the target is met. Every trial value is projected in full (the kernel runs
again: benefits follow the rules, refunds and administrative expenses follow
contributions), so the answer is the lever's value in the projection itself, not in a
linear approximation of it.

Levers (``start``: the first calendar year changed; earlier years keep the basis):

``rate``
    a level contribution rate from ``start`` (fraction of the contributory wage).
``rate_path``
    a rate path by periods: from ``start`` the rate rises by the value every ``period``
    years, starting from the legislated rate of the year before ``start`` (``r + v`` in
    the first period, ``r + 2v`` in the second, ...; at most 100%).
``pension_age``
    the final pension age of a path rising by one year every ``period`` years from
    ``start`` (a whole number of years). Invalidity and exit apply below the pension age
    of each year, as the basis builder sets them.
``accrual``
    the accrual rate for pensions awarded from ``start`` (fraction per year of service).
``ceiling``
    the contributory wage ceiling in ``start``, KHR per month; afterwards it moves as the
    basis's ceiling does.

Targets (``n`` projection years, ``k`` a reserve ratio; ``F_t`` reserves, ``B_t``
expenditure, ``S_t`` the earnings contributions are collected on, ``v, u`` the discount
factors of :mod:`actuary.analysis.indicators`):

``gap`` over n years
    the contributions cover the general average premium over years 1..n:
    ``m = v_n F_n / sum_{t<=n} u_t S_t >= 0`` (by the roll-forward identity
    ``v_n F_n = F_0 + sum u (C - B)``); for the ``rate`` lever from the first year the
    answer is the GAP itself.
``reserve_ratio`` at least k until year n
    ``m = min_{t<=n} (F_t / B_t - k)`` (years with no expenditure are skipped).
``no_depletion`` until year n
    ``m = min_{t<=n} F_t / S_t`` (the reserve never negative).
``steady_state``
    Canada's steady-state condition: the reserve ratio of year 60 at least that of year
    10, with no year of deficit on the way: ``m = min(F_60/B_60 - F_10/B_10, min_{t<=60}
    F_t/B_t)``. Equal ratios that are both negative (a scheme whose reserve is a growing
    debt) do not meet it; for the ``rate`` lever the answer is the lowest constant rate
    meeting both conditions, which is Canada's steady-state rate whenever that rate keeps
    the reserve positive.

Targets that do not apply to the financing are refused before any projection
(:func:`check_financing`): a scheme with no reserve that collects no contributions (paid
from the budget) has no reserve ratio to hold steady, and no lever but the rate can give
it a reserve. After a solve, :attr:`SolveResult.deficit_years` lists the years within the
target's horizon in which the reserve is negative (the GAP balances present values, and
a GAP solution may still run deficits the budget would cover).

The search: both ends of the lever's range are projected; the margin's sign there says
which side meets the target (a lever may help or hurt). The crossing is then bracketed
and narrowed by the Illinois variant of regula falsi (bisection for whole-number levers
when regula falsi stalls), always keeping a value that meets the target; the answer is
that value, so re-projecting it meets the target by construction. It stops when the
bracket is narrower than the lever's tolerance (rates 1e-6, a rate step or an accrual
rate 1e-7, the ceiling 1 KHR, the pension age one year) or the margin is in
``[0, 1e-10]`` (a trial missing by less than 1e-9 is followed by one step of 1% of the
tolerance to the side that meets the target), and never takes more than
:data:`MAX_PROJECTIONS` projections.

Accepted values (checked by :func:`check_options` and :func:`check_bounds` of
:mod:`actuary.studies.solve_checks` before any projection; a mistake is an
:class:`~actuary.io.errors.AssumptionError` naming the option):
the search range is finite with ``min < max``; rates, rate steps and accrual rates are
fractions in [0, 1]; the ceiling is at least the wage floor of ``start`` and above 0,
KHR a month; pension ages are whole years from the pension age of ``start`` (the lever
only raises it) to the oldest age of the projection; a reserve ratio is finite and
above 0. Options that would be ignored or overridden are refused rather than dropped:
``period`` with a lever that has no steps, ``ratio`` with a target other than
``reserve_ratio``, ``years`` with ``until``, a horizon with ``steady_state``, and a
``horizon`` shorter than the GAP target's default 75 years when no horizon of the
target is given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from actuary.analysis import indicators as ind
from actuary.engine.basis import Basis
from actuary.io.errors import AssumptionError
from actuary.engine.projection import Projection, project
from actuary.engine.state import N_AGE
# the checks of a request, re-exported: callers import them from here
from actuary.studies.solve_checks import (GAP_YEARS, LEVERS, STEADY_STATE_YEARS, TARGETS,
                                          _check_target, _from, budget_financed, check_bounds,
                                          check_financing, check_options, lever_bounds)

__all__ = ["LEVERS", "TARGETS", "MAX_PROJECTIONS", "GAP_YEARS", "STEADY_STATE_YEARS", "Lever",
           "Target", "SolveResult", "check_options", "check_bounds", "check_financing",
           "budget_financed", "lever_bounds",
           "make_lever", "make_target", "solve", "solve_basis"]

MAX_PROJECTIONS = 60
#: A margin in [0, TIGHT] ends the search: the target is met with nothing to spare.
TIGHT = 1e-10
#: A trial missing the target by less than this is an exact root to rounding: the search
#: tries a step of 1% of the lever's tolerance to the side that meets the target.
NEAR = 1e-9


# ------------------------------------------------------------------------------ levers

@dataclass(frozen=True)
class Lever:
    """One lever: how a value changes the basis, its range and its tolerance.

    ``apply(basis, value)`` returns the changed basis; ``lo, hi`` bound the search;
    ``tol`` is the width at which the search stops; ``integer`` levers take whole values.
    """

    name: str
    start_year: int
    lo: float
    hi: float
    tol: float
    apply: Callable[[Basis, float], Basis]
    integer: bool = False
    unit: str = "fraction"
    period: int = 0

    def describe(self, value: float) -> str:
        """The value in words with its unit."""
        if self.name in ("rate", "accrual"):
            what = "contribution rate" if self.name == "rate" else "accrual rate"
            return f"{what} {100 * value:.4f}% from {self.start_year}"
        if self.name == "rate_path":
            return (f"contribution rate +{100 * value:.4f} points every {self.period} years "
                    f"from {self.start_year}")
        if self.name == "pension_age":
            return (f"pension age rising by one year every {self.period} years from "
                    f"{self.start_year} to {int(value)}")
        return f"contribution ceiling {value:,.0f} KHR a month from {self.start_year}"


def make_lever(name: str, basis: Basis, start_year: int | None = None, period: int | None = None,
               unmasked: tuple[np.ndarray, np.ndarray] | None = None,
               bounds: tuple[float, float] | None = None) -> Lever:
    """A lever acting on ``basis`` from ``start_year`` (default: the first year).

    ``unmasked`` is ``(invalidity, exit)`` before the basis builder zeroed them at and
    above the pension age (needed by the ``pension_age`` lever to raise the age; see
    :func:`solve`). ``bounds`` overrides the default search range; it must lie within
    the lever's values (:func:`check_bounds`).
    """
    start = basis.first_year if start_year is None else int(start_year)
    t0 = _from(basis, start)
    check_bounds(name, basis, start, bounds)
    years = basis.years
    if name == "rate":
        def apply(b: Basis, v: float) -> Basis:
            rate = b.contribution_rate.copy()
            rate[t0:] = v
            return b.with_(contribution_rate=rate)
        lo, hi = bounds or (0.0, 1.0)
        return Lever(name, start, lo, hi, 1e-6, apply)
    if name == "rate_path":
        per = int(period or 10)
        base_rate = float(basis.contribution_rate[t0 - 1 if t0 > 0 else 0])
        steps = 1.0 + np.floor((years[t0:] - start) / per)

        def apply(b: Basis, v: float) -> Basis:
            rate = b.contribution_rate.copy()
            rate[t0:] = np.minimum(base_rate + steps * v, 1.0)
            return b.with_(contribution_rate=rate)
        lo, hi = bounds or (0.0, 0.1)
        return Lever(name, start, lo, hi, 1e-7, apply, period=per)
    if name == "pension_age":
        if unmasked is None:
            raise ValueError("the pension_age lever needs the unmasked invalidity and exit rates")
        per = int(period or 2)
        now = int(basis.pension_age[t0])
        inv, ext = unmasked
        ages = np.arange(inv.shape[2])

        def apply(b: Basis, v: float) -> Basis:
            target = int(round(v))
            pa = b.pension_age.copy()
            rise = np.minimum(now + 1 + np.floor((years[t0:] - start) / per), target)
            pa[t0:] = np.maximum(rise, now).astype(np.int64)
            below = ages[None, None, :] < pa[:, None, None]
            return b.with_(pension_age=pa, invalidity=inv * below, exit=ext * below)
        lo, hi = bounds or (float(now), float(min(now + 10, N_AGE - 1)))
        return Lever(name, start, lo, hi, 1.0, apply, integer=True, unit="years", period=per)
    if name == "accrual":
        def apply(b: Basis, v: float) -> Basis:
            acc = b.accrual_rate.copy()
            acc[t0:] = v
            return b.with_(accrual_rate=acc)
        lo, hi = bounds or (0.0, 0.05)
        return Lever(name, start, lo, hi, 1e-7, apply, unit="fraction per year of service")
    if name == "ceiling":
        path = basis.wage_ceiling.copy()
        if path[t0] <= 0:
            raise AssumptionError("the scheme has no contribution ceiling to move",
                                  location="scheme.parameters.wage_ceiling", value=0,
                                  expected="a positive ceiling")
        floor_m = float(basis.wage_floor[t0]) / 12.0
        now_m = float(path[t0]) / 12.0

        def apply(b: Basis, v: float) -> Basis:
            c = b.wage_ceiling.copy()
            c[t0:] = path[t0:] * (12.0 * v / path[t0])
            return b.with_(wage_ceiling=c)
        lo, hi = bounds or (max(floor_m, 1.0), 10.0 * now_m)
        return Lever(name, start, lo, hi, 1.0, apply, unit="KHR per month")
    raise AssumptionError("unknown lever", field="lever", value=name,
                          expected="one of " + ", ".join(LEVERS))


# ----------------------------------------------------------------------------- targets

@dataclass(frozen=True)
class Target:
    """A target: its kind, horizon (projection years) and reserve ratio."""

    kind: str
    years: int = 75
    ratio: float = 0.0

    def describe(self, first_year: int) -> str:
        last = first_year + self.years - 1
        if self.kind == "gap":
            return f"contributions cover the GAP over {self.years} years ({first_year}-{last})"
        if self.kind == "reserve_ratio":
            return f"reserve ratio at least {self.ratio:g} every year until {last}"
        if self.kind == "no_depletion":
            return f"no depletion of the reserve until {last}"
        return "steady state: reserve ratio of year 60 at least that of year 10"

    def margin(self, cf: ind.CashFlows) -> float:
        """The margin of the target on cash flows ``cf`` (>= 0: met); see the module docstring."""
        n = self.years
        f = ind.reserve_path(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
        if self.kind == "gap":
            v, u = ind.discount_factors(cf.interest[:n])
            return float(v[-1] * f[n - 1] / np.sum(u * cf.collected_earnings[:n]))
        if self.kind == "reserve_ratio":
            b = cf.expenditure[:n]
            ok = b > 0
            if not ok.any():
                return math.inf
            return float(np.min(f[:n][ok] / b[ok]) - self.ratio)
        if self.kind == "no_depletion":
            s = cf.earnings[:n]
            ok = s > 0
            return float(np.min(f[:n][ok] / s[ok])) if ok.any() else float(np.min(f[:n]))
        b = cf.expenditure
        n = STEADY_STATE_YEARS
        ok = b[:n] > 0
        # a year of deficit fails the target whatever the two ratios (years with no
        # expenditure have no ratio and are skipped)
        worst = float(np.min(f[:n][ok] / b[:n][ok])) if ok.any() else 0.0
        return float(min(f[59] / b[59] - f[9] / b[9], worst))


def make_target(kind: str, n_years: int, years: int | None = None, until: int | None = None,
                first_year: int | None = None, ratio: float | None = None) -> Target:
    """A target over ``years`` projection years, or until calendar year ``until``.

    Defaults: the GAP over 75 years; a reserve ratio of 1 and no depletion until the
    last projection year.
    """
    if kind not in TARGETS:
        raise AssumptionError("unknown target", field="target", value=kind,
                              expected="one of " + ", ".join(TARGETS))
    _check_target(kind, years, until, ratio, None)
    if until is not None:
        last = int(first_year) + n_years - 1
        if not int(first_year) <= int(until) <= last:
            raise AssumptionError("the target's last year is outside the projection",
                                  field="--until", value=until,
                                  expected=f"a calendar year from {first_year} to {last}")
        years = int(until) - int(first_year) + 1
    if kind == "steady_state":
        if n_years < STEADY_STATE_YEARS:
            raise AssumptionError(
                f"the steady-state target needs {STEADY_STATE_YEARS} projection years",
                field="--horizon", value=n_years,
                expected=f"a horizon of at least {STEADY_STATE_YEARS} years")
        years = STEADY_STATE_YEARS
    elif years is None:
        # a set projecting fewer years than the GAP's default: its whole horizon (the
        # command line says so; an explicit shorter --horizon is refused by check_options)
        years = min(GAP_YEARS, n_years) if kind == "gap" else n_years
    if not 1 <= years <= n_years:
        raise AssumptionError("the target's horizon is outside the projection", field="--years",
                              value=years, expected=f"1 to {n_years} projection years")
    r = 1.0 if ratio is None and kind == "reserve_ratio" else float(ratio or 0.0)
    return Target(kind, int(years), r)


# ------------------------------------------------------------------------------ search

@dataclass
class SolveResult:
    """The answer of a solve.

    Attributes
    ----------
    value
        The lever's value meeting the target (the feasible end of the final bracket).
    margin
        The target's margin there (>= 0; near 0 unless the target is met at a bound).
    projections
        Projections the search made (at most :data:`MAX_PROJECTIONS`).
    basis, projection
        The basis and projection at ``value``.
    at_bound
        True when the target is already met at the end of the lever's range that
        costs least (the answer is that bound, the margin may be well above 0).
    history
        ``(value, margin)`` of every projection, in order.
    """

    lever: Lever
    target: Target
    value: float
    margin: float
    projections: int
    basis: Basis
    projection: Projection
    at_bound: bool = False
    history: list[tuple[float, float]] = field(default_factory=list)

    @property
    def deficit_years(self) -> list[int]:
        """Calendar years within the target's horizon in which the reserve at the
        solution is negative (the scheme alone, without budget top-ups)."""
        cf = _cash(self.projection)
        f = ind.reserve_path(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
        n = self.target.years
        return [int(y) for y in cf.years[:n][f[:n] < 0]]

    def describe(self) -> str:
        first = self.basis.first_year
        lines = [f"lever:   {self.lever.describe(self.value)}",
                 f"target:  {self.target.describe(first)}",
                 f"margin at the solution: {self.margin:.3e} (>= 0: met)",
                 f"projections: {self.projections}"]
        if self.at_bound:
            lines.append("the target is met at the end of the lever's range (no tighter value)")
        deficit = self.deficit_years
        if deficit:
            lines.append(f"the reserve is negative in {len(deficit)} of the target's years "
                         f"({_spans(deficit)}): the target balances present values, the "
                         "budget would cover those deficits")
        return "\n".join(lines)


def _spans(years: list[int]) -> str:
    """Years as runs: ``2025-2026, 2030``."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in runs)


def _cash(proj: Projection) -> ind.CashFlows:
    from actuary.analysis.valuation import cash_flows

    return cash_flows(proj)


def solve_basis(basis: Basis, lever: Lever, target: Target,
                max_projections: int = MAX_PROJECTIONS) -> SolveResult:
    """Search ``lever``'s range for the value meeting ``target`` (see the module docstring).

    Raises
    ------
    AssumptionError
        When no value in the range meets the target, or the search does not settle
        within ``max_projections`` projections.
    """
    history: list[tuple[float, float]] = []
    cache: dict[float, tuple[float, Basis, Projection]] = {}

    def evaluate(v: float) -> float:
        v = float(round(v)) if lever.integer else float(v)
        if v in cache:
            return cache[v][0]
        if len(history) >= max_projections:
            raise AssumptionError("the solve did not settle", field="projections",
                                  value=len(history), expected=f"at most {max_projections}")
        b = lever.apply(basis, v)
        proj = project(b)
        m = target.margin(_cash(proj))
        if not math.isfinite(m):
            m = -math.inf if m != m else m  # NaN (no expenditure yet ...) counts as not met
        cache[v] = (m, b, proj)
        history.append((v, m))
        return m

    lo, hi = lever.lo, lever.hi
    m_lo, m_hi = evaluate(lo), evaluate(hi)
    if m_lo < 0 and m_hi < 0:
        best = max(history, key=lambda h: h[1])
        raise AssumptionError(
            "no value of the lever in its range meets the target",
            field=lever.name, value=f"{lo:g} to {hi:g} (margins {m_lo:.3g}, {m_hi:.3g})",
            expected=f"a target within reach (best margin {best[1]:.3g} at {best[0]:g})")
    increasing = m_hi >= m_lo
    # the "cheap" end: the least rate, the lowest age, the highest accrual, ...
    cheap, dear = (lo, hi) if increasing else (hi, lo)
    m_cheap, m_dear = (m_lo, m_hi) if increasing else (m_hi, m_lo)
    if m_cheap >= 0:
        value, at_bound = cheap, True
    else:
        a, fa, b, fb = cheap, m_cheap, dear, m_dear  # a fails, b meets
        side = 0
        slow = 0  # Illinois steps in a row that did not halve the bracket
        while abs(b - a) > lever.tol:
            width = abs(b - a)
            if lever.integer:
                mid = float(math.floor((a + b) / 2)) if a < b else float(math.ceil((a + b) / 2))
                if mid in (a, b):
                    break
            elif slow >= 2 or fb == fa:
                mid, slow = 0.5 * (a + b), 0  # safeguard: bisect when regula falsi stalls
            else:
                # Illinois: regula falsi with the stale end's margin halved
                mid = b - fb * (b - a) / (fb - fa)
                if not min(a, b) < mid < max(a, b):
                    mid = 0.5 * (a + b)
            fm = evaluate(mid)
            if -NEAR <= fm < 0 and not lever.integer and len(history) < max_projections:
                # a hair short of an exact root: one small step to the side that meets it
                nudge = mid + 0.01 * lever.tol * (1.0 if b > a else -1.0)
                fn = evaluate(nudge)
                if fn >= 0:
                    b, fb = nudge, fn
                    break
            if fm >= 0:
                b, fb = mid, fm
                if side == 1:
                    fa *= 0.5
                side = 1
            else:
                a, fa = mid, fm
                if side == -1:
                    fb *= 0.5
                side = -1
            slow = slow + 1 if abs(b - a) > 0.5 * width else 0
            if not lever.integer and fb <= TIGHT:
                break  # met, and as tight as the arithmetic allows
        value, at_bound = b, False
    m, b_sol, proj = cache[float(value)]
    return SolveResult(lever=lever, target=target, value=float(value), margin=m,
                       projections=len(history), basis=b_sol, projection=proj,
                       at_bound=at_bound, history=history)


def unmasked_rates(aset: Any, population: Any, horizon: int | None = None,
                   entrants: dict | None = None, up_to: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """Invalidity and exit rates of actives before the builder zeroes them at and above
    the pension age, for ages below ``up_to`` (a basis built with that pension age)."""
    from actuary.engine.build import build_basis
    from actuary.analysis.sensitivity import overlay

    p = aset.scheme.parameters.pension_age
    high = overlay(aset, {"scheme.parameters.pension_age.values":
                          {d.isoformat(): up_to for d in p.values}}, f"{aset.name} (ages open)")
    b = build_basis(high, population, horizon, entrants=entrants)
    return b.invalidity, b.exit


def solve(aset: Any, population: Any, lever: str, target: str, *, start_year: int | None = None,
          period: int | None = None, years: int | None = None, until: int | None = None,
          ratio: float | None = None, horizon: int | None = None,
          bounds: tuple[float, float] | None = None, basis: Basis | None = None) -> SolveResult:
    """Solve one lever against one target for an assumption set and population.

    Parameters
    ----------
    aset, population
        The loaded set and starting population.
    lever, target
        Names from :data:`LEVERS` and :data:`TARGETS`.
    start_year, period
        The lever's first calendar year (default: the first projection year) and the
        length of its steps (``rate_path``: 10 years; ``pension_age``: 2).
    years, until, ratio
        The target's horizon (projection years, or the last calendar year) and reserve
        ratio (``reserve_ratio``; default 1).
    horizon
        Projection years (default the set's).
    bounds
        The lever's search range (defaults in :func:`make_lever`).
    basis
        A basis already built from ``aset`` and ``population`` (else built here).

    Raises
    ------
    AssumptionError
        A request refused by :func:`check_options`, :func:`check_bounds` or
        :func:`make_target` (before any projection), or a target out of reach.
    """
    from actuary.engine.build import build_basis

    check_options(lever, target, period=period, years=years, until=until, ratio=ratio,
                  horizon=horizon, bounds=bounds)
    b = basis or build_basis(aset, population, horizon)
    start = b.first_year if start_year is None else int(start_year)
    # the checks that need the basis, before the pension age lever builds a second one
    check_bounds(lever, b, start, bounds)
    check_financing(lever, target, b, getattr(aset, "name", "the scheme"))
    tg = make_target(target, b.n_years, years, until, b.first_year, ratio)
    unmasked = None
    if lever == "pension_age":
        # rates open up to one year above the highest age tried, and no further than the
        # oldest age of the projection (an assumption set's ages stop there)
        top = int((bounds or (0, int(b.pension_age.max()) + 10))[1]) + 1
        unmasked = unmasked_rates(aset, population, b.n_years,
                                  {"target_actives": b.target_actives,
                                   "entrant_distribution": b.entrant_distribution},
                                  min(top, N_AGE - 1))
    lv = make_lever(lever, b, start, period, unmasked, bounds)
    return solve_basis(b, lv, tg)
