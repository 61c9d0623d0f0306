"""Building blocks shared by every assumption model.

* :class:`Strict`: the base of every model: unknown keys are errors (``extra="forbid"``)
  and a validated model cannot be changed afterwards (``frozen=True``), so a content
  hash taken once stays true.
* :data:`Status`: how sure we are of a value (see ``shared/cambodia/SCHEMES.md``).
* Number types that refuse what YAML would otherwise let through silently: booleans
  (``yes`` reads as ``True``), strings (``"0.5"``), NaN and infinities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StringConstraints

__all__ = [
    "Strict",
    "Status",
    "STATUSES",
    "Text",
    "Number",
    "WholeNumber",
    "bounded",
    "whole_bounded",
    "describe_bounds",
    "Bounds",
]

Status = Literal["confirmed", "secondary", "derived", "unverified"]
STATUSES: tuple[str, ...] = ("confirmed", "secondary", "derived", "unverified")

# A required piece of prose (description, reference): present and not blank.
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    """Base model: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _number(value: Any) -> float:
    # bool is a subclass of int in Python: reject it before the int check.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"wrong type ({type(value).__name__}); expected a number")
    if not math.isfinite(value):
        raise ValueError("not a finite number; expected a finite number")
    return float(value)


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"wrong type ({type(value).__name__}); expected a whole number")
    if not float(value).is_integer():
        raise ValueError("not a whole number; expected a whole number")
    return int(value)


Number = Annotated[float, BeforeValidator(_number)]
WholeNumber = Annotated[int, BeforeValidator(_whole)]


def describe_bounds(
    lo: float | None, hi: float | None, lo_open: bool = False, hi_open: bool = False
) -> str:
    """Words for an interval, e.g. ``[0, 1]``, ``(-1, 1)``, ``>= 0``."""
    if lo is not None and hi is not None:
        return f"{'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"
    if lo is not None:
        return f"{'>' if lo_open else '>='} {lo:g}"
    if hi is not None:
        return f"{'<' if hi_open else '<='} {hi:g}"
    return "any number"


def _in_bounds(
    x: float, lo: float | None, hi: float | None, lo_open: bool, hi_open: bool
) -> bool:
    if lo is not None and (x < lo or (lo_open and x == lo)):
        return False
    if hi is not None and (x > hi or (hi_open and x == hi)):
        return False
    return True


def _phrase(what: str, lo: float | None, hi: float | None, lo_open: bool, hi_open: bool) -> str:
    interval = describe_bounds(lo, hi, lo_open, hi_open)
    return f"{what} in {interval}" if lo is not None and hi is not None else f"{what} ({interval})"


def _bound_check(
    what: str, lo: float | None, hi: float | None, lo_open: bool, hi_open: bool
) -> Callable[[float], float]:
    message = f"out of range; expected {_phrase(what, lo, hi, lo_open, hi_open)}"

    def check(x: float) -> float:
        if not _in_bounds(x, lo, hi, lo_open, hi_open):
            raise ValueError(message)
        return x

    return check


def bounded(
    what: str,
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
) -> Any:
    """A number type restricted to an interval; ``what`` names it in the error message."""
    return Annotated[
        float, BeforeValidator(_number), AfterValidator(_bound_check(what, lo, hi, lo_open, hi_open))
    ]


def whole_bounded(what: str, lo: int | None = None, hi: int | None = None) -> Any:
    """A whole number restricted to a closed interval."""
    return Annotated[int, BeforeValidator(_whole), AfterValidator(_bound_check(what, lo, hi, False, False))]


@dataclass(frozen=True)
class Bounds:
    """An interval of accepted values with the words that name it in messages.

    One object gives both the pydantic type (:attr:`type`, for values read from a file)
    and the check of values made later by an extension rule (:meth:`contains`), so the
    two can never disagree.
    """

    what: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False

    @property
    def type(self) -> Any:
        return bounded(self.what, self.lo, self.hi, lo_open=self.lo_open, hi_open=self.hi_open)

    def contains(self, x: float) -> bool:
        return _in_bounds(x, self.lo, self.hi, self.lo_open, self.hi_open)

    def describe(self) -> str:
        return _phrase(self.what, self.lo, self.hi, self.lo_open, self.hi_open)
