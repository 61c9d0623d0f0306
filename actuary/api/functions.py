"""The functions a Python user starts from: sets or names in, pandas-friendly results out."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Sequence

from actuary.assumptions import AssumptionSet
from actuary.assumptions import load_basis as _load_basis

from .results import Valuation

__all__ = ["load_basis", "valuate", "compare", "solve", "stochastic", "value_members",
           "population_frame"]

SetLike = AssumptionSet | str | Path | None


def load_basis(name_or_path: str | Path | None = None) -> AssumptionSet:
    """An assumption set, validated: a shipped name (``"cambodia-default"``, a scenario such
    as ``"accrual-1.75"``), a YAML file, or None for the built-in default.

    Change it in memory with :meth:`AssumptionSet.override`, which takes the keys of an
    overlay file and returns a new set.
    """
    return _load_basis(name_or_path)


def _as_set(basis: SetLike) -> AssumptionSet:
    return basis if isinstance(basis, AssumptionSet) else _load_basis(basis)


def valuate(basis: SetLike = None, population: str | Path | None = None, *,
            horizon: int | None = None, sensitivities: bool = True,
            progress: Callable[[str], None] | None = None) -> Valuation:
    """Value a scheme: project, compute the indicators, the implicit pension debt and (by
    default) the sensitivity and stress tests.

    Parameters
    ----------
    basis
        An :class:`AssumptionSet` (e.g. from :func:`load_basis` or ``override``), a
        shipped name or a YAML file; None for ``cambodia-default``.
    population
        A starting-population file (CSV or XLSX with its YAML sidecar); by default the
        one the set names.
    horizon
        Projection years (default the set's, 100).
    sensitivities
        Run the one-at-a-time sensitivities and stresses (a few seconds).
    progress
        Called with a short message at each step.

    Returns
    -------
    Valuation
        Frames indexed by calendar year, ``summary`` as a Series, ``plot``.
    """
    from actuary.analysis.valuation import valuate as _valuate

    return Valuation(_valuate(_as_set(basis), population, horizon, sensitivities=sensitivities,
                              progress=progress, command="actuary.api.valuate"))


def compare(scenarios: Sequence[SetLike], *, horizon: int | None = None) -> Any:
    """Value every scenario (the first is the base) and tabulate their indicators.

    ``scenarios`` are sets (loaded or overridden in memory), shipped names, set files or
    design files (public-sector and multi-tier designs). Returns the
    :class:`~actuary.studies.compare.Comparison`: ``.table`` (one row per indicator, a
    column per scenario and its change from the base) and ``.scenarios``.
    """
    from actuary.studies.compare import compare as _compare

    return _compare(list(scenarios), horizon, command="actuary.api.compare")


def solve(basis: SetLike = None, *, lever: str, target: str, population: str | Path | None = None,
          **options: Any) -> Any:
    """The value of one lever (``rate``, ``rate_path``, ``pension_age``, ...) that meets one
    target (``gap``, ``no_depletion``, ``reserve_ratio``, ``steady_state``).

    ``options`` are those of :func:`actuary.studies.solve.solve` (``start_year``,
    ``period``, ``years``, ``until``, ``ratio``, ``horizon``, ``bounds``). Returns its
    :class:`~actuary.studies.solve.SolveResult`.
    """
    from actuary.analysis.valuation import load_population
    from actuary.studies.solve import solve as _solve

    aset = _as_set(basis)
    return _solve(aset, load_population(aset, population), lever, target, **options)


def stochastic(basis: SetLike = None, *, scenarios: int = 1000, seed: int = 1,
               economic_only: bool = False, population: str | Path | None = None,
               horizon: int | None = None, batch_size: int = 250, threads: int = 1,
               client: Any = None) -> Any:
    """Stochastic projection of a set: economic (and, by default, demographic) scenarios
    around its deterministic paths, from one seed.

    Returns the :class:`~actuary.studies.stochastic.run.StochasticRun`: ``.percentiles``
    (year, indicator, percentile, value), ``.depletion`` (year, rate path, cumulative
    probability), ``.headline()``. Results depend only on ``seed`` and ``scenarios``, not
    on ``batch_size``, ``threads`` or a dask ``client`` running the batches.
    """
    from actuary.studies.stochastic import run_stochastic

    return run_stochastic(_as_set(basis), population, horizon, scenarios=scenarios, seed=seed,
                          mode="economic" if economic_only else "full", batch_size=batch_size,
                          threads=threads, client=client)


def value_members(members: str | Path, pensioners: str | Path | None = None, *,
                  basis: SetLike = None, discount: float | None = None,
                  horizon: int | None = None) -> Any:
    """Value a member file as a closed group, member by member (ADL, PVFB, PVFC in KHR).

    The files are checked as ``actuary data check`` checks them (rejected rows are left
    out and counted in ``.check``). ``discount`` is a constant annual rate (a fraction);
    by default the set's projected return. Returns the run of
    :func:`actuary.members.closed_group.value_check_result`: ``.valuation.by_member``
    (one row per member) and ``.valuation.totals``.
    """
    from actuary.members.closed_group import value_check_result
    from actuary.members.datacheck import CheckSettings, check_files

    aset = _as_set(basis)
    checked = check_files(members, CheckSettings.from_basis(aset, None), pensioners=pensioners)
    return value_check_result(checked, aset, discount, horizon)


def population_frame(basis: SetLike = None, to_year: int = 2100) -> Any:
    """The demographic and economic frame of a set: national population, labour force,
    coverage and economy by year, to ``to_year``. Its ``.tables()`` are tidy frames."""
    from actuary.frame.build import build_frame
    from actuary.frame.population import load_frame_basis

    aset = basis if isinstance(basis, AssumptionSet) else load_frame_basis(basis)
    return build_frame(aset, to_year)
