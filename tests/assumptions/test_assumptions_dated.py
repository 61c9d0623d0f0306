"""Dated parameters: resolution to calendar years, extension rules, validation.

Every expected number below is worked out by hand in the comments (month-based year:
1 October is 9/12 of the way through a year), never taken from the code's output.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from pydantic import ValidationError

from actuary.assumptions.dated import (
    DatedAmount,
    DatedChoice,
    DatedFraction,
    DatedRate,
    Extension,
    parse_date_key,
    year_time,
)
from actuary.assumptions.scheme import Revaluation
from actuary.io.errors import AssumptionError

META = {"description": "test parameter", "reference": "hand-written", "status": "confirmed"}


def fraction(values, extend="none"):
    return DatedFraction(unit="fraction", values=values, extend=extend, **META)


def nssf_rate():
    # The NSSF schedule: 4% from Oct 2022, 8% from Oct 2027, 10.75% from Oct 2032,
    # then +2.75 points on every 10th anniversary of 1 Oct 2032.
    return fraction(
        {date(2022, 10, 1): 0.04, date(2027, 10, 1): 0.08, date(2032, 10, 1): 0.1075},
        {"every_years": 10, "add": 0.0275},
    )


# -- the time axis ----------------------------------------------------------------


def test_year_time_is_month_based():
    assert year_time(date(2027, 1, 1)) == 2027
    assert year_time(date(2027, 10, 1)) == 2027 + 0.75  # 9 months of 12
    # 16 March: 2 whole months plus 15 of March's 31 days.
    assert float(year_time(date(2025, 3, 16))) == pytest.approx(2025 + (2 + 15 / 31) / 12, abs=1e-15)


def test_date_keys_accept_dates_iso_strings_and_years():
    assert parse_date_key(date(2030, 5, 1)) == date(2030, 5, 1)
    assert parse_date_key("2030-05-01") == date(2030, 5, 1)
    assert parse_date_key(2030) == date(2030, 1, 1)
    for bad in ("May 2030", "2030-13-01", 12, True, 2.5):
        with pytest.raises(ValueError, match="not a date"):
            parse_date_key(bad)


# -- yearly() against hand calculations ---------------------------------------------


def test_average_over_a_year_with_an_october_change():
    p = nssf_rate()
    got = p.yearly(2026, 2028)
    # 2026: 4% all year. 2027: 9 months at 4%, 3 months at 8% = 0.75*0.04 + 0.25*0.08 = 0.05.
    # 2028: 8% all year.
    assert got == pytest.approx([0.04, 0.05, 0.08], abs=1e-15)
    assert p.yearly(2027, 2027, how="start")[0] == 0.04  # in force on 1 January
    assert p.yearly(2027, 2027, how="end")[0] == 0.08  # in force on 31 December


def test_step_extension_adds_2_75_points_every_10_years():
    p = nssf_rate()
    got = p.yearly(2041, 2053)
    # 10.75% until 30 Sep 2042; 13.5% from 1 Oct 2042; 16.25% from 1 Oct 2052.
    want = [0.1075] + [0.75 * 0.1075 + 0.25 * 0.135] + [0.135] * 9 + [0.75 * 0.135 + 0.25 * 0.1625] + [0.1625]
    assert got == pytest.approx(want, abs=1e-15)
    assert p.value_at(date(2042, 9, 30)) == pytest.approx(0.1075)
    assert p.value_at(date(2042, 10, 1)) == pytest.approx(0.135)
    assert p.value_at(date(2072, 10, 1)) == pytest.approx(0.1075 + 4 * 0.0275)  # 4th step: 21.75%


def test_index_extension_applies_growth_year_by_year_from_the_year_after():
    floor = DatedAmount(
        unit="KHR per month",
        values={date(2022, 10, 1): 400000, date(2025, 1, 1): 400000},
        extend={"index": "wage_growth"},
        **META,
    )
    growth = np.array([0.50, 0.05, 0.04, 0.03])  # 2025..2028; 2025's is not used
    got = floor.yearly(2025, 2028, indices={"wage_growth": growth})
    # 2025: 400,000 (last date's year); 2026: x1.05 = 420,000; 2027: x1.04 = 436,800;
    # 2028: x1.03 = 449,904.
    assert got == pytest.approx([400000, 420000, 436800, 449904], rel=1e-15)
    assert floor.value_at(date(2027, 6, 1), indices={"wage_growth": {2026: 0.05, 2027: 0.04}}) == pytest.approx(436800)


def test_index_extension_needs_the_index_within_the_projection():
    floor = DatedAmount(unit="KHR per month", values={date(2022, 10, 1): 400000}, extend={"index": "wage_growth"}, **META)
    # Indexing would start in 2023, before the first projection year 2025.
    with pytest.raises(AssumptionError, match="needs wage_growth for 2023"):
        floor.yearly(2025, 2026, indices={"wage_growth": np.zeros(2)})
    with pytest.raises(AssumptionError, match="no index values were given"):
        floor.yearly(2025, 2026)


def test_grow_extension_steps_on_anniversaries():
    p = DatedAmount(unit="KHR", values={date(2025, 7, 1): 100.0}, extend={"grow": 0.1}, **META)
    # 100 from 1 Jul 2025, 110 from 1 Jul 2026, 121 from 1 Jul 2027.
    # 2026: half at 100, half at 110 = 105; 2027: half 110, half 121 = 115.5.
    assert p.yearly(2026, 2027) == pytest.approx([105.0, 115.5], rel=1e-15)


def test_hold_and_mid_month_change():
    p = DatedRate(unit="fraction per year", values={date(2025, 1, 1): 0.02, date(2025, 3, 16): 0.06}, extend="hold", **META)
    w = (2 + 15 / 31) / 12  # share of 2025 before 16 March
    assert p.yearly(2025, 2027) == pytest.approx([w * 0.02 + (1 - w) * 0.06, 0.06, 0.06], abs=1e-15)


def test_anniversary_of_29_february_falls_on_28_february():
    p = DatedAmount(unit="KHR", values={date(2024, 2, 29): 10.0}, extend={"every_years": 1, "add": 1.0}, **META)
    assert p.value_at(date(2025, 2, 27)) == 10.0
    assert p.value_at(date(2025, 2, 28)) == 11.0


def test_series_without_extension_fails_beyond_its_last_date():
    p = fraction({date(2025, 1, 1): 0.1, date(2030, 1, 1): 0.2})
    assert p.yearly(2025, 2029) == pytest.approx([0.1] * 5)
    with pytest.raises(AssumptionError) as err:
        p.yearly(2025, 2030)
    text = str(err.value)
    assert "2030-01-01" in text and "2030-12-31" in text and "extend: none" in text


def test_value_before_the_first_date_is_an_error():
    with pytest.raises(AssumptionError, match="no value before the first date 2022-10-01"):
        nssf_rate().yearly(2022, 2023)


def test_extension_leaving_the_range_is_an_error():
    p = fraction({date(2025, 1, 1): 0.9}, {"grow": 0.05})
    # 0.9 * 1.05 = 0.945 (2026), 0.99225 (2027), 1.0418625 (2028): out of [0, 1].
    assert p.yearly(2025, 2027) == pytest.approx([0.9, 0.945, 0.99225])
    with pytest.raises(AssumptionError, match="from 2028-01-01"):
        p.yearly(2025, 2028)


def test_choice_is_resolved_at_the_start_or_end_of_a_year():
    r = Revaluation(unit="choice", values={date(2022, 10, 1): "wage_growth", date(2030, 7, 1): "price_inflation"},
                    extend="hold", **META)
    assert list(r.yearly(2029, 2031, how="start")) == ["wage_growth", "wage_growth", "price_inflation"]
    assert list(r.yearly(2029, 2031, how="end")) == ["wage_growth", "price_inflation", "price_inflation"]
    with pytest.raises(ValueError, match="cannot be averaged"):
        r.yearly(2029, 2031, how="average")
    with pytest.raises(ValidationError):
        Revaluation(unit="choice", values={date(2022, 10, 1): "wage_growth"}, extend={"grow": 0.1}, **META)
    assert issubclass(Revaluation, DatedChoice)


# -- validation -------------------------------------------------------------------------


def _errors(**kwargs):
    with pytest.raises(ValidationError) as err:
        DatedFraction(**{"unit": "fraction", **META, **kwargs})
    return [(".".join(map(str, e["loc"])), e["msg"]) for e in err.value.errors()]


def test_out_of_range_value_is_located_at_its_date():
    [(loc, msg)] = _errors(values={date(2022, 10, 1): 0.04, date(2027, 10, 1): 1.08})
    assert loc == "values.2027-10-01" and "[0, 1]" in msg


def test_dates_must_be_strictly_increasing_and_unique():
    [(loc, msg)] = _errors(values={date(2030, 1, 1): 0.1, date(2025, 1, 1): 0.2})
    assert loc == "values" and "2025-01-01 comes after 2030-01-01" in msg
    [(loc, msg)] = _errors(values={2030: 0.1, "2030-01-01": 0.2})
    assert "2030 and 2030-01-01 are the same day" in msg
    [(loc, msg)] = _errors(values={})
    assert "at least one" in msg


def test_numbers_must_be_numbers():
    for bad in (True, "0.5", float("nan")):
        [(loc, msg)] = _errors(values={date(2030, 1, 1): bad})
        assert loc == "values.2030-01-01"


def test_unit_must_fit_the_kind():
    [(loc, msg)] = _errors(unit="percent", values={date(2030, 1, 1): 0.5})
    assert loc == "unit" and "'fraction'" in msg


def test_extension_forms():
    assert Extension.model_validate("hold").rule == "hold"
    assert Extension.model_validate({"every_years": 10, "add": 0.0275}).rule == "step"
    assert Extension.model_validate({"grow": 0.02}).rule == "grow"
    assert Extension.model_validate({"index": "price_inflation", "status": "unverified"}).status == "unverified"
    for bad in ("forever", {"grow": 1.5}, {"index": "gold_price"}, {"every_years": 10}, {"every_years": 0, "add": 1}):
        with pytest.raises(ValidationError):
            Extension.model_validate(bad)


def test_required_texts():
    with pytest.raises(ValidationError) as err:
        DatedFraction(description=" ", unit="fraction", reference="r", status="sure", values={2030: 0.1})
    locs = {e["loc"][0] for e in err.value.errors()}
    assert locs == {"description", "status"}
