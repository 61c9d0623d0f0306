"""The bad-input corpus: every defect gives its own message (file, key path, value),
both from ``load_basis`` and from ``actuary basis check`` (exit 1, no traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from actuary.assumptions import load_basis
from actuary.cli.main import main
from actuary.io.errors import AssumptionError

BAD = Path(__file__).parents[1] / "data" / "bases" / "bad"

# File -> fragments its message must contain: the file named, the key path, the value,
# and what makes this defect different from the others.
EXPECTED: dict[str, list[str]] = {
    "malformed_yaml.yaml": ["malformed_yaml.yaml", "malformed YAML", "line 7, column 30"],
    "unknown_key.yaml": ["unknown_key.yaml", "demographic.mortality.scael", "unknown key 'scael'", "scale"],
    "wrong_type.yaml": ["wrong_type.yaml", "horizon_years", "'a hundred'", "wrong type", "whole number"],
    "rate_above_one.yaml": ["rate_above_one.yaml", "scheme.parameters.contribution_rate.values.2027-10-01", "1.08", "[0, 1]"],
    "negative_amount.yaml": ["negative_amount.yaml", "scheme.parameters.wage_floor.values.2022-10-01", "-400000", ">= 0"],
    "unordered_dates.yaml": ["unordered_dates.yaml", "economic.wage_growth.values", "2025-01-01 comes after 2030-01-01"],
    "duplicate_dates.yaml": ["duplicate_dates.yaml", "found the key 2030-01-01 twice", "line 9"],
    "overlapping_dates.yaml": ["overlapping_dates.yaml", "economic.wage_growth.values", "2030 and 2030-01-01 are the same day"],
    "ends_before_horizon.yaml": ["ends_before_horizon.yaml", "economic.investment_return", "last date 2025-01-01", "2034-12-31"],
    "extension_out_of_range.yaml": ["extension_out_of_range.yaml", "coverage.entrant_female_share", "from 2028-01-01", "[0, 1]"],
    "bad_extension.yaml": ["bad_extension.yaml", "economic.price_inflation.extend", "'forever'"],
    "wrong_unit.yaml": ["wrong_unit.yaml", "scheme.parameters.employer_share.unit", "'percent'", "2 problems",
                        "scheme.parameters.employer_share.values.2022-10-01"],
    "unknown_table.yaml": ["unknown_table.yaml", "demographic.invalidity.table", "'no_such_table'", "unknown table"],
    "table_wrong_kind.yaml": ["table_wrong_kind.yaml", "demographic.exit.table", "kind 'salary_scale'", "'rate'"],
    "table_missing_sex.yaml": ["table_missing_sex.yaml", "demographic.exit.table", "exit_men_only", "no rows for sex F"],
    "table_missing_ages.yaml": ["table_missing_ages.yaml", "demographic.exit.table", "exit_ages_20_60", "ages outside the table",
                                "15-110"],
    "base_missing.yaml": ["base_missing.yaml", "base 'no_such_base.yaml' not found", "cambodia-default"],
    "cycle_a.yaml": ["cycle of bases", "cycle_a.yaml -> ", "cycle_b.yaml -> "],
    "cycle_b.yaml": ["cycle of bases", "cycle_b.yaml -> ", "cycle_a.yaml -> "],
    "unknown_override_path.yaml": ["unknown_override_path.yaml", "overrides.economic.price_inflaton.values",
                                   "'economic.price_inflaton' is not in the base", "price_inflation"],
    "unknown_scheme_parameter.yaml": ["scheme_extra_param.yaml", "scheme.parameters.bonus_rate", "unknown key 'bonus_rate'"],
    "missing_required_parameter.yaml": ["scheme_missing_accrual.yaml", "scheme.parameters.accrual_rate",
                                        "required key 'accrual_rate' is missing"],
    "override_inside_values.yaml": ["override_inside_values.yaml", "overrides.economic.price_inflation.values.2025-01-01",
                                    "replaced as a whole", "'economic.price_inflation.values'"],
    "bad_enum.yaml": ["bad_enum.yaml", "scheme.parameters.revaluation.values.2022-10-01", "'cpi'", "'wage_growth'"],
    "ceiling_below_floor.yaml": ["ceiling_below_floor.yaml", "scheme.parameters.wage_ceiling",
                                 "below the wage floor in 2025", "100,000 < 400,000"],
    "late_first_value.yaml": ["late_first_value.yaml", "economic.investment_return",
                              "no value before the first date 2030-01-01"],
    "several_problems.yaml": ["3 problems", "economic.price_inflation.values.2025-01-01", "1.5",
                              "demographic.mortality.scale", "-1", "scheme.parameters.pension_age.status", "'sure'"],
}


def test_every_corpus_file_has_an_expectation():
    assert sorted(p.name for p in BAD.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_load_basis_names_the_defect(name):
    with pytest.raises(AssumptionError) as err:
        load_basis(BAD / name)
    text = str(err.value)
    for fragment in EXPECTED[name]:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert "pydantic" not in text and "validation error" not in text.lower()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_basis_check_exits_1_without_traceback(name):
    result = CliRunner().invoke(main, ["basis", "check", str(BAD / name)])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ")
    for fragment in EXPECTED[name]:
        assert fragment in result.output
