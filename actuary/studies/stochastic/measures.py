"""The valuation's indicators for a batch of scenarios at once.

The definitions are those of :mod:`actuary.analysis.indicators` (mid-year cash flows, the
reserve earning on the opening balance and half the net cash flow, GAP with
administrative expenses as a share of contributions, the Trustees' actuarial balance,
depletion as the first year-end reserve below zero), written over a leading scenario
axis: ``[n, T]`` arrays in place of ``[T]``. The tests check them against the one-scenario
functions to 1e-12.

Rate paths: the held-rate path differs from the legislated schedule only in the rate.
Contributions are the rate times the contributory earnings of the year, so they scale
exactly with ``held_t / legislated_t``; nothing else in a projection depends on the rate
but the refunds (under a career-average reference wage), which are the contributions
paid, at the rates of the years they were paid: scaled here by the factor of the year
of the refund, an approximation for refunds of contributions paid in earlier years at
other factors (on the default set, 7e-5 of a year's expenditure at most; under the
final-salary rule the grants in place of refunds do not depend on the rate). The tests
check this against a projection of the held-rate basis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actuary.io.errors import ActuaryError

__all__ = ["Flows", "reserve_paths", "gap", "actuarial_balance", "first_negative",
           "with_rate_factor"]


@dataclass(frozen=True)
class Flows:
    """Cash flows of ``n`` scenarios over ``T`` years (KHR; rates as fractions).

    ``earnings`` S, ``contributions`` C, ``benefits`` (all benefits, refunds included),
    ``refunds`` (the part that scales with the rate), ``interest`` i: ``[n, T]``.
    ``admin_rate`` and ``collection``: ``[T]`` (the same in every scenario).
    """

    earnings: np.ndarray
    contributions: np.ndarray
    benefits: np.ndarray
    refunds: np.ndarray
    interest: np.ndarray
    admin_rate: np.ndarray
    collection: np.ndarray
    reserve0: float

    @property
    def expenditure(self) -> np.ndarray:
        """Benefits plus administrative expenses (a share of contributions)."""
        return self.benefits + self.admin_rate[None, :] * self.contributions


def with_rate_factor(flows: Flows, factor: np.ndarray, refunds_scale: bool) -> Flows:
    """The flows under a rate path ``factor [T]`` times the legislated one (see the
    module docstring); ``refunds_scale`` False under the final-salary rule."""
    c = flows.contributions * factor[None, :]
    rf = flows.refunds * factor[None, :] if refunds_scale else flows.refunds
    return Flows(flows.earnings, c, flows.benefits - flows.refunds + rf, rf, flows.interest,
                 flows.admin_rate, flows.collection, flows.reserve0)


def rate_factor(legislated: np.ndarray, other: np.ndarray) -> np.ndarray:
    """``other / legislated`` year by year (1 where both are 0)."""
    if np.any((legislated == 0) & (other != 0)):
        year = int(np.flatnonzero((legislated == 0) & (other != 0))[0])
        raise ActuaryError("a rate path with contributions in a year without legislated "
                           "contributions cannot be derived from the projection",
                           location=f"projection year {year + 1}", value=float(other[year]),
                           expected="a legislated rate above 0 wherever the other path has one")
    return np.divide(other, legislated, out=np.ones_like(other), where=legislated != 0)


def reserve_paths(reserve0: float, contributions: np.ndarray, expenditure: np.ndarray,
                  interest: np.ndarray) -> np.ndarray:
    """End-of-year reserves ``[n, T]`` (:func:`actuary.analysis.indicators.reserve_path`)."""
    n, T = contributions.shape
    out = np.empty((n, T))
    f = np.full(n, float(reserve0))
    for t in range(T):
        net = contributions[:, t] - expenditure[:, t]
        f = f + net + interest[:, t] * (f + 0.5 * net)
        out[:, t] = f
    return out


def _discount(interest: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    v = np.cumprod(1.0 / (1.0 + interest), axis=1)
    return v, v * (1.0 + 0.5 * interest)


def gap(flows: Flows, years: int) -> np.ndarray:
    """GAP over ``years`` for each scenario (reserve target 0)."""
    n = int(years)
    v, u = _discount(flows.interest[:, :n])
    s = flows.earnings[:, :n] * flows.collection[None, :n]
    a = flows.admin_rate[None, :n]
    return (np.sum(u * flows.benefits[:, :n], axis=1) - flows.reserve0) \
        / np.sum(u * s * (1 - a), axis=1)


def actuarial_balance(flows: Flows, years: int = 75) -> np.ndarray:
    """Actuarial balance over ``years`` (needs ``years + 1`` projected years)."""
    n = int(years)
    v, u = _discount(flows.interest[:, : n + 1])
    b = flows.expenditure
    income = flows.reserve0 + np.sum(u[:, :n] * flows.contributions[:, :n], axis=1)
    cost = np.sum(u[:, :n] * b[:, :n], axis=1) + v[:, n - 1] * b[:, n]
    return (income - cost) / np.sum(u[:, :n] * flows.earnings[:, :n], axis=1)


def first_negative(reserves: np.ndarray) -> np.ndarray:
    """Index of the first year-end reserve below zero in each row (-1: none)."""
    neg = reserves < 0
    return np.where(neg.any(axis=1), np.argmax(neg, axis=1), -1)
