"""The checks of every row of a member file and of a pensioner file (the reasons are
listed in :mod:`actuary.members.datacheck`), and the file's counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

from actuary.engine.plausibility import (
    MAX_MONTHLY_KHR,
    pension_finding,
    wage_finding,
    weighted_median,
)
from actuary.io.progress import Progress, track
from actuary.members.checkrules import CheckSettings
from actuary.members.files import (
    BENEFIT_TYPES,
    MEMBER_COLUMNS,
    MEMBER_STATUSES,
    PENSIONER_COLUMNS,
    Chunk,
    TableSource,
    completed_years,
    month_index,
)
from actuary.members.rowcheck import (
    _cat,
    _ChunkProblems,
    _d,
    _dates,
    _duplicates,
    _fmt_date,
    _is_synthetic,
    _numbers,
    _Problems,
    _skip_rows,
)

__all__ = ["FileSummary", "check_members", "check_pensioners"]


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
    #: implausible averages found (a unit mistake?), see actuary.engine.plausibility
    findings: list[str] = field(default_factory=list)


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
    add((wtext != "") & ~(np.isfinite(wage) & (wage >= 0) & (wage <= MAX_MONTHLY_KHR)),
        "bad_number", "insurable_wage", wtext, f"an amount in KHR per month, 0 to "
        f"{MAX_MONTHLY_KHR:,.0f} (digits only, no thousands separators)")

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

    wage_ok = active & np.isfinite(wage) & (wage >= 0) & (wage <= MAX_MONTHLY_KHR)
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


def tracked_chunks(source: TableSource, progress: Progress | None) -> Iterator[Chunk]:
    """``source``'s chunks, with a bar over its rows (and the time left) on ``progress``."""
    return track(progress, source.chunks(), f"checking {Path(source.path).name}",
                 lambda c: f"rows {c.first_row:,}-{c.first_row + len(c.frame) - 1:,}",
                 size=lambda c: len(c.frame), total=source.row_count())


def check_members(source: TableSource, settings: CheckSettings,
                  progress: Progress | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame, FileSummary, dict[str, float]]:
    """Check every row of a member file (``progress`` is shown the rows checked).

    Returns
    -------
    used, problems, summary, totals_in
        The used rows (typed), the problem lines, the file's counts, and the totals
        over all rows read (for the control totals and the effect of rejections).
    """
    P = _Problems("members")
    typed_parts, bad_parts, changed_parts, synthetic = [], [], [], True
    wages = []  # the actives' wages as read (for the plausibility of their units)
    totals = dict.fromkeys(("members", "active_members", "inactive_members", "active_women",
                            "active_wage_mass", "credited_months"), 0.0)
    for chunk in tracked_chunks(source, progress):
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
        wages.append(raw_wage[active & (raw_wage >= 0) & (raw_wage <= MAX_MONTHLY_KHR)])
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
    wages = np.concatenate(wages)
    if wages.size:
        finding = wage_finding(weighted_median(wages), float(np.mean(wages)), settings.limits,
                               "the actives' wages")
        summary.findings = [finding] if finding else []
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
    add((atext != "") & ~(np.isfinite(amount) & (amount <= MAX_MONTHLY_KHR)), "bad_number",
        "monthly_amount", atext, f"an amount in KHR per month up to {MAX_MONTHLY_KHR:,.0f} "
        "(digits only, no thousands separators)")
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
    born = ok_b & (birth <= as_of)
    add(born & (age > s.max_age), "age_out_of_range", "birth_date",
        lambda: age.astype(str), f"an age of at most {s.max_age} on the as-of date")
    add(born & np.isin(btype, ("old_age", "invalidity", "spouse")) & (age < s.min_entry_age),
        "impossible_age", "birth_date", lambda: age.astype(str),
        f"an age of at least {s.min_entry_age} (the minimum working age) on the as-of date "
        "for this benefit")
    add(born & (btype == "orphan") & (age >= s.orphan_age_limit), "impossible_age",
        "birth_date", lambda: age.astype(str),
        f"an orphan younger than {s.orphan_age_limit} on the as-of date (orphans' pensions "
        "stop at that age)")
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
                     member_ids: set[str] | None = None, progress: Progress | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame, FileSummary, dict[str, float]]:
    """Check every row of a pensioner file (see :func:`check_members`)."""
    P = _Problems("pensioners")
    typed_parts, bad_parts, synthetic = [], [], True
    totals = {"pensioners": 0.0, "pension_mass": 0.0}
    for chunk in tracked_chunks(source, progress):
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
    findings = _pension_findings(typed, settings)
    bad |= _duplicates(typed["pensioner_id"].to_numpy(dtype=object), typed["row"].to_numpy(),
                       source, _PENSIONER_HASHED, P, "pensioner_id")
    summary = _file_summary(source)
    summary.synthetic = synthetic
    problems = P.frame()
    _count(summary, len(typed), bad, problems)
    summary.findings = findings
    return typed[~bad].reset_index(drop=True), problems, summary, totals


def _pension_findings(typed: pd.DataFrame, settings: CheckSettings) -> list[str]:
    """Implausible average pensions, by benefit type, over the amounts read that are
    numbers > 0 (see :func:`actuary.engine.plausibility.pension_finding`)."""
    amount = typed["monthly_amount"].to_numpy()
    kinds = typed["benefit_type"].to_numpy()
    findings = []
    for kind in BENEFIT_TYPES:
        sel = (kinds == kind) & (amount > 0) & (amount <= MAX_MONTHLY_KHR)
        if sel.any():
            finding = pension_finding(float(np.mean(amount[sel])), settings.limits,
                                      f"the {kind} pensions")
            findings += [finding] if finding else []
    return findings
