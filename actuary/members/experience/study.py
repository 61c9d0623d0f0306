"""The experience study end to end: observations, exposures, rates, survival fits,
graduation and its tests, in one :class:`ExperienceResult`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from actuary.io.errors import AssumptionError
from actuary.members.files import ymd
from actuary.members.experience.expected import basis_forces, pension_age_in
from actuary.members.experience.observations import (
    InsufficientData,
    Observations,
    TIMESCALES,
    exposures,
    observations,
)
from actuary.members.experience.rates import actual_to_expected, rates_by_age
from actuary.members.experience.survival import survival_fits
from actuary.members.experience.graduation import (
    Graduation,
    check_graduation_settings,
    goodness_of_fit,
    graduate,
)

__all__ = ["ExperienceResult", "study"]


@dataclass
class ExperienceResult:
    """Everything an experience study produces (see :func:`study`).

    ``not_graduated`` gives, by sex, why a death or exit graduation was left out (no
    events, or too few for the fit); ``left_out`` lists the other parts the data could
    not support (survival curves). Both are printed with the summary.
    """

    decrement: str
    timescale: str
    observations: Observations
    cells: pd.DataFrame
    rates: pd.DataFrame
    ae: pd.DataFrame
    survival: pd.DataFrame
    graduations: dict[str, Graduation]
    gof: pd.DataFrame
    basis: str
    method: str
    alpha: float
    synthetic: bool = False
    source: str = ""
    notes: list[str] = field(default_factory=list)
    not_graduated: dict[str, str] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        """The text the CLI prints."""
        o = self.observations
        tot = self.ae[(self.ae["sex"] == "M+F") & (self.ae["ages"] == "all")].iloc[0]
        lines = []
        if self.synthetic:
            lines.append("SYNTHETIC DATA: the member file is marked synthetic, not real records.")
        lines += [
            f"Experience study of {self.decrement} (time scale: {self.timescale}), "
            f"window {o.study_start} to {o.study_end} (exclusive), as-of {o.as_of}",
            f"  members used {o.members_in:,}, observed {len(o):,}, "
            f"years observed {o.years_observed:,.1f}, events {int(o.event.sum()):,}",
        ]
        for reason, count in o.excluded.items():
            lines.append(f"  not observed: {count:,} ({reason})")
        lines.append(f"  actual {tot.events:,.0f}, expected on basis {self.basis} "
                     f"{tot.expected:,.1f}, A/E {_f(tot.ae)} "
                     f"({100 * (1 - self.alpha):.0f}% interval {_f(tot.ae_lower)} - "
                     f"{_f(tot.ae_upper)})")
        for sex, g in self.graduations.items():
            fails = self.gof[(self.gof["sex"] == sex) & (self.gof["verdict"] == "FAIL")]
            lines.append(f"  graduation {sex}: ages {g.ages.min()}-{g.ages.max()}, {g.detail}; "
                         f"tests failed: {', '.join(fails['test']) or 'none'}")
        for sex, why in self.not_graduated.items():
            lines.append(f"  graduation {sex}: left out ({why}); the table keeps the basis's "
                         "rates")
        for what in self.left_out:
            lines.append(f"  left out: {what}")
        return lines


def _f(x: float) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{x:.3f}"


def study(
    members: pd.DataFrame,
    decrement: str,
    aset: Any,
    as_of: date,
    *,
    study_start: date | None = None,
    study_end: date | None = None,
    method: str = "gm",
    degree: int | None = None,
    h: float | None = None,
    alpha: float = 0.05,
    synthetic: bool = False,
    source: str = "",
) -> ExperienceResult:
    """Run an experience study of ``decrement`` on checked members.

    Exposures by cell, crude rates with intervals, A/E against ``aset``'s tables,
    Kaplan-Meier and Nelson-Aalen fits, and (death and exit) a graduation by sex with
    its goodness-of-fit tests. Retirement is not graduated: the basis retires everyone
    at the pension age, so its rates are a spike, not a curve.

    Small files: exposures, crude rates and A/E need only one member observed (A/E
    with no events still compares 0 with what the basis expects). A graduation of a sex
    with too few events (see :func:`graduate`) or a survival curve lifelines cannot
    estimate is left out, and the result says so (``not_graduated``, ``left_out``).

    Raises
    ------
    AssumptionError
        A setting out of range (``alpha`` in (0, 1); ``degree``, ``h``: see
        :func:`check_graduation_settings`), a graduation setting for retirement, a window
        that is empty or ends after ``as_of``, or no member observed in the window.
    """
    # nan passes every comparison test, so finiteness is checked on its own
    if not isinstance(alpha, (int, float, np.number)) or not math.isfinite(alpha) \
            or not 0.0 < alpha < 1.0:
        raise AssumptionError("significance level out of range", field="alpha", value=alpha,
                              expected="a number strictly between 0 and 1 (1 - the confidence "
                                       "level, --level)")
    check_graduation_settings(method, degree, h)
    if decrement == "retirement" and (degree is not None or h is not None):
        given = "degree" if degree is not None else "h"
        raise AssumptionError("retirement is not graduated (the basis retires everyone at the "
                              f"pension age), so {given} would be ignored", field=given,
                              value=degree if degree is not None else h,
                              expected="no graduation setting with decrement retirement")
    obs = observations(members, decrement, as_of, study_start, study_end)
    if len(obs) == 0:
        span = (f"{obs.first_observed} to {obs.last_observed}" if obs.first_observed
                else "none")
        raise AssumptionError(f"no member is observed in the study window ({decrement}); "
                              f"{obs.members_in:,} members in the file", field="study window",
                              value=f"{obs.study_start} to {obs.study_end}",
                              expected=f"a window (--from, --to) overlapping the time the file "
                                       f"observes: {span}")
    y0 = ymd(np.array([obs.start.min()]))[0][0]
    y1 = ymd(np.array([obs.end.max()]))[0][0]
    years = np.arange(y0, y1 + 1)
    notes = []
    if decrement == "retirement":
        pa = pension_age_in(aset, int(ymd(np.array([np.datetime64(as_of, "D")]))[0][0]))
        cells = exposures(obs, pension_age=pa)
        notes.append(f"expected retirements: every member observed active on the birthday of "
                     f"the pension age {pa:g} retires then (the basis's rule); the event ends "
                     f"the year of age {pa - 1:g}")
    else:
        cells = exposures(obs, basis_forces(aset, decrement, years), int(y0))
        notes.append("expected events: the basis's force of decrement integrated over the "
                     "time observed in each cell (see actuary.members.experience.basis_forces)")
    rates = rates_by_age(cells, alpha)
    ae = actual_to_expected(cells, alpha=alpha)
    left_out: list[str] = []
    survival = survival_fits(obs, TIMESCALES[decrement], alpha, left_out=left_out)
    grads: dict[str, Graduation] = {}
    not_graduated: dict[str, str] = {}
    gof = []
    if decrement != "retirement":
        for sex in ("M", "F"):
            # one sex too small to graduate does not stop the other, nor the crude rates
            try:
                g = graduate(rates, sex, method, degree, h)
            except InsufficientData as exc:
                not_graduated[sex] = f"{exc.message}; needs {exc.expected}"
                continue
            if g is None:
                not_graduated[sex] = "no events"
                continue
            grads[sex] = g
            gof.append(goodness_of_fit(g, rates, alpha))
        rates = rates.merge(_graduated_frame(grads), on=["sex", "age"], how="left")
    else:
        rates["mu_graduated"] = np.nan
        rates["z"] = np.nan
    if "mu_graduated" in rates:
        ex = rates["central"] * rates["mu_graduated"]
        rates["z"] = (rates["events"] - ex) / np.sqrt(ex)
    gof_frame = (pd.concat(gof, ignore_index=True) if gof else
                 pd.DataFrame(columns=["sex", "test", "statistic", "reference", "p_value",
                                       "verdict"]))
    return ExperienceResult(decrement, TIMESCALES[decrement], obs, cells, rates, ae, survival,
                            grads, gof_frame, getattr(aset, "name", ""), method, alpha,
                            synthetic, source, notes, not_graduated, left_out)


def _graduated_frame(grads: dict[str, Graduation]) -> pd.DataFrame:
    parts = [pd.DataFrame({"sex": s, "age": g.ages, "mu_graduated": g.mu}) for s, g in grads.items()]
    if not parts:
        # typed, so that the merged column stays numeric (an object column of NaN
        # breaks the deviations computed from it)
        return pd.DataFrame({"sex": pd.Series(dtype=object), "age": pd.Series(dtype=np.int64),
                             "mu_graduated": pd.Series(dtype=float)})
    return pd.concat(parts, ignore_index=True)
