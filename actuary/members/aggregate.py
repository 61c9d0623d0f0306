"""Checked members and pensioners aggregated into the cells the projection starts from.

The output is a starting-population file in the format of :mod:`actuary.engine.starting`
(CSV + YAML sidecar), so ``actuary valuate --population FILE.csv`` runs on it. Cells:

* members with status ``active`` or ``inactive``: one row per status, sex, age in
  completed years on the as-of date and credited months (exact, so the mean service
  of a cell is kept); ``count`` people; actives' ``average_monthly_wage`` is the mean
  insurable wage (KHR per month); inactives' ``average_career_wage`` is the mean of
  their last insurable wage, brought within the floor and ceiling (blank when no
  inactive of the cell has one: the projection then uses the floor);
* pensioners: one row per benefit type (``old_age``, ``invalidity``, ``spouse``,
  ``orphan``), sex and age, with the mean monthly amount.

Members whose status is ``retired``, ``invalid``, ``refunded`` or ``dead`` are not
cells: pensions in payment come from the pensioner file, and the others have left.
:func:`aggregate` returns, beside the rows, a reconciliation saying where every used
row went, so the report accounts for all of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from actuary.members.datacheck import CheckResult
from actuary.io.errors import DataError
from actuary.engine.starting import write_starting_population
from actuary.members.files import completed_years
from actuary.members.sufficiency import statement_notes

__all__ = ["ages_on", "aggregate", "population_meta", "write_population", "STARTING_COLUMNS"]

STARTING_COLUMNS = ["status", "sex", "age", "credited_months", "count", "average_monthly_wage",
                    "average_career_wage", "average_monthly_pension"]
_STATUS_ORDER = {"active": 0, "inactive": 1, "old_age": 2, "invalidity": 3, "spouse": 4,
                 "orphan": 5}


def ages_on(birth: pd.Series, as_of: Any) -> np.ndarray:
    """Completed years of age on ``as_of`` of the dates of birth ``birth``."""
    at = np.full(len(birth), np.datetime64(as_of, "D"))
    return completed_years(birth.to_numpy(dtype="datetime64[D]"), at)


def aggregate(result: CheckResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Starting-population rows and the reconciliation of the used rows.

    Returns
    -------
    rows
        Columns :data:`STARTING_COLUMNS`, sorted by status, sex, age, credited months.
    reconciliation
        One row per file and status: people used, where they went (``cells`` or the
        reason they are not a cell).
    """
    s = result.settings
    m = result.members
    parts = []
    recon = []
    for status, g in m.groupby("status", sort=False):
        n = len(g)
        if status in ("active", "inactive"):
            recon.append(("members", status, n, "cells of the starting population"))
        elif status in ("retired", "invalid"):
            recon.append(("members", status, n, "not a cell: the pension in payment comes from "
                                                "the pensioner file"))
        else:
            recon.append(("members", status, n, "not a cell: left the scheme"))
    mem = m[m["status"].isin(["active", "inactive"])]
    if len(mem):
        f = pd.DataFrame({
            "status": mem["status"].to_numpy(), "sex": mem["sex"].to_numpy(),
            "age": ages_on(mem["birth_date"], s.as_of),
            "credited_months": mem["credited_months"].to_numpy(np.int64),
            "wage": np.where(mem["status"] == "active", mem["insurable_wage"], np.nan),
            "last": np.where(mem["status"] == "inactive",
                             np.clip(mem["insurable_wage"], s.wage_floor, s.wage_ceiling),
                             np.nan),
        })
        g = f.groupby(["status", "sex", "age", "credited_months"], sort=False)
        cells = g.agg(count=("wage", "size"), average_monthly_wage=("wage", "mean"),
                      average_career_wage=("last", "mean")).reset_index()
        cells["average_monthly_pension"] = np.nan
        parts.append(cells)
    p = result.pensioners
    if p is not None and len(p):
        f = pd.DataFrame({
            "status": p["benefit_type"].to_numpy(), "sex": p["sex"].to_numpy(),
            "age": ages_on(p["birth_date"], s.as_of),
            "amount": p["monthly_amount"].to_numpy(float),
        })
        cells = (f.groupby(["status", "sex", "age"], sort=False)
                 .agg(count=("amount", "size"), average_monthly_pension=("amount", "mean"))
                 .reset_index())
        for col in ("credited_months", "average_monthly_wage", "average_career_wage"):
            cells[col] = np.nan
        parts.append(cells)
        for btype, n in p["benefit_type"].value_counts(sort=False).items():
            recon.append(("pensioners", btype, int(n), "cells of the starting population"))
    if not parts:
        raise DataError("no used member or pensioner row can be a cell of the starting "
                        "population", source=result.files[0].path,
                        expected="at least one used active or inactive member, or pensioner")
    rows = pd.concat(parts, ignore_index=True)[STARTING_COLUMNS]
    rows["count"] = rows["count"].astype(float)
    rows["_o"] = rows["status"].map(_STATUS_ORDER)
    rows = (rows.sort_values(["_o", "sex", "age", "credited_months"], kind="stable")
            .drop(columns="_o").reset_index(drop=True))
    reconciliation = pd.DataFrame(recon, columns=["file", "status", "rows", "where"])
    return rows, reconciliation


def population_meta(result: CheckResult, reserve_khr: float, *, name: str | None = None,
                    reserve_source: str = "") -> dict[str, Any]:
    """The sidecar of the aggregated population (the keys :mod:`actuary.engine.starting` reads)."""
    if not np.isfinite(reserve_khr) or reserve_khr < 0:
        raise DataError("bad reserve", field="reserve_khr", value=reserve_khr,
                        expected="an amount in KHR >= 0")
    files = "; ".join(f"{f.kind} {f.path} (SHA-256 {f.sha256[:16]}..., {f.rows_used:,} of "
                      f"{f.rows_in:,} rows used)" for f in result.files)
    synthetic = result.synthetic
    label = "SYNTHETIC " if synthetic else ""
    notes = [
        f"aggregated by actuary data check on the as-of date {result.settings.as_of.isoformat()}",
        f"reserve {reserve_khr:,.0f} KHR: {reserve_source or 'given by the user'}",
        "rejected rows are not in the cells: see the data-check report",
        *statement_notes(result),
    ]
    if synthetic:
        notes.insert(0, "SYNTHETIC DATA: made by actuary data synth, not real member records")
    return {
        "name": name or ("synthetic-members" if synthetic else "member-data"),
        "description": f"{label}insured population aggregated from checked member data",
        "valuation_date": result.settings.as_of.isoformat(),
        "reserve_khr": float(reserve_khr),
        "source": f"{label}member data: {files}",
        # aggregation of data is derived; synthetic data stays a placeholder
        "status": "unverified" if synthetic else "derived",
        "notes": notes,
    }


def write_population(result: CheckResult, path: str | Path, reserve_khr: float, *,
                     name: str | None = None, reserve_source: str = ""
                     ) -> tuple[Path, pd.DataFrame]:
    """Write ``path`` (CSV) and its YAML sidecar atomically.

    Returns the CSV path and the reconciliation (see :func:`aggregate`).
    """
    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise DataError("the starting population is written as CSV", source=str(path),
                        value=path.suffix, expected="a name ending in .csv")
    rows, recon = aggregate(result)
    meta = population_meta(result, reserve_khr, name=name, reserve_source=reserve_source)
    write_starting_population(rows, meta, path)
    return path, recon
