"""Checks of a solve request (:mod:`actuary.studies.solve`), made before any projection:
the options alone (:func:`check_options`), the lever's range against the basis
(:func:`lever_bounds`, :func:`check_bounds`) and whether the target applies to how the scheme
is financed (:func:`check_financing`). Every refusal is an
:class:`~actuary.io.errors.AssumptionError` naming the option, the value and what is accepted.
"""

from __future__ import annotations

import math

import numpy as np

from actuary.assumptions.base import Bounds
from actuary.engine.basis import Basis
from actuary.engine.state import N_AGE
from actuary.io.errors import AssumptionError

__all__ = ["LEVERS", "TARGETS", "GAP_YEARS", "STEADY_STATE_YEARS", "STEPPED", "check_options",
           "check_bounds", "lever_bounds", "check_financing", "budget_financed"]

LEVERS = ("rate", "rate_path", "pension_age", "accrual", "ceiling")
TARGETS = ("gap", "reserve_ratio", "no_depletion", "steady_state")
#: The GAP target's horizon when none is given (projection years).
GAP_YEARS = 75
#: The steady-state target compares the reserve ratios of years 10 and 60.
STEADY_STATE_YEARS = 60
#: Levers measured in steps of ``period`` years (``period`` means nothing to the others).
STEPPED = ("rate_path", "pension_age")


def _option(name: str) -> str:
    """A lever's or target's name as the command line spells it (``rate_path``: ``rate-path``)."""
    return name.replace("_", "-")


# ------------------------------------------------------------------ checks of a request

def check_options(lever: str, target: str, *, period: int | None = None,
                  years: int | None = None, until: int | None = None,
                  ratio: float | None = None, horizon: int | None = None,
                  bounds: tuple[float, float] | None = None) -> None:
    """Refuse a request that cannot be meant as given, before any basis is built.

    These checks need only the request itself (the checks that need the basis, such as
    the lever's range, are :func:`check_bounds` and :func:`make_target`). An option that
    the solve would ignore or override is refused rather than dropped, so the answer
    always means what the options say.

    Parameters
    ----------
    lever, target, period, years, until, ratio, horizon, bounds
        As for :func:`solve`.

    Raises
    ------
    AssumptionError
        Naming the option(s) in ``field``, the value given and what is accepted.
    """
    if lever not in LEVERS:
        raise AssumptionError("unknown lever", field="lever", value=lever,
                              expected="one of " + ", ".join(LEVERS))
    if target not in TARGETS:
        raise AssumptionError("unknown target", field="target", value=target,
                              expected="one of " + ", ".join(TARGETS))
    if bounds is not None:
        _check_search_range(bounds)
    if period is not None:
        if lever not in STEPPED:
            raise AssumptionError(
                f"--period has no meaning for the {_option(lever)} lever", field="--period",
                value=period, expected="--period only with --lever "
                + " or ".join(_option(n) for n in STEPPED))
        if period < 1:
            raise AssumptionError("the lever's steps must last at least a year",
                                  field="--period", value=period, expected="a whole number >= 1")
    _check_target(target, years, until, ratio, horizon)


def _check_target(target: str, years: int | None, until: int | None, ratio: float | None,
                  horizon: int | None) -> None:
    """The checks of :func:`check_options` on the target's options (shared with
    :func:`make_target`)."""
    if ratio is not None:
        if target != "reserve_ratio":
            raise AssumptionError(
                f"--ratio has no meaning for the {_option(target)} target", field="--ratio",
                value=ratio, expected="--ratio only with --target reserve-ratio")
        if not (math.isfinite(ratio) and ratio > 0):
            raise AssumptionError("the reserve ratio must be a finite number above 0",
                                  field="--ratio", value=ratio,
                                  expected="a reserve ratio > 0 (reserve / expenditure of a year)")
    if years is not None and until is not None:
        # one horizon, two ways to say it: neither is preferred silently
        raise AssumptionError("give the target's horizon once", field="--years/--until",
                              value=f"{years} / {until}", expected="--years or --until, not both")
    if target == "steady_state" and (years is not None or until is not None):
        raise AssumptionError(
            f"the steady-state target always compares years 10 and {STEADY_STATE_YEARS}",
            field="--years" if years is not None else "--until",
            value=years if years is not None else until,
            expected="no --years or --until with --target steady-state")
    if years is not None and years < 1:
        raise AssumptionError("the target's horizon must be at least a year", field="--years",
                              value=years, expected="a whole number of projection years >= 1")
    if horizon is None:
        return
    if years is not None and years > horizon:
        raise AssumptionError("the target's horizon is longer than the projection",
                              field="--years/--horizon", value=f"{years} / {horizon}",
                              expected="--years at most --horizon")
    if target == "gap" and years is None and until is None and horizon < GAP_YEARS:
        # the default would be shortened to the projection: a GAP over another horizon
        # than asked for, e.g. over one year for --horizon 1
        raise AssumptionError(
            f"--horizon is shorter than the GAP target's default {GAP_YEARS} years",
            field="--horizon", value=horizon,
            expected=f"--years (at most {horizon}) for a shorter GAP, or --horizon of at "
                     f"least {GAP_YEARS}")
    if target == "steady_state" and horizon < STEADY_STATE_YEARS:
        raise AssumptionError(
            f"the steady-state target needs {STEADY_STATE_YEARS} projection years",
            field="--horizon", value=horizon,
            expected=f"--horizon of at least {STEADY_STATE_YEARS}")


def _check_search_range(bounds: tuple[float, float]) -> None:
    """Refuse ends of the search range that are not finite or not in order."""
    lo, hi = bounds
    for option, v in (("--min", lo), ("--max", hi)):
        if not math.isfinite(v):
            raise AssumptionError("the ends of the search range must be finite numbers",
                                  field=option, value=v, expected="a finite number")
    if not lo < hi:
        # an inverted range is more likely a slip than a wish to swap the ends
        raise AssumptionError("the search range must run from low to high",
                              field="--min/--max", value=f"{lo:g} / {hi:g}",
                              expected="--min below --max")


def _from(basis: Basis, start_year: int) -> int:
    t0 = int(start_year) - basis.first_year
    if not 0 <= t0 < basis.n_years:
        raise AssumptionError("the lever's first year is outside the projection",
                              field="--from", value=start_year,
                              expected=f"{basis.first_year} to {basis.first_year + basis.n_years - 1}")
    return t0


def lever_bounds(name: str, basis: Basis, start_year: int) -> tuple[Bounds, bool]:
    """The values lever ``name`` may take from ``start_year``, and whether only whole ones.

    Rates, rate steps and accrual rates are fractions; the ceiling, KHR a month, must not
    fall below the wage floor (the kernel would then cap wages below the floor they are
    raised to) and must be above 0 (the kernel reads a ceiling of 0 or less as none); the
    pension age lever only raises the age, one whole year at a time, at most to the
    oldest age of the projection.
    """
    t0 = _from(basis, start_year)
    if name == "rate":
        return Bounds("a contribution rate (fraction of the contributory wage)", 0.0, 1.0), False
    if name == "rate_path":
        return Bounds("a rise of the rate per step (fraction of the contributory wage)",
                      0.0, 1.0), False
    if name == "accrual":
        return Bounds("an accrual rate (fraction per year of service)", 0.0, 1.0), False
    if name == "pension_age":
        now = int(basis.pension_age[t0])
        return Bounds(f"a whole pension age, not below that of {start_year},",
                      float(now), float(N_AGE - 1)), True
    if name == "ceiling":
        floor_m = float(basis.wage_floor[t0]) / 12.0
        if floor_m > 0:
            return Bounds(f"a ceiling in KHR a month, not below the wage floor of {start_year}",
                          floor_m), False
        return Bounds("a ceiling in KHR a month", 0.0, lo_open=True), False
    raise AssumptionError("unknown lever", field="lever", value=name,
                          expected="one of " + ", ".join(LEVERS))


def check_bounds(name: str, basis: Basis, start_year: int,
                 bounds: tuple[float, float] | None) -> None:
    """Refuse a search range (``--min``, ``--max``) the lever cannot take.

    Raises
    ------
    AssumptionError
        An end not finite, not below the other, or outside :func:`lever_bounds`.
    """
    allowed, whole = lever_bounds(name, basis, start_year)
    if bounds is None:
        return
    _check_search_range(bounds)
    for option, v in zip(("--min", "--max"), bounds):
        if not allowed.contains(v) or (whole and not float(v).is_integer()):
            raise AssumptionError(f"{option} is outside the values of the {_option(name)} lever",
                                  field=option, value=v, expected=allowed.describe())


def budget_financed(basis: Basis) -> bool:
    """True when the scheme has no reserve and collects no contribution in any year:
    it is paid from the budget (its \"reserve\" would only be the debt of its deficits)."""
    collected = basis.contribution_rate * basis.contribution_factor
    return float(basis.start.reserve) == 0.0 and not np.any(collected > 0)


def check_financing(lever: str, target: str, basis: Basis, name: str = "the scheme") -> None:
    """Refuse a target that does not apply to how the scheme is financed.

    A scheme paid from the budget (:func:`budget_financed`) has no reserve: the
    steady-state target compares reserve ratios it does not have (its margin would be
    the difference of two growing debts), and no lever but a contribution rate can give
    it the reserve any target measures.

    Raises
    ------
    AssumptionError
        Naming the target or lever, and what applies instead.
    """
    if not budget_financed(basis):
        return
    why = (f"{name} has no reserve and collects no contributions: it is paid from the "
           "budget")
    if target == "steady_state":
        raise AssumptionError(
            f"{why}, so it has no reserve ratio to hold steady (Canada's steady-state rate is "
            "for a partly funded scheme)", field="--target", value="steady-state",
            expected="--target gap (the level rate that finances it), no-depletion or "
                     "reserve-ratio with --lever rate or rate-path")
    if lever not in ("rate", "rate_path"):
        raise AssumptionError(
            f"{why}; moving the {_option(lever)} cannot build the reserve the "
            f"{_option(target)} target measures", field="--lever", value=_option(lever),
            expected="--lever rate or rate-path (contributions), or the budget cost of "
                     "actuary compare")
