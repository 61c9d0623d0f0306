"""Reading assumption YAML: ``safe_load`` only, duplicate keys refused, errors located.

PyYAML keeps the last of two equal keys without a word; for dated values that would
silently drop a step, so a duplicate key is an error with its line and column.
"""

from __future__ import annotations

import copy
import functools
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError

from actuary.errors import AssumptionError

__all__ = ["read_mapping", "read_validated"]


# libyaml's parser when PyYAML was built with it (about 10x faster on the shipped
# files); the constructor, hence the safe-load rules and the check below, is the same.
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """Safe loader that raises on a key repeated in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # unhashable key: the base class reports it
                continue
            if first is not None:
                raise ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found the key {key!s} twice (first at line {first.line + 1}); each key may appear once",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def read_mapping(path: Path) -> dict[str, Any]:
    """Read a YAML file whose top level is a mapping.

    A file read before and unchanged since (same size and modification time) is not
    parsed again: sensitivity tests load the same base set a dozen times. The caller
    gets its own copy either way.

    Raises
    ------
    AssumptionError
        If the file cannot be read, is not valid YAML (with line and column), repeats a
        key, or is not a mapping at the top level.
    """
    try:
        st = path.stat()
        stamp: tuple | None = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        stamp = None  # _parse_mapping reports it
    if stamp is None:
        return _parse_mapping(path)
    return _copy_tree(_parse_cached(stamp, path))


def read_validated(path: str | Path, model: Any) -> Any:
    """Read a YAML file (:func:`read_mapping`) and validate it as the pydantic ``model``.

    Raises
    ------
    AssumptionError
        Unreadable or malformed file, a repeated key, or a key or value the model
        refuses (naming the file, the key and what was expected).
    """
    from pydantic import ValidationError

    from actuary.assumptions.problems import BasisInvalid, from_validation

    path = Path(path)
    raw = read_mapping(path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise BasisInvalid(from_validation(exc, model, lambda _keys: str(path))) from None


def _copy_tree(node: Any) -> Any:
    """A copy of a parsed YAML tree: new mappings and lists, the scalars shared.

    Safe-loaded scalars (text, numbers, booleans, dates, None) are immutable, so only
    the containers need copying; anything else falls back to :func:`copy.deepcopy`.
    Several times faster than ``deepcopy`` on the shipped sets.
    """
    if isinstance(node, dict):
        return {k: _copy_tree(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy_tree(v) for v in node]
    if node is None or isinstance(node, (str, int, float, date)):
        return node
    return copy.deepcopy(node)


@functools.lru_cache(maxsize=128)
def _parse_cached(stamp: tuple, path: Path) -> dict[str, Any]:
    return _parse_mapping(path)


def _parse_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AssumptionError(f"cannot read the file: {exc.strerror or exc}", source=str(path)) from None
    except UnicodeDecodeError as exc:
        raise AssumptionError(
            f"the file is not UTF-8 text (byte {exc.start})", source=str(path), expected="a UTF-8 YAML file"
        ) from None
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{what} ({exc.context})"
        raise AssumptionError(f"malformed YAML: {what}", source=str(path), location=where) from None
    except yaml.YAMLError as exc:
        raise AssumptionError(f"malformed YAML: {exc}", source=str(path)) from None
    if not isinstance(data, dict):
        raise AssumptionError(
            "the top level is not a mapping of keys",
            source=str(path),
            value=None if data is None else type(data).__name__,
            expected="a YAML mapping (key: value lines)",
        )
    return data
