"""Behaviour of the self-employed: take-up that answers the contribution asked and the
subsidy offered, and contribution density as a distribution
(:mod:`actuary.schemes.self_employed` runs a design with them).

Take-up
-------
The eligible are the frame's self-employed at the covered ages (``frame.coverage.
self_employed``: the sector times its age profile, :mod:`actuary.frame.labour`), ``E_t``
on 1 January. What a member is asked is the *net contribution rate relative to income*

    ``n_t = c_t (1 - s_t) d``,

with ``c_t`` the contribution rate on the declared income (time-weighted average of the
year), ``s_t`` the share of it the budget pays (``budget_contribution_share``, the
subsidy) and ``d`` the declared income as a share of the actual income. The share of the
eligible who would contribute if it were asked for long enough is logistic in it:

    ``e_t = m / (1 + exp(k (n_t - h)))``

(``m`` the take-up at no cost, ``h`` the net rate at which it is half of ``m``, ``k`` the
steepness, per unit of rate). Take-up moves towards it by a share ``a`` of the distance
each year (partial adjustment: people learn of the scheme, decide, and lapse, over years):

    ``u_{t+1} = u_t + a (e_t - u_t)``, ``u_0 = members on the valuation date / E_0``,

and the contributors on 1 January are ``u_t E_t``. A dearer contribution or a smaller
subsidy lowers ``e_t`` and so the path; the speed ``a`` decides how soon. The four
parameters are placeholders (no Cambodian study of the take-up of voluntary pension
schemes was found): every one is labelled unverified and the design's report shows the
take-up with each halved and increased by half.

Contribution density
--------------------
The share of the year a member contributes varies between members and persists: it is
a beta distribution with parameters ``alpha`` and ``beta`` (mean ``alpha / (alpha +
beta)``), cut into equal bands of the density (``bands``, 5 by default: 0-20%, ...,
80-100%). Each band holds the share of members the distribution gives it and contributes
at the band's mean density (the conditional mean of the beta in the band). A member stays
in her band all her career (no one moves between bands: an approximation that widens the
spread of careers), and entrants split like the members.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import beta as beta_dist

from actuary.assumptions.base import Status, Strict, Text
from actuary.assumptions.models import Constant

__all__ = ["TakeUp", "DensityBands", "SelfEmployedDesign", "Bands", "net_rate",
           "equilibrium_take_up", "take_up_path", "density_bands"]


class TakeUp(Strict):
    """The take-up model's parameters (see the module docstring)."""

    maximum: Constant  # m, fraction of the eligible
    half_rate: Constant  # h, net contribution rate (fraction of income)
    steepness: Constant  # k, per unit of net rate
    adjustment: Constant  # a, fraction of the distance covered a year
    declared_share: Constant  # d, declared income / actual income


class DensityBands(Strict):
    """The beta distribution of contribution density and its bands."""

    alpha: Constant
    beta: Constant
    bands: int = 5


class SelfEmployedDesign(Strict):
    """A self-employed design file: a base set and the behaviour of its members."""

    name: Text
    description: Text
    design: str
    base: Text
    reference: Text
    status: Status
    note: str | None = None
    take_up: TakeUp
    density: DensityBands


@dataclass(frozen=True)
class Bands:
    """Density bands: ``low``, ``high`` (band edges), ``share`` (of members, summing to 1)
    and ``density`` (the band's mean density)."""

    low: np.ndarray
    high: np.ndarray
    share: np.ndarray
    density: np.ndarray

    @property
    def mean(self) -> float:
        """The distribution's mean density (``sum share x density``)."""
        return float(np.sum(self.share * self.density))


def net_rate(contribution: np.ndarray, subsidy: np.ndarray, declared_share: float) -> np.ndarray:
    """``n_t = c_t (1 - s_t) d``: the member's net contribution, share of actual income."""
    return (np.asarray(contribution, dtype=float) * (1.0 - np.asarray(subsidy, dtype=float))
            * float(declared_share))


def equilibrium_take_up(net: np.ndarray, maximum: float, half_rate: float,
                        steepness: float) -> np.ndarray:
    """``e = m / (1 + exp(k (n - h)))`` (see the module docstring)."""
    from scipy.special import expit

    return float(maximum) * expit(-float(steepness) * (np.asarray(net, dtype=float) - half_rate))


def take_up_path(start: float, equilibrium: np.ndarray, adjustment: float) -> np.ndarray:
    """``u_0 = start``, ``u_{t+1} = u_t + a (e_t - u_t)``: ``T + 1`` shares on 1 January
    for ``T`` yearly equilibria."""
    e = np.asarray(equilibrium, dtype=float)
    u = np.empty(e.shape[0] + 1)
    u[0] = start
    for t in range(e.shape[0]):
        u[t + 1] = u[t] + adjustment * (e[t] - u[t])
    return u


def density_bands(alpha: float, beta: float, n: int = 5) -> Bands:
    """Equal bands of density from 0 to 1, the beta's probability in each and its mean
    there (``E[X | low <= X < high] = (a / (a + b)) (F_{a+1,b}(high) - F_{a+1,b}(low)) /
    (F_{a,b}(high) - F_{a,b}(low))``, the identity ``x f_{a,b}(x) = (a / (a + b))
    f_{a+1,b}(x)``)."""
    edges = np.linspace(0.0, 1.0, int(n) + 1)
    low, high = edges[:-1], edges[1:]
    cdf = beta_dist(alpha, beta).cdf
    cdf1 = beta_dist(alpha + 1.0, beta).cdf
    share = cdf(high) - cdf(low)
    mean = alpha / (alpha + beta)
    density = np.divide(mean * (cdf1(high) - cdf1(low)), share,
                        out=0.5 * (low + high), where=share > 0)
    return Bands(low=low, high=high, share=share, density=density)
