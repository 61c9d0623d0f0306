"""Native Excel charts of the valuation workbook, on its Charts sheet.

Three charts a reader of a valuation looks for first: the reserve and the reserve
ratio; the PAYG cost rate against the contribution rate (the legislated one, or the
run's own when it is not the set's schedule, as in a solve); contributors and
pensioners. They refer to the Projection cells, so they follow any change a user makes
there. Then the population pyramids (:mod:`actuary.reports.pyramid`). Each chart has
its units in the title, one title per axis (none on the axis of years) and short legend
names; money axes show billions of KHR.
"""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference, Series
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .i18n import tr
from .messages import rate_path_of
from .projection_sheet import HEADER_ROW, ProjectionLayout

__all__ = ["add_charts", "write_charts_sheet", "chart_anchor", "CHART_TITLES", "LEGENDS"]

CHART_TITLES = (
    "Reserve at the end of the year (KHR billion) and reserve ratio (years)",
    "PAYG cost rate and legislated contribution rate (% of insurable earnings)",
    "Active contributors and pensioners (people on 1 January)",
)
#: Short legend names of the plotted columns (the headers hold the formulas).
LEGENDS = {"reserve_end": "Reserve (KHR bn)", "reserve_ratio": "Reserve ratio (years)",
           "payg_cost_rate": "PAYG cost rate", "contribution_rate": "Contribution rate",
           "active": "Active contributors", "pensioners": "Pensioners (old-age, invalidity)"}
#: Axis number format of billions of KHR (the cells hold riel; see styles.KHR_BN).
AXIS_BN = "#,##0,,,"
WIDTH_CM = 9.0  # two charts side by side on a portrait page
HEIGHT_CM = 7.4  # about 14 rows of 15 points
GRID_STEP = 16  # rows from one row of charts to the next
# Columns of the Charts sheet (characters): three pyramid tables (age, men, women and
# a narrow gap); column H, where the right-hand charts start, lies past the left-hand
# charts' edge in Excel and in LibreOffice alike.
GRID_WIDTHS = {c: w for c, w in enumerate([6, 9, 9, 1] * 3 + [6], start=1)}


def _series(proj: Worksheet, layout: ProjectionLayout, key: str, lang: str = "en",
            rate_path: str = "legislated") -> Series:
    """The projection years of column ``key``, named by its short legend (the
    contribution rate's by ``rate_path``: see :func:`payg_chart`)."""
    col = layout.columns[key]
    values = Reference(proj, min_col=col, max_col=col, min_row=layout.first_row,
                       max_row=layout.last_row)
    if key == "reserve_real":
        title = tr("legend_reserve_real", lang, year=str(layout.years[0]))
    elif key == "contribution_rate" and rate_path == "run":
        title = tr("legend_contribution_rate_run", lang)
    else:
        title = (tr(f"legend_{key}", lang) if key in LEGENDS
                 else str(proj.cell(row=HEADER_ROW, column=col).value))
    return Series(values, title=title)


def _years_ref(proj: Worksheet, layout: ProjectionLayout) -> Reference:
    col = layout.columns["year"]
    return Reference(proj, min_col=col, max_col=col, min_row=layout.first_row,
                     max_row=layout.last_row)


def _line(title: str, y_title: str, y_format: str) -> LineChart:
    """A line chart over the years: the units are in the title and on the one y-axis
    title; the x-axis (years) has no title, the tick labels say it."""
    chart = LineChart()
    chart.title = styles.small_title(title)
    chart.y_axis.title = y_title
    chart.y_axis.number_format = y_format
    chart.y_axis.majorGridlines = None
    chart.width, chart.height = WIDTH_CM, HEIGHT_CM
    chart.legend.position = "b"
    # Recent Excel hides axes unless told they are not deleted.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblSkip = 10
    return chart


def reserve_chart(proj: Worksheet, layout: ProjectionLayout, lang: str = "en") -> LineChart:
    """Reserve F_t (left axis, KHR billion, in constant prices when the Projection sheet
    has them) and reserve ratio F_t / B_t (right axis, years)."""
    if "reserve_real" in layout.columns:
        key, title = "reserve_real", tr("chart_reserve_constant", lang,
                                        year=str(layout.years[0]))
    else:
        key, title = "reserve_end", tr("chart_reserve_nominal", lang)
    chart = _line(title, tr("axis_khr_bn", lang), AXIS_BN)
    chart.series.append(_series(proj, layout, key, lang))
    chart.set_categories(_years_ref(proj, layout))
    ratio = LineChart()
    ratio.series.append(_series(proj, layout, "reserve_ratio", lang))
    ratio.set_categories(_years_ref(proj, layout))
    ratio.y_axis.axId = 200
    ratio.y_axis.title = tr("axis_years", lang)
    ratio.x_axis = chart.x_axis  # one year axis (the same object: its id is shared)
    ratio.y_axis.number_format = styles.RATIO
    ratio.y_axis.crosses = "max"  # the second axis on the right
    ratio.y_axis.delete = False
    ratio.y_axis.majorGridlines = None
    chart += ratio
    return chart


def payg_chart(proj: Worksheet, layout: ProjectionLayout, lang: str = "en",
               rate_path: str = "legislated") -> LineChart:
    """PAYG cost rate B_t / S_t and the contribution rate, as percentages: the
    legislated rate, or the run's own (``rate_path`` ``run``, a solve:
    :func:`actuary.reports.messages.rate_path_of`), named so in the title and the legend."""
    title = tr("chart_payg_run" if rate_path == "run" else "chart_payg", lang)
    chart = _line(title, tr("axis_share_earnings", lang), "0%")
    for key in ("payg_cost_rate", "contribution_rate"):
        chart.series.append(_series(proj, layout, key, lang, rate_path))
    chart.set_categories(_years_ref(proj, layout))
    return chart


def people_chart(proj: Worksheet, layout: ProjectionLayout, lang: str = "en") -> LineChart:
    """Active contributors and old-age plus invalidity pensioners on 1 January."""
    chart = _line(tr("chart_people", lang), tr("axis_people", lang), "#,##0")
    for key in ("active", "pensioners"):
        chart.series.append(_series(proj, layout, key, lang))
    chart.set_categories(_years_ref(proj, layout))
    return chart


def chart_anchor(k: int, first_row: int = 3) -> str:
    """Cell of the ``k``-th chart (0-based) of a two-column grid: charts of
    ``WIDTH_CM`` x ``HEIGHT_CM`` at columns A and H, a new row of charts every
    ``GRID_STEP`` rows (column widths :data:`GRID_WIDTHS`)."""
    return f"{'AH'[k % 2]}{first_row + (k // 2) * GRID_STEP}"


def add_charts(target: Worksheet, proj: Worksheet, layout: ProjectionLayout,
               first: int = 0, lang: str = "en", rate_path: str = "legislated") -> int:
    """Place the three projection charts on ``target`` at grid places ``first`` on;
    return the next free grid place. ``rate_path``: see :func:`payg_chart`."""
    for k, make in enumerate((reserve_chart, payg_chart, people_chart)):
        chart = (payg_chart(proj, layout, lang, rate_path) if make is payg_chart
                 else make(proj, layout, lang))
        chart.width, chart.height = WIDTH_CM, HEIGHT_CM
        target.add_chart(chart, chart_anchor(first + k))
    return first + 3


def write_charts_sheet(ws: Worksheet, proj: Worksheet, layout: ProjectionLayout,
                       result: object, lang: str = "en") -> None:
    """The Charts sheet: the three projection charts and the population pyramids
    (valuation date, 25 and 50 years on), two charts a row, with the pyramids' small
    tables side by side under them."""
    from .cells import put_title
    from .pyramid import PYRAMID_OFFSETS, write_pyramids

    put_title(ws, tr("charts_title", lang), tr("charts_note", lang))
    styles.set_widths(ws, GRID_WIDTHS)
    nxt = add_charts(ws, proj, layout, lang=lang, rate_path=rate_path_of(result))
    rows = (nxt + len(PYRAMID_OFFSETS) + 1) // 2
    write_pyramids(ws, result, table_row=3 + rows * GRID_STEP + 1,
                   anchors=[chart_anchor(nxt + k) for k in range(len(PYRAMID_OFFSETS))],
                   size=(WIDTH_CM, HEIGHT_CM), lang=lang)
