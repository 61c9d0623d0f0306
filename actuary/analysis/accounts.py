"""A scheme's published accounts, and actual against expected for the years they cover.

The accounts file
-----------------
A CSV (UTF-8) or XLSX table, one row per year and item:

=========  ===============================================================================
column     meaning
=========  ===============================================================================
``year``   calendar year (flows: the year's total; stocks: on 31 December of the year)
``item``   one of :data:`ITEMS` (below)
``value``  the figure (KHR, or persons for counts); blank = not known (shown as missing)
``source`` where the figure was read (required, also for a blank value: where it was
           looked for)
``status`` ``confirmed``, ``secondary``, ``derived`` or ``unverified``
``note``   optional: period covered, method of a derived figure, caveats
=========  ===============================================================================

Items: ``contributions``; benefits by branch ``benefits_old_age``,
``benefits_invalidity``, ``benefits_survivors``, ``benefits_lump_sums`` (refunds, survivors'
lump sums, funeral grants); ``admin_expenses``; ``investment_income`` (may be negative);
``reserve_end``; contributors at the year end ``contributors`` (both sexes),
``contributors_M``, ``contributors_F``; pensioners (old-age and invalidity) at the year
end ``pensioners_M``, ``pensioners_F``.

Checks (each an :class:`~actuary.io.errors.DataError` naming the file, row, column, value
and what was expected): the columns; a blank or non-whole ``year``; an unknown ``item``;
a ``value`` that is not a number, not finite, or impossible (negative, except investment
income; contributors of one sex above both sexes'; the two sexes not adding up to both
sexes' within 1 person); a blank ``source``; an unknown ``status``; a year and item given
twice; and a missing year: every year from the first to the last needs its rows (a year
with nothing published has rows with blank values, saying so).

Actual against expected
-----------------------
:func:`actual_vs_expected` sets each figure beside the projection's: flows of a year
beside the projected flows of that year; stocks at the end of year ``y`` beside the
projection's people on 1 January ``y + 1`` (the starting population for the year before
the valuation) and the reserve at the end of ``y`` (the starting reserve for the year
before the valuation). Differences are actual minus expected; the A/E ratio is actual
over expected. Years outside the projection and blank values are listed as such.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from actuary import assumptions as _assumptions_package
from actuary.io.errors import DataError

__all__ = ["ITEMS", "ITEM_LABELS", "Accounts", "read_accounts", "actual_vs_expected",
           "SHIPPED_ACCOUNTS", "default_accounts_path", "attach_accounts"]

#: item -> (label, unit, kind: flow | stock | people, may be negative)
ITEMS: dict[str, tuple[str, str, str, bool]] = {
    "contributions": ("contributions", "KHR", "flow", False),
    "benefits_old_age": ("old-age pensions paid", "KHR", "flow", False),
    "benefits_invalidity": ("invalidity pensions paid", "KHR", "flow", False),
    "benefits_survivors": ("survivors' pensions paid", "KHR", "flow", False),
    "benefits_lump_sums": ("lump sums, refunds and grants paid", "KHR", "flow", False),
    "admin_expenses": ("administrative expenses", "KHR", "flow", False),
    "investment_income": ("investment income", "KHR", "flow", True),
    "reserve_end": ("reserve at the year end", "KHR", "stock", False),
    "contributors": ("contributors at the year end", "persons", "people", False),
    "contributors_M": ("contributors at the year end, men", "persons", "people", False),
    "contributors_F": ("contributors at the year end, women", "persons", "people", False),
    "pensioners_M": ("old-age and invalidity pensioners at the year end, men", "persons",
                     "people", False),
    "pensioners_F": ("old-age and invalidity pensioners at the year end, women", "persons",
                     "people", False),
}
ITEM_LABELS = {k: v[0] for k, v in ITEMS.items()}
_COLUMNS = ("year", "item", "value", "source", "status", "note")
_REQUIRED = ("year", "item", "value", "source", "status")
_STATUSES = ("confirmed", "secondary", "derived", "unverified")
#: The shipped accounts of the NSSF pension scheme (what it has published).
SHIPPED_ACCOUNTS = (Path(_assumptions_package.__file__).resolve().parent / "data" / "accounts"
                    / "nssf_accounts.csv")
_YEARS = (1900, 2200)


@dataclass(frozen=True)
class Accounts:
    """Checked accounts: ``rows`` with columns year, item, value (NaN = missing), source,
    status, note, and the file they came from."""

    rows: pd.DataFrame
    path: str

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.rows["year"].unique())


def default_accounts_path(aset: Any) -> Path | None:
    """The shipped accounts for a set of the NSSF pension scheme; None for another scheme."""
    return SHIPPED_ACCOUNTS if aset.scheme.name == "nssf-pension" else None


def _read_raw(path: Path) -> pd.DataFrame:
    from actuary.io.fileio import input_file, read_small_csv

    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_small_csv(path, _REQUIRED, "the accounts", ",".join(_COLUMNS),
                              "one row per year and item")
    if suffix != ".xlsx":
        raise DataError("unknown file type for accounts", source=str(path), value=suffix,
                        expected="a .csv or .xlsx file")
    input_file(path, "an XLSX accounts file")
    try:
        raw = pd.read_excel(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise DataError(f"cannot read the accounts: {exc}", source=str(path),
                        expected="an XLSX file with columns " + ",".join(_COLUMNS)) from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    for col in _REQUIRED:
        if col not in raw.columns:
            raise DataError("missing column", source=str(path), location="row 1", field=col,
                            value=", ".join(raw.columns), expected="columns " + ",".join(_COLUMNS))
    if raw.empty:
        raise DataError("the file has a header but no rows", source=str(path),
                        expected="one row per year and item")
    return raw


def read_accounts(path: str | Path) -> Accounts:
    """Read and check an accounts file (see the module docstring); the file is only read.

    Raises
    ------
    DataError
        The first problem found, naming the file, row, column, value and what was expected.
    """
    path = Path(path)
    raw = _read_raw(path)
    src = str(path)
    extra = [c for c in raw.columns if c not in _COLUMNS]
    if extra:
        raise DataError("unknown columns", source=src, location="row 1", field=", ".join(extra),
                        expected="columns " + ",".join(_COLUMNS))
    rows = []
    seen: dict[tuple[int, str], int] = {}
    for i, rec in enumerate(raw.to_dict("records")):
        r = i + 2  # the header is row 1, as a spreadsheet shows it
        rec = {k: str(v).strip() for k, v in rec.items()}
        year = _year(rec["year"], src, r)
        item = rec["item"]
        if item not in ITEMS:
            raise DataError("unknown item", source=src, location=f"row {r}", field="item",
                            value=item, expected="one of " + ", ".join(ITEMS))
        value = _value(rec["value"], item, src, r)
        if not rec["source"]:
            raise DataError("no source", source=src, location=f"row {r}", field="source",
                            value="", expected="where the figure was read (or looked for)")
        if rec["status"] not in _STATUSES:
            raise DataError("bad status", source=src, location=f"row {r}", field="status",
                            value=rec["status"], expected="one of " + ", ".join(_STATUSES))
        if (year, item) in seen:
            raise DataError(f"year {year} and item {item} are given twice (rows "
                            f"{seen[(year, item)]} and {r})", source=src, location=f"row {r}",
                            field="item", value=item, expected="one row per year and item")
        seen[(year, item)] = r
        rows.append({"year": year, "item": item, "value": value, "source": rec["source"],
                     "status": rec["status"], "note": rec.get("note", ""), "row": r})
    frame = pd.DataFrame(rows)
    _check_years(frame, src)
    _check_sexes(frame, src)
    return Accounts(rows=frame.drop(columns="row"), path=src)


def _year(text: str, src: str, r: int) -> int:
    if not text:
        raise DataError("missing year", source=src, location=f"row {r}", field="year", value="",
                        expected="a calendar year")
    try:
        year = float(text)
    except ValueError:
        year = math.nan
    if not (math.isfinite(year) and year == int(year) and _YEARS[0] <= year <= _YEARS[1]):
        raise DataError("bad year", source=src, location=f"row {r}", field="year", value=text,
                        expected=f"a whole calendar year in {_YEARS[0]}..{_YEARS[1]}")
    return int(year)


def _value(text: str, item: str, src: str, r: int) -> float:
    if not text:
        return math.nan
    label, unit, _kind, negative = ITEMS[item]
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise DataError("not a number", source=src, location=f"row {r}", field="value",
                        value=text, expected=f"{label} in {unit}, or blank if not known") from None
    if not math.isfinite(value) or (value < 0 and not negative):
        raise DataError("impossible value", source=src, location=f"row {r}", field="value",
                        value=text, expected=f"{label} in {unit}: a finite number"
                        + ("" if negative else ", at least 0"))
    return value


def _check_years(frame: pd.DataFrame, src: str) -> None:
    years = sorted(set(frame["year"]))
    for y in range(years[0], years[-1] + 1):
        if y not in years:
            raise DataError(f"year {y} is missing", source=src, field="year", value=y,
                            expected=f"rows for every year from {years[0]} to {years[-1]} (a "
                                     "figure not published: a row with a blank value)")


def _check_sexes(frame: pd.DataFrame, src: str) -> None:
    for year, g in frame.groupby("year"):
        v = g.set_index("item")["value"]
        r = g.set_index("item")["row"]
        total = v.get("contributors", math.nan)
        for sex in ("contributors_M", "contributors_F"):
            part = v.get(sex, math.nan)
            if part > total:  # NaN compares False: nothing to check
                raise DataError("impossible value: more contributors of one sex than of both",
                                source=src, location=f"row {r[sex]}", field="value", value=part,
                                expected=f"at most {total:,.0f} (contributors of {year})")
        m, f = v.get("contributors_M", math.nan), v.get("contributors_F", math.nan)
        if abs(m + f - total) > 1.0:
            raise DataError("impossible values: men and women do not add up to the "
                            "contributors of both sexes", source=src,
                            location=f"row {r['contributors']}", field="value", value=total,
                            expected=f"{m:,.0f} + {f:,.0f} = {m + f:,.0f} (within 1 person)")


# -- against the projection ---------------------------------------------------------------

_FLOW_COLUMNS = {"contributions": "contributions", "benefits_old_age": "old_age_benefits",
                 "benefits_invalidity": "invalidity_benefits",
                 "benefits_survivors": "survivor_benefits", "benefits_lump_sums": "lump_sums",
                 "admin_expenses": "admin", "investment_income": "investment_income"}


def _expected(item: str, year: int, result: Any) -> tuple[float | None, str]:
    """The projection's figure for ``item`` of ``year`` and what it is (or why none)."""
    y = result.yearly.set_index("year")
    first, last = int(y.index[0]), int(y.index[-1])
    kind = ITEMS[item][2]
    if kind == "flow":
        if not first <= year <= last:
            return None, "outside the projection years"
        return float(y.loc[year, _FLOW_COLUMNS[item]]), f"projected {year}"
    if item == "reserve_end":
        if year == first - 1:
            return float(result.summary["reserve0"]), "reserve at the valuation date"
        if not first <= year <= last:
            return None, "outside the projection years"
        return float(y.loc[year, "reserve_end"]), f"projected end of {year}"
    nxt = year + 1  # the year end is the next year's 1 January
    if not first <= nxt <= last:
        return None, "outside the projection years"
    if item == "contributors":
        return float(y.loc[nxt, "active"]), f"active on 1 January {nxt}"
    what, sex = item.rsplit("_", 1)
    b = result.by_sex
    row = b[(b["year"] == nxt) & (b["sex"] == sex)].iloc[0]
    if what == "contributors":
        return float(row["active"]), f"active on 1 January {nxt}"
    return (float(row["old_age_pensioners"] + row["invalidity_pensioners"]),
            f"old-age and invalidity pensioners on 1 January {nxt}")


def actual_vs_expected(accounts: Accounts, result: Any) -> pd.DataFrame:
    """One row per figure of ``accounts``: actual, expected, difference, A/E ratio.

    Columns: year, item, label, unit, actual, expected, difference (actual - expected),
    ae_ratio (actual / expected; empty when expected is 0), compared (what the expected
    figure is, or why there is none), source, status, note. Money in KHR of the year.
    """
    rows = []
    for rec in accounts.rows.to_dict("records"):
        item, year, actual = rec["item"], int(rec["year"]), rec["value"]
        expected, what = _expected(item, year, result)
        missing = actual is None or (isinstance(actual, float) and math.isnan(actual))
        both = not missing and expected is not None
        rows.append({
            "year": year, "item": item, "label": ITEMS[item][0], "unit": ITEMS[item][1],
            "actual": np.nan if missing else actual,
            "expected": np.nan if expected is None else expected,
            "difference": actual - expected if both else np.nan,
            "ae_ratio": actual / expected if both and expected != 0 else np.nan,
            "compared": ("missing: " + (rec["note"] or "not known")) if missing else what,
            "source": rec["source"], "status": rec["status"], "note": rec["note"],
        })
    return pd.DataFrame(rows)


def attach_accounts(result: Any, accounts: Accounts) -> None:
    """Put the actual-against-expected table of ``accounts`` on a valuation ``result``
    (``result.accounts``, its file ``result.accounts_path``) and the file among the
    inputs of its provenance (with its SHA-256)."""
    from actuary.io.fileio import sha256_of

    result.accounts = actual_vs_expected(accounts, result)
    result.accounts_path = accounts.path
    result.provenance.setdefault("files", {})[accounts.path] = sha256_of(accounts.path)
