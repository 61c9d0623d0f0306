"""The transition cost of a public-sector reform design split into its two causes, and
the employer's gross-up of salaries (:func:`actuary.schemes.public_sector.run_design`).

Three budget paths, each the budget cost of :mod:`actuary.studies.compare` (contributions
the state pays as the employer, the deficits it covers, and the gross-up below):

* ``A``, the status quo: the present rules, paid from the budget;
* ``B``, *the financing changed, the formula kept*: the design's structure (the legacy
  scheme frozen or closed, paid from the budget as in the design) with the new rights
  earned under the **present** rules but financed as the new scheme is: its contribution
  rate from the reform date, the state's share (``budget_contribution_share`` of the new
  scheme's set) and its own fund, with the new scheme's guarantee (none for
  ``ps-nssf-rules``);
* ``C``, the design itself: the new rights under the new scheme's rules.

``B - A`` is the **change of financing** (moving the rights earned from the reform date
to a contributory, funded scheme: the state pays its employer share, and the gross-up,
while the contributions build a reserve instead of paying today's pensions; the frozen
rights stay on the budget) and ``C - B`` the **change of the benefit formula** (the new
scheme's rules in place of the present ones for the same rights, financed the same way).
They add up to the transition cost ``C - A``.

Gross-up
--------
With ``gross_up: true`` the state raises the salaries of those who start contributing so
that their take-home pay does not fall: with the worker's rate ``w_t = c_t (1 - s_t)``
(``c_t`` the contribution rate, ``s_t`` the state's share), salaries are multiplied by
``g_t = 1 / (1 - w_t)``. The projection carries the higher salaries (contributions and
the pensions earned on them follow): :func:`grossed_up` scales the entrants' wages by
``g_{t+1}`` and changes the wage growth of year ``t`` to ``(1 + e_t) g_{t+1} / g_t - 1``.
The budget pays the extra salaries, ``(1 - 1/g_t) W_t`` for the wage mass ``W_t`` of the
grossed-up members (``FLOW_WAGE_MASS``): exactly the workers' contributions on their whole
salaries. The grossed-up part counts in the salary the new rights are earned on, in ``B``
and ``C`` alike (approximation: in a transition the frozen legacy rights keep the salary
without it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from actuary.engine.state import FLOW_WAGE_MASS

__all__ = ["gross_up_factors", "grossed_up", "gross_up_cost", "split_columns"]


def gross_up_factors(contribution_rate: np.ndarray, state_share: np.ndarray) -> np.ndarray:
    """``g_t = 1 / (1 - c_t (1 - s_t))`` per year (rates as fractions; 1 without contributions)."""
    w = np.asarray(contribution_rate, dtype=float) * (1.0 - np.asarray(state_share, dtype=float))
    return 1.0 / (1.0 - w)


def grossed_up(basis: Any, g: np.ndarray) -> Any:
    """``basis`` with salaries times ``g_t`` in year ``t`` (see the module docstring).

    The entrants of year ``t`` (who start on 1 January ``t + 1``) are grossed up by
    ``g_{t+1}`` and the wage growth moves every member from ``g_t`` to ``g_{t+1}``. A
    reform starts after the first projection year, so ``g_0 = 1`` and the members on the
    valuation date keep their wages (refused otherwise).
    """
    g = np.asarray(g, dtype=float)
    if g[0] != 1.0:
        raise ValueError("a gross-up starts after the first projection year (g_0 = 1)")
    nxt = np.append(g[1:], g[-1])
    growth = (1.0 + basis.wage_growth) * nxt / g - 1.0
    return basis.with_(wage_growth=growth, entrant_wage=basis.entrant_wage * nxt[:, None, None])


def gross_up_cost(projection: Any, g: np.ndarray) -> np.ndarray:
    """``(1 - 1/g_t) W_t``: the extra salaries the state pays, KHR per year."""
    w = projection.flows[:, :, FLOW_WAGE_MASS].sum(axis=1)
    return (1.0 - 1.0 / np.asarray(g, dtype=float)) * w


def split_columns(status_quo: np.ndarray, financing: np.ndarray, design: np.ndarray
                  ) -> dict[str, np.ndarray]:
    """``transition_cost`` (C - A), ``transition_cost_financing`` (B - A) and
    ``transition_cost_formula`` (C - B), KHR per year."""
    a, b, c = (np.asarray(x, dtype=float) for x in (status_quo, financing, design))
    return {"transition_cost": c - a, "transition_cost_financing": b - a,
            "transition_cost_formula": c - b}
