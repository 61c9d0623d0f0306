"""The scenario generator: correlated AR(1) processes around the basis's paths.

Every process is a deviation ``x_t`` from the basis, on calendar years
``first_year - 1 .. last`` with ``x = 0`` in ``first_year - 1`` (the year before the
valuation is taken as known):

``x_t = mu + phi_t (x_{t-1} - mu) + L_t e_t``

where ``e_t`` is a vector of independent standard normals, ``L_t`` the Cholesky factor
of the year's shock covariance ``D_t R_t D_t`` (volatilities ``D``, correlations ``R``)
and ``mu`` the scenario's long-run mean (``mean_sd`` times a standard normal drawn once;
zero when the mean is certain). Parameters come from the assumption set's
``stochastic`` section (:mod:`actuary.assumptions.stochastic`), one value a year.

Economic components (index 0, 1, 2): log(1 + price inflation), log(1 + real wage
growth), log(1 + nominal return), each the deviation from the basis's rate. Demographic
components (0..3): the total fertility rate (children per woman, additive), the log
multipliers of the force of mortality of men and of women, and the relative change of
net migration.

Random numbers: scenario ``i`` of a run with seed ``s`` draws from
``numpy.random.default_rng(SeedSequence(s, spawn_key=(i,)))`` (the ``i``-th child of
``SeedSequence(s).spawn``), always in the same order (economic shocks, economic means,
demographic shocks), so a scenario's numbers do not depend on which batch, thread or
worker computes it, nor on whether the demographic part is used.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from actuary.io.errors import AssumptionError

if TYPE_CHECKING:  # pragma: no cover
    from actuary.assumptions.models import AssumptionSet

__all__ = ["ProcessSpec", "economic_spec", "demographic_spec", "draw_normals", "simulate",
           "stationary_moments", "ECONOMIC", "DEMOGRAPHIC", "section"]

#: Names of the components, in order.
ECONOMIC = ("price_inflation", "real_wage_growth", "investment_return")
DEMOGRAPHIC = ("tfr", "mortality_M", "mortality_F", "migration")


@dataclass(frozen=True)
class ProcessSpec:
    """A vector AR(1) on ``Y`` calendar years ``first_year .. first_year + Y - 1``.

    Attributes
    ----------
    first_year
        Calendar year of the first value (the process is 0 the year before).
    phi
        ``[Y, k]`` autoregressive coefficient of each component each year.
    chol
        ``[Y, k, k]`` lower Cholesky factor of the year's shock covariance.
    mean_sd
        ``[k]`` standard deviation of the scenario's long-run mean (0: certain).
    names
        Component names.
    """

    first_year: int
    phi: np.ndarray
    chol: np.ndarray
    mean_sd: np.ndarray
    names: tuple[str, ...]

    @property
    def n_years(self) -> int:
        return int(self.phi.shape[0])

    def without_volatility(self) -> "ProcessSpec":
        """The same process with every shock and mean at zero (the basis's own path)."""
        return replace(self, chol=np.zeros_like(self.chol), mean_sd=np.zeros_like(self.mean_sd))


def section(aset: "AssumptionSet") -> object:
    """The set's ``stochastic`` section, or the built-in default set's when it has none."""
    if aset.stochastic is not None:
        return aset.stochastic
    from actuary.assumptions import load_basis

    return load_basis(None).stochastic


def _yearly(param, first: int, last: int) -> np.ndarray:
    return np.asarray(param.yearly(first, last, "start"), dtype=float)


def _cholesky(cov: np.ndarray, where: str, years: np.ndarray) -> np.ndarray:
    """Lower Cholesky factors of ``cov [Y, k, k]`` (positive semi-definite allowed)."""
    out = np.zeros_like(cov)
    for t in range(cov.shape[0]):
        c = cov[t]
        sd = np.sqrt(np.diag(c))
        live = sd > 0
        if not live.any():
            continue
        sub = c[np.ix_(live, live)]
        try:
            lo = np.linalg.cholesky(sub)
        except np.linalg.LinAlgError:
            raise AssumptionError("the correlations do not form a valid correlation matrix",
                                  location=where, value=f"year {int(years[t])}",
                                  expected="correlations that are jointly possible "
                                           "(a positive definite matrix)") from None
        out[t][np.ix_(live, live)] = lo
    return out


def economic_spec(aset: "AssumptionSet", first: int, last: int) -> ProcessSpec:
    """The economic generator of ``aset`` on years ``first .. last``."""
    sec = section(aset).economic
    procs = [getattr(sec, n) for n in ECONOMIC]
    phi = np.stack([_yearly(p.persistence, first, last) for p in procs], axis=1)
    vol = np.stack([_yearly(p.volatility, first, last) for p in procs], axis=1)
    c = sec.correlations
    r01, r02, r12 = (_yearly(getattr(c, n), first, last)
                     for n in ("inflation_real_wage", "inflation_return", "real_wage_return"))
    Y = phi.shape[0]
    R = np.tile(np.eye(3), (Y, 1, 1))
    R[:, 0, 1] = R[:, 1, 0] = r01
    R[:, 0, 2] = R[:, 2, 0] = r02
    R[:, 1, 2] = R[:, 2, 1] = r12
    cov = vol[:, :, None] * R * vol[:, None, :]
    years = np.arange(first, last + 1)
    chol = _cholesky(cov, "stochastic.economic.correlations", years)
    mean_sd = np.array([float(p.mean_sd.yearly(first, first, "start")[0]) for p in procs])
    return ProcessSpec(first, phi, chol, mean_sd, ECONOMIC)


def demographic_spec(aset: "AssumptionSet", first: int, last: int) -> ProcessSpec:
    """The demographic generator of ``aset`` on years ``first .. last``."""
    sec = section(aset).demographic
    f, m, g = sec.fertility, sec.mortality, sec.migration
    phi = np.stack([_yearly(f.persistence, first, last), _yearly(m.persistence_M, first, last),
                    _yearly(m.persistence_F, first, last), _yearly(g.persistence, first, last)],
                   axis=1)
    vol = np.stack([_yearly(f.volatility, first, last), _yearly(m.volatility_M, first, last),
                    _yearly(m.volatility_F, first, last), _yearly(g.volatility, first, last)],
                   axis=1)
    Y = phi.shape[0]
    R = np.tile(np.eye(4), (Y, 1, 1))
    R[:, 1, 2] = R[:, 2, 1] = _yearly(m.sex_correlation, first, last)
    cov = vol[:, :, None] * R * vol[:, None, :]
    chol = _cholesky(cov, "stochastic.demographic.mortality.sex_correlation",
                     np.arange(first, last + 1))
    return ProcessSpec(first, phi, chol, np.zeros(4), DEMOGRAPHIC)


def draw_normals(seed: int, index: int, n_years: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scenario ``index``'s standard normals: economic ``[Y, 3]``, means ``[3]``,
    demographic ``[Y, 4]`` (see the module docstring for the stream)."""
    rng = np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(int(index),)))
    econ = rng.standard_normal((n_years, len(ECONOMIC)))
    means = rng.standard_normal(len(ECONOMIC))
    demo = rng.standard_normal((n_years, len(DEMOGRAPHIC)))
    return econ, means, demo


def simulate(spec: ProcessSpec, shocks: np.ndarray, mean_shocks: np.ndarray | None = None
             ) -> np.ndarray:
    """Paths ``x [n, Y, k]`` of ``spec`` from standard normals ``shocks [n, Y, k]`` (and
    ``mean_shocks [n, k]`` for the long-run means)."""
    n, Y, k = shocks.shape
    mu = np.zeros((n, k)) if mean_shocks is None else mean_shocks * spec.mean_sd[None, :]
    # chol x shocks, summed in a fixed order: a scenario's numbers never depend on the
    # others in its batch (no BLAS, whose blocking follows the array's size)
    eps = np.zeros((n, Y, k))
    for j in range(k):
        eps += spec.chol[None, :, :, j] * shocks[:, :, None, j]
    x = np.empty((n, Y, k))
    prev = np.zeros((n, k))
    for t in range(Y):
        prev = mu + spec.phi[t][None, :] * (prev - mu) + eps[:, t]
        x[:, t] = prev
    return x


def stationary_moments(phi: np.ndarray, cov: np.ndarray, mean_sd: np.ndarray | None = None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Closed-form stationary mean, covariance and lag-1 autocovariance of the process.

    For ``x_t - mu = Phi (x_{t-1} - mu) + e_t`` with diagonal ``Phi`` (|phi| < 1) and
    shock covariance ``S``: ``Gamma_ij = S_ij / (1 - phi_i phi_j)``; the uncertain mean
    (independent, standard deviations ``mean_sd``) adds ``diag(mean_sd^2)`` to both the
    covariance and the lag-1 autocovariance ``Cov(x_t, x_{t-1}) = Phi Gamma + diag(mean_sd^2)``.
    The mean is 0: the process is centred on the basis.
    """
    phi = np.asarray(phi, dtype=float)
    gamma = np.asarray(cov, dtype=float) / (1.0 - np.outer(phi, phi))
    extra = np.diag(np.zeros(phi.size) if mean_sd is None else np.asarray(mean_sd) ** 2)
    return np.zeros(phi.size), gamma + extra, phi[:, None] * gamma + extra
