"""The allocator setting of :mod:`actuary.memory`: projections reuse freed memory."""

from __future__ import annotations

import resource

import pytest

from actuary.assumptions import load_basis
from actuary.build import build_basis
from actuary.memory import retain_freed_blocks
from actuary.projection import run_kernel
from actuary.valuation import load_population


def test_repeated_projections_do_not_fault_in_fresh_pages():
    if not retain_freed_blocks():
        pytest.skip("not glibc: the allocator is left as it is")
    aset = load_basis()
    basis = build_basis(aset, load_population(aset, None), horizon=100)
    for _ in range(3):
        run_kernel(basis)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        run_kernel(basis)
    per_projection = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20
    # Its two ~1 MiB outputs are 2 x 257 pages of 4 KiB: mapped fresh each time, a
    # projection faults in about 500 pages (494 measured without the setting).
    assert per_projection < 50


def test_the_setting_is_made_once():
    assert retain_freed_blocks() is retain_freed_blocks()
