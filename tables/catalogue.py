"""The table catalogue: the :class:`Table` object, shipped tables and user tables.

Array convention (shared with the projection): axis ``sex`` has M = 0, F = 1; ages
and years are integers. A table without a sex dimension (sex ``B``) gives the same
values in both rows.
"""

from __future__ import annotations

import functools

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from actuary.io.errors import TableError
from actuary.tables.parametric import makeham_q
from actuary.tables.kept import checked_table
from actuary.tables.schema import Dimensions, TableMeta, check_frame

__all__ = [
    "Table",
    "TableMeta",
    "DATA_DIR",
    "list_tables",
    "load_table",
    "gompertz",
    "makeham",
]

#: Folder of the shipped tables (CSV + YAML pairs).
DATA_DIR = Path(__file__).resolve().parent / "data"

_BEYOND = ("error", "hold")


@dataclass(eq=False, repr=False)
class Table:
    """A decrement or demographic table with its provenance.

    Attributes
    ----------
    name
        Table name (the file stem for a table read from disk).
    kind
        One of :data:`actuary.tables.schema.KINDS`.
    meta
        Description, unit, source, licence, status and method.
    data
        Tidy frame with columns ``sex``, ``age``, [``year``], ``value``. It is
        checked (and typed, sorted) when the table is made; treat it as read-only
        (:meth:`to_array` reads a dense copy made at that time).
    """

    name: str
    kind: str
    meta: TableMeta
    data: pd.DataFrame
    _dims: Dimensions = field(init=False, repr=False, compare=False)
    _cube: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.meta, TableMeta):
            raise TableError(
                "meta must be a TableMeta", source=self.name, field="meta",
                value=type(self.meta).__name__, expected="actuary.tables.TableMeta",
            )
        self.data, self._dims = check_frame(self.data, self.kind, source=self.name)
        self._cube = self._dense()

    @classmethod
    def _from_checked(cls, name: str, kind: str, meta: TableMeta, data: pd.DataFrame,
                      dims: Dimensions) -> "Table":
        """A table from rows :func:`check_frame` has just checked, typed and sorted
        (``dims`` as it returned them): checking them again would find the same."""
        table = cls.__new__(cls)
        table.name, table.kind, table.meta, table.data = name, kind, meta, data
        table._dims = dims
        table._cube = table._dense()
        return table

    def __repr__(self) -> str:
        d = self._dims
        years = f", years {d.years[0]}..{d.years[-1]}" if d.years is not None else ""
        return (f"Table({self.name!r}, kind={self.kind!r}, sexes={''.join(d.sexes)}, "
                f"ages {d.age_first}..{d.age_last}{years}, status={self.meta.status!r})")

    def _dense(self) -> np.ndarray:
        """Values as ``[year, sex, age]`` (one year slot without a year dimension)."""
        n_years = len(self._dims.years) if self._dims.years is not None else 1
        n_sex = len(self._dims.sexes)
        n_age = self._dims.age_last - self._dims.age_first + 1
        # check_frame sorted rows by year, sex (SEXES order), age on a full grid
        cube = self.data["value"].to_numpy(np.float64).reshape(n_years, n_sex, n_age)
        cube.flags.writeable = False
        return cube

    # ------------------------------------------------------------------ dimensions
    @property
    def ages(self) -> np.ndarray:
        """Ages in the table (completed years), ascending and contiguous."""
        return np.arange(self._dims.age_first, self._dims.age_last + 1)

    @property
    def years(self) -> np.ndarray | None:
        """Calendar years in the table, ascending, or ``None`` without a year dimension."""
        return None if self._dims.years is None else np.array(self._dims.years)

    @property
    def sexes(self) -> tuple[str, ...]:
        """Sexes in the table: some of ``("M", "F")``, or ``("B",)`` for no sex dimension."""
        return self._dims.sexes

    # ------------------------------------------------------------------ arrays
    def to_array(
        self,
        ages: range | np.ndarray | list[int],
        years: np.ndarray | list[int] | range | None = None,
        beyond: str = "error",
        sex_fill: float | None = None,
    ) -> np.ndarray:
        """Values on a grid of ages (and years) as a float64 array.

        Parameters
        ----------
        ages
            Integer ages wanted. Ages outside the table raise :class:`TableError`,
            except for a ``qx`` table above its last age, where ``q = 1`` (the table
            is closed at its last age).
        years
            Calendar years wanted, or ``None``. Required when the table has a year
            dimension; a table without one is repeated over the years given.
        beyond
            Rule for years outside the table's range: ``"error"`` raises
            :class:`TableError` naming the table and those years; ``"hold"`` uses
            the nearest end year's values. Years inside the range must be in the
            table (no interpolation).
        sex_fill
            Value for a sex the table does not hold (e.g. men in a fertility
            table). ``None`` (default) makes a missing sex an error.

        Returns
        -------
        numpy.ndarray
            Shape ``[2, len(ages)]`` without ``years``, else
            ``[len(years), 2, len(ages)]``; sex index M = 0, F = 1. A new array each
            call: the table keeps the arrays it has made by grid (a table is read-only,
            and a sensitivity table's tests ask each table for the same grids 40 times),
            and hands out copies. Errors are not kept: they are raised again.
        """
        key = (_grid_key(ages), _grid_key(years), beyond if type(beyond) is str else _UNKEYED,
               None if sex_fill is None else _fill_key(sex_fill))
        memo = self.__dict__.setdefault("_arrays", {})
        kept = None if _UNKEYED in key else memo.get(key)
        if kept is None:
            kept = self._array(ages, years, beyond, sex_fill)
            if _UNKEYED not in key:
                if len(memo) >= 32:
                    memo.clear()
                memo[key] = kept
        return kept.copy()

    def _array(self, ages: Any, years: Any, beyond: str, sex_fill: float | None) -> np.ndarray:
        """:meth:`to_array` worked out from the dense copy ``_cube`` (made with the
        table, read-only): a new array, which :meth:`to_array` keeps."""
        if beyond not in _BEYOND:
            raise TableError(
                "unknown rule for years beyond the table", source=self.name, field="beyond",
                value=beyond, expected="'error' or 'hold'",
            )
        age_idx, closing = self._age_index(ages)
        year_idx = self._year_index(years, beyond)
        rows = self._sex_rows(sex_fill)

        out = np.empty((year_idx.size, 2, age_idx.size))
        for s, row in enumerate(rows):
            if row is None:
                out[:, s, :] = sex_fill
            else:
                out[:, s, :] = self._cube[year_idx, row][:, age_idx]
                out[:, s, closing] = 1.0
        if years is None:
            return np.ascontiguousarray(out[0])
        return out

    def _age_index(self, ages: Any) -> tuple[np.ndarray, np.ndarray]:
        """Offsets into the age axis, and a mask of qx ages closed with q = 1."""
        a = _int_array(ages, "ages", self.name)
        first, last = self._dims.age_first, self._dims.age_last
        below, above = a < first, a > last
        closing = above if self.kind == "qx" else np.zeros(a.shape, bool)
        bad = below | (above & ~closing)
        if bad.any():
            raise TableError(
                "ages outside the table", source=self.name, field="ages",
                value=sorted(set(a[bad].tolist()))[:10],
                expected=f"ages from {first} to {last}"
                + (" (or above, closed with q = 1)" if self.kind == "qx" else ""),
            )
        return np.clip(a - first, 0, last - first), closing

    def _year_index(self, years: Any, beyond: str) -> np.ndarray:
        """Offsets into the year axis for the years wanted (``[0]`` when none)."""
        table_years = self._dims.years
        if years is None:
            if table_years is not None:
                raise TableError(
                    "this table has a year dimension: pass the years wanted",
                    source=self.name, field="years",
                    expected=f"years from {table_years[0]} to {table_years[-1]}",
                )
            return np.zeros(1, dtype=np.int64)
        y = _int_array(years, "years", self.name)
        if table_years is None:
            return np.zeros(y.size, dtype=np.int64)
        ty = np.array(table_years)
        outside = (y < ty[0]) | (y > ty[-1])
        if outside.any() and beyond == "error":
            raise TableError(
                "years outside the table's range", source=self.name, field="years",
                value=sorted(set(y[outside].tolist()))[:10],
                expected=f"years from {ty[0]} to {ty[-1]}, or beyond='hold'",
            )
        y = np.clip(y, ty[0], ty[-1])
        pos = np.searchsorted(ty, y)
        missing = ty[np.minimum(pos, ty.size - 1)] != y
        if missing.any():
            raise TableError(
                "years not in the table", source=self.name, field="years",
                value=sorted(set(y[missing].tolist()))[:10],
                expected=f"one of the table's years {ty[0]}, {ty[1]}, ... {ty[-1]}",
            )
        return pos

    def _sex_rows(self, sex_fill: float | None) -> list[int | None]:
        """Row of the cube for M and for F (None: fill with ``sex_fill``)."""
        if self.sexes == ("B",):
            return [0, 0]
        rows: list[int | None] = []
        for s in ("M", "F"):
            if s in self.sexes:
                rows.append(self.sexes.index(s))
            elif sex_fill is None:
                raise TableError(
                    "the table has no values for this sex", source=self.name, field="sex",
                    value=s, expected=f"one of {list(self.sexes)}, or pass sex_fill",
                )
            else:
                rows.append(None)
        return rows

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_qx(
        cls,
        qx_by_sex: Mapping[str, Any] | np.ndarray | list[Any],
        min_age: int = 0,
        name: str = "qx",
        meta: TableMeta | None = None,
    ) -> "Table":
        """A ``qx`` table (no year dimension) from arrays of death probabilities.

        Parameters
        ----------
        qx_by_sex
            ``{"M": q, "F": q}`` (either or both), ``{"B": q}``, a 2-D array
            ``[2, n]`` (M = 0, F = 1), or a 1-D array (no sex dimension, sex B).
            Values are one-year probabilities for ages ``min_age, min_age + 1, ...``.
        min_age
            Age of the first value, completed years.
        name
            Table name.
        meta
            Provenance; by default status ``unverified`` and source "supplied in code".
        """
        if isinstance(qx_by_sex, Mapping):
            series = {str(s): np.asarray(v, dtype=np.float64) for s, v in qx_by_sex.items()}
        else:
            arr = np.asarray(qx_by_sex, dtype=np.float64)
            if arr.ndim == 1:
                series = {"B": arr}
            elif arr.ndim == 2 and arr.shape[0] == 2:
                series = {"M": arr[0], "F": arr[1]}
            else:
                raise TableError(
                    "qx array has the wrong shape", source=name, field="qx_by_sex",
                    value=f"shape {arr.shape}", expected="(n,) or (2, n) with M = 0, F = 1",
                )
        frames = []
        for sex, q in series.items():
            if q.ndim != 1:
                raise TableError(
                    "qx for one sex must be 1-D", source=name, field=sex,
                    value=f"shape {q.shape}", expected="(n,)",
                )
            frames.append(pd.DataFrame(
                {"sex": sex, "age": np.arange(min_age, min_age + q.size), "value": q}
            ))
        data = pd.concat(frames, ignore_index=True)
        meta = meta or TableMeta(
            description="one-year death probabilities supplied in code",
            unit="probability per year", source="supplied in code", status="unverified",
        )
        return cls(name=name, kind="qx", meta=meta, data=data)


#: A grid :func:`_grid_key` cannot key: its arrays are worked out every time.
_UNKEYED = object()


def _grid_key(values: Any) -> Any:
    """What a grid of ages or years passed to :meth:`Table.to_array` is, as a key: a
    range by its ends and step, an array by its type, shape and bytes, a list or tuple
    of Python ints as a tuple; anything else :data:`_UNKEYED`."""
    if values is None:
        return None
    if type(values) is range:
        return ("range", values.start, values.stop, values.step)
    if isinstance(values, np.ndarray):
        return ("array", values.dtype.str, values.shape, values.tobytes())
    if isinstance(values, (list, tuple)) and all(type(v) is int for v in values):
        return ("ints", tuple(values))
    return _UNKEYED


def _fill_key(value: Any) -> Any:
    """``sex_fill`` as a key part (the exact float: 0.0 and -0.0 apart)."""
    try:
        return float(value).hex()
    except (TypeError, ValueError):
        return _UNKEYED


def _int_array(values: Any, field_name: str, source: str) -> np.ndarray:
    """A 1-D int64 array of whole numbers, or :class:`TableError`."""
    a = np.atleast_1d(np.asarray(values))
    if a.ndim != 1 or a.dtype.kind not in "iuf" or (
        a.dtype.kind == "f" and (not np.all(np.isfinite(a)) or np.any(a != np.round(a)))
    ):
        raise TableError(
            f"{field_name} must be whole numbers", source=source, field=field_name,
            value=values, expected="a 1-D sequence of integers",
        )
    return a.astype(np.int64)


# ---------------------------------------------------------------------- catalogue
def list_tables() -> list[str]:
    """Names of the shipped tables, sorted."""
    return sorted(p.stem for p in DATA_DIR.glob("*.csv"))


def load_table(name_or_path: str | os.PathLike[str]) -> Table:
    """Load a shipped table by name, or a user's table from its CSV (or sidecar) path.

    Parameters
    ----------
    name_or_path
        A name from :func:`list_tables`, or a path to ``NAME.csv`` (or
        ``NAME.yaml``, or ``NAME`` without suffix) with the sidecar ``NAME.yaml``
        beside it.

    Raises
    ------
    TableError
        Unknown name (the message lists the shipped names), missing files, or a
        table that breaks the format (the message names file, line, column, value).
    """
    return _load_checked(*table_file_key(name_or_path))


def table_file_key(name_or_path: str | os.PathLike[str]) -> tuple:
    """What identifies the content of the table :func:`load_table` would load, without
    loading it: its CSV's resolved path with the sizes and modification times of the CSV
    and the sidecar (the key under which loaded tables are kept).

    Raises
    ------
    TableError
        As :func:`load_table`, for a user path that names no table file.
    """
    text = os.fspath(name_or_path)
    if os.sep not in text and "/" not in text:
        shipped = DATA_DIR / f"{text}.csv"
        stamp, where = _stamp(shipped)
        if stamp[0] is not None:  # a shipped table's CSV is there
            return _resolved(shipped, where), stamp
    return _file_key(_user_csv(text))


def _file_key(csv_path: Path) -> tuple:
    """What identifies a table's content on disk: paths, sizes and modification times."""
    stamp, where = _stamp(csv_path)
    return _resolved(csv_path, where), stamp


def _stamp(csv_path: Path) -> tuple[tuple, tuple | None]:
    """The (size, modification time) of the CSV and of its sidecar (None for a file that
    cannot be read: read_checked reports it), and the CSV's (device, inode) or None."""
    stamp = []
    where = None
    for p in (csv_path, csv_path.with_suffix(".yaml")):
        try:
            st = p.stat()
        except (OSError, ValueError):  # ValueError: a name no file can have (a NUL)
            stamp.append(None)
            continue
        stamp.append((st.st_size, st.st_mtime_ns))
        if p is csv_path:
            where = (st.st_dev, st.st_ino)
    return tuple(stamp), where


#: Resolved CSV paths by (absolute path as given, device and inode of the file it
#: reaches): resolving a path costs an lstat per folder of it (a sensitivity table's
#: tests check 8 tables 19 times). A path reaching another file (a symbolic link
#: pointed elsewhere, a file replaced) has another inode, so is resolved again; the
#: sizes and times of :func:`_file_key` are still read every time.
_RESOLVED: dict[tuple, str] = {}


def _resolved(csv_path: Path, where: tuple | None) -> str:
    """``str(csv_path.resolve())``, kept by :data:`_RESOLVED`'s key (not kept when
    the file is missing: ``where`` None)."""
    if where is None:
        return str(csv_path.resolve())
    key = (os.path.abspath(csv_path), *where)
    known = _RESOLVED.get(key)
    if known is None:
        if len(_RESOLVED) >= 256:
            _RESOLVED.clear()
        known = _RESOLVED[key] = str(csv_path.resolve())
    return known


@functools.lru_cache(maxsize=64)
def _load_checked(csv_path: str, _stamp: tuple) -> Table:
    # Reading and checking a table is most of the cost of loading an assumption set;
    # sensitivities reload the same tables many times. A changed file has a new stamp.
    # The Table returned is shared: treat it as read-only. A new process reads the
    # tables it read before from the disk cache, by the files' content (tables.kept).
    return checked_table(Path(csv_path), Table)


def _user_csv(text: str) -> Path:
    """The CSV of a user path given as NAME.csv, NAME.yaml or NAME."""
    path = Path(text)
    if path.suffix in (".yaml", ".yml"):
        path = path.with_suffix(".csv")
    elif path.suffix != ".csv" and path.name:  # '' and '/' have no name to add .csv to
        path = path.with_name(path.name + ".csv")
    if not path.name or not path.exists():
        raise TableError(
            "unknown table: not a shipped table name and no such file", field="name_or_path",
            value=text, expected="one of the shipped tables (" + ", ".join(list_tables())
            + "), or a path to NAME.csv with its sidecar NAME.yaml beside it",
        )
    return path


# ---------------------------------------------------------------------- parametric
def makeham(
    A: float,
    B: float,
    c: float,
    ages: range | np.ndarray | list[int],
    name: str = "makeham",
    meta: TableMeta | None = None,
) -> Table:
    """A ``qx`` table (no sex dimension) from Makeham's law ``mu_x = A + B c^x``.

    Parameters
    ----------
    A, B
        Forces of mortality per year (>= 0): constant term and scale of the age term.
    c
        Yearly growth factor of the age term (> 0).
    ages
        Contiguous integer ages (completed years).
    name, meta
        Table name and provenance (default: status ``unverified``, the law as source).

    Notes
    -----
    ``q_x = 1 - exp(-(A + B c^x (c - 1) / ln c))``, the force integrated over
    ``[x, x + 1)`` in closed form (see :mod:`actuary.tables.parametric`).
    """
    a = _int_array(ages, "ages", name)
    q = makeham_q(A, B, c, a)
    meta = meta or TableMeta(
        description=f"Makeham's law mu_x = A + B c^x with A={A}, B={B}, c={c}",
        unit="probability per year",
        source=f"parametric law with parameters A={A}, B={B}, c={c} supplied in code",
        status="unverified",
        method="q_x = 1 - exp(-(A + B c^x (c - 1) / ln c))",
    )
    data = pd.DataFrame({"sex": "B", "age": a, "value": q})
    return Table(name=name, kind="qx", meta=meta, data=data)


def gompertz(
    B: float,
    c: float,
    ages: range | np.ndarray | list[int],
    name: str = "gompertz",
    meta: TableMeta | None = None,
) -> Table:
    """A ``qx`` table from Gompertz's law ``mu_x = B c^x`` (Makeham with ``A = 0``)."""
    meta = meta or TableMeta(
        description=f"Gompertz's law mu_x = B c^x with B={B}, c={c}",
        unit="probability per year",
        source=f"parametric law with parameters B={B}, c={c} supplied in code",
        status="unverified",
        method="q_x = 1 - exp(-B c^x (c - 1) / ln c)",
    )
    return makeham(0.0, B, c, ages, name=name, meta=meta)
