"""Life-table mathematics for one life (one sex) on integer ages.

Conventions used throughout this module
---------------------------------------
- Ages are whole years. A table holds one-year death probabilities ``q_x`` for the
  ages ``min_age, min_age + 1, ..., max_age``.
- The table is *closed at its last age*: everybody alive at ``max_age`` dies before
  ``max_age + 1``. Whatever ``q`` is given for the last age, the calculations use
  ``q = 1`` there (the value given is kept in :attr:`LifeTable.q_input`). A table
  that should reach further must be extended before it is built.
- Within a year of age deaths are uniformly distributed (UDD):
  ``s p_x = 1 - s q_x`` for ``0 <= s <= 1``.
- ``l_x`` is scaled so that ``l_{min_age}`` equals the radix (1 unless asked).
- Durations and terms are in years; rates are fractions per year.

Life expectancy ``e_x`` is the complete expectation under UDD unless the name says
*curtate*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from actuary.life import annuities as _ann
from actuary.life.annuities import Discount
from actuary.io.errors import TableError

__all__ = ["LifeTable", "Discount"]


def _as_q_vector(qx: Any, what: str = "qx") -> np.ndarray:
    """Validate one-year death probabilities and return them as a float64 copy."""
    try:
        q = np.array(qx, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TableError(
            "death probabilities are not numbers", field=what, expected="an array of floats"
        ) from exc
    if q.ndim != 1 or q.size == 0:
        raise TableError(
            "death probabilities must be a non-empty 1-D array",
            field=what,
            value=f"shape {q.shape}",
            expected="shape (number of ages,)",
        )
    bad = ~np.isfinite(q) | (q < 0.0) | (q > 1.0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise TableError(
            "death probability outside [0, 1]",
            location=f"index {k}",
            field=what,
            value=float(q[k]),
            expected="a finite probability 0 <= q <= 1",
        )
    return q


def _check_int(value: Any, field: str, minimum: int | None = None) -> int:
    """Return ``value`` as an int if it is a whole number (and >= minimum)."""
    if isinstance(value, (bool, np.bool_)):
        raise TableError("expected a whole number", field=field, value=value, expected="an int")
    try:
        as_float = float(value)
    except (TypeError, ValueError) as exc:
        raise TableError(
            "expected a whole number", field=field, value=value, expected="an int"
        ) from exc
    if not np.isfinite(as_float) or as_float != int(as_float):
        raise TableError("expected a whole number", field=field, value=value, expected="an int")
    out = int(as_float)
    if minimum is not None and out < minimum:
        raise TableError(
            "value too small", field=field, value=value, expected=f"an int >= {minimum}"
        )
    return out


class LifeTable:
    """A one-sex life table on integer ages, closed at its last age.

    Parameters
    ----------
    qx
        One-year death probabilities (fractions) for ages ``min_age``,
        ``min_age + 1``, ... The last age is treated as closing (``q = 1``).
    min_age
        Age in years of the first entry of ``qx``.
    radix
        ``l_{min_age}``; only scales ``lx``, ``dx`` and the commutation columns.
    source
        Optional label (file name, table name) used in error messages.

    Raises
    ------
    TableError
        If ``qx`` is not a non-empty 1-D array of probabilities in [0, 1], or
        ``min_age`` is not a whole number >= 0.
    """

    def __init__(
        self,
        qx: Sequence[float] | np.ndarray,
        min_age: int = 0,
        *,
        radix: float = 1.0,
        source: str | None = None,
    ) -> None:
        self.source = source
        try:
            self.q_input = _as_q_vector(qx)
            self.min_age = _check_int(min_age, "min_age", minimum=0)
        except TableError as exc:
            exc.source = source
            raise
        if not (np.isfinite(radix) and radix > 0):
            raise TableError(
                "radix must be positive", source=source, field="radix", value=radix,
                expected="a finite number > 0",
            )
        self.radix = float(radix)
        q = self.q_input.copy()
        q[-1] = 1.0  # closing age: nobody survives past max_age
        q.flags.writeable = False
        self._q = q
        # l_x for x = min_age .. max_age + 1 (the extra entry is 0 by closure)
        l_ext = np.empty(q.size + 1)
        l_ext[0] = 1.0
        np.cumprod(1.0 - q, out=l_ext[1:])
        l_ext[-1] = 0.0
        l_ext.flags.writeable = False
        self._l = l_ext  # relative to radix 1
        # sums behind the expectations, computed once: tail[k] = sum_{j >= k} l_j and
        # T[k] = sum_{j >= k} L_j with L_j = (l_j + l_{j+1}) / 2 (UDD), T[size] = 0
        self._l_tail = np.cumsum(l_ext[::-1])[::-1]
        L = 0.5 * (l_ext[:-1] + l_ext[1:])
        self._T = np.append(np.cumsum(L[::-1])[::-1], 0.0)

    # ------------------------------------------------------------------ columns
    @property
    def max_age(self) -> int:
        """Last age of the table (years); nobody survives to ``max_age + 1``."""
        return self.min_age + self._q.size - 1

    @property
    def ages(self) -> np.ndarray:
        """Integer ages ``min_age .. max_age``."""
        return np.arange(self.min_age, self.max_age + 1)

    @property
    def qx(self) -> np.ndarray:
        """One-year death probabilities used (``q = 1`` at the last age)."""
        return self._q

    @property
    def px(self) -> np.ndarray:
        """One-year survival probabilities ``1 - q_x``."""
        return 1.0 - self._q

    @property
    def lx(self) -> np.ndarray:
        """Survivors ``l_x`` at exact ages ``min_age .. max_age`` (``l_{min_age}`` = radix)."""
        return self.radix * self._l[:-1]

    @property
    def dx(self) -> np.ndarray:
        """Deaths ``d_x = l_x - l_{x+1}`` between ages x and x+1."""
        return self.radix * (self._l[:-1] - self._l[1:])

    @property
    def Lx(self) -> np.ndarray:
        """Person-years lived between ages x and x+1 under UDD: ``(l_x + l_{x+1}) / 2``."""
        return self.radix * 0.5 * (self._l[:-1] + self._l[1:])

    def __len__(self) -> int:
        return self._q.size

    def __repr__(self) -> str:
        label = f", source={self.source!r}" if self.source else ""
        return f"LifeTable(ages {self.min_age}..{self.max_age}{label})"

    # ------------------------------------------------------------------ helpers
    def _index(self, age: Any, field: str = "age") -> np.ndarray:
        """Validate integer age(s) inside the table and with survivors; return offsets."""
        a = np.asarray(age)
        if a.dtype.kind not in "iuf" or not np.all(np.isfinite(a)) or np.any(a != np.round(a)):
            raise TableError(
                "age must be a whole number of years", source=self.source, field=field,
                value=age, expected="an integer age",
            )
        k = a.astype(np.int64) - self.min_age
        outside = (k < 0) | (k > self._q.size - 1)
        if np.any(outside):
            raise TableError(
                "age outside the table", source=self.source, field=field, value=age,
                expected=f"an age in {self.min_age}..{self.max_age}",
            )
        if np.any(self._l[k] <= 0.0):
            raise TableError(
                "no survivors at this age (an earlier q equals 1)", source=self.source,
                field=field, value=age, expected="an age with l_x > 0",
            )
        return k

    def _offset(self, age: Any) -> int:
        """Offset of one scalar age in the table."""
        k = self._index(age)
        if k.ndim != 0:
            raise TableError(
                "expected one age", source=self.source, field="age", value=age,
                expected="a scalar integer age",
            )
        return int(k)

    # ------------------------------------------------------------------ survival
    def tpx(self, age: int, t: float | np.ndarray) -> float | np.ndarray:
        """Probability that a life aged ``age`` survives ``t`` more years.

        Integer ``t`` uses the table directly; fractional ``t`` uses UDD in the year
        of age reached: ``(k+s) p_x = k p_x (1 - s q_{x+k})``. Zero beyond the table.

        Parameters
        ----------
        age
            Integer age in years.
        t
            Duration(s) in years, ``t >= 0`` (scalar or array).
        """
        k0 = self._offset(age)
        return self._survival(k0, t)

    def tqx(self, age: int, t: float | np.ndarray) -> float | np.ndarray:
        """Probability that a life aged ``age`` dies within ``t`` years (``1 - t p_x``)."""
        return 1.0 - self.tpx(age, t)

    def _survival(self, k0: int, t: Any) -> float | np.ndarray:
        """``t p_x`` for the age at offset ``k0``; see :meth:`tpx`."""
        tt = np.asarray(t, dtype=np.float64)
        if not np.all(np.isfinite(tt)) or np.any(tt < 0):
            raise TableError(
                "duration must be finite and >= 0", source=self.source, field="t",
                value=t, expected="t >= 0 (years)",
            )
        whole = np.floor(tt)
        frac = tt - whole
        n_left = self._q.size - k0  # years until everyone is dead
        kk = np.minimum(whole, n_left).astype(np.int64)
        # l over ages from offset k0 with one trailing zero (closure) and a pad
        l_rel = np.append(self._l[k0:], 0.0) / self._l[k0]
        q_pad = np.append(self._q[k0:], [1.0, 1.0])
        out = l_rel[kk] * (1.0 - frac * q_pad[kk])
        return float(out) if out.ndim == 0 else out

    def survival_curve(self, age: int, m: int = 1) -> np.ndarray:
        """``t p_x`` on the grid ``t = j/m``, ``j = 0 .. m (max_age + 1 - age)`` (UDD)."""
        k0 = self._offset(age)
        m = _check_int(m, "m", minimum=1)
        n = self._q.size - k0
        j = np.arange(n * m + 1)
        return self._grid_survival(k0, j, m)

    def _grid_survival(self, k0: int, j: np.ndarray, m: int) -> np.ndarray:
        """``t p_x`` at ``t = j/m`` computed in integers (no floor rounding issues)."""
        whole = j // m
        frac = (j % m) / m
        n_left = self._q.size - k0
        kk = np.minimum(whole, n_left)
        l_rel = np.append(self._l[k0:], 0.0) / self._l[k0]
        q_pad = np.append(self._q[k0:], [1.0, 1.0])
        return l_rel[kk] * (1.0 - frac * q_pad[kk])

    # ------------------------------------------------------------------ expectation
    def ex(self, age: int | np.ndarray, *, curtate: bool = False) -> float | np.ndarray:
        """Life expectancy in years at integer age(s).

        Complete expectation under UDD (default):
        ``e_x = sum_{y >= x} L_y / l_x`` with ``L_y = (l_y + l_{y+1}) / 2``, which on a
        closed table equals the curtate expectation plus one half.
        Curtate expectation (``curtate=True``): ``sum_{k >= 1} k p_x``, the expected
        number of whole years still to be lived.

        Parameters
        ----------
        age
            Integer age or array of integer ages in ``min_age .. max_age``.
        curtate
            Return the curtate instead of the complete expectation.
        """
        k = self._index(age)
        if curtate:
            out = self._l_tail[k + 1] / self._l[k]  # sum_{y > x} l_y / l_x
        else:
            out = self._T[k] / self._l[k]
        return float(out) if np.ndim(out) == 0 else out

    def curtate_ex(self, age: int | np.ndarray) -> float | np.ndarray:
        """Curtate life expectancy in years (see :meth:`ex`)."""
        return self.ex(age, curtate=True)

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame indexed by age.

        Columns: ``q``, ``p``, ``l``, ``d``, ``L``, ``T`` (person-years above the age,
        UDD), ``e`` (complete expectation, years), ``e_curtate`` (years; on a closed
        table under UDD it is ``e - 1/2``). Ages with no survivors show NaN
        expectations.
        """
        ages = self.ages
        L = self.Lx
        T = np.cumsum(L[::-1])[::-1]
        alive = self._l[:-1] > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            e = np.where(alive, T / np.where(alive, self.lx, 1.0), np.nan)
        e_curt = np.where(alive, e - 0.5, np.nan)
        return pd.DataFrame(
            {"q": self.qx, "p": self.px, "l": self.lx, "d": self.dx, "L": L, "T": T,
             "e": e, "e_curtate": e_curt},
            index=pd.Index(ages, name="age"),
        )

    # ------------------------------------------------------------------ annuities
    def annuity_due(self, age: int, rate: float | Discount, *, n: int | None = None,
                    defer: int = 0, m: int = 1, method: str = "exact_udd") -> float:
        """Life annuity-due ``defer|ä^(m)_{x:n}`` of 1 a year (see
        :func:`actuary.life.annuities.annuity_due`): ``1/m`` at the start of each
        ``1/m`` of a year while alive; ``rate`` is an annual effective rate or a
        :class:`~actuary.life.annuities.Discount`; ``method`` is ``"exact_udd"`` or
        ``"woolhouse2"``."""
        return _ann.annuity_due(self, age, rate, n=n, defer=defer, m=m, method=method)

    def annuity_immediate(self, age: int, rate: float | Discount, *, n: int | None = None,
                          defer: int = 0, m: int = 1, method: str = "exact_udd") -> float:
        """Life annuity-immediate ``defer|a^(m)_{x:n}`` of 1 a year (payments at the end
        of each ``1/m`` of a year); see :func:`actuary.life.annuities.annuity_immediate`."""
        return _ann.annuity_immediate(self, age, rate, n=n, defer=defer, m=m, method=method)

    def insurance(self, age: int, rate: float | Discount, *, n: int | None = None,
                  defer: int = 0) -> float:
        """Whole-life ``A_x`` (or term ``A^1_{x:n}``) insurance of 1 paid at the end of the
        year of death; see :func:`actuary.life.annuities.insurance`."""
        return _ann.insurance(self, age, rate, n=n, defer=defer)

    def endowment(self, age: int, n: int, rate: float | Discount) -> float:
        """Endowment insurance ``A_{x:n}`` (term insurance plus pure endowment)."""
        return _ann.endowment(self, age, n, rate)

    def pure_endowment(self, age: int, n: int, rate: float | Discount) -> float:
        """Pure endowment ``nE_x = v(n) n p_x``."""
        return _ann.pure_endowment(self, age, n, rate)

    def commutation(self, i: float) -> pd.DataFrame:
        """Commutation columns ``D, N, C, M`` at constant rate ``i``; see
        :func:`actuary.life.annuities.commutation_columns`."""
        return _ann.commutation_columns(self, i)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def by_sex(
        cls,
        q_sex_age: Mapping[str, Any] | np.ndarray,
        min_age: int = 0,
        *,
        sexes: Sequence[str] = ("male", "female"),
        source: str | None = None,
    ) -> dict[str, LifeTable]:
        """One table per sex.

        Parameters
        ----------
        q_sex_age
            A mapping ``{sex: q by age}``, or a 2-D array ``q[sex, age]`` whose rows
            are named by ``sexes`` in order.
        min_age
            Age of the first column (years).
        sexes
            Names of the rows of a 2-D array (default ``("male", "female")``).
        """
        if isinstance(q_sex_age, Mapping):
            items = list(q_sex_age.items())
        else:
            q = np.asarray(q_sex_age, dtype=np.float64)
            if q.ndim != 2 or q.shape[0] != len(sexes):
                raise TableError(
                    "per-sex death probabilities must be a 2-D array q[sex, age]",
                    source=source, field="q_sex_age", value=f"shape {q.shape}",
                    expected=f"shape ({len(sexes)}, number of ages) for sexes {tuple(sexes)}",
                )
            items = list(zip(sexes, q))
        out = {}
        for sex, q_row in items:
            label = f"{source} [{sex}]" if source else f"[{sex}]"
            out[str(sex)] = cls(q_row, min_age, source=label)
        return out

    @classmethod
    def from_period(
        cls,
        q_year_age: np.ndarray,
        years: Sequence[int] | np.ndarray,
        year: int,
        min_age: int = 0,
        *,
        source: str | None = None,
    ) -> LifeTable:
        """Period table of calendar ``year`` from ``q[year, age]``.

        Parameters
        ----------
        q_year_age
            2-D array of one-year death probabilities; row ``r`` is calendar year
            ``years[r]``, column ``c`` is age ``min_age + c``.
        years
            Calendar years of the rows: consecutive integers, increasing.
        year
            The calendar year wanted; must be one of ``years``.
        """
        q, y = _check_year_age(q_year_age, years, source)
        year = _check_int(year, "year")
        if not (y[0] <= year <= y[-1]):
            raise TableError(
                "calendar year outside the table", source=source, field="year", value=year,
                expected=f"a year in {y[0]}..{y[-1]}",
            )
        return cls(q[year - y[0]], min_age, source=_label(source, f"period {year}"))

    @classmethod
    def cohort(
        cls,
        q_year_age: np.ndarray,
        years: Sequence[int] | np.ndarray,
        birth_year: int | None = None,
        *,
        age: int | None = None,
        year: int | None = None,
        min_age: int = 0,
        source: str | None = None,
    ) -> LifeTable:
        """Cohort (generation) table read along the diagonals of ``q[year, age]``.

        Give either ``birth_year`` or both ``age`` and ``year``:

        - ``birth_year=b``: a table on the same ages as the array
          (``min_age ..``), with ``q_x`` taken from calendar year ``b + x``.
        - ``age=x0, year=y0``: the cohort aged ``x0`` in ``y0``; the table starts at
          age ``x0`` and ``q_{x0+k}`` is taken from calendar year ``y0 + k``.

        Calendar years after the last row use the last row (mortality held at the
        last projected year); years before the first row use the first row. Ages
        whose calendar year is inside the array are therefore exact.

        Parameters
        ----------
        q_year_age, years, min_age
            As :meth:`from_period`.
        """
        q, y = _check_year_age(q_year_age, years, source)
        n_ages = q.shape[1]
        if birth_year is not None:
            if age is not None or year is not None:
                raise TableError(
                    "give either birth_year or age and year, not both", source=source,
                    field="birth_year", value=birth_year, expected="one way to name the cohort",
                )
            b = _check_int(birth_year, "birth_year")
            first_age = _check_int(min_age, "min_age", minimum=0)
            first_year = b + first_age
            label = f"cohort born {b}"
        else:
            if age is None or year is None:
                raise TableError(
                    "a cohort needs birth_year, or both age and year", source=source,
                    field="age/year", value=(age, year), expected="birth_year=..., or age=..., year=...",
                )
            first_age = _check_int(age, "age")
            first_year = _check_int(year, "year")
            if not (min_age <= first_age < min_age + n_ages):
                raise TableError(
                    "cohort age outside the table", source=source, field="age", value=age,
                    expected=f"an age in {min_age}..{min_age + n_ages - 1}",
                )
            label = f"cohort aged {first_age} in {first_year}"
        cols = np.arange(first_age - min_age, n_ages)
        rows = np.clip(first_year + (cols - cols[0]) - y[0], 0, y.size - 1)
        return cls(q[rows, cols], first_age, source=_label(source, label))


def _label(source: str | None, what: str) -> str:
    return f"{source} ({what})" if source else what


def _check_year_age(q_year_age: Any, years: Any, source: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Validate a ``q[year, age]`` array and its consecutive calendar years."""
    q = np.asarray(q_year_age, dtype=np.float64)
    if q.ndim != 2 or q.shape[0] == 0 or q.shape[1] == 0:
        raise TableError(
            "death probabilities by year and age must be a non-empty 2-D array",
            source=source, field="q_year_age", value=f"shape {q.shape}",
            expected="shape (number of years, number of ages)",
        )
    y = np.asarray(years)
    if y.ndim != 1 or y.size != q.shape[0]:
        raise TableError(
            "one calendar year is needed per row", source=source, field="years",
            value=f"{y.size} years for {q.shape[0]} rows", expected=f"{q.shape[0]} years",
        )
    if y.dtype.kind not in "iuf" or np.any(y != np.round(y)) or np.any(np.diff(y) != 1):
        raise TableError(
            "calendar years must be consecutive whole years", source=source, field="years",
            value=f"{y[:5].tolist()}...", expected="increasing by 1 each row",
        )
    return q, y.astype(np.int64)
