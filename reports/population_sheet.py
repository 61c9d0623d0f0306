"""The Population sheet: people by year, status and sex; by age at the valuation date
and at the horizons of the indicators (10, 25, 50, 75 and 100 years on); and the
gender-responsive results by year and sex.

Three tables side by side, each with its title in row 3 and headers in row 4 (frozen),
so the three can be scrolled together. Counts are on 1 January of each year; the
projection's stocks run to 1 January after the last projection year.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from actuary.engine.state import SEXES, STATUS_NAMES

from . import styles
from .i18n import N_, T, T_known, num
from .cells import Column, put, put_title, write_table

__all__ = ["people_by_status", "people_by_age", "write_population", "AGE_YEARS"]

# Years after the first of the by-age table: the valuation date and the horizons the
# indicators use (the Projection sheet has every year's totals).
AGE_YEARS = (0, 10, 25, 50, 75, 100)
TOP = 4  # header row of every table on the sheet
_SEX_NAMES = {"M": N_("men"), "F": N_("women")}


def _pivot_columns() -> list[tuple[str, str]]:
    return [(status, sex) for status in STATUS_NAMES for sex in SEXES]


def people_by_status(people: pd.DataFrame) -> pd.DataFrame:
    """Counts by year (rows) and status x sex (columns ``active_M`` ...), with a total."""
    g = people.groupby(["year", "status", "sex"])["count"].sum().unstack(["status", "sex"])
    g = g.reindex(columns=pd.MultiIndex.from_tuples(_pivot_columns()), fill_value=0.0)
    g = g.fillna(0.0)
    g.columns = [f"{a}_{b}" for a, b in g.columns]
    g["total"] = g.sum(axis=1)
    return g.reset_index()


def people_by_age(people: pd.DataFrame, offsets: tuple[int, ...] = AGE_YEARS) -> pd.DataFrame:
    """Counts by year, age and status x sex in the years ``offsets`` after the first."""
    first = int(people["year"].min())
    sel = people[(people["year"] - first).isin(offsets)]
    g = sel.groupby(["year", "age", "status", "sex"])["count"].sum().unstack(["status", "sex"])
    g = g.reindex(columns=pd.MultiIndex.from_tuples(_pivot_columns()), fill_value=0.0)
    g = g.fillna(0.0)
    g.columns = [f"{a}_{b}" for a, b in g.columns]
    return g.reset_index()


def _count_columns() -> list[Column]:
    return [Column(f"{a}_{b}", T("{status} {sex}", status=T_known(a.replace("_", "-")),
                                 sex=T(_SEX_NAMES[b])), styles.COUNT, 12)
            for a, b in _pivot_columns()]


_BY_SEX_FORMATS = {
    "year": styles.YEAR, "sex": None, "contributions": styles.KHR, "old_age_benefits": styles.KHR,
    "average_monthly_wage": styles.KHR, "average_monthly_old_age_pension": styles.KHR,
    "average_monthly_new_pension": styles.KHR, "aggregate_replacement_rate": styles.RATE,
    "new_pension_replacement_rate": styles.RATE, "gender_pension_gap": styles.RATE,
}


def write_population(ws: Worksheet, result: Any) -> None:
    """Fill the Population sheet from the projection and ``result.by_sex``."""
    put_title(ws, T("Population: people by status and sex, by age, and results by sex"),
              T("Counts on 1 January. Status: active contributors, inactive insured, old-age, "
              "invalidity, spouse and orphan pensioners."))
    people = result.projection.people_frame()
    left = 1
    by_status = people_by_status(people)
    put(ws, TOP - 1, left, T("People by year, status and sex"), font=styles.SECTION)
    cols = [Column("year", T("Year"), styles.YEAR, 8), *_count_columns(),
            Column("total", T("Total"), styles.COUNT, 13)]
    write_table(ws, by_status, TOP, left, cols)

    left += len(cols) + 1
    by_age = people_by_age(people)
    # Most statuses are empty at most ages (orphans are young, pensioners old): a blank
    # reads more easily than a zero there, and the table has 40% fewer cells.
    counts = [c.key for c in _count_columns()]
    by_age[counts] = by_age[counts].where(by_age[counts] != 0.0)
    put(ws, TOP - 1, left, T("By age: the valuation date and {later} and {last} years on "
                             "(blank: nobody)", later=num(", ".join(map(str, AGE_YEARS[1:-1]))),
                             last=AGE_YEARS[-1]),
        font=styles.SECTION)
    cols = [Column("year", T("Year"), styles.YEAR, 8), Column("age", T("Age"), "0", 6),
            *_count_columns()]
    write_table(ws, by_age, TOP, left, cols)

    left += len(cols) + 1
    by_sex: pd.DataFrame = result.by_sex
    if "sex" in by_sex.columns:
        by_sex = by_sex.assign(sex=[T_known(str(v)) for v in by_sex["sex"]])
    put(ws, TOP - 1, left, T("Results by sex (gender-responsive; averages KHR per month, "
        "flows KHR per year)"), font=styles.SECTION)
    cols = [Column(c, T_known(c.replace("_", " ")), _BY_SEX_FORMATS.get(c, styles.COUNT),
                   8 if c in ("year", "sex") else 15) for c in by_sex.columns]
    write_table(ws, by_sex, TOP, left, cols)
    ws.row_dimensions[TOP].height = 45
    ws.freeze_panes = ws.cell(row=TOP + 1, column=1)
