"""The one exception family of the project.

Every error a user can cause by bad input is an :class:`ActuaryError`. Its message
names where (file, row or key path), which field, the offending value and what was
expected, so the CLI can print it without a traceback and exit with code 1.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ActuaryError",
    "DataError",
    "AssumptionError",
    "SchemeError",
    "TableError",
]


class ActuaryError(Exception):
    """Base class for errors caused by the user's input.

    Parameters
    ----------
    message
        What went wrong, in words.
    source
        The file (or logical source) the problem is in.
    location
        Row number (1-based, as a spreadsheet shows it) or dotted key path.
    field
        The column or parameter name.
    value
        The offending value, as read.
    expected
        What would have been accepted.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        location: str | int | None = None,
        field: str | None = None,
        value: Any = None,
        expected: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.location = location
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = []
        if self.source:
            parts.append(str(self.source))
        if self.location is not None and self.location != "":
            parts.append(f"at {self.location}")
        head = ", ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        details = []
        if self.field:
            details.append(f"field {self.field!r}")
        if self.value is not None:
            details.append(f"value {self.value!r}")
        if self.expected:
            details.append(f"expected {self.expected}")
        if details:
            text += " (" + "; ".join(details) + ")"
        return text


class DataError(ActuaryError):
    """Bad member, population or other data file."""


class AssumptionError(ActuaryError):
    """Bad assumption set (YAML or CSV) or an inconsistent combination of assumptions."""


class SchemeError(ActuaryError):
    """Bad or inconsistent scheme definition."""


class TableError(ActuaryError):
    """Bad or missing decrement / demographic table."""
