"""The cohort kernel's argument types without a basis (actuary.engine.kernel_types): tiny
inputs with the very numba types of a real basis's, so that a first run's early worker
compiles the specialisation the run then loads from the cache."""

from __future__ import annotations

import numpy as np

from actuary.analysis.valuation import load_population
from actuary.assumptions import load_basis
from actuary.engine.ahead import signature
from actuary.engine.build import build_basis
from actuary.engine.kernel_types import COHORT_FIELDS, cohort_inputs, describe
from actuary.engine.records import kernel_inputs


def test_the_tiny_inputs_have_the_types_of_the_default_sets_inputs():
    aset = load_basis()
    inputs = kernel_inputs(build_basis(aset, load_population(aset, None), horizon=5))
    for record in inputs[:4]:
        # a new field of a record: its kind goes in COHORT_FIELDS
        assert describe(record) == COHORT_FIELDS[type(record)], type(record).__name__
    assert signature(tuple(inputs)) == signature(cohort_inputs())
    assert all(a.size == 1 for r in cohort_inputs()[:4] for a in r if isinstance(a, np.ndarray))


def test_other_switches_are_other_types():
    """A scheme with the final-salary formula runs another specialisation: its types
    differ, so a worker compiling the default one is stopped, not waited for."""
    ins = cohort_inputs()
    other = ins[:4] + (True,) + ins[5:]
    assert signature(other) != signature(ins)
