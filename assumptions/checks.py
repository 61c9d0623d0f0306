"""Checks of a validated set that need more than its own fields.

* Tables: every reference names a table the tables layer can load, of the right
  kind, with both sexes and the ages (and, with a year dimension, the years) the
  projection uses. The tables layer does the reading and its own checks.
* Series: every dated parameter resolves to one value per projection year with the
  set's own economic indices, i.e. covers the horizon (or has an extension rule) and
  its extension stays within the parameter's accepted range.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import numpy as np

from actuary.io.errors import ActuaryError
from actuary.tables.digest import table_digest

from .dated import DatedChoice
from .inventory import iter_dated, iter_table_refs, overriding_files
from .models import TABLE_KINDS, AssumptionSet
from .problems import Problem, from_error
from .registry import looks_like_path

__all__ = ["check_tables", "check_series", "MEMBER_AGES", "ALL_AGES"]

Origin = Callable[[tuple[str, ...]], "str | None"]

MEMBER_AGES = range(15, 111)  # ages of insured members (DESIGN: 15 to 110)
ALL_AGES = range(0, 111)  # mortality also applies to orphans and young spouses
_AGES_NEEDED = {"demographic.mortality": ALL_AGES}


def _table_target(ref: str, source: str | None) -> str:
    """A table path is relative to the file that wrote it; a name is passed as is."""
    if looks_like_path(ref) or ref.endswith(".csv"):
        base = Path(source).parent if source else Path.cwd()
        return str((base / Path(ref).expanduser()).resolve())
    return ref


def check_tables(aset: AssumptionSet, origin: Origin) -> list[Problem]:
    """Load every referenced table; record it on the set; report what does not fit."""
    import actuary.tables as tables_layer

    problems: list[Problem] = []
    years = np.arange(aset.first_year, aset.last_year + 1)
    for path, ref in iter_table_refs(aset):
        source = origin(tuple(path.split(".")) + ("table",))
        where = f"{path}.table"
        target = _table_target(ref.table, source)
        try:
            table = tables_layer.load_table(target)
        except ActuaryError as exc:
            problems.append(Problem(source, where, f"table {ref.table!r} cannot be used: {exc}", ref.table))
            continue
        kinds = TABLE_KINDS.get(path)
        if kinds and table.kind not in kinds:
            problems.append(
                Problem(source, where, f"table {table.name!r} is of kind {table.kind!r}", ref.table,
                        "a table of kind " + " or ".join(repr(k) for k in kinds))
            )
            continue
        sexes = tuple(table.sexes)
        missing = [] if sexes == ("B",) else [x for x in ("M", "F") if x not in sexes]
        if missing:
            problems.append(
                Problem(source, where, f"table {table.name!r} has no rows for sex {', '.join(missing)}",
                        ref.table, "rows for both sexes M and F (or one sex B for both)")
            )
            continue
        ages = _AGES_NEEDED.get(path, MEMBER_AGES)
        try:
            # The tables layer knows which ages a kind may close (q = 1 above a qx
            # table's last age) and which years it holds; let it decide.
            table.to_array(ages, years if table.years is not None else None, beyond="hold")
        except ActuaryError as exc:
            problems.append(
                Problem(source, where, f"table {table.name!r} does not cover the projection: {exc}",
                        ref.table, f"values for every age {ages.start}-{ages.stop - 1}")
            )
            continue
        aset._tables[path] = table
        aset._table_digests[path] = table_digest(table)
        if target != ref.table:  # a user's table, read from its CSV and sidecar
            csv = Path(target).with_suffix(".csv")
            aset._table_files += [str(csv), str(csv.with_suffix(".yaml"))]
    return problems


def _ceiling_above_floor(aset: AssumptionSet, origin: Origin,
                         indices: dict[str, np.ndarray] | None) -> list[Problem]:
    """The first year whose wage ceiling (when there is one) is below the floor."""
    params = aset.scheme.parameters
    first, last = aset.first_year, aset.last_year
    floor = params.wage_floor.yearly(first, last, "average", indices)
    ceiling = params.wage_ceiling.yearly(first, last, "average", indices)
    low = np.nonzero((ceiling > 0) & (ceiling < floor))[0]
    if not low.size:
        return []
    t = int(low[0])
    # named where the last change was made: an overlay that raised the floor, say, and
    # not the scheme file that set the ceiling
    keys = ("scheme", "parameters", "wage_ceiling")
    floor_keys = ("scheme", "parameters", "wage_floor")
    if overriding_files(aset, ".".join(floor_keys)) and not overriding_files(aset, ".".join(keys)):
        return [Problem(origin(floor_keys), ".".join(floor_keys),
                        f"the wage floor is above the wage ceiling in {first + t} "
                        f"({floor[t]:,.0f} > {ceiling[t]:,.0f} KHR a month on average)",
                        f"{floor[t]:,.0f}", "a floor at most the ceiling every year")]
    return [Problem(origin(keys), ".".join(keys),
                    f"the wage ceiling is below the wage floor in {first + t} "
                    f"({ceiling[t]:,.0f} < {floor[t]:,.0f} KHR a month on average)",
                    f"{ceiling[t]:,.0f}", "a ceiling at least the floor every year, or 0 for none")]


def _blamed(aset: AssumptionSet, origin: Origin) -> Origin:
    """``origin``, but a problem found at a key an overlay changed inside (its ``values``
    or ``extend``) is named in the last overlay that did: that is where the value
    to correct is written, not the base that set the parameter first."""
    def find(keys: tuple[str, ...]) -> str | None:
        touched = overriding_files(aset, ".".join(keys))
        return touched[-1] if touched else origin(keys)
    return find


def _blame_moved_years(aset: AssumptionSet, problems: list[Problem]) -> list[Problem]:
    """Problems of series an overlay did not touch, when an overlay moved the valuation
    date or the horizon, as one problem of that overlay: its move is what left the
    base's values short, not the files that wrote them."""
    movers = [(key, source) for key in ("valuation_date", "horizon_years")
              for source in overriding_files(aset, key)]
    untouched = [p for p in problems if not overriding_files(aset, p.path)]
    if not movers or not untouched:
        return problems
    key, source = movers[-1]
    paths = ", ".join(p.path for p in untouched[:3]) + (", ..." if len(untouched) > 3 else "")
    value = aset.valuation_date.isoformat() if key == "valuation_date" else aset.horizon_years
    return [p for p in problems if p not in untouched] + [Problem(
        source, key, f"this overlay moves the projection to {aset.first_year}-{aset.last_year}, "
        f"which {len(untouched)} dated parameter(s) of its base do not cover ({paths}; first: "
        f"{untouched[0].message})", value,
        "a valuation date and horizon the base's dated values cover, or those values "
        "overridden in this overlay too")]


def check_series(aset: AssumptionSet, origin: Origin) -> list[Problem]:
    """Resolve every dated parameter over the projection years; report what fails.

    Also the wage ceiling against the floor, year by year (a ceiling of 0 is none).
    """
    origin = _blamed(aset, origin)
    problems: list[Problem] = []
    first, last = aset.first_year, aset.last_year
    try:
        indices: dict[str, np.ndarray] | None = aset.indices()
    except ActuaryError:
        indices = None  # the failing economic series is reported below, once
    for path, param in iter_dated(aset):
        if param.extend.rule == "index" and indices is None:
            continue
        modes = ("start", "end") if isinstance(param, DatedChoice) else ("average",)
        try:
            for how in modes:
                param.yearly(first, last, how, indices)
        except ActuaryError as exc:
            problems.append(from_error(exc, origin(tuple(path.split("."))), path))
    try:
        aset.economic.gdp.yearly(first, last)
    except ActuaryError as exc:
        problems.append(from_error(exc, origin(("economic", "gdp")), "economic.gdp"))
    if not problems:
        problems += _ceiling_above_floor(aset, origin, indices)
    problems = _blame_moved_years(aset, problems)
    unique: list[Problem] = []
    for p in problems:
        if p not in unique:
            unique.append(p)
    return unique
