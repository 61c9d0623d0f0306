"""Pensions in payment of the branch: the file format, its reader and the stock they form.

File format
-----------
A UTF-8 CSV, one row per group of pensioners on the valuation date::

    type,sex,age,degree,count,average_monthly_pension
    permanent_disability,M,42,0.5,12,310000
    permanent_disability,F,30,1.0,2,690000
    spouse,F,38,,40,250000
    orphan,M,9,,55,60000

``type``
    ``permanent_disability`` (a disability pension of the branch), ``spouse`` or
    ``orphan`` (survivors' pensions after a fatal work injury).
``sex``
    ``M`` or ``F``, of the pensioner (for orphans, of the child).
``age``
    Completed years on the valuation date: 15..110 for disability pensioners, 0..110 for
    spouses, 0 up to the orphan age limit (excluded) for orphans.
``degree``
    Degree of permanent disability as a fraction (0.5 = 50%), in (0, 1]; required for
    ``permanent_disability``, blank for survivors.
``count``
    Number of pensioners (non-negative; a derived file may hold fractions).
``average_monthly_pension``
    KHR a month, everything paid to the group's members (a carer allowance included).

Rows with the same type, sex, age and degree add up. Every bad row stops the reading
with a :class:`~actuary.io.errors.DataError` naming the file, the row (line of the file),
the field, the value and what was expected.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from actuary.assumptions import AssumptionSet
from actuary.assumptions.registry import DATA_DIR
from actuary.io.errors import DataError
from actuary.io.fileio import read_small_csv

__all__ = ["PensionStock", "read_pensions", "set_pensions", "pensions_file", "empty_stock", "TYPES",
           "COLUMNS", "SHIPPED_DIR", "stock_frame"]

TYPES = ("permanent_disability", "spouse", "orphan")
COLUMNS = "type,sex,age,degree,count,average_monthly_pension"
N_AGE = 111
#: Where shipped pensions-in-payment files live (named without suffix in a set).
SHIPPED_DIR = DATA_DIR / "populations"


@dataclass(frozen=True)
class PensionStock:
    """Pensioners of the branch on 1 January: counts and annual pension masses (KHR a year).

    ``disability_*`` are ``[2, 111, D]`` on the degree grid ``degrees``; ``spouse_*`` and
    ``orphan_*`` are ``[2, 111]`` by sex and age of the pensioner.
    """

    degrees: np.ndarray
    disability_count: np.ndarray
    disability_mass: np.ndarray
    spouse_count: np.ndarray
    spouse_mass: np.ndarray
    orphan_count: np.ndarray
    orphan_mass: np.ndarray

    def on_degrees(self, degrees: np.ndarray) -> "PensionStock":
        """The same stock on a grid holding ``degrees`` and its own (union, sorted)."""
        grid = np.union1d(np.round(self.degrees, 12), np.round(np.asarray(degrees), 12))
        pos = np.searchsorted(grid, np.round(self.degrees, 12))
        n = np.zeros((2, N_AGE, grid.size))
        m = np.zeros_like(n)
        n[:, :, pos] = self.disability_count
        m[:, :, pos] = self.disability_mass
        return PensionStock(grid, n, m, self.spouse_count, self.spouse_mass,
                            self.orphan_count, self.orphan_mass)

    def scaled(self, factor: float) -> "PensionStock":
        """Every count and mass times ``factor``."""
        return PensionStock(self.degrees, self.disability_count * factor,
                            self.disability_mass * factor, self.spouse_count * factor,
                            self.spouse_mass * factor, self.orphan_count * factor,
                            self.orphan_mass * factor)


def empty_stock(degrees: np.ndarray) -> PensionStock:
    """No pensioners, on the degree grid ``degrees``."""
    d = np.asarray(degrees, dtype=float)
    z2 = np.zeros((2, N_AGE))
    return PensionStock(d, np.zeros((2, N_AGE, d.size)), np.zeros((2, N_AGE, d.size)),
                        z2, z2.copy(), z2.copy(), z2.copy())


def pensions_file(aset: AssumptionSet) -> Path | None:
    """The file the set's ``occupational_risk.pensions_in_payment.file`` names.

    ``none``: no pensions in payment (a branch that starts on the valuation date). A bare name (no folder, no suffix) is a shipped file of :data:`SHIPPED_DIR`
    (dashes read as underscores); anything else is a path, relative to the folder of
    the set's own file.
    """
    name = aset.occupational_risk.pensions_in_payment.file
    if name == "none":
        return None
    p = Path(name)
    if not p.suffix and len(p.parts) == 1:
        return SHIPPED_DIR / f"{name.replace('-', '_')}.csv"
    if not p.is_absolute() and aset.files:
        p = Path(aset.files[0]).parent / p
    return p


def _number(raw: str, path: Path, line: int, field: str, lo: float, hi: float,
            expected: str, whole: bool = False) -> float:
    try:
        x = float(raw)
    except ValueError:
        x = math.nan
    if not math.isfinite(x) or not lo <= x <= hi or (whole and not x.is_integer()):
        raise DataError("bad value", source=str(path), location=f"line {line}", field=field,
                        value=raw, expected=expected)
    return x


def set_pensions(aset: AssumptionSet, degrees: np.ndarray, orphan_age_limit: int
                 ) -> tuple[PensionStock, Path | None]:
    """The pensions in payment ``aset`` names, and the file read (None for ``none``)."""
    path = pensions_file(aset)
    if path is None:
        return empty_stock(np.asarray(degrees, dtype=float)), None
    return read_pensions(path, degrees, orphan_age_limit), path


def read_pensions(path: str | Path, degrees: np.ndarray, orphan_age_limit: int) -> PensionStock:
    """Read a pensions-in-payment file into a :class:`PensionStock`.

    The degree grid is ``degrees`` joined with the degrees found in the file; amounts
    become annual masses (12 x monthly x count).
    """
    path = Path(path)
    raw = read_small_csv(path, tuple(COLUMNS.split(",")), "the pensions in payment", COLUMNS,
                         "one row per group of pensioners (type, sex, age, degree)")
    rows = []
    for i, rec in enumerate(raw.to_dict("records")):
        line = i + 2  # line 1 is the header
        kind = rec["type"].strip()
        if kind not in TYPES:
            raise DataError("unknown pension type", source=str(path), location=f"line {line}",
                            field="type", value=kind, expected=" or ".join(TYPES))
        sex = rec["sex"].strip()
        if sex not in ("M", "F"):
            raise DataError("bad sex", source=str(path), location=f"line {line}", field="sex",
                            value=sex, expected="M or F")
        lo_age, hi_age = {"permanent_disability": (15, 110), "spouse": (0, 110),
                          "orphan": (0, orphan_age_limit - 1)}[kind]
        age = int(_number(rec["age"].strip(), path, line, "age", lo_age, hi_age,
                          f"a whole age in {lo_age}..{hi_age} for {kind}", whole=True))
        degree_raw = rec["degree"].strip()
        if kind == "permanent_disability":
            degree = _number(degree_raw, path, line, "degree", 1e-12, 1.0,
                             "a degree of disability in (0, 1], e.g. 0.5 for 50%")
        elif degree_raw:
            raise DataError("a degree for a survivor's pension", source=str(path),
                            location=f"line {line}", field="degree", value=degree_raw,
                            expected="blank for spouse and orphan rows")
        else:
            degree = 0.0
        count = _number(rec["count"].strip(), path, line, "count", 0.0, math.inf,
                        "a non-negative number of pensioners")
        amount = _number(rec["average_monthly_pension"].strip(), path, line,
                         "average_monthly_pension", 0.0, math.inf,
                         "a non-negative amount in KHR a month")
        rows.append((kind, 0 if sex == "M" else 1, age, degree, count, 12.0 * amount * count))
    found = [r[3] for r in rows if r[0] == "permanent_disability"]
    stock = empty_stock(np.asarray(degrees, dtype=float)).on_degrees(np.asarray(found))
    grid = np.round(stock.degrees, 12)
    for kind, s, age, degree, count, mass in rows:
        if kind == "permanent_disability":
            d = int(np.searchsorted(grid, round(degree, 12)))
            stock.disability_count[s, age, d] += count
            stock.disability_mass[s, age, d] += mass
        elif kind == "spouse":
            stock.spouse_count[s, age] += count
            stock.spouse_mass[s, age] += mass
        else:
            stock.orphan_count[s, age] += count
            stock.orphan_mass[s, age] += mass
    return stock


def stock_frame(stock: PensionStock) -> pd.DataFrame:
    """The stock as rows of the file format (non-empty groups only)."""
    out = []
    for s, sex in enumerate(("M", "F")):
        for d, degree in enumerate(stock.degrees):
            for x in np.flatnonzero(stock.disability_count[s, :, d] > 0):
                n = stock.disability_count[s, x, d]
                out.append(("permanent_disability", sex, int(x), float(degree), n,
                            stock.disability_mass[s, x, d] / n / 12.0))
        for kind, cnt, mass in (("spouse", stock.spouse_count, stock.spouse_mass),
                                ("orphan", stock.orphan_count, stock.orphan_mass)):
            for x in np.flatnonzero(cnt[s] > 0):
                out.append((kind, sex, int(x), None, cnt[s, x], mass[s, x] / cnt[s, x] / 12.0))
    return pd.DataFrame(out, columns=COLUMNS.split(","))
