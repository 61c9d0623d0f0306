"""Tier 0 across the distribution of contributory pensions, and the elderly covered by
each tier and by none (:mod:`actuary.schemes.tiers`).

The pension test
----------------
A pension-tested social pension pays ``max(0, b - w P)`` to a person with contributory
pension ``P`` (KHR a year; ``b`` the benefit, ``w`` the withdrawal rate). Tested on the
*average* pension of a cell it is wrong twice: a cell whose average is above the
threshold ``K = b / w`` still holds people below it, who are paid. The cohort engine
gives only the average pension of each sex and age, so within a cell pensions are taken
as lognormal around that average ``m`` with a standard deviation ``sigma`` of log
pensions (the design's ``pension_dispersion``, by default the tier-1 set's wage
dispersion: pensions follow the wages they were earned on). Then, with
``d1 = (ln(m / K) + sigma^2 / 2) / sigma`` and ``d2 = d1 - sigma``:

* the average benefit per pensioner ``E[max(0, b - w P)] = w (K Phi(-d2) - m Phi(-d1))``
  (the expectation of a put on a lognormal, as in Black and Scholes);
* the share of pensioners paid ``P(P < K) = Phi(-d2)``.

With ``sigma = 0`` both fall back to the average test. The tier-1 pensioners of a cell
are the old-age, invalidity and survivors' pensioners of that sex and age (survivors'
pensions count as income; a person with two pensions is counted twice, an
overstatement of the covered capped at the cell's population). Their tier-2 annuity, when
the design has one, is the cell's average tier-2 annuity (``M / N`` of
:mod:`actuary.schemes.accounts`) added to the mean: tier-2 annuitants are taken to be the
tier-1 pensioners of the cell (those who retired with a refund in tier 1 and an annuity
in tier 2, about 1% of retirements, are counted with the tier-1 pensioners).

Coverage
--------
People aged ``age`` and over on 1 January (the national population of the frame), by
sex: covered by tier 1 (a contributory pension), by tier 2 (an annuity), by tier 0 (a
social pension above 0: everybody under a universal test, the eligible share of those
without a contributory pension under a means test, and those below the threshold under
the pension test) and by none of them.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

__all__ = ["benefit_after_test", "share_below", "social_pension_cells"]


def _d1(mean: np.ndarray, threshold: np.ndarray, sigma: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.log(mean / threshold) + 0.5 * sigma * sigma) / sigma


def benefit_after_test(benefit: np.ndarray, withdrawal: np.ndarray, mean: np.ndarray,
                   sigma: float) -> np.ndarray:
    """``E[max(0, b - w P)]`` for ``P`` lognormal with mean ``mean`` and log standard
    deviation ``sigma`` (KHR a year; arrays broadcast). See the module docstring."""
    b, w, m = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in
                                    (benefit, withdrawal, mean)))
    if sigma <= 0:
        return np.maximum(b - w * m, 0.0)
    ok = (w > 0) & (m > 0) & (b > 0)
    # where not ok: no withdrawal or no pension gives the whole benefit, no benefit 0
    K = np.divide(b, w, out=np.ones_like(b), where=ok)
    d1 = _d1(np.where(ok, m, 1.0), K, sigma)
    put = K * norm.cdf(-(d1 - sigma)) - m * norm.cdf(-d1)
    return np.where(ok, w * put, np.maximum(b, 0.0))


def share_below(benefit: np.ndarray, withdrawal: np.ndarray, mean: np.ndarray,
                sigma: float) -> np.ndarray:
    """Share of pensioners paid some social pension, ``P(P < b / w)`` (see the module
    docstring; 1 without withdrawal, 0 without a benefit)."""
    b, w, m = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in
                                    (benefit, withdrawal, mean)))
    ok = (w > 0) & (m > 0) & (b > 0)
    K = np.divide(b, w, out=np.ones_like(b), where=ok)
    if sigma <= 0:
        below = (m < K).astype(float)
    else:
        below = norm.cdf(-(_d1(np.where(ok, m, 1.0), K, sigma) - sigma))
    return np.where(b > 0, np.where(ok, below, 1.0), 0.0)


def social_pension_cells(population: np.ndarray, pensioners: np.ndarray,
                         pension_mass: np.ndarray, benefit: np.ndarray, test: str,
                         sigma: float = 0.0, eligible_share: np.ndarray | None = None,
                         withdrawal: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Tier-0 cost and recipients by year and sex.

    Parameters
    ----------
    population, pensioners, pension_mass
        ``[T, 2, A]``: people of the ages concerned (1 January), those with a
        contributory pension, and their pensions (tier 1 plus tier 2, KHR a year).
    benefit, eligible_share, withdrawal
        ``[T]``: the social pension (KHR a year), the means-tested share, the withdrawal
        rate of the pension test.
    test
        ``universal``, ``means_tested`` or ``pension_tested``.

    Returns
    -------
    dict
        ``[T, 2]``: ``cost`` (KHR), ``recipients`` (people paid a social pension above 0),
        ``pensioners`` (with a contributory pension, capped at the population of each
        cell) and ``without_any`` (neither a contributory nor a social pension).
    """
    n = np.asarray(population, dtype=float)
    p = np.minimum(np.asarray(pensioners, dtype=float), n)
    mass = np.asarray(pension_mass, dtype=float)
    b = np.asarray(benefit, dtype=float)[:, None, None] * np.ones_like(n)
    others = n - p  # no contributory pension
    paid_others = others * (b > 0)
    if test == "universal":
        recipients = n * (b > 0)
        cost = n * b
    elif test == "means_tested":
        share = np.asarray(eligible_share, dtype=float)[:, None, None]
        # a wage record keeps a pensioner out of the means test (as for model careers)
        paid_others = share * paid_others
        recipients = paid_others
        cost = recipients * b
    else:
        w = np.asarray(withdrawal, dtype=float)[:, None, None] * np.ones_like(n)
        mean = np.divide(mass, np.asarray(pensioners, dtype=float),
                         out=np.zeros_like(mass), where=np.asarray(pensioners) > 0)
        recipients = paid_others + p * share_below(b, w, mean, sigma)
        cost = others * b + p * benefit_after_test(b, w, mean, sigma)
    return {"cost": cost.sum(axis=2), "recipients": recipients.sum(axis=2),
            "pensioners": p.sum(axis=2), "without_any": (others - paid_others).sum(axis=2)}
