"""Workbook of an experience study (:class:`actuary.members.experience.ExperienceResult`).

Sheets: Summary (what was studied, the window, counts, A/E in total, the conventions
and limitations, the table written), Rates (by sex and age: exposures, events, crude
rates with intervals, expected, A/E, graduated rate and its deviation), A-E (by age
band), Tests (the graduation's goodness-of-fit tests), Survival (Kaplan-Meier and
Nelson-Aalen curves from lifelines), Exposure (every Lexis cell). Written in streaming
mode and atomically; text stays text (see :mod:`actuary.reports.datacheck`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from . import styles
from .datacheck import SheetWriter, _book, _save, known
from .i18n import N_, T, T_data, T_known, date_text, num

#: The goodness-of-fit references of actuary.members.experience (figures in a fixed
#: wording), for :func:`actuary.reports.i18n.T_data`.
_GOF_TEMPLATES = (
    (re.compile(r"(?P<df>[\d.]+) degrees of freedom"), N_("{df} degrees of freedom")),
    (re.compile(r"(?P<e>[\d.]+) expected of (?P<n>\d+)"), N_("{e} expected of {n}")),
    (re.compile(r"(?P<n1>\d+) positive, (?P<n2>\d+) negative"), N_("{n1} positive, {n2} negative")),
)

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
    s.title((T("SYNTHETIC") + " " if syn else "")
            + T("Experience study: {decrement}", decrement=T_known(result.decrement)),
            T("Exposures from dated member records, crude rates with intervals, actual against "
            "expected on the basis, survival curves (lifelines) and a graduation with its "
            "tests."), syn)
    s.blank()
    tot = result.ae[(result.ae["sex"] == "M+F") & (result.ae["ages"] == "all")].iloc[0]
    items = [
        (T("Member file"), result.source),
        (T("Decrement"), T_known(result.decrement)),
        (T("Time scale of the survival curves"), T_known(result.timescale)),
        (T("As-of date of the file"), date_text(o.as_of)),
        (T("Study window"), T("{start} (included) to {end} (excluded)",
                              start=date_text(o.study_start), end=date_text(o.study_end))),
        (T("Members used (after the data check)"), o.members_in),
        (T("Members observed in the window"), len(o)),
        (T("Years observed (central exposure)"), o.years_observed),
        (T("Events"), int(o.event.sum())),
        (T("Expected on the basis {basis}", basis=result.basis), float(tot.expected)),
        ("A/E", float(tot.ae) if np.isfinite(tot.ae) else None),
        (T("A/E {level} interval", level=num(level)),
         num(f"{tot.ae_lower:.4f} - {tot.ae_upper:.4f}") if np.isfinite(tot.ae_lower) else "-"),
    ]
    for reason, count in o.excluded.items():
        items.append((T("Not observed: {reason}", reason=T_known(reason)), count))
    for sex, g in result.graduations.items():
        items.append((T("Graduation {sex}", sex=T_known(sex)),
                      T("ages {first}-{last}: {detail}", first=int(g.ages.min()),
                        last=int(g.ages.max()), detail=g.detail)))
    # what the data could not support is said where the results are, not only in a note
    for sex, why in result.not_graduated.items():
        items.append((T("Graduation {sex}", sex=T_known(sex)),
                      T("left out: {why}; the table keeps the basis's rates", why=why)))
    for what in result.left_out:
        items.append((T("Left out"), what))
    if table_path:
        items.append((T("Table written"), table_path))
    if command:
        items.append((T("Command"), command))
    s.pairs(items, {T("Members used (after the data check)"): styles.COUNT,
                    T("Members observed in the window"): styles.COUNT,
                    T("Years observed (central exposure)"): "#,##0.0", T("Events"): styles.COUNT,
                    T("Expected on the basis {basis}", basis=result.basis): "#,##0.0",
                    "A/E": "0.0000"})
    s.blank()
    s.row([T("Conventions and limitations")], font=styles.SECTION)
    for line in _conventions(result):
        s.row([line])
    for line in result.notes:
        s.row([T_data(line)])

    r = SheetWriter(book, "Rates", (6, 6) + (14,) * 16)
    r.title(T("Crude rates by sex and age"),
            T("m = events / central exposure (exact Poisson {level} interval); q = events / "
              "initial exposure (Wilson {level} interval); A/E with the Poisson interval of the "
              "events; z = (events - E mu) / sqrt(E mu) against the graduated force mu.",
              level=num(level)), syn)
    header_row = r.rows + 1
    r.table(result.rates, [
        ("sex", T("Sex"), None), ("age", T("Age"), "0"),
        ("central", T("Central exposure (years)"), "#,##0.00"),
        ("initial", T("Initial exposure (years)"), "#,##0.00"),
        ("events", T("Events"), styles.COUNT), ("m", T("Crude m"), "0.000000"),
        ("m_lower", T("m lower"), "0.000000"), ("m_upper", T("m upper"), "0.000000"),
        ("q", T("Crude q"), "0.000000"), ("q_lower", T("q lower"), "0.000000"),
        ("q_upper", T("q upper"), "0.000000"), ("expected", T("Expected (basis)"), "#,##0.00"),
        ("ae", T("A/E"), "0.0000"), ("ae_lower", T("A/E lower"), "0.0000"),
        ("ae_upper", T("A/E upper"), "0.0000"), ("mu_graduated", T("Graduated mu"), "0.000000"),
        ("z", T("z"), "0.000")])

    _rate_charts(r.ws, result.rates, header_row, result.decrement, level)

    a = SheetWriter(book, "A-E", (8, 10, 16, 16, 12, 16, 10, 10, 10))
    a.title(T("Actual against expected by age band"),
            T("Expected on the basis {basis}; {level} interval from the exact Poisson interval "
              "of the actual events.", basis=result.basis, level=num(level)), syn)
    a.table(result.ae, [("sex", T("Sex"), None), ("ages", T("Ages"), None),
                        ("central", T("Central exposure"), "#,##0.00"),
                        ("initial", T("Initial exposure"), "#,##0.00"),
                        ("events", T("Actual"), styles.COUNT), ("expected", T("Expected"), "#,##0.00"),
                        ("ae", T("A/E"), "0.0000"), ("ae_lower", T("Lower"), "0.0000"),
                        ("ae_upper", T("Upper"), "0.0000")])

    t = SheetWriter(book, "Tests", (6, 40, 16, 30, 12, 10))
    t.title(T("Goodness of fit of the graduation"),
            T("Tests of Forfar, McCutcheon and Wilkie (1988) at {alpha}%; see "
              "actuary.members.experience.goodness_of_fit.", alpha=num(f"{100 * result.alpha:g}")),
            syn)
    if result.gof.empty:
        why = ("; ".join(f"{sex}: {w}" for sex, w in result.not_graduated.items())
               or T("retirement: the basis retires everyone at the pension age"))
        t.row([T("no graduation ({why})", why=why)])
    else:
        gof = known(result.gof, ("test", "verdict"))
        gof["reference"] = [T_data(v, _GOF_TEMPLATES) for v in gof["reference"]]
        t.table(gof, [("sex", T("Sex"), None), ("test", T("Test"), None),
                             ("statistic", T("Statistic"), "0.0000"),
                             ("reference", T("Reference"), None), ("p_value", T("p-value"), "0.0000"),
                             ("verdict", T("Verdict"), None)])

    v = SheetWriter(book, "Survival", (14, 8, 12, 12, 12, 12, 12, 10))
    v.title(T("Survival curves (lifelines), time scale: {scale} in years",
              scale=T_known(result.timescale)),
            T("Kaplan-Meier survival and Nelson-Aalen cumulative hazard with left truncation "
              "(entry) and right censoring; {level} intervals; thinned to at most 2,000 event "
              "times a curve.", level=level), syn)
    v.table(result.survival, [("estimator", T("Estimator"), None), ("group", T("Group"), None),
                              ("time", T("Time"), "0.0000"), ("estimate", T("Estimate"), "0.000000"),
                              ("lower", T("Lower"), "0.000000"), ("upper", T("Upper"), "0.000000"),
                              ("at_risk", T("At risk"), styles.COUNT),
                              ("events", T("Events"), styles.COUNT)])
    if result.left_out:
        v.blank()
        for what in result.left_out:
            v.row([T("left out: {what}", what=what)])

    e = SheetWriter(book, "Exposure", (6, 6, 8, 10, 16, 16, 10, 14))
    e.title(T("Exposure by Lexis cell"), T("Sex, age last birthday, calendar year, completed years "
            "since joining; exposures in years (365.25 days)."), syn)
    e.table(result.cells, [("sex", T("Sex"), None), ("age", T("Age"), "0"), ("year", T("Year"), "0"),
                           ("duration", T("Duration"), "0"),
                           ("central", T("Central exposure"), "#,##0.0000"),
                           ("initial", T("Initial exposure"), "#,##0.0000"),
                           ("events", T("Events"), styles.COUNT),
                           ("expected", T("Expected"), "#,##0.0000")])
    return _save(book, path)


def _conventions(result: Any) -> list[str]:
    from actuary.members.experience import EVENTS

    return [
        T("Event: status {statuses} on its status date; any other end of observation is a "
          "censoring (the other decrements compete).",
          statuses=T(" or ").join(T_known(e) for e in EVENTS[result.decrement])),
        T("Observation covers the days [start, end); an event at the end belongs to the last "
          "cell observed (an event on a birthday counts at the age just completed)."),
        T("Members who joined before the window enter it at its start, at the age reached "
          "(left truncation); members joining later enter at their age then."),
        T("Initial exposure adds, for each event, the time to the next birthday."),
        T("A member's file shows only the current status: an exit followed by death or "
          "retirement is seen as the later status, so exits can be missed and the active spell "
          "is taken to run to that status date."),
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
            T("{who}: {decrement} rates by age, crude with {level} interval and graduated "
              "(per year, log scale)", who=T("Men") if sex == "M" else T("Women"),
              decrement=T_known(decrement), level=num(level)))
        chart.y_axis.title = T("rate per year")
        chart.y_axis.scaling.logBase = 10
        chart.y_axis.number_format = "0.0000"
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        chart.y_axis.majorGridlines = None
        for key, name in (("m", T("Crude")), ("m_lower", T("{level} lower", level=num(level))),
                          ("m_upper", T("{level} upper", level=num(level))),
                          ("mu_graduated", T("Graduated"))):
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
