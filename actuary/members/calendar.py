"""Calendar arithmetic on numpy ``datetime64[D]`` arrays, shared by the data check, the
synthetic members and the experience studies: civil dates from day numbers and back
(proleptic Gregorian), ages in completed years, anniversaries, month indices and ISO
text. Dates from 1800 to 2299 go through lookup tables; others are computed.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ymd", "anniversary", "completed_years", "month_index", "from_ymd", "iso_dates"]


def _days(d: np.ndarray) -> np.ndarray:
    return np.asarray(d, dtype="datetime64[D]").astype(np.int64)


def _ymd_arithmetic(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Civil date from days since 1970 (proleptic Gregorian, eras of 400 years)."""
    z = days + 719468  # days since 0000-03-01
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = np.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + (month <= 2)
    return year, month, day


# A lookup table of every day from 1800 to 2299 makes the common case an index.
_T0 = int(np.datetime64("1800-01-01", "D").astype(np.int64))
_T1 = int(np.datetime64("2300-01-01", "D").astype(np.int64))
_TY, _TM, _TD = (a.astype(t) for a, t in zip(_ymd_arithmetic(np.arange(_T0, _T1, dtype=np.int64)),
                                              (np.int16, np.int8, np.int8)))


def ymd(d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day (1-31) of each date, as int64 arrays.

    NaT gives meaningless numbers: mask it first.
    """
    days = _days(d)
    if days.size and _T0 <= days.min() and days.max() < _T1:
        idx = days - _T0
        return (_TY[idx].astype(np.int64), _TM[idx].astype(np.int64),
                _TD[idx].astype(np.int64))
    inside = (days >= _T0) & (days < _T1)
    idx = np.where(inside, days - _T0, 0)
    year, month, day = (_TY[idx].astype(np.int64), _TM[idx].astype(np.int64),
                        _TD[idx].astype(np.int64))
    if not inside.all():
        out = ~inside
        year[out], month[out], day[out] = _ymd_arithmetic(days[out])
    return year, month, day


def _from_ymd_arithmetic(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


_MONTH_START = _from_ymd_arithmetic(np.repeat(np.arange(1800, 2300), 12),
                                    np.tile(np.arange(1, 13), 500),
                                    np.ones(6000, dtype=np.int64)).reshape(500, 12)


def from_ymd(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Dates (datetime64[D]) from year, month and day; a day past the month's end rolls
    into the next month (29 February of a common year is 1 March)."""
    year = np.asarray(year, dtype=np.int64)
    month = np.asarray(month, dtype=np.int64)
    day = np.asarray(day, dtype=np.int64)
    if year.size and 1800 <= year.min() and year.max() < 2300:
        return (_MONTH_START[year - 1800, month - 1] + day - 1).astype("datetime64[D]")
    inside = (year >= 1800) & (year < 2300)
    days = _MONTH_START[np.where(inside, year - 1800, 0), month - 1] + day - 1
    if not np.all(inside):
        out = ~inside
        days = np.where(out, _from_ymd_arithmetic(year, month, day), days)
    return days.astype("datetime64[D]")


def anniversary(born: np.ndarray, year: np.ndarray | int) -> np.ndarray:
    """The anniversary of each date ``born`` in calendar ``year`` (datetime64[D]).

    Convention: a 29 February falls on 1 March in common years (the day after 28
    February), the same day on which :func:`completed_years` counts the year complete.
    """
    _, m, d = ymd(born)
    return from_ymd(np.broadcast_to(np.asarray(year, dtype=np.int64), m.shape), m, d)


def completed_years(born: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Whole years from ``born`` to ``at`` (age last birthday), int64."""
    y0, m0, d0 = ymd(born)
    y1, m1, d1 = ymd(at)
    before = (m1 < m0) | ((m1 == m0) & (d1 < d0))
    return y1 - y0 - before.astype(np.int64)


def month_index(d: np.ndarray) -> np.ndarray:
    """Months since January 1970 of each date (calendar months, day ignored)."""
    y, m, _ = ymd(d)
    return (y - 1970) * 12 + (m - 1)


_ISO: np.ndarray | None = None


def iso_dates(d: np.ndarray) -> np.ndarray:
    """ISO ``YYYY-MM-DD`` text of each date (object array; NaT gives ``""``)."""
    global _ISO
    if _ISO is None:
        _ISO = np.datetime_as_string(np.arange(_T0, _T1).astype("datetime64[D]"),
                                     unit="D").astype(object)
    dates = np.asarray(d, dtype="datetime64[D]")
    days = dates.astype(np.int64)
    inside = (days >= _T0) & (days < _T1)
    out = _ISO[np.where(inside, days - _T0, 0)]
    if not inside.all():
        rest = ~inside
        out[rest] = np.where(np.isnat(dates[rest]), "",
                             np.datetime_as_string(dates[rest], unit="D")).astype(object)
    return out
