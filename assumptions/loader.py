"""Loading an assumption set: ``load_basis(path_or_name)``.

Steps: find the file (a path, or the name of a shipped set); read it and its bases
with overlays applied and the scheme merged in (:mod:`.overlay`); validate the result
with pydantic (:class:`AssumptionSet`); load and check the tables it names; resolve
every dated parameter over the projection years. All problems found at a step are
reported together in one :class:`~actuary.assumptions.problems.BasisInvalid` (an
AssumptionError), one line per problem naming file, key path, value and expectation.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from actuary.io.errors import AssumptionError
from actuary.io.yamlio import read_mapping

from .checks import check_series, check_tables
from .models import AssumptionSet
from .overlay import RawSet, apply_overrides, read_set
from .problems import BasisInvalid, Problem, from_validation
from .registry import DEFAULT_SET, resolve

__all__ = ["load_basis", "override", "load_raw"]


def load_basis(path_or_name: str | Path | None = None) -> AssumptionSet:
    """Load, validate and check an assumption set.

    Parameters
    ----------
    path_or_name
        A YAML file (relative paths from the working folder), the name of a shipped
        set or scenario (``cambodia-default``, ``accrual-1.75``, ...), or None for the
        built-in default ``cambodia-default``.

    Returns
    -------
    AssumptionSet
        Validated, with its tables loaded (``.tables``) and every dated parameter
        known to cover the horizon.

    Raises
    ------
    actuary.io.errors.AssumptionError
        Listing every problem found (file, key path, value, what was expected).
    """
    ref = DEFAULT_SET if path_or_name is None else str(path_or_name)
    path = resolve(ref, Path.cwd(), "set", None, role="assumption set")
    design = read_mapping(path).get("design")
    if design is not None:  # shipped beside the sets, and found by the same names
        raise AssumptionError("a reform design, not an assumption set", source=str(path),
                              location="design", value=design,
                              expected="an assumption set or overlay here; a design is "
                                       f"valued against a base with: actuary compare BASE {ref}")
    return _validated(read_set(path))


def override(aset: AssumptionSet, overrides: dict[str, Any], name: str | None = None,
             description: str | None = None, source: str | None = None) -> AssumptionSet:
    """A new set: ``aset`` with ``overrides`` applied in memory, validated again.

    The keys are those of an overlay file's ``overrides`` (dotted key paths into the set,
    the scheme merged in as ``scheme``); the values replace or merge as they do there
    (:mod:`.overlay`). Nothing is written to disk and ``aset`` is unchanged.

    Parameters
    ----------
    aset
        A set returned by :func:`load_basis` or by an earlier override.
    overrides
        Dotted key path -> value, e.g.
        ``{"scheme.parameters.accrual_rate.values": {"2022-10-01": 0.0175}}``.
    name, description
        Of the new set; by default ``aset``'s name with ``" (overridden)"`` added.
    source
        Where the overrides were written, for error messages and the set's record of
        its overrides; default ``override of NAME in memory``.

    Raises
    ------
    actuary.io.errors.AssumptionError
        Every key that does not exist in the set and every value the models refuse, each
        named by its key path (``overrides.KEY``) and the source ``override of NAME in
        memory``.
    """
    if not isinstance(overrides, dict):
        raise AssumptionError("overrides must be a mapping", location="overrides",
                              value=type(overrides).__name__,
                              expected="a mapping of dotted key path -> value")
    if aset._raw is None:
        raise AssumptionError("this set has no record of what it was read from",
                              value=aset.name, expected="a set made by load_basis or override")
    raw = _copied_along(aset._raw, overrides)
    source = source or f"override of {aset.name} in memory"
    apply_overrides(raw, copy.deepcopy(overrides), source,
                    Path(aset.files[0]).parent if aset.files else Path.cwd())
    new_name = name if name is not None else f"{aset.name} (overridden)"
    raw.body["name"] = new_name
    raw.body["base"] = aset.name  # as an overlay file on it would say
    raw.body["description"] = description if description is not None else (
        f"{aset.description} with " + ", ".join(str(k) for k in overrides) + " overridden")
    for key in ("name", "description", "base"):
        raw.origins[(key,)] = source
    return _validated(raw, owned=True, like=aset)


def _copied_along(raw: RawSet, overrides: dict[str, Any]) -> RawSet:
    """A new :class:`RawSet` sharing ``raw``'s data but for the mappings on the key paths
    of ``overrides`` (and the top level, the origins and the lists), which are copied:
    what :func:`.overlay.apply_overrides` changes in place, so ``raw`` stays as it is.

    Instead of a deep copy of the whole set (a fifth of a sensitivity test's cost): the
    new set's data and ``raw``'s share every mapping no override reaches into, which
    nothing changes afterwards (the models read their input without changing it, and
    :func:`.overlay.apply_overrides` merges into new mappings).
    """
    body = dict(raw.body)
    copied = {id(body)}
    for key in overrides:
        node = body
        for seg in str(key).split(".")[:-1]:
            child = node.get(seg) if isinstance(node, dict) else None
            if not isinstance(child, dict):
                break  # apply_overrides reports the path (or sets nothing below here)
            if id(child) not in copied:
                child = node[seg] = dict(child)
                copied.add(id(child))
            node = child
    return RawSet(body=body, origins=dict(raw.origins), files=list(raw.files),
                  overrides=list(raw.overrides))


def _reusing(body: dict[str, Any], like_body: dict[str, Any], like: BaseModel) -> dict[str, Any]:
    """``body``, with every mapping it shares with ``like_body`` (the same object, which
    ``like`` was validated from) replaced by ``like``'s validated model of it.

    A model instance is taken as it is by the model that holds it (pydantic does not
    validate an instance again), and validating a mapping depends on nothing but the
    mapping: so the set validated from the result is the one validated from ``body``,
    without validating again what an override did not change (most of a set). Only
    fields whose value in ``like`` is a model are replaced; lists, mappings of models
    and values written in short (a bare number for a dated parameter) are validated
    as written.
    """
    out = dict(body)
    fields = type(like).model_fields
    for key, value in body.items():
        if not isinstance(value, dict) or key not in fields:
            continue
        was, model = like_body.get(key), getattr(like, key, None)
        if not (isinstance(was, dict) and isinstance(model, BaseModel)):
            continue
        out[key] = model if value is was else _reusing(value, was, model)
    return out


def load_raw(raw: RawSet) -> AssumptionSet:
    """Validate and check a set already read as plain data (:func:`.overlay.read_set`).

    What :func:`load_basis` does after reading the files: the analysis of change uses it
    for the intermediate sets it assembles in memory from two sets' bodies (``raw.origin``
    names the file each key came from, so tables and populations named by path resolve
    from that file's folder and errors name it).

    Raises
    ------
    actuary.io.errors.AssumptionError
        Listing every problem found.
    """
    return _validated(raw)


AssumptionSet._override = override  # behind AssumptionSet.override (see there)


def _validated(raw: RawSet, owned: bool = False,
               like: AssumptionSet | None = None) -> AssumptionSet:
    """The validated, checked set of a raw one (see :func:`load_basis`).

    The set keeps a copy of ``raw`` (what :func:`override` starts from); ``owned``: the
    caller made ``raw`` for this set alone and gives it up, so it is kept as it is (an
    override's shares its base's data where it does not change it: see
    :func:`_copied_along`). ``like``: a set whose data ``raw`` shares where it is the
    same; its validated parts are taken for those (:func:`_reusing`).
    """
    try:
        if like is None:
            aset = AssumptionSet.model_validate(raw.body)
        else:
            try:
                aset = AssumptionSet.model_validate(_reusing(raw.body, like._raw.body, like))
            except ValidationError:
                # told from the data as written: an error's value is the mapping written
                # there, not one holding the base's models
                aset = AssumptionSet.model_validate(raw.body)
    except ValidationError as exc:
        raise BasisInvalid(from_validation(exc, AssumptionSet, raw.origin)) from None
    aset._raw = raw if owned else copy.deepcopy(raw)
    aset._files = list(raw.files)
    aset._overrides = list(raw.overrides)
    problems = check_tables(aset, raw.origin) + check_series(aset, raw.origin)
    population, problem = _population_file(aset.starting_population,
                                           raw.origin(("starting_population",)))
    aset._population_file = population
    if problem is not None:
        problems.append(problem)
    if problems:
        raise BasisInvalid(problems)
    return aset


def _population_file(name: str, written_in: str | None) -> tuple[str | None, Problem | None]:
    """The file a ``starting_population`` of ``name`` means, and a problem if it is missing.

    A name with a suffix or a folder in it is a path, relative to the folder of the file
    that wrote it (as table paths are), and must be a ``.csv`` or ``.xlsx`` file; any
    other name is a shipped population's (``nssf-default``).
    """
    path = Path(name)
    expected = "a CSV or XLSX starting population, its path relative to this file"
    if not path.suffix and len(path.parts) == 1:
        return None, None
    if path.suffix.lower() not in (".csv", ".xlsx"):
        return None, Problem(written_in, "starting_population", "a starting population is read "
                             "from a .csv or .xlsx file", name, expected)
    if not path.is_absolute() and written_in is not None:
        path = Path(written_in).parent / path
    if path.is_dir():
        return None, Problem(written_in, "starting_population", f"{path} is a folder, not a "
                             "file", name, expected)
    if not path.is_file():
        return None, Problem(written_in, "starting_population", "the starting population's file "
                             f"was not found (looked for {path})", name, expected)
    return str(path), None
