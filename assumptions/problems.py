"""Problems found in an assumption set, reported together in our message format.

Every check (pydantic validation, overlays, tables, coverage of the horizon) adds
:class:`Problem` objects; the loader raises one :class:`BasisInvalid` listing all of
them, one line each: file, dotted key path, what is wrong, the value and what was
expected. pydantic's own error dump is never shown. :func:`read_validated` does the
same for any other YAML file validated by a pydantic model (the reform designs).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Callable, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from actuary.io.errors import ActuaryError, AssumptionError
from actuary.io.yamlio import read_mapping

__all__ = [
    "Problem", "BasisInvalid", "from_validation", "from_error", "model_at", "dotted", "read_validated",
]

_TYPE_ERRORS_SUFFIXES = ("_type", "_parsing", "_from_float")


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where (file, key path), what, the value and what was expected."""

    source: str | None
    path: str
    message: str
    value: Any = None
    expected: str | None = None

    def to_error(self) -> AssumptionError:
        return AssumptionError(
            self.message, source=self.source, location=self.path or None, value=self.value, expected=self.expected
        )

    def __str__(self) -> str:
        return str(self.to_error())


class BasisInvalid(AssumptionError):
    """An assumption set with one or more problems (all listed in the message).

    Attributes
    ----------
    problems
        The individual problems, in the order found.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        if len(self.problems) == 1:
            p = self.problems[0]
            super().__init__(p.message, source=p.source, location=p.path or None, value=p.value, expected=p.expected)
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            super().__init__(f"{len(self.problems)} problems in the assumption set:\n{lines}")


def dotted(loc: tuple[Any, ...]) -> str:
    """A pydantic location as a dotted key path (dates as YYYY-MM-DD)."""
    return ".".join(p.isoformat() if isinstance(p, date) else str(p) for p in loc)


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class found at key path ``loc`` below ``model`` (None if not a model)."""
    cls: Any = model
    for seg in loc:
        if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
            return None
        field = cls.model_fields.get(str(seg))
        if field is None:
            return None
        cls = _unwrap(field.annotation)
    return cls if isinstance(cls, type) and issubclass(cls, BaseModel) else None


def _short(value: Any) -> Any:
    """The offending value, cut down when it is a whole mapping or list."""
    if isinstance(value, dict):
        keys = ", ".join(str(k) for k in list(value)[:6])
        return f"<mapping with keys {keys}{', ...' if len(value) > 6 else ''}>"
    if isinstance(value, list):
        return f"<list of {len(value)} items>"
    if isinstance(value, str) and len(value) > 80:
        return value[:77] + "..."
    return value


def _split_expected(text: str) -> tuple[str, str | None]:
    if text.startswith("expected "):
        return "invalid value", text[len("expected ") :]
    if "; expected " in text:
        head, tail = text.split("; expected ", 1)
        return head, tail
    return text, None


def from_validation(
    exc: ValidationError, model: type[BaseModel], origin: Callable[[tuple[str, ...]], str | None]
) -> list[Problem]:
    """Translate a pydantic ValidationError into problems, one per error.

    ``origin(path)`` names the file a key path came from (overlays and the scheme file
    make this differ from the set file).
    """
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        keys = tuple(p.isoformat() if isinstance(p, date) else str(p) for p in loc)
        source = origin(keys)
        kind, msg, value = err["type"], err["msg"], err.get("input")
        expected: str | None
        if kind == "missing":
            message, value, expected = f"required key '{keys[-1]}' is missing", None, None
            parent = model_at(model, loc[:-1])
            if parent is not None and keys[-1] in parent.model_fields:
                expected = f"a value for '{keys[-1]}'"
        elif kind == "extra_forbidden":
            message = f"unknown key '{keys[-1]}'"
            parent = model_at(model, loc[:-1])
            expected = "one of: " + ", ".join(parent.model_fields) if parent is not None else None
        elif kind in ("value_error", "assertion_error"):
            message, expected = _split_expected(msg.removeprefix("Value error, ").removeprefix("Assertion failed, "))
        elif kind == "model_type":
            target = model_at(model, loc)
            message = "wrong type"
            expected = ("a mapping with keys " + ", ".join(target.model_fields)) if target is not None else "a mapping"
        elif msg.startswith("Input should be "):
            message = "wrong type" if kind.endswith(_TYPE_ERRORS_SUFFIXES) else "invalid value"
            expected = msg[len("Input should be ") :]
        else:
            message, expected = msg, None
        problems.append(Problem(source, dotted(keys), message, _short(value), expected))
    return problems


def from_error(exc: ActuaryError, source: str | None, path: str) -> Problem:
    """A problem from an ActuaryError raised by a later check (tables, yearly())."""
    location = exc.location if exc.location is not None else path
    return Problem(exc.source or source, str(location), exc.message, exc.value, exc.expected)


def read_validated(path: str | Path, model: Any) -> Any:
    """Read a YAML file (:func:`actuary.io.yamlio.read_mapping`) and validate it as the
    pydantic ``model`` (a reform design, say), problems reported as for a set.

    Raises
    ------
    AssumptionError
        Unreadable or malformed file, a repeated key, or a key or value the model
        refuses (naming the file, the key and what was expected).
    """
    path = Path(path)
    raw = read_mapping(path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise BasisInvalid(from_validation(exc, model, lambda _keys: str(path))) from None
