"""Sensitivity and crisis tests: each changes what it says and nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from actuary.assumptions import load_basis
from actuary.engine.build import build_basis
from actuary.engine.projection import project
from actuary.analysis.sensitivity import SENSITIVITIES, crisis_basis, overlay, sensitivity_table
from actuary.analysis.valuation import load_population, run_valuation


@pytest.fixture(scope="module")
def base():
    aset = load_basis()
    pop = load_population(aset, None)
    return aset, pop, build_basis(aset, pop)


def test_overlay_changes_only_what_it_names(base):
    aset = base[0]
    changed = overlay(aset, {"demographic.mortality.scale": 0.9}, "test")
    assert changed.demographic.mortality.scale == 0.9
    assert changed.economic.model_dump() == aset.economic.model_dump()
    assert changed.scheme.model_dump() == aset.scheme.model_dump()
    assert changed.content_hash() != aset.content_hash()


def test_shifted_series_move_by_exactly_one_point(base):
    aset = base[0]
    sens = next(s for s in SENSITIVITIES if s.name == "wage growth +1 pt")
    changed = overlay(aset, sens.overrides(aset), sens.name)
    before = aset.economic.wage_growth.yearly(2025, 2124)
    after = changed.economic.wage_growth.yearly(2025, 2124)
    np.testing.assert_allclose(after - before, 0.01, atol=1e-15)


def test_crisis_halves_that_years_contributions_only(base):
    _, _, b = base
    p0 = project(b)
    kept = project(crisis_basis(b, 2026, 6, keep_credits=True))
    lost = project(crisis_basis(b, 2026, 6, keep_credits=False))
    t = 2026 - b.first_year
    assert kept.contributions[t] == pytest.approx(0.5 * p0.contributions[t], rel=1e-12)
    np.testing.assert_allclose(np.delete(kept.contributions, t), np.delete(p0.contributions, t),
                               rtol=1e-12)
    # credits kept: every benefit as in the base; credits lost: pensions later are lower
    np.testing.assert_allclose(kept.benefits, p0.benefits, rtol=1e-12)
    assert lost.benefits[t + 30] < p0.benefits[t + 30]
    # (in the crisis year itself, mid-year awards and year-end refunds already see the
    # lost half year of credit; before it nothing changes)
    assert lost.benefits[:t] == pytest.approx(p0.benefits[:t], rel=1e-12)
    assert lost.benefits[t] < p0.benefits[t]


def test_sensitivity_table_directions(base):
    aset, pop, b = base
    result = run_valuation(aset, pop, basis=b)
    table = sensitivity_table(result).set_index("test")
    assert table.loc["base", "gap_change"] == 0.0
    # people living longer cost more; a lower return needs a higher level premium
    assert table.loc["mortality -10%", "gap_change"] > 0
    assert table.loc["mortality +10%", "gap_change"] < 0
    assert table.loc["investment return -1 pt", "gap_change"] > 0
    assert table.loc["pension age +2 from 2030", "gap_change"] < 0
    # six months without contributions, rights kept: a higher level premium afterwards
    crisis = [name for name in table.index if name.startswith("crisis") and "kept" in name]
    assert table.loc[crisis[0], "gap_change"] > 0
    assert len(table) == 1 + len(SENSITIVITIES) + 2


def test_a_one_year_valuation_runs_the_tests_that_fit(base):
    # the crisis falls in the second projection year: a one-year projection has none
    aset, pop, _ = base
    said = []
    table = sensitivity_table(run_valuation(aset, pop, horizon=1), progress=said.append)
    assert list(table["test"]) == ["base", *(s.name for s in SENSITIVITIES)]
    assert "  stress: crisis 2026 not run (a one-year projection)" in said
    two = sensitivity_table(run_valuation(aset, pop, horizon=2))
    assert len(two) == len(table) + 2 and two["test"].iloc[-1].startswith("crisis 2026")
