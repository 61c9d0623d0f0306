"""The engine's entries compiled at install (actuary.engine.native): the same results as
numba's just-in-time code, used only when right for the call, and a default valuation
that then imports no numba.

The modules are built by ``pip install`` (setup.py). Where they are not (no C compiler),
the tests that need them skip, except under ``ACTUARY_REQUIRE_NATIVE=1`` (CI), where the
install must have built them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import namedtuple

import numpy as np
import pytest

from actuary.engine import native
from actuary.engine.kernel_types import capped_mean_inputs, cohort_inputs, member_inputs
from native_required import require_native


def _require(name: str) -> None:
    require_native(name, _SAMPLES[name](), "compared here with numba's code")


_SAMPLES = {"project_kernel": cohort_inputs, "value_members_serial": member_inputs,
            "capped_mean": capped_mean_inputs}


def test_the_samples_are_the_entries_of_the_registry():
    assert set(_SAMPLES) == set(native.ENTRIES)
    for name, entry in native.ENTRIES.items():
        module, function = entry.sample.split(":")
        assert f"{_SAMPLES[name].__module__}:{_SAMPLES[name].__name__}" == entry.sample


def test_describe_spells_what_numba_types():
    a = np.zeros((2, 3))
    assert native.describe(a) == "<f8:2C"
    assert native.describe(a[:, 1]) == "<f8:1A"  # a strided view: another specialisation
    assert native.describe(np.asfortranarray(a)) == "<f8:2F"
    ro = np.zeros(3, dtype=np.int64)
    ro.flags.writeable = False
    assert native.describe(ro) == "<i8:1Cr"
    Pair = namedtuple("Pair", "x y")
    assert native.describe(Pair(1, 2.0)) == "Pair(int,float)"
    assert native.describe((1, 2.0)) == "(int,float)"
    assert native.describe((None, True, np.float64(1.0))) == "(none,bool,<f8)"


def test_other_types_or_a_changed_tree_or_the_switch_get_none(monkeypatch):
    _require("project_kernel")
    ins = cohort_inputs()
    assert native.function("project_kernel", ins) is not None
    # the final-salary formula: another specialisation, not the one compiled at install
    assert native.function("project_kernel", ins[:4] + (True,) + ins[5:]) is None
    monkeypatch.setenv(native.ENVIRONMENT, "0")
    assert native.function("project_kernel", ins) is None
    assert not native.installed("project_kernel")
    monkeypatch.delenv(native.ENVIRONMENT)
    # an edited engine: the stamp of this tree is no longer the module's
    native._fresh.cache_clear()
    monkeypatch.setattr(native, "package_stamp", lambda root: "an edited tree")
    try:
        assert native.function("project_kernel", ins) is None
    finally:
        native._fresh.cache_clear()


def _default_basis():
    from actuary.analysis.valuation import load_population
    from actuary.assumptions import load_basis
    from actuary.engine.build import build_basis

    aset = load_basis()
    return build_basis(aset, load_population(aset, None), horizon=100)


def test_the_cohort_kernel_compiled_at_install_is_numbas_to_rounding():
    _require("project_kernel")
    from actuary.engine.kernels import project_kernel
    from actuary.engine.records import kernel_inputs

    inputs = kernel_inputs(_default_basis())
    compiled = native.function("project_kernel", inputs)
    assert compiled is not None
    for ours, numbas in zip(compiled(*inputs), project_kernel(*inputs)):
        assert ours.shape == numbas.shape
        np.testing.assert_allclose(ours, numbas, rtol=1e-13, atol=0.0)


def test_the_member_engine_compiled_at_install_is_numbas_to_rounding():
    _require("value_members_serial")
    from actuary.analysis.valuation import load_population
    from actuary.assumptions import load_basis
    from actuary.engine.build import start_rules
    from actuary.engine.member_entry import value_members_serial
    from actuary.members.closed_group import MemberSet, _kernel_args, discount_factors

    aset = load_basis()
    basis = _default_basis()
    members = MemberSet.from_population(load_population(aset, None), start_rules(aset))
    args = _kernel_args(basis, members, discount_factors(basis))
    compiled = native.function("value_members_serial", args)
    assert compiled is not None
    for ours, numbas in zip(compiled(*args), value_members_serial(*args)):
        np.testing.assert_allclose(ours, numbas, rtol=1e-13, atol=0.0)


def test_the_capped_mean_compiled_at_install_is_numbas():
    _require("capped_mean")
    from actuary.engine.wages import capped_mean

    compiled = native.function("capped_mean", capped_mean_inputs())
    for mean in (1e5, 4e5, 9.25e5, 3e6):
        for sigma in (0.0, 0.2, 0.6):
            ours = compiled(mean, 4e5, 1.2e6, sigma)
            assert ours == pytest.approx(capped_mean(mean, 4e5, 1.2e6, sigma), rel=1e-14)


VALUATE = """
import sys
import actuary as act
act.valuate(act.load_basis())
print(sorted(m for m in ("numba", "llvmlite") if m in sys.modules))
"""


def test_a_default_valuation_on_the_compiled_engine_imports_no_numba():
    for name in native.ENTRIES:
        _require(name)
    out = subprocess.run([sys.executable, "-c", VALUATE], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_each_entry_is_compiled_ahead_at_its_functions_own_level():
    """The cohort kernel compiles at jitopt's IR level (LevelCompiler), the others at
    numba's: the module's final optimisation follows the function's own pipeline."""
    from numba.core import config

    from actuary.engine import native_build
    from actuary.engine.jitopt import IR_LEVEL

    seen = {}
    for name in native.ENTRIES:
        with native_build.level(name):
            seen[name] = int(config.OPT)
    if "NUMBA_OPT" not in os.environ:
        assert seen["project_kernel"] == IR_LEVEL
        assert seen["value_members_serial"] == seen["capped_mean"] == int(config.OPT) != IR_LEVEL
