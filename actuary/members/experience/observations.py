"""Observations and exposures: each member's observed interval for one decrement, cut
into Lexis cells (sex, age last birthday, calendar year, duration), with the central
and initial exposures and the events of each cell (see the package docstring for the
conventions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterator

import numpy as np
import pandas as pd

from actuary.io.errors import AssumptionError, DataError
from actuary.members.files import from_ymd, ymd

__all__ = [
    "YEAR_DAYS", "DECREMENTS", "InsufficientData", "lexis_segments", "EVENTS", "TIMESCALES",
    "Observations", "observations", "N_AGES", "CELL_KEYS", "exposures"
]



YEAR_DAYS = 365.25


YEAR_DAYS = 365.25
DECREMENTS = ("death", "exit", "retirement")


class InsufficientData(DataError):
    """The member data are too few for one part of an experience study (a graduation,
    a survival curve); :func:`study` reports the rest and says what was left out."""


def lexis_segments(
    birth: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    entry: np.ndarray | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Split each interval ``[start_i, end_i)`` into Lexis cells.

    Cuts at every birthday, every 1 January and, when ``entry`` is given, every
    anniversary of joining. Intervals with ``end <= start`` give nothing.

    Yields
    ------
    index, seg_start, seg_end, age, year, duration
        One pass over the intervals still open: their index into the inputs, the
        piece ``[seg_start, seg_end)`` (datetime64[D]), age last birthday, calendar
        year and completed years since ``entry`` (zeros without it) during the piece.
        Loop order: pieces in time order; each pass is vectorised over members.
    """
    birth = np.asarray(birth, dtype="datetime64[D]")
    start = np.asarray(start, dtype="datetime64[D]")
    end = np.asarray(end, dtype="datetime64[D]")
    idx = np.nonzero(end > start)[0]
    # the month and day of each origin are fixed: read them once
    by, bm, bd = (v[idx] for v in ymd(birth[idx]))
    if entry is not None:
        ey, em, ed = (v[idx] for v in ymd(np.asarray(entry, dtype="datetime64[D]")[idx]))
    t = start[idx]
    last = end[idx]
    while idx.size:
        y, m, d = ymd(t)
        before = (m < bm) | ((m == bm) & (d < bd))  # birthday of year y still to come
        age = y - by - before
        stop = np.minimum(from_ymd(y + ~before, bm, bd), last)
        stop = np.minimum(stop, from_ymd(y + 1, np.ones_like(y), np.ones_like(y)))
        if entry is not None:
            before_e = (m < em) | ((m == em) & (d < ed))
            duration = y - ey - before_e
            stop = np.minimum(stop, from_ymd(y + ~before_e, em, ed))
        else:
            duration = np.zeros(idx.size, dtype=np.int64)
        yield idx, t, stop, age, y, duration
        open_ = stop < last
        if not open_.all():
            idx, t, last, by, bm, bd = (v[open_] for v in (idx, stop, last, by, bm, bd))
            if entry is not None:
                ey, em, ed = (v[open_] for v in (ey, em, ed))
        else:
            t = stop


#: Statuses that end the observation with an event, by decrement.
EVENTS = {"death": ("dead",), "exit": ("inactive",), "retirement": ("retired", "refunded")}


#: Time scale of the survival fits, by decrement.
TIMESCALES = {"death": "age", "exit": "duration", "retirement": "age"}


@dataclass
class Observations:
    """Each member's observed interval ``[start, end)`` for one decrement.

    Arrays are aligned; ``sex`` is 0 for men, 1 for women; ``event`` marks an event at
    ``end``. ``excluded`` counts the members with no time in the study window;
    ``first_observed`` and ``last_observed`` bound the time the file observes before
    the window is applied (``None`` for a file without members).
    """

    decrement: str
    member_id: np.ndarray
    sex: np.ndarray
    birth: np.ndarray
    entry: np.ndarray
    start: np.ndarray
    end: np.ndarray
    event: np.ndarray
    as_of: date
    study_start: date
    study_end: date
    members_in: int
    excluded: dict[str, int] = field(default_factory=dict)
    first_observed: date | None = None
    last_observed: date | None = None

    def __len__(self) -> int:
        return len(self.sex)

    @property
    def years_observed(self) -> float:
        """Total time observed, years."""
        return float((self.end - self.start).astype(np.int64).sum() / YEAR_DAYS)


def observations(
    members: pd.DataFrame,
    decrement: str,
    as_of: date,
    study_start: date | None = None,
    study_end: date | None = None,
) -> Observations:
    """Observed intervals of checked members (see the module docstring for the rules).

    Parameters
    ----------
    members
        Used rows of a data check (:attr:`actuary.members.datacheck.CheckResult.members`).
    decrement
        ``death``, ``exit`` or ``retirement``.
    as_of
        Date of the member file: living members are observed to it.
    study_start, study_end
        The study window ``[study_start, study_end)``; default: from the earliest
        date observed to the as-of date. It may start before the earliest date (no one
        was observed then) but not end after the as-of date (the file knows nothing
        later).

    Raises
    ------
    AssumptionError
        An unknown decrement, a window ending after the as-of date, or an empty window.
    """
    if decrement not in DECREMENTS:
        raise AssumptionError("unknown decrement", field="decrement", value=decrement,
                              expected=", ".join(DECREMENTS))
    status = members["status"].to_numpy(dtype=object)
    entry = members["entry_date"].to_numpy(dtype="datetime64[D]")
    sdate = members["status_date"].to_numpy(dtype="datetime64[D]")
    as_of_d = np.datetime64(as_of, "D")
    events = np.isin(status, EVENTS[decrement])
    if decrement == "death":
        start = entry
        end = np.where(np.isin(status, ("dead", "refunded")), sdate, as_of_d)
    else:
        active = status == "active"
        start = np.where(active, sdate, entry)
        end = np.where(active, as_of_d, sdate)
    first = start.min() if len(start) else as_of_d
    s0 = np.datetime64(study_start, "D") if study_start else first
    s1 = np.datetime64(study_end, "D") if study_end else as_of_d
    # Living members are observed to the as-of date and no further: a later end would
    # be printed as the window while adding no exposure.
    if s1 > as_of_d:
        raise AssumptionError("the study window ends after the as-of date of the member file, "
                              "which holds no data after it", field="study_end", value=str(s1),
                              expected=f"a date on or before the as-of date {as_of} (--to)")
    if s1 <= s0:
        start_is = "" if study_start else ", the earliest date observed"
        raise AssumptionError("the study window is empty", field="study_end",
                              value=str(s1),
                              expected=f"a date after the study start {s0}{start_is} (--to)")
    # an event exactly at the end of the window is inside it (it ends the last cell)
    event = events & (end > s0) & (end <= s1)
    start_w = np.maximum(start, s0)
    end_w = np.minimum(end, s1)
    seen = end_w > start_w
    excluded = {}
    n_out = int((~seen).sum())
    if n_out:
        zero = int((~seen & (end == start)).sum())
        if zero:
            excluded["observed for no time (status date on the day of joining)"] = zero
        if n_out - zero:
            excluded["no time in the study window"] = n_out - zero
    sex = np.where(members["sex"].to_numpy(dtype=object) == "F", 1, 0)
    keep = np.nonzero(seen)[0]
    return Observations(
        decrement=decrement,
        member_id=members["member_id"].to_numpy(dtype=object)[keep],
        sex=sex[keep],
        birth=members["birth_date"].to_numpy(dtype="datetime64[D]")[keep],
        entry=entry[keep], start=start_w[keep], end=end_w[keep], event=event[keep],
        as_of=as_of, study_start=_to_date(s0), study_end=_to_date(s1),
        members_in=len(members), excluded=excluded,
        first_observed=_to_date(first) if len(start) else None,
        last_observed=_to_date(end.max()) if len(end) else None,
    )


def _to_date(d: np.datetime64) -> date:
    return date.fromisoformat(str(np.datetime64(d, "D")))


N_AGES = 131  # ages 0..130 (older members are rejected by the data check)


N_AGES = 131  # ages 0..130 (older members are rejected by the data check)
CELL_KEYS = ["sex", "age", "year", "duration"]


def exposures(
    obs: Observations,
    forces: np.ndarray | None = None,
    forces_year0: int | None = None,
    pension_age: float | None = None,
) -> pd.DataFrame:
    """Central and initial exposure, events and expected events by Lexis cell.

    Parameters
    ----------
    obs
        The observations (:func:`observations`).
    forces, forces_year0
        Optional forces of the basis ``[year - forces_year0, sex, age]`` (per year):
        the expected events of a cell are the integral of the force over the time
        observed in it (years beyond the array hold its last year).
    pension_age
        For ``retirement``: the basis retires everyone active at this age, so each
        member observed active on that birthday is one expected event, in the cell the
        birthday ends.

    Returns
    -------
    pandas.DataFrame
        One row per cell with time observed: ``sex`` (M/F), ``age``, ``year``,
        ``duration``, ``central`` and ``initial`` exposure (years), ``events`` and
        ``expected``. Loop order: members are vectorised, Lexis pieces looped.
    """
    n = len(obs)
    if n == 0:
        return pd.DataFrame(columns=CELL_KEYS + ["central", "initial", "events", "expected"])
    y_first = int(ymd(obs.start.min()[None])[0][0])
    y_last = int(ymd(obs.end.max()[None])[0][0])
    n_years = y_last - y_first + 1
    n_dur = int((obs.end.max() - obs.entry.min()).astype(np.int64) // 365) + 2

    def key(sex, age, year, dur):
        return ((sex * N_AGES + np.minimum(age, N_AGES - 1)) * n_years + (year - y_first)) \
            * n_dur + dur

    # Pieces are gathered per pass and summed once by cell key (a dense grid of every
    # sex x age x year x duration would be mostly empty for long histories).
    keys, days_l, mu_l = [], [], []
    last_key = np.zeros(n, dtype=np.int64)
    last_age = np.zeros(n, dtype=np.int64)
    for idx, a, b, age, year, dur in lexis_segments(obs.birth, obs.start, obs.end, obs.entry):
        k = key(obs.sex[idx], age, year, dur)
        keys.append(k)
        days_l.append((b - a).astype(np.int64))
        if forces is not None:
            t = np.clip(year - forces_year0, 0, forces.shape[0] - 1)
            mu_l.append(forces[t, obs.sex[idx], np.minimum(age, forces.shape[2] - 1)])
        closing = b >= obs.end[idx]
        last_key[idx[closing]] = k[closing]
        last_age[idx[closing]] = age[closing]
    all_keys = np.concatenate(keys)
    cells, slot = np.unique(all_keys, return_inverse=True)
    m = len(cells)
    days = np.concatenate(days_l)
    central = np.bincount(slot, weights=days / YEAR_DAYS, minlength=m)
    expected = (np.bincount(slot, weights=np.concatenate(mu_l) * days / YEAR_DAYS, minlength=m)
                if forces is not None else np.zeros(m))
    ev = np.nonzero(obs.event)[0]
    ev_slot = np.searchsorted(cells, last_key[ev])
    events = np.bincount(ev_slot, minlength=m).astype(float)
    # initial exposure: from each event to the next birthday (end of the year of age)
    by, bm, bd = ymd(obs.birth[ev])
    next_birthday = from_ymd(by + last_age[ev] + 1, bm, bd)
    extra = (next_birthday - obs.end[ev]).astype(np.int64) / YEAR_DAYS
    initial = central + np.bincount(ev_slot, weights=extra, minlength=m)
    if pension_age is not None:
        expected += _expected_retirements(obs, int(round(pension_age)), key, cells)
    s, rest = np.divmod(cells, N_AGES * n_years * n_dur)
    age, rest = np.divmod(rest, n_years * n_dur)
    yr, dur = np.divmod(rest, n_dur)
    return pd.DataFrame({
        "sex": np.where(s == 0, "M", "F"), "age": age, "year": yr + y_first, "duration": dur,
        "central": central, "initial": initial, "events": events,
        "expected": expected if (forces is not None or pension_age is not None) else np.nan,
    })


def _expected_retirements(obs: Observations, pension_age: int, key, cells: np.ndarray
                          ) -> np.ndarray:
    """One expected retirement per member observed active on the pension-age birthday,
    in the cell that birthday ends (a cell the member was observed in)."""
    by, bm, bd = ymd(obs.birth)
    day = from_ymd(by + pension_age, bm, bd)
    hit = np.nonzero((day > obs.start) & (day <= obs.end))[0]
    before = day[hit] - 1  # the event ends the cell of the day before the birthday
    year, m, d = ymd(before)
    ey, em, ed = ymd(obs.entry[hit])
    dur = year - ey - ((m < em) | ((m == em) & (d < ed)))
    k = key(obs.sex[hit], np.full(hit.size, pension_age - 1), year, dur)
    return np.bincount(np.searchsorted(cells, k), minlength=len(cells)).astype(float)
