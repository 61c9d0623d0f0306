"""Full scenarios in batches: the engine's cohort kernel once per scenario, no Basis each.

The route of :func:`~actuary.studies.stochastic.model.scenario_basis` (a validated
:class:`~actuary.engine.basis.Basis` per scenario, then
:func:`~actuary.engine.projection.project`) spends about 1 ms a scenario in Python holding
the GIL (the Basis's validation, the Projection's sums), a quarter of the kernel's 3.7 ms,
and the two threads of a run wait for each other there. Here:

* the kernel's records (:func:`actuary.engine.records.kernel_inputs`) are built once from
  the deterministic basis; a scenario replaces, by name (``_replace``), only the record
  fields it changes - those with the name of a basis field the scenario moves - so fields
  the engine adds to its records later flow through untouched;
* the scenario fields of a piece of scenarios are computed at once, with a leading scenario
  axis (:func:`~actuary.studies.stochastic.model.economic_fields`,
  :func:`~actuary.studies.stochastic.model.demographic_fields`: the same functions, the
  same arithmetic row by row), and checked once per piece the way ``Basis`` checks them
  (finite; probabilities in [0, 1]);
* a numba function (GIL released) runs the kernel and keeps only what the run stores:
  the flows ``[T, 2, K]`` and the contributors and pensioners by year; the people and
  masses by age are dropped at once, so memory is bounded by the piece.

What stays in Python per scenario is a dictionary of row views and three ``_replace``
calls (a few microseconds). The tests check this route against the Basis route to
1e-12 on every stored measure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from actuary.engine.kernels import project_kernel
from actuary.engine.records import KernelInputs, kernel_inputs
from actuary.engine.state import N_FLOWS, STATUS_ACTIVE, STATUS_INVALIDITY, STATUS_OLD_AGE

__all__ = ["KernelBase", "kernel_base", "scenario_inputs", "check_fields", "project_piece",
           "MEASURE_ONLY"]

#: Scenario fields no kernel record holds: the return only rolls the reserve forward.
MEASURE_ONLY = frozenset({"investment_return"})
_RECORDS = ("rules", "paths", "decrements", "start")


@dataclass(frozen=True)
class KernelBase:
    """The deterministic basis's kernel records, and which record holds each field."""

    inputs: KernelInputs
    where: dict[str, str]  # record field name -> record name in KernelInputs

    def record_of(self, name: str) -> str | None:
        """The record holding the basis field ``name`` (None: a field of the measures)."""
        if name in MEASURE_ONLY:
            return None
        try:
            return self.where[name]
        except KeyError:
            raise KeyError(f"the scenario field {name!r} is in no kernel record "
                           f"(records: {', '.join(_RECORDS)})") from None


def kernel_base(basis) -> KernelBase:
    """:class:`KernelBase` of ``basis`` (:class:`~actuary.engine.basis.Basis`)."""
    inputs = kernel_inputs(basis)
    where: dict[str, str] = {}
    for rec in _RECORDS:
        for name in getattr(inputs, rec)._fields:
            if name in where:
                raise ValueError(f"field {name!r} is in two kernel records")
            where[name] = rec
    return KernelBase(inputs, where)


def scenario_inputs(base: KernelBase, fields: dict[str, np.ndarray], k: int) -> KernelInputs:
    """The kernel's records of row ``k`` of the batched scenario ``fields``."""
    changes: dict[str, dict[str, np.ndarray]] = {}
    for name, arr in fields.items():
        rec = base.record_of(name)
        if rec is not None:
            changes.setdefault(rec, {})[name] = arr[k]
    inputs = base.inputs
    return inputs._replace(**{rec: getattr(inputs, rec)._replace(**c)
                              for rec, c in changes.items()})


_PROBABILITIES = ("mortality", "disabled_mortality")


def check_fields(base: KernelBase, fields: dict[str, np.ndarray]) -> None:
    """Make the batched fields C-contiguous float arrays and check them as ``Basis`` does:
    finite (a sum is finite only if every term is), mortality in [0, 1]. (Death +
    invalidity + exit of actives at most 1 holds by construction:
    :func:`~actuary.studies.stochastic.model.demographic_fields` caps the scenario's
    mortality at ``1 - invalidity - exit``.)

    Raises
    ------
    ValueError
        Naming the field (as ``Basis`` would for the scenario's basis).
    """
    for name, arr in fields.items():
        arr = np.ascontiguousarray(arr, dtype=np.float64)
        if not np.isfinite(arr.sum()):
            raise ValueError(f"scenario field {name} has non-finite (or overflowing) values")
        if name in _PROBABILITIES and (arr.min() < 0 or arr.max() > 1):
            raise ValueError(f"scenario field {name} must be probabilities in [0, 1]")
        fields[name] = arr


@numba.njit(cache=True, nogil=True)
def _project_one(inputs, k, flows_out, people_out):
    """Project one scenario; ``flows_out[k] = flows``, ``people_out[k] = (contributors,
    old-age and invalidity pensioners)`` on 1 January of each projection year."""
    flows, people, masses = project_kernel(*inputs)
    T = flows.shape[0]
    flows_out[k] = flows
    for t in range(T):
        act = 0.0
        pen = 0.0
        for s in range(people.shape[2]):
            for x in range(people.shape[3]):
                act += people[t, STATUS_ACTIVE, s, x]
                pen += people[t, STATUS_OLD_AGE, s, x] + people[t, STATUS_INVALIDITY, s, x]
        people_out[k, 0, t] = act
        people_out[k, 1, t] = pen


def project_piece(base: KernelBase, fields: dict[str, np.ndarray]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Project every scenario of the batched ``fields`` (checked by :func:`check_fields`).

    Returns
    -------
    flows, people
        ``[n, T, 2, N_FLOWS]`` (the kernel's flows) and ``[n, 2, T]`` (contributors,
        old-age plus invalidity pensioners, 1 January of each projection year).
    """
    n = next(iter(fields.values())).shape[0]
    T = base.inputs.rules.contribution_rate.shape[0]
    flows = np.empty((n, T, 2, N_FLOWS))
    people = np.empty((n, 2, T))
    for k in range(n):
        _project_one(scenario_inputs(base, fields, k), k, flows, people)
    return flows, people
