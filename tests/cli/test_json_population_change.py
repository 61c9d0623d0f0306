"""--json on ``population`` and ``change``: one JSON object on standard output, the same
figures as the files the command writes."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from actuary.assumptions import load_basis
from actuary.cli.main import main


def _run(args):
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output + out.stderr
    return out


def test_population_json_is_the_csv(tmp_path):
    csv = tmp_path / "frame.csv"
    out = _run(["population", "--to", "2030", "--json", "--out", str(csv)])
    data = json.loads(out.stdout)  # nothing but the JSON on standard output
    assert "projecting the population" in out.stderr  # progress goes to standard error
    assert (data["set"], data["first_year"], data["last_year"]) == ("cambodia-default", 2025,
                                                                    2030)
    assert data["out"] == str(csv)
    long = pd.read_csv(csv)
    summary = long[(long["table"] == "population_summary")]
    for row in data["headline"]:
        for col in ("population", "share_60_plus", "dependency_ratio", "e0_M", "e0_F"):
            sel = summary[(summary["year"] == row["year"]) & (summary["variable"] == col)]
            assert row[col] == pytest.approx(float(sel["value"].iloc[0]), rel=1e-11)
    assert [r["year"] for r in data["headline"]] == [2025, 2030]
    # the labour rows of the years the text shows, their sectors adding up to employment
    assert [r["year"] for r in data["labour"]] == [2025, 2030]
    for r in data["labour"]:
        sectors = sum(v for k, v in r.items() if k.startswith("employed_")
                      and k not in ("employed_M", "employed_F"))
        assert sectors == pytest.approx(r["employed"], rel=1e-12)
        assert r["employed_M"] + r["employed_F"] == pytest.approx(r["employed"], rel=1e-12)
    # the calibrated coverage counts are the published ones
    for r in data["coverage_calibration"]:
        if r["published_count"] is not None:
            assert r["count_after"] == pytest.approx(r["published_count"], rel=1e-9)


def test_change_json_is_the_csv(tmp_path):
    base = load_basis()
    lower = {d.isoformat(): v - 0.01 for d, v in base.economic.investment_return.values.items()}
    overlay = tmp_path / "lower-return.yaml"
    overlay.write_text(yaml.safe_dump({"name": "lower-return", "base": "cambodia-default",
                                       "overrides": {"economic.investment_return.values":
                                                     lower}}), encoding="utf-8")
    folder = tmp_path / "csv"
    out = _run(["change", "cambodia-default", str(overlay), "--no-order-check", "--quiet",
                "--json", "--out", str(tmp_path / "c.xlsx"), "--csv", str(folder)])
    assert out.stderr == ""
    data = json.loads(out.stdout)
    assert (data["previous"], data["current"]) == ("cambodia-default", "lower-return")
    assert data["order_dependence"] == []  # --no-order-check
    assert [g for g, keys in data["changed"].items() if keys] == ["economic", "methods"]
    steps = pd.DataFrame(data["steps"])
    csv = pd.read_csv(folder / "change.csv")
    assert list(steps["step"]) == list(csv["step"])
    assert list(steps["indicator"]) == list(csv["indicator"])
    pd.testing.assert_series_equal(steps["change"].astype(float), csv["change"], rtol=1e-12)
    # the steps add up to the total, and only the economic step moves the GAP
    gap = steps[steps["indicator"] == "gap_75"].set_index("step")
    assert gap.loc[list(data["order"]), "change"].sum() == pytest.approx(
        gap.loc["total", "change"], abs=1e-15)
    assert gap.loc["economic", "change"] == gap.loc["total", "change"] > 0
