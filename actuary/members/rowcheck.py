"""Vectorised checking of the rows of one chunk: problems collected as small frames,
text parsed to dates and numbers, empty and over-long rows, duplicate ids and rows.
Shared by the member and pensioner checks (:mod:`actuary.members.filecheck`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from actuary.members.checkrules import PROBLEM_COLUMNS, REASONS
from actuary.members.files import EXTRA, TableSource, iso_dates

# -- vectorised helpers ---------------------------------------------------------------

class _Problems:
    """Collects problem rows of one file as small frames (concatenated once)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.parts: list[pd.DataFrame] = []
        self.names: np.ndarray | None = None  # names of the current chunk's rows

    def add(self, mask: np.ndarray, rows: np.ndarray, ids: np.ndarray, code: str, fld: str,
            values: Any, expected: str | np.ndarray) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        # values and expectations may be given as functions: computed only when needed
        values = values() if callable(values) else values
        expected = expected() if callable(expected) else expected
        vals = np.asarray(values, dtype=object)
        vals = vals[mask] if vals.ndim else np.full(mask.sum(), vals, dtype=object)
        exp = np.asarray(expected, dtype=object)
        exp = exp[mask] if exp.ndim else np.full(mask.sum(), expected, dtype=object)
        names = self.names[mask] if self.names is not None else ""
        self.parts.append(pd.DataFrame({
            "file": self.kind, "row": rows[mask], "id": ids[mask], "name": names, "code": code,
            "severity": REASONS[code][0], "field": fld, "value": vals, "expected": exp,
        }))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS}).astype(
                {"row": np.int64})
        return pd.concat(self.parts, ignore_index=True)


class _ChunkProblems:
    """The problems of one chunk's rows: recorded in ``P`` (rows skipped as empty are
    left out) and, for a rejecting reason, marked in ``bad``."""

    def __init__(self, P: _Problems, rows: np.ndarray, ids: np.ndarray, empty: np.ndarray
                 ) -> None:
        self.P, self.rows, self.ids, self.empty = P, rows, ids, empty
        self.bad = empty.copy()

    def add(self, mask: Any, code: str, fld: str, values: Any, expected: Any) -> None:
        mask = np.asarray(mask, dtype=bool) & ~self.empty
        self.P.add(mask, self.rows, self.ids, code, fld, values, expected)
        if REASONS[code][0] == "rejected":
            self.bad |= mask


def _dates(text: pd.Series) -> np.ndarray:
    """ISO dates to datetime64[D]; NaT where blank or not a date."""
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    return parsed.to_numpy(dtype="datetime64[D]")


_STR = np.dtypes.StringDType()


def _numbers(text: pd.Series) -> np.ndarray:
    """Numbers from text; NaN where blank or not a number (plain decimal notation)."""
    arr = np.asarray(text.to_numpy(dtype=object), dtype=_STR)
    # fast path: numpy's parser, when every value is a plain number or blank
    if not np.any(np.strings.find(arr, "_") >= 0):
        try:
            return np.where(arr == "", "nan", arr).astype(float)
        except ValueError:
            pass
    return pd.to_numeric(text.where(text != "", None), errors="coerce").to_numpy(dtype=float)


def _empty_rows(frame: pd.DataFrame) -> np.ndarray:
    return (frame.to_numpy(dtype=object) == "").all(axis=1)


def _skip_rows(f: pd.DataFrame, rows: np.ndarray, ids: np.ndarray, P: "_Problems",
               who: str) -> np.ndarray:
    """Report empty rows and rows with values beyond the header; no other check runs
    on them. Returns their mask."""
    extra = f[EXTRA].to_numpy(dtype=object)
    empty = _empty_rows(f)
    P.add(empty, rows, ids, "empty_row", "(all)", "", f"one {who} per row")
    long_ = extra != ""
    P.add(long_, rows, ids, "too_many_fields", "(beyond the header)", extra,
          "one value per column of the header")
    return empty | long_


def _row_hash(frame: pd.DataFrame) -> np.ndarray:
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


def _d(value: date) -> np.datetime64:
    return np.datetime64(value, "D")


def _fmt_date(d: np.ndarray) -> np.ndarray:
    return iso_dates(d)


def _cat(*parts: Any) -> np.ndarray:
    """Element-wise concatenation of text arrays and strings (object arrays)."""
    out: Any = ""
    for p in parts:
        out = out + (np.asarray(p).astype(str).astype(object) if not isinstance(p, str) else p)
    return out


def _row_hashes(source: TableSource, columns: list[str], id_field: str, wanted: set[str]
                ) -> tuple[dict[int, int], dict[int, str]]:
    """Hash of the text, and the name, of each row whose id is in ``wanted`` (a second
    pass over the file, made only when some ids are duplicated), by row number."""
    out: dict[int, int] = {}
    names: dict[int, str] = {}
    for chunk in source.chunks():
        f = chunk.frame
        sel = f[id_field].isin(wanted).to_numpy()
        if sel.any():
            rows = np.asarray(chunk.rows)[sel].tolist()
            out.update(zip(rows, _row_hash(f.loc[sel, columns]).tolist()))
            names.update(zip(rows, f.loc[sel, "name"].tolist()))
    return out, names


def _duplicates(ids: np.ndarray, rows: np.ndarray, source: TableSource, columns: list[str],
                problems: _Problems, id_field: str) -> np.ndarray:
    """Mark duplicate ids and repeated rows; returns the rows to reject (bool mask)."""
    frame = pd.DataFrame({"id": ids, "row": rows})
    frame = frame[frame["id"] != ""]
    dup = frame[frame["id"].duplicated(keep=False)].copy()
    reject = np.zeros(len(ids), dtype=bool)
    if dup.empty:
        return reject
    hashes, names = _row_hashes(source, columns, id_field, set(dup["id"]))
    dup["h"] = dup["row"].map(hashes)
    problems.names = np.array([names.get(r, "") for r in rows.tolist()], dtype=object) \
        if len(rows) < 5_000_000 else None
    pos = pd.Series(np.arange(len(ids)), index=rows)
    n_versions = dup.groupby("id")["h"].transform("nunique")
    first_row = dup.groupby("id")["row"].transform("min")
    rows_list = dup.groupby("id")["row"].transform(
        lambda r: ", ".join(str(v) for v in list(r)[:10]) + (" ..." if len(r) > 10 else ""))
    conflicting = n_versions > 1
    c = dup[conflicting]
    if len(c):
        m = np.zeros(len(ids), dtype=bool)
        m[pos[c["row"]].to_numpy()] = True
        exp = np.full(len(ids), "", dtype=object)
        exp[pos[c["row"]].to_numpy()] = ("each id once; this id is on rows "
                                         + rows_list[conflicting]).to_numpy()
        problems.add(m, rows, ids, "duplicate_id", id_field, ids, exp)
        reject |= m
    r = dup[~conflicting & (dup["row"] != first_row)]
    if len(r):
        m = np.zeros(len(ids), dtype=bool)
        m[pos[r["row"]].to_numpy()] = True
        exp = np.full(len(ids), "", dtype=object)
        exp[pos[r["row"]].to_numpy()] = ("each row once; identical to row "
                                         + first_row[r.index].astype(str)).to_numpy()
        problems.add(m, rows, ids, "duplicate_row", id_field, ids, exp)
        reject |= m
    return reject


def _is_synthetic(marker: pd.Series) -> bool:
    m = marker.to_numpy(dtype=object)
    return bool(len(m)) and bool(((m == "yes") | (m == "YES") | (m == "Yes")).all())
