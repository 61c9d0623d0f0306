"""The data check of member and pensioner files (ISAP 2 and the ISSA guidelines).

Every row read is either *used* or *rejected* with its reason(s); some used rows are
also *flagged* (used as they are, listed for the actuary) or *changed* (a documented
correction, e.g. a wage capped at the ceiling when asked). Nothing is dropped
silently and the input files are never written. The result says how many rows came
in, how many were used and rejected by reason, lists every problem row, compares the
file totals with the control totals the user supplies, and measures what the
rejections remove (the effect on counts and wage mass).

Checks on the member file (reason codes; all reject the row unless marked):

* ``empty_row``: a row with no values at all (a blank line; no other check is run);
* ``too_many_fields``: more values than header columns (no other check is run: the
  values are likely shifted);
* ``missing_value``: a required field is blank (the insurable wage for actives);
* ``bad_sex``, ``bad_status``, ``bad_date`` (not ``YYYY-MM-DD``), ``bad_number``
  (credited months not a whole number >= 0, a wage not a number >= 0);
* ``date_order``: impossible order of dates (joined before birth, status before joining);
* ``future_date``: a date after the as-of date of the file;
* ``entry_age``: age at entry below :attr:`CheckSettings.min_entry_age`;
* ``age_out_of_range``: age above :attr:`CheckSettings.max_age` on the as-of date
  (living members) or on the status date (others);
* ``credits_too_long``: more credited months than calendar months from joining (or the
  scheme's start, whichever is later) to the status date (actives: the as-of date),
  both months counted;
* ``wage_below_floor`` / ``wage_above_ceiling``: an active's insurable wage outside the
  floor and ceiling of the as-of date (with ``cap_wages`` the row is used, the wage
  brought to the floor or ceiling and the row listed as *changed*);
* ``duplicate_id``: the same id on rows that differ (all are rejected: which one is
  right cannot be told); ``duplicate_row``: a row identical to an earlier one (the
  first is used, the repeats rejected).

On the pensioner file: the same kinds of checks (``empty_row``, ``too_many_fields``,
``missing_value``,
``missing_start_date``, ``bad_sex``, ``bad_benefit_type``, ``bad_date``,
``bad_number``, ``amount_not_positive``, ``date_order``, ``future_date``,
``age_out_of_range``, ``duplicate_id``, ``duplicate_row``) and three flags:
``missing_survivor_link`` (a spouse's or orphan's pension without the deceased's
member id), ``unknown_member_link`` (a member id not in the member file) and
``old_age_before_pension_age``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from actuary.io.errors import ActuaryError, DataError
from actuary.io.fileio import read_small_csv
from actuary.members.files import (
    BENEFIT_TYPES,
    EXTRA,
    MEMBER_COLUMNS,
    MEMBER_STATUSES,
    PENSIONER_COLUMNS,
    TableSource,
    completed_years,
    iso_dates,
    month_index,
    open_table,
)

__all__ = [
    "REASONS",
    "CONTROL_MEASURES",
    "CheckSettings",
    "FileSummary",
    "CheckResult",
    "check_files",
    "check_members",
    "check_pensioners",
    "read_controls",
]

# code -> (severity, what is wrong, what is expected)
REASONS: dict[str, tuple[str, str, str]] = {
    "empty_row": ("rejected", "a row with no values (a blank line)", "one person per row"),
    "too_many_fields": ("rejected", "more values than the header has columns (a comma in "
                        "an unquoted value?)", "one value per column of the header"),
    "missing_value": ("rejected", "a required field is blank", "a value"),
    "missing_start_date": ("rejected", "pensioner without a start date",
                           "the date the pension started, YYYY-MM-DD"),
    "bad_sex": ("rejected", "sex is not M or F", "M or F"),
    "bad_status": ("rejected", "unknown status", "one of " + ", ".join(MEMBER_STATUSES)),
    "bad_benefit_type": ("rejected", "unknown benefit type", "one of " + ", ".join(BENEFIT_TYPES)),
    "bad_date": ("rejected", "not a date", "a date YYYY-MM-DD"),
    "bad_number": ("rejected", "not a valid number", "a number (see the field)"),
    "amount_not_positive": ("rejected", "pension amount is zero or negative",
                            "an amount in KHR per month > 0"),
    "date_order": ("rejected", "impossible order of dates",
                   "birth <= entry <= status date (pensions: birth <= start)"),
    "future_date": ("rejected", "date after the as-of date of the file", "a date on or before the as-of date"),
    "entry_age": ("rejected", "age at entry too low", "age at entry >= the minimum working age"),
    "age_out_of_range": ("rejected", "age out of range", "an age the projection covers"),
    "credits_too_long": ("rejected", "more credited months than possible",
                         "at most one credited month per calendar month of membership"),
    "wage_below_floor": ("rejected", "insurable wage below the floor", "floor <= wage <= ceiling"),
    "wage_above_ceiling": ("rejected", "insurable wage above the ceiling", "floor <= wage <= ceiling"),
    "duplicate_id": ("rejected", "the same id on rows that differ", "each id once"),
    "duplicate_row": ("rejected", "repeat of an identical earlier row (the first is used)",
                      "each row once"),
    "wage_capped": ("changed", "insurable wage outside the floor and ceiling, brought to the "
                    "nearest bound (cap_wages)", "floor <= wage <= ceiling"),
    "missing_survivor_link": ("flagged", "survivor's pension without the deceased's member id",
                              "member_id of the deceased"),
    "unknown_member_link": ("flagged", "member_id not found in the member file",
                            "the id of a row of the member file"),
    "old_age_before_pension_age": ("flagged", "old-age pension started before the pension age",
                                   "a start at or after the pension age"),
}

#: Control totals a user may supply (measure -> meaning).
CONTROL_MEASURES: dict[str, str] = {
    "members": "rows in the member file",
    "active_members": "rows with status active",
    "inactive_members": "rows with status inactive",
    "active_women": "active rows with sex F",
    "active_wage_mass": "sum of the insurable wages of active rows, KHR per month",
    "credited_months": "sum of credited months, all member rows",
    "pensioners": "rows in the pensioner file",
    "pension_mass": "sum of monthly amounts, KHR per month",
}

PROBLEM_COLUMNS = ["file", "row", "id", "name", "code", "severity", "field", "value", "expected"]


@dataclass(frozen=True)
class CheckSettings:
    """What the rows are checked against.

    Attributes
    ----------
    as_of
        Date of the extract (normally the valuation date): no date may be later, and
        ages are measured on it.
    wage_floor, wage_ceiling
        Contributory wage floor and ceiling on the as-of date, KHR per month.
    scheme_start
        Date contributions to the scheme started (credits cannot be older).
    pension_age
        Normal pension age on the as-of date, years.
    min_entry_age
        Youngest age at entry: 15, the minimum age for employment under the Labour Law
        of Cambodia (1997, Art. 177; secondary: read in summaries, not in the text).
    max_age
        Oldest age the projection covers (110, the last age of its tables).
    cap_wages
        Use actives whose wage is outside the floor and ceiling, with the wage brought
        to the bound (listed as changed), instead of rejecting them.
    basis
        Name of the assumption set the limits were read from (for the report).
    """

    as_of: date
    wage_floor: float
    wage_ceiling: float
    scheme_start: date
    pension_age: float = 60.0
    min_entry_age: int = 15
    max_age: int = 110
    cap_wages: bool = False
    basis: str = ""

    @classmethod
    def from_basis(cls, aset: Any, as_of: date | None = None, cap_wages: bool = False
                   ) -> "CheckSettings":
        """Floor, ceiling, start and pension age of ``aset``'s scheme on the as-of date
        (default: the set's valuation date)."""
        when = as_of or aset.valuation_date
        p = aset.scheme.parameters
        first = min(aset.first_year, when.year)
        try:
            idx = aset.indices(first, max(aset.first_year, when.year) + 1)
            mapping = {name: {first + i: float(v) for i, v in enumerate(series)}
                       for name, series in idx.items()}
            floor = float(p.wage_floor.value_at(when, mapping))
            ceiling = float(p.wage_ceiling.value_at(when, mapping))
            pension_age = float(p.pension_age.value_at(when))
        except ActuaryError as exc:
            # the set's dated values do not reach back (or forward) to that date
            raise DataError(f"the assumption set {aset.name} cannot give the scheme's limits "
                            f"on the as-of date: {exc}", field="--as-of", value=str(when),
                            expected="an as-of date the set's dated parameters cover (its "
                                     f"valuation date is {aset.valuation_date})") from None
        return cls(
            as_of=when,
            wage_floor=floor,
            wage_ceiling=ceiling,
            scheme_start=aset.scheme.start_date,
            pension_age=pension_age,
            cap_wages=cap_wages,
            basis=aset.name,
        )

    def rules(self) -> list[tuple[str, str]]:
        """The limits as (label, value) lines for the report."""
        return [
            ("As-of date (ages and 'future' measured on it)", self.as_of.isoformat()),
            ("Wage floor, KHR per month", f"{self.wage_floor:,.0f}"),
            ("Wage ceiling, KHR per month", f"{self.wage_ceiling:,.0f}"),
            ("Scheme start (credits count from)", self.scheme_start.isoformat()),
            ("Pension age", f"{self.pension_age:g}"),
            ("Minimum age at entry", str(self.min_entry_age)),
            ("Maximum age", str(self.max_age)),
            ("Wages outside floor/ceiling", "capped (rows used, listed as changed)"
             if self.cap_wages else "rejected"),
            ("Limits read from assumption set", self.basis or "(given directly)"),
        ]


@dataclass
class FileSummary:
    """What was read from one file and what became of its rows."""

    kind: str
    path: str
    format: str
    encoding: str | None
    size: int
    sha256: str
    columns: list[str]
    ignored: list[str]
    rows_in: int = 0
    rows_used: int = 0
    rows_rejected: int = 0
    rows_flagged: int = 0
    rows_changed: int = 0
    synthetic: bool = False


@dataclass
class CheckResult:
    """The outcome of a data check.

    Attributes
    ----------
    settings
        The limits checked against.
    files
        One :class:`FileSummary` per file read.
    members, pensioners
        The used rows, typed: dates as ``datetime64``, numbers as float, with the
        spreadsheet ``row`` they came from. ``pensioners`` is ``None`` without a file.
    problems
        One line per problem found: file kind, row, id, reason code, severity
        (rejected, flagged, changed), field, value as read, what was expected.
    totals
        Per measure, the total over all rows read (``in``) and over the used rows.
    controls
        The user's control totals against the file totals (``None`` without them).
    """

    settings: CheckSettings
    files: list[FileSummary]
    members: pd.DataFrame
    pensioners: pd.DataFrame | None
    problems: pd.DataFrame
    totals: pd.DataFrame
    controls: pd.DataFrame | None = None
    controls_path: str | None = None

    @property
    def synthetic(self) -> bool:
        """True when any file read is marked synthetic."""
        return any(f.synthetic for f in self.files)

    def reason_counts(self) -> pd.DataFrame:
        """Rows per file, severity and reason (a row with two reasons counts under each)."""
        if self.problems.empty:
            return pd.DataFrame(columns=["file", "severity", "code", "rows", "description"])
        g = (self.problems.groupby(["file", "severity", "code"], sort=False)["row"]
             .nunique().rename("rows").reset_index())
        g["description"] = [REASONS[c][1] for c in g["code"]]
        order = {c: i for i, c in enumerate(REASONS)}
        g["_o"] = g["code"].map(order)
        return g.sort_values(["file", "_o"]).drop(columns="_o").reset_index(drop=True)

    def summary_lines(self) -> list[str]:
        """Counts in, used, rejected by reason: the text the CLI prints."""
        lines = []
        if self.synthetic:
            lines.append("SYNTHETIC DATA: the files read are marked synthetic "
                         "(made by actuary data synth), not real member records.")
        counts = self.reason_counts()
        for f in self.files:
            lines.append(f"{f.kind}: {f.path}")
            lines.append(f"  rows in {f.rows_in:,}, used {f.rows_used:,}, rejected "
                         f"{f.rows_rejected:,}, flagged {f.rows_flagged:,}, changed {f.rows_changed:,}")
            for r in counts[counts.file == f.kind].itertuples():
                lines.append(f"    {r.severity:8s} {r.code:28s} {r.rows:>10,}  {r.description}")
            if f.ignored:
                lines.append(f"  columns ignored: {', '.join(f.ignored)}")
        if self.controls is not None:
            bad = self.controls[~self.controls["agrees"]]
            lines.append(f"control totals: {len(self.controls) - len(bad)} of "
                         f"{len(self.controls)} agree"
                         + ("" if bad.empty else "; differ: " + ", ".join(bad["measure"])))
        return lines


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


# -- members --------------------------------------------------------------------------

_MEMBER_REQUIRED = [c.name for c in MEMBER_COLUMNS if c.required]
_MEMBER_HASHED = [c.name for c in MEMBER_COLUMNS if c.name not in ("synthetic",)]


def _check_member_chunk(f: pd.DataFrame, rows: np.ndarray, s: CheckSettings, P: _Problems
                        ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Typed rows of one chunk, the rejected mask and the changed (capped) mask."""
    n = len(f)
    ids = f["member_id"].to_numpy(dtype=object)
    P.names = f["name"].to_numpy(dtype=object)
    chunk = _ChunkProblems(P, rows, ids, _skip_rows(f, rows, ids, P, "member"))
    add = chunk.add

    status = f["status"].to_numpy(dtype=object)
    active = status == "active"
    for col in _MEMBER_REQUIRED:
        add(f[col].to_numpy() == "", "missing_value", col, "", f"a value for {col}")
    wage_text = f["insurable_wage"]
    add(active & (wage_text.to_numpy() == ""), "missing_value", "insurable_wage", "",
        "the insurable wage in KHR per month for an active member")
    sex = f["sex"].to_numpy(dtype=object)
    add((sex != "") & ~np.isin(sex, ["M", "F"]), "bad_sex", "sex", sex, "M or F")
    add((status != "") & ~np.isin(status, MEMBER_STATUSES), "bad_status", "status", status,
        "one of " + ", ".join(MEMBER_STATUSES))

    dates = {}
    for col in ("birth_date", "entry_date", "status_date"):
        d = _dates(f[col])
        text = f[col].to_numpy(dtype=object)
        add((text != "") & np.isnat(d), "bad_date", col, text, "a date YYYY-MM-DD")
        dates[col] = d
    birth, entry, sdate = dates["birth_date"], dates["entry_date"], dates["status_date"]

    months = _numbers(f["credited_months"])
    mtext = f["credited_months"].to_numpy(dtype=object)
    bad_months = (mtext != "") & (~np.isfinite(months) | (months < 0) | (months != np.round(months)))
    add(bad_months, "bad_number", "credited_months", mtext, "a whole number of months >= 0")
    wage = _numbers(wage_text)
    wtext = wage_text.to_numpy(dtype=object)
    add((wtext != "") & (~np.isfinite(wage) | (wage < 0)), "bad_number", "insurable_wage", wtext,
        "an amount in KHR per month >= 0 (digits only, no thousands separators)")

    as_of = _d(s.as_of)
    ok_b, ok_e, ok_s = ~np.isnat(birth), ~np.isnat(entry), ~np.isnat(sdate)
    pair = ok_b & ok_e
    add(pair & (entry < birth), "date_order", "entry_date",
        lambda: _cat(_fmt_date(entry), " before birth ", _fmt_date(birth)),
        "an entry date on or after the birth date")
    add(ok_e & ok_s & (sdate < entry), "date_order", "status_date",
        lambda: _cat(_fmt_date(sdate), " before entry ", _fmt_date(entry)),
        "a status date on or after the entry date")
    for col, d, ok in (("birth_date", birth, ok_b), ("entry_date", entry, ok_e),
                       ("status_date", sdate, ok_s)):
        add(ok & (d > as_of), "future_date", col, lambda d=d: _fmt_date(d),
            f"a date on or before the as-of date {s.as_of.isoformat()}")
    entry_age = np.where(pair, completed_years(np.where(pair, birth, as_of),
                                               np.where(pair, entry, as_of)), 0)
    add(pair & (entry >= birth) & (entry_age < s.min_entry_age), "entry_age", "entry_date",
        lambda: entry_age.astype(str), f"age at entry >= {s.min_entry_age} (minimum working age)")
    living = np.isin(status, ("active", "inactive", "retired", "invalid"))
    age_at = np.where(living, as_of, np.where(ok_s, sdate, as_of))
    age = np.where(ok_b, completed_years(np.where(ok_b, birth, as_of), age_at), 0)
    add(ok_b & (birth <= as_of) & (age > s.max_age), "age_out_of_range", "birth_date",
        lambda: age.astype(str), f"an age of at most {s.max_age} on the "
        + ("as-of date (living members) or the status date (others)"))

    # credits: calendar months from joining (or the scheme's start) to the status date
    # (actives: the as-of date), both months counted
    start = np.maximum(entry, _d(s.scheme_start))
    end = np.where(active, as_of, sdate)
    # (a status date before joining is reported as date_order only; an unknown status
    # says nothing of when contributions stopped)
    ok_c = (ok_e & (active | ok_s) & np.isfinite(months) & ~bad_months
            & ~(ok_s & ok_e & (sdate < entry)) & np.isin(status, MEMBER_STATUSES))
    possible = np.where(ok_c, np.maximum(month_index(np.where(ok_c, end, as_of))
                                         - month_index(np.where(ok_c, start, as_of)) + 1, 0), 0)
    add(ok_c & (months > possible), "credits_too_long", "credited_months",
        lambda: np.where(ok_c, months, 0).astype(np.int64).astype(str),
        lambda: _cat("at most ", possible, " (calendar months from ",
                     _fmt_date(np.where(ok_c, start, as_of)), " to ",
                     _fmt_date(np.where(ok_c, end, as_of)), ")"))

    wage_ok = active & np.isfinite(wage) & (wage >= 0)
    low = wage_ok & (wage < s.wage_floor)
    high = wage_ok & (wage > s.wage_ceiling)
    changed = np.zeros(n, dtype=bool)
    bounds = f"{s.wage_floor:,.0f} <= wage <= {s.wage_ceiling:,.0f} KHR per month"
    if s.cap_wages:
        add(low | high, "wage_capped", "insurable_wage", wtext, bounds)
        changed = low | high
        wage = np.where(low, s.wage_floor, np.where(high, s.wage_ceiling, wage))
    else:
        add(low, "wage_below_floor", "insurable_wage", wtext, bounds)
        add(high, "wage_above_ceiling", "insurable_wage", wtext, bounds)

    typed = pd.DataFrame({
        "row": rows, "member_id": ids, "sex": sex, "birth_date": birth, "entry_date": entry,
        "status": status, "status_date": sdate, "credited_months": months,
        "insurable_wage": wage,
    })
    return typed, chunk.bad, changed


def _file_summary(source: TableSource) -> FileSummary:
    return FileSummary(kind=source.kind, path=str(source.path), format=source.format,
                       encoding=source.encoding, size=source.size, sha256=source.sha256,
                       columns=source.columns, ignored=source.ignored)


def check_members(source: TableSource, settings: CheckSettings
                  ) -> tuple[pd.DataFrame, pd.DataFrame, FileSummary, dict[str, float]]:
    """Check every row of a member file.

    Returns
    -------
    used, problems, summary, totals_in
        The used rows (typed), the problem lines, the file's counts, and the totals
        over all rows read (for the control totals and the effect of rejections).
    """
    P = _Problems("members")
    typed_parts, bad_parts, changed_parts, synthetic = [], [], [], True
    totals = dict.fromkeys(("members", "active_members", "inactive_members", "active_women",
                            "active_wage_mass", "credited_months"), 0.0)
    for chunk in source.chunks():
        f = chunk.frame
        rows = np.asarray(chunk.rows, dtype=np.int64)
        typed, bad, changed = _check_member_chunk(f, rows, settings, P)
        typed_parts.append(typed)
        bad_parts.append(bad)
        changed_parts.append(changed)
        synthetic = synthetic and _is_synthetic(f["synthetic"])
        active = typed["status"].to_numpy() == "active"
        totals["members"] += len(f)
        totals["active_members"] += active.sum()
        totals["inactive_members"] += (typed["status"].to_numpy() == "inactive").sum()
        totals["active_women"] += (active & (typed["sex"].to_numpy() == "F")).sum()
        raw_wage = _numbers(f["insurable_wage"])
        totals["active_wage_mass"] += np.nansum(np.where(active, raw_wage, np.nan))
        totals["credited_months"] += np.nansum(typed["credited_months"].to_numpy())
    typed = pd.concat(typed_parts, ignore_index=True)
    bad = np.concatenate(bad_parts)
    changed = np.concatenate(changed_parts)
    ids = typed["member_id"].to_numpy(dtype=object)
    bad |= _duplicates(ids, typed["row"].to_numpy(), source, _MEMBER_HASHED, P, "member_id")
    used = typed[~bad].reset_index(drop=True)
    used["credited_months"] = used["credited_months"].astype(np.int64)
    summary = _file_summary(source)
    summary.synthetic = synthetic
    problems = P.frame()
    _count(summary, len(typed), bad, problems)
    summary.rows_changed = int((changed & ~bad).sum())
    return used, problems, summary, totals


def _count(summary: FileSummary, n: int, bad: np.ndarray, problems: pd.DataFrame) -> None:
    summary.rows_in = n
    summary.rows_rejected = int(bad.sum())
    summary.rows_used = n - summary.rows_rejected
    flagged = problems.loc[problems["severity"] == "flagged", "row"]
    rejected_rows = set(problems.loc[problems["severity"] == "rejected", "row"])
    summary.rows_flagged = int(len(set(flagged) - rejected_rows))


# -- pensioners -----------------------------------------------------------------------

_PENSIONER_REQUIRED = [c.name for c in PENSIONER_COLUMNS if c.required and c.name != "start_date"]
_PENSIONER_HASHED = [c.name for c in PENSIONER_COLUMNS if c.name not in ("synthetic",)]


def _check_pensioner_chunk(f: pd.DataFrame, rows: np.ndarray, s: CheckSettings, P: _Problems,
                           member_ids: set[str] | None) -> tuple[pd.DataFrame, np.ndarray]:
    n = len(f)
    ids = f["pensioner_id"].to_numpy(dtype=object)
    P.names = f["name"].to_numpy(dtype=object)
    chunk = _ChunkProblems(P, rows, ids, _skip_rows(f, rows, ids, P, "pensioner"))
    add = chunk.add

    for col in _PENSIONER_REQUIRED:
        add(f[col].to_numpy() == "", "missing_value", col, "", f"a value for {col}")
    add(f["start_date"].to_numpy() == "", "missing_start_date", "start_date", "",
        "the date the pension started, YYYY-MM-DD")
    sex = f["sex"].to_numpy(dtype=object)
    add((sex != "") & ~np.isin(sex, ["M", "F"]), "bad_sex", "sex", sex, "M or F")
    btype = f["benefit_type"].to_numpy(dtype=object)
    add((btype != "") & ~np.isin(btype, BENEFIT_TYPES), "bad_benefit_type", "benefit_type", btype,
        "one of " + ", ".join(BENEFIT_TYPES))
    birth = _dates(f["birth_date"])
    start = _dates(f["start_date"])
    for col, d in (("birth_date", birth), ("start_date", start)):
        text = f[col].to_numpy(dtype=object)
        add((text != "") & np.isnat(d), "bad_date", col, text, "a date YYYY-MM-DD")
    amount = _numbers(f["monthly_amount"])
    atext = f["monthly_amount"].to_numpy(dtype=object)
    add((atext != "") & ~np.isfinite(amount), "bad_number", "monthly_amount", atext,
        "an amount in KHR per month (digits only, no thousands separators)")
    add(np.isfinite(amount) & (amount <= 0), "amount_not_positive", "monthly_amount", atext,
        "an amount in KHR per month > 0")
    as_of = _d(s.as_of)
    ok_b, ok_s = ~np.isnat(birth), ~np.isnat(start)
    add(ok_b & ok_s & (start < birth), "date_order", "start_date",
        lambda: _cat(_fmt_date(start), " before birth ", _fmt_date(birth)),
        "a start date on or after the birth date")
    for col, d, ok in (("birth_date", birth, ok_b), ("start_date", start, ok_s)):
        add(ok & (d > as_of), "future_date", col, lambda d=d: _fmt_date(d),
            f"a date on or before the as-of date {s.as_of.isoformat()}")
    age = np.where(ok_b, completed_years(np.where(ok_b, birth, as_of), as_of), 0)
    add(ok_b & (birth <= as_of) & (age > s.max_age), "age_out_of_range", "birth_date",
        lambda: age.astype(str), f"an age of at most {s.max_age} on the as-of date")
    link = f["member_id"].to_numpy(dtype=object)
    survivor = np.isin(btype, ("spouse", "orphan"))
    add(survivor & (link == ""), "missing_survivor_link", "member_id", "",
        "member_id of the deceased member")
    if member_ids is not None:
        known = np.fromiter((v in member_ids for v in link), dtype=bool, count=n)
        add((link != "") & ~known, "unknown_member_link", "member_id", link,
            "the id of a row of the member file")
    both = ok_b & ok_s & (start >= birth)
    start_age = np.where(both, completed_years(np.where(both, birth, as_of),
                                               np.where(both, start, as_of)), 0)
    add(both & (btype == "old_age") & (start_age < s.pension_age), "old_age_before_pension_age",
        "start_date", lambda: start_age.astype(str), f"an age at the start >= {s.pension_age:g}")
    typed = pd.DataFrame({
        "row": rows, "pensioner_id": ids, "sex": sex, "birth_date": birth,
        "benefit_type": btype, "start_date": start, "monthly_amount": amount,
        "member_id": link,
    })
    return typed, chunk.bad


def check_pensioners(source: TableSource, settings: CheckSettings,
                     member_ids: set[str] | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame, FileSummary, dict[str, float]]:
    """Check every row of a pensioner file (see :func:`check_members`)."""
    P = _Problems("pensioners")
    typed_parts, bad_parts, synthetic = [], [], True
    totals = {"pensioners": 0.0, "pension_mass": 0.0}
    for chunk in source.chunks():
        f = chunk.frame
        rows = np.asarray(chunk.rows, dtype=np.int64)
        typed, bad = _check_pensioner_chunk(f, rows, settings, P, member_ids)
        typed_parts.append(typed)
        bad_parts.append(bad)
        synthetic = synthetic and _is_synthetic(f["synthetic"])
        totals["pensioners"] += len(f)
        totals["pension_mass"] += np.nansum(typed["monthly_amount"].to_numpy())
    typed = pd.concat(typed_parts, ignore_index=True)
    bad = np.concatenate(bad_parts)
    bad |= _duplicates(typed["pensioner_id"].to_numpy(dtype=object), typed["row"].to_numpy(),
                       source, _PENSIONER_HASHED, P, "pensioner_id")
    summary = _file_summary(source)
    summary.synthetic = synthetic
    problems = P.frame()
    _count(summary, len(typed), bad, problems)
    return typed[~bad].reset_index(drop=True), problems, summary, totals


# -- control totals -------------------------------------------------------------------

def read_controls(path: str | Path) -> pd.DataFrame:
    """Read a control-totals CSV: columns ``measure``, ``value`` and optional
    ``tolerance`` (a relative difference accepted, default 0: exact).

    Raises
    ------
    DataError
        Unreadable file, missing columns, unknown measure, value not a number.
    """
    path = Path(path)
    raw = read_small_csv(path, ("measure", "value"), "the control totals",
                         "measure,value[,tolerance]", "one row per control total")
    out = []
    for i, rec in enumerate(raw.to_dict("records")):
        where = f"row {i + 2}"
        measure = str(rec["measure"]).strip()
        if measure not in CONTROL_MEASURES:
            raise DataError("unknown measure", source=str(path), location=where, field="measure",
                            value=measure, expected="one of " + ", ".join(CONTROL_MEASURES))
        values = {}
        for col, default in (("value", None), ("tolerance", 0.0)):
            text = str(rec.get(col, "")).strip()
            if text == "" and default is not None:
                values[col] = default
                continue
            try:
                v = float(text)
            except ValueError:
                raise DataError("not a number", source=str(path), location=where, field=col,
                                value=text, expected="a number (no thousands separators)"
                                ) from None
            if not np.isfinite(v) or v < 0:
                raise DataError("out of range", source=str(path), location=where, field=col,
                                value=text, expected="a finite number >= 0")
            values[col] = v
        out.append({"measure": measure, "control": values["value"],
                    "tolerance": values["tolerance"], "row": i + 2})
    frame = pd.DataFrame(out)
    dup = frame["measure"].duplicated(keep=False)
    if dup.any():
        raise DataError("measure given more than once", source=str(path),
                        location="rows " + ", ".join(map(str, frame.loc[dup, "row"])),
                        field="measure", value=frame.loc[dup, "measure"].iloc[0],
                        expected="each measure once")
    return frame


def _compare_controls(controls: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    t = totals.set_index("measure")
    rows = []
    for r in controls.itertuples():
        file_total = float(t.loc[r.measure, "in"]) if r.measure in t.index else np.nan
        diff = file_total - r.control
        rel = diff / r.control if r.control else (0.0 if diff == 0 else np.inf)
        agrees = bool(np.isfinite(file_total) and abs(rel) <= r.tolerance + 1e-12)
        rows.append({"measure": r.measure, "meaning": CONTROL_MEASURES[r.measure],
                     "control": r.control, "file_total": file_total,
                     "used_total": float(t.loc[r.measure, "used"]) if r.measure in t.index
                     else np.nan,
                     "difference": diff, "relative_difference": rel, "tolerance": r.tolerance,
                     "agrees": agrees})
    return pd.DataFrame(rows)


def _totals(members_in: dict[str, float], members: pd.DataFrame,
            pensioners_in: dict[str, float] | None, pensioners: pd.DataFrame | None
            ) -> pd.DataFrame:
    active = members["status"] == "active"
    used = {
        "members": len(members),
        "active_members": int(active.sum()),
        "inactive_members": int((members["status"] == "inactive").sum()),
        "active_women": int((active & (members["sex"] == "F")).sum()),
        "active_wage_mass": float(members.loc[active, "insurable_wage"].sum()),
        "credited_months": float(members["credited_months"].sum()),
    }
    rows = [(m, members_in[m], used[m]) for m in used]
    if pensioners_in is not None and pensioners is not None:
        rows += [("pensioners", pensioners_in["pensioners"], len(pensioners)),
                 ("pension_mass", pensioners_in["pension_mass"],
                  float(pensioners["monthly_amount"].sum()))]
    frame = pd.DataFrame(rows, columns=["measure", "in", "used"])
    frame["meaning"] = frame["measure"].map(CONTROL_MEASURES)
    frame["removed_share"] = np.where(frame["in"] > 0, 1 - frame["used"] / frame["in"].where(
        frame["in"] > 0), np.nan)
    return frame


def check_files(
    members: str | Path,
    settings: CheckSettings,
    *,
    pensioners: str | Path | None = None,
    controls: str | Path | None = None,
    encoding: str | None = None,
    chunk_rows: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> CheckResult:
    """Check a member file (and a pensioner file, and control totals).

    Raises
    ------
    DataError
        When a file cannot be used at all (see :func:`actuary.members.files.open_table` and
        :func:`read_controls`); row-level problems never raise, they are reported.
    """
    say = progress or (lambda _m: None)
    kw: dict[str, Any] = {"encoding": encoding}
    if chunk_rows:
        kw["chunk_rows"] = chunk_rows
    control_frame = read_controls(controls) if controls is not None else None
    msource = open_table(members, "members", **kw)
    psource = open_table(pensioners, "pensioners", **kw) if pensioners is not None else None
    say(f"checking {msource.path}")
    mused, mprob, msum, mtot = check_members(msource, settings)
    files, problems = [msum], [mprob]
    pused, ptot = None, None
    if psource is not None:
        say(f"checking {psource.path}")
        # every member id read (used or not) counts as known for the survivor links
        member_ids = set(mused["member_id"]) | set(mprob["id"])
        pused, pprob, psum, ptot = check_pensioners(psource, settings, member_ids)
        files.append(psum)
        problems.append(pprob)
    totals = _totals(mtot, mused, ptot, pused)
    # problems in file order, then row order (a row's reasons together)
    problems = pd.concat(problems, ignore_index=True).sort_values(["row"], kind="stable")
    problems = problems.sort_values("file", key=lambda f: f.map({"members": 0, "pensioners": 1}),
                                    kind="stable").reset_index(drop=True)
    result = CheckResult(settings=settings, files=files, members=mused, pensioners=pused,
                         problems=problems, totals=totals)
    if control_frame is not None:
        result.controls = _compare_controls(control_frame, totals)
        result.controls_path = str(controls)
    return result

