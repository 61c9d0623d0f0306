"""Which group of an analysis of change each key of an assumption set belongs to.

An analysis of change goes from the previous valuation's inputs to the current ones one
group at a time (:mod:`actuary.studies.change`). :data:`KEY_GROUPS` assigns every key of
an :class:`~actuary.assumptions.AssumptionSet` to exactly one group: each entry is a
dotted key path and covers everything below it; no entry lies below another. The tests
walk the models and fail when a field is covered by no entry, so a key added to the
models cannot go unclassified.

The intermediate sets are assembled in memory from the two sets as read by the loader
(:class:`~actuary.assumptions.overlay.RawSet`, scheme merged in, overlays applied): the
previous set's body with, for the groups already taken, the current set's value at each
of the group's key paths (or none where the current set has none). Every key path keeps
the file it came from, so a table or population named by a relative path resolves from
the folder of the file that named it, and an error names that file.
"""

from __future__ import annotations

import copy
from typing import Any, Iterable

from actuary.assumptions.overlay import RawSet

__all__ = ["GROUPS", "GROUP_TITLES", "KEY_GROUPS", "group_of", "entries_of", "hybrid",
           "changed_keys", "body_at"]

#: The groups, in the default order of the steps.
GROUPS: tuple[str, ...] = ("roll_forward", "data", "demographic", "economic", "methods",
                           "rules", "new_entrants")

GROUP_TITLES: dict[str, str] = {
    "roll_forward": "roll-forward to the new date (expected experience)",
    "data": "data update (starting population, reserve)",
    "demographic": "demographic assumptions",
    "economic": "economic assumptions",
    "methods": "methods (horizon, frame rules, tests run, labels)",
    "rules": "scheme rules (legislation)",
    "new_entrants": "new entrants (coverage)",
}

#: Key path -> group. The top-level sections follow the model's own sections; the frame
#: is split by what each part drives (the national population at the valuation date:
#: data, like the starting population; the rest of the population projection:
#: demographic; labour force and coverage:
#: new entrants; productivity and wages: economic; the rules choosing how wages and GDP
#: are formed: methods). Names and descriptions are labels, counted with the methods: they
#: change no figure, which the step then shows.
KEY_GROUPS: dict[str, str] = {
    "valuation_date": "roll_forward",
    "starting_population": "data",
    "frame.population.base": "data",
    "demographic": "demographic",
    "frame.population.calibration": "demographic",
    "frame.population.mortality": "demographic",
    "frame.population.fertility": "demographic",
    "frame.population.sex_ratio_at_birth": "demographic",
    "frame.population.migration": "demographic",
    "frame.population.targets": "demographic",
    "economic": "economic",
    "frame.economy.productivity_growth": "economic",
    "frame.economy.average_wage": "economic",
    "frame.economy.minimum_wage": "economic",
    "name": "methods",
    "description": "methods",
    "base": "methods",
    "horizon_years": "methods",
    "sensitivities": "methods",
    "shocks": "methods",
    # the scenario generator of actuary stochastic: no figure of a valuation depends on it
    "stochastic": "methods",
    "frame.economy.wage_rule": "methods",
    "frame.economy.gdp_rule": "methods",
    "frame.economy.wage_gdp_band": "methods",
    "scheme": "rules",
    "coverage": "new_entrants",
    "frame.labour": "new_entrants",
    "frame.coverage": "new_entrants",
    # the occupational-risk branch: its rules, its pensions in payment and reserve (data),
    # its incidence and degrees (demographic), its return (economic)
    "occupational_risk.description": "rules",
    "occupational_risk.covered": "rules",
    "occupational_risk.legal_basis": "rules",
    "occupational_risk.contribution_rate": "rules",
    "occupational_risk.pension_threshold": "rules",
    "occupational_risk.pension_coefficient": "rules",
    "occupational_risk.lump_sum_years": "rules",
    "occupational_risk.carer_allowance_rate": "rules",
    "occupational_risk.total_disability_degree": "rules",
    "occupational_risk.temporary_rate": "rules",
    "occupational_risk.temporary_days": "rules",
    "occupational_risk.temporary_days_permanent": "rules",
    "occupational_risk.survivor_rate_one_class": "rules",
    "occupational_risk.survivor_rate_both": "rules",
    "occupational_risk.survivor_spouse_share": "rules",
    "occupational_risk.funeral_grant": "rules",
    "occupational_risk.indexation": "rules",
    "occupational_risk.pensions_in_payment": "data",
    "occupational_risk.reserve": "data",
    "occupational_risk.incidence": "demographic",
    "occupational_risk.fatal_share": "demographic",
    "occupational_risk.permanent_share": "demographic",
    "occupational_risk.degrees": "demographic",
    "occupational_risk.pensioner_mortality_factor": "demographic",
    "occupational_risk.investment_return": "economic",
    "occupational_risk.medical_rate": "economic",
    "occupational_risk.admin_expense_rate": "economic",
}

_ENTRIES: tuple[tuple[str, ...], ...] = tuple(tuple(k.split(".")) for k in KEY_GROUPS)


def group_of(keys: Iterable[str]) -> str | None:
    """The group of a key path (a tuple or dotted string's parts); None above the entries
    (the whole set, or ``frame`` itself, which several groups share)."""
    parts = tuple(keys)
    for entry in _ENTRIES:
        if parts[: len(entry)] == entry:
            return KEY_GROUPS[".".join(entry)]
    return None


def entries_of(group: str) -> list[tuple[str, ...]]:
    """The key paths of ``group`` (tuples of key parts)."""
    return [e for e in _ENTRIES if KEY_GROUPS[".".join(e)] == group]


_MISSING = object()


def body_at(body: dict[str, Any], parts: tuple[str, ...]) -> Any:
    """The value at ``parts`` in a set's body, or a sentinel object when absent."""
    node: Any = body
    for p in parts:
        if not isinstance(node, dict) or p not in node:
            return _MISSING
        node = node[p]
    return node


def _put(body: dict[str, Any], parts: tuple[str, ...], value: Any) -> None:
    node = body
    for p in parts[:-1]:
        if not isinstance(node.get(p), dict):
            node[p] = {}
        node = node[p]
    node[parts[-1]] = value


def _drop(body: dict[str, Any], parts: tuple[str, ...]) -> None:
    """Remove ``parts``; a parent emptied by it is removed too (a section nobody has)."""
    trail = [body]
    for p in parts[:-1]:
        nxt = trail[-1].get(p)
        if not isinstance(nxt, dict):
            return
        trail.append(nxt)
    trail[-1].pop(parts[-1], None)
    for depth in range(len(parts) - 1, 0, -1):
        if trail[depth]:
            break
        trail[depth - 1].pop(parts[depth - 1], None)


def changed_keys(previous: RawSet, current: RawSet) -> dict[str, list[str]]:
    """For each group, the entries (dotted) whose value differs between the two sets."""
    out: dict[str, list[str]] = {g: [] for g in GROUPS}
    for entry in _ENTRIES:
        a, b = body_at(previous.body, entry), body_at(current.body, entry)
        if (a is _MISSING) != (b is _MISSING) or (a is not _MISSING and a != b):
            out[KEY_GROUPS[".".join(entry)]].append(".".join(entry))
    return out


def hybrid(previous: RawSet, current: RawSet, taken: Iterable[str]) -> RawSet:
    """The previous set with the groups ``taken`` replaced by the current set's.

    Neither input is changed. The result's ``origins`` name, for each key path, the file
    of the set it came from; its ``files`` are the previous set's files then the current
    set's others.
    """
    taken = frozenset(taken)
    body = copy.deepcopy(previous.body)
    origins = {k: f for k, f in previous.origins.items() if group_of(k) not in taken}
    origins.update({k: f for k, f in current.origins.items()
                    if group_of(k) is not None and group_of(k) in taken})
    for entry in _ENTRIES:
        side = current if KEY_GROUPS[".".join(entry)] in taken else previous
        where = side.origin(entry)
        if where is not None:
            origins[entry] = where
        if side is previous:
            continue
        value = body_at(current.body, entry)
        if value is _MISSING:
            _drop(body, entry)
        else:
            _put(body, entry, copy.deepcopy(value))
    files = list(previous.files) + [f for f in current.files if f not in previous.files]
    overrides = [(k, f) for k, f in previous.overrides if group_of(k.split(".")) not in taken]
    overrides += [(k, f) for k, f in current.overrides if group_of(k.split(".")) in taken]
    return RawSet(body=body, origins=origins, files=files, overrides=overrides)
