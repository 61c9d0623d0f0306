"""Placeholder tables: labelled, in range, and computed as their sidecars say."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from actuary.tables import Table, TableMeta, load_table
from actuary.tables.placeholders import children

NAMES = ["invalidity", "exit", "reentry", "salary_scale", "share_married", "children",
         "entrant_age"]
AGES = np.arange(15, 111)


@pytest.mark.parametrize("short", NAMES)
def test_placeholders_are_labelled_and_complete(short):
    t = load_table(f"placeholder_cambodia_{short}")
    assert t.meta.status == "unverified"
    assert t.meta.description.startswith("PLACEHOLDER")
    assert "replace" in t.meta.method.lower()  # says what should replace it
    assert t.sexes == ("M", "F") and t.years is None
    assert t.ages[0] == 15 and t.ages[-1] == 110


def test_rates_follow_their_stated_formulas():
    inv = load_table("placeholder_cambodia_invalidity").to_array(AGES)
    np.testing.assert_allclose(inv[0, AGES == 40], 0.0003 * np.exp(0.08 * 20), rtol=1e-11)
    assert np.all(inv[:, AGES >= 60] == 0) and np.all(np.diff(inv[0, AGES < 60]) > 0)
    ex = load_table("placeholder_cambodia_exit").to_array(AGES)
    # flat after 59, at the value of age 59
    assert np.all(ex[:, AGES >= 59] == ex[:, AGES == 59])
    assert ex[1, AGES == 15][0] == 0.30 and ex[0, AGES == 15][0] == 0.25
    assert np.all(ex[1, AGES < 60] >= ex[0, AGES < 60])  # women leave more often
    re = load_table("placeholder_cambodia_reentry").to_array(AGES)
    assert np.all(re[:, AGES >= 59] == re[:, AGES == 59]) and re[0, AGES == 25][0] == 0.30


def test_salary_scale_shape_and_pay_gap():
    s = load_table("placeholder_cambodia_salary_scale").to_array(AGES)
    assert s[0, AGES == 20][0] == pytest.approx(1.0, abs=1e-12)
    assert AGES[np.argmax(s[0])] == 45
    assert s[0].max() == pytest.approx(np.exp(0.375), rel=1e-11)
    np.testing.assert_allclose(s[1] / s[0], 0.90, rtol=1e-11)
    assert np.all(s[:, AGES >= 60] == s[:, AGES == 60])


def test_entrant_ages_sum_to_one_and_are_young():
    e = load_table("placeholder_cambodia_entrant_age").to_array(AGES)
    np.testing.assert_allclose(e.sum(axis=1), 1.0, rtol=1e-11)
    assert np.all(e[:, AGES >= 55] == 0)
    assert AGES[np.argmax(e[1])] == 20 and AGES[np.argmax(e[0])] in (21, 22)


def test_share_married_is_a_share():
    m = load_table("placeholder_cambodia_share_married").to_array(AGES)
    assert np.all((m >= 0) & (m <= 1))
    assert m[1, AGES == 25][0] == pytest.approx(0.68) and m[0, AGES == 40][0] == pytest.approx(0.91)


def _meta() -> TableMeta:
    return TableMeta(source="test", status="derived")


def test_children_on_a_hand_case():
    """Constant ASFR f at 15..49, no child deaths: a woman of 40 has 18 f children under 18."""
    years = np.arange(2000, 2030)
    f = 0.1
    asfr = Table("asfr", "fertility", _meta(), pd.DataFrame(
        [("F", a, y, f) for y in years for a in range(15, 50)], columns=["sex", "age", "year", "value"]))
    qx = Table("qx", "qx", _meta(), pd.DataFrame(
        [(s, a, y, 1.0 if a == 110 else 0.0) for y in years for s in "MF" for a in range(111)],
        columns=["sex", "age", "year", "value"]))
    srb = Table("srb", "ratio", _meta(), pd.DataFrame(
        {"sex": "B", "age": 0, "year": years, "value": 1.05}))
    c = children(asfr, qx, srb).to_array(AGES)
    women, men = c[1], c[0]
    assert women[AGES == 40][0] == pytest.approx(18 * f, rel=1e-12)
    # at 15 only the child born last year counts, at half the rate (aged 14 -> 15 that year)
    assert women[AGES == 15][0] == pytest.approx(0.5 * f, rel=1e-12)
    # at 50 the child born last year (she was 49 -> 50) counts at half the rate, the 17
    # older ones (born at 32..48) fully: 17.5 f
    assert women[AGES == 50][0] == pytest.approx(17.5 * f, rel=1e-12)
    # at 67 only the 17-year-old (born when she was 49 -> 50) is left, at half the rate
    assert women[AGES == 67][0] == pytest.approx(0.5 * f, rel=1e-12)
    assert women[AGES == 68][0] == 0.0
    np.testing.assert_allclose(men[3:], women[:-3], rtol=1e-12)  # fathers 3 years older


def test_children_counts_child_deaths():
    """One-year-old and older children die at rate q each year: survival l(k + 1/2)."""
    years = np.arange(2000, 2030)
    q = 0.1
    asfr = Table("asfr", "fertility", _meta(), pd.DataFrame(
        [("F", a, y, 0.1) for y in years for a in range(15, 50)], columns=["sex", "age", "year", "value"]))
    qx = Table("qx", "qx", _meta(), pd.DataFrame(
        [(s, a, y, 1.0 if a == 110 else q) for y in years for s in "MF" for a in range(111)],
        columns=["sex", "age", "year", "value"]))
    srb = Table("srb", "ratio", _meta(), pd.DataFrame(
        {"sex": "B", "age": 0, "year": years, "value": 1.05}))
    c = children(asfr, qx, srb).to_array(AGES)[1]
    # survival to k + 1/2 under UDD: (1 - q)^k (1 - q/2)
    expected = 0.1 * sum((1 - q) ** k * (1 - q / 2) for k in range(18))
    assert c[AGES == 40][0] == pytest.approx(expected, rel=1e-12)
