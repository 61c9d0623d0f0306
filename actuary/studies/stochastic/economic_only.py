"""Economic scenarios without a projection each: money flows recomputed from the
deterministic projection's outputs.

With economic scenarios only, the people (counts by status, sex, age and service) are
those of the deterministic projection in every scenario; only money changes. The
generator's deviations of calendar year ``j`` are ``x_p[j]`` (log of 1 + inflation: it
moves prices and, through them, nominal wages) and ``x_w[j]`` (log of 1 + real wage
growth). Their accumulations ``CP_j = sum_{i<j} x_p[i]`` and ``CW_j = sum_{i<j} x_w[i]``
are the log levels of prices and real wages relative to the basis.

Exposures, measured on the engine: ``P_F[t, j]`` and ``W_F[t, j]``, the derivative of
``log F_t`` (flow ``F`` of year ``t``: insurable earnings, contributions, refunds, all
benefits) with respect to ``x_p[j]`` and ``x_w[j]``; one projection per year and
component with that year's deviation set to ``EPSILON`` (forward differences, relative
error about ``EPSILON``). ``W_F[t, j]`` is the share of ``F_t`` whose amount carries the
real wage growth of year ``j``: 1 for wages and contributions of year ``t`` (every earlier
year's growth), and for a pension the share awarded after ``j`` (wage-linked up to the
award, price-linked after).

The recomputation (Abel summation of that "switch" structure):

``F_t(x) = F_t(0) (1 + sum_j P_F[t, j] (e^{CP_{j+1}} - e^{CP_j}))
                  (1 + sum_j W_F[t, j] (e^{CW_{j+1}} - e^{CW_j}))``

It is exact when every part of a flow carries each year's growth fully or not at all and
the money is linear in the wage and price levels: e.g. a pension awarded in year ``s``
is ``e^{CW_s}`` times the basis's in real terms, and the sum over award years telescopes
to the formula above, for any size of deviation. What remains approximated, and is
measured by the tests against full projections of a few scenarios: amounts that do not
move with the levels (a wage floor or ceiling fixed in KHR before its indexation starts,
a minimum pension in KHR: their effect is linearised), and flows whose price and real
exposures do not separate into the product above. The return on the reserve does not
enter the projection, only the reserve's roll-forward, which is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actuary.engine.projection import project
from actuary.engine.state import FLOW_REFUND
from actuary.studies.stochastic.model import StochasticModel, economic_fields

__all__ = ["Exposures", "exposures", "economic_flows", "EPSILON", "FLOWS"]

EPSILON = 1e-6
FLOWS = ("earnings", "contributions", "refunds", "benefits")


@dataclass(frozen=True)
class Exposures:
    """Deterministic flows ``[T]`` and their exposures ``[T, Y]`` to ``x_p`` and ``x_w``."""

    flows: dict[str, np.ndarray]
    price: dict[str, np.ndarray]
    wage: dict[str, np.ndarray]


def _flows(proj) -> dict[str, np.ndarray]:
    return {"earnings": proj.earnings, "contributions": proj.contributions,
            "refunds": proj.flows[:, :, FLOW_REFUND].sum(axis=1), "benefits": proj.benefits}


def _log_change(new: np.ndarray, base: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((base > 0) & (new > 0), np.log(new / base), 0.0)


def exposures(model: StochasticModel) -> Exposures:
    """Measure the exposures: ``2 Y`` projections with one deviation of ``EPSILON``."""
    T, Y = model.n_years, model.n_years + 1
    base = _flows(project(model.basis))
    price = {k: np.zeros((T, Y)) for k in FLOWS}
    wage = {k: np.zeros((T, Y)) for k in FLOWS}
    for comp, store in ((0, price), (1, wage)):
        for j in range(Y):
            x = np.zeros((Y, 3))
            x[j, comp] = EPSILON
            bumped = _flows(project(model.basis.with_(**economic_fields(model, x))))
            for k in FLOWS:
                store[k][:, j] = _log_change(bumped[k], base[k]) / EPSILON
    return Exposures(flows=base, price=price, wage=wage)


def economic_flows(model: StochasticModel, exp: Exposures, x: np.ndarray) -> dict[str, np.ndarray]:
    """Flows ``[n, T]`` of scenarios with deviations ``x [n, Y, 3]`` (module docstring)."""
    out = {}
    steps = {}
    for comp in (0, 1):
        level = np.exp(np.concatenate([np.zeros((x.shape[0], 1)), np.cumsum(x[:, :, comp], axis=1)],
                                      axis=1))
        steps[comp] = level[:, 1:] - level[:, :-1]  # e^{C_{j+1}} - e^{C_j}, [n, Y]
    for k in FLOWS:
        # einsum's own loops, not BLAS: a row's result does not depend on the batch
        price = 1.0 + np.einsum("ny,ty->nt", steps[0], exp.price[k], optimize=False)
        real = 1.0 + np.einsum("ny,ty->nt", steps[1], exp.wage[k], optimize=False)
        out[k] = exp.flows[k][None, :] * price * real
    T = model.n_years
    i = model.index_paths["investment_return"][None, :T]
    out["interest"] = i + (1.0 + i) * np.expm1(x[:, :T, 2])
    return out
