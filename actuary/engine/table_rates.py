"""A set's tables on the projection's grid of ages: what :mod:`actuary.engine.build` reads.

Ages are completed years 0..110 (:data:`actuary.engine.state.N_AGE` of them); the sex axis
has M = 0, F = 1 (the tables layer's convention).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from actuary.engine.state import N_AGE
from actuary.frame.population import death_probability_by_age_last_birthday

__all__ = ["by_age", "last_birthday_q"]


def by_age(table: Any, years: np.ndarray | None = None, beyond: str = "error") -> np.ndarray:
    """A table on ages 0..110 (zero at ages the table does not cover): ``[2, 111]``, or
    ``[len(years), 2, 111]`` for ``years`` (``beyond`` as :meth:`actuary.tables.Table.to_array`)."""
    ages = np.asarray(table.ages)
    if years is None:
        out = np.zeros((2, N_AGE))
        out[:, ages] = table.to_array(ages)
    else:
        out = np.zeros((len(years), 2, N_AGE))
        out[:, :, ages] = table.to_array(ages, years, beyond=beyond)
    return out


#: :func:`last_birthday_q` already worked out: (table, years' bytes, the q), most recent
#: first. A table is read-only (:class:`actuary.tables.Table`) and is held here with its
#: q, so no other table can take its place at the same address; the bases of a
#: valuation's sensitivity tests share the base's mortality table (all but a test of the
#: table itself, which a scale does not change either).
_LAST_BIRTHDAY_Q: list[tuple[Any, bytes, np.ndarray]] = []


def last_birthday_q(table: Any, years: np.ndarray) -> np.ndarray:
    """Probabilities of dying within each calendar year of ``years`` by age last birthday
    on 1 January, ``[len(years), 2, 111]``, from the mortality ``table`` of exact ages
    (years beyond the table's hold its end years): see
    :func:`actuary.frame.population.death_probability_by_age_last_birthday`.

    A new array each call (the caller may change it); kept by table and years.
    """
    key = np.asarray(years, dtype=np.int64).tobytes()
    for kept, k, q in _LAST_BIRTHDAY_Q:
        if kept is table and k == key:
            return q.copy()
    q = death_probability_by_age_last_birthday(by_age(table, years, beyond="hold"))
    _LAST_BIRTHDAY_Q.insert(0, (table, key, q.copy()))
    del _LAST_BIRTHDAY_Q[4:]
    return q
