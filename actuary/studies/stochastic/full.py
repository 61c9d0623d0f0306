"""Full scenarios in batches: the engine's cohort kernel once per scenario, no Basis each.

The route of :func:`~actuary.studies.stochastic.model.scenario_basis` (a validated
:class:`~actuary.engine.basis.Basis` per scenario, then
:func:`~actuary.engine.projection.project`) spends about 1 ms a scenario in Python holding
the GIL (the Basis's validation, the Projection's sums), and the numpy demography of a
piece of scenarios as much again, beside the kernel's 3.7 ms. Here:

* the kernel's records (:func:`actuary.engine.records.kernel_inputs`) are built once from
  the deterministic basis; the fields a scenario moves are replaced, by name
  (``_replace``), with scratch arrays (:class:`~actuary.studies.stochastic.full_kernel.Scratch`),
  so fields the engine adds to its records later flow through untouched;
* the yearly economic fields of the whole batch are computed with numpy
  (:func:`~actuary.studies.stochastic.model.economic_series`, the Basis route's own
  function) and checked the way ``Basis`` checks them (finite);
* one numba call per chunk of scenarios
  (:func:`~actuary.studies.stochastic.full_kernel.run_scenarios`, GIL released; the
  threads take the chunks in turn) works through its scenarios: fills the scratch arrays
  (the entrants' wage, the insured's mortality, the national population, covered
  population and entrants), runs the kernel, and keeps the flows and people the run
  stores. Memory is the scratch arrays and the per-year results: nothing of size
  ``[n, T, 2, 111]``.

The tests check this route against the Basis route to 1e-12 on every stored measure.
"""

from __future__ import annotations

from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np

from actuary.engine.kernels import project_kernel
from actuary.engine.records import KernelInputs, kernel_inputs
from actuary.studies.stochastic.full_kernel import (
    FRAME_OUT, OUT, FrameConst, InsuredConst, Scratch, run_scenarios,
)
from actuary.studies.stochastic.model import StochasticModel, economic_series, fertility_factor
from actuary.studies.stochastic.survival import log_survival

__all__ = ["FullBatch", "KernelBase", "chunks", "kernel_base", "kernel_loaded", "with_arrays",
           "project_full", "MEASURE_ONLY"]

#: Scenario fields no kernel record holds: the return only rolls the reserve forward.
MEASURE_ONLY = frozenset({"investment_return"})
_RECORDS = ("rules", "paths", "decrements", "start")
#: Scenarios of one numba call (about 0.1 s of work; its scratch arrays are about 1 MB).
_CHUNK = 24


@dataclass(frozen=True)
class KernelBase:
    """The deterministic basis's kernel records, and which record holds each field."""

    inputs: KernelInputs
    where: dict[str, str]  # record field name -> record name in KernelInputs

    def record_of(self, name: str) -> str:
        """The record holding the basis field ``name``.

        Raises
        ------
        KeyError
            If no record has a field of that name (a renamed record field).
        """
        try:
            return self.where[name]
        except KeyError:
            raise KeyError(f"the scenario field {name!r} is in no kernel record "
                           f"(records: {', '.join(_RECORDS)})") from None


def kernel_base(basis) -> KernelBase:
    """:class:`KernelBase` of ``basis`` (:class:`~actuary.engine.basis.Basis`), with the
    masses of the last year only (``keep_masses``: a scenario stores flows and people)."""
    inputs = kernel_inputs(basis)._replace(keep_masses=False)
    where: dict[str, str] = {}
    for rec in _RECORDS:
        for name in getattr(inputs, rec)._fields:
            if name in where:
                raise ValueError(f"field {name!r} is in two kernel records")
            where[name] = rec
    return KernelBase(inputs, where)


def with_arrays(base: KernelBase, arrays: dict[str, np.ndarray]) -> KernelInputs:
    """The base records with the fields named in ``arrays`` replaced by those arrays."""
    changes: dict[str, dict[str, np.ndarray]] = {}
    for name, arr in arrays.items():
        changes.setdefault(base.record_of(name), {})[name] = arr
    inputs = base.inputs
    return inputs._replace(**{rec: getattr(inputs, rec)._replace(**c)
                              for rec, c in changes.items()})


def kernel_loaded(inputs: KernelInputs) -> None:
    """Load (or compile) the cohort kernel's own code for ``inputs`` in this process.

    :func:`run_scenarios` embeds a copy of the kernel, optimised once more with the batch;
    a process that has the kernel's own code runs that instead (the first definition
    loaded wins), one that loaded the batch alone from numba's cache runs the copy. The
    two differ at rounding level (which multiply-adds LLVM fuses), so a dask worker
    (which projects no deterministic basis) gave other last digits than the process that
    sent it the batch; with the kernel loaded first, every process runs the same code.
    A no-op once loaded (about 0.5 ms: the records' types), so once a batch.
    """
    project_kernel.compile(tuple(numba.typeof(v) for v in inputs))


def _frame_const(model: StochasticModel) -> FrameConst | None:
    fr, T = model.frame, model.n_years
    if fr is None:
        return None
    e, r, inv = (np.array(a, dtype=float) for a in (fr.exit_rate, fr.reentry, fr.invalidity))
    e[:, -1] = inv[:, -1] = r[:, -1] = 0.0  # the last age closes the table (entrants_batch)
    employed = fr.population * fr.employed_share
    c = np.ascontiguousarray
    return FrameConst(
        base=c(fr.base, dtype=float), mortality=c(fr.mortality, dtype=float),
        log_survival=log_survival(c(fr.mortality, dtype=float)),
        fertility=c(fr.fertility, dtype=float), srb=c(fr.srb, dtype=float),
        migration=c(fr.migration, dtype=float), population=c(fr.population, dtype=float),
        employed=c(employed), employed_share=c(fr.employed_share, dtype=float),
        sector=c(fr.sector_employed, dtype=float), covered=c(fr.covered, dtype=float),
        exit_rate=e, reentry=r, invalidity=inv, det_target=fr.covered[1:].sum(axis=(1, 2)),
        det_employed=(fr.population[:T] * fr.employed_share[:T]).sum(axis=(1, 2)))


def _insured_const(model: StochasticModel) -> InsuredConst:
    b = model.basis
    cap = np.where(b.invalidity + b.exit > 0, 1.0 - b.invalidity - b.exit, 1.0)
    return InsuredConst(b.mortality, np.ascontiguousarray(model.log_survival), cap,
                        np.ascontiguousarray(model.disabled_factor, dtype=float),
                        b.target_actives, b.entrant_wage)


def _finite(name: str, arr: np.ndarray) -> np.ndarray:
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    if not np.isfinite(arr.sum()):  # a sum is finite only if every term is
        raise ValueError(f"scenario field {name} has non-finite (or overflowing) values")
    return arr


def chunks(n: int, threads: int) -> list[tuple[int, int]]:
    """``(lo, hi)`` of the numba calls over scenarios ``0 .. n - 1``: at most :data:`_CHUNK`
    scenarios each, as equal as can be, and as many as a multiple of ``threads`` (up to
    ``n``), so that the threads finish together rather than one waiting out the last
    chunk (250 scenarios on 2 threads: 12 chunks of 20-21, not 10 of 24 and one of 10)."""
    k = -(-n // _CHUNK)
    if threads > 1:
        k = min(n, -(-k // threads) * threads)
    cuts = [n * i // k for i in range(k + 1)]
    return [(cuts[i], cuts[i + 1]) for i in range(k)]


class FullBatch:
    """A batch of scenarios ``x [n, Y, 3]``, ``z [n, Y, 4]`` (the generator's deviations)
    made ready for the numba calls, the chunks (:func:`chunks`) to run, and their results.

    Building it is the batch's Python work (holding the GIL: the economic series, the
    factors, the checks); :meth:`run_chunk` is one numba call (GIL released), in any
    thread and any order; :meth:`results` reads the filled arrays once every chunk ran.
    So a run can build the next batch, or measure the previous one, while this one's
    chunks run (:func:`actuary.studies.stochastic.runner.run_batches`). A scenario's
    numbers do not depend on the chunk, the thread or what runs beside it.
    """

    def __init__(self, model: StochasticModel, x: np.ndarray, z: np.ndarray, threads: int = 1):
        n, T = x.shape[0], model.n_years
        self.model, self.n_years = model, T
        self.base = kernel_base(model.basis)
        econ = economic_series(model, x)
        self.level = _finite("wage_level", econ.pop("wage_level"))
        self.interest = _finite("investment_return", econ.pop("investment_return"))
        self.names = tuple(econ)
        self.yearly = np.ascontiguousarray(np.stack([_finite(k, econ[k]) for k in self.names],
                                                    axis=1))
        self.factor = _finite("mortality factor", np.exp(z[:, :T, 1:3]))
        self.fr = _frame_const(model)
        self.frame: dict = {}
        if self.fr is not None:
            tfr, fert_factor = fertility_factor(model, z)
            self.fert_factor = _finite("fertility factor", fert_factor)
            self.mig_factor = _finite("migration factor", 1.0 + z[:, :T, 3])
            self.frame["tfr"] = tfr
        else:
            self.fert_factor = self.mig_factor = np.ones((n, T))
        self.ins = _insured_const(model)
        self.out = np.empty((n, len(OUT), T))
        self.frame_out = np.empty((n, len(FRAME_OUT), T))
        self.clipped = np.zeros(n, dtype=np.int64)
        self.parts = chunks(n, threads)
        self._loaded: list[bool] = []

    def run_chunk(self, bounds: tuple[int, int]) -> None:
        """Project scenarios ``lo .. hi - 1`` of the batch (one numba call, its own scratch)."""
        lo, hi = bounds
        b, T, fr = self.model.basis, self.n_years, self.fr
        scratch = Scratch(tuple(np.empty(T) for _ in self.names), np.empty_like(b.entrant_wage),
                          np.empty_like(b.mortality), np.empty_like(b.mortality),
                          b.target_actives.copy(), np.empty_like(b.entrant_distribution))
        arrays = dict(zip(self.names, scratch.yearly))
        arrays.update(entrant_wage=scratch.entrant_wage, mortality=scratch.mortality,
                      disabled_mortality=scratch.disabled_mortality)
        if fr is not None:
            arrays.update(target_actives=scratch.target_actives,
                          entrant_distribution=scratch.entrant_distribution)
        inputs = with_arrays(self.base, arrays)
        if not self._loaded:  # (the chunks' records have the same types)
            kernel_loaded(inputs)
            self._loaded.append(True)
        run_scenarios(inputs, scratch, self.yearly[lo:hi], self.level[lo:hi],
                      self.factor[lo:hi], self.fert_factor[lo:hi], self.mig_factor[lo:hi], fr,
                      self.ins, self.out[lo:hi], self.frame_out[lo:hi], self.clipped[lo:hi])

    def submit(self, pool: Executor) -> list[Future]:
        """Every chunk submitted to ``pool``, in order (its threads take them in turn)."""
        return [pool.submit(self.run_chunk, bounds) for bounds in self.parts]

    def results(self) -> tuple[dict[str, np.ndarray], dict]:
        """``flows, frame`` of :func:`project_full` (call once every chunk has run)."""
        flows = {name: self.out[:, j] for j, name in enumerate(OUT)}
        flows["interest"] = self.interest
        frame = self.frame
        if self.fr is not None:
            frame.update({name: self.frame_out[:, j] for j, name in enumerate(FRAME_OUT)})
            frame["clipped"] = int(self.clipped.sum())
        return flows, frame


def project_full(model: StochasticModel, x: np.ndarray, z: np.ndarray, threads: int = 1
                 ) -> tuple[dict[str, np.ndarray], dict]:
    """Project scenarios ``x [n, Y, 3]``, ``z [n, Y, 4]`` (the generator's deviations).

    Returns
    -------
    flows, frame
        ``flows``: ``earnings``, ``contributions``, ``benefits``, ``refunds``,
        ``interest``, ``contributors``, ``pensioners`` ``[n, T]``; ``frame``:
        ``population``, ``employed_ratio``, ``tfr`` ``[n, T]`` and ``clipped`` (cells of
        the national projections set to 0), or empty without a population frame.

    The scenarios are cut into chunks (:func:`chunks`), one numba call each, which
    ``threads`` threads take in turn; a scenario's numbers do not depend on the chunk or
    the thread.
    """
    batch = FullBatch(model, x, z, threads)
    # chunks taken in turn by the threads, so that a thread slowed down (a shared machine)
    # does not keep the others waiting for its share; each chunk has its own scratch
    if threads > 1 and len(batch.parts) > 1:
        with ThreadPoolExecutor(min(threads, len(batch.parts))) as pool:
            for fut in batch.submit(pool):
                fut.result()
    else:
        for bounds in batch.parts:
            batch.run_chunk(bounds)
    return batch.results()
