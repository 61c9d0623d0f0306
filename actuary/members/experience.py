"""Experience studies from dated member records: exposures, survival fits, rates, graduation.

What is studied
---------------
Three decrements of the member file (:mod:`actuary.members.files`):

============  ====================================  =========================================
decrement     event (status on the record)          time observed (before the study window)
============  ====================================  =========================================
``death``     ``dead``, on the status date          from joining to death, or to the as-of
                                                    date for living members (``active``,
                                                    ``inactive``, ``retired``, ``invalid``);
                                                    ``refunded`` members left and are
                                                    censored on their status date
``exit``      ``inactive``, on the status date      the active spell: actives from their
                                                    status date (the (re)start) to the as-of
                                                    date; everyone else from joining to the
                                                    status date
``retirement`` ``retired`` or ``refunded`` (old-age  the active spell, as for exits
              benefit: pension or refund)
============  ====================================  =========================================

Everything else ends the observation without an event (right censoring); the other
decrements compete. Observation is then cut to the study window ``[study_start,
study_end)``: a member who joined before the window enters the study at its start, at
the age (and duration) reached then (left truncation), and a member who joins later
enters at the age of joining. Limitation of a one-status file: a member who stopped
contributing and later died or retired shows only the later status, so the exit is not
seen and the active spell is taken to run to that status date (a file with the date of
the last contribution would remove this).

Conventions
-----------
* Time is counted in days and converted to years at 365.25 days a year.
* Observation of a member covers the days ``[start, end)``; an event happens at
  ``end`` and belongs to the last cell the member was observed in (an event on a
  birthday counts at the age just completed).
* Cells: sex, age last birthday, calendar year and duration (completed years since
  joining). A 29 February birthday falls on 1 March in common years.
* Central exposure ``E^c``: time observed in the cell. Initial exposure ``E^0``: the
  central exposure plus, for each event, the time from the event to the member's next
  birthday (the end of the year of age), added to the cell of the event. So
  ``q_x = d_x / E^0_x`` and ``m_x = d_x / E^c_x`` by age and sex.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from statistics import NormalDist
from typing import Any, Iterator

import numpy as np
import pandas as pd

from actuary.io.errors import AssumptionError, DataError
from actuary.members.files import from_ymd, ymd

__all__ = [
    "YEAR_DAYS",
    "DECREMENTS",
    "InsufficientData",
    "lexis_segments",
    "basis_forces",
    "pension_age_in",
    "gamma_pq",
    "gamma_quantile",
    "chi2_sf",
    "poisson_interval",
    "wilson_interval",
    "EVENTS",
    "TIMESCALES",
    "Observations",
    "observations",
    "exposures",
    "rates_by_age",
    "actual_to_expected",
    "survival_inputs",
    "survival_fits",
    "Graduation",
    "fit_gm",
    "fit_whittaker",
    "check_graduation_settings",
    "graduate",
    "goodness_of_fit",
    "ExperienceResult",
    "study",
    "experience_table",
    "write_experience_table",
    "exit_rate_from_force",
]

YEAR_DAYS = 365.25
DECREMENTS = ("death", "exit", "retirement")
#: Highest force of decrement used where a table gives q = 1 (exp(-30) ~ 1e-13 survives).
MAX_FORCE = 30.0
N_AGES_TABLE = 111  # ages 0..110 of the basis's tables
#: Highest number of GM parameters (``--degree``).
MAX_GM_DEGREE = 8


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


def _by_age(table: Any, years: np.ndarray | None = None, beyond: str = "error") -> np.ndarray:
    """A table on ages 0..110, zero at ages it does not cover (as the projection reads
    tables): ``[sex, age]``, or ``[year, sex, age]`` when ``years`` are given."""
    ages = np.asarray(table.ages)
    if years is None:
        out = np.zeros((2, N_AGES_TABLE))
        out[:, ages] = table.to_array(ages)
    else:
        out = np.zeros((len(years), 2, N_AGES_TABLE))
        out[:, :, ages] = table.to_array(ages, years, beyond=beyond)
    return out


def pension_age_in(aset: Any, year: int) -> float:
    """Pension age on 31 December of ``year`` (the first value for years before it)."""
    param = aset.scheme.parameters.pension_age
    first = min(param.values)
    return float(param.value_at(max(date(year, 12, 31), first)))


def basis_forces(aset: Any, decrement: str, years: np.ndarray) -> np.ndarray:
    """Forces of decrement of an assumption set, per year, ``[year, sex, age 0..110]``.

    * ``death``: ``mu = -ln(1 - q)`` from the mortality table times its scale (q of
      the calendar year; years beyond the table hold its last year), capped at
      :data:`MAX_FORCE` where q = 1.
    * ``exit``: the basis's exit rate is a dependent probability beside death and
      invalidity (as the projection applies them, zero from the pension age). Under
      constant forces within the year, ``mu_exit = q_exit * mu_total / Q`` with
      ``Q = q_death + q_invalidity + q_exit`` and ``mu_total = -ln(1 - Q)``.

    ``retirement`` has no table in the basis (everyone active at the pension age retires):
    see :func:`expected_retirements`.
    """
    years = np.asarray(years, dtype=np.int64)
    demo = aset.demographic
    q = np.minimum(_by_age(aset.tables["demographic.mortality"], years, beyond="hold")
                   * demo.mortality.scale, 1.0)
    if decrement == "death":
        with np.errstate(divide="ignore"):
            return np.minimum(-np.log1p(-q), MAX_FORCE)
    if decrement == "exit":
        inv = _by_age(aset.tables["demographic.invalidity"]) * demo.invalidity.scale
        ext = _by_age(aset.tables["demographic.exit"]) * demo.exit.scale
        pension_age = np.array([pension_age_in(aset, int(y)) for y in years], dtype=float)
        below = np.arange(q.shape[-1])[None, None, :] < pension_age[:, None, None]
        inv_t = inv[None] * below
        ext_t = ext[None] * below
        Q = np.minimum(q + inv_t + ext_t, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            total = np.minimum(-np.log1p(-Q), MAX_FORCE)
            return np.where(Q > 0, ext_t * total / np.where(Q > 0, Q, 1.0), 0.0)
    raise ValueError(f"no table for decrement {decrement!r} (death or exit)")


# -- special functions (no scipy): regularised incomplete gamma, its inverse -------------

def gamma_pq(a: float, x: float) -> tuple[float, float]:
    """Regularised incomplete gamma functions ``(P(a, x), Q(a, x) = 1 - P)``, a > 0.

    P by its power series when x < a + 1, Q by its continued fraction (modified Lentz
    evaluation) otherwise; each is accurate to about 1e-14 relative, and the smaller
    of P and Q is computed directly so tail probabilities keep their precision.
    """
    if a <= 0:
        raise ValueError("a must be > 0")
    if x <= 0:
        return 0.0, 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        k = a
        for _ in range(100_000):
            k += 1.0
            term *= x / k
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        p = math.exp(log_front) * total
        return p, 1.0 - p
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 100_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-16:
            break
    q = math.exp(log_front) * h
    return 1.0 - q, q


def gamma_quantile(p: float, a: float) -> float:
    """``x`` with ``P(a, x) = p`` (the p-quantile of a Gamma(a, 1) variable)."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be in (0, 1)")
    lo, hi = 0.0, max(1.0, a)
    while gamma_pq(a, hi)[0] < p:
        lo, hi = hi, hi * 2.0
    x = 0.5 * (lo + hi)
    for _ in range(200):
        P = gamma_pq(a, x)[0]
        if P < p:
            lo = x
        else:
            hi = x
        # Newton step from x (density of Gamma(a, 1)), kept inside the bracket
        dens = math.exp(-x + (a - 1.0) * math.log(x) - math.lgamma(a)) if x > 0 else 0.0
        nxt = x - (P - p) / dens if dens > 0 else 0.5 * (lo + hi)
        if not lo < nxt < hi:
            nxt = 0.5 * (lo + hi)
        if abs(nxt - x) <= 1e-14 * max(1.0, x):
            return nxt
        x = nxt
    return x


def chi2_sf(stat: float, df: float) -> float:
    """Upper tail probability of a chi-square variable with ``df`` degrees of freedom."""
    if df <= 0:
        return float("nan")
    return gamma_pq(df / 2.0, stat / 2.0)[1]


def poisson_interval(d: float, alpha: float = 0.05) -> tuple[float, float]:
    """Exact (Garwood) interval for the mean of a Poisson count ``d``.

    Lower = Gamma quantile(alpha/2; d) (0 when d = 0), upper = Gamma quantile(1 -
    alpha/2; d + 1): the means at which ``P(N >= d)`` and ``P(N <= d)`` equal alpha/2.
    """
    lower = 0.0 if d <= 0 else gamma_quantile(alpha / 2.0, d)
    return lower, gamma_quantile(1.0 - alpha / 2.0, d + 1.0)


def wilson_interval(q: float, n: float, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion ``q`` out of ``n`` (n > 0)."""
    z = NormalDist().inv_cdf(1.0 - alpha / 2.0)
    denom = 1.0 + z * z / n
    centre = (q + z * z / (2.0 * n)) / denom
    half = z * math.sqrt(max(q * (1.0 - q), 0.0) / n + z * z / (4.0 * n * n)) / denom
    return max(centre - half, 0.0), min(centre + half, 1.0)


# -- observations -----------------------------------------------------------------------

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


# -- exposures ------------------------------------------------------------------------

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


# -- crude rates and actual-to-expected ----------------------------------------------------

def rates_by_age(cells: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Crude rates by sex and age with confidence intervals, and A/E.

    Columns: ``central``, ``initial`` (years), ``events``, ``expected``; ``m`` =
    events / central exposure with its exact Poisson (Garwood) interval ``m_lower``,
    ``m_upper``; ``q`` = events / initial exposure with its Wilson interval (``q``
    capped at 1); ``ae`` = events / expected with the Poisson interval of the events
    divided by the expected (``ae_lower``, ``ae_upper``).
    """
    g = (cells.groupby(["sex", "age"], sort=True)[["central", "initial", "events", "expected"]]
         .sum(min_count=1).reset_index())
    return _with_intervals(g, alpha)


def _with_intervals(g: pd.DataFrame, alpha: float) -> pd.DataFrame:
    g = g.copy()
    cols = {c: [] for c in ("m_lower", "m_upper", "q_lower", "q_upper", "ae_lower", "ae_upper")}
    for r in g.itertuples():
        lo, hi = poisson_interval(r.events, alpha)
        ok_c = r.central > 0
        cols["m_lower"].append(lo / r.central if ok_c else np.nan)
        cols["m_upper"].append(hi / r.central if ok_c else np.nan)
        if r.initial > 0:
            ql, qh = wilson_interval(min(r.events / r.initial, 1.0), r.initial, alpha)
        else:
            ql = qh = np.nan
        cols["q_lower"].append(ql)
        cols["q_upper"].append(qh)
        e = r.expected
        ok_e = e is not None and np.isfinite(e) and e > 0
        cols["ae_lower"].append(lo / e if ok_e else np.nan)
        cols["ae_upper"].append(hi / e if ok_e else np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        g["m"] = np.where(g["central"] > 0, g["events"] / g["central"], np.nan)
        g["q"] = np.where(g["initial"] > 0, np.minimum(g["events"] / g["initial"], 1.0), np.nan)
        g["ae"] = np.where(g["expected"] > 0, g["events"] / g["expected"], np.nan)
    for c, v in cols.items():
        g[c] = v
    return g


def actual_to_expected(cells: pd.DataFrame, band: int = 5, alpha: float = 0.05) -> pd.DataFrame:
    """A/E by sex and age band (``band`` years) and in total, with Poisson intervals."""
    c = cells.copy()
    c["band_start"] = (c["age"] // band) * band
    g = (c.groupby(["sex", "band_start"])[["central", "initial", "events", "expected"]].sum()
         .reset_index())
    g["ages"] = g["band_start"].astype(str) + "-" + (g["band_start"] + band - 1).astype(str)
    tot = c.groupby("sex")[["central", "initial", "events", "expected"]].sum().reset_index()
    tot["ages"] = "all"
    both = c[["central", "initial", "events", "expected"]].sum().to_frame().T
    both["sex"] = "M+F"
    both["ages"] = "all"
    out = pd.concat([g.drop(columns="band_start"), tot, both], ignore_index=True)
    out = _with_intervals(out, alpha)
    return out[["sex", "ages", "central", "initial", "events", "expected", "ae", "ae_lower",
                "ae_upper"]]


# -- survival fits (lifelines) ------------------------------------------------------------

def survival_inputs(obs: Observations, timescale: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(entry, exit, event) times in years on the ``age`` or ``duration`` time scale:
    age from birth, or duration since joining; entry > 0 is left truncation."""
    origin = obs.birth if timescale == "age" else obs.entry
    entry = (obs.start - origin).astype(np.int64) / YEAR_DAYS
    exit_ = (obs.end - origin).astype(np.int64) / YEAR_DAYS
    return entry, exit_, obs.event.astype(bool)


SURVIVAL_COLUMNS = ["estimator", "group", "time", "estimate", "lower", "upper", "at_risk",
                    "events"]


def survival_fits(obs: Observations, timescale: str, alpha: float = 0.05,
                  max_points: int = 2000, left_out: list[str] | None = None) -> pd.DataFrame:
    """Kaplan-Meier survival and Nelson-Aalen cumulative hazard (lifelines), all and by sex.

    Left truncation: each member enters the risk set at the entry time. Returns a tidy
    frame (estimator, group, time, estimate, lower, upper, at_risk, events) thinned to at
    most ``max_points`` event times per curve (every k-th time, the last always kept).

    A curve lifelines cannot estimate (no one at risk at some time while members enter
    later: too few members) is left out and described in ``left_out`` when a list is
    given; without one it raises :class:`InsufficientData`.
    """
    from lifelines import KaplanMeierFitter, NelsonAalenFitter
    from lifelines.exceptions import StatError

    entry, exit_, event = survival_inputs(obs, timescale)
    frames = []
    for group, mask in (("all", np.ones(len(obs), bool)), ("M", obs.sex == 0), ("F", obs.sex == 1)):
        if not mask.any():
            continue
        # Nelson-Aalen without lifelines' tie smoothing: the increment at a time with d
        # events among n at risk is d / n (dates make ties common)
        for name, fitter, col in (("kaplan_meier", KaplanMeierFitter(alpha=alpha), "KM_estimate"),
                                  ("nelson_aalen", NelsonAalenFitter(
                                      alpha=alpha, nelson_aalen_smoothing=False), "NA_estimate")):
            try:
                fitter.fit(exit_[mask], event[mask], entry=entry[mask], label=col)
            except StatError:
                # With left truncation, a time at which no one is at risk while others
                # enter later breaks the product of conditional survivals; lifelines
                # refuses the whole curve.
                gap = _risk_set_gap(entry[mask], exit_[mask])
                at = f" after {timescale} {gap:.2f}" if gap is not None else ""
                what = (f"{name.replace('_', '-').title()} curve ({group}): no one is at risk"
                        f"{at} while members enter later (left truncation): too few members "
                        f"({_counted(int(mask.sum()), 'member')}, "
                        f"{_counted(int(event[mask].sum()), 'event')})")
                if left_out is None:
                    raise InsufficientData(what, field="survival curve",
                                           value=f"{name} {group}",
                                           expected="more members at risk at each event time")
                left_out.append(what)
                continue
            est = fitter.survival_function_ if name == "kaplan_meier" else fitter.cumulative_hazard_
            ci = fitter.confidence_interval_
            table = fitter.event_table
            f = pd.DataFrame({"time": est.index.to_numpy(float), "estimate": est.iloc[:, 0].to_numpy(),
                              "lower": ci.iloc[:, 0].to_numpy(), "upper": ci.iloc[:, 1].to_numpy()})
            f["at_risk"] = table["at_risk"].reindex(est.index).to_numpy()
            f["events"] = table["observed"].reindex(est.index).to_numpy()
            f = f[(f["events"] > 0) | (f.index == 0) | (f.index == len(f) - 1)]
            if len(f) > max_points:
                step = int(math.ceil(len(f) / max_points))
                keep = np.zeros(len(f), bool)
                keep[::step] = True
                keep[-1] = True
                f = f[keep]
            f.insert(0, "group", group)
            f.insert(0, "estimator", name)
            frames.append(f)
    if not frames:
        return pd.DataFrame(columns=SURVIVAL_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _risk_set_gap(entry: np.ndarray, exit_: np.ndarray) -> float | None:
    """The first time at which no one is at risk while someone enters later (members are
    at risk on ``(entry, exit]``), or ``None``."""
    times = np.unique(np.concatenate([entry, exit_]))
    at_risk = (np.searchsorted(np.sort(entry), times, side="right")
               - np.searchsorted(np.sort(exit_), times, side="right"))
    gap = times[(at_risk == 0) & (times < entry.max())]
    return float(gap[0]) if gap.size else None


def _counted(n: float, word: str) -> str:
    """``n`` with ``word`` in the singular or the plural."""
    return f"{n:,.0f} {word}{'' if n == 1 else 's'}"


# -- graduation -----------------------------------------------------------------------

@dataclass
class Graduation:
    """A graduated force of decrement for one sex on ages ``ages``."""

    sex: str
    method: str
    ages: np.ndarray
    mu: np.ndarray
    parameters: float  # number of parameters (GM) or effective degrees of freedom (WH)
    detail: str
    aic: float


def _poisson_loglik(d: np.ndarray, fitted: np.ndarray) -> float:
    """Poisson log-likelihood without the constant sum(log d!)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(np.where(d > 0, d * np.log(fitted), 0.0) - fitted))


def _scaled(ages: np.ndarray) -> np.ndarray:
    lo, hi = ages.min(), ages.max()
    return np.zeros(len(ages)) if hi == lo else 2.0 * (ages - lo) / (hi - lo) - 1.0


def fit_gm(ages: np.ndarray, d: np.ndarray, E: np.ndarray, degree: int) -> tuple[np.ndarray, float]:
    """Poisson maximum likelihood of ``log mu_x = sum_j b_j P_j(x)``: a GM(0, degree)
    formula (Forfar, McCutcheon and Wilkie 1988) with Legendre polynomials of the age
    scaled to [-1, 1]. Newton-Raphson (IRLS) with step halving. Returns (mu, loglik)."""
    from numpy.polynomial import legendre

    X = legendre.legvander(_scaled(ages.astype(float)), degree - 1)
    b = np.zeros(degree)
    b[0] = math.log(d.sum() / E.sum())
    ll = _poisson_loglik(d, E * np.exp(X @ b))
    for _ in range(200):
        fitted = E * np.exp(X @ b)
        grad = X.T @ (d - fitted)
        hess = X.T @ (X * fitted[:, None])
        step = np.linalg.solve(hess, grad)
        t = 1.0
        while True:
            nb = b + t * step
            nll = _poisson_loglik(d, E * np.exp(X @ nb))
            if nll >= ll - 1e-12 or t < 1e-8:
                break
            t /= 2.0
        b, gain, ll = nb, nll - ll, nll
        if np.max(np.abs(t * step)) < 1e-12 or abs(gain) < 1e-13:
            break
    return np.exp(X @ b), ll


def fit_whittaker(d: np.ndarray, E: np.ndarray, h: float, order: int = 3
                  ) -> tuple[np.ndarray, float, float]:
    """Whittaker-Henderson graduation of ``log mu`` with a Poisson likelihood.

    Maximises ``loglik(mu) - h/2 * sum((Delta^order log mu)^2)`` by penalised IRLS:
    each step solves ``(W + h D'D) eta = W z`` with weights ``W = E mu`` and working
    values ``z = eta + (d - E mu)/(E mu)``, which is Whittaker-Henderson's smoothing with
    the Poisson weights. Ages are consecutive; one with no exposure (E = 0) has no
    weight and is interpolated by the penalty. Returns (mu,
    loglik, effective degrees of freedom = trace of (W + h D'D)^-1 W).
    """
    n = len(d)
    D = np.diff(np.eye(n), n=order, axis=0)
    P = h * D.T @ D
    eta = np.full(n, math.log(max(d.sum(), 0.5) / E.sum()))
    for _ in range(100):
        fitted = E * np.exp(eta)
        # ages without exposure have no weight: the penalty interpolates across them
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(fitted > 0, eta + (d - fitted) / fitted, eta)
        new = np.linalg.solve(np.diag(fitted) + P, fitted * z)
        if np.max(np.abs(new - eta)) < 1e-11:
            eta = new
            break
        eta = new
    fitted = E * np.exp(eta)
    edf = float(np.trace(np.linalg.solve(np.diag(fitted) + P, np.diag(fitted))))
    return np.exp(eta), _poisson_loglik(d, fitted), edf


def check_graduation_settings(method: str, degree: int | None = None,
                              h: float | None = None) -> None:
    """Refuse a graduation setting that is out of range or that ``method`` would ignore
    (``degree`` belongs to ``gm``, ``h`` to ``whittaker``).

    Raises
    ------
    AssumptionError
        Naming the parameter, its value and what is accepted.
    """
    if method not in ("gm", "whittaker"):
        raise AssumptionError("unknown graduation method", field="method", value=method,
                              expected="gm or whittaker")
    if degree is not None:
        if method != "gm":
            raise AssumptionError("a degree is a number of GM parameters: Whittaker-Henderson "
                                  "would ignore it", field="degree", value=degree,
                                  expected="no degree with method whittaker (--degree goes "
                                           "with --method gm)")
        if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) \
                or not 1 <= degree <= MAX_GM_DEGREE:
            raise AssumptionError("GM degree out of range", field="degree", value=degree,
                                  expected=f"a whole number from 1 to {MAX_GM_DEGREE}")
    if h is not None:
        if method != "whittaker":
            raise AssumptionError("h is the Whittaker-Henderson smoothing: GM would ignore it",
                                  field="h", value=h,
                                  expected="no h with method gm (--smoothing goes with "
                                           "--method whittaker)")
        # nan passes every comparison test, so finiteness is checked on its own
        if not isinstance(h, (int, float, np.number)) or not math.isfinite(h) or h <= 0:
            raise AssumptionError("Whittaker-Henderson smoothing out of range", field="h",
                                  value=h, expected="a finite number above 0")


def graduate(rates: pd.DataFrame, sex: str, method: str = "gm", degree: int | None = None,
             h: float | None = None, order: int = 3) -> Graduation | None:
    """Graduate the crude central rates of one sex (ages with exposure).

    ``gm``: the degree (1..8 parameters) with the lowest AIC unless given. ``whittaker``:
    the smoothing ``h`` on a grid 10^-2..10^7 with the lowest AIC (with the effective
    degrees of freedom) unless given. ``None`` when there are no events.

    A fit needs events at as many ages as the parameters it leaves free (``degree``
    for GM, ``order`` for Whittaker-Henderson, whose penalty does not bind polynomials
    of degree ``order - 1``): with fewer, a polynomial that is 0 at every age with an
    event and negative elsewhere makes the likelihood grow without bound, so the
    maximum does not exist (the fitted force runs to 0 at ages without events). The
    automatic GM choice stops at that number.

    Raises
    ------
    AssumptionError
        A setting out of range or one ``method`` ignores (:func:`check_graduation_settings`).
    InsufficientData
        Too few ages with exposure or with events for the fit asked for.
    """
    check_graduation_settings(method, degree, h)
    r = rates[(rates["sex"] == sex) & (rates["central"] > 0)].sort_values("age")
    if r.empty or r["events"].sum() <= 0:
        return None
    ages = r["age"].to_numpy(np.int64)
    d = r["events"].to_numpy(float)
    E = r["central"].to_numpy(float)
    n_event_ages = int(np.count_nonzero(d > 0))
    found = (f"{_counted(d.sum(), 'event')} at {_counted(n_event_ages, 'age')} "
             f"(of {len(ages)} with exposure)")
    if method == "gm":
        if degree and degree > n_event_ages:
            raise InsufficientData(f"{found}, too few for GM(0,{degree})",
                                   source=f"graduation {sex}", field="degree", value=degree,
                                   expected=f"events at {degree} ages or more, or a degree "
                                            f"(--degree) of at most {n_event_ages}")
        choices = [degree] if degree else list(range(1, min(MAX_GM_DEGREE, n_event_ages) + 1))
        best = None
        for k in choices:
            mu, ll = fit_gm(ages, d, E, k)
            aic = -2.0 * ll + 2.0 * k
            if best is None or aic < best[2] - 1e-9:
                best = (mu, k, aic)
        mu, k, aic = best
        return Graduation(sex, "gm", ages, mu, float(k),
                          f"GM(0,{k}): log mu = polynomial of degree {k - 1} in age "
                          f"(Poisson maximum likelihood, {k} parameters, chosen by AIC "
                          f"among {choices})" if not degree else
                          f"GM(0,{k}): log mu = polynomial of degree {k - 1} in age "
                          f"(Poisson maximum likelihood, {k} parameters)", aic)
    if method == "whittaker":
        if len(ages) <= order or n_event_ages < order:
            raise InsufficientData(f"{found}, too few for Whittaker-Henderson of order "
                                   f"{order}", source=f"graduation {sex}", field="method",
                                   value=method,
                                   expected=f"more than {order} ages with exposure and "
                                            f"events at {order} ages or more")
        # consecutive ages; those without exposure get no weight
        full = np.arange(ages.min(), ages.max() + 1)
        pos = ages - ages.min()
        d_full, E_full = np.zeros(len(full)), np.zeros(len(full))
        d_full[pos], E_full[pos] = d, E
        ages, d, E = full, d_full, E_full
        grid = [h] if h is not None else [10.0 ** k for k in np.arange(-2, 7.5, 0.5)]
        best = None
        for hh in grid:
            mu, ll, edf = fit_whittaker(d, E, hh, order)
            aic = -2.0 * ll + 2.0 * edf
            if best is None or aic < best[3] - 1e-9:
                best = (mu, hh, edf, aic)
        mu, hh, edf, aic = best
        return Graduation(sex, "whittaker", ages, mu, edf,
                          f"Whittaker-Henderson on log mu, order {order}, h = {hh:g} "
                          f"({'given' if h else 'lowest AIC on 10^-2..10^7'}), "
                          f"{edf:.2f} effective degrees of freedom", aic)
    raise AssumptionError("unknown graduation method", field="method", value=method,
                          expected="gm or whittaker")


def goodness_of_fit(g: Graduation, rates: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """The standard tests of a graduation against the data it graduates.

    With ``z_x = (d_x - E_x mu_x) / sqrt(E_x mu_x)`` over the ages graduated:

    * chi-square: ``sum z^2`` on ``n - parameters`` degrees of freedom (upper tail);
    * standardised deviations: ``|z| > 2`` at more ages than a binomial(n, 0.0455)
      allows (upper tail);
    * signs: positive deviations ~ binomial(n, 1/2) (two-sided);
    * cumulative deviation: ``sum(d - E mu) / sqrt(sum E mu)`` ~ N(0, 1) (two-sided);
    * grouping of signs: too few runs of positive deviations (lower tail, exact);
    * serial correlation: lag-1 correlation of z, ``r1 sqrt(n)`` ~ N(0, 1) (upper tail).

    Each row: test, statistic, p-value, verdict at ``alpha`` ("pass" or "FAIL").
    """
    r = rates[(rates["sex"] == g.sex) & (rates["central"] > 0)].set_index("age")
    keep = np.isin(g.ages, r.index)
    r = r.loc[g.ages[keep]]
    d = r["events"].to_numpy(float)
    E = r["central"].to_numpy(float)
    ex = E * g.mu[keep]
    z = (d - ex) / np.sqrt(ex)
    n = len(z)
    N = NormalDist()
    out = []
    df = n - g.parameters
    chi = float(np.sum(z * z))
    out.append(("chi-square", chi, f"{df:.2f} degrees of freedom", chi2_sf(chi, df) if df > 0
                else float("nan")))
    p2 = 2.0 * (1.0 - N.cdf(2.0))
    big = int(np.sum(np.abs(z) > 2.0))
    out.append(("standardised deviations |z| > 2", float(big),
                f"{n * p2:.2f} expected of {n}", _binom_sf(big, n, p2)))
    pos = int(np.sum(z > 0))
    out.append(("signs (positive deviations)", float(pos), f"{n / 2:.1f} expected of {n}",
                min(1.0, 2.0 * min(_binom_cdf(pos, n, 0.5), _binom_sf(pos, n, 0.5)))))
    cum = float(np.sum(d - ex) / math.sqrt(np.sum(ex)))
    out.append(("cumulative deviation", cum, "N(0, 1)", 2.0 * (1.0 - N.cdf(abs(cum)))))
    runs, n1, n2 = _positive_runs(z)
    out.append(("grouping of signs (runs of positives)", float(runs),
                f"{n1} positive, {n2} negative", _runs_cdf(runs, n1, n2)))
    if n > 2 and np.std(z) > 0:
        r1 = float(np.corrcoef(z[:-1], z[1:])[0, 1])
        out.append(("serial correlation (lag 1)", r1, "r1 sqrt(n) ~ N(0, 1)",
                    1.0 - N.cdf(r1 * math.sqrt(n))))
    frame = pd.DataFrame(out, columns=["test", "statistic", "reference", "p_value"])
    frame.insert(0, "sex", g.sex)
    frame["verdict"] = np.where(frame["p_value"].isna(), "n/a",
                                np.where(frame["p_value"] < alpha, "FAIL", "pass"))
    return frame


def _binom_cdf(k: int, n: int, p: float) -> float:
    return float(sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(0, k + 1)))


def _binom_sf(k: int, n: int, p: float) -> float:
    """P(X >= k)."""
    return float(sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(k, n + 1)))


def _positive_runs(z: np.ndarray) -> tuple[int, int, int]:
    pos = z > 0
    runs = int(pos[0]) + int(np.sum(pos[1:] & ~pos[:-1])) if len(z) else 0
    return runs, int(pos.sum()), int((~pos).sum())


def _runs_cdf(g: int, n1: int, n2: int) -> float:
    """P(number of runs of positives <= g) for n1 positives and n2 negatives in random
    order: sum over t <= g of C(n1-1, t-1) C(n2+1, t) / C(n1+n2, n1)."""
    if n1 == 0 or n2 == 0:
        return float("nan")
    total = math.comb(n1 + n2, n1)
    return float(sum(math.comb(n1 - 1, t - 1) * math.comb(n2 + 1, t)
                     for t in range(1, g + 1)) / total)


# -- the study --------------------------------------------------------------------------

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


# -- the result as a table an assumption set can use -----------------------------------------

TABLE_AGES = {"death": (0, 110), "exit": (15, 110), "retirement": (15, 110)}
TABLE_KINDS = {"death": "qx", "exit": "rate", "retirement": "rate"}


def experience_table(result: ExperienceResult, aset: Any, name: str) -> Any:
    """The study's rates as a :class:`~actuary.tables.Table` in the basis's conventions.

    * death (kind ``qx``, ages 0-110): ``q = 1 - exp(-mu)`` on the graduated ages; other
      ages the basis's mortality of the study's middle year times the ratio graduated /
      basis at the nearest graduated age; ``q_110 = 1``.
    * exit (kind ``rate``, ages 15-110): the graduated force turned back into the
      basis's dependent probability beside death and invalidity,
      ``q_exit = mu_exit / mu_total * (1 - exp(-mu_total))``; other ages as for death;
      zero from the pension age (the projection retires members first).
    * retirement (kind ``rate``, ages 15-110): crude ``q`` where observed, else the
      basis's rule (1 in the year of age ending at the pension age, 0 elsewhere). The
      basis has no retirement-rate parameter yet: this table is evidence for one.

    A sex not graduated (no events, or too few) keeps the basis's values (said in the
    method).
    """
    from actuary.tables import Table, TableMeta

    d = result.decrement
    lo, hi = TABLE_AGES[d]
    ages = np.arange(lo, hi + 1)
    o = result.observations
    mid_year = int((o.study_start.year + o.study_end.year) // 2)
    pa = pension_age_in(aset, mid_year)
    values = {}
    method_lines = []
    for s, sex in enumerate(("M", "F")):
        if d == "retirement":
            base = np.where(ages == pa - 1, 1.0, 0.0)
            r = result.rates[(result.rates["sex"] == sex) & (result.rates["initial"] > 0)]
            v = base.copy()
            pos = r["age"].to_numpy() - lo
            ok = (pos >= 0) & (pos < len(ages))
            v[pos[ok]] = r["q"].to_numpy()[ok]
            values[sex] = v
            method_lines.append(f"{sex}: crude q = events / initial exposure at ages "
                                f"{_ages_text(r['age'])}; other ages the basis's rule")
            continue
        mu_d = basis_forces(aset, "death", np.array([mid_year]))[0, s]
        if d == "death":
            base_mu = mu_d
        else:
            base_mu = basis_forces(aset, "exit", np.array([mid_year]))[0, s]
        g = result.graduations.get(sex)
        mu = base_mu[ages].copy()
        if g is None:
            why = result.not_graduated.get(sex, "no events")
            method_lines.append(f"{sex}: not graduated ({why}); the basis's values")
        else:
            inside = (ages >= g.ages.min()) & (ages <= g.ages.max())
            grad = np.interp(ages, g.ages, g.mu)  # graduated ages (interpolated over gaps)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(base_mu[g.ages] > 0, g.mu / base_mu[g.ages], np.nan)
            r_lo = ratio[0] if np.isfinite(ratio[0]) else 1.0
            r_hi = ratio[-1] if np.isfinite(ratio[-1]) else 1.0
            mu = np.where(inside, grad, np.where(ages < g.ages.min(), mu * r_lo, mu * r_hi))
            method_lines.append(
                f"{sex}: ages {g.ages.min()}-{g.ages.max()} graduated ({g.detail}); ages below "
                f"the basis x {r_lo:.4f}, above x {r_hi:.4f} (the ratio at the nearest "
                f"graduated age)")
        if d == "death":
            q = 1.0 - np.exp(-mu)
            q[-1] = 1.0
        else:
            q = exit_rate_from_force(mu, _other_rates(aset, mid_year, s)[ages])
            q = np.where(ages >= pa, 0.0, q)
        values[sex] = np.clip(q, 0.0, 1.0)
    rows = pd.DataFrame({"sex": np.repeat(["M", "F"], len(ages)),
                         "age": np.tile(ages, 2),
                         "value": np.concatenate([values["M"], values["F"]])})
    tot = result.ae[(result.ae["sex"] == "M+F") & (result.ae["ages"] == "all")].iloc[0]
    synthetic = " SYNTHETIC DATA (not real records)." if result.synthetic else ""
    meta = TableMeta(
        description=(f"Experience-based {d} rates from member data, study window "
                     f"{o.study_start} to {o.study_end}.{synthetic}"),
        unit="probability per year",
        source=f"{result.source or 'member data'}; actuary experience --decrement {d}",
        licence="as the member data",
        status="unverified" if result.synthetic else "derived",
        method="\n".join([
            f"Exposure from dated member records (actuary.members.experience): {o.years_observed:,.1f} "
            f"years observed, {int(o.event.sum()):,} events, A/E against {result.basis} "
            f"{_f(tot.ae)}.",
            *method_lines,
        ]),
        extra={"study_start": o.study_start.isoformat(), "study_end": o.study_end.isoformat(),
               "as_of": o.as_of.isoformat(), "actual": float(tot.events),
               "expected": float(tot.expected), "synthetic": bool(result.synthetic)},
    )
    return Table(name=name, kind=TABLE_KINDS[d], meta=meta, data=rows)


def _other_rates(aset: Any, year: int, s: int) -> np.ndarray:
    """Death plus invalidity probabilities of actives in ``year`` (ages 0-110), as
    :func:`basis_forces` adds them to the exit rate."""
    demo = aset.demographic
    q = np.minimum(_by_age(aset.tables["demographic.mortality"], np.array([year]), beyond="hold")
                   [0, s] * demo.mortality.scale, 1.0)
    inv = _by_age(aset.tables["demographic.invalidity"])[s] * demo.invalidity.scale
    return q + inv


def exit_rate_from_force(mu: np.ndarray, q_other: np.ndarray) -> np.ndarray:
    """The dependent exit probability ``q`` whose force (as :func:`basis_forces` reads
    it) is ``mu``: solves ``q * -ln(1 - q_other - q) / (q_other + q) = mu`` by bisection
    (the left side increases with q from 0 to infinity on [0, 1 - q_other))."""
    mu = np.asarray(mu, dtype=float)
    room = np.clip(1.0 - np.asarray(q_other, dtype=float), 0.0, 1.0)
    lo = np.zeros_like(mu)
    hi = room.copy()

    def force(q: np.ndarray) -> np.ndarray:
        Q = np.minimum(q_other + q, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(Q > 0, q * np.minimum(-np.log1p(-Q), MAX_FORCE) / np.where(Q > 0, Q, 1),
                            0.0)

    for _ in range(200):
        mid = 0.5 * (lo + hi)
        below = force(mid) < mu
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return np.where(mu > 0, 0.5 * (lo + hi), 0.0)


def _ages_text(ages: pd.Series) -> str:
    a = sorted(set(int(x) for x in ages))
    return f"{a[0]}-{a[-1]}" if a else "none"


def write_experience_table(result: ExperienceResult, aset: Any, path: str | Any) -> Any:
    """Write the table as ``path`` (CSV) + sidecar YAML, atomically; returns the CSV path."""
    from pathlib import Path

    from actuary.tables import save_table

    path = Path(path)
    if path.suffix.lower() != ".csv":
        raise AssumptionError("a table is written as CSV + YAML", field="table",
                              value=str(path), expected="a name ending in .csv")
    table = experience_table(result, aset, path.stem)
    return save_table(table, path.parent)
