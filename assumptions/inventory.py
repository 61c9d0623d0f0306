"""Walking a validated assumption set: every parameter with its key path.

Used for the list of unverified items, the content hash and the parameters table
(the workbook's Assumptions sheet), so all three see the same items in the same order.

The set (:class:`.models.AssumptionSet`) uses these functions for its own methods, so
this module does not import it: a set is typed here as :data:`AssumptionSet`, any
pydantic model with the set's attributes (``coverage``, ``tables``, ``overrides``).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
from pydantic import BaseModel

from actuary.tables.digest import canonical_json

from .dated import DatedParameter
from .items import GDP, Constant, SexPair, TableRef, WholeYears
from .scheme import TransitionalCredits

#: An assumption set (:class:`actuary.assumptions.models.AssumptionSet`), named by
#: what it is without importing it (see the module docstring).
AssumptionSet = BaseModel

__all__ = [
    "iter_items",
    "iter_dated",
    "iter_table_refs",
    "unverified_items",
    "unused_items",
    "content_hash",
    "parameters_table",
    "value_summary",
    "overridden_by",
    "overriding_files",
    "canonical_json",
]


@functools.lru_cache(maxsize=None)
def _model_fields(cls: type[BaseModel]) -> tuple[tuple[str, ...], bool]:
    """Field names of a model class and whether its instances are items.

    An "item" carries its own reference and status: a parameter, a constant, a table
    use, the GDP... (an extension rule may have a status but is part of its parameter).
    Kept per class: every load of a set walks the same classes several times.
    """
    fields = cls.model_fields
    return tuple(fields), "status" in fields and "reference" in fields


def _is_item(node: BaseModel) -> bool:
    return _model_fields(type(node))[1]


def iter_items(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, BaseModel]]:
    """Every sub-model carrying a ``status`` field, depth first, in field order.

    A model with a private attribute ``_items`` (the assumption set) keeps its list
    there the first time: it is frozen, and loading a set walks it three times (its
    dated parameters named, its tables and its series checked).
    """
    private = None if prefix else model.__pydantic_private__
    if private is not None and "_items" in private:
        if private["_items"] is None:
            private["_items"] = tuple(_items(model, "", []))
        return iter(private["_items"])
    return iter(_items(model, prefix, []))


def _items(model: BaseModel, prefix: str, out: list) -> list[tuple[str, BaseModel]]:
    """:func:`iter_items` of ``model`` appended to ``out`` (which is returned)."""
    for name in _model_fields(type(model))[0]:
        value = getattr(model, name)
        if not isinstance(value, BaseModel):
            continue
        path = f"{prefix}.{name}" if prefix else name
        if _is_item(value):
            out.append((path, value))
        # Items can hold items (the GDP holds its growth series).
        out += [(f"{path}.{rest}", item) for rest, item in _inner_items(value)]
    return out


#: :func:`_inner_items` of frozen models: id -> (the model, its items). The model is
#: held, so no other takes its id while it is here. A set made by an override shares
#: its base's parts where it does not change them (loader._reusing): their items are
#: not walked again.
_INNER: dict[int, tuple[BaseModel, tuple[tuple[str, BaseModel], ...]]] = {}


def _inner_items(model: BaseModel) -> tuple[tuple[str, BaseModel], ...]:
    """The items inside ``model``, their key paths relative to it (kept for a frozen
    model: its fields, and theirs, cannot change)."""
    kept = _INNER.get(id(model))
    if kept is not None and kept[0] is model:
        return kept[1]
    items = tuple(_items(model, "", []))
    if model.model_config.get("frozen"):
        if len(_INNER) >= 4096:
            _INNER.clear()
        _INNER[id(model)] = (model, items)
    return items


def iter_dated(model: BaseModel) -> Iterator[tuple[str, DatedParameter]]:
    """Every dated parameter with its dotted key path."""
    for path, item in iter_items(model):
        if isinstance(item, DatedParameter):
            yield path, item


def iter_table_refs(model: BaseModel) -> Iterator[tuple[str, Any]]:
    """Every table reference with its dotted key path."""
    for path, item in iter_items(model):
        if isinstance(item, TableRef):
            yield path, item


def _description(path: str, item: Any) -> str:
    text = getattr(item, "description", None)
    if text:
        return text
    if hasattr(item, "table"):
        return f"table {item.table}"
    return path.rsplit(".", 1)[-1].replace("_", " ")


def unused_items(aset: AssumptionSet) -> dict[str, str]:
    """Key path -> why the set's choices leave that item unused by a valuation.

    With ``coverage.entrants_from: frame`` the contributors wanted and the new entrants'
    ages and sexes come from the population frame, not from the growth path.
    """
    if aset.coverage.entrants_from != "frame":
        return {}
    why = "not used: new entrants follow the population frame (coverage.entrants_from: frame)"
    return {path: why for path in ("coverage.active_growth", "coverage.entrant_age",
                                   "coverage.entrant_female_share")}


def unverified_items(aset: AssumptionSet) -> list[tuple[str, str, str, str]]:
    """(key path, description, status, reference) of every unverified item and table
    that the set uses (:func:`unused_items` are left out: nothing rests on them)."""
    unused = unused_items(aset)
    out = []
    for path, item in iter_items(aset):
        if path in unused:
            continue
        if item.status == "unverified":
            out.append((path, _description(path, item), "unverified", item.reference or ""))
        ext = getattr(item, "extend", None)
        if ext is not None and ext.status == "unverified" and item.status != "unverified":
            what = f"{_description(path, item)}: rule after the last date ({ext.describe()})"
            out.append((f"{path}.extend", what, "unverified", item.note or item.reference))
    for path, table in aset.tables.items():
        meta = table.meta
        if meta.status == "unverified" and path not in unused:
            out.append((f"{path}.table", f"{table.name}: {meta.description}", "unverified", meta.source))
    return out


def content_hash(aset: AssumptionSet) -> str:
    """SHA-256 of the canonical JSON of the set plus the digests of its tables' data."""
    payload = {"set": aset.model_dump(mode="json"), "tables": dict(aset._table_digests)}
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def value_summary(item: Any, limit: int | None = None) -> tuple[str, str]:
    """(values in words, unit) of one item; ``limit`` caps the dated values listed."""
    if isinstance(item, DatedParameter):
        return item.describe_values(limit), item.unit
    if isinstance(item, (Constant, WholeYears)):
        return f"{item.value:g}", item.unit
    if isinstance(item, SexPair):
        return f"M: {item.M:+d}, F: {item.F:+d}", item.unit
    if isinstance(item, GDP):
        return f"{item.value_khr:,.0f} in {item.base_year}", "KHR per year"
    if isinstance(item, TransitionalCredits):
        return f"extra years by age on {item.reference_date.isoformat()}: {_age_runs(item.extra_years)}", item.unit
    if isinstance(item, TableRef):
        scale = getattr(item, "scale", None)
        return (f"table {item.table}" + (f" x {scale:g}" if scale is not None else "")), "table"
    if hasattr(item, "value_summary"):  # an item that says its own values
        return item.value_summary()
    return "", ""


def overriding_files(aset: AssumptionSet, path: str) -> list[str]:
    """The overlays that changed the item at ``path``, a part of it or a whole holding it,
    in the order they were applied (the last one wrote what is in force)."""
    return [source for key, source in aset.overrides
            if key == path or key.startswith(path + ".") or path.startswith(key + ".")]


def overridden_by(aset: AssumptionSet, path: str) -> list[str]:
    """File names of the overlays that changed the item at ``path`` (or a part of it)."""
    return list(dict.fromkeys(Path(source).name for source in overriding_files(aset, path)))


def _age_runs(by_age: dict[int, float]) -> str:
    """``{30: 10, 31: 10, 32: 11}`` as ``30-31: 10, 32: 11`` (runs of equal values)."""
    runs: list[list[Any]] = []
    for age in sorted(by_age):
        value = by_age[age]
        if runs and runs[-1][2] == value and runs[-1][1] == age - 1:
            runs[-1][1] = age
        else:
            runs.append([age, age, value])
    return ", ".join(f"{a}{'' if a == b else f'-{b}'}: {v:g}" for a, b, v in runs)


def parameters_table(aset: AssumptionSet) -> pd.DataFrame:
    """One row per item: path, description, values, unit, status, reference, note.

    A table use without its own status or reference shows the table's (from the
    tables layer), and the note names the table's status.
    """
    rows = []
    unused = unused_items(aset)
    for path, item in iter_items(aset):
        values, unit = value_summary(item)
        status, reference, note = item.status, item.reference, item.note
        if path in unused:
            note = f"{unused[path]}; {note}" if note else unused[path]
        touched = overridden_by(aset, path)
        if touched:
            extra = "overridden by " + ", ".join(touched)
            note = f"{extra}; {note}" if note else extra
        table = aset.tables.get(path)
        if table is not None:
            status = status or table.meta.status
            reference = reference or table.meta.source
            extra = f"table {table.name}: kind {table.kind}, status {table.meta.status}"
            note = f"{note}; {extra}" if note else extra
        rows.append(
            {
                "path": path,
                "description": _description(path, item),
                "values": values,
                "unit": unit,
                "status": status or "",
                "reference": reference or "",
                "note": note or "",
            }
        )
    return pd.DataFrame(rows, columns=["path", "description", "values", "unit", "status", "reference", "note"])
