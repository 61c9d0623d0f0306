"""Workbook of an experience study (:class:`actuary.members.experience.ExperienceResult`).

Sheets: Summary (what was studied, the window, counts, A/E in total, the conventions
and limitations, the table written), Rates (by sex and age: exposures, events, crude
rates with intervals, expected, A/E, graduated rate and its deviation), A-E (by age
band), Tests (the graduation's goodness-of-fit tests), Survival (Kaplan-Meier and
Nelson-Aalen curves from lifelines), Exposure (every Lexis cell). Written in streaming
mode and atomically; text stays text (see :mod:`actuary.reports.datacheck`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from . import styles
from .datacheck import SheetWriter, _book, _save

__all__ = ["write_experience_workbook"]

_PCT = f"{100:.0f}%"


def write_experience_workbook(result: Any, path: str | Path, *, table_path: str | None = None,
                              command: str = "") -> Path:
    """Write the study's workbook to ``path``."""
    book = _book()
    o = result.observations
    syn = result.synthetic
    level = f"{100 * (1 - result.alpha):.0f}%"
    s = SheetWriter(book, "Summary", (46, 110))
    s.title(("SYNTHETIC " if syn else "") + f"Experience study: {result.decrement}",
            "Exposures from dated member records, crude rates with intervals, actual against "
            "expected on the basis, survival curves (lifelines) and a graduation with its "
            "tests.", syn)
    s.blank()
    tot = result.ae[(result.ae["sex"] == "M+F") & (result.ae["ages"] == "all")].iloc[0]
    items = [
        ("Member file", result.source),
        ("Decrement", result.decrement),
        ("Time scale of the survival curves", result.timescale),
        ("As-of date of the file", o.as_of.isoformat()),
        ("Study window", f"{o.study_start} (included) to {o.study_end} (excluded)"),
        ("Members used (after the data check)", o.members_in),
        ("Members observed in the window", len(o)),
        ("Years observed (central exposure)", o.years_observed),
        ("Events", int(o.event.sum())),
        ("Expected on the basis " + result.basis, float(tot.expected)),
        ("A/E", float(tot.ae) if np.isfinite(tot.ae) else None),
        (f"A/E {level} interval", f"{tot.ae_lower:.4f} - {tot.ae_upper:.4f}"
         if np.isfinite(tot.ae_lower) else "-"),
    ]
    for reason, count in o.excluded.items():
        items.append((f"Not observed: {reason}", count))
    for sex, g in result.graduations.items():
        items.append((f"Graduation {sex}", f"ages {g.ages.min()}-{g.ages.max()}: {g.detail}"))
    # what the data could not support is said where the results are, not only in a note
    for sex, why in result.not_graduated.items():
        items.append((f"Graduation {sex}", f"left out: {why}; the table keeps the basis's "
                      "rates"))
    for what in result.left_out:
        items.append(("Left out", what))
    if table_path:
        items.append(("Table written", table_path))
    if command:
        items.append(("Command", command))
    s.pairs(items, {"Members used (after the data check)": styles.COUNT,
                    "Members observed in the window": styles.COUNT,
                    "Years observed (central exposure)": "#,##0.0", "Events": styles.COUNT,
                    "Expected on the basis " + result.basis: "#,##0.0", "A/E": "0.0000"})
    s.blank()
    s.row(["Conventions and limitations"], font=styles.SECTION)
    for line in _conventions(result):
        s.row([line])
    for line in result.notes:
        s.row([line])

    r = SheetWriter(book, "Rates", (6, 6) + (14,) * 16)
    r.title("Crude rates by sex and age", f"m = events / central exposure (exact Poisson "
            f"{level} interval); q = events / initial exposure (Wilson {level} interval); A/E "
            "with the Poisson interval of the events; z = (events - E mu) / sqrt(E mu) against "
            "the graduated force mu.", syn)
    header_row = r.rows + 1
    r.table(result.rates, [
        ("sex", "Sex", None), ("age", "Age", "0"),
        ("central", "Central exposure (years)", "#,##0.00"),
        ("initial", "Initial exposure (years)", "#,##0.00"),
        ("events", "Events", styles.COUNT), ("m", "Crude m", "0.000000"),
        ("m_lower", "m lower", "0.000000"), ("m_upper", "m upper", "0.000000"),
        ("q", "Crude q", "0.000000"), ("q_lower", "q lower", "0.000000"),
        ("q_upper", "q upper", "0.000000"), ("expected", "Expected (basis)", "#,##0.00"),
        ("ae", "A/E", "0.0000"), ("ae_lower", "A/E lower", "0.0000"),
        ("ae_upper", "A/E upper", "0.0000"), ("mu_graduated", "Graduated mu", "0.000000"),
        ("z", "z", "0.000")])

    _rate_charts(r.ws, result.rates, header_row, result.decrement, level)

    a = SheetWriter(book, "A-E", (8, 10, 16, 16, 12, 16, 10, 10, 10))
    a.title("Actual against expected by age band", f"Expected on the basis {result.basis}; "
            f"{level} interval from the exact Poisson interval of the actual events.", syn)
    a.table(result.ae, [("sex", "Sex", None), ("ages", "Ages", None),
                        ("central", "Central exposure", "#,##0.00"),
                        ("initial", "Initial exposure", "#,##0.00"),
                        ("events", "Actual", styles.COUNT), ("expected", "Expected", "#,##0.00"),
                        ("ae", "A/E", "0.0000"), ("ae_lower", "Lower", "0.0000"),
                        ("ae_upper", "Upper", "0.0000")])

    t = SheetWriter(book, "Tests", (6, 40, 16, 30, 12, 10))
    t.title("Goodness of fit of the graduation", "Tests of Forfar, McCutcheon and Wilkie "
            f"(1988) at {100 * result.alpha:g}%; see actuary.members.experience.goodness_of_fit.", syn)
    if result.gof.empty:
        why = ("; ".join(f"{sex}: {w}" for sex, w in result.not_graduated.items())
               or "retirement: the basis retires everyone at the pension age")
        t.row([f"no graduation ({why})"])
    else:
        t.table(result.gof, [("sex", "Sex", None), ("test", "Test", None),
                             ("statistic", "Statistic", "0.0000"),
                             ("reference", "Reference", None), ("p_value", "p-value", "0.0000"),
                             ("verdict", "Verdict", None)])

    v = SheetWriter(book, "Survival", (14, 8, 12, 12, 12, 12, 12, 10))
    v.title(f"Survival curves (lifelines), time scale: {result.timescale} in years",
            "Kaplan-Meier survival and Nelson-Aalen cumulative hazard with left truncation "
            f"(entry) and right censoring; {level} intervals; thinned to at most 2,000 event "
            "times a curve.", syn)
    v.table(result.survival, [("estimator", "Estimator", None), ("group", "Group", None),
                              ("time", "Time", "0.0000"), ("estimate", "Estimate", "0.000000"),
                              ("lower", "Lower", "0.000000"), ("upper", "Upper", "0.000000"),
                              ("at_risk", "At risk", styles.COUNT),
                              ("events", "Events", styles.COUNT)])
    if result.left_out:
        v.blank()
        for what in result.left_out:
            v.row([f"left out: {what}"])

    e = SheetWriter(book, "Exposure", (6, 6, 8, 10, 16, 16, 10, 14))
    e.title("Exposure by Lexis cell", "Sex, age last birthday, calendar year, completed years "
            "since joining; exposures in years (365.25 days).", syn)
    e.table(result.cells, [("sex", "Sex", None), ("age", "Age", "0"), ("year", "Year", "0"),
                           ("duration", "Duration", "0"),
                           ("central", "Central exposure", "#,##0.0000"),
                           ("initial", "Initial exposure", "#,##0.0000"),
                           ("events", "Events", styles.COUNT),
                           ("expected", "Expected", "#,##0.0000")])
    return _save(book, path)


def _conventions(result: Any) -> list[str]:
    from actuary.members.experience import EVENTS

    return [
        f"Event: status {' or '.join(EVENTS[result.decrement])} on its status date; any other "
        "end of observation is a censoring (the other decrements compete).",
        "Observation covers the days [start, end); an event at the end belongs to the last "
        "cell observed (an event on a birthday counts at the age just completed).",
        "Members who joined before the window enter it at its start, at the age reached "
        "(left truncation); members joining later enter at their age then.",
        "Initial exposure adds, for each event, the time to the next birthday.",
        "A member's file shows only the current status: an exit followed by death or "
        "retirement is seen as the later status, so exits can be missed and the active spell "
        "is taken to run to that status date.",
    ]


# columns of the Rates table the charts read (1-based, as written above)
_RATE_COLS = {"age": 2, "m": 6, "m_lower": 7, "m_upper": 8, "mu_graduated": 16}


def _rate_charts(ws: Any, rates: Any, header_row: int, decrement: str, level: str) -> None:
    """One chart a sex, under the Rates table: crude m (markers), its interval (dashed)
    and the graduated force mu (line), by age, on a log scale. A sex whose rows are not
    one block of the table gets no chart."""
    from openpyxl.chart import LineChart, Reference, Series

    for k, sex in enumerate(s for s in ("M", "F") if s in set(rates["sex"])):
        idx = np.flatnonzero(rates["sex"].to_numpy() == sex)
        if idx.size == 0 or idx[-1] - idx[0] + 1 != idx.size:
            continue
        first, last = header_row + 1 + int(idx[0]), header_row + 1 + int(idx[-1])
        chart = LineChart()
        chart.title = styles.small_title(
            f"{'Men' if sex == 'M' else 'Women'}: {decrement} rates by age, crude with "
            f"{level} interval and graduated (per year, log scale)")
        chart.y_axis.title = "rate per year"
        chart.y_axis.scaling.logBase = 10
        chart.y_axis.number_format = "0.0000"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.y_axis.majorGridlines = None
        for key, name in (("m", "Crude"), ("m_lower", f"{level} lower"),
                          ("m_upper", f"{level} upper"), ("mu_graduated", "Graduated")):
            col = _RATE_COLS[key]
            series = Series(Reference(ws, min_col=col, min_row=first, max_row=last),
                            title=name)
            if key == "m":  # points, no line
                series.marker.symbol = "circle"
                series.graphicalProperties.line.noFill = True
            elif key != "mu_graduated":
                series.graphicalProperties.line.dashStyle = "dash"
            chart.series.append(series)
        chart.set_categories(Reference(ws, min_col=_RATE_COLS["age"], min_row=first,
                                       max_row=last))
        chart.legend.position = "b"
        chart.width, chart.height = 16.0, 9.0
        ws.add_chart(chart, f"A{header_row + len(rates) + 3 + k * 20}")  # under the table
