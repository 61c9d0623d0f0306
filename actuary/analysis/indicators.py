"""Financial indicators of a projected scheme: one definition each (DESIGN §6).

Notation, for projection years t = 1..T (array index t-1):

* ``S_t`` insurable earnings, ``C_t`` contributions, ``B_t`` expenditure (benefits plus
  administrative expenses), ``i_t`` the nominal return, ``F_0`` the opening reserve.
* Cash flows are mid-year. Investment income is earned on the opening reserve and on
  half the net cash flow: ``I_t = i_t (F_{t-1} + (C_t - B_t) / 2)`` and
  ``F_t = F_{t-1} + C_t + I_t - B_t``.
* Discounting is consistent with that recursion: ``v_t = prod_{k<=t} 1/(1+i_k)`` values
  an amount at the end of year t, and ``u_t = v_t (1 + i_t / 2)`` (written
  ``v^(t-1/2)`` in the formulas) values a mid-year cash flow of year t. With this
  choice a reserve rolled forward at any rate is exactly the present value of its
  cash flows, so a GAP computed rate, applied, leaves the reserve at its target.

All money in KHR of each year (nominal); rates are fractions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "CashFlows",
    "reserve_path",
    "investment_income",
    "payg_cost_rate",
    "reserve_ratio",
    "discount_factors",
    "general_average_premium",
    "scaled_premiums",
    "depletion",
    "actuarial_balance",
    "steady_state_rate",
]


@dataclass(frozen=True)
class CashFlows:
    """The yearly series the indicators are computed from.

    Attributes
    ----------
    years
        Calendar years (length T).
    earnings
        ``S_t``, insurable earnings, KHR.
    contributions
        ``C_t`` under the legislated rates, KHR.
    expenditure
        ``B_t``, benefits plus administrative expenses, KHR.
    interest
        ``i_t``, nominal return on the reserve, fraction per year.
    reserve0
        ``F_0``, the reserve at the valuation date, KHR.
    admin_rate
        Administrative expenses as a share of contributions (used when a different
        contribution rate is tried: expenses move with contributions). Zero when the
        expenditure does not depend on contributions.
    benefits
        Benefits alone (``expenditure`` minus administrative expenses), KHR.
    collection
        Share of due contributions actually collected each year (1; 0.5 when
        contributions are suspended for six months). A trial rate ``pi`` brings in
        ``pi x collection_t x S_t``.
    """

    years: np.ndarray
    earnings: np.ndarray
    contributions: np.ndarray
    expenditure: np.ndarray
    interest: np.ndarray
    reserve0: float
    admin_rate: np.ndarray | None = None
    benefits: np.ndarray | None = None
    collection: np.ndarray | None = None

    @property
    def collected_earnings(self) -> np.ndarray:
        """``collection_t x S_t``: the earnings a contribution rate is actually paid on, KHR."""
        return self.earnings if self.collection is None else self.earnings * self.collection

    def with_rate(self, rate: float | np.ndarray) -> "CashFlows":
        """The same cash flows with contributions ``rate x collection_t x S_t`` (expenses
        re-scaled with contributions)."""
        c = np.broadcast_to(np.asarray(rate, dtype=float), self.earnings.shape) \
            * self.collected_earnings
        b = self.expenditure
        if self.admin_rate is not None and self.benefits is not None:
            b = self.benefits + self.admin_rate * c
        return CashFlows(self.years, self.earnings, c, b, self.interest, self.reserve0,
                         self.admin_rate, self.benefits, self.collection)


def reserve_path(reserve0: float, contributions: np.ndarray, expenditure: np.ndarray,
                 interest: np.ndarray) -> np.ndarray:
    """End-of-year reserves ``F_1..F_T`` (KHR) by the mid-year roll-forward above."""
    # Python floats: the same double arithmetic as numpy scalars, several times faster
    # in a loop (the root searches of the indicators run it hundreds of times).
    c = np.asarray(contributions, dtype=float).tolist()
    b = np.asarray(expenditure, dtype=float).tolist()
    i = np.asarray(interest, dtype=float).tolist()
    out = []
    f = float(reserve0)
    for t in range(len(c)):
        net = c[t] - b[t]
        f = f + net + i[t] * (f + 0.5 * net)
        out.append(f)
    return np.array(out, dtype=float)


def investment_income(reserve0: float, contributions: np.ndarray, expenditure: np.ndarray,
                      interest: np.ndarray) -> np.ndarray:
    """``I_t = i_t (F_{t-1} + (C_t - B_t)/2)``, KHR."""
    f = reserve_path(reserve0, contributions, expenditure, interest)
    opening = np.concatenate([[reserve0], f[:-1]])
    return np.asarray(interest) * (opening + 0.5 * (np.asarray(contributions) - expenditure))


def payg_cost_rate(expenditure: np.ndarray, earnings: np.ndarray) -> np.ndarray:
    """PAYG cost rate ``B_t / S_t`` (fraction of insurable earnings); NaN where S_t = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(earnings > 0, expenditure / earnings, np.nan)


def reserve_ratio(reserves: np.ndarray, expenditure: np.ndarray) -> np.ndarray:
    """Reserve ratio ``F_t / B_t``: end-of-year reserve in years of that year's expenditure."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expenditure > 0, reserves / expenditure, np.nan)


def discount_factors(interest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(v, u)``: end-of-year factors ``v_t`` and mid-year factors ``u_t = v_t (1 + i_t/2)``."""
    i = np.asarray(interest, dtype=float)
    v = np.cumprod(1.0 / (1.0 + i))
    return v, v * (1.0 + 0.5 * i)


def general_average_premium(cf: CashFlows, years: int, target: float = 0.0) -> float:
    """GAP over years 1..n: ``(sum u_t B_t - F_0 + v_n F_target) / sum u_t S_t``.

    The level contribution rate (fraction of insurable earnings) which, paid from year 1
    to n, leaves a reserve of ``target`` (KHR at the end of year n). When
    administrative expenses are a share ``a_t`` of contributions the rate is solved with
    them: ``pi = (sum u_t b_t - F_0 + v_n F) / sum u_t (1 - a_t) S_t`` with ``b_t`` the
    benefits alone. ``S_t`` counts only the earnings contributions are collected on (see
    :attr:`CashFlows.collection`).
    """
    n = _check_years(cf, years)
    v, u = discount_factors(cf.interest[:n])
    s = cf.collected_earnings[:n]
    if cf.admin_rate is not None and cf.benefits is not None:
        b = cf.benefits[:n]
        a = cf.admin_rate[:n]
        return float((np.sum(u * b) - cf.reserve0 + v[-1] * target) / np.sum(u * s * (1 - a)))
    b = cf.expenditure[:n]
    return float((np.sum(u * b) - cf.reserve0 + v[-1] * target) / np.sum(u * s))


def _check_years(cf: CashFlows, years: int) -> int:
    n = int(years)
    if n < 1 or n > cf.earnings.shape[0]:
        raise ValueError(f"horizon of {years} years outside 1..{cf.earnings.shape[0]}")
    return n


def _lowest_rate(func, lo: float = 0.0, hi: float = 1.0, tol: float = 1e-14) -> float:
    """The rate in [lo, hi] where a non-decreasing ``func`` crosses 0 (``lo`` when
    ``func(lo) >= 0``): Brent's method, :func:`scipy.optimize.brentq`, to ``tol``.

    NaN when even ``hi`` (100% of earnings by default) does not satisfy it.
    """
    f_lo = func(lo)
    if f_lo >= 0:
        return lo
    f_hi = func(hi)
    if f_hi < 0:
        return float("nan")
    if f_hi == 0:
        return hi
    # imported here: scipy.optimize (with the scipy.linalg, special, fft and sparse it
    # loads) takes ~0.3 s to import, paid only by a computation that finds a root
    from scipy import optimize

    return float(optimize.brentq(func, lo, hi, xtol=tol, rtol=4 * np.finfo(float).eps))


def scaled_premiums(cf: CashFlows, period: int = 10, periods: int | None = None) -> list[dict]:
    """Scaled premiums by periods of equilibrium.

    For each period of ``period`` years in turn, the lowest level contribution rate
    such that the reserve does not decrease in any year of the period (``F_t >= F_{t-1}``),
    given the rates already found for the earlier periods. Returns one dict a period:
    ``{"from": year, "to": year, "rate": fraction}``; the rate is NaN when even 100% of
    earnings lets the reserve fall in the period.

    Solved exactly, not searched: contributions are the rate times the collected
    earnings, expenses are proportional to contributions, and the roll-forward of
    :func:`reserve_path` is linear, so each year's change of the reserve
    ``g_t(pi) = F_t - F_{t-1}`` is affine in the period's rate ``pi``. Its values at 0 and
    at 100% give it whole, and the lowest rate is the largest of ``-g_t(0) / (g_t(1) -
    g_t(0))`` over the years where ``g_t(0) < 0`` (tested against Brent's method on
    ``min_t g_t``).
    """
    T = cf.earnings.shape[0]
    count = periods if periods is not None else T // period
    rates = np.zeros(T)
    out = []
    for k in range(count):
        a, b = k * period, min((k + 1) * period, T)
        if a >= T:
            break
        at_zero, at_one = (_reserve_changes(cf, rates, a, b, pi) for pi in (0.0, 1.0))
        if at_zero.min() >= 0.0:
            pi = 0.0
        elif at_one.min() < 0.0:
            pi = float("nan")
        else:
            falls = at_zero < 0.0  # there the change rises with the rate: g(1) >= 0 > g(0)
            pi = float(np.max(-at_zero[falls] / (at_one[falls] - at_zero[falls])))
        rates[a:b] = pi
        out.append({"from": int(cf.years[a]), "to": int(cf.years[b - 1]), "rate": pi})
    return out


def _reserve_changes(cf: CashFlows, rates: np.ndarray, a: int, b: int,
                     pi: float) -> np.ndarray:
    """``F_t - F_{t-1}`` (KHR) for the years ``a .. b - 1`` with the rate ``pi`` in them
    and ``rates`` before."""
    trial = rates.copy()
    trial[a:b] = pi
    f = reserve_path(cf.reserve0, *_cb(cf, trial), cf.interest)[:b]
    opening = np.concatenate([[cf.reserve0], f[:-1]])
    return f[a:b] - opening[a:b]


def _cb(cf: CashFlows, rates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    trial = cf.with_rate(rates)
    return trial.contributions, trial.expenditure


def depletion(cf: CashFlows) -> dict:
    """Depletion of the reserve under the legislated contributions.

    Returns ``{"year": first calendar year whose end-of-year reserve is negative (None if
    never), "payable_share": contributions over expenditure in that year (the share of
    benefits income could pay once the reserve is gone), "payable_share_path": that ratio
    for every year}``.
    """
    f = reserve_path(cf.reserve0, cf.contributions, cf.expenditure, cf.interest)
    share = np.where(cf.expenditure > 0, cf.contributions / np.where(cf.expenditure > 0,
                                                                      cf.expenditure, 1), np.nan)
    neg = np.nonzero(f < 0)[0]
    if neg.size == 0:
        return {"year": None, "payable_share": None, "payable_share_path": share}
    t = int(neg[0])
    return {"year": int(cf.years[t]), "payable_share": float(share[t]),
            "payable_share_path": share}


def actuarial_balance(cf: CashFlows, years: int = 75) -> float:
    """Actuarial balance over n years, as the US Social Security Trustees define it.

    Summarized income rate minus summarized cost rate, as fractions of the present value
    of insurable earnings: ``(F_0 + sum u C - sum u B - v_n B_{n+1}) / sum u S``, where
    the ending target fund is one year's expenditure (that of year n+1). Needs a
    projection of at least n+1 years.
    """
    n = _check_years(cf, years)
    if n + 1 > cf.earnings.shape[0]:
        raise ValueError(f"the actuarial balance over {n} years needs {n + 1} projected years")
    v, u = discount_factors(cf.interest[: n + 1])
    income = cf.reserve0 + np.sum(u[:n] * cf.contributions[:n])
    cost = np.sum(u[:n] * cf.expenditure[:n]) + v[n - 1] * cf.expenditure[n]
    return float((income - cost) / np.sum(u[:n] * cf.earnings[:n]))


def steady_state_rate(cf: CashFlows, first: int = 10, second: int = 60) -> float:
    """Steady-state contribution rate, as Canada's Chief Actuary defines it for the CPP.

    The lowest constant rate, paid from year 1, giving the same reserve ratio
    ``F_t / B_t`` in projection years ``first`` and ``second`` (10 and 60). Found by
    Brent's method on ``ratio_second - ratio_first`` over rates 0..100%.

    Returns NaN when no rate in 0..100% equalises the two ratios. That is the usual
    case for an immature scheme: its expenditure in year 10 is so small that any rate
    builds a far larger reserve ratio then than in year 60 (the definition was made
    for a mature scheme such as the CPP).
    """
    if second > cf.earnings.shape[0]:
        raise ValueError(f"the steady-state rate needs {second} projected years")

    def gap(pi: float) -> float:
        c, b = _cb(cf, np.full(cf.earnings.shape, pi))
        f = reserve_path(cf.reserve0, c, b, cf.interest)
        return f[second - 1] / b[second - 1] - f[first - 1] / b[first - 1]

    return _lowest_rate(gap)
