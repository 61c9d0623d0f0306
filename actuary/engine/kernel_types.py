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

__all__ = ["COHORT_FIELDS", "MEMBER_FIELDS", "capped_mean_inputs", "cohort_inputs",
           "compile_cohort_early", "member_inputs"]

#: Each record of :class:`KernelInputs` with its fields' kinds, in field order.
COHORT_FIELDS: dict[type, str] = {
    KernelRules: "i8:1 f8:1 f8:1 f8:1 f8:1 f8:1 f8:1 f8:1 f8:1 i8:1 f8:1 int int int float "
                 "float float float float float float float float float float f8:1 float float",
    KernelPaths: "f8:1 f8:1 f8:1 f8:1 f8:1 f8:3 f8:3 f8:2 float",
    KernelDecrements: "f8:3 f8:3 f8:3 f8:3 f8:3 f8:2 f8:2 f8:2 i8:1 int int",
    KernelStart: "f8:3 f8:3 f8:3 f8:3 f8:3 f8:2 f8:2 f8:2 f8:2 f8:2 f8:2 f8:2 f8:2 f8:3 f8:3",
}

_SCALARS = {"int": 0, "float": 0.0}


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


#: The member engine's arguments after its blocks (four ``i8:1`` arrays) and before its
#: rules (a :class:`KernelRules`): see :func:`actuary.members.closed_group._kernel_args`.
MEMBER_FIELDS = "i8:1 i8:1 i8:1 f8:1 f8:1 f8:1 f8:1 f8:1 int int f8:2 f8:4 f8:3 f8:4"


def _record(cls: type) -> tuple:
    return cls(*_tiny(COHORT_FIELDS[cls]))


def cohort_inputs() -> tuple:
    """Arguments of :func:`actuary.engine.kernels.project_kernel` with the types of a
    scheme without the final-salary formula and without retirement at any age (the
    ``None`` switches), the masses of every year kept: the specialisation ``actuary
    valuate`` runs for such a scheme, and the one the member engine's rules imply (it
    values neither rule)."""
    rules, paths, decrements, start = (_record(cls) for cls in (KernelRules, KernelPaths,
                                                                KernelDecrements, KernelStart))
    return tuple(KernelInputs(rules, paths, decrements, start, None, None, True))


def member_inputs() -> tuple:
    """Arguments of :func:`actuary.engine.member_entry.value_members_serial` with the types
    a valuation's accrued rights give it (the member engine's serial entry)."""
    blocks = tuple(_tiny("i8:1 i8:1 i8:1 i8:1"))
    return (blocks, *_tiny(MEMBER_FIELDS), _record(KernelRules))


def capped_mean_inputs() -> tuple:
    """Arguments of :func:`actuary.engine.wages.capped_mean`: four floats."""
    return (1.0, 1.0, 1.0, 1.0)


def compile_cohort_early() -> bool:
    """At a command's start (a first run): compile the cohort kernel for
    :func:`cohort_inputs`'s types in a worker process (see
    :func:`actuary.engine.ahead.compile_early`); :func:`actuary.engine.projection.run_kernel`
    waits for it, or stops it for other types. True when a worker was started. None is
    started where the kernel compiled at install is right for these types
    (:mod:`actuary.engine.native`)."""
    from actuary.engine import native
    from actuary.engine.ahead import cancel, compile_early

    if native.function("project_kernel", cohort_inputs()) is not None:
        cancel("actuary.engine.kernels", "project_kernel")  # one the command may have started
        return False
    return compile_early("actuary.engine.kernels", "project_kernel", __name__, "cohort_inputs")
