"""Reading a set file with its bases: overlays applied, the scheme merged in.

A *full* set file has ``base: null`` (or no ``base``) and every section. An *overlay*
(a reform or a sensitivity) names a ``base`` (a shipped set or a path relative to
itself) and changes only what it lists under ``overrides``, by dotted key path into
the base after the scheme file has been merged in as ``scheme``::

    overrides:
      scheme.parameters.accrual_rate: {values: {2022-10-01: 0.0175}, ...}
      economic.investment_return.values: {2025-01-01: 0.06}
      demographic.mortality.scale: 0.9

A mapping given for a mapping is merged into it key by key (so
``{values: ..., reference: ..., status: ...}`` changes those three keys of a parameter
and keeps its description and unit); anything else replaces what is at the path. The
mappings in :data:`REPLACED_WHOLE` are always replaced as a whole: a dated parameter's
``values`` are never merged date by date, and an extension rule is never half-changed.
Bases resolve recursively; a cycle is an error naming the chain. Every key path
remembers which file set it, so later errors name that file, and the set lists the
overrides it received.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from actuary.io.yamlio import read_mapping

from .problems import BasisInvalid, Problem, model_at
from .registry import resolve

__all__ = ["RawSet", "read_set", "apply_overrides", "OVERLAY_KEYS", "REPLACED_WHOLE"]

OVERLAY_KEYS = ("name", "description", "base", "overrides")
REPLACED_WHOLE = frozenset({"values", "extend", "extra_years"})


@dataclass
class RawSet:
    """A set as plain data, before validation, with where each part came from.

    Attributes
    ----------
    body
        The merged mapping (scheme included) that :class:`AssumptionSet` validates.
    origins
        Key path (tuple) -> file that set it; ``()`` is the full set's file.
    files
        Files read: the set first, then its bases, then scheme files.
    overrides
        (dotted key path, file) of each override applied, in order.
    """

    body: dict[str, Any]
    origins: dict[tuple[str, ...], str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    overrides: list[tuple[str, str]] = field(default_factory=list)

    def origin(self, keys: tuple[str, ...]) -> str | None:
        """The file that set the longest prefix of ``keys``."""
        for n in range(len(keys), -1, -1):
            if keys[:n] in self.origins:
                return self.origins[keys[:n]]
        return None


def read_set(path: Path, chain: tuple[Path, ...] = ()) -> RawSet:
    """Read a set file and everything it rests on (bases, scheme file).

    Raises
    ------
    AssumptionError
        For unreadable or malformed files, a missing base or scheme, a cycle of bases,
        bad overlay keys or override paths that do not exist in the base.
    """
    if path in chain:
        names = " -> ".join(str(p) for p in (*chain, path))
        raise BasisInvalid([Problem(str(chain[-1]), "base", f"cycle of bases: {names}", expected="bases that end in a full set")])
    data = read_mapping(path)
    if data.get("base") is None:
        return _full_set(path, data)
    return _overlay(path, data, chain)


def _full_set(path: Path, data: dict[str, Any]) -> RawSet:
    if "overrides" in data:
        raise BasisInvalid(
            [Problem(str(path), "overrides", "overrides need a base to apply to", expected="a 'base:' naming the set to change")]
        )
    raw = RawSet(body=data, origins={(): str(path)}, files=[str(path)])
    _merge_scheme(raw, path.parent, str(path))
    return raw


def _merge_scheme(raw: RawSet, relative_to: Path, asked_in: str) -> None:
    ref = raw.body.get("scheme")
    if isinstance(ref, str):
        scheme_path = resolve(ref, relative_to, "scheme", asked_in)
        raw.body["scheme"] = read_mapping(scheme_path)
        raw.origins[("scheme",)] = str(scheme_path)
        raw.files.append(str(scheme_path))


def _overlay(path: Path, data: dict[str, Any], chain: tuple[Path, ...]) -> RawSet:
    source = str(path)
    problems = [
        Problem(source, str(k), f"unknown key '{k}' in an overlay file", expected="one of: " + ", ".join(OVERLAY_KEYS))
        for k in data
        if k not in OVERLAY_KEYS
    ]
    problems += [Problem(source, "name", "required key 'name' is missing")] if "name" not in data else []
    base = data["base"]
    if not isinstance(base, str):
        problems.append(Problem(source, "base", "wrong type", base, "the name of a shipped set or a path"))
    overrides = data.get("overrides") or {}
    if not isinstance(overrides, dict):
        problems.append(Problem(source, "overrides", "wrong type", type(overrides).__name__, "a mapping of key path: value"))
    if isinstance(overrides, dict):
        # an overlay's own keys are set at its top level; under overrides they would be
        # replaced by those top-level values afterwards and do nothing
        problems += [Problem(source, f"overrides.{k}", f"an overlay's own '{str(k).split('.')[0]}' "
                             "cannot be overridden: it would be replaced by the overlay's "
                             "top-level value and do nothing", str(k),
                             f"'{str(k).split('.')[0]}:' at the top of the file (the base it "
                             "changes)" if str(k).split(".")[0] == "base" else
                             f"'{str(k).split('.')[0]}:' at the top of the file")
                     for k in overrides if str(k).split(".")[0] in OVERLAY_KEYS]
    if problems:
        raise BasisInvalid(problems)

    raw = read_set(resolve(base, path.parent, "set", source), (*chain, path))
    apply_overrides(raw, overrides, source, path.parent)
    # the description is optional: a one-line reform needs no prose to be valued
    data = {"description": f"{data['name']} (overlay on {base})", **data}
    for key in ("name", "description", "base"):
        raw.body[key] = data[key]
        raw.origins[(key,)] = source
    raw.files.insert(0, source)
    return raw


def apply_overrides(raw: RawSet, overrides: dict[str, Any], source: str,
                    relative_to: Path) -> None:
    """Apply ``overrides`` (dotted key path -> value) to ``raw`` in place.

    ``source`` is where the overrides were written (an overlay file, or a label such as
    ``"override in memory of cambodia-default"``): every key they set remembers it, so
    later errors name it. A scheme named by an override is read relative to
    ``relative_to``.

    Raises
    ------
    BasisInvalid
        Listing every override whose key path does not exist in the base, or that would
        change the set's ``base`` (an overlay names its base once, at the top).
    """
    problems = []
    for key, value in overrides.items():
        key = str(key)
        if key == "base" or key.startswith("base."):
            problems.append(Problem(source, f"overrides.{key}", "the base cannot be overridden",
                                    key, "'base:' at the top of the overlay, naming the set to change"))
            continue
        problem = _apply(raw.body, key, value)
        if problem:
            problems.append(Problem(source, f"overrides.{key}", *problem))
            continue
        raw.origins[tuple(key.split("."))] = source
        raw.overrides.append((key, source))
        if key == "scheme" and isinstance(value, str):
            _merge_scheme(raw, relative_to, source)
    if problems:
        raise BasisInvalid(problems)


def _apply(body: dict[str, Any], key: str, value: Any) -> tuple[str, Any, str | None] | None:
    """Put ``value`` at dotted ``key`` in ``body``; (message, value, expected) if impossible.

    Every segment must exist in the base, except the last one when it is a known but
    optional key of the model there (e.g. adding a ``note``).
    """
    from .models import AssumptionSet

    parts = key.split(".")
    if any(not p for p in parts):
        return ("empty segment in the key path", key, "keys separated by single dots")
    inside = [i for i, p in enumerate(parts[:-1]) if p in REPLACED_WHOLE]
    if inside:
        at = ".".join(parts[: inside[0] + 1])
        return (
            f"'{parts[inside[0]]}' is replaced as a whole, not key by key (a dated parameter's values are never merged date by date)",
            key,
            f"an override of '{at}' with all its keys",
        )
    node: Any = body
    for i, seg in enumerate(parts[:-1]):
        if not isinstance(node, dict) or seg not in node:
            return (f"unknown key path: '{'.'.join(parts[: i + 1])}' is not in the base", key, _keys_of(node))
        node = node[seg]
    last = parts[-1]
    if not isinstance(node, dict):
        return (f"unknown key path: '{'.'.join(parts[:-1])}' holds a value, not keys", key, None)
    if last not in node:
        model = model_at(AssumptionSet, tuple(parts[:-1]))
        if model is None or last not in model.model_fields:
            return (f"unknown key path: '{key}' is not in the base", key, _keys_of(node))
    node[last] = _merged(node.get(last), value, last)
    return None


def _merged(old: Any, new: Any, key: str) -> Any:
    """``new`` merged into ``old`` key by key when both are mappings (see module docstring)."""
    if key in REPLACED_WHOLE or not (isinstance(old, dict) and isinstance(new, dict)):
        return new
    out = dict(old)
    for k, v in new.items():
        out[k] = _merged(old.get(k), v, str(k))
    return out


def _keys_of(node: Any) -> str | None:
    if isinstance(node, dict) and node:
        return "one of the keys there: " + ", ".join(str(k) for k in node)
    return None
