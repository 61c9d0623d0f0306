"""Control totals: the totals a user supplies for a member extract (rows, actives,
wage mass, pension mass ...), read from a CSV and compared with the file's totals
over the rows read and over the rows used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from actuary.io.errors import DataError
from actuary.io.fileio import read_small_csv

__all__ = ["CONTROL_MEASURES", "read_controls"]

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
