"""The insured population at the valuation date: the file format, its checks, and cells.

A starting-population file is a CSV or XLSX table, one row per group of people with
the same status, sex, age and credited months:

============================  ==========================================================
column                        meaning
============================  ==========================================================
``status``                    ``active``, ``inactive``, ``old_age``, ``invalidity``,
                              ``spouse`` or ``orphan``
``sex``                       ``M`` or ``F``
``age``                       completed years on the valuation date, 0..110
``credited_months``           credited months of contribution (members; blank for
                              pensioners)
``count``                     number of people (non-negative; may be fractional when
                              derived from aggregates)
``average_monthly_wage``      current insurable wage, KHR per month (actives)
``average_career_wage``       optional: average revalued contributory wage over the
                              career, KHR per month (members); blank = the current
                              wage capped at the floor and ceiling
``average_monthly_pension``   pension in payment, KHR per month (pensioners)
============================  ==========================================================

A sidecar YAML of the same stem (``nssf_default.csv`` + ``nssf_default.yaml``) gives
``name``, ``description``, ``valuation_date``, ``reserve_khr`` (the reserve at the
valuation date), ``source`` and ``status`` (and free ``notes``), and optionally
``wage_basis``: which wage ``average_monthly_wage`` is, ``insurable`` (the default: the
contributory wage, within the floor and ceiling, the average of what members
contribute on) or ``gross`` (the wage before the floor and ceiling). The projection
needs the gross mean of a cell (its wages are lognormal around it and capped each
year), so an insurable average is turned into the gross mean that gives it
(:func:`actuary.engine.gross_wages.gross_mean`), never capped a second time.

Every row is used or reported: :func:`read_starting_population` raises a
:class:`~actuary.io.errors.DataError` listing every bad row (file, row, column, value,
what was expected); nothing is dropped silently. The file is only read.
"""

from __future__ import annotations

import csv
import math
import warnings
import zipfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from actuary import assumptions as assumptions_package
from actuary.io.yamlio import read_mapping
from actuary.engine.basis import StartingState
from actuary.io.errors import DataError
from actuary.io.fileio import input_file, refuse_control_characters, refuse_control_text
from actuary.engine.plausibility import (
    MAX_COUNT,
    MAX_MONTHLY_KHR,
    MIN_MEMBER_AGE,
    RuleLimits,
    pension_finding,
    refuse_or_accept,
    wage_finding,
    weighted_median,
)
from actuary.engine.state import N_AGE, N_SERVICE, PAID_SLOT_MONTHS

__all__ = [
    "write_starting_population",
    "STATUSES",
    "StartingPopulation",
    "read_starting_population",
    "shipped_population_path",
    "check_against_rules",
]

STATUSES = ("active", "inactive", "old_age", "invalidity", "spouse", "orphan")
MEMBER_STATUSES = ("active", "inactive")
WAGE_BASES = ("insurable", "gross")  # what average_monthly_wage is (sidecar wage_basis)
REQUIRED = ("status", "sex", "age", "count")
OPTIONAL = ("credited_months", "average_monthly_wage", "average_career_wage",
            "average_monthly_pension")
# The shipped data live with the assumption sets (actuary.assumptions), installed or not.
_SHIPPED = Path(assumptions_package.__file__).resolve().parent / "data" / "populations"


def shipped_population_path(name: str) -> Path:
    """Path of a shipped starting population (``nssf-default`` -> ``nssf_default.csv``)."""
    path = _SHIPPED / f"{name.replace('-', '_')}.csv"
    if not path.exists():
        known = sorted(p.stem.replace("_", "-") for p in _SHIPPED.glob("*.csv"))
        raise DataError(f"no shipped starting population named {name!r}", source=str(_SHIPPED),
                        expected="one of " + ", ".join(known) + " or a path to a CSV/XLSX file")
    return path


@dataclass(frozen=True)
class StartingPopulation:
    """A checked starting population: the tidy rows and its metadata."""

    rows: pd.DataFrame
    valuation_date: date
    reserve: float
    name: str
    description: str = ""
    source: str = ""
    status: str = "unverified"
    path: str = ""
    notes: list[str] = field(default_factory=list)
    wage_basis: str = "insurable"  # what average_monthly_wage is: insurable or gross
    #: implausible findings the user accepted (see :func:`check_against_rules`)
    accepted: list[str] = field(default_factory=list)

    def summary(self) -> pd.DataFrame:
        """Counts and average amounts by status and sex (KHR per month)."""
        r = self.rows.copy()
        has_wage = r["average_monthly_wage"].notna()
        has_pension = r["average_monthly_pension"].notna()
        r["wage_count"] = np.where(has_wage, r["count"], 0.0)
        r["pension_count"] = np.where(has_pension, r["count"], 0.0)
        r["wage_mass"] = r["wage_count"] * r["average_monthly_wage"].fillna(0.0)
        r["pension_mass"] = r["pension_count"] * r["average_monthly_pension"].fillna(0.0)
        cols = ["count", "wage_count", "wage_mass", "pension_count", "pension_mass"]
        g = r.groupby(["status", "sex"], sort=False)[cols].sum()
        g["average_monthly_wage"] = np.where(g["wage_count"] > 0,
                                             g["wage_mass"] / g["wage_count"].where(g["wage_count"] > 0),
                                             np.nan)
        g["average_monthly_pension"] = np.where(
            g["pension_count"] > 0, g["pension_mass"] / g["pension_count"].where(g["pension_count"] > 0),
            np.nan)
        return g.drop(columns=cols[1:]).reset_index()

    def member_service(self, wage_floor: float, wage_ceiling: float, extra_years: Any = None,
                       months_for_extra: int = 0) -> list[tuple[float, float, float]]:
        """``(credited years, wage, career earnings)`` of one member of each row (zeros
        for pensioners' rows): the years are the credited months / 12 plus the
        transitional credits, the wage the row's average wage (KHR per year), the career
        earnings the career wage of the row times the years (KHR). Parameters as for
        :meth:`to_state`, which places these members in cells.
        """
        out = []
        for row in self.rows.itertuples(index=False):
            if row.status not in MEMBER_STATUSES:
                out.append((0.0, 0.0, 0.0))
                continue
            months = float(row.credited_months)
            years = months / 12.0
            wage = 0.0 if _blank(row.average_monthly_wage) else float(row.average_monthly_wage)
            career_wage = (
                float(row.average_career_wage)
                if not _blank(row.average_career_wage)
                else min(max(wage, wage_floor), wage_ceiling if wage_ceiling > 0 else wage)
            )
            if extra_years is not None and months >= months_for_extra:
                years += float(extra_years(int(row.age)))
            out.append((years, 12.0 * wage, 12.0 * career_wage * years))
        return out

    def to_state(
        self,
        wage_floor: float,
        wage_ceiling: float,
        extra_years: Any = None,
        months_for_extra: int = 0,
        paid_slots: bool = False,
        paid_rate: Any = None,
    ) -> StartingState:
        """Cells of the projection (annual amounts, KHR per year).

        Parameters
        ----------
        wage_floor, wage_ceiling
            Contributory wage floor and ceiling on the valuation date, KHR per month,
            used for the career wage when ``average_career_wage`` is blank.
        extra_years
            Optional function ``age_on_valuation_date -> extra credited years``
            (transitional credits); added to the credited service and to the career
            earnings at the career wage of the row.
        months_for_extra
            Minimum credited months a member needs for the extra years.
        paid_slots
            Place members by months of contributions paid (``credited_months``, without
            the transitional credits) in slots of ``PAID_SLOT_MONTHS`` months, as the
            projection does for rules that test months paid
            (:attr:`actuary.engine.basis.Basis.paid_slots`); else by completed credited
            years, with the fraction split over two slots.
        paid_rate
            Optional function ``months -> average contribution rate`` of that many
            months before the valuation date
            (:meth:`actuary.engine.build.StartRules.paid_rate`): the members'
            contributions paid are ``credited_months x career wage x that rate`` (KHR;
            the transitional credits were not paid). ``None``: none recorded (the
            projection then takes the first year's rate times the career earnings).
        """
        st = StartingState.empty()
        if paid_slots:
            st = replace(st, service_unit="paid")
        if paid_rate is not None:
            zeros = np.zeros_like(st.active_count)
            st = replace(st, active_paid=zeros, inactive_paid=zeros.copy())
        service = self.member_service(wage_floor, wage_ceiling, extra_years, months_for_extra)
        for row, (years, wage, career) in zip(self.rows.itertuples(index=False), service):
            s = 0 if row.sex == "M" else 1
            x = int(row.age)
            n = float(row.count)
            if row.status in MEMBER_STATUSES:
                # contributions paid: the months paid at the career wage and their rates
                months = float(row.credited_months)
                paid = 0.0 if paid_rate is None or years <= 0.0 else (
                    months * career / (12.0 * years) * paid_rate(months))
                if paid_slots:  # 6k .. 6k + 5 months paid in slot k: no split
                    lo = hi = min(int(float(row.credited_months) // PAID_SLOT_MONTHS),
                                  N_SERVICE - 1)
                    f = 0.0
                else:
                    # completed years, with the fraction split over two slots (exact mean)
                    lo = min(int(math.floor(years)), N_SERVICE - 1)
                    f = 0.0 if lo == N_SERVICE - 1 else years - math.floor(years)
                    hi = min(lo + 1, N_SERVICE - 1)
                for slot, share in ((lo, 1.0 - f), (hi, f)):
                    if share <= 0.0:
                        continue
                    if row.status == "active":
                        st.active_count[s, x, slot] += share * n
                        st.active_wage[s, x, slot] += share * n * wage
                        st.active_career[s, x, slot] += share * n * career
                    else:
                        st.inactive_count[s, x, slot] += share * n
                        st.inactive_career[s, x, slot] += share * n * career
                    if paid_rate is not None and paid > 0.0:
                        into = st.active_paid if row.status == "active" else st.inactive_paid
                        into[s, x, slot] += share * n * paid
            else:
                pension = 12.0 * float(row.average_monthly_pension) * n
                getattr(st, f"{row.status}_count")[s, x] += n
                getattr(st, f"{row.status}_pension")[s, x] += pension
        return StartingState(**{k: getattr(st, k) for k in st.__dataclass_fields__
                                if k != "reserve"}, reserve=self.reserve)


def write_starting_population(rows: pd.DataFrame, meta: dict, csv_path: str | Path) -> Path:
    """Write a starting population: ``rows`` to ``csv_path`` and ``meta`` to its YAML sidecar.

    Both files are written atomically; ``meta`` has the sidecar's keys (name,
    valuation_date, reserve_khr, source, status, ...).
    """
    from actuary.io.fileio import spreadsheet_safe, write_atomic

    csv_path = Path(csv_path)
    write_atomic(csv_path, lambda p: spreadsheet_safe(rows).to_csv(p, index=False,
                                                                   lineterminator="\n"))
    write_atomic(csv_path.with_suffix(".yaml"),
                 lambda p: p.write_text(yaml.safe_dump(meta, sort_keys=False, width=100),
                                        encoding="utf-8"))
    return csv_path


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v == ""


def _read_table(path: Path) -> pd.DataFrame:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise DataError("unknown file type", source=str(path), value=suffix,
                    expected=".csv or .xlsx")


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            # index_col=False: a first row wider than the header is not taken for an
            # index column; pandas then only warns (and would drop its extra values).
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8",
                               index_col=False)
    except UnicodeDecodeError as exc:
        raise DataError("the file is not UTF-8 text", source=str(path),
                        expected="a UTF-8 encoded CSV") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError("the file is empty", source=str(path),
                        expected="a header row and at least one data row") from exc
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        wide = _wide_row_error(path)
        if wide is not None:
            raise wide from exc
        raise DataError(f"cannot read the file: {_one_line(exc)}", source=str(path),
                        expected="a CSV table (quote text that contains commas)") from exc
    except (ValueError, OSError) as exc:
        raise DataError(f"cannot read the file: {_one_line(exc)}", source=str(path),
                        expected="a CSV table") from exc


def _read_xlsx(path: Path) -> pd.DataFrame:
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as exc:
        # e.g. a CSV saved under an .xlsx name (no zip archive at all), or a zip
        # archive without a workbook in it (KeyError: no [Content_Types].xml)
        raise DataError(f"not a valid {path.suffix.lower()} workbook: {_one_line(exc)}",
                        source=str(path),
                        expected="an Excel workbook with the table on its first sheet, "
                                 "or a .csv file") from exc
    except (ValueError, OSError) as exc:
        raise DataError(f"cannot read the file: {_one_line(exc)}", source=str(path),
                        expected="an XLSX workbook with the table on its first sheet") from exc


def _one_line(exc: BaseException) -> str:
    """An exception's text on one line (pandas ends some messages with a line break)."""
    return " ".join(str(exc).split())


def _wide_row_error(path: Path) -> DataError | None:
    """The first row with more fields than the header, as an error; None if none is.

    pandas words it on two lines (or only warns when it is the first row); a second
    pass with :mod:`csv`, made only to word the error, finds the row and both counts.
    """
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        rows = csv.reader(fh)
        header = next(rows, [])
        for number, fields in enumerate(rows, start=2):  # the header is row 1
            if len(fields) > len(header):
                return DataError(f"{len(fields)} fields where the header has {len(header)}",
                                 source=str(path), location=f"row {number}",
                                 value=",".join(fields[len(header):]),
                                 expected=f"{len(header)} comma-separated fields, one per column "
                                          "(quote text that contains commas)")
    return None


def _number(text: str, *, integer: bool = False) -> float | None:
    text = str(text).strip()
    if text == "":
        return None
    try:
        v = float(text)
    except ValueError:
        raise ValueError("not a number") from None
    if not math.isfinite(v):
        raise ValueError("not a finite number")
    if integer and v != int(v):
        raise ValueError("not a whole number")
    return v


def _check_rows(raw: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[str]]:
    """Parse and check every row; return the clean frame and the problems found."""
    problems: list[str] = []
    clean: list[dict[str, Any]] = []
    for i, rec in enumerate(raw.to_dict("records")):
        line = i + 2  # header is line 1
        bad = []

        def fail(col: str, val: Any, expected: str) -> None:
            bad.append(str(DataError("bad value", source=source, location=f"row {line}",
                                     field=col, value=val, expected=expected)))

        status = str(rec.get("status", "")).strip()
        if status not in STATUSES:
            fail("status", status, "one of " + ", ".join(STATUSES))
        sex = str(rec.get("sex", "")).strip()
        if sex not in ("M", "F"):
            fail("sex", sex, "M or F")
        values: dict[str, float | None] = {}
        for col, integer in (("age", True), ("count", False), ("credited_months", True),
                             ("average_monthly_wage", False), ("average_career_wage", False),
                             ("average_monthly_pension", False)):
            try:
                values[col] = _number(rec.get(col, ""), integer=integer)
            except ValueError as exc:
                fail(col, rec.get(col), f"a {'whole ' if integer else ''}number ({exc})")
                values[col] = None
        age, count = values["age"], values["count"]
        if age is None and "age" not in [b for b in bad]:
            if str(rec.get("age", "")).strip() == "":
                fail("age", "", "a whole number of years 0..110")
        elif age is not None and not 0 <= age <= N_AGE - 1:
            fail("age", rec.get("age"), "a whole number of years 0..110")
        if count is None:
            if str(rec.get("count", "")).strip() == "":
                fail("count", "", "a number of people >= 0")
        elif count < 0:
            fail("count", rec.get("count"), "a number of people >= 0")
        if count is not None and count > MAX_COUNT:
            fail("count", rec.get("count"), f"a number of people <= {MAX_COUNT:,.0f}")
        for col in ("average_monthly_wage", "average_career_wage", "average_monthly_pension"):
            v = values[col]
            if v is not None and not 0 <= v <= MAX_MONTHLY_KHR:
                fail(col, rec.get(col),
                     f"an amount in KHR per month, 0 to {MAX_MONTHLY_KHR:,.0f}")
        if status in MEMBER_STATUSES:
            m = values["credited_months"]
            if m is None and str(rec.get("credited_months", "")).strip() == "":
                fail("credited_months", "", "credited months (a whole number >= 0) for members")
            elif m is not None and age is not None and (m < 0 or m > 12 * max(age - 10, 0)):
                fail("credited_months", rec.get("credited_months"),
                     f"0 to {12 * max(int(age) - 10, 0)} months for age {int(age)}")
            if status == "active" and values["average_monthly_wage"] is None:
                fail("average_monthly_wage", rec.get("average_monthly_wage", ""),
                     "the average insurable wage in KHR per month for actives")
        elif status in STATUSES:
            if values["average_monthly_pension"] is None:
                fail("average_monthly_pension", rec.get("average_monthly_pension", ""),
                     "the average pension in KHR per month for pensioners")
        if bad:
            problems.extend(bad)
            continue
        clean.append({"status": status, "sex": sex, "age": int(age), "count": float(count),
                      **{c: values[c] for c in OPTIONAL}})
    frame = pd.DataFrame(clean, columns=list(REQUIRED) + list(OPTIONAL))
    frame = frame.astype({c: float for c in OPTIONAL})  # blanks as NaN, never objects
    return frame, problems


def read_starting_population(path: str | Path) -> StartingPopulation:
    """Read and check a starting-population file and its YAML sidecar.

    Raises
    ------
    DataError
        Listing every problem found (missing file or columns, bad rows, bad metadata).
    """
    path = input_file(path, "a CSV or XLSX starting-population file")
    if path.suffix.lower() == ".csv":
        refuse_control_characters(path)  # before pandas, which cuts a field at a NUL
    raw = _read_table(path)
    refuse_control_text(path, raw)  # a workbook's text
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise DataError("missing columns", source=str(path), field=", ".join(missing),
                        expected="columns " + ", ".join(REQUIRED + OPTIONAL))
    unknown = [c for c in raw.columns if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise DataError("unknown columns", source=str(path), field=", ".join(unknown),
                        expected="only " + ", ".join(REQUIRED + OPTIONAL))
    if raw.empty:
        raise DataError("the table has a header but no rows", source=str(path),
                        expected="at least one row of people")
    rows, problems = _check_rows(raw, str(path))
    if len(problems) == 1:  # on one line, as every other error
        raise DataError(problems[0] + "; nothing was used")
    if problems:
        raise DataError(f"{len(problems)} problem(s) in {len(raw)} rows; nothing was used:\n  "
                        + "\n  ".join(problems), source=str(path))
    dupes = rows.duplicated(["status", "sex", "age", "credited_months"], keep=False)
    if dupes.any():
        first = rows[dupes].iloc[0]
        raise DataError("the same status, sex, age and credited months appear on more than "
                        "one row", source=str(path),
                        location=f"rows {', '.join(str(i + 2) for i in rows.index[dupes][:5])}",
                        value=f"{first.status}/{first.sex}/{first.age}",
                        expected="one row per cell (add the counts up)")
    meta = _read_meta(path)
    return StartingPopulation(rows=rows, path=str(path), **meta)


def _read_meta(path: Path) -> dict[str, Any]:
    side = path.with_suffix(".yaml")
    if not side.exists():
        raise DataError("the metadata file is missing", source=str(side),
                        expected="a YAML file beside the table with name, valuation_date, "
                                 "reserve_khr, source and status")
    meta = read_mapping(side, error=DataError)
    allowed = {"name", "description", "valuation_date", "reserve_khr", "source", "status",
               "notes", "wage_basis"}
    extra = set(meta) - allowed
    if extra:
        raise DataError("unknown keys", source=str(side), field=", ".join(sorted(extra)),
                        expected=", ".join(sorted(allowed)))
    for key in ("name", "valuation_date", "reserve_khr", "source", "status"):
        if key not in meta:
            raise DataError("missing key", source=str(side), field=key)
    vd = meta["valuation_date"]
    if not isinstance(vd, date):
        try:
            vd = date.fromisoformat(str(vd))
        except ValueError:
            raise DataError("not a date", source=str(side), field="valuation_date", value=vd,
                            expected="a real calendar date (YYYY-MM-DD)") from None
    reserve = meta["reserve_khr"]
    # YAML reads .nan and .inf as floats: a reserve of nan would run the whole valuation
    if (isinstance(reserve, bool) or not isinstance(reserve, (int, float))
            or (isinstance(reserve, float) and not math.isfinite(reserve)) or reserve < 0):
        raise DataError("bad reserve", source=str(side), field="reserve_khr", value=reserve,
                        expected="a finite amount in KHR >= 0")
    if meta["status"] not in ("confirmed", "secondary", "derived", "unverified"):
        raise DataError("bad status", source=str(side), field="status", value=meta["status"],
                        expected="confirmed, secondary, derived or unverified")
    wage_basis = meta.get("wage_basis", "insurable")
    if wage_basis not in WAGE_BASES:
        raise DataError("bad wage basis", source=str(side), field="wage_basis", value=wage_basis,
                        expected="insurable (within the floor and ceiling) or gross")
    notes = meta.get("notes") or []
    return {"name": str(meta["name"]), "description": str(meta.get("description", "")),
            "valuation_date": vd, "reserve": float(reserve), "source": str(meta["source"]),
            "status": str(meta["status"]), "notes": [str(n) for n in notes],
            "wage_basis": str(wage_basis)}


def _impossible_people(rows: pd.DataFrame, limits: RuleLimits) -> pd.Series:
    """What each row's age cannot be for its status under the rules ("" when fine)."""
    age, status = rows["age"], rows["status"]
    adult = f"an age of at least {MIN_MEMBER_AGE} (the minimum working age)"
    why = pd.Series("", index=rows.index, dtype=object)
    why[status.isin(("active", "inactive", "old_age", "invalidity", "spouse"))
        & (age < MIN_MEMBER_AGE)] = adult
    why[(status == "orphan") & (age >= limits.orphan_age_limit)] = (
        f"an age below {limits.orphan_age_limit}, when orphans' pensions stop")
    return why


def check_against_rules(pop: StartingPopulation, limits: RuleLimits,
                        accept_implausible: bool = False) -> StartingPopulation:
    """``pop`` checked against what the scheme's rules allow (see
    :mod:`actuary.engine.plausibility`).

    Impossible people (a member or an old-age pensioner younger than the minimum working
    age, an orphan at or past the age orphans' pensions stop) are errors; implausible
    averages (wages or pensions far from the floor and ceiling, old-age pensioners
    younger than the pension age) are refused with the likely cause unless
    ``accept_implausible``, in which case they are returned in ``accepted``.

    Raises
    ------
    DataError
        Listing every impossible row (row, field, value, expected), or the implausible
        findings.
    """
    rows, source = pop.rows, pop.path or pop.name
    why = _impossible_people(rows, limits)
    bad = why[why != ""]
    if len(bad):
        problems = [str(DataError(f"impossible for status {rows.at[i, 'status']}",
                                  source=source, location=f"row {i + 2}", field="age",
                                  value=int(rows.at[i, "age"]), expected=why[i]))
                    for i in bad.index]
        if len(problems) == 1:
            raise DataError(problems[0] + "; nothing was used")
        raise DataError(f"{len(problems)} impossible rows; nothing was used:\n  "
                        + "\n  ".join(problems), source=source)
    findings = []
    active = rows[(rows["status"] == "active") & rows["average_monthly_wage"].notna()]
    if len(active) and active["count"].sum() > 0:
        wages, n = active["average_monthly_wage"].to_numpy(), active["count"].to_numpy()
        finding = wage_finding(weighted_median(wages, n), float(np.average(wages, weights=n)),
                               limits, "the actives' wages")
        findings += [finding] if finding else []
    for status in ("old_age", "invalidity", "spouse", "orphan"):
        part = rows[(rows["status"] == status) & (rows["count"] > 0)]
        if len(part):
            mean = float(np.average(part["average_monthly_pension"], weights=part["count"]))
            finding = pension_finding(mean, limits, f"the {status} pensions")
            findings += [finding] if finding else []
    young = rows[(rows["status"] == "old_age") & (rows["age"] < limits.pension_age)
                 & (rows["count"] > 0)]
    if len(young):
        findings.append(f"old-age pensioners younger than the pension age {limits.pension_age:g} "
                        f"(rows {', '.join(str(i + 2) for i in young.index[:5])}"
                        f"{', ...' if len(young) > 5 else ''}; ages from {young['age'].min()})")
    notes = refuse_or_accept(findings, source, accept_implausible)
    return replace(pop, accepted=notes) if notes else pop
