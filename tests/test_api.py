"""The Python API: sets changed in memory, results as pandas objects, plots, the README."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import actuary as act
from actuary.assumptions import load_basis
from actuary.io.errors import AssumptionError

matplotlib.use("Agg")

README = Path(__file__).resolve().parents[1] / "README.md"
ACCRUAL = {"scheme.parameters.accrual_rate.values": {"2022-10-01": 0.0175}}


@pytest.fixture(scope="module")
def default_valuation():
    return act.valuate("cambodia-default", sensitivities=False)


def test_override_returns_a_new_set_and_leaves_the_old_one(tmp_path):
    base = act.load_basis()
    new = base.override(ACCRUAL, name="accrual 1.75")
    assert new.scheme.parameters.accrual_rate.yearly(2030, 2030)[0] == 0.0175
    assert base.scheme.parameters.accrual_rate.yearly(2030, 2030)[0] == 0.015
    assert new.name == "accrual 1.75"
    assert ("scheme.parameters.accrual_rate.values", "override of cambodia-default in memory") \
        in new.overrides
    # chained overrides keep the first one
    newer = new.override({"economic.admin_expense_rate.values": {"2025-01-01": 0.02}})
    assert newer.scheme.parameters.accrual_rate.yearly(2030, 2030)[0] == 0.0175


def test_override_in_memory_is_the_overlay_file(tmp_path):
    """The same overrides written as a reform file give the same set (content hash)."""
    f = tmp_path / "reform.yaml"
    f.write_text(textwrap.dedent("""\
        name: r
        description: d
        base: cambodia-default
        overrides:
          scheme.parameters.accrual_rate.values: {2022-10-01: 0.0175}
        """), encoding="utf-8")
    from_file = load_basis(f)
    in_memory = act.load_basis().override(ACCRUAL, name="r", description="d")
    assert in_memory.content_hash() == from_file.content_hash()


def test_override_errors_name_the_key():
    with pytest.raises(AssumptionError) as exc:
        act.load_basis().override({"scheme.parameters.acrual_rate.values": {"2022-10-01": 0.1}})
    msg = str(exc.value)
    assert "overrides.scheme.parameters.acrual_rate.values" in msg
    assert "override of cambodia-default in memory" in msg
    assert "/tmp" not in msg
    with pytest.raises(AssumptionError, match="economic.investment_return.values"):
        act.load_basis().override({"economic.investment_return.values": {"2025-01-01": "x"}})


def test_an_overlay_cannot_override_its_base(tmp_path):
    with pytest.raises(AssumptionError, match="the base cannot be overridden"):
        act.load_basis().override({"base": "accrual-1.75"})


def test_an_overlay_file_needs_no_description(tmp_path):
    f = tmp_path / "short.yaml"
    f.write_text("name: short\nbase: cambodia-default\noverrides:\n"
                 "  scheme.parameters.accrual_rate.values: {2022-10-01: 0.0175}\n", encoding="utf-8")
    aset = load_basis(f)
    assert aset.description == "short (overlay on cambodia-default)"


def test_valuation_frames_are_indexed_by_year(default_valuation):
    res = default_valuation
    assert res.yearly.index.name == "year"
    assert res.yearly.index[0] == res.basis.first_year
    assert list(res.by_sex.index.names) == ["year", "sex"]
    assert isinstance(res.summary, pd.Series)
    assert res.summary["gap_75"] == res.result.summary["gap_75"]
    assert len(repr(res)) < 300 and "gap 75" in repr(res)


def test_people_of_a_year_add_up_to_the_yearly_counts(default_valuation):
    res = default_valuation
    for year in (res.basis.first_year, 2050):
        people = res.people(year)
        assert people["active"].to_numpy().sum() == pytest.approx(res.yearly.loc[year, "active"],
                                                                  rel=1e-12)
        assert people["old_age"].to_numpy().sum() == pytest.approx(
            res.yearly.loc[year, "old_age_pensioners"], rel=1e-12)
    with pytest.raises(ValueError, match="outside"):
        res.people(1990)


def test_plots_draw_what_they_say(default_valuation):
    res = default_valuation
    ax = res.plot.reserve()
    x, y = ax.lines[0].get_data()
    np.testing.assert_allclose(y, res.yearly["reserve_end"].to_numpy() / 1e9)
    assert "billion KHR" in ax.get_ylabel()
    ax = res.plot.cost_rate()
    assert len(ax.lines) == 2
    ax = res.plot.pyramid(2050)
    widths = sum(abs(p.get_width()) for p in ax.patches) * 1e3
    total = res.people(2050).to_numpy().sum()
    assert widths == pytest.approx(total, rel=1e-9)


def test_compare_takes_sets_in_memory():
    base = act.load_basis()
    richer = base.override(ACCRUAL, name="accrual 1.75")
    cmp = act.compare([base, richer], horizon=60)
    gap = cmp.table.set_index("key").loc["gap_50"]
    assert gap["accrual 1.75"] > gap["cambodia-default"]


def test_import_actuary_is_light():
    """``import actuary`` loads neither numba nor pandas: the command line starts fast."""
    code = "import sys, actuary; print('numba' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_readme_python_example_runs(tmp_path, monkeypatch):
    text = README.read_text(encoding="utf-8")
    section = text.split("## Python", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert blocks, "the README's Python section has a python example"
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert isinstance(namespace["res"], act.Valuation)


@pytest.mark.parametrize("args", [["-h"], ["valuate", "-h"], ["data", "check", "-h"]])
def test_short_help_option(args):
    from click.testing import CliRunner

    from actuary.cli.main import main

    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0 and "Usage:" in out.output


def test_ci_constraints_satisfy_the_declared_dependencies():
    """The pinned versions CI installs with are inside pyproject's ranges."""
    import tomllib

    from packaging.requirements import Requirement

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for line in (root / ".ci" / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    for text in project["dependencies"]:
        req = Requirement(text)
        name = req.name.lower().replace("_", "-")
        assert name in pins, f"{name} is not pinned in .ci/constraints.txt"
        assert req.specifier.contains(pins[name]), f"{name}=={pins[name]} outside {req.specifier}"


def test_stochastic_takes_a_set_in_memory_and_keeps_its_seed():
    basis = act.load_basis().override({"demographic.mortality.scale": 0.9})
    a = act.stochastic(basis, scenarios=40, seed=7, economic_only=True, batch_size=15)
    b = act.stochastic(basis, scenarios=40, seed=7, economic_only=True, batch_size=40)
    pd.testing.assert_frame_equal(a.percentiles, b.percentiles)
    assert a.model.aset.overrides[-1][0] == "demographic.mortality.scale"


def test_stochastic_command_takes_set_and_prints_json(tmp_path):
    import json

    from click.testing import CliRunner

    from actuary.cli.main import main

    out = CliRunner().invoke(main, ["stochastic", "--scenarios", "30", "--seed", "2",
                                    "--economic-only", "--quiet", "--json", "--out",
                                    str(tmp_path / "s.xlsx"), "--set",
                                    "demographic.mortality.scale=0.9"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["scenarios"] == 30 and set(data["depletion"]) >= {"legislated_schedule"}
    probs = list(data["depletion"]["legislated_schedule"].values())
    assert all(0.0 <= p <= 1.0 for p in probs) and probs == sorted(probs)
