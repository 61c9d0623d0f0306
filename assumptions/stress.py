"""Sensitivities and shocks as data: what a valuation tests beside its own assumptions.

An assumption set may list its own ``sensitivities`` and ``shocks``; without them the
valuation runs the shipped default lists, ``data/sensitivities/default.yaml`` and
``data/shocks/default.yaml``. ``actuary valuate --shock FILE`` runs the shocks of a
user's file instead of the set's.

A sensitivity changes one assumption, either as an ``overlay`` on the set (dotted key
path -> value, as in a reform file's ``overrides``; a value ``{plus: x}`` adds ``x`` to
every value at that path, ``{times: x}`` multiplies them, where the path is a dated
parameter, a number or a mapping of numbers) or, for what no key of the set expresses,
as a named ``adjust``: ``contributors_growth`` (the contributors wanted each year grow
that much a year less or more than the base's path, compounded) or ``starting_wages``
(the starting population's wages times a factor).

A shock is a ``suspension`` of contributions (from a month, for some months, by a share
of employers, with the months credited or not) or an ``employment`` shock (contributors
fall by a share in a year and recover along a path). See
:mod:`actuary.analysis.sensitivity` for how each is applied and what it approximates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator

from .base import Number, Strict, Text, WholeNumber, bounded

__all__ = ["Adjust", "SensitivitySpec", "Suspension", "EmploymentShock", "ShockSpec",
           "SensitivityList", "ShockList", "default_sensitivities", "default_shocks",
           "read_shocks", "DATA", "OPERATORS"]

DATA = Path(__file__).parent / "data"
#: The operators an overlay value may use on the value found at its path.
OPERATORS = ("plus", "times")

Share = bounded("a share", 0.0, 1.0)


class Adjust(Strict):
    """A change no key of the set expresses (exactly one field given)."""

    contributors_growth: Number | None = None
    starting_wages: bounded("a factor on the starting wages", 0.0, 10.0, lo_open=True) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _one(self) -> "Adjust":
        given = [k for k in ("contributors_growth", "starting_wages") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of contributors_growth, starting_wages (got {given or 'none'})")
        return self


class SensitivitySpec(Strict):
    """One one-at-a-time test: ``name``, the ``assumption`` it tests (tests of the same
    assumption are ranked together), what it changes (``description``) and how
    (``overlay`` or ``adjust``)."""

    name: Text
    assumption: Text
    description: Text
    overlay: dict[str, Any] | None = None
    adjust: Adjust | None = None

    @field_validator("overlay")
    @classmethod
    def _operators(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        for key, value in (v or {}).items():
            if isinstance(value, dict) and set(value) & set(OPERATORS):
                if len(value) != 1:
                    raise ValueError(f"{key}: an operator stands alone; expected {{plus: x}} "
                                     f"or {{times: x}}, got {sorted(value)}")
                (op, x), = value.items()
                if isinstance(x, bool) or not isinstance(x, (int, float)):
                    raise ValueError(f"{key}: {op} takes a number, got {x!r}")
        return v

    @model_validator(mode="after")
    def _how(self) -> "SensitivitySpec":
        if (self.overlay is None) == (self.adjust is None):
            raise ValueError("give exactly one of overlay and adjust")
        if self.overlay is not None and not self.overlay:
            raise ValueError("overlay is empty; expected dotted key path -> value")
        return self


def _month(value: Any) -> Any:
    """``2026-03`` (a string) or a date -> the first day of that month."""
    if isinstance(value, date):
        return date(value.year, value.month, 1)
    if isinstance(value, str):
        try:
            year, month = (int(p) for p in value.strip().split("-")[:2])
            return date(year, month, 1)
        except ValueError:
            pass
    raise ValueError(f"expected a month as YYYY-MM, got {value!r}")


class Suspension(Strict):
    """Contributions suspended from the month ``start`` (``YYYY-MM``) for ``months``
    months by a share ``employers`` of employers; ``credits_kept``: the months still
    count as credited service."""

    start: date
    months: bounded("a number of months", 0.0, 120.0, lo_open=True)  # type: ignore[valid-type]
    employers: Share = 1.0  # type: ignore[valid-type]
    credits_kept: bool

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, v: Any) -> Any:
        return _month(v)


class EmploymentShock(Strict):
    """Contributors fall by ``fall`` (a share of the base's) in calendar year ``start``
    and recover linearly to the base's path over ``recovery_years`` years, or along
    ``path`` (the shortfall of each year from ``start``, a share)."""

    start: WholeNumber
    fall: Share | None = None  # type: ignore[valid-type]
    recovery_years: WholeNumber | None = None
    path: list[Share] | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _shape(self) -> "EmploymentShock":
        if self.path is not None:
            if self.fall is not None or self.recovery_years is not None:
                raise ValueError("give path, or fall with recovery_years, not both")
            if not self.path:
                raise ValueError("path is empty; expected the shortfall of each year")
        elif self.fall is None or self.recovery_years is None or self.recovery_years < 1:
            raise ValueError("give fall and recovery_years (at least 1), or path")
        return self

    def shortfall(self) -> list[float]:
        """The share of the base's contributors missing in each year from ``start``."""
        if self.path is not None:
            return [float(x) for x in self.path]
        n = int(self.recovery_years)  # type: ignore[arg-type]
        return [float(self.fall) * (1.0 - k / n) for k in range(n)]  # type: ignore[arg-type]


class ShockSpec(Strict):
    """One shock: ``name``, ``description`` and exactly one of ``suspension`` and
    ``employment``."""

    name: Text
    description: Text
    suspension: Suspension | None = None
    employment: EmploymentShock | None = None

    @model_validator(mode="after")
    def _kind(self) -> "ShockSpec":
        if (self.suspension is None) == (self.employment is None):
            raise ValueError("give exactly one of suspension and employment")
        return self


class SensitivityList(Strict):
    """A file of sensitivities."""

    description: Text
    sensitivities: list[SensitivitySpec] = Field(min_length=1)


class ShockList(Strict):
    """A file of shocks."""

    description: Text
    shocks: list[ShockSpec] = Field(min_length=1)


def default_sensitivities() -> tuple[SensitivitySpec, ...]:
    """The shipped default list (``data/sensitivities/default.yaml``)."""
    from .problems import read_validated

    return tuple(read_validated(DATA / "sensitivities" / "default.yaml",
                                SensitivityList).sensitivities)


def default_shocks() -> tuple[ShockSpec, ...]:
    """The shipped default list (``data/shocks/default.yaml``)."""
    return read_shocks(DATA / "shocks" / "default.yaml")


def read_shocks(path: str | Path) -> tuple[ShockSpec, ...]:
    """The shocks of a file (``description`` and a ``shocks`` list), validated.

    Raises
    ------
    actuary.io.errors.AssumptionError
        Unreadable or malformed file, or a key or value the models refuse (naming the
        file, the key and what was expected).
    """
    from .problems import read_validated

    return tuple(read_validated(path, ShockList).shocks)
