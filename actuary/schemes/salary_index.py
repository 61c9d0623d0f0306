"""The public sector's grade and index salary tables, carried as tables.

The basic salary of a civil servant, a soldier or a police officer is read from a table:
a *category* (by diploma or rank), a *step* within it (seniority) and the *index points*
of the step, times the value of the point in riel (SCHEMES.md §2: "set from the basic
salary by position, rank and seniority"). The tables are shipped in the tables format
(:mod:`actuary.tables`): the CSV is the salary scale by age that the projection reads
(``kind: salary_scale``, index points, both sexes), and the sidecar carries the grade
table it is built from under ``grade_table``::

    grade_table:
      point_value_khr: {value: 2500, status: derived, reference: ...}
      step_years: {value: 2, status: unverified, reference: ...}
      categories:
        - {name: A, description: ..., share: 0.3, entry_age: 25,
           index: [345, 352, ...], status: unverified, reference: ...}

A member of category ``k`` enters at ``entry_age_k`` and moves up one step every
``step_years`` years of service to the last (``index_k[min(s // step_years, last)]`` at
``s`` years of service). The scale at age ``x`` is the average index of the categories
already in service at that age, weighted by their shares (below every entry age, the
youngest category's first index; above the last age held). The starting populations use
the grade table itself (each entry cohort at its own category's salary,
:func:`monthly_salary`); the projection uses the scale by age, the engine having no
category dimension (the age profile of the mix stands for the careers: a member's salary
grows with her age as the mix's does, not along her own category, a named approximation).

Rebuild a CSV from its sidecar with ``python -m actuary.schemes.salary_index NAME``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from actuary.assumptions.base import Status, Strict, Text
from actuary.io.errors import AssumptionError

__all__ = ["Category", "GradeTable", "grade_table", "monthly_salary", "scale_by_age",
           "write_scale", "TABLES"]

#: The shipped grade tables (table names).
TABLES = ("nsaf_salary_index_civil_servants", "nsaf_salary_index_armed_forces_police")
AGES = np.arange(15, 111)


class Figure(Strict):
    """A number with its source and status."""

    value: float
    reference: Text
    status: Status
    note: str | None = None


class Category(Strict):
    """One category of the table: its share of members, entry age and index by step."""

    name: Text
    description: Text
    share: float
    entry_age: int
    index: list[float]
    reference: Text
    status: Status
    note: str | None = None


class GradeTable(Strict):
    """A grade and index salary table (see the module docstring)."""

    point_value_khr: Figure
    step_years: Figure
    categories: list[Category]


def _folder() -> Path:
    """The shipped tables' folder."""
    from actuary import tables

    return Path(tables.__file__).resolve().parent / "data"


def grade_table(name: str) -> GradeTable:
    """The grade table in the sidecar of shipped table ``name`` (validated).

    Raises
    ------
    AssumptionError
        The sidecar has no ``grade_table``, or it does not validate (naming the key).
    """
    from pydantic import ValidationError

    from actuary.io.yamlio import read_mapping

    # the sidecar itself: the CSV is built from it (and may be rebuilt)
    raw = read_mapping(_folder() / f"{name}.yaml").get("grade_table")
    if raw is None:
        raise AssumptionError("the table has no grade table", source=name, field="grade_table",
                              expected="a grade_table mapping in the sidecar")
    try:
        gt = GradeTable.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        raise AssumptionError("the grade table does not validate", source=name,
                              location="grade_table." + ".".join(str(p) for p in err["loc"]),
                              value=str(err.get("input"))[:60], expected=err["msg"]) from None
    shares = sum(c.share for c in gt.categories)
    bad = [c.name for c in gt.categories if not c.index or min(c.index) <= 0 or c.share < 0]
    if bad or abs(shares - 1.0) > 1e-9 or gt.step_years.value < 1:
        raise AssumptionError("the grade table's categories do not add up", source=name,
                              location="grade_table.categories",
                              value=", ".join(bad) or f"shares {shares:g}",
                              expected="positive indices, shares >= 0 summing to 1, steps of a "
                                       "year or more")
    return gt


def monthly_salary(gt: GradeTable, category: Category, service_years: np.ndarray) -> np.ndarray:
    """Basic salary, KHR a month at the table's point value, after ``service_years``."""
    step = np.minimum(np.asarray(service_years, dtype=int) // int(gt.step_years.value),
                      len(category.index) - 1)
    return np.asarray(category.index, dtype=float)[np.maximum(step, 0)] * gt.point_value_khr.value


def scale_by_age(gt: GradeTable, ages: np.ndarray = AGES) -> np.ndarray:
    """Index points by age: the share-weighted mean of the categories in service."""
    out = np.empty(len(ages))
    youngest = min(gt.categories, key=lambda c: c.entry_age)
    for j, x in enumerate(ages):
        present = [c for c in gt.categories if x >= c.entry_age]
        if not present:
            out[j] = youngest.index[0]
            continue
        w = np.array([c.share for c in present])
        idx = np.array([monthly_salary(gt, c, np.array([x - c.entry_age]))[0]
                        for c in present]) / gt.point_value_khr.value
        out[j] = float(np.sum(w * idx) / w.sum()) if w.sum() > 0 else idx.mean()
    return out


def write_scale(name: str, folder: str | Path | None = None) -> Path:
    """Rebuild the CSV of table ``name`` from its sidecar's grade table (atomically)."""
    from actuary.io.fileio import write_atomic

    gt = grade_table(name)
    folder = Path(folder) if folder else _folder()
    values = scale_by_age(gt)
    frame = pd.DataFrame({"sex": "B", "age": AGES, "value": np.round(values, 6)})
    path = folder / f"{name}.csv"
    write_atomic(path, lambda p: frame.to_csv(p, index=False, lineterminator="\n"))
    return path


if __name__ == "__main__":  # pragma: no cover
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=list(TABLES))
    for n in parser.parse_args().names:
        print(write_scale(n))
