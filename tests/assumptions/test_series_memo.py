"""DatedParameter.yearly's series kept by content (assumptions.series_memo): the same
series as made afresh for every dated parameter of the default set, each parameter
its own series when anything it depends on differs, errors raised every time, and a
caller's changes to its array never reaching another caller."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from actuary.assumptions import load_basis
from actuary.assumptions import series_memo
from actuary.assumptions.dated import DatedAmount, DatedChoice, DatedFraction
from actuary.io.errors import AssumptionError

META = {"description": "test parameter", "reference": "hand-written", "status": "confirmed"}


@pytest.fixture
def fresh(monkeypatch):
    """An empty memo for the test (the process's own is left as it was)."""
    monkeypatch.setattr(series_memo, "_KEPT", {})
    return series_memo._KEPT


def test_every_series_of_the_default_set_is_the_one_made_afresh(fresh):
    aset = load_basis()
    first, last = aset.first_year, aset.last_year
    indices = aset.indices()
    params = list(aset.dated_parameters().values())
    calls = [(p, how) for p in params
             for how in (("start", "end") if isinstance(p, DatedChoice) else ("average", "start", "end"))]
    made = [p.yearly(first, last, how, indices) for p, how in calls]
    assert fresh  # kept
    for (p, how), want in zip(calls, made):
        again = p.yearly(first, last, how, indices)  # from the memo
        np.testing.assert_array_equal(again, want)
        assert again.dtype == want.dtype
        fresh.clear()
        np.testing.assert_array_equal(p.yearly(first, last, how, indices), want)  # afresh


def _amount(values, extend="hold", cls=DatedAmount):
    return cls(unit="KHR per month" if cls is DatedAmount else "fraction", values=values,
               extend=extend, **META)


def test_what_a_series_depends_on_makes_its_own(fresh):
    a = _amount({date(2024, 1, 1): 100.0})
    assert a.yearly(2024, 2025).tolist() == [100.0, 100.0]
    b = _amount({date(2024, 1, 1): 200.0})
    assert b.yearly(2024, 2025).tolist() == [200.0, 200.0]
    c = _amount({date(2024, 1, 1): 100.0}, {"grow": 0.1})
    assert c.yearly(2024, 2026).tolist() == pytest.approx([100.0, 110.0, 121.0])  # 1 January
    assert a.yearly(2025, 2026).tolist() == [100.0, 100.0]  # other years, same parameter
    zero, minus = _amount({date(2024, 1, 1): 0.0}), _amount({date(2024, 1, 1): -0.0})
    assert np.signbit(zero.yearly(2024, 2024, "start")).tolist() == [False]
    assert np.signbit(minus.yearly(2024, 2024, "start")).tolist() == [True]
    as_fraction = _amount({date(2024, 1, 1): 0.5}, cls=DatedFraction)
    as_amount = _amount({date(2024, 1, 1): 0.5})
    assert as_fraction.yearly(2024, 2024).tolist() == as_amount.yearly(2024, 2024).tolist()
    assert len({k[0] for k in fresh}) == 2  # their kinds (bounds) kept apart all the same
    indexed = _amount({date(2024, 1, 1): 100.0}, {"index": "wage_growth"})
    assert indexed.yearly(2024, 2025, indices={"wage_growth": np.array([0.0, 0.1])}
                          ).tolist() == pytest.approx([100.0, 110.0])
    assert indexed.yearly(2024, 2025, indices={"wage_growth": np.array([0.0, 0.2])}
                          ).tolist() == pytest.approx([100.0, 120.0])


def test_errors_are_raised_every_time_and_arrays_are_the_callers_own(fresh):
    floor = _amount({date(2022, 10, 1): 400000.0}, {"index": "wage_growth"})
    for _ in range(2):
        with pytest.raises(AssumptionError, match="no index values were given"):
            floor.yearly(2025, 2026)
    assert not fresh
    a = _amount({date(2024, 1, 1): 1.0})
    got = a.yearly(2024, 2026)
    got[:] = 7.0
    again = a.yearly(2024, 2026)
    assert again.tolist() == [1.0, 1.0, 1.0]
    again[0] = 9.0
    assert a.yearly(2024, 2026).tolist() == [1.0, 1.0, 1.0]


def test_the_memo_stays_bounded(fresh, monkeypatch):
    monkeypatch.setattr(series_memo, "_MAX_KEPT", 3)
    a = _amount({date(2024, 1, 1): 1.0})
    for last in range(2024, 2034):
        assert a.yearly(2024, last).tolist() == [1.0] * (last - 2023)
        assert len(fresh) <= 3


def test_the_key_holds_all_a_series_depends_on():
    """The key is the kind, the dated values and the extension rule: no kind of dated
    parameter may add a field or change how its steps are made without the key taking
    it in (series_memo.series_key)."""
    import actuary.assumptions.models  # noqa: F401  (every kind defined)
    from actuary.assumptions.dated import DatedParameter

    def kinds(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from kinds(sub)

    base = set(DatedParameter.model_fields)
    assert base == {"description", "unit", "reference", "status", "note", "values", "extend"}
    for kind in kinds(DatedParameter):
        assert set(kind.model_fields) == base, kind
        assert "_breakpoints" not in vars(kind) and "value_at" not in vars(kind), kind


def test_a_copy_with_other_values_or_rule_has_its_own_series(fresh):
    """What a parameter's series depend on is kept by parameter (series_memo._content):
    a copy made with other values or another rule (``model_copy(update=...)``, as the
    rate paths make) is not taken for the parameter it was copied from."""
    from actuary.assumptions.dated import Extension

    a = _amount({date(2024, 1, 1): 100.0}, {"grow": 0.1})
    assert a.yearly(2024, 2026).tolist() == pytest.approx([100.0, 110.0, 121.0])
    held = a.model_copy(update={"extend": Extension(rule="hold")})
    assert held.yearly(2024, 2026).tolist() == [100.0, 100.0, 100.0]
    other = a.model_copy(update={"values": {date(2024, 1, 1): 50.0}})
    assert other.yearly(2024, 2026).tolist() == pytest.approx([50.0, 55.0, 60.5])
    assert a.yearly(2024, 2026).tolist() == pytest.approx([100.0, 110.0, 121.0])


def test_what_is_kept_by_parameter_stays_bounded(monkeypatch):
    monkeypatch.setattr(series_memo, "_CONTENT", {})
    monkeypatch.setattr(series_memo, "_MAX_KEPT", 3)
    for v in range(10):
        assert _amount({date(2024, 1, 1): float(v)}).yearly(2024, 2024).tolist() == [float(v)]
        assert len(series_memo._CONTENT) <= 3


def test_a_parameter_given_another_rule_in_place_is_not_served_its_old_series(fresh):
    """Parameters are frozen; one changed all the same behind pydantic's back (its rule
    replaced) is not served what was kept for its old rule."""
    from actuary.assumptions.dated import Extension

    a = _amount({date(2024, 1, 1): 100.0}, {"grow": 0.1})
    assert a.yearly(2024, 2025).tolist() == pytest.approx([100.0, 110.0])
    object.__setattr__(a, "extend", Extension(rule="hold"))
    assert a.yearly(2024, 2025).tolist() == [100.0, 100.0]
