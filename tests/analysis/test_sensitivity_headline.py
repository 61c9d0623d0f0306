"""A sensitivity test's headline indicators (sensitivity._indicators) are those of the
valuation's own summary (results.summary_indicators on the whole year-by-year table),
for projections short and long, with and without a depletion."""

from __future__ import annotations

import math

import pytest

from actuary.analysis.results import cash_flows, summary_indicators, yearly_frame
from actuary.analysis.sensitivity import _indicators
from actuary.engine.projection import project
from conftest import make_basis


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        x, y = a[k], b[k]
        assert (x is None and y is None) or x == y or (
            isinstance(x, float) and math.isnan(x) and math.isnan(y)), k
        assert type(x) is type(y), k


@pytest.mark.parametrize("seed, years", [(0, 5), (1, 30), (2, 80), (3, 101)])
def test_the_headline_is_the_summary_of_the_whole_table(seed, years):
    proj = project(make_basis(seed, years))
    cf = cash_flows(proj)
    _same(_indicators(proj), summary_indicators(cf, yearly_frame(proj, cf, None)))


def test_the_default_valuation_and_a_depletion():
    from actuary.analysis.valuation import valuate

    result = valuate("cambodia-default", sensitivities=False)
    proj = project(result.basis)
    cf = cash_flows(proj)
    _same(_indicators(proj), summary_indicators(cf, yearly_frame(proj, cf, None)))
    poor = project(result.basis.with_(contribution_factor=result.basis.contribution_factor * 0.3))
    got = _indicators(poor)
    cf = cash_flows(poor)
    _same(got, summary_indicators(cf, yearly_frame(poor, cf, None)))
    assert got["depletion_year"] is not None
