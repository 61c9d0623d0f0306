"""The tables on the projection's grid of ages (engine.table_rates): the probabilities of
dying by age last birthday are those of the frame's function on the table's values, kept
by table and years, and each caller's own array."""

from __future__ import annotations

import numpy as np

from actuary.assumptions import load_basis
from actuary.engine import table_rates
from actuary.frame.population import death_probability_by_age_last_birthday
from actuary.tables import Table, load_table


def _q_by_hand(table, years):
    """The table's q on ages 0..110 and ``years`` (end years held), then by age last
    birthday with the frame's function."""
    ages = np.arange(111)
    held = np.clip(years, table.years[0], table.years[-1])
    q = np.array([[[table.data.set_index(["year", "sex", "age"])["value"][(y, s, a)]
                    for a in ages] for s in ("M", "F")] for y in held])
    return death_probability_by_age_last_birthday(q)


def test_last_birthday_q_is_the_frames_on_the_tables_values(monkeypatch):
    monkeypatch.setattr(table_rates, "_LAST_BIRTHDAY_Q", [])
    table = load_basis().tables["demographic.mortality"]
    years = np.arange(2099, 2104)  # across the table's last year: held beyond it
    want = _q_by_hand(table, years)
    first = table_rates.last_birthday_q(table, years)
    np.testing.assert_array_equal(first, want)
    first[:] = 0.0  # the caller's own
    np.testing.assert_array_equal(table_rates.last_birthday_q(table, years), want)
    np.testing.assert_array_equal(table_rates.last_birthday_q(table, years[:2]), want[:2])


def test_another_table_with_the_same_years_has_its_own_q(monkeypatch):
    monkeypatch.setattr(table_rates, "_LAST_BIRTHDAY_Q", [])
    table = load_table("wpp2024_cambodia_qx")
    years = np.arange(2025, 2028)
    base = table_rates.last_birthday_q(table, years)
    data = table.data.assign(value=np.minimum(table.data["value"] * 1.5, 1.0))
    heavier = Table(name="heavier", kind="qx", meta=table.meta, data=data)
    np.testing.assert_array_equal(table_rates.last_birthday_q(heavier, years),
                                  _q_by_hand(heavier, years))
    assert (table_rates.last_birthday_q(heavier, years)[:, :, 1:100]
            > base[:, :, 1:100]).all()
    for _ in range(6):  # bounded: older entries go
        table_rates.last_birthday_q(table, np.arange(2025, 2027 + _))
    assert len(table_rates._LAST_BIRTHDAY_Q) <= 4
