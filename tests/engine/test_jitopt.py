"""The cohort kernel's LLVM optimisation level (actuary.engine.jitopt)."""

from __future__ import annotations

import numba
import pytest
from numba.core import config

from actuary.engine.jitopt import IR_LEVEL, LevelCompiler, ir_level
from actuary.engine.kernels import project_kernel
from actuary.studies.stochastic.full_kernel import run_scenarios


def test_the_level_holds_within_the_block_and_is_restored_after(monkeypatch):
    monkeypatch.delenv("NUMBA_OPT", raising=False)
    before = (int(config.OPT), config.LOOP_VECTORIZE)
    with ir_level(1):
        assert int(config.OPT) == 1
        assert config.LOOP_VECTORIZE == 0
    assert (int(config.OPT), config.LOOP_VECTORIZE) == before
    with pytest.raises(RuntimeError):
        with ir_level(1):
            raise RuntimeError("a failed compilation")
    assert (int(config.OPT), config.LOOP_VECTORIZE) == before


def test_a_level_set_in_the_environment_wins(monkeypatch):
    monkeypatch.setenv("NUMBA_OPT", "3")
    before = (int(config.OPT), config.LOOP_VECTORIZE)
    with ir_level(1):
        assert (int(config.OPT), config.LOOP_VECTORIZE) == before


def test_a_function_compiles_within_the_level_and_leaves_numba_as_it_was(monkeypatch):
    monkeypatch.delenv("NUMBA_OPT", raising=False)
    import actuary.engine.jitopt as jitopt

    seen = []
    original = jitopt.ir_level

    def spy(level):
        seen.append(level)
        return original(level)

    monkeypatch.setattr(jitopt, "ir_level", spy)

    @numba.njit(pipeline_class=LevelCompiler)
    def total(n):
        s = 0.0
        for i in range(n):
            s += 0.5 * i
        return s

    before = (int(config.OPT), config.LOOP_VECTORIZE)
    assert total(5) == 0.5 * (0 + 1 + 2 + 3 + 4)
    assert seen == [IR_LEVEL]
    assert (int(config.OPT), config.LOOP_VECTORIZE) == before


def test_the_cohort_kernel_and_the_stochastic_batch_use_it():
    # the batch embeds the kernel: compiled at -O3 it would optimise the kernel again
    assert project_kernel._compiler.pipeline_class is LevelCompiler
    assert run_scenarios._compiler.pipeline_class is LevelCompiler
    assert IR_LEVEL == 1
