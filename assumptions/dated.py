"""Dated parameters: values that change on dates, each with its source and status.

A dated parameter is a step function of time: the value written against a date is in
force from that date until the next one. After the last date an *extension rule* says
what happens (see :class:`Extension`).

Time convention
---------------
Changes are placed on a month-based year: a date ``d`` sits at
``d.year + (d.month - 1)/12 + (d.day - 1)/(12 * days_in_month)``. A change on 1 October
therefore takes effect three quarters of the way through the year, so the average of
a 4% rate rising to 8% on 1 Oct 2027 is ``0.75*0.04 + 0.25*0.08`` for 2027. Months are
the natural unit here: contributions are due monthly and the rules change on the
first of a month. Exact fractions are used, so the weights carry no rounding.

Growth-rate convention
----------------------
A growth rate given for calendar year ``y`` (wage growth, inflation, ...) is the
growth from year ``y-1`` to year ``y``. The ``{index: NAME}`` rule uses it that way:
the value in year ``y`` after the last date is the value of year ``y-1`` times
``1 + NAME[y]``, the first step being on 1 January of the year after the last date.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import re
from collections.abc import Mapping
from datetime import date, datetime
from fractions import Fraction
from typing import Any, Callable, ClassVar, Literal

import numpy as np
from pydantic import Field, PrivateAttr, field_validator, model_validator

from actuary.io.errors import AssumptionError

from .base import Bounds, Number, Status, Strict, Text, WholeNumber
from .series_memo import keep_series, known_series, series_key

__all__ = [
    "INDEX_NAMES",
    "Extension",
    "DatedParameter",
    "DatedFraction",
    "DatedAccrual",
    "DatedRate",
    "DatedAmount",
    "DatedExchangeRate",
    "DatedAge",
    "DatedMonths",
    "DatedCount",
    "DatedFactor",
    "DatedChoice",
    "year_time",
    "yearly_product_average",
    "parse_date_key",
    "constant_shorthand",
]

# Economic series a parameter may be indexed to with ``extend: {index: NAME}``.
INDEX_NAMES: tuple[str, ...] = ("price_inflation", "wage_growth", "investment_return")

# Looks up the growth of index ``name`` in calendar year ``year`` (a fraction).
GrowthLookup = Callable[[str, int], float]

_EXTEND_FORMS = "'none', 'hold', {every_years: N, add: x}, {grow: r} or {index: NAME}"
_EXTEND_RULES = "'hold', {every_years: N, add: x}, {grow: r} or {index: NAME}"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")
_SHORTHAND_DATE = date(1900, 1, 1)  # start of a constant given as a bare number


@functools.lru_cache(maxsize=4096)
def year_time(d: date) -> Fraction:
    """Position of a date on the month-based year (see the module docstring)."""
    # Cached: every check and build of a set resolves the same few hundred dates, and
    # the exact fractions are most of the cost of resolving a dated parameter.
    days = calendar.monthrange(d.year, d.month)[1]
    return Fraction(d.year) + Fraction(d.month - 1, 12) + Fraction(d.day - 1, 12 * days)


def parse_date_key(key: Any) -> date:
    """A date from a YAML key: a date, an ISO string ``YYYY-MM-DD`` or a year (= 1 January).

    Raises
    ------
    ValueError
        For anything else (including a date with a time of day).
    """
    if isinstance(key, datetime):
        raise ValueError(f"key {key!s} has a time of day; expected a date YYYY-MM-DD")
    if isinstance(key, date):
        return key
    if isinstance(key, int) and not isinstance(key, bool) and 1000 <= key <= 9999:
        return date(key, 1, 1)
    if isinstance(key, str) and _YEAR.match(key.strip()):
        return date(int(key.strip()), 1, 1)
    if isinstance(key, str) and _ISO_DATE.match(key.strip()):
        try:
            return date.fromisoformat(key.strip())
        except ValueError:
            pass
    raise ValueError(f"key {key!r} is not a date; expected YYYY-MM-DD or a year such as 2030")


def _normalise_values(raw: Any) -> dict[str, Any]:
    """Check the date keys of ``values``: dates, unique, strictly increasing.

    Returns the mapping with ISO-string keys, so that errors on a value carry the
    date as written ``2027-10-01`` in their key path.
    """
    if not isinstance(raw, Mapping):
        raise ValueError("expected a mapping of date -> value")
    if not raw:
        raise ValueError("expected at least one dated value")
    out: dict[str, Any] = {}
    written: dict[date, Any] = {}
    previous: tuple[date, Any] | None = None
    for key, value in raw.items():
        day = parse_date_key(key)
        if day in written:
            raise ValueError(
                f"dates {written[day]!s} and {key!s} are the same day ({day.isoformat()}); "
                "each date may appear once"
            )
        if previous is not None and day < previous[0]:
            raise ValueError(
                f"dates must be strictly increasing: {key!s} comes after {previous[1]!s}"
            )
        written[day] = key
        previous = (day, key)
        out[day.isoformat()] = value
    return out


def _add_years(d: date, years: int) -> date:
    # An anniversary of 29 February falls on 28 February in a common year.
    y = d.year + years
    return date(y, d.month, min(d.day, calendar.monthrange(y, d.month)[1]))


class Extension(Strict):
    """What a dated parameter does after its last date.

    Written in a file as one of:

    * ``none`` (default): the series stops; using it later is an error;
    * ``hold``: the last value stays in force;
    * ``{every_years: N, add: x}``: ``x`` is added on every N-th anniversary of the
      last date (NSSF: +0.0275 every 10 years);
    * ``{grow: r}``: multiplied by ``1 + r`` on every anniversary of the last date;
    * ``{index: NAME}``: moves with the economic growth series NAME (one of
      :data:`INDEX_NAMES`) year by year from 1 January of the year after the last date.

    A mapping form may add ``status`` (e.g. ``{index: wage_growth, status: unverified}``)
    when the rule is less certain than the values: an unverified rule is listed among
    the set's unverified items even when the values are confirmed.
    """

    rule: Literal["none", "hold", "step", "grow", "index"] = "none"
    status: Status | None = None
    every_years: WholeNumber | None = None
    add: Number | None = None
    grow: Bounds("a growth rate per year", -1, 1, lo_open=True, hi_open=True).type | None = None
    index: Literal[INDEX_NAMES] | None = None  # type: ignore[valid-type]

    @model_validator(mode="before")
    @classmethod
    def _from_file(cls, raw: Any) -> Any:
        if isinstance(raw, str):
            if raw.strip() in ("none", "hold"):
                return {"rule": raw.strip()}
            raise ValueError(f"unknown extension rule {raw!r}; expected {_EXTEND_FORMS}")
        if raw is None or (isinstance(raw, Mapping) and not raw):
            return {"rule": "none"}
        if not isinstance(raw, Mapping):
            raise ValueError(f"expected {_EXTEND_FORMS}")
        if "rule" in raw:
            return raw
        keys = set(raw) - {"status"}
        for rule, needed in (("step", {"every_years", "add"}), ("grow", {"grow"}), ("index", {"index"})):
            if keys == needed:
                return {"rule": rule, **raw}
        raise ValueError(f"keys {sorted(map(str, keys))} do not form an extension rule; expected {_EXTEND_FORMS}")

    @model_validator(mode="after")
    def _complete(self) -> "Extension":
        needed = {"step": ("every_years", "add"), "grow": ("grow",), "index": ("index",)}.get(self.rule, ())
        for name in ("every_years", "add", "grow", "index"):
            given = getattr(self, name) is not None
            if given != (name in needed):
                what = "needs" if name in needed else "does not take"
                raise ValueError(f"rule {self.rule!r} {what} {name!r}; expected {_EXTEND_FORMS}")
        if self.rule == "step" and self.every_years is not None and self.every_years < 1:
            raise ValueError("every_years must be at least 1")
        return self

    def describe(self) -> str:
        """The rule in words, e.g. ``+0.0275 every 10 years``."""
        if self.rule == "step":
            return f"{self.add:+g} every {self.every_years} years"
        if self.rule == "grow":
            return f"grows {self.grow:g} a year"
        if self.rule == "index":
            return f"indexed to {self.index}"
        return {"none": "no extension", "hold": "held"}[self.rule]

    @property
    def described(self) -> str:
        """The rule in words with its status when it has one of its own."""
        return self.describe() + (f" ({self.status})" if self.status else "")


class DatedParameter(Strict):
    """A number that changes on dates, with description, unit, reference and status.

    Subclasses fix the kind of number (a fraction, an amount in KHR, ...): the units
    accepted and the interval every value must lie in, values made by the extension
    rule included.

    Attributes
    ----------
    values
        Date -> value, strictly increasing dates; each value is in force from its
        date until the next one.
    extend
        The rule after the last date (:class:`Extension`).
    """

    description: Text
    unit: Text
    reference: Text
    status: Status
    note: str | None = None
    values: dict[date, Number]
    extend: Extension = Field(default_factory=Extension)

    units: ClassVar[tuple[str, ...]] = ()
    bounds: ClassVar[Bounds] = Bounds("a number")
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step", "grow", "index")

    # Dotted key path in the assumption set; set by the set after validation so that
    # errors raised later (e.g. by yearly()) name the parameter.
    _path: str = PrivateAttr(default="")

    @field_validator("values", mode="before")
    @classmethod
    def _dates(cls, raw: Any) -> dict[str, Any]:
        return _normalise_values(raw)

    @field_validator("unit")
    @classmethod
    def _unit(cls, unit: str) -> str:
        if cls.units and unit not in cls.units:
            wanted = " or ".join(repr(u) for u in cls.units)
            raise ValueError(f"unit {unit!r} does not fit {cls.bounds.what}; expected {wanted}")
        return unit

    @field_validator("extend")
    @classmethod
    def _rule(cls, ext: Extension) -> Extension:
        if ext.rule not in cls.rules:
            raise ValueError(
                f"rule {ext.rule!r} does not apply to {cls.bounds.what}; expected one of {', '.join(cls.rules)}"
            )
        return ext

    # -- naming -----------------------------------------------------------------

    @property
    def path(self) -> str:
        """Dotted key path in the assumption set ('' when used on its own)."""
        return self._path

    def _where(self) -> str:
        return self._path or f"parameter '{self.description}'"

    @property
    def first_date(self) -> date:
        return next(iter(self.values))

    @property
    def last_date(self) -> date:
        return next(reversed(self.values))

    # -- the step function ------------------------------------------------------

    def _breakpoints(
        self, need_from: date, need_to: date, growth: GrowthLookup | None
    ) -> tuple[list[date], list[Any]]:
        """Dates and values of the step function, extended far enough to cover ``need_to``.

        Raises AssumptionError when ``need_from`` is before the first date, or when
        ``need_to`` is after the last date and there is no extension rule.
        """
        dates = list(self.values)
        vals = list(self.values.values())
        if need_from < dates[0]:
            raise AssumptionError(
                f"no value before the first date {dates[0].isoformat()}, "
                f"but one is needed from {need_from.isoformat()}",
                location=self._where(),
                expected=f"a first value dated on or before {need_from.isoformat()}",
            )
        last, value, rule = dates[-1], vals[-1], self.extend.rule
        if need_to <= last or rule == "hold":
            return dates, vals
        if rule == "none":
            raise AssumptionError(
                f"the series ends on its last date {last.isoformat()} and has no extension "
                f"rule (extend: none), but it is needed until {need_to.isoformat()}",
                location=self._where(),
                expected=f"a value dated on or after {need_to.isoformat()}, or an extension "
                f"rule: {_EXTEND_RULES}",
            )
        made: list[tuple[date, Any]] = []
        if rule in ("step", "grow"):
            step = self.extend.every_years if rule == "step" else 1
            k = 1
            while (when := _add_years(last, k * step)) <= need_to:
                if rule == "step":
                    made.append((when, value + k * self.extend.add))
                else:
                    made.append((when, value * (1.0 + self.extend.grow) ** k))
                k += 1
        else:  # index: 1 January of each year after the last date's year
            name = self.extend.index
            for year in range(last.year + 1, need_to.year + 1):
                if growth is None:
                    raise AssumptionError(
                        f"the extension {{index: {name}}} needs the growth of {name} "
                        f"for {year}, and no index values were given",
                        location=self._where(),
                        expected=f"indices={{'{name}': ...}}",
                    )
                value = value * (1.0 + growth(name, year))
                made.append((date(year, 1, 1), value))
        for when, v in made:
            if not self.bounds.contains(v):
                raise AssumptionError(
                    f"the extension rule ({self.extend.describe()}) gives {v:.6g} from "
                    f"{when.isoformat()}, outside the accepted range",
                    location=self._where(),
                    value=v,
                    expected=self.bounds.describe(),
                )
        return dates + [d for d, _ in made], vals + [v for _, v in made]

    def value_at(self, when: date, indices: Mapping[str, Mapping[int, float]] | None = None) -> Any:
        """The value in force on ``when``.

        Parameters
        ----------
        when
            The day.
        indices
            For an ``{index: NAME}`` extension: ``{NAME: {year: growth}}``, growth as a
            fraction for each calendar year after the last date up to ``when.year``.
        """
        dates, vals = self._breakpoints(when, when, _mapping_lookup(indices, self._where()))
        return vals[bisect.bisect_right(dates, when) - 1]

    def yearly(
        self,
        first_year: int,
        last_year: int,
        how: str = "average",
        indices: Mapping[str, Any] | None = None,
    ) -> np.ndarray:
        """One value per calendar year ``first_year .. last_year``.

        Parameters
        ----------
        how
            ``"average"``: time-weighted average over the calendar year (month-based
            weights, see the module docstring); ``"start"``: the value in force on
            1 January; ``"end"``: the value in force on 31 December.
        indices
            For an ``{index: NAME}`` extension: ``{NAME: array}`` with one growth rate
            (fraction) per calendar year ``first_year .. last_year``.

        Returns
        -------
        numpy.ndarray
            float64 of length ``last_year - first_year + 1`` (object array of strings
            for a :class:`DatedChoice`).
        """
        if how not in ("average", "start", "end"):
            raise ValueError(f"how must be 'average', 'start' or 'end', not {how!r}")
        if last_year < first_year:
            raise ValueError(f"last_year {last_year} is before first_year {first_year}")
        key = series_key(self, first_year, last_year, how, indices)
        known = known_series(key)
        if known is not None:  # the same parameter's series, made earlier (see series_memo)
            return known
        need_from = date(first_year, 1, 1) if how != "end" else date(first_year, 12, 31)
        need_to = date(last_year, 1, 1) if how == "start" else date(last_year, 12, 31)
        lookup = _array_lookup(indices, first_year, last_year, self._where())
        dates, vals = self._breakpoints(need_from, need_to, lookup)
        years = range(first_year, last_year + 1)
        if how == "start":
            out = [vals[bisect.bisect_right(dates, date(y, 1, 1)) - 1] for y in years]
        elif how == "end":
            out = [vals[bisect.bisect_right(dates, date(y, 12, 31)) - 1] for y in years]
        else:
            out = _yearly_averages(dates, vals, years)
        series = np.array(out, dtype=self._dtype())
        keep_series(key, series)
        return series

    def _dtype(self) -> Any:
        return np.float64

    # -- words --------------------------------------------------------------------

    def describe_values(self, limit: int | None = None) -> str:
        """The series in words: ``0.04 from 2022-10-01; 0.08 from 2027-10-01; then ...``."""
        items = list(self.values.items())
        if len(items) == 1 and items[0][0] == _SHORTHAND_DATE:
            text = f"{_fmt(items[0][1])} (constant)"
        else:
            shown = items if limit is None or len(items) <= limit else items[:limit]
            text = "; ".join(f"{_fmt(v)} from {d.isoformat()}" for d, v in shown)
            if len(shown) < len(items):
                text += f"; ... ({len(items)} values, last {_fmt(items[-1][1])} from {items[-1][0].isoformat()})"
        if self.extend.rule != "none" and not text.endswith("(constant)"):
            text += f"; then {self.extend.described}"
        return text


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.10g}" if abs(v) >= 10000 else f"{v:.10g}"
    return str(v)


@functools.lru_cache(maxsize=4096)
def _year_float(d: date) -> float:
    """:func:`year_time` as a float (to find the years with a change quickly)."""
    return float(year_time(d))


def _yearly_averages(dates: list[date], vals: list[Any], years: range) -> np.ndarray:
    """Average of the step function (value ``vals[i]`` from ``dates[i]``) over each year."""
    # The years with no change take their value at once; only the few with a change
    # are weighted, in exact fractions.
    as_float = np.array([_year_float(d) for d in dates])
    ys = np.arange(years.start, years.stop)
    idx = np.searchsorted(as_float, ys, side="right") - 1
    following = np.minimum(idx + 1, len(dates) - 1)
    steady = (idx + 1 >= len(dates)) | (as_float[following] >= ys + 1)
    out = np.array([float(v) for v in vals])[idx]
    changes = np.flatnonzero(~steady)
    if changes.size:
        times = [year_time(d) for d in dates]
        for j in changes:
            out[j] = _year_average(times, vals, int(ys[j]))
    return out


def yearly_product_average(a: "DatedParameter", b: "DatedParameter", first_year: int,
                           last_year: int, indices: Mapping[str, Any] | None = None) -> np.ndarray:
    """Average over each calendar year ``first_year .. last_year`` of the product of two
    dated parameters, month by month (the time convention of the module docstring).

    For amounts tied to two rates that may both change within a year: the admin expenses
    of a year are the admin rate times the contributions of each month, so a year with a
    contribution-rate step needs the average of the product, not the product of the
    averages (2027 of the NSSF default: 0.002 against 0.0021875). ``indices`` as for
    :meth:`DatedParameter.yearly`.
    """
    need_from, need_to = date(first_year, 1, 1), date(last_year, 12, 31)
    steps = []
    for param in (a, b):
        lookup = _array_lookup(indices, first_year, last_year, param._where())
        steps.append(param._breakpoints(need_from, need_to, lookup))
    dates = sorted(set(steps[0][0]) | set(steps[1][0]))
    dates = [d for d in dates if d >= max(steps[0][0][0], steps[1][0][0])]

    def at(step: tuple[list[date], list[Any]], d: date) -> float:
        return float(step[1][bisect.bisect_right(step[0], d) - 1])

    products = [at(steps[0], d) * at(steps[1], d) for d in dates]
    return _yearly_averages(dates, products, range(first_year, last_year + 1))


def _year_average(times: list[Fraction], vals: list[Any], y: int) -> float:
    """Average over calendar year ``y`` of the step function of :func:`_yearly_averages`."""
    lo, hi = Fraction(y), Fraction(y + 1)
    i = bisect.bisect_right(times, lo) - 1  # >= 0: the first date was checked
    total = 0.0
    while i < len(times) and times[i] < hi:
        start = max(times[i], lo)
        end = min(times[i + 1], hi) if i + 1 < len(times) else hi
        total += float(end - start) * vals[i]
        i += 1
    return total


def _array_lookup(
    indices: Mapping[str, Any] | None, first_year: int, last_year: int, where: str
) -> GrowthLookup | None:
    if indices is None:
        return None

    def lookup(name: str, year: int) -> float:
        if name not in indices:
            raise AssumptionError(
                f"the extension {{index: {name}}} needs index {name!r}, which was not given",
                location=where,
                expected=f"indices with a key {name!r}",
            )
        if not first_year <= year <= last_year:
            raise AssumptionError(
                f"the extension {{index: {name}}} needs {name} for {year}, before the "
                f"first projection year {first_year}",
                location=where,
                expected=f"a last value dated in {first_year - 1} or later, so that indexing "
                "starts within the projection",
            )
        return float(np.asarray(indices[name], dtype=float)[year - first_year])

    return lookup


def _mapping_lookup(indices: Mapping[str, Mapping[int, float]] | None, where: str) -> GrowthLookup | None:
    if indices is None:
        return None

    def lookup(name: str, year: int) -> float:
        try:
            return float(indices[name][year])
        except KeyError:
            raise AssumptionError(
                f"the extension {{index: {name}}} needs {name} for {year}",
                location=where,
                expected=f"indices[{name!r}][{year}]",
            ) from None

    return lookup


# -- kinds of dated parameters ------------------------------------------------------

_FRACTION = Bounds("a fraction", 0, 1)
_RATE = Bounds("a rate per year", -1, 1, lo_open=True, hi_open=True)
_AMOUNT = Bounds("a non-negative amount", 0)
_EXCHANGE = Bounds("an exchange rate", 0, lo_open=True)
_AGE = Bounds("an age", 15, 110)
_MONTHS = Bounds("a number of months", 0, 600)
_COUNT = Bounds("a count", 0)
_FACTOR = Bounds("a non-negative factor", 0)


class DatedFraction(DatedParameter):
    """A share or probability, in [0, 1] (unit ``fraction``)."""

    units: ClassVar[tuple[str, ...]] = ("fraction",)
    bounds: ClassVar[Bounds] = _FRACTION
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step", "grow")
    values: dict[date, _FRACTION.type]  # type: ignore[valid-type]


class DatedAccrual(DatedFraction):
    """An accrual rate: fraction of the reference wage per year of credited service."""

    units: ClassVar[tuple[str, ...]] = ("fraction per year of service",)


class DatedRate(DatedParameter):
    """A growth or interest rate per year, in (-1, 1) (unit ``fraction per year``).

    No ``grow`` or ``index`` rule: compounding a rate, or indexing an index, has no
    meaning here.
    """

    units: ClassVar[tuple[str, ...]] = ("fraction per year",)
    bounds: ClassVar[Bounds] = _RATE
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step")
    values: dict[date, _RATE.type]  # type: ignore[valid-type]


class DatedAmount(DatedParameter):
    """A non-negative amount of money in KHR (per month, per year, or once).

    The only kind that may follow an economic index (``{index: wage_growth}``).
    """

    units: ClassVar[tuple[str, ...]] = ("KHR per month", "KHR per year", "KHR")
    bounds: ClassVar[Bounds] = _AMOUNT
    values: dict[date, _AMOUNT.type]  # type: ignore[valid-type]


class DatedExchangeRate(DatedParameter):
    """KHR per USD, positive."""

    units: ClassVar[tuple[str, ...]] = ("KHR per USD",)
    bounds: ClassVar[Bounds] = _EXCHANGE
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step", "grow")
    values: dict[date, _EXCHANGE.type]  # type: ignore[valid-type]


class DatedAge(DatedParameter):
    """An age in years, in [15, 110] (the member ages of the projection)."""

    units: ClassVar[tuple[str, ...]] = ("years",)
    bounds: ClassVar[Bounds] = _AGE
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step")
    values: dict[date, _AGE.type]  # type: ignore[valid-type]


class DatedMonths(DatedParameter):
    """A number of months (qualifying periods, months of pension), in [0, 600]."""

    units: ClassVar[tuple[str, ...]] = ("months",)
    bounds: ClassVar[Bounds] = _MONTHS
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step")
    values: dict[date, _MONTHS.type]  # type: ignore[valid-type]


class DatedCount(DatedParameter):
    """A number of persons, non-negative."""

    units: ClassVar[tuple[str, ...]] = ("count",)
    bounds: ClassVar[Bounds] = _COUNT
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step", "grow")
    values: dict[date, _COUNT.type]  # type: ignore[valid-type]


class DatedFactor(DatedParameter):
    """A non-negative multiplier (e.g. on mortality rates)."""

    units: ClassVar[tuple[str, ...]] = ("factor",)
    bounds: ClassVar[Bounds] = _FACTOR
    rules: ClassVar[tuple[str, ...]] = ("none", "hold", "step", "grow")
    values: dict[date, _FACTOR.type]  # type: ignore[valid-type]


class DatedChoice(DatedParameter):
    """A choice among named options that can change on dates (unit ``choice``).

    Subclasses set :attr:`options` and narrow ``values`` to
    ``dict[date, Literal[options]]`` (so a bad option is reported at its date). Only
    ``none`` and ``hold`` extensions apply, and a choice cannot be averaged over a
    year: use ``yearly(..., how="start")`` or ``how="end"``.
    """

    units: ClassVar[tuple[str, ...]] = ("choice",)
    bounds: ClassVar[Bounds] = Bounds("a choice")
    rules: ClassVar[tuple[str, ...]] = ("none", "hold")
    options: ClassVar[tuple[str, ...]] = ()
    values: dict[date, str]  # type: ignore[assignment]

    def yearly(self, first_year: int, last_year: int, how: str = "start", indices: Any = None) -> np.ndarray:
        """One option per calendar year (``how`` = ``"start"`` or ``"end"``)."""
        if how == "average":
            raise ValueError("a choice cannot be averaged over a year; use how='start' or how='end'")
        return super().yearly(first_year, last_year, how, indices)

    def _dtype(self) -> Any:
        return object


def constant_shorthand(description: str, unit: str) -> Callable[[Any], Any]:
    """A before-validator accepting a bare number for a dated parameter.

    ``param: 0.8`` becomes a series holding 0.8 from 1900 on, status ``unverified``
    and reference "none given", so it is listed among the unverified items. Used only
    on the fields whose model says a constant is fine.
    """

    def convert(raw: Any) -> Any:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return {
                "description": f"{description} (given as a bare number)",
                "unit": unit,
                "reference": "none given (constant shorthand)",
                "status": "unverified",
                "values": {_SHORTHAND_DATE: raw},
                "extend": "hold",
            }
        return raw

    return convert
