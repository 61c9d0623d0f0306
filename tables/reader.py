"""Reading a table a user drops in: ``NAME.csv`` plus its sidecar ``NAME.yaml``.

The CSV is read with its numbers as numbers (:func:`read_numbers`) and, when that
finds something amiss, as text, so that every bad cell can be reported as written
with its 1-based line number in the file (line 1 is the header). The sidecar is read by the project's
one YAML reader, :func:`actuary.io.yamlio.read_mapping` (safe loading, errors
on one line with file, line, key and value). See tables/README.md for the format.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from actuary.io.errors import TableError
from actuary.io.fileio import input_file, refuse_control_characters
from actuary.tables.schema import (
    SEXES,
    Dimensions,
    TableMeta,
    check_frame,
    check_kind,
    check_status,
)
from actuary.io.yamlio import read_mapping

__all__ = ["sidecar_path", "read_sidecar", "read_rows", "read_numbers", "read_table_files",
           "read_checked"]

_META_KEYS = ("description", "unit", "source", "licence", "status", "method")
_KNOWN_KEYS = {"name", "kind", "dimensions", *_META_KEYS}


def sidecar_path(csv_path: Path) -> Path:
    """The sidecar of ``csv_path``: same folder and stem, ``.yaml`` (or ``.yml``)."""
    for suffix in (".yaml", ".yml"):
        candidate = csv_path.with_suffix(suffix)
        if candidate.exists():
            return candidate
    return csv_path.with_suffix(".yaml")


def read_sidecar(path: Path) -> tuple[str, str, TableMeta, Dimensions]:
    """Read and check a sidecar.

    Returns
    -------
    name, kind, meta, declared
        ``name`` defaults to the file stem. ``declared`` holds the dimensions the
        rows must match.
    """
    src = str(path)
    if not path.exists():
        raise TableError(
            "metadata sidecar not found", source=src,
            expected=f"a YAML file {path.name} beside the CSV (see tables/README.md)",
        )
    doc = read_mapping(path, error=TableError)
    kind = check_kind(doc.get("kind"), src)
    status = check_status(doc.get("status"), src)
    source_text = doc.get("source")
    if source_text is None or not str(source_text).strip():
        raise TableError(
            "missing source", source=src, field="source",
            expected="a citation of where the values come from",
        )
    meta = TableMeta(
        description=str(doc.get("description") or ""),
        unit=str(doc.get("unit") or ""),
        source=str(source_text).strip(),
        licence=str(doc.get("licence") or "not stated"),
        status=status,
        method=str(doc.get("method") or ""),
        extra={k: v for k, v in doc.items() if k not in _KNOWN_KEYS},
    )
    name = str(doc.get("name") or path.stem)
    declared = _read_dimensions(doc.get("dimensions"), src)
    return name, kind, meta, declared


def _read_dimensions(dims: Any, src: str) -> Dimensions:
    """Parse ``dimensions: {sex: [...], age: [first, last], year: [first, last], year_step}``."""
    expected = "dimensions: {sex: [M, F], age: [first, last]} and optionally year: [first, last]"
    if not isinstance(dims, dict):
        raise TableError("missing dimensions", source=src, field="dimensions", expected=expected)
    sexes = dims.get("sex")
    if isinstance(sexes, str):
        sexes = [sexes]
    if not isinstance(sexes, list) or not sexes or any(s not in SEXES for s in sexes):
        raise TableError(
            "bad dimensions.sex", source=src, location="dimensions.sex", field="sex",
            value=sexes, expected="a list of M and/or F, or [B] for no sex dimension",
        )
    if "B" in sexes and len(sexes) > 1:
        raise TableError(
            "bad dimensions.sex", source=src, location="dimensions.sex", field="sex",
            value=sexes, expected="[B] alone, or M and/or F",
        )
    age_first, age_last = _pair(dims.get("age"), "age", src)
    years = None
    if dims.get("year") is not None:
        y_first, y_last = _pair(dims.get("year"), "year", src)
        step = dims.get("year_step", 1)
        if not isinstance(step, int) or isinstance(step, bool) or step < 1:
            raise TableError(
                "bad dimensions.year_step", source=src, location="dimensions.year_step",
                field="year_step", value=step, expected="a whole number >= 1",
            )
        years = tuple(range(y_first, y_last + 1, step))
        if years[-1] != y_last:
            raise TableError(
                "dimensions.year does not end on a step", source=src, location="dimensions.year",
                field="year", value=[y_first, y_last],
                expected=f"a last year reached from {y_first} in steps of {step}",
            )
    ordered = tuple(s for s in SEXES if s in sexes)
    return Dimensions(ordered, age_first, age_last, years)


def _pair(value: Any, what: str, src: str) -> tuple[int, int]:
    """``[first, last]`` as two ints with first <= last."""
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        and value[0] <= value[1]
    )
    if not ok:
        raise TableError(
            f"bad dimensions.{what}", source=src, location=f"dimensions.{what}", field=what,
            value=value, expected="[first, last] as two whole numbers, first <= last",
        )
    return int(value[0]), int(value[1])


def read_rows(path: Path) -> pd.DataFrame:
    """The CSV as text cells, one frame row per file line after the header.

    Blank lines are kept (as empty cells) so that positional row ``i`` is file
    line ``i + 2`` and gets reported rather than silently skipped.
    """
    input_file(path, "a CSV file", TableError)
    refuse_control_characters(path, error=TableError)  # pandas cuts a field at a NUL
    try:
        return pd.read_csv(
            path, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8"
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        # pandas ends some messages with a line break: the error stays on one line
        text = " ".join(str(exc).split())
        raise TableError(f"cannot read CSV: {text}", source=str(path)) from exc


def read_table_files(csv_path: Path) -> tuple[str, str, TableMeta, pd.DataFrame]:
    """Read and check a CSV with its sidecar.

    Returns
    -------
    name, kind, meta, frame
        ``frame`` is typed and sorted (see :func:`actuary.tables.schema.check_frame`).
    """
    return read_checked(csv_path)[:4]


def read_checked(csv_path: Path) -> tuple[str, str, TableMeta, pd.DataFrame, Dimensions]:
    """:func:`read_table_files` and the dimensions the checked rows have."""
    name, kind, meta, declared = read_sidecar(sidecar_path(csv_path))

    def checked(rows: pd.DataFrame) -> tuple[pd.DataFrame, Dimensions]:
        return check_frame(rows, kind, source=str(csv_path), declared=declared,
                           row_label=lambda i: f"line {i + 2}")

    numbers = read_numbers(csv_path)
    if numbers is not None:
        try:
            frame, dims = checked(numbers)
            return name, kind, meta, frame, dims
        except TableError:
            pass  # named below from the text, with the cell as the file writes it
    frame, dims = checked(read_rows(csv_path))
    return name, kind, meta, frame, dims


def read_numbers(path: Path) -> pd.DataFrame | None:
    """The CSV with ``age``, ``year`` and ``value`` read as numbers, when each of their
    cells is a finite number and the columns are those of a table; else None.

    pandas' round-trip parser reads a number as Python's ``float`` does (correctly
    rounded), so the checked frame is the one :func:`read_rows`' text gives, without
    the text: the largest shipped table (33,522 rows) is read and checked in about half
    the time. Anything else (a blank line, a word, a stray column, a cell pandas cannot
    split) is left to :func:`read_rows`, whose text names the cell.
    """
    input_file(path, "a CSV file", TableError)
    refuse_control_characters(path, error=TableError)
    try:
        df = pd.read_csv(path, dtype={"sex": str}, keep_default_na=False,
                         skip_blank_lines=False, encoding="utf-8",
                         float_precision="round_trip")
    except ValueError:  # pandas' parser errors, an empty file, bytes that are not UTF-8
        return None
    if set(df.columns) not in ({"sex", "age", "value"}, {"sex", "age", "year", "value"}):
        return None
    numeric = [c for c in ("age", "year", "value") if c in df.columns]
    for column in numeric:
        values = df[column].to_numpy()
        if values.dtype.kind not in "iuf" or (values.dtype.kind == "f"
                                               and not np.isfinite(values).all()):
            return None
    return df
