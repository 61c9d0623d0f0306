"""The command line's check of output names, with the toolkit's shipped data protected.

:func:`actuary.io.fileio.check_outputs` does the checking; it is told here which folders
hold the shipped assumption sets, tables and populations, because the file layer sits
below the tables and the sets and does not import them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from actuary.assumptions.registry import DATA_DIR as SETS
from actuary.io import fileio
from actuary.tables.catalogue import DATA_DIR as TABLES

__all__ = ["SHIPPED_DATA", "check_outputs"]

#: Folders of the toolkit's own data, which no output may replace (the shipped sets,
#: the shipped starting populations under them, the shipped tables).
SHIPPED_DATA = (SETS, TABLES)


def check_outputs(outputs: Iterable[tuple[str, str | os.PathLike[str] | None, tuple[str, ...]]],
                  inputs: Iterable[str | os.PathLike[str] | None] = ()) -> None:
    """:func:`actuary.io.fileio.check_outputs` with :data:`SHIPPED_DATA` protected.

    Raises
    ------
    DataError
        As :func:`actuary.io.fileio.check_outputs`, and for an output inside the
        toolkit's shipped data.
    """
    fileio.check_outputs(outputs, inputs, protected=SHIPPED_DATA)
