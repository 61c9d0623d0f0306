"""Population pyramids of the scheme as native bar charts.

The people the projection counts on 1 January (active and inactive insured, old-age,
invalidity, spouse and orphan pensioners), by sex and five-year age group, at the
valuation date and in two later years (2050 and 2075 for a 2025 valuation: 25 and 50
years on). The counts are written as a small table under the charts (men as negative
numbers, shown without the sign, so the bars go left), and the charts read it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .cells import put
from .i18n import T, tr

__all__ = ["PYRAMID_OFFSETS", "pyramid_counts", "write_pyramids", "AGE_GROUP"]

#: Years after the valuation year that get a pyramid (the valuation date itself first).
PYRAMID_OFFSETS = (0, 25, 50)
AGE_GROUP = 5
_TOP_GROUP = 95  # 95 and over in one group
#: Shows a negative count (men) without its sign.
_BOTH_SIDES = "#,##0;#,##0"


def pyramid_counts(people: pd.DataFrame, year: int) -> pd.DataFrame:
    """People of ``year`` by age group: columns ``group`` (``"0-4"`` ... ``"95+"``),
    ``men`` and ``women`` (counts on 1 January, all statuses)."""
    sel = people[people["year"] == year]
    lower = np.minimum(sel["age"].to_numpy() // AGE_GROUP * AGE_GROUP, _TOP_GROUP)
    g = sel.assign(lower=lower).groupby(["lower", "sex"])["count"].sum().unstack("sex")
    g = g.reindex(index=range(0, _TOP_GROUP + 1, AGE_GROUP), columns=["M", "F"]).fillna(0.0)
    groups = [f"{a}-{a + AGE_GROUP - 1}" if a < _TOP_GROUP else f"{a}+" for a in g.index]
    return pd.DataFrame({"group": groups, "men": g["M"].to_numpy(),
                         "women": g["F"].to_numpy()})


def _chart(ws: Worksheet, year: int, top: int, left: int, n: int, lang: str) -> BarChart:
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.overlap = 100
    chart.gapWidth = 10
    chart.title = styles.small_title(tr("pyramid_title", lang, year=str(year)))
    chart.y_axis.title = tr("axis_people", lang)
    chart.y_axis.number_format = _BOTH_SIDES
    chart.y_axis.majorGridlines = None
    chart.x_axis.tickLblPos = "low"  # age labels at the left edge, not over the bars
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    cats = Reference(ws, min_col=left, max_col=left, min_row=top + 1, max_row=top + n)
    for col, name in ((left + 1, tr("pyramid_men", lang)), (left + 2, tr("pyramid_women", lang))):
        values = Reference(ws, min_col=col, max_col=col, min_row=top + 1, max_row=top + n)
        chart.series.append(Series(values, title=name))
    chart.set_categories(cats)
    chart.legend.position = "b"
    return chart


def write_pyramids(ws: Worksheet, result: Any, table_row: int, anchors: list[str],
                   size: tuple[float, float], lang: str = "en") -> None:
    """Write the pyramid tables side by side from ``table_row`` (three columns a year,
    one blank between) and their charts (``size`` in cm) at ``anchors``."""
    people = result.projection.people_frame()
    first = int(people["year"].min())
    last = int(people["year"].max())
    years = [first + k for k in PYRAMID_OFFSETS if first + k <= last]
    put(ws, table_row, 1, T("People in the scheme by age group and sex (1 January; men shown "
                            "as negative numbers so their bars go left)"), font=styles.SECTION)
    row = table_row + 1
    for k, year in enumerate(years):
        counts = pyramid_counts(people, year)
        col = 1 + 4 * k
        put(ws, row, col, T("Age, {year}", year=year), font=styles.HEADER,
            fill=styles.HEADER_FILL)
        put(ws, row, col + 1, T("Men"), font=styles.HEADER, fill=styles.HEADER_FILL)
        put(ws, row, col + 2, T("Women"), font=styles.HEADER, fill=styles.HEADER_FILL)
        for j, rec in enumerate(counts.itertuples(index=False), start=1):
            put(ws, row + j, col, rec.group)
            put(ws, row + j, col + 1, -float(rec.men), _BOTH_SIDES)
            put(ws, row + j, col + 2, float(rec.women), styles.COUNT)
        chart = _chart(ws, year, row, col, len(counts), lang)
        chart.width, chart.height = size
        ws.add_chart(chart, anchors[k])
