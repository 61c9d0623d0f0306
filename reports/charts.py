"""Native Excel line charts over the Projection sheet.

Three charts a reader of a valuation looks for first: the reserve and the reserve
ratio; the PAYG cost rate against the legislated contribution rate; contributors and
pensioners. They refer to the Projection cells, so they follow any change a user makes
there.
"""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference, Series
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .projection_sheet import HEADER_ROW, ProjectionLayout

__all__ = ["add_charts", "CHART_TITLES"]

CHART_TITLES = (
    "Reserve at the end of the year (KHR) and reserve ratio",
    "PAYG cost rate and legislated contribution rate",
    "Active contributors and pensioners (1 January)",
)
WIDTH_CM = 24.0
HEIGHT_CM = 11.0


def _series(proj: Worksheet, layout: ProjectionLayout, key: str) -> Series:
    """The projection years of column ``key``, named by its header."""
    col = layout.columns[key]
    values = Reference(proj, min_col=col, max_col=col, min_row=layout.first_row,
                       max_row=layout.last_row)
    return Series(values, title=str(proj.cell(row=HEADER_ROW, column=col).value))


def _years_ref(proj: Worksheet, layout: ProjectionLayout) -> Reference:
    col = layout.columns["year"]
    return Reference(proj, min_col=col, max_col=col, min_row=layout.first_row,
                     max_row=layout.last_row)


def _line(title: str, y_title: str, y_format: str) -> LineChart:
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = y_title
    chart.x_axis.title = "Year"
    chart.y_axis.number_format = y_format
    chart.y_axis.majorGridlines = None
    chart.width, chart.height = WIDTH_CM, HEIGHT_CM
    chart.legend.position = "b"
    # Recent Excel hides axes unless told they are not deleted.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = 10
    return chart


def reserve_chart(proj: Worksheet, layout: ProjectionLayout) -> LineChart:
    """Reserve F_t (left axis, KHR) and reserve ratio F_t / B_t (right axis, years)."""
    chart = _line(CHART_TITLES[0], "KHR", "#,##0")
    chart.series.append(_series(proj, layout, "reserve_end"))
    chart.set_categories(_years_ref(proj, layout))
    ratio = LineChart()
    ratio.series.append(_series(proj, layout, "reserve_ratio"))
    ratio.set_categories(_years_ref(proj, layout))
    ratio.y_axis.axId = 200
    ratio.y_axis.title = "years of expenditure"
    ratio.y_axis.number_format = styles.RATIO
    ratio.y_axis.crosses = "max"  # the second axis on the right
    ratio.y_axis.delete = False
    ratio.y_axis.majorGridlines = None
    chart += ratio
    return chart


def payg_chart(proj: Worksheet, layout: ProjectionLayout) -> LineChart:
    """PAYG cost rate B_t / S_t and the legislated contribution rate, as percentages."""
    chart = _line(CHART_TITLES[1], "share of insurable earnings", "0%")
    for key in ("payg_cost_rate", "contribution_rate"):
        chart.series.append(_series(proj, layout, key))
    chart.set_categories(_years_ref(proj, layout))
    return chart


def people_chart(proj: Worksheet, layout: ProjectionLayout) -> LineChart:
    """Active contributors and old-age plus invalidity pensioners on 1 January."""
    chart = _line(CHART_TITLES[2], "people", "#,##0")
    for key in ("active", "pensioners"):
        chart.series.append(_series(proj, layout, key))
    chart.set_categories(_years_ref(proj, layout))
    return chart


def add_charts(target: Worksheet, proj: Worksheet, layout: ProjectionLayout,
               anchor_col: str = "K", first_row: int = 3, step: int = 23) -> None:
    """Place the three charts on ``target``, one under the other from ``anchor_col``."""
    for k, make in enumerate((reserve_chart, payg_chart, people_chart)):
        target.add_chart(make(proj, layout), f"{anchor_col}{first_row + k * step}")
