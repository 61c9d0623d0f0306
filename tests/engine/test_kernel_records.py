"""The kernels' inputs as named records (actuary.engine.records)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from conftest import make_basis  # noqa: E402

from actuary.engine import records  # noqa: E402
from actuary.engine.basis import SchemeRules  # noqa: E402
from actuary.engine.records import KernelInputs, kernel_inputs  # noqa: E402

ENGINE = Path(records.__file__).parent


def _compiled_functions():
    for path in sorted(ENGINE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and any(
                    "njit" in ast.unparse(d) for d in node.decorator_list):
                yield path.name, node


def test_no_compiled_function_takes_more_than_20_parameters():
    found = list(_compiled_functions())
    assert any(node.name == "project_kernel" for _, node in found)  # the scan sees the kernels
    wide = [(name, node.name, len(node.args.args)) for name, node in found
            if len(node.args.args) > 20]
    assert wide == []


def test_records_carry_every_rule_and_the_merged_members():
    b = make_basis(3, 5, rules=SchemeRules(old_age_min_years=2, refund_share=0.5))
    inp = kernel_inputs(b)
    assert isinstance(inp, KernelInputs)
    r = inp.rules
    # career average: the conditions in slots of 6 months paid (2 years = 24 months)
    assert (r.old_age_min_slot, r.refund_share, r.paid_slots_a_year) == (4, 0.5, 2.0)
    assert r.contribution_rate is b.contribution_rate  # the basis's arrays, not copies
    k = b.service_slots
    assert inp.start.active_count.shape[2] == k
    # merging the service slots keeps every member
    assert np.isclose(inp.start.active_count.sum(), b.start.active_count.sum(), rtol=1e-14)
    assert inp.final_salary is None and inp.any_early is None


def test_masses_of_the_last_year_only_leave_flows_and_people_as_they_were():
    """``keep_masses=False`` (the stochastic scenarios) keeps one row of masses, worked
    over year by year: flows and people bit for bit those of the full run, and the row
    the full run's masses of the last 1 January."""
    from actuary.engine.kernels import project_kernel

    b = make_basis(5, 30, rules=SchemeRules(old_age_min_years=2, refund_share=0.5))
    inp = kernel_inputs(b)
    assert inp.keep_masses is True
    flows, people, masses = project_kernel(*inp)
    lean = project_kernel(*inp._replace(keep_masses=False))
    assert masses.shape[0] == people.shape[0] and lean[2].shape == (1,) + masses.shape[1:]
    assert np.array_equal(lean[0], flows) and np.array_equal(lean[1], people)
    assert np.array_equal(lean[2][0], masses[-1])
    assert masses[:-1].any()  # the full run's earlier years are there (not the last only)
