"""Loading good assumption sets: the built-in default, the shipped scenarios, overlays,
the content hash, the unverified list and the parameters table."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from actuary.assumptions import AssumptionSet, load_basis, shipped_sets
from actuary.assumptions.inventory import iter_items
from actuary.assumptions.registry import DATA_DIR
from actuary.io.errors import AssumptionError

GOOD = Path(__file__).parents[1] / "data" / "bases" / "good"


@pytest.fixture(scope="module")
def default() -> AssumptionSet:
    return load_basis()


@pytest.fixture(scope="module")
def minimal() -> AssumptionSet:
    return load_basis(GOOD / "minimal.yaml")


def _diff(a, b, path=""):
    """Dotted paths where two plain-data trees differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b), key=str):
            out += _diff(a.get(k), b.get(k), f"{path}.{k}" if path else str(k))
        return out
    return [] if a == b else [path]


# -- the built-in default ------------------------------------------------------------


def test_default_loads_with_its_tables(default):
    assert default.name == "cambodia-default"
    assert (default.first_year, default.last_year) == (2025, 2124)
    assert default.horizon_end == date(2124, 12, 31)
    assert default.scheme.name == "nssf-pension"
    assert set(default.tables) == {
        "demographic.mortality", "demographic.invalidity", "demographic.exit", "demographic.reentry",
        "demographic.salary_scale", "demographic.family.share_married", "demographic.family.children",
        "coverage.entrant_age",
    }
    assert default.tables["demographic.mortality"].name == "wpp2024_cambodia_qx"
    assert default.files[0].endswith("cambodia_default.yaml") and default.files[1].endswith("nssf.yaml")


def test_default_contribution_rate_by_year(default):
    rate = default.scheme.parameters.contribution_rate.yearly(2025, 2043)
    # 4% to Sep 2027, 8% to Sep 2032, 10.75% to Sep 2042, then 13.5% (Oct changes: 3/4 old, 1/4 new).
    want = [0.04, 0.04, 0.05] + [0.08] * 4 + [0.086875] + [0.1075] * 9 + [0.114375, 0.135]
    assert rate == pytest.approx(want, abs=1e-15)


def test_default_wage_floor_follows_wage_growth(default):
    floor = default.scheme.parameters.wage_floor.yearly(2025, 2031, indices=default.indices())
    # Wage growth 5.5% a year to 2029 and 5% in 2030-34; the floor moves from 2026 on.
    want = [400000 * 1.055**k for k in range(5)]
    want += [want[-1] * 1.05, want[-1] * 1.05**2]
    assert floor == pytest.approx(want, rel=1e-12)


def test_transitional_credits_follow_the_stated_interpolation(default):
    credits = default.scheme.parameters.transitional_credits
    # Rule in the note: linear through (50, +10) and (58, +15), flat outside, none below 30.
    for age in range(20, 61):
        want = 0.0 if age < 30 or age > 59 else min(15.0, max(10.0, 10 + (age - 50) * 5 / 8))
        assert credits.extra_years_at(age) == pytest.approx(want), age


def test_gdp_by_year_against_hand_calculation(default):
    gdp = default.economic.gdp
    got = gdp.yearly(2025, 2027)
    # Base 2025 = 209.16 trillion KHR; growth 9% a year in 2026 and 2027.
    assert got == pytest.approx([209.16e12, 209.16e12 * 1.09, 209.16e12 * 1.09**2], rel=1e-12)


def test_every_parameter_has_description_reference_status(default):
    rows = default.parameters_table()
    assert list(rows.columns) == ["path", "description", "values", "unit", "status", "reference", "note"]
    assert len(rows) == len(list(iter_items(default)))
    assert (rows["description"].str.len() > 0).all()
    assert (rows["reference"].str.len() > 0).all()
    assert rows["status"].isin(["confirmed", "secondary", "derived", "unverified"]).all()
    row = rows.set_index("path").loc["scheme.parameters.accrual_rate"]
    assert row["status"] == "unverified" and "0.015" in row["values"]


def test_unverified_lists_parameters_rules_and_tables(default):
    paths = {p for p, *_ in default.unverified()}
    assert "scheme.parameters.accrual_rate" in paths
    assert "scheme.parameters.wage_floor.extend" in paths  # confirmed value, unverified rule
    assert "demographic.exit.table" in paths  # the placeholder table's own status
    assert "scheme.parameters.contribution_rate" not in paths  # confirmed
    assert "demographic.mortality.table" not in paths  # WPP: derived
    for _, description, status, _ in default.unverified():
        assert status == "unverified" and description


def test_what_the_valuation_does_not_use_is_not_listed_as_resting_on(default, minimal):
    # the default draws new entrants from the population frame: the growth path and the
    # entrants' age table are not used, and nothing rests on them
    assert default.coverage.entrants_from == "frame"
    paths = {p for p, *_ in default.unverified()}
    assert not paths & {"coverage.active_growth", "coverage.entrant_age.table"}
    notes = default.parameters_table().set_index("path")["note"]
    for path in ("coverage.active_growth", "coverage.entrant_age",
                 "coverage.entrant_female_share"):
        assert notes[path].startswith("not used: new entrants follow the population frame")
    # a set on the growth path uses them
    assert minimal.coverage.entrants_from == "growth"
    assert {"coverage.active_growth", "coverage.entrant_age.table"} <= {
        p for p, *_ in minimal.unverified()}
    assert not minimal.parameters_table()["note"].str.startswith("not used").any()


# -- shipped scenarios and overlays ---------------------------------------------------


SCENARIOS = sorted(p.name for p in (DATA_DIR / "scenarios").glob("*.yaml"))


def test_all_scenarios_are_shipped():
    assert SCENARIOS == sorted(
        ["accrual_175.yaml", "mortality_minus10.yaml", "wage_growth_plus1.yaml", "inflation_plus1.yaml",
         "return_minus1.yaml", "coverage_growth_minus.yaml", "density_80.yaml", "pension_age_62.yaml"]
    )


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_changes_only_what_it_names(name, default):
    import yaml

    path = DATA_DIR / "scenarios" / name
    overrides = yaml.safe_load(path.read_text())["overrides"]
    aset = load_basis(path)
    changed = _diff(default.model_dump(mode="json"), aset.model_dump(mode="json"))
    assert {"name", "description", "base"} <= set(changed)
    for c in set(changed) - {"name", "description", "base"}:
        assert any(c == k or c.startswith(k + ".") for k in overrides), c
    assert aset.content_hash() != default.content_hash()


def test_accrual_175_merges_into_the_parameter(default):
    aset = load_basis("accrual-1.75")
    p = aset.scheme.parameters.accrual_rate
    assert p.value_at(date(2030, 1, 1)) == 0.0175 and p.status == "secondary"
    # Description and unit are kept from the base.
    assert p.description == default.scheme.parameters.accrual_rate.description
    assert aset.overrides == [("scheme.parameters.accrual_rate", str(DATA_DIR / "scenarios" / "accrual_175.yaml"))]
    note = aset.parameters_table().set_index("path").loc["scheme.parameters.accrual_rate", "note"]
    assert note.startswith("overridden by accrual_175.yaml")


def test_pension_age_62_reform(default):
    age = load_basis("pension-age-62").scheme.parameters.pension_age.yearly(2029, 2034)
    assert list(age) == [60, 61, 61, 61, 62, 62]


def test_overlay_by_relative_path_and_chain(minimal):
    over = load_basis(GOOD / "overlay_relative.yaml")
    assert over.base == "minimal.yaml"
    assert over.economic.investment_return.value_at(date(2030, 1, 1)) == 0.06
    assert over.demographic.mortality.scale == 0.9
    assert over.scheme.parameters.accrual_rate.reference == "atlashxm (maximum accrual rate)"
    changed = set(_diff(minimal.model_dump(mode="json"), over.model_dump(mode="json")))
    assert changed == {
        "name", "description", "base", "economic.investment_return.values.2025-01-01", "demographic.mortality.scale",
        "scheme.parameters.accrual_rate.values.2022-10-01", "scheme.parameters.accrual_rate.reference",
        "scheme.parameters.accrual_rate.status",
    }
    chain = load_basis(GOOD / "overlay_chain.yaml")
    assert chain.economic.investment_return.value_at(date(2030, 1, 1)) == 0.07  # the later file wins
    assert chain.demographic.mortality.scale == 0.9  # from the middle file
    assert chain.scheme.name == "nssf-pension"  # scheme replaced by a shipped name
    assert [Path(f).name for f in chain.files[:3]] == ["overlay_chain.yaml", "overlay_relative.yaml", "minimal.yaml"]


def test_user_table_by_relative_path_and_scalar_shorthand(minimal):
    assert minimal.tables["demographic.exit"].name == "exit_flat"
    factor = minimal.demographic.disabled_mortality_factor
    assert factor.value_at(date(2030, 1, 1)) == 2.0 and factor.status == "unverified"
    assert "demographic.disabled_mortality_factor" in {p for p, *_ in minimal.unverified()}


def test_population_file_by_path_relative_to_the_file_naming_it(tmp_path, monkeypatch, default):
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "members_pop.csv").write_text("any\n")  # read only when valuing
    (folder / "set.yaml").write_text(
        "name: study\nbase: cambodia-default\ndescription: a study's own population\n"
        "overrides:\n  starting_population: members_pop.csv\n")
    monkeypatch.chdir(tmp_path)  # not the set's folder: the path is the set's, not ours
    aset = load_basis("study/set.yaml")
    assert aset.starting_population == "members_pop.csv"  # as written (the hash uses it)
    assert aset.starting_population_file == folder / "members_pop.csv"
    assert default.starting_population_file is None  # a shipped population's name


def test_a_missing_population_file_is_a_problem_of_the_set(tmp_path):
    (tmp_path / "set.yaml").write_text(
        "name: study\nbase: cambodia-default\ndescription: x\n"
        "overrides:\n  starting_population: nowhere.xlsx\n")
    with pytest.raises(AssumptionError) as err:
        load_basis(tmp_path / "set.yaml")
    text = str(err.value)
    assert f"{tmp_path / 'set.yaml'}, at starting_population" in text
    assert "value 'nowhere.xlsx'" in text and str(tmp_path / "nowhere.xlsx") in text


@pytest.mark.parametrize("name, fragment", [
    ("pop.parquet", "a starting population is read from a .csv or .xlsx file"),
    ("some/folder", "a starting population is read from a .csv or .xlsx file"),
    ("dir.csv", "dir.csv is a folder, not a file"),
])
def test_a_population_path_that_cannot_be_read_is_a_problem_of_the_set(tmp_path, name,
                                                                        fragment):
    (tmp_path / "dir.csv").mkdir()
    (tmp_path / "set.yaml").write_text(
        "name: study\nbase: cambodia-default\ndescription: x\n"
        f"overrides:\n  starting_population: {name}\n")
    with pytest.raises(AssumptionError) as err:
        load_basis(tmp_path / "set.yaml")
    assert "at starting_population" in str(err.value) and fragment in str(err.value)
    assert f"value '{name}'" in str(err.value)


@pytest.mark.parametrize("name", ["multi-tier-nssf", "ps-transition-2027"])
def test_a_reform_design_is_not_taken_for_a_set(name):
    # designs are shipped beside the sets and found by name, but only compare values them
    with pytest.raises(AssumptionError) as err:
        load_basis(name)
    text = str(err.value)
    assert "a reform design, not an assumption set" in text and "at design" in text
    assert f"actuary compare BASE {name}" in text and "\n" not in text


def test_a_folder_is_not_taken_for_a_set(tmp_path, monkeypatch):
    (tmp_path / "study.yaml").mkdir()
    with pytest.raises(AssumptionError, match="'.*study.yaml' is a folder, not a file"):
        load_basis(tmp_path / "study.yaml")
    # a folder that happens to bear a shipped set's name does not hide the set
    (tmp_path / "cambodia-default").mkdir()
    monkeypatch.chdir(tmp_path)
    assert load_basis("cambodia-default").name == "cambodia-default"


def test_load_by_name_stem_and_path(default):
    assert load_basis("cambodia_default").content_hash() == default.content_hash()
    assert load_basis(DATA_DIR / "cambodia_default.yaml").content_hash() == default.content_hash()
    assert "cambodia-default" in shipped_sets()
    with pytest.raises(AssumptionError, match="no shipped set"):
        load_basis("no-such-set")


# -- the content hash -------------------------------------------------------------------


def test_hash_ignores_key_order_and_follows_values(minimal):
    data = minimal.model_dump()
    reordered = AssumptionSet.model_validate(dict(reversed(list(data.items()))))
    same = AssumptionSet.model_validate(data)
    assert reordered.content_hash() == same.content_hash()
    data["economic"]["investment_return"]["values"] = {date(2025, 1, 1): 0.0500001}
    assert AssumptionSet.model_validate(data).content_hash() != same.content_hash()


def test_hash_follows_the_data_of_a_user_table(tmp_path, minimal):
    copy = tmp_path / "good"
    shutil.copytree(GOOD, copy)
    assert load_basis(copy / "minimal.yaml").content_hash() == minimal.content_hash()
    csv = copy / "tables" / "exit_flat.csv"
    csv.write_text(csv.read_text().replace("B,40,0.05", "B,40,0.06"))
    assert load_basis(copy / "minimal.yaml").content_hash() != minimal.content_hash()


def test_hash_is_stable_across_processes(default):
    code = "from actuary.assumptions import load_basis; print(load_basis().content_hash())"
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        assert out.stdout.strip() == default.content_hash()


def test_a_name_is_found_as_the_index_finds_it():
    """resolve reads the shipped files only up to the first with the name: the same file
    the index of every shipped set and scheme gives, for every name and stem."""
    from actuary.assumptions.registry import (_SCHEME_FOLDERS, _SET_FOLDERS, first_named,
                                              shipped_schemes, shipped_sets)

    for index, folders in ((shipped_sets(), _SET_FOLDERS), (shipped_schemes(), _SCHEME_FOLDERS)):
        assert len(index) > 2
        for name, path in index.items():
            assert first_named(name, list(folders)) == path, name
    assert first_named("no-such-set", list(_SET_FOLDERS)) is None
