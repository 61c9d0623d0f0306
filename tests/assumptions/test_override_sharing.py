"""An override in memory shares what it does not change with its base (loader.override):
the data read (copied only along the overrides' key paths), the validated parts (taken
as they are), the items walked and the series resolved. Each test shows that the set is
the one validated afresh, that the base is left as it was, and that a change (a table, a
dated parameter, a scheme rule, a table file rewritten on disk) is seen."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from actuary.analysis.sensitivity import resolve_overlay, sensitivities_of
from actuary.assumptions import load_basis, loader
from actuary.assumptions.dated import DatedChoice
from actuary.assumptions.inventory import _items, iter_items
from actuary.assumptions.overlay import apply_overrides
from actuary.io.errors import AssumptionError

GOOD = Path(__file__).parents[1] / "data" / "bases" / "good"


@pytest.fixture(scope="module")
def default():
    return load_basis()


def _afresh(aset, overrides, name):
    """``aset.override(overrides, name=name)`` made the way it was before sharing: a deep
    copy of the base's data, every part validated again."""
    raw = copy.deepcopy(aset._raw)
    source = f"override of {aset.name} in memory"
    apply_overrides(raw, copy.deepcopy(overrides), source, Path(aset.files[0]).parent)
    raw.body.update(name=name, base=aset.name, description=aset.override(
        overrides, name=name).description)
    for key in ("name", "description", "base"):
        raw.origins[(key,)] = source
    return loader._validated(raw)


def _series(aset):
    first, last, idx = aset.first_year, aset.last_year, aset.indices()
    return {path: p.yearly(first, last, "start" if isinstance(p, DatedChoice) else "average", idx)
            for path, p in aset.dated_parameters().items()}


CHANGES = {
    "a table": {"demographic.exit.table": "placeholder_cambodia_reentry"},
    "a dated parameter": {"scheme.parameters.accrual_rate.values": {"2022-10-01": 0.0175}},
    "a scheme rule": {"scheme.parameters.reference_wage.values": {"2022-10-01": "final_wage"}},
    "an extension rule": {"scheme.parameters.wage_floor.extend": "hold"},
    "the horizon": {"horizon_years": 60},
    "two keys of one part": {"economic.wage_growth.status": "unverified",
                             "economic.wage_growth.note": "tried"},
}


@pytest.mark.parametrize("what", sorted(CHANGES))
def test_an_override_is_the_set_validated_afresh(default, what):
    overrides = CHANGES[what]
    got, want = default.override(overrides, name="t"), _afresh(default, overrides, "t")
    assert got.model_dump(mode="json") == want.model_dump(mode="json")
    assert got.content_hash() == want.content_hash() != default.content_hash()
    assert {k: t.name for k, t in got.tables.items()} == {k: t.name for k, t in want.tables.items()}
    assert got.overrides == want.overrides and got.files == want.files
    a, b = _series(got), _series(want)
    assert a.keys() == b.keys()
    for path in a:
        np.testing.assert_array_equal(a[path], b[path], err_msg=path)
    assert list(iter_items(got)) == _items(got, "", [])


def test_every_default_sensitivity_is_the_set_validated_afresh(default):
    for spec in sensitivities_of(default):
        if spec.overlay is None:
            continue
        overrides = resolve_overlay(default, spec.overlay)
        got, want = default.override(overrides, name=spec.name), _afresh(default, overrides, spec.name)
        assert got.content_hash() == want.content_hash(), spec.name


def test_what_an_override_does_not_change_is_shared_and_what_it_changes_is_new(default):
    new = default.override(CHANGES["a dated parameter"])
    assert new.economic is default.economic  # validated once, taken as it is
    assert new.scheme.parameters.wage_floor is default.scheme.parameters.wage_floor
    assert new.scheme.parameters.accrual_rate is not default.scheme.parameters.accrual_rate
    assert new.scheme.parameters.accrual_rate.values != default.scheme.parameters.accrual_rate.values
    changed = dict(iter_items(new))["scheme.parameters.accrual_rate"]
    assert changed is new.scheme.parameters.accrual_rate  # its own items, not its base's
    assert new.scheme.parameters.accrual_rate.path == "scheme.parameters.accrual_rate"


def test_the_base_is_left_as_it_was(default):
    body, dump, digest = copy.deepcopy(default._raw.body), default.model_dump(), default.content_hash()
    for overrides in CHANGES.values():
        once = default.override(overrides)
        twice = once.override({"demographic.mortality.scale": 0.5})
        assert twice.demographic.mortality.scale == 0.5 and once.demographic.mortality.scale == 1.0
        assert twice.content_hash() == _afresh(once, {"demographic.mortality.scale": 0.5},
                                               twice.name).content_hash()
    assert default._raw.body == body
    assert default.model_dump() == dump and default.content_hash() == digest


def test_the_callers_overrides_are_not_kept(default):
    overrides = {"scheme.parameters.accrual_rate.values": {"2022-10-01": 0.0175}}
    new = default.override(overrides)
    overrides["scheme.parameters.accrual_rate.values"]["2022-10-01"] = 0.5
    again = new.override({"scheme.parameters.accrual_rate.status": "unverified"})
    assert list(again.scheme.parameters.accrual_rate.values.values()) == [0.0175]
    assert list(new.scheme.parameters.accrual_rate.values.values()) == [0.0175]


def test_a_refused_value_is_told_as_without_sharing():
    """An error found by a part's own check of all its keys (here the occupational-risk
    branch's: the degree of total disability below the pension threshold) names the
    values written, as a set validated afresh does."""
    base = load_basis("occupational-risk-default")
    overrides = {"occupational_risk.total_disability_degree.values": {"2008-11-01": 0.1}}
    with pytest.raises(AssumptionError) as got:
        base.override(overrides, name="t")
    with pytest.raises(AssumptionError) as want:
        _afresh(base, overrides, "t")
    assert "total_disability_degree is below pension_threshold" in str(got.value)
    assert str(got.value) == str(want.value)


def test_a_table_file_rewritten_after_loading_is_read_again(tmp_path):
    copy_ = tmp_path / "good"
    shutil.copytree(GOOD, copy_)
    base = load_basis(copy_ / "minimal.yaml")
    before = base.override({"demographic.mortality.scale": 0.9})
    assert before.tables["demographic.exit"].to_array([40])[0, 0] == 0.05
    csv = copy_ / "tables" / "exit_flat.csv"
    csv.write_text(csv.read_text().replace(",0.05", ",0.06"))
    new = base.override({"demographic.mortality.scale": 0.9})
    assert new.tables["demographic.exit"].to_array([40])[0, 0] == 0.06
    assert base.tables["demographic.exit"].to_array([40])[0, 0] == 0.05
    assert new.content_hash() != before.content_hash()
    assert load_basis(copy_ / "minimal.yaml").tables["demographic.exit"].to_array([40])[0, 0] == 0.06


def test_an_override_equals_the_same_overlay_written_in_a_file(default, tmp_path):
    overrides = {"scheme.parameters.pension_age.values": {"2022-10-01": 60, "2030-01-01": 62},
                 "demographic.exit.table": "placeholder_cambodia_reentry"}
    path = tmp_path / "reform.yaml"
    path.write_text(yaml.safe_dump({"name": "reform", "description": "d", "base": default.name,
                                    "overrides": overrides}))
    from_file = load_basis(path)
    in_memory = default.override(overrides, name="reform", description="d")
    assert in_memory.content_hash() == from_file.content_hash()
    assert in_memory.tables["demographic.exit"].name == "placeholder_cambodia_reentry"


def test_the_parameters_table_is_each_sets_own_and_each_callers_own(default):
    import pandas as pd

    from actuary.assumptions import inventory

    first = default.parameters_table()
    first.loc[:, "values"] = "changed by the caller"
    assert not (default.parameters_table()["values"] == "changed by the caller").any()
    pd.testing.assert_frame_equal(default.parameters_table(), inventory.parameters_table(default))
    new = default.override(CHANGES["a dated parameter"])
    row = new.parameters_table().set_index("path").loc["scheme.parameters.accrual_rate"]
    assert "0.0175" in row["values"] and "overridden by" in row["note"]
    pd.testing.assert_frame_equal(new.parameters_table(), inventory.parameters_table(new))


def test_the_items_of_a_shared_part_are_walked_once_and_each_sets_are_its_own(default,
                                                                          monkeypatch):
    """The items inside a frozen part are kept by part (inventory._inner_items): a set
    sharing its base's economic section lists that section's items (the same objects),
    and a set with a changed section lists the new section's."""
    from actuary.assumptions import inventory

    new = default.override({"economic.investment_return.values": {"2025-01-01": 0.07}})
    base_items, new_items = dict(iter_items(default)), dict(iter_items(new))
    assert base_items.keys() == new_items.keys()
    assert new_items["economic.wage_growth"] is base_items["economic.wage_growth"]
    assert new_items["economic.investment_return"] is new.economic.investment_return
    assert new_items["economic.investment_return"] is not base_items["economic.investment_return"]
    assert id(new.economic) in inventory._INNER and id(default.economic) in inventory._INNER
    monkeypatch.setattr(inventory, "_INNER", {})
    walked = inventory._items(new, "", [])  # afresh, nothing kept
    assert [(p, id(i)) for p, i in walked] == [(p, id(i)) for p, i in new_items.items()]


def test_no_check_of_a_part_reads_anything_but_the_part():
    """What sharing rests on (loader._reusing): validating a part of a set depends on the
    part alone. No validator of the assumption models takes pydantic's ``info`` (the
    other fields already validated, or a context); a check across parts is the
    model's own, on the model that holds them both, which an override below it makes
    validate again."""
    import inspect

    import actuary.assumptions.models  # noqa: F401  (every model defined)
    from actuary.assumptions.base import Strict

    def models(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from models(sub)

    seen = 0
    for model in set(models(Strict)):
        found = model.__pydantic_decorators__
        for name, dec in [*found.field_validators.items(), *found.model_validators.items()]:
            func = getattr(dec.func, "__func__", dec.func)
            params = list(inspect.signature(func).parameters)
            assert len(params) == (1 if dec.info.mode == "after" and name in
                                   found.model_validators else 2), (model.__name__, name)
            seen += 1
        for name, field in model.model_fields.items():
            for meta in field.metadata:
                if hasattr(meta, "func"):
                    assert len(inspect.signature(meta.func).parameters) == 1, (model.__name__, name)
                    seen += 1
    assert seen > 50
