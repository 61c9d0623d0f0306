"""Sensitivity and stress tests of a valuation.

One-at-a-time sensitivities change one assumption of the valuation's own set and run
the projection again; shocks stress the base's basis. Both are data
(:mod:`actuary.assumptions.stress`): the set's own ``sensitivities`` and ``shocks``, or
the shipped default lists (``assumptions/data/sensitivities/default.yaml``,
``assumptions/data/shocks/default.yaml``).

A sensitivity is an overlay on the set (the same mechanism as a reform file, DESIGN §5;
``{plus: x}`` and ``{times: x}`` act on the value at the path) or a named adjustment:
``contributors_growth`` scales the base's contributors wanted each year by
``(1 + g)^t``; ``starting_wages`` scales the starting actives' wages (and so the new
entrants', who start at the actives' average), leaving the reserve and the pensions in
payment as they are.

Shocks are expressed through existing inputs of the basis, one factor per projection
year (the kernels are not changed):

* a contribution ``suspension`` of ``m`` months from a month, by a share ``e`` of
  employers: in each calendar year the share ``e x (months of the suspension in that
  year) / 12`` of contributions is not collected (``contribution_factor``); without
  ``credits_kept`` the same share of credited service and career earnings is not
  earned either (``credit_factor``). Contributions are counted in the year they are
  due (a month's are paid by the 15th of the next: a suspension ending in December
  moves some cash into January; not modelled);
* an ``employment`` shock with a shortfall ``d_t`` of contributors scales the
  contribution density of year t by ``1 - d_t``: earnings, contributions, credits and
  contributor-years fall by that share. Approximation: the members who lose their job
  stay in the active state (exposed to active decrements, keeping their wage history)
  instead of moving to the inactive insured and coming back; over a recovery of a few
  years this changes little, but it is not a model of lasting unemployment.

In every test the covered population (contributors wanted, entrants' age and sex) is
held at the base's, except where a test changes it (``contributors_growth``): the tests
are of the scheme's assumptions, not of the labour-force projection.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Iterable

import numpy as np
import pandas as pd

from actuary.assumptions import AssumptionSet
from actuary.assumptions.stress import (
    EmploymentShock,
    SensitivitySpec,
    ShockSpec,
    Suspension,
    default_sensitivities,
    default_shocks,
)
from actuary.engine.basis import Basis
from actuary.engine.build import build_basis
from actuary.engine.projection import project
from actuary.io.errors import AssumptionError
from actuary.io import forked
from actuary.io.progress import track

if TYPE_CHECKING:  # pragma: no cover
    from actuary.analysis.results import ValuationResult
    from actuary.engine.starting import StartingPopulation

__all__ = ["overlay", "resolve_overlay", "sensitivities_of", "shocks_of", "sensitivity_basis",
           "suspension_basis", "employment_basis", "shock_basis", "sensitivity_table",
           "sensitivity_table_later", "table_step", "defaults_not_run",
           "headline", "ranking", "top_assumptions"]


def overlay(aset: AssumptionSet, overrides: dict[str, Any], name: str) -> AssumptionSet:
    """``aset`` with ``overrides`` (dotted key path -> value) applied in memory, validated
    again exactly like a reform file (:meth:`AssumptionSet.override`)."""
    return aset.override(overrides, name=name, description=f"{name} (overlay on {aset.name})")


def _node(aset: AssumptionSet, path: str) -> Any:
    """The value at a dotted key path of the set (attributes, then mapping keys)."""
    node: Any = aset
    for key in path.split("."):
        if isinstance(node, dict):
            match = [k for k in node if str(k) == key]
            if not match:
                raise AssumptionError("no such key in the assumption set", location=path,
                                      value=key, expected="a key of the set")
            node = node[match[0]]
        elif hasattr(node, key):
            node = getattr(node, key)
        else:
            raise AssumptionError("no such key in the assumption set", location=path,
                                  value=key, expected="a key of the set")
    return node


def _apply(op: str, x: float, value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AssumptionError(f"'{op}' needs numbers at the path", location=path,
                              value=repr(value), expected="a dated parameter, a number or a "
                              "mapping of numbers")
    return float(value) + x if op == "plus" else float(value) * x


def resolve_overlay(aset: AssumptionSet, spec: dict[str, Any]) -> dict[str, Any]:
    """The overrides an overlay of a sensitivity means for ``aset``.

    A value ``{plus: x}`` or ``{times: x}`` acts on what the set holds at the path:
    every dated value of a dated parameter (written as ``PATH.values``), a number, or
    every value of a mapping of numbers. Any other value is an override as written.
    """
    out: dict[str, Any] = {}
    for path, value in spec.items():
        if not (isinstance(value, dict) and len(value) == 1
                and next(iter(value)) in ("plus", "times")):
            out[path] = value
            continue
        (op, x), = value.items()
        node = _node(aset, path)
        if hasattr(node, "values") and isinstance(getattr(node, "values"), dict):
            out[f"{path}.values"] = {
                (d.isoformat() if isinstance(d, date) else d): _apply(op, x, v, path)
                for d, v in node.values.items()}
        elif isinstance(node, dict):
            out[path] = {k: _apply(op, x, v, path) for k, v in node.items()}
        else:
            out[path] = _apply(op, x, node, path)
    return out


def sensitivities_of(aset: AssumptionSet) -> tuple[SensitivitySpec, ...]:
    """The set's own sensitivities, or the shipped default list but for the tests of a
    rule the set does not have (:func:`defaults_not_run`)."""
    if aset.sensitivities is not None:
        return tuple(aset.sensitivities)
    return tuple(s for s in default_sensitivities() if _absent_rule(aset, s) is None)


def defaults_not_run(aset: AssumptionSet) -> list[str]:
    """The progress messages of the shipped default tests not run on ``aset``: those that
    change an optional rule of the scheme the set does not have (the default list was
    written for the NSSF's rules; the self-employed scheme has no transitional credits,
    for one). A set's own list is run as written: a test there naming a key the set does
    not have is an error."""
    if aset.sensitivities is not None:
        return []
    return [f"  sensitivity: {s.name} not run (the set has no {path})"
            for s in default_sensitivities() if (path := _absent_rule(aset, s)) is not None]


def _absent_rule(aset: AssumptionSet, spec: SensitivitySpec) -> str | None:
    """The key path of an optional part of the set that is absent (None) and that one of
    ``spec``'s overlay paths goes through, or None."""
    for path in spec.overlay or {}:
        node: Any = aset
        keys = path.split(".")
        for i, key in enumerate(keys[:-1]):
            if isinstance(node, dict) or not hasattr(node, key):
                break  # a mapping, or no such key: the overlay itself says what is wrong
            node = getattr(node, key)
            if node is None:
                return ".".join(keys[: i + 1])
    return None


def shocks_of(aset: AssumptionSet) -> tuple[ShockSpec, ...]:
    """The set's own shocks, or the shipped default list."""
    return tuple(aset.shocks) if aset.shocks is not None else default_shocks()


def _scaled_wages(population: "StartingPopulation", factor: float) -> "StartingPopulation":
    """The population with every wage column times ``factor`` (reserve, pensions kept)."""
    rows = population.rows.copy()
    for col in ("average_monthly_wage", "average_career_wage"):
        if col in rows:
            rows[col] = rows[col] * factor
    return replace(population, rows=rows)


def sensitivity_basis(result: "ValuationResult", spec: SensitivitySpec,
                      entrants: dict[str, np.ndarray]) -> Basis:
    """The basis of one sensitivity test of ``result`` (see the module docstring)."""
    base, T = result.basis, result.basis.n_years
    if spec.overlay is not None:
        aset = overlay(result.aset, resolve_overlay(result.aset, spec.overlay), spec.name)
        return build_basis(aset, result.population, T, entrants=entrants)
    adj = spec.adjust
    if adj.contributors_growth is not None:
        t = np.arange(1, T + 1)
        target = np.where(base.target_actives >= 0,
                          base.target_actives * (1.0 + adj.contributors_growth) ** t,
                          base.target_actives)
        return base.with_(target_actives=target)
    return build_basis(result.aset, _scaled_wages(result.population, adj.starting_wages), T,
                       entrants=entrants)


def _year_index(basis: Basis, year: int, what: str) -> int:
    t = int(year) - basis.first_year
    if not 0 <= t < basis.n_years:
        raise AssumptionError(f"the {what} starts outside the projection", field="start",
                              value=int(year), expected=f"a year from {basis.first_year} to "
                              f"{basis.first_year + basis.n_years - 1}")
    return t


def suspension_basis(basis: Basis, s: Suspension) -> Basis:
    """``basis`` with contributions suspended as ``s`` says (module docstring)."""
    t0 = _year_index(basis, s.start.year, "suspension")
    # months of the suspension falling in each projection year (the last may be partial)
    share = np.zeros(basis.n_years)
    for k in range(int(np.ceil(s.months))):
        t = t0 + (s.start.month - 1 + k) // 12
        if t < basis.n_years:
            share[t] += min(1.0, s.months - k)
    share = s.employers * share / 12.0
    pay = basis.contribution_factor * (1.0 - share)
    credit = basis.credit_factor if s.credits_kept else basis.credit_factor * (1.0 - share)
    return basis.with_(contribution_factor=pay, credit_factor=credit)


def employment_basis(basis: Basis, e: EmploymentShock) -> Basis:
    """``basis`` with the contribution density cut by the shock's shortfall (module
    docstring)."""
    t0 = _year_index(basis, e.start, "employment shock")
    shortfall = np.zeros(basis.n_years)
    path = np.asarray(e.shortfall(), dtype=float)[: basis.n_years - t0]
    shortfall[t0: t0 + path.size] = path
    return basis.with_(density=basis.density * (1.0 - shortfall))


def shock_basis(basis: Basis, shock: ShockSpec) -> Basis:
    """``basis`` under one shock."""
    if shock.suspension is not None:
        return suspension_basis(basis, shock.suspension)
    return employment_basis(basis, shock.employment)


def _shock_start(shock: ShockSpec) -> int:
    return shock.suspension.start.year if shock.suspension is not None else shock.employment.start


def headline(basis: Basis) -> dict:
    """The headline indicators of a projection of ``basis`` (``ValuationResult.summary``).

    What a row of the sensitivity table reports, without the rest of a valuation (the
    tables by sex, scaled premiums and model careers) that the table does not show.
    """
    return _indicators(project(basis))


def _indicators(proj: Any) -> dict:
    """:func:`headline` of a projection already run.

    The headline reads two columns of the year-by-year table
    (:func:`actuary.analysis.results.yearly_frame`): they are made here as it makes them,
    from the same cash flows, without its twenty others (a sixth of a test's indicators).
    """
    from actuary.analysis import indicators as ind
    from actuary.analysis.results import cash_flows, summary_indicators

    cf = cash_flows(proj)
    reserve = ind.reserve_path(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
    yearly = pd.DataFrame({"payg_cost_rate": ind.payg_cost_rate(cf.expenditure, cf.earnings),
                           "reserve_ratio": ind.reserve_ratio(reserve, cf.expenditure)})
    return summary_indicators(cf, yearly)


def _row(name: str, description: str, s: dict, b: dict | None, kind: str,
         assumption: str) -> dict:
    """A row of the table: the test's indicators ``s`` and their change from the base's ``b``."""
    gap_key = max((k for k in ("gap_75", "gap_50", "gap_25") if s.get(k) is not None),
                  key=lambda k: int(k.split("_")[1]), default=None)
    row = {
        "test": name, "kind": kind, "assumption": assumption, "description": description,
        "gap_horizon": int(gap_key.split("_")[1]) if gap_key else None,
        "gap": s.get(gap_key) if gap_key else np.nan,
        "depletion_year": s["depletion_year"],
        "reserve_ratio_year_10": s.get("reserve_ratio_year_10"),
    }
    if b is not None:
        row["gap_change"] = row["gap"] - (b.get(gap_key) if gap_key else np.nan)
        dy, by = s["depletion_year"], b["depletion_year"]
        row["depletion_change_years"] = (dy - by) if dy is not None and by is not None else None
        rr, brr = s.get("reserve_ratio_year_10"), b.get("reserve_ratio_year_10")
        row["reserve_ratio_change"] = (rr - brr) if rr is not None and brr is not None else None
    return row


def sensitivity_table(result: "ValuationResult",
                      progress: Callable[[str], None] | None = None,
                      sensitivities: Iterable[SensitivitySpec] | None = None,
                      shocks: Iterable[ShockSpec] | None = None) -> pd.DataFrame:
    """The base, every one-at-a-time test and every shock, with changes from the base.

    ``sensitivities`` and ``shocks`` default to the set's lists (:func:`sensitivities_of`,
    :func:`shocks_of`); pass an empty list to run none. A shock that starts after the
    projection's last year is not run (said through ``progress``). Columns: ``test``,
    ``kind`` (base, sensitivity, shock), ``assumption``, ``description``, the GAP over
    the longest horizon available, the depletion year, the reserve ratio in year 10,
    and their changes from the base.
    """
    return pd.DataFrame(_rows(result.summary, _tests(result, progress, sensitivities, shocks)))


def _rows(summary: dict, tests: list[tuple[tuple, dict]]) -> list[dict]:
    """The table's rows: the base's (``summary``), then each test's with its changes."""
    rows = [_row("base", "the valuation as presented", summary, summary, "base", "")]
    for (name, description, kind, assumption), s in tests:
        rows.append(_row(name, description, s, summary, kind, assumption))
    return rows


def _tests(result: Any, progress: Callable[[str], None] | None,
           sensitivities: Iterable[SensitivitySpec] | None,
           shocks: Iterable[ShockSpec] | None) -> list[tuple[tuple, dict]]:
    """Each test's ``(name, description, kind, assumption)`` and headline indicators, in
    the table's order. Reads ``result.aset``, ``.population`` and ``.basis`` only: the
    tests do not need the base's indicators, which :func:`_rows` compares them with."""
    say = progress or (lambda _m: None)
    base = result.basis
    last = base.first_year + base.n_years - 1
    entrants = {"target_actives": base.target_actives,
                "entrant_distribution": base.entrant_distribution}
    if sensitivities is None:
        sens = sensitivities_of(result.aset)
        for message in defaults_not_run(result.aset):
            say(message)
    else:
        sens = tuple(sensitivities)
    run = []
    for shock in shocks_of(result.aset) if shocks is None else tuple(shocks):
        if _shock_start(shock) > last:
            say(f"  stress: {shock.name} not run (starts after {last}, the projection's "
                "last year)")
        else:
            run.append(shock)
    # The kernel releases the GIL (nogil): one thread projects each test's basis while
    # this one builds the next (validating its overlay and building a basis is Python
    # work), so the projections cost little beyond the bases. Each projection is the
    # same call on the same basis as in sequence, so the same numbers; rows keep the
    # tests' order.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="actuary-projection")
    try:
        pending = []
        for spec in track(progress, sens, "sensitivity", lambda x: x.name):
            pending.append(((spec.name, spec.description, "sensitivity", spec.assumption),
                            pool.submit(project, sensitivity_basis(result, spec, entrants))))
        for shock in track(progress, run, "stress", lambda x: x.name):
            pending.append(((shock.name, shock.description, "shock", "shock"),
                            pool.submit(project, shock_basis(base, shock))))
        return [(meta, _indicators(projected.result())) for meta, projected in pending]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


#: The share of the one-at-a-time tests that :func:`sensitivity_table_later` leaves to
#: this process, with the shocks, when a forked child computes the others: the last ones,
#: computed when the table is read back. ``actuary valuate`` reads it once the sheets that
#: do not show it are written; on two idle cores the child's 19 tests took 0.37-0.54 s
#: after the fork and those sheets 0.29-0.45 s, so the parent waited. Measured from the
#: fork to the table's last row (5 warm runs each): 0.40-0.58 s (median 0.55) with the
#: shocks alone here, 0.47-0.53 s (median 0.50) with 2 tests more (0.1), 0.49-0.58 s
#: with 4 (0.2).
HERE_SHARE = 0.1


def sensitivity_table_later(result: Any,
                            progress: Callable[[str], None] | None = None,
                            sensitivities: Iterable[SensitivitySpec] | None = None,
                            shocks: Iterable[ShockSpec] | None = None, *,
                            fork: bool = True,
                            here_share: float = HERE_SHARE) -> forked.Pending[pd.DataFrame]:
    """:func:`sensitivity_table`, started in a forked child process (the second core
    works on it while this process carries on; :mod:`actuary.io.forked`), its table
    read back by ``.result()``: the same calls on a copy of the same process, so the
    same table. The child computes the first tests; the last ``here_share`` of them
    (:data:`HERE_SHARE`) and the shocks are computed here by ``.result()``, after the
    child's (each test is the same computation wherever it runs, and the rows keep the
    tests' order). With ``here_share`` 0 the child computes every test and the shocks
    too. The child's progress messages are told to ``progress`` when the table
    is read back, in their order, before this process's own. Without ``fork``, or where
    the process cannot fork, the whole table is computed here at ``.result()``, telling
    ``progress`` as it goes.

    ``result`` needs its ``aset``, ``population`` and ``basis`` when this is called and
    its ``summary`` (the base's indicators) only when the table is read back: a valuation
    can start the tests before it has projected its own basis (see
    :func:`actuary.analysis.valuation.valuate`).
    """
    if not (fork and forked.can_fork()):
        return forked.in_child(
            lambda: sensitivity_table(result, progress, sensitivities, shocks), fork=False)
    work, then = table_step(result, progress, sensitivities, shocks, here_share)
    return forked.in_child(work, then=then)


def table_step(result: Any, progress: Callable[[str], None] | None,
               sensitivities: Iterable[SensitivitySpec] | None,
               shocks: Iterable[ShockSpec] | None, here_share: float = HERE_SHARE
               ) -> tuple[Callable[[], Any], Callable[[Any], pd.DataFrame]]:
    """The ``(work, then)`` of :func:`sensitivity_table_later`'s child (``work``, its
    tests and their progress messages) and of this process (``then``, the rest of the
    tests and the table), for :func:`actuary.io.forked.in_child` or a step of
    :func:`actuary.io.forked.in_child_steps`."""
    sens = sensitivities_of(result.aset) if sensitivities is None else tuple(sensitivities)
    split = len(sens) - int(round(len(sens) * here_share))
    # the shocks come last in the table: the child's when it takes every test
    theirs_shocks, our_shocks = (shocks, ()) if split == len(sens) else ((), shocks)
    said: list[str] = defaults_not_run(result.aset) if sensitivities is None else []

    def told(answer: tuple[list[tuple[tuple, dict]], list[str]]) -> pd.DataFrame:
        theirs, messages = answer
        for message in messages if progress is not None else ():
            progress(message)
        ours = _tests(result, progress, sens[split:], our_shocks)
        return pd.DataFrame(_rows(result.summary, theirs + ours))

    return (lambda: (_tests(result, said.append, sens[:split], theirs_shocks), said)), told


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """The sensitivity tests ranked by the size of their change in the GAP, largest
    first (shocks and the base left out; ties keep the table's order)."""
    if table is None or table.empty or "kind" not in table:
        return pd.DataFrame(columns=getattr(table, "columns", []))
    tests = table[(table["kind"] == "sensitivity") & table["gap_change"].notna()].copy()
    tests["size"] = tests["gap_change"].abs()
    return tests.sort_values("size", ascending=False, kind="stable").drop(columns="size")


def top_assumptions(table: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` assumptions whose tests move the GAP most: one row each (its largest
    test), columns ``assumption``, ``test``, ``gap_change``, ``gap_horizon``."""
    ranked = ranking(table)
    if ranked.empty:
        return ranked
    first = ranked.drop_duplicates("assumption")
    return first[["assumption", "test", "gap_change", "gap_horizon"]].head(n).reset_index(drop=True)
