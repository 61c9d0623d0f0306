"""An LLVM optimisation level for one numba function: the cohort kernel's compiler.

numba optimises every function's LLVM IR at one process-wide level (``NUMBA_OPT``, 3 by
default, with the loop vectoriser on). For the cohort kernel (one large function of
short loops over service slots and many branches) the -O1 pipeline gives faster machine
code than -O3, and compiles faster. Measured on the NSSF default (100 years, 200 warm
calls, min, alternated processes, fresh caches): 3.01-3.17 ms at IR level 1 against
3.46-3.48 ms at 3, first compilation 11.2-11.4 s against 11.7-11.9 s.

:class:`LevelCompiler` is numba's standard nopython pipeline, run with the IR level set
to ``IR_LEVEL`` and the loop vectoriser off while it compiles (``numba.config`` is read
when each pass pipeline is built; compilation holds numba's global lock, so no other
function compiles meanwhile). Functions the kernel calls and that compile during its
compilation get the same level; the machine-code generator keeps numba's own setting.
A ``NUMBA_OPT`` set in the environment wins (debugging, timing).

Results move at rounding level only: LLVM reassociates no floating-point arithmetic
(the kernel allows ``contract`` alone), but which multiply-adds it fuses depends on the
passes. Measured against -O3 on the NSSF default: flows within 3.8e-16 relative, people
and masses bit for bit; ``actuary valuate --csv`` values within 4.8e-16 relative (the
sensitivity table's changes of the reserve ratio, differences of two ratios near 63,
within 1.4e-14 absolute).

Where -O3 lost, measured with ``perf`` on a build with line information: the loop
vectoriser's versions of short loops over service slots (their checks and remainder
loops cost more than they save at a few dozen slots; the clearing pass that was the
largest of them is gone, see :mod:`actuary.engine.slots`), and the inactive members'
slot loop and the per-age code around the pensioner stocks, each a few percent slower at
-O3 without one transformation standing out.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from numba.core import config
from numba.core.compiler import Compiler

from actuary.engine import jitcache

# Before any function of the toolkit is decorated (every module that compiles imports
# this one first): a cached kernel must notice a change in the files it calls into, not
# only in its own (see jitcache).
jitcache.install()

__all__ = ["INNER", "IR_LEVEL", "LevelCompiler", "ir_level"]

#: numba's options for the engines' inner functions, those only a kernel or an entry calls:
#: cached, and without the wrappers that would let Python or C call them (each a tenth of
#: a second or so of a first run to generate and compile: 1.2 s of CPU of the member
#: engine's 9.6 s, about 1 s of the cohort kernel's 11.7 s, measured).
INNER = {"cache": True, "nogil": True, "no_cpython_wrapper": True, "no_cfunc_wrapper": True}

#: The LLVM IR optimisation level of the functions compiled with :class:`LevelCompiler`.
IR_LEVEL = 1


@contextmanager
def ir_level(level: int) -> Iterator[None]:
    """numba's IR optimisation level ``level``, loop vectoriser off, within the block
    (unchanged when the environment sets ``NUMBA_OPT``)."""
    if "NUMBA_OPT" in os.environ:
        yield
        return
    saved = config.OPT, config.LOOP_VECTORIZE
    config.OPT, config.LOOP_VECTORIZE = config._OptLevel(level), 0
    try:
        yield
    finally:
        config.OPT, config.LOOP_VECTORIZE = saved


class LevelCompiler(Compiler):
    """numba's default compiler, its LLVM IR optimised at :data:`IR_LEVEL` (use as
    ``@numba.njit(pipeline_class=LevelCompiler)``)."""

    def compile_extra(self, func):
        with ir_level(IR_LEVEL):
            return super().compile_extra(func)

    def compile_ir(self, func_ir, lifted=(), lifted_from=None):
        with ir_level(IR_LEVEL):
            return super().compile_ir(func_ir, lifted, lifted_from)
