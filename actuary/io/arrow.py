"""pyarrow, imported where the toolkit uses it (Parquet files), not by pandas' import.

pandas imports pyarrow and pyarrow.compute when it is installed, for its Arrow-backed
types, which the toolkit does not use: about 0.05 s of CPU, a thirtieth of a warm
``actuary valuate``. A command that reads no Parquet file (``valuate``: its population
is a ``.csv`` or ``.xlsx`` file) hides pyarrow before pandas is first imported
(:func:`hide_from_pandas`); pandas then works as it does without pyarrow installed.
:func:`parquet` imports pyarrow's Parquet reader all the same when a Parquet file is read
after all, in any process: pyarrow converts its tables to pandas' own numpy-backed
types, which is all the toolkit asks of it (tested in a process that hid it).
"""

from __future__ import annotations

import sys
from types import ModuleType

from actuary.io.errors import DataError

__all__ = ["hide_from_pandas", "parquet"]


def hide_from_pandas() -> bool:
    """Make pandas' import find no pyarrow (see the module docstring); True if it was
    hidden, False where pandas or pyarrow is imported already (nothing changes then)."""
    if "pandas" in sys.modules or "pyarrow" in sys.modules:
        return False
    sys.modules["pyarrow"] = None  # type: ignore[assignment]  # "not importable"
    return True


def parquet() -> ModuleType:
    """``pyarrow.parquet``, imported now (and pyarrow un-hidden, if it was hidden).

    Raises
    ------
    DataError
        If pyarrow is not installed.
    """
    if "pyarrow" in sys.modules and sys.modules["pyarrow"] is None:
        del sys.modules["pyarrow"]
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow is a dependency
        raise DataError("reading Parquet needs the pyarrow package",
                        expected="pip install pyarrow") from exc
    return pq
