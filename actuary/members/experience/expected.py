"""What an assumption set expects: its forces of decrement by year, sex and age (deaths,
exits), and its pension age, as an experience study compares them with the data.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from actuary.engine.state import N_AGE
from actuary.engine.table_rates import by_age as _by_age

__all__ = ["MAX_FORCE", "N_AGES_TABLE", "pension_age_in", "basis_forces"]


#: Highest force of decrement used where a table gives q = 1 (exp(-30) ~ 1e-13 survives).
MAX_FORCE = 30.0
N_AGES_TABLE = N_AGE  # ages 0..110 of the basis's tables


def pension_age_in(aset: Any, year: int) -> float:
    """Pension age on 31 December of ``year`` (the first value for years before it)."""
    param = aset.scheme.parameters.pension_age
    first = min(param.values)
    return float(param.value_at(max(date(year, 12, 31), first)))


def basis_forces(aset: Any, decrement: str, years: np.ndarray) -> np.ndarray:
    """Forces of decrement of an assumption set, per year, ``[year, sex, age 0..110]``.

    * ``death``: ``mu = -ln(1 - q)`` from the mortality table times its scale (q of
      the calendar year; years beyond the table hold its last year), capped at
      :data:`MAX_FORCE` where q = 1.
    * ``exit``: the basis's exit rate is a dependent probability beside death and
      invalidity (as the projection applies them, zero from the pension age). Under
      constant forces within the year, ``mu_exit = q_exit * mu_total / Q`` with
      ``Q = q_death + q_invalidity + q_exit`` and ``mu_total = -ln(1 - Q)``.

    ``retirement`` has no table in the basis (everyone active at the pension age retires):
    see :func:`expected_retirements`.
    """
    years = np.asarray(years, dtype=np.int64)
    demo = aset.demographic
    q = np.minimum(_by_age(aset.tables["demographic.mortality"], years, beyond="hold")
                   * demo.mortality.scale, 1.0)
    if decrement == "death":
        with np.errstate(divide="ignore"):
            return np.minimum(-np.log1p(-q), MAX_FORCE)
    if decrement == "exit":
        inv = _by_age(aset.tables["demographic.invalidity"]) * demo.invalidity.scale
        ext = _by_age(aset.tables["demographic.exit"]) * demo.exit.scale
        pension_age = np.array([pension_age_in(aset, int(y)) for y in years], dtype=float)
        below = np.arange(q.shape[-1])[None, None, :] < pension_age[:, None, None]
        inv_t = inv[None] * below
        ext_t = ext[None] * below
        Q = np.minimum(q + inv_t + ext_t, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            total = np.minimum(-np.log1p(-Q), MAX_FORCE)
            return np.where(Q > 0, ext_t * total / np.where(Q > 0, Q, 1.0), 0.0)
    raise ValueError(f"no table for decrement {decrement!r} (death or exit)")
