"""What a table is allowed to be: kinds, statuses, metadata and the row checks.

A table is a tidy frame of rows ``sex, age, [year], value`` plus metadata. This
module holds the rules both the CSV reader and in-memory construction apply, so a
table built in code is held to the same standard as a file a user drops in.

Conventions
-----------
* ``sex`` is ``M`` or ``F``; ``B`` ("both") marks a table with no sex dimension and
  then is the only sex in the table. A table may also hold one sex only (for
  example fertility, women only) when its metadata says so.
* ``age`` is an integer number of completed years; every (sex, year) holds every
  age from the first to the last age of the table, with no gaps.
* ``year`` is an optional integer calendar year; when present, every sex has the
  same years.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from actuary.io.errors import TableError

__all__ = [
    "KINDS",
    "STATUSES",
    "SEXES",
    "TableMeta",
    "Dimensions",
    "check_kind",
    "check_frame",
]

#: Kinds of table and the range each kind's values must lie in:
#: ``(lower, upper)`` with ``None`` for unbounded.
KINDS: dict[str, tuple[float | None, float | None]] = {
    "qx": (0.0, 1.0),  # one-year death (or decrement) probabilities
    "rate": (0.0, 1.0),  # other annual probabilities: invalidity, exit, re-entry
    "share": (0.0, 1.0),  # shares such as the share married, or a distribution
    "population": (0.0, None),  # persons
    "fertility": (0.0, None),  # births per woman per year (ASFR) or an age pattern
    "migration": (None, None),  # net migrants, persons per year (either sign)
    "salary_scale": (0.0, None),  # relative wage by age
    "count": (0.0, None),  # e.g. expected number of children
    "ratio": (0.0, None),  # e.g. sex ratio at birth, male per female births
}

#: How sure we are of a table (see ../shared/cambodia/SCHEMES.md).
STATUSES: tuple[str, ...] = ("confirmed", "secondary", "derived", "unverified")

#: Allowed values of the ``sex`` column, in array order (M = 0, F = 1), then B.
SEXES: tuple[str, ...] = ("M", "F", "B")

_PROBABILITY_KINDS = {k for k, (lo, hi) in KINDS.items() if hi == 1.0}


def _check_choice(value: Any, field: str, choices: Any, source: str | None) -> str:
    """``value`` if it is one of ``choices``; else "missing <field>" / "unknown <field>"."""
    expected = "one of " + ", ".join(choices)
    if value is None or value == "":
        raise TableError(f"missing {field}", source=source, field=field, expected=expected)
    if not isinstance(value, str) or value not in choices:
        raise TableError(f"unknown {field}", source=source, field=field, value=value,
                         expected=expected)
    return str(value)


def check_kind(kind: Any, source: str | None = None) -> str:
    """Return ``kind`` if it is one of :data:`KINDS`, else raise :class:`TableError`."""
    return _check_choice(kind, "kind", KINDS, source)


def check_status(status: Any, source: str | None = None) -> str:
    """Return ``status`` if it is one of :data:`STATUSES`, else raise :class:`TableError`."""
    return _check_choice(status, "status", STATUSES, source)


@dataclass
class TableMeta:
    """Provenance of a table.

    Attributes
    ----------
    description
        What the values are, in words.
    unit
        Unit of ``value`` (e.g. "probability per year", "persons").
    source
        Where the values come from (citation); required.
    licence
        Licence of the source data ("not stated" when unknown).
    status
        One of :data:`STATUSES`.
    method
        How the values were derived from the source.
    extra
        Any further metadata keys of the sidecar (e.g. ``reference_date``), kept as read.
    """

    description: str = ""
    unit: str = ""
    source: str = ""
    licence: str = "not stated"
    status: str = "unverified"
    method: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_status(self.status)
        if not str(self.source).strip():
            raise TableError(
                "missing source", field="source",
                expected="a citation of where the values come from",
            )


@dataclass(frozen=True)
class Dimensions:
    """The dimensions a table declares (sidecar ``dimensions``) or has.

    Attributes
    ----------
    sexes
        Sexes present, in :data:`SEXES` order.
    age_first, age_last
        First and last age (completed years); every age in between is present.
    years
        Calendar years present, ascending, or ``None`` without a year dimension.
    """

    sexes: tuple[str, ...]
    age_first: int
    age_last: int
    years: tuple[int, ...] | None


RowLabel = Callable[[int], str]


def _row_label_default(i: int) -> str:
    return f"row {i}"


def check_frame(
    df: pd.DataFrame,
    kind: str,
    *,
    source: str | None = None,
    declared: Dimensions | None = None,
    row_label: RowLabel = _row_label_default,
) -> tuple[pd.DataFrame, Dimensions]:
    """Check a table's rows and return them typed, sorted, with their dimensions.

    Parameters
    ----------
    df
        Columns ``sex``, ``age``, optional ``year``, ``value``. Cells may be strings
        (as read from a CSV) or numbers.
    kind
        One of :data:`KINDS`; sets the allowed range of ``value``.
    source
        File or table name for error messages.
    declared
        Dimensions the metadata promises; when given, the rows must match them
        exactly (every declared sex, age and year present, nothing else).
    row_label
        Maps the positional row index to the label used in messages (the CSV
        reader passes one giving the 1-based line number of the file).

    Returns
    -------
    frame, dims
        ``frame`` has columns ``sex`` (str), ``age`` (int64), [``year`` (int64)],
        ``value`` (float64), sorted by year, sex (M, F, B) and age, with a fresh
        index. ``dims`` are the dimensions found.

    Raises
    ------
    TableError
        On the first problem found, naming the row, column, value and what was
        expected.
    """
    check_kind(kind, source)
    if len(df) == 0:
        raise TableError("the table has no rows", source=source,
                         expected="one row per sex, age (and year)")
    has_year = "year" in df.columns
    _check_columns(df, has_year, source, declared)
    sex = _parse_sex(df["sex"], source, row_label)
    age = _parse_int(df["age"], "age", source, row_label)
    year = _parse_int(df["year"], "year", source, row_label) if has_year else None
    value = _parse_value(df["value"], kind, source, row_label)

    checked = _complete_grid(sex, age, year, value, declared)
    if checked is not None:
        return checked
    # something is wrong (or the fast check cannot tell): the checks below name it
    keys = ["sex", "age"] + (["year"] if has_year else [])
    typed = pd.DataFrame({"sex": sex, "age": age, "value": value})
    if has_year:
        typed.insert(2, "year", year)
    _check_duplicates(typed, keys, source, row_label)
    dims = _check_grid(typed, has_year, source, declared, row_label)

    typed["_sex_order"] = typed["sex"].map({s: i for i, s in enumerate(SEXES)})
    order = (["year"] if has_year else []) + ["_sex_order", "age"]
    typed = typed.sort_values(order, kind="stable").drop(columns="_sex_order")
    cols = ["sex", "age"] + (["year"] if has_year else []) + ["value"]
    return typed[cols].reset_index(drop=True), dims


def _complete_grid(
    sex: np.ndarray,
    age: np.ndarray,
    year: np.ndarray | None,
    value: np.ndarray,
    declared: Dimensions | None,
) -> tuple[pd.DataFrame, Dimensions] | None:
    """The frame and dimensions :func:`check_frame` returns, when the rows pass all its
    grid checks; None when they may not (its pandas checks then find and name the
    problem, or return the same).

    The rows pass when the sexes are M and/or F, or B alone (and the declared ones), ages
    and years are within the declared ones, and each (sex, year, age) cell of the grid
    occurs exactly once: then each row's place in the sorted frame (by year, sex in
    :data:`SEXES` order, age) is its cell's number, and no sort, group or duplicate
    search is needed (the shipped tables' checks took ~0.09 s of each run that way).
    """
    n = len(sex)
    codes, names = pd.factorize(sex)
    present = [SEXES.index(s) for s in names]  # sexes are checked already: in SEXES
    found = sorted(present)
    sexes_found = tuple(SEXES[c] for c in found)
    if 2 in found and len(found) > 1:  # B mixed with M/F
        return None
    if declared is not None:
        if set(sexes_found) != set(declared.sexes):
            return None
        age_first, age_last = declared.age_first, declared.age_last
    else:
        age_first, age_last = int(age.min()), int(age.max())
    if year is not None:
        years = np.unique(year)
        if declared is not None and (declared.years is None
                                     or not np.array_equal(years, np.array(declared.years))):
            return None
    n_age = age_last - age_first + 1
    n_years = 1 if year is None else len(years)
    if n != n_age * len(found) * n_years:
        return None
    age_at = age - age_first
    if age_at.min() < 0 or age_at.max() >= n_age:
        return None
    rank = np.empty(len(present), dtype=np.int64)
    rank[:] = [found.index(c) for c in present]  # sex's place in SEXES order
    cell = rank[codes] * n_age + age_at
    if year is not None:
        cell += np.searchsorted(years, year) * (len(found) * n_age)
    order = np.full(n, -1, dtype=np.int64)
    order[cell] = np.arange(n)
    if (order < 0).any():  # a cell twice (and another missing)
        return None
    columns = {"sex": sex[order], "age": age[order]}
    if year is not None:
        columns["year"] = year[order]
    columns["value"] = value[order]
    dims = Dimensions(sexes_found, age_first, age_last,
                      None if year is None else tuple(int(y) for y in years))
    return pd.DataFrame(columns), dims


def _check_columns(
    df: pd.DataFrame, has_year: bool, source: str | None, declared: Dimensions | None
) -> None:
    """Required columns present, no unknown column, year column iff declared."""
    header = list(df.columns)
    for col in ("sex", "age", "value"):
        if col not in header:
            raise TableError(
                "missing column", source=source, location="line 1 (header)", field=col,
                value=",".join(map(str, header)),
                expected="columns sex, age, value (and year for a table by calendar year)",
            )
    unknown = [c for c in header if c not in ("sex", "age", "year", "value")]
    if unknown:
        raise TableError(
            "unknown column", source=source, location="line 1 (header)", field=str(unknown[0]),
            value=",".join(map(str, header)),
            expected="only the columns sex, age, year, value",
        )
    if declared is not None:
        if declared.years is not None and not has_year:
            raise TableError(
                "missing column", source=source, location="line 1 (header)", field="year",
                value=",".join(map(str, header)),
                expected="a year column, since dimensions.year is declared",
            )
        if declared.years is None and has_year:
            raise TableError(
                "year column present but no year dimension declared", source=source,
                location="line 1 (header)", field="year",
                expected="dimensions.year in the sidecar, or no year column",
            )


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _all_text(values: np.ndarray) -> bool:
    """Whether ``values`` is an object array of str only (a column read from a CSV)."""
    return values.dtype == object and pd.api.types.infer_dtype(values, skipna=False) == "string"


def _parse_sex(col: pd.Series, source: str | None, row_label: RowLabel) -> np.ndarray:
    """Sex codes as str; anything but M, F, B is an error."""
    raw = col.to_numpy()
    if _all_text(raw):
        # the same as below without the round trip through a fixed-width text array,
        # each distinct text stripped once (a table has a few, in tens of thousands
        # of rows)
        codes, texts = pd.factorize(raw)
        values = np.array([t.strip() for t in texts], dtype=object)[codes]
    else:
        values = np.char.strip(raw.astype(str)).astype(object)
    bad = ~np.isin(values, SEXES)
    if bad.any():
        i = _first_bad(bad)
        raise TableError(
            "unknown sex", source=source, location=row_label(i), field="sex",
            value=col.iloc[i], expected="M or F (or B for a table without a sex dimension)",
        )
    return values


def _to_float(col: pd.Series) -> np.ndarray:
    """Numbers from a column of strings or numbers; NaN where not a number."""
    if pd.api.types.is_numeric_dtype(col):
        return col.to_numpy(dtype=np.float64)
    raw = col.to_numpy()
    text = raw if _all_text(raw) else raw.astype(str)
    try:
        # numpy parses decimal text exactly (correctly rounded, as Python's float does,
        # from str objects without a fixed-width copy); pandas' fast parser may be one
        # ulp off, which would break exact round trips of saved tables
        return np.array(text, dtype=np.float64)
    except ValueError:
        stripped = np.char.strip(np.asarray(text, dtype=str))
        return pd.to_numeric(pd.Series(stripped), errors="coerce").to_numpy(np.float64)


def _parse_int(
    col: pd.Series, name: str, source: str | None, row_label: RowLabel
) -> np.ndarray:
    """Whole numbers (``12`` or ``12.0``); anything else is an error."""
    num = _to_float(col)
    bad = ~np.isfinite(num)
    if bad.any():
        i = _first_bad(bad)
        raise TableError(
            f"{name} is not a number", source=source, location=row_label(i), field=name,
            value=col.iloc[i], expected=f"an integer {name}",
        )
    frac = num != np.round(num)
    if frac.any():
        i = _first_bad(frac)
        raise TableError(
            f"{name} is not a whole number", source=source, location=row_label(i),
            field=name, value=col.iloc[i], expected=f"an integer {name}",
        )
    if name == "age" and (num < 0).any():
        i = _first_bad(num < 0)
        raise TableError(
            "negative age", source=source, location=row_label(i), field=name,
            value=col.iloc[i], expected="an age >= 0",
        )
    return num.astype(np.int64)


def _parse_value(
    col: pd.Series, kind: str, source: str | None, row_label: RowLabel
) -> np.ndarray:
    """Finite numbers within the range of ``kind``."""
    num = _to_float(col)
    bad = ~np.isfinite(num)
    if bad.any():
        i = _first_bad(bad)
        raise TableError(
            "value is not a number", source=source, location=row_label(i), field="value",
            value=col.iloc[i], expected="a finite number",
        )
    lo, hi = KINDS[kind]
    if kind in _PROBABILITY_KINDS:
        out = (num < lo) | (num > hi)
        if out.any():
            i = _first_bad(out)
            raise TableError(
                "probability outside [0, 1]", source=source, location=row_label(i),
                field="value", value=col.iloc[i],
                expected=f"0 <= value <= 1 for kind {kind!r}",
            )
    elif lo is not None and (num < lo).any():
        i = _first_bad(num < lo)
        raise TableError(
            "negative value", source=source, location=row_label(i), field="value",
            value=col.iloc[i], expected=f"value >= 0 for kind {kind!r}",
        )
    return num


def _check_duplicates(
    typed: pd.DataFrame, keys: list[str], source: str | None, row_label: RowLabel
) -> None:
    """At most one row per key; the message names both rows."""
    dup = typed.duplicated(keys, keep="first").to_numpy()
    if not dup.any():
        return
    i = _first_bad(dup)
    key = tuple(typed.iloc[i][k] for k in keys)
    same = (typed[keys] == pd.Series(dict(zip(keys, key)))).all(axis=1).to_numpy()
    first = _first_bad(same)
    raise TableError(
        "duplicate key", source=source, location=row_label(i), field=", ".join(keys),
        value=", ".join(map(str, key)),
        expected=f"one row per ({', '.join(keys)}); the same key is at {row_label(first)}",
    )


def _check_grid(
    typed: pd.DataFrame,
    has_year: bool,
    source: str | None,
    declared: Dimensions | None,
    row_label: RowLabel,
) -> Dimensions:
    """Every (sex, year) holds every age; sexes and years as declared."""
    present = set(typed["sex"])
    sexes_found = tuple(s for s in SEXES if s in present)
    if "B" in sexes_found and len(sexes_found) > 1:
        i = _first_bad((typed["sex"] == "B").to_numpy())
        raise TableError(
            "sex B mixed with M/F", source=source, location=row_label(i), field="sex",
            value="B", expected="either B alone (no sex dimension) or M and/or F",
        )
    if declared is not None:
        _check_declared(typed, has_year, sexes_found, source, declared, row_label)
        age_first, age_last = declared.age_first, declared.age_last
    else:
        age_first, age_last = int(typed["age"].min()), int(typed["age"].max())
    years = tuple(int(y) for y in np.unique(typed["year"])) if has_year else None

    # with no duplicates and no age outside the range, a (sex, year) is complete iff it
    # has one row per age; only a failing cell is examined age by age
    n_age = age_last - age_first + 1
    group_keys = ["sex", "year"] if has_year else ["sex"]
    counts = typed.groupby(group_keys, sort=False).size().to_dict()
    cells = [(s, y) for y in (years if has_year else (None,)) for s in sexes_found]
    for s, y in cells:
        key = (s, y) if has_year else s
        if counts.get(key, 0) == n_age:
            continue
        rows = typed["sex"] == s
        if has_year:
            rows &= typed["year"] == y
        missing = np.setdiff1d(np.arange(age_first, age_last + 1), typed.loc[rows, "age"])
        where = f"sex {s}" + (f", year {y}" if has_year else "")
        shown = ", ".join(map(str, missing[:10])) + (" ..." if missing.size > 10 else "")
        raise TableError(
            "missing ages", source=source, location=where, field="age", value=shown,
            expected=f"every age from {age_first} to {age_last} for each sex"
            + (" and year" if has_year else ""),
        )
    return Dimensions(sexes_found, age_first, age_last, years)


def _check_declared(
    typed: pd.DataFrame,
    has_year: bool,
    sexes_found: tuple[str, ...],
    source: str | None,
    declared: Dimensions,
    row_label: RowLabel,
) -> None:
    """Rows match the declared sexes, age range and years."""
    for s in declared.sexes:
        if s not in sexes_found:
            raise TableError(
                "no rows for a declared sex", source=source, field="sex", value=s,
                expected=f"rows for each sex of dimensions.sex = {list(declared.sexes)}",
            )
    extra_sex = ~typed["sex"].isin(declared.sexes).to_numpy()
    if extra_sex.any():
        i = _first_bad(extra_sex)
        raise TableError(
            "sex not declared", source=source, location=row_label(i), field="sex",
            value=typed["sex"].iloc[i], expected=f"one of dimensions.sex = {list(declared.sexes)}",
        )
    age = typed["age"].to_numpy()
    outside = (age < declared.age_first) | (age > declared.age_last)
    if outside.any():
        i = _first_bad(outside)
        raise TableError(
            "age outside the declared range", source=source, location=row_label(i),
            field="age", value=int(age[i]),
            expected=f"an age from {declared.age_first} to {declared.age_last} (dimensions.age)",
        )
    if has_year and declared.years is not None:
        year = typed["year"].to_numpy()
        stray = ~np.isin(year, declared.years)
        if stray.any():
            i = _first_bad(stray)
            raise TableError(
                "year not declared", source=source, location=row_label(i), field="year",
                value=int(year[i]),
                expected=f"a year of dimensions.year ({_describe_years(declared.years)})",
            )
        absent = np.setdiff1d(declared.years, year)
        if absent.size:
            raise TableError(
                "missing year", source=source, field="year", value=int(absent[0]),
                expected=f"rows for every year of dimensions.year ({_describe_years(declared.years)})",
            )


def _describe_years(years: tuple[int, ...]) -> str:
    if len(years) > 1:
        step = years[1] - years[0]
        return f"{years[0]} to {years[-1]}" + (f" every {step} years" if step != 1 else "")
    return str(years[0])
