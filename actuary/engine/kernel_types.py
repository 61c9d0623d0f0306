"""The cohort kernel's argument types, known before any basis is built: tiny inputs of the
same records, dtypes and dimensions, so that a first run can compile the kernel at its
very start (:func:`actuary.engine.ahead.compile_early`), while it is still importing and
loading what the kernel will be given.

numba compiles one machine-code specialisation per argument types; for an array those are
its dtype, its number of dimensions and its layout (every array of
:func:`actuary.engine.records.kernel_inputs` is C-contiguous), not its size. So a
:class:`~actuary.engine.records.KernelInputs` whose arrays have one element in each
dimension has the very types of a real basis's inputs, and compiling the kernel for them
fills numba's cache with the specialisation the run then loads.

:data:`COHORT_FIELDS` spells each record's fields in order: ``"f8:3"`` a float64 array of
3 dimensions, ``"i8:1"`` an int64 array of one, ``"int"``, ``"float"``. A new field of a
record needs its line here (a test compares them with the real inputs); until then a first
run finds the types different, stops the early compilation and compiles the kernel itself
as it would without it: slower, never wrong.
"""

from __future__ import annotations

import numpy as np

from actuary.engine.records import (
    KernelDecrements,
    KernelInputs,
    KernelPaths,
    KernelRules,
    KernelStart,
)

__all__ = ["COHORT_FIELDS", "cohort_inputs", "compile_cohort_early", "describe"]

#: Each record of :class:`KernelInputs` with its fields' kinds, in field order.
COHORT_FIELDS: dict[type, str] = {
    KernelRules: "i8:1 f8:1 f8:1 f8:1 f8:1 f8:1 f8:1 f8:1 f8:1 i8:1 f8:1 int int int float "
                 "float float float float float float float float float float f8:1 float float",
    KernelPaths: "f8:1 f8:1 f8:1 f8:1 f8:1 f8:3 f8:3 f8:2 float",
    KernelDecrements: "f8:3 f8:3 f8:3 f8:3 f8:3 f8:2 f8:2 f8:2 i8:1 int int",
    KernelStart: "f8:3 f8:3 f8:3 f8:3 f8:3 f8:2 f8:2 f8:2 f8:2 f8:2 f8:2 f8:2 f8:2 f8:3 f8:3",
}

_SCALARS = {"int": 0, "float": 0.0}


def describe(record: tuple) -> str:
    """The kinds of a record's fields as :data:`COHORT_FIELDS` spells them."""
    kinds = []
    for value in record:
        if isinstance(value, np.ndarray):
            kinds.append(f"{value.dtype.kind}{value.dtype.itemsize}:{value.ndim}")
        else:
            kinds.append(type(value).__name__)
    return " ".join(kinds)


def _tiny(kinds: str) -> list:
    """A value of each kind: arrays of one element in every dimension, zeros."""
    out = []
    for kind in kinds.split():
        if kind in _SCALARS:
            out.append(_SCALARS[kind])
        else:
            dtype, ndim = kind.split(":")
            out.append(np.zeros((1,) * int(ndim), dtype=np.dtype(dtype)))
    return out


def cohort_inputs() -> tuple:
    """Arguments of :func:`actuary.engine.kernels.project_kernel` with the types of a
    scheme without the final-salary formula and without retirement at any age (the
    ``None`` switches), the masses of every year kept: the specialisation ``actuary
    valuate`` runs for such a scheme, and the one the member engine's rules imply (it
    values neither rule)."""
    rules, paths, decrements, start = (cls(*_tiny(COHORT_FIELDS[cls]))
                                       for cls in (KernelRules, KernelPaths, KernelDecrements,
                                                   KernelStart))
    return tuple(KernelInputs(rules, paths, decrements, start, None, None, True))


def compile_cohort_early() -> bool:
    """At a command's start (a first run): compile the cohort kernel for
    :func:`cohort_inputs`'s types in a worker process (see
    :func:`actuary.engine.ahead.compile_early`); :func:`actuary.engine.projection.run_kernel`
    waits for it, or stops it for other types. True when a worker was started."""
    from actuary.engine.ahead import compile_early

    return compile_early("actuary.engine.kernels", "project_kernel", __name__, "cohort_inputs")
