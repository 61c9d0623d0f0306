"""The cohort kernel's argument types without a basis (actuary.engine.kernel_types): tiny
inputs with the very numba types of a real basis's, so that a first run's early worker
compiles the specialisation the run then loads from the cache."""

from __future__ import annotations

import numpy as np

from actuary.analysis.valuation import load_population
from actuary.assumptions import load_basis
from actuary.engine.ahead import signature
from actuary.engine.build import build_basis
from actuary.engine.kernel_types import cohort_inputs, member_inputs
from actuary.engine.native import describe
from actuary.engine.records import kernel_inputs


def test_the_tiny_inputs_have_the_types_of_the_default_sets_inputs():
    aset = load_basis()
    inputs = kernel_inputs(build_basis(aset, load_population(aset, None), horizon=5))
    for record, tiny in zip(inputs[:4], cohort_inputs()[:4]):
        # a new field of a record: its kind goes in COHORT_FIELDS
        assert describe(record) == describe(tiny), type(record).__name__
    assert describe(tuple(inputs)) == describe(cohort_inputs())
    assert signature(tuple(inputs)) == signature(cohort_inputs())
    assert all(a.size == 1 for r in cohort_inputs()[:4] for a in r if isinstance(a, np.ndarray))


def test_other_switches_are_other_types():
    """A scheme with the final-salary formula runs another specialisation: its types
    differ, so a worker compiling the default one is stopped, not waited for."""
    ins = cohort_inputs()
    other = ins[:4] + (True,) + ins[5:]
    assert signature(other) != signature(ins)


def test_the_member_engines_tiny_inputs_have_the_types_of_a_valuations():
    """:func:`member_inputs` (what the install compiles the member engine for) against the
    arguments a default valuation's accrued rights give it."""
    from actuary.engine.build import start_rules
    from actuary.members.closed_group import MemberSet, _kernel_args, discount_factors

    aset = load_basis()
    population = load_population(aset, None)
    basis = build_basis(aset, population, horizon=5)
    members = MemberSet.from_population(population, start_rules(aset))
    args = _kernel_args(basis, members, discount_factors(basis))
    # a new argument or field: its kind goes in MEMBER_FIELDS or COHORT_FIELDS
    assert describe(args) == describe(member_inputs())
