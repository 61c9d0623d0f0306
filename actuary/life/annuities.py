"""Life annuities and insurances on integer ages, for one life or two independent lives.

Conventions
-----------
- Time ``t`` is in years from the valuation date, when the life (or each life of a
  pair) has the integer age given.
- ``rate`` is either a float, the annual effective interest rate ``i`` (a fraction,
  ``i > -1``), discounting by ``v(t) = (1 + i)^-t``; or a :class:`Discount`, a term
  structure built from one-year discount factors, annual forward rates or annual
  spot rates.
- Annuities pay 1 a year in total: ``1/m`` at each of ``m`` dates a year.
  *Due* (``ä``) pays at the start of each period, at ``t = j/m`` for
  ``defer <= t < defer + n``; *immediate* (``a``) pays at the end, at
  ``defer < t <= defer + n``. ``n=None`` means for life.
- Survival at fractional durations assumes uniform distribution of deaths within
  each year of age (UDD), for each life separately; two lives are independent.
- Insurances pay 1 at the end of the year of death (``A``).

Methods for ``m`` payments a year (``method=``):

``"exact_udd"``
    The sum over every payment date of ``(1/m) v(t) S(t)`` with ``S`` the survival
    probability of the status at ``t`` under UDD. Exact under the stated assumptions,
    for any discount curve.
``"woolhouse2"``
    Two-term Woolhouse formula, the usual "traditional" approximation:
    ``ä^(m) = ä - (m-1)/(2m) (v(a) S(a) - v(b) S(b))`` for payments over ``[a, b)``
    with ``ä`` the annual annuity-due over the same window; for a whole-life annuity
    this is ``ä_x - (m-1)/(2m)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import pandas as pd

from actuary.io.errors import AssumptionError

__all__ = [
    "Discount",
    "METHODS",
    "annuity_due",
    "annuity_immediate",
    "insurance",
    "endowment",
    "pure_endowment",
    "commutation_columns",
    "joint_life_annuity",
    "last_survivor_annuity",
    "reversionary_annuity",
]

METHODS = ("exact_udd", "woolhouse2")


class LifeTable(Protocol):
    """What the functions here read of a life table.

    :class:`actuary.life.lifetable.LifeTable` is one; it is named here by what it
    offers, not imported, because the life table imports this module for its
    methods (``LifeTable.annuity_due`` and the like): the dependency runs one way,
    lifetable -> annuities.
    """

    @property
    def ages(self) -> np.ndarray: ...

    @property
    def lx(self) -> np.ndarray: ...

    @property
    def dx(self) -> np.ndarray: ...

    def __len__(self) -> int: ...

    def _offset(self, age: int) -> int: ...

    def _grid_survival(self, k0: int, j: np.ndarray, m: int) -> np.ndarray: ...


# --------------------------------------------------------------------------- discounting
class Discount:
    """A discount function ``v(t)`` built from one-year discount factors.

    Parameters
    ----------
    one_year_factors
        ``v_k`` for ``k = 0, 1, ...``: the value at time ``k`` of 1 payable at time
        ``k + 1`` (so ``v_k = 1 / (1 + f_k)`` with ``f_k`` the annual effective
        forward rate for year ``k + 1``). Must be finite and > 0.

    Notes
    -----
    ``v(k) = v_0 v_1 ... v_{k-1}``. Within year ``k`` the forward force is constant:
    ``v(k + s) = v(k) v_k^s`` for ``0 <= s < 1``. Beyond the last factor given, the
    last one-year factor repeats (a flat forward curve).
    """

    def __init__(self, one_year_factors: Any) -> None:
        v = np.array(one_year_factors, dtype=np.float64, ndmin=1)
        if v.ndim != 1 or v.size == 0:
            raise AssumptionError(
                "one-year discount factors must be a non-empty 1-D array",
                field="one_year_factors", value=f"shape {v.shape}", expected="shape (years,)",
            )
        bad = ~np.isfinite(v) | (v <= 0.0)
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise AssumptionError(
                "discount factor not positive", location=f"year index {k}",
                field="one_year_factors", value=float(v[k]), expected="a finite factor > 0",
            )
        v.flags.writeable = False
        self.one_year_factors = v
        cum = np.empty(v.size + 1)
        cum[0] = 1.0
        np.cumprod(v, out=cum[1:])
        self._cum = cum  # v(k) for k = 0 .. len(v)

    @classmethod
    def constant(cls, i: float) -> Discount:
        """Flat curve at annual effective interest rate ``i``."""
        return cls([1.0 / (1.0 + _check_rate(i, "i"))])

    @classmethod
    def from_forward_rates(cls, forward: Any) -> Discount:
        """From annual effective forward rates ``f_k`` for years ``k + 1 = 1, 2, ...``."""
        f = np.array(forward, dtype=np.float64, ndmin=1)
        for k, fk in enumerate(f.ravel()):
            _check_rate(fk, "forward", location=f"year index {k}")
        return cls(1.0 / (1.0 + f))

    @classmethod
    def from_spot_rates(cls, spot: Any) -> Discount:
        """From annual effective spot rates ``s_n`` for maturities ``n = 1, 2, ...`` years.

        ``v(n) = (1 + s_n)^-n``; the one-year factors are ``v(k+1) / v(k)``.
        """
        s = np.array(spot, dtype=np.float64, ndmin=1)
        for k, sk in enumerate(s.ravel()):
            _check_rate(sk, "spot", location=f"maturity {k + 1}")
        n = np.arange(1, s.size + 1)
        cum = np.concatenate(([1.0], (1.0 + s) ** -n))
        return cls(cum[1:] / cum[:-1])

    @property
    def forward_rates(self) -> np.ndarray:
        """Annual effective forward rates ``f_k = 1 / v_k - 1``."""
        return 1.0 / self.one_year_factors - 1.0

    def __call__(self, t: Any) -> np.ndarray:
        """Discount factor ``v(t)`` for durations ``t >= 0`` in years (array)."""
        tt = np.asarray(t, dtype=np.float64)
        if not np.all(np.isfinite(tt)) or np.any(tt < 0):
            raise AssumptionError("discount time must be finite and >= 0", field="t",
                                  value=t, expected="t >= 0 (years)")
        k = np.floor(tt).astype(np.int64)
        s = tt - k
        last = self.one_year_factors.size
        inside = np.minimum(k, last)
        v_k = self.one_year_factors[np.minimum(k, last - 1)]
        tail = self.one_year_factors[-1] ** np.maximum(k - last, 0)
        return self._cum[inside] * tail * v_k**s

    def __repr__(self) -> str:
        return f"Discount({self.one_year_factors.size} one-year factors)"


def _check_rate(i: Any, field: str, location: str | None = None) -> float:
    """An annual effective rate must be a finite float > -1."""
    try:
        x = float(i)
    except (TypeError, ValueError) as exc:
        raise AssumptionError(
            "interest rate is not a number", field=field, value=i, location=location,
            expected="an annual effective rate > -1 (a fraction)",
        ) from exc
    if not np.isfinite(x) or x <= -1.0:
        raise AssumptionError(
            "interest rate out of range", field=field, value=i, location=location,
            expected="an annual effective rate > -1 (a fraction, 0.05 for 5%)",
        )
    return x


def _discount_function(rate: Any) -> Callable[[np.ndarray], np.ndarray]:
    """Turn ``rate`` (float or Discount) into ``v(t)``."""
    if isinstance(rate, Discount):
        return rate
    if isinstance(rate, (list, tuple)) or np.ndim(rate) > 0:
        raise AssumptionError(
            "an array of rates is ambiguous", field="rate", value=type(rate).__name__,
            expected="a float annual rate, or Discount.from_spot_rates / "
            "Discount.from_forward_rates / Discount(one_year_factors)",
        )
    i = _check_rate(rate, "rate")
    base = 1.0 + i
    return lambda t: base ** (-np.asarray(t, dtype=np.float64))


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise AssumptionError(
            "unknown method for m-thly annuities", field="method", value=method,
            expected=" or ".join(repr(m) for m in METHODS),
        )


def _check_whole(value: Any, field: str, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)):
        raise AssumptionError("expected a whole number", field=field, value=value,
                              expected=f"an int >= {minimum}")
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise AssumptionError("expected a whole number", field=field, value=value,
                              expected=f"an int >= {minimum}") from exc
    if not np.isfinite(x) or x != int(x) or x < minimum:
        raise AssumptionError("expected a whole number", field=field, value=value,
                              expected=f"an int >= {minimum}")
    return int(x)


# --------------------------------------------------------------------------- statuses
class _Status:
    """Survival of a status (one life, joint life, last survivor) on a 1/m grid.

    ``survival(j, m)`` is the probability that the status still holds at ``t = j/m``
    (integer array ``j``); ``horizon`` is a whole number of years after which it is 0.
    """

    def __init__(self, survival: Callable[[np.ndarray, int], np.ndarray], horizon: int):
        self.survival = survival
        self.horizon = horizon


def _single(table: LifeTable, age: int) -> _Status:
    k0 = table._offset(age)
    return _Status(lambda j, m: table._grid_survival(k0, j, m), len(table) - k0)


def _joint(tx: LifeTable, x: int, ty: LifeTable, y: int) -> _Status:
    sx, sy = _single(tx, x), _single(ty, y)
    return _Status(lambda j, m: sx.survival(j, m) * sy.survival(j, m),
                   min(sx.horizon, sy.horizon))


def _last_survivor(tx: LifeTable, x: int, ty: LifeTable, y: int) -> _Status:
    sx, sy = _single(tx, x), _single(ty, y)

    def surv(j: np.ndarray, m: int) -> np.ndarray:
        px, py = sx.survival(j, m), sy.survival(j, m)
        return px + py - px * py

    return _Status(surv, max(sx.horizon, sy.horizon))


# --------------------------------------------------------------------------- core sums
def _window(status: _Status, n: Any, defer: Any) -> tuple[int, int]:
    """Payment window ``[start, stop)`` in whole years, clipped to the horizon."""
    start = _check_whole(defer, "defer", 0)
    if n is None:
        stop = max(start, status.horizon)
    else:
        stop = start + _check_whole(n, "n", 0)
    return start, stop


def _value_due(status: _Status, v: Callable, start: int, stop: int, m: int) -> float:
    """Exact ``sum (1/m) v(j/m) S(j/m)`` for ``start*m <= j < stop*m`` (payments at start)."""
    stop_eff = min(stop, max(start, status.horizon))
    if stop_eff <= start:
        return 0.0
    j = np.arange(start * m, stop_eff * m)
    return float(np.sum(v(j / m) * status.survival(j, m)) / m)


def _value_immediate(status: _Status, v: Callable, start: int, stop: int, m: int) -> float:
    """Exact ``sum (1/m) v(j/m) S(j/m)`` for ``start*m < j <= stop*m`` (payments at end)."""
    stop_eff = min(stop, max(start, status.horizon))
    if stop_eff <= start:
        return 0.0
    j = np.arange(start * m + 1, stop_eff * m + 1)
    return float(np.sum(v(j / m) * status.survival(j, m)) / m)


def _endpoint_term(status: _Status, v: Callable, start: int, stop: int) -> float:
    """``v(start) S(start) - v(stop) S(stop)``: the first payment less the one after the last."""
    t = np.array([start, stop])
    vals = v(t.astype(np.float64)) * status.survival(t, 1)
    return float(vals[0] - vals[1])


def _annuity(status: _Status, rate: Any, n: Any, defer: Any, m: Any, method: str,
             due: bool) -> float:
    v = _discount_function(rate)
    m = _check_whole(m, "m", 1)
    _check_method(method)
    start, stop = _window(status, n, defer)
    if method == "exact_udd":
        if due:
            return _value_due(status, v, start, stop, m)
        return _value_immediate(status, v, start, stop, m)
    # woolhouse2: annual annuity-due over the same window, then the endpoint correction
    edge = _endpoint_term(status, v, start, stop)
    value = _value_due(status, v, start, stop, 1) - (m - 1) / (2 * m) * edge
    if not due:
        value -= edge / m  # immediate = due less the first payment plus the one after
    return value


def _insurance(status: _Status, rate: Any, n: Any, defer: Any) -> float:
    """``sum_{k} v(k+1) (S(k) - S(k+1))`` over years of the window: paid at end of year."""
    v = _discount_function(rate)
    start, stop = _window(status, n, defer)
    stop_eff = min(stop, max(start, status.horizon))
    if stop_eff <= start:
        return 0.0
    k = np.arange(start, stop_eff + 1)
    s = status.survival(k, 1)
    deaths = s[:-1] - s[1:]
    return float(np.sum(v(k[1:].astype(np.float64)) * deaths))


# --------------------------------------------------------------------------- one life
def annuity_due(table: LifeTable, age: int, rate: float | Discount, *, n: int | None = None,
                defer: int = 0, m: int = 1, method: str = "exact_udd") -> float:
    """Life annuity-due of 1 a year for a life aged ``age``: ``defer|ä^(m)_{x:n}``.

    Pays ``1/m`` at ``t = defer + j/m`` (years), ``j = 0 .. n m - 1``, while alive.

    Parameters
    ----------
    table
        The life table.
    age
        Integer age (years) at the valuation date.
    rate
        Annual effective interest rate (fraction) or a :class:`Discount`.
    n
        Term in whole years (``None``: for life).
    defer
        Deferment in whole years before the first payment.
    m
        Payments a year.
    method
        ``"exact_udd"`` or ``"woolhouse2"`` (see the module notes).

    Returns
    -------
    float
        Present value per 1 a year of annuity.
    """
    return _annuity(_single(table, age), rate, n, defer, m, method, due=True)


def annuity_immediate(table: LifeTable, age: int, rate: float | Discount, *,
                      n: int | None = None, defer: int = 0, m: int = 1,
                      method: str = "exact_udd") -> float:
    """Life annuity-immediate of 1 a year: pays ``1/m`` at ``defer + j/m``, ``j = 1 .. n m``.

    Same parameters as :func:`annuity_due`.
    """
    return _annuity(_single(table, age), rate, n, defer, m, method, due=False)


def insurance(table: LifeTable, age: int, rate: float | Discount, *, n: int | None = None,
              defer: int = 0) -> float:
    """Insurance of 1 paid at the end of the year of death: ``A_x``, term ``A^1_{x:n}``.

    Covers deaths in years ``defer .. defer + n - 1`` after the valuation date
    (``n=None``: for life).
    """
    return _insurance(_single(table, age), rate, n, defer)


def pure_endowment(table: LifeTable, age: int, n: int, rate: float | Discount) -> float:
    """``nE_x = v(n) n p_x``: 1 paid at time ``n`` (years) if the life is then alive."""
    n = _check_whole(n, "n", 0)
    v = _discount_function(rate)
    status = _single(table, age)
    return float(v(np.array(float(n))) * status.survival(np.array(n), 1))


def endowment(table: LifeTable, age: int, n: int, rate: float | Discount) -> float:
    """Endowment insurance ``A_{x:n} = A^1_{x:n} + nE_x``: 1 at the end of the year of
    death within ``n`` years, or 1 at time ``n`` on survival."""
    return insurance(table, age, rate, n=n) + pure_endowment(table, age, n, rate)


def commutation_columns(table: LifeTable, i: float) -> pd.DataFrame:
    """Commutation columns at a constant annual effective rate ``i``.

    ``D_x = v^x l_x``, ``N_x = sum_{y >= x} D_y``, ``C_x = v^(x+1) d_x``,
    ``M_x = sum_{y >= x} C_y``, with ``v = 1/(1+i)`` and ``x`` the actual age (years)
    and ``l`` on the table's radix. Then ``ä_x = N_x / D_x`` and ``A_x = M_x / D_x``.

    Returns
    -------
    pandas.DataFrame
        Indexed by age, columns ``l``, ``d``, ``D``, ``N``, ``C``, ``M``.
    """
    if isinstance(i, Discount):
        raise AssumptionError(
            "commutation columns need one constant rate", field="i", value=repr(i),
            expected="a float annual effective rate",
        )
    v = 1.0 / (1.0 + _check_rate(i, "i"))
    ages = table.ages.astype(np.float64)
    l, d = table.lx, table.dx
    D = v**ages * l
    C = v ** (ages + 1.0) * d
    N = np.cumsum(D[::-1])[::-1]
    M = np.cumsum(C[::-1])[::-1]
    return pd.DataFrame({"l": l, "d": d, "D": D, "N": N, "C": C, "M": M},
                        index=pd.Index(table.ages, name="age"))


# --------------------------------------------------------------------------- two lives
def joint_life_annuity(table_x: LifeTable, x: int, table_y: LifeTable, y: int,
                       rate: float | Discount, *, n: int | None = None, defer: int = 0,
                       m: int = 1, method: str = "exact_udd", due: bool = True) -> float:
    """Annuity while both of two independent lives survive: ``ä_xy`` (or ``a_xy``).

    ``t p_xy = t p_x  t p_y``, each life under UDD in its own table. Other parameters
    as :func:`annuity_due`; ``due=False`` gives the annuity-immediate.
    """
    return _annuity(_joint(table_x, x, table_y, y), rate, n, defer, m, method, due)


def last_survivor_annuity(table_x: LifeTable, x: int, table_y: LifeTable, y: int,
                          rate: float | Discount, *, n: int | None = None, defer: int = 0,
                          m: int = 1, method: str = "exact_udd", due: bool = True) -> float:
    """Annuity while at least one of two independent lives survives: ``ä_{\\bar{xy}}``.

    ``t p_{\\bar{xy}} = t p_x + t p_y - t p_x t p_y``; equals ``ä_x + ä_y - ä_xy``.
    """
    return _annuity(_last_survivor(table_x, x, table_y, y), rate, n, defer, m, method, due)


def reversionary_annuity(table_x: LifeTable, x: int, table_y: LifeTable, y: int,
                         rate: float | Discount, *, m: int = 1,
                         method: str = "exact_udd") -> float:
    """Reversionary annuity ``ä_{x|y}``: 1 a year to ``y`` after the death of ``x``.

    Valued as ``ä^(m)_y - ä^(m)_xy`` (payments of ``1/m`` at ``j/m`` while ``y`` is
    alive and ``x`` is dead), the survivor's-pension factor for a pensioner ``x``
    with spouse ``y``. Both terms use the same ``m`` and ``method``.
    """
    a_y = annuity_due(table_y, y, rate, m=m, method=method)
    a_xy = joint_life_annuity(table_x, x, table_y, y, rate, m=m, method=method)
    return a_y - a_xy

