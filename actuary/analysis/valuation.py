"""The valuation: an assumption set and a starting population through to indicators.

:func:`valuate` is the main job of the toolkit. It loads and checks the inputs, builds
the basis, projects the scheme (open group), computes the indicators of DESIGN §6 and
the sensitivities, and returns a :class:`ValuationResult` of plain pandas frames that the
workbook writer and the CLI present.
"""

from __future__ import annotations

import importlib.metadata
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from actuary import __version__
from actuary.analysis import indicators as ind
from actuary.assumptions import AssumptionSet, load_basis
from actuary.engine.basis import Basis
from actuary.engine.build import build_basis
from actuary.analysis.results import (
    GAP_HORIZONS,
    ValuationResult,
    by_sex_frame,
    cash_flows,
    summary_indicators,
    yearly_frame,
)
from actuary.analysis.careers import (
    ILO_C102_MINIMUM,
    CareerBeyondHorizon,
    CareerResult,
    ModelCareer,
    run_career,
)
from actuary.io import forked
from actuary.io.errors import AssumptionError
from actuary.io.fileio import sha256_of
from actuary.io.progress import Progress, waiting
from actuary.engine.projection import project
from actuary.engine.starting import StartingPopulation, read_starting_population, shipped_population_path
from actuary.engine.state import SEXES

__all__ = ["ValuationResult", "valuate", "run_valuation", "GAP_HORIZONS", "cash_flows"]



def minimum_wage(aset: AssumptionSet) -> tuple[float, str]:
    """The minimum wage in the first projection year, KHR per month, and what it is.

    The garment-sector minimum wage of the frame (USD, converted at the exchange rate
    and moved to the first year with wage growth) when the set has one; otherwise the
    contributory wage floor.
    """
    frame = getattr(aset, "frame", None)
    economy = getattr(frame, "economy", None) if frame is not None else None
    mw = getattr(economy, "minimum_wage", None) if economy is not None else None
    y0 = aset.first_year
    if mw is None:
        floor = aset.scheme.parameters.wage_floor.yearly(y0, y0, "average",
                                                         aset.indices(y0, y0))[0]
        return float(floor), "the contributory wage floor"
    rate = aset.economic.exchange_rate.yearly(mw.year, mw.year, "average")[0]
    khr = float(mw.value) * float(rate)
    if mw.year != y0:
        lo, hi = sorted((mw.year, y0))
        growth = np.prod(1.0 + aset.economic.wage_growth.yearly(lo + 1, hi, "average"))
        khr = khr * growth if y0 > mw.year else khr / growth
    return khr, f"the garment minimum wage (USD {mw.value:g} in {mw.year})"


def model_careers(basis: Basis, population: StartingPopulation,
                  aset: AssumptionSet | None = None) -> pd.DataFrame:
    """Replacement rates of model careers for each sex, and the ILO C102 check.

    Careers start in the first projection year: full career from 20 at the minimum
    wage (see :func:`minimum_wage`), at the average wage of the sex, at the ceiling,
    and at the average wage with half the contribution density; the ILO C102 standard
    beneficiary is a man on the men's average wage with 30 years of contributions
    (entry at the pension age minus 30). A career that does not reach the pension age
    within the basis's years keeps its row, with empty results and a ``note`` saying so.
    """
    stats = population.summary()
    act = stats[stats.status == "active"].set_index("sex")["average_monthly_wage"]
    pa = int(basis.pension_age[0])
    if aset is not None:
        low, low_name = minimum_wage(aset)
    else:
        low, low_name = basis.wage_floor[0] / 12.0, "the contributory wage floor"
    careers: list[ModelCareer] = []
    for s, sex in enumerate(SEXES):
        avg = float(act.get(sex, act.mean()))
        careers += [
            ModelCareer(f"{sex}: full career at {low_name}", s, 20, low),
            ModelCareer(f"{sex}: full career at the average wage", s, 20, avg),
        ]
        if basis.wage_ceiling[0] > 0:  # a scheme without a ceiling has no such career
            careers.append(
                ModelCareer(f"{sex}: full career at the ceiling", s, 20, 0.0, cap_at_ceiling=True))
        careers += [
            ModelCareer(f"{sex}: average wage, half the contribution density", s, 20, avg, 0.5),
        ]
    careers.append(ModelCareer("ILO C102 standard beneficiary: 30 years, men's average wage",
                               0, pa - 30, float(act.get("M", act.mean()))))
    rows = []
    for c in careers:
        row = {"career": c.name, "sex": SEXES[c.sex], "entry_age": c.entry_age,
               "density": c.density, "retirement_year": np.nan, "credited_years": np.nan,
               "final_monthly_wage": np.nan, "monthly_pension": np.nan,
               "replacement_rate": np.nan, "note": ""}
        try:
            r: CareerResult = run_career(basis, c)
        except CareerBeyondHorizon:
            row["note"] = (f"does not reach the pension age within the {basis.n_years} "
                           "projection years")
        else:
            row.update(retirement_year=r.retirement_year, credited_years=r.credited_years,
                       final_monthly_wage=r.final_annual_wage / 12,
                       monthly_pension=r.annual_pension / 12,
                       replacement_rate=r.replacement_rate)
        rows.append(row)
    frame = pd.DataFrame(rows)
    ilo = frame["career"].str.startswith("ILO")
    frame["ilo_c102_minimum"] = np.where(ilo, ILO_C102_MINIMUM, np.nan)
    known = ilo & frame["replacement_rate"].notna()
    frame["meets_ilo_c102"] = np.where(known, frame["replacement_rate"] >= ILO_C102_MINIMUM, None)
    return frame


def run_valuation(aset: AssumptionSet, population: StartingPopulation, horizon: int | None = None,
                  basis: Basis | None = None, *, detail: bool = True,
                  progress: Progress | None = None) -> ValuationResult:
    """Project and compute the indicators for a loaded set and population.

    ``detail=False`` skips what the sensitivity table does not use (scaled premiums, model
    careers and the implicit pension debt), leaving them empty. The model careers and the
    accrued rights are about the rules and the people, not the valuation period: with a
    ``horizon`` shorter than the set's they use the set's whole horizon, so that a full
    career still reaches the pension age and today's members' rights run off.
    ``progress`` is told when the member-level valuation starts.
    """
    result, finish = _valuation_then_detail(aset, population, horizon, basis, detail=detail,
                                            progress=progress)
    finish()
    return result


def _valuation_then_detail(aset: AssumptionSet, population: StartingPopulation,
                           horizon: int | None = None, basis: Basis | None = None, *,
                           detail: bool = True, progress: Progress | None = None,
                           built: Callable[[Basis], Any] | None = None,
                           ) -> tuple[ValuationResult, Callable[[], None]]:
    """:func:`run_valuation` in two parts: the result with its projection and headline
    indicators, and a call that fills in its detail (:func:`_detail`: the rate paths,
    the economy check, the reconciliation, the model careers and the implicit pension
    debt; nothing to do without ``detail``). :func:`valuate` starts the sensitivities
    between the two: on a first run the member engine is still compiling in its worker
    then (see :mod:`actuary.engine.ahead`). ``built(basis)``, if given, is called once
    the basis is built, before it is projected; what it returns, if not None, is a
    :class:`actuary.io.forked.Pending` of the detail computed in a child process, which
    the call then reads instead of computing it.
    """
    if aset.scheme_type != "pension":
        raise AssumptionError(
            "an occupational-risk set values the branch, not a pension scheme",
            source=aset.files[0] if aset.files else aset.name, location="occupational_risk",
            value=aset.name, expected="actuary valuate SET (or actuary.schemes."
                                      "occupational_risk.valuate_branch); a pension set here")
    given = basis is not None
    basis = basis or build_basis(aset, population, horizon)
    # a first run: the member engine (accrued rights) compiles here while a worker
    # compiles the cohort kernel (started with the command), or in a worker while this
    # process compiles the cohort kernel
    ahead = _member_engine_ahead(aset, population, basis, progress) if detail else None
    elsewhere = built(basis) if built is not None else None
    with waiting(progress, "projecting the scheme"
                 + _compiles(basis, "project_kernel", " (a first run compiles the kernel)")):
        proj = project(basis)
    cf, gdp, yearly = _cash_and_frames(aset, proj)
    summary = summary_indicators(cf, yearly)
    scaled = (ind.scaled_premiums(cf, period=10, periods=min(5, len(cf.years) // 10))
              if detail else [])
    result = ValuationResult(
        aset=aset, population=population, basis=basis, projection=proj, cash=cf,
        yearly=yearly, by_sex=by_sex_frame(proj), summary=summary, scaled=scaled,
        careers=pd.DataFrame(), accrued={}, rate_paths=(), economy=None,
        reconciliation=pd.DataFrame(),
    )

    def finish() -> None:
        if not detail:
            return
        found = elsewhere.result() if elsewhere is not None else _detail(
            aset, population, basis, cf, yearly, gdp, given, progress, ahead)
        for name, value in found.items():
            setattr(result, name, value)

    return result, finish


def _cash_and_frames(aset: AssumptionSet, proj: Any) -> tuple[Any, np.ndarray, pd.DataFrame]:
    """The cash flows of a projection, the GDP path beside it (KHR per year; the frame's
    when the set derives it from employment, productivity and inflation) and the
    yearly frame."""
    from actuary.frame.build import gdp_path

    cf = cash_flows(proj)
    gdp = gdp_path(aset, int(proj.years[0]), int(proj.years[-1]))
    return cf, gdp, yearly_frame(proj, cf, gdp)


def _detail(aset: AssumptionSet, population: StartingPopulation, basis: Basis, cf: Any,
            yearly: pd.DataFrame, gdp: np.ndarray, given: bool,
            progress: Progress | None = None, ahead: Any = None) -> dict[str, Any]:
    """The valuation's detail beside its headline, by :class:`ValuationResult` field:
    ``rate_paths``, ``economy``, ``reconciliation``, ``careers`` and ``accrued`` (see
    :func:`accrued_liability`), for the base projection's cash flows ``cf``, yearly
    frame and GDP path. ``given``: the basis was given by the caller (else built for
    the valuation's horizon)."""
    from actuary.analysis.rate_paths import rate_paths
    from actuary.analysis.reconciliation import reconciliation_table
    from actuary.analysis.wage_gdp import economy_check

    # careers and accrued rights are about the rules and the people, not the valuation
    # period: a short horizon would cut them off
    long_enough = given or basis.n_years >= aset.horizon_years
    full = basis if long_enough else build_basis(aset, population)
    return {
        "rate_paths": rate_paths(aset, basis, cf),
        "economy": economy_check(aset, yearly),
        "reconciliation": reconciliation_table(aset, population),
        "careers": model_careers(full, population, aset),
        "accrued": accrued_liability(aset, population, full, cf.reserve0, float(gdp[0]),
                                     progress, ahead=ahead),
    }


def _detail_from_scratch(aset: AssumptionSet, population: StartingPopulation,
                         basis: Basis, progress: Progress | None = None) -> dict[str, Any]:
    """:func:`_detail` of ``basis`` projected here (in a child process: the same
    projection as its parent's, so the same numbers)."""
    cf, gdp, yearly = _cash_and_frames(aset, project(basis))
    return _detail(aset, population, basis, cf, yearly, gdp, False, progress)


def _member_engine_ahead(aset: AssumptionSet, population: StartingPopulation,
                         basis: Basis, progress: Progress | None = None) -> Any:
    """The worker compiling the member engine for :func:`accrued_liability`, or None
    (compiled already, here or before, or not the member engine's rules): see
    :func:`actuary.members.closed_group.value_population_ahead`."""
    from actuary.engine.build import start_rules
    from actuary.members.closed_group import member_engine_here, value_population_ahead

    if not member_engine_here(basis):
        return value_population_ahead(basis, population, start_rules(aset))
    with waiting(progress, "compiling the member engine (a first run; the kernel compiles "
                           "beside it)"):
        return value_population_ahead(basis, population, start_rules(aset))


def accrued_liability(aset: AssumptionSet, population: StartingPopulation, basis: Basis,
                      reserve0: float, gdp0: float, progress: Progress | None = None, *,
                      ahead: Any = None) -> dict:
    """The implicit pension debt: the accrued-to-date liability (ADL) of the starting
    population on the valuation date, and the reserve and GDP beside it.

    The ADL values, member by member (:func:`actuary.members.closed_group.value_population`),
    the benefits earned by the career earnings of the valuation date (projected unit
    credit), with the basis's decrements and discounted at its investment return; for
    pensioners it is their whole future pensions. Returns ``adl`` (KHR), ``reserve0``,
    ``funded_ratio`` (reserve / ADL), ``adl_pct_gdp`` (ADL in per cent of the first
    year's GDP). Where the member engine does not value the rules (final salary,
    retirement at any age) the cohort engine values them
    (:func:`actuary.analysis.accrued.cohort_accrued_liability`, which says so in
    ``method``). ``progress``
    is told when the member-level valuation starts. ``ahead`` is a worker compiling the
    member engine (:func:`actuary.members.closed_group.value_population_ahead`), waited
    for before the valuation loads the compiled engine from numba's cache.
    """
    from actuary.engine.build import start_rules
    from actuary.members.closed_group import value_population, values_rules

    if not values_rules(basis):
        # final salary or retirement at any age: the cohort engine values the rights
        from actuary.analysis.accrued import cohort_accrued_liability

        return cohort_accrued_liability(aset, population, basis.n_years)
    with waiting(progress, "valuing accrued rights member by member"
                 + _compiles(None, "value_members_serial",
                             " (a first run compiles the member engine)")):
        if ahead is not None:
            ahead.wait()  # whatever its outcome: the call below compiles if it must
        adl = float(value_population(basis, population, start_rules(aset))["adl"])
    return {"adl": adl, "reserve0": reserve0,
            "funded_ratio": reserve0 / adl if adl > 0 else float("nan"),
            "adl_pct_gdp": 100.0 * adl / gdp0 if gdp0 > 0 else float("nan")}


def load_population(aset: AssumptionSet, path: str | Path | None,
                    accept_implausible: bool = False) -> StartingPopulation:
    """The population file given, else the one the assumption set names, checked against
    the rules of ``aset`` (:func:`actuary.engine.starting.check_against_rules`)."""
    from actuary.engine.plausibility import RuleLimits
    from actuary.engine.starting import check_against_rules

    if path is None:
        path = aset.starting_population_file or shipped_population_path(aset.starting_population)
    return check_against_rules(read_starting_population(path), RuleLimits.from_basis(aset),
                               accept_implausible)


def valuate(basis: AssumptionSet | str | Path | None = None,
            population_file: str | Path | None = None, horizon: int | None = None, *,
            sensitivities: bool = True, progress: Progress | None = None,
            command: str = "", accept_implausible: bool = False,
            shocks: Sequence[Any] | None = None, background: bool = False) -> ValuationResult:
    """The whole valuation: load, project, indicators, sensitivities, provenance.

    ``basis`` is a loaded set, or what :func:`actuary.assumptions.load_basis` takes.
    ``sensitivities`` runs the set's sensitivities and shocks (its own lists or the
    shipped defaults, :mod:`actuary.analysis.sensitivity`); ``shocks`` (a sequence of
    :class:`actuary.assumptions.stress.ShockSpec`, e.g. from ``--shock FILE``) runs those
    in place of the set's shocks, with or without the sensitivities.
    ``accept_implausible`` values a starting population whose amounts look like a unit
    mistake (its findings are kept in ``result.population.accepted``).
    ``background`` starts the sensitivity table in a forked child process, where the
    process can fork (:func:`actuary.analysis.sensitivity.sensitivity_table_later`; else
    it is computed here, as without ``background``), with the valuation's detail where the
    kernel compiled at install runs (:class:`_EarlyChild`), and returns while the second
    core works on the table: ``result.sensitivity`` is then filled by
    ``result.collect_sensitivity()``, which the caller calls before reading it (the
    valuation workbook's writer does, once the sheets that do not show it are written).
    """
    say = progress or (lambda _msg: None)
    from actuary.engine.kernel_types import compile_cohort_early

    compile_cohort_early()  # a first run: a worker compiles the kernel while this one loads
    if isinstance(basis, AssumptionSet):
        aset = basis
    else:
        say("loading the assumption set")
        aset = load_basis(basis)
    if aset.scheme_type == "pension":
        from actuary.members.closed_group import member_engine_early

        member_engine_early()  # a first run: its worker imports while this one loads
    say("reading the starting population")
    population = load_population(aset, population_file, accept_implausible)
    tests = {"sensitivities": None if sensitivities else (),
             "shocks": shocks if shocks is not None else None if sensitivities else ()}
    testing = sensitivities or shocks is not None
    early = _EarlyChild(aset, population, progress, tests if testing else None) \
        if background else None
    result, detail = _valuation_then_detail(
        aset, population, horizon, progress=progress,
        built=early.start if early is not None else None)
    if testing:
        from actuary.analysis.sensitivity import sensitivity_table_later

        say("running sensitivities" if sensitivities else "running the shocks")
        if early is not None and early.table is not None:
            early.summary = result.summary  # what the tests are compared with
            result.sensitivity_later = early.table
        else:
            result.sensitivity_later = sensitivity_table_later(
                result, progress=progress, fork=background, **tests)
        if not result.sensitivity_later.forked:  # no child (not asked, or cannot fork)
            result.collect_sensitivity()
    # the provenance first: where a child computes the detail, it has it ready by then
    result.provenance = provenance(aset, population, command)
    detail()  # after the sensitivities, which do not use it: see _valuation_then_detail
    return result


def _compiles(basis: Basis | None, entry: str, note: str) -> str:
    """``note`` when numba compiles ``entry`` on a first run, nothing where it was
    compiled at install for the call's types (:mod:`actuary.engine.native`): the
    cohort kernel for ``basis``, the member engine for a valuation's (``basis`` None)."""
    from actuary.engine import native
    from actuary.engine.kernel_types import member_inputs
    from actuary.engine.records import kernel_inputs

    args = kernel_inputs(basis) if basis is not None else member_inputs()
    return "" if native.available(entry, args) else note


class _EarlyChild:
    """The valuation's detail and its sensitivity table, started in a forked child as soon
    as the base's basis is built, before this process projects it (:func:`valuate` with
    ``background``). The child projects the base itself (the same projection, so the same
    numbers) and computes the detail (:func:`_detail`), then the tests; this process
    meanwhile projects the base, computes its headline indicators and the provenance,
    then writes the workbook. Each comes back when the child has it
    (:func:`actuary.io.forked.in_child_steps`): the detail before the workbook needs it,
    the table when the sheets that do not show it are written. The tests need only the
    set, the population and the basis (the base's indicators, ``summary``, are filled in
    before the table is read back).

    Only where the cohort kernel compiled at install runs the base
    (:mod:`actuary.engine.native`). Where numba compiles it on a first run, a child forked
    before the first projection would not wait for the compiling worker (the parent's
    child, not its own) and would compile the kernel again beside it: the detail is then
    computed here and the table starts after the projection, as before (``table`` stays
    None).
    """

    def __init__(self, aset: AssumptionSet, population: StartingPopulation,
                 progress: Progress | None, tests: dict | None) -> None:
        self.aset, self.population = aset, population
        self.progress, self.tests = progress, tests
        self.basis: Basis | None = None
        self.summary: dict | None = None
        self.table: Any = None

    def start(self, basis: Basis) -> Any:
        """Fork the child for ``basis``; the :class:`~actuary.io.forked.Pending` of the
        detail, or None where the child is not started (see the class docstring)."""
        from actuary.analysis.sensitivity import table_step
        from actuary.engine import native
        from actuary.engine.records import kernel_inputs

        if not native.available("project_kernel", kernel_inputs(basis)):
            return None
        self.basis = basis
        steps = [self._detail_step()]
        if self.tests is not None:
            # the child takes all the tests and the shocks: this process has the
            # workbook to write
            steps.append(table_step(self, self.progress, here_share=0.0, **self.tests))
        started = forked.in_child_steps(steps)
        if not started[0].forked:  # no fork here: the detail and table as without it
            return None
        self.table = started[1] if self.tests is not None else None
        return started[0]

    def _detail_step(self) -> tuple[Callable[[], Any], Callable[[Any], dict]]:
        """The detail's ``(work, then)``: its progress messages told here when read."""
        aset, population, basis, progress = self.aset, self.population, self.basis, self.progress
        said: list[str] = []

        def told(answer: tuple[dict, list[str]]) -> dict:
            found, messages = answer
            for message in messages if progress is not None else ():
                progress(message)
            return found

        return (lambda: (_detail_from_scratch(aset, population, basis, said.append), said)), told


def input_files(aset: AssumptionSet, population: StartingPopulation) -> list[str]:
    """The files a valuation reads: the set, its bases and scheme, its user tables, the
    starting population and its sidecar."""
    return [*aset.files, *aset.table_files, population.path,
            str(Path(population.path).with_suffix(".yaml"))]


def provenance(aset: AssumptionSet, population: StartingPopulation, command: str) -> dict:
    """Input files with their SHA-256, the assumption set's content hash, versions, date."""
    import openpyxl

    from actuary.engine import native

    files = input_files(aset, population)
    return {
        "command": command or " ".join(sys.argv),
        "run_at_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
        "assumption_set": aset.name,
        "assumption_set_hash": aset.content_hash(),
        "starting_population": population.name,
        "files": {f: sha256_of(f) for f in files if f and Path(f).exists()},
        "versions": {
            "actuary": __version__, "python": platform.python_version(),
            "numpy": np.__version__, "pandas": pd.__version__,
            # its version without importing it: a run on the engine compiled at install
            # never does
            "numba": importlib.metadata.version("numba"),
            "openpyxl": openpyxl.__version__,
            # which one ran (not which entries: a warm run reads the gross wages back
            # and calls no capped mean, and a re-run of a bundle must read the same)
            "engine": ("compiled at install (numba's ahead-of-time compiler)" if native.used()
                       else "compiled by numba on first use"),
        },
        "unverified": [list(u) for u in aset.unverified()],
    }
