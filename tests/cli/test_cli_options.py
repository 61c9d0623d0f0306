"""--set, --json, --quiet and --strict on the command line."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from actuary.cli.main import main

sys.path.insert(0, str(Path(__file__).parent))
from cli_errors import one_error_line  # noqa: E402

MORTALITY = "demographic.mortality.scale=0.9"


def _json(args, tmp_path):
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output + out.stderr
    return json.loads(out.stdout)


def test_set_is_the_overlay_file(tmp_path):
    """``--set KEY=VALUE`` gives the valuation an overlay file with that override gives."""
    f = tmp_path / "mortality.yaml"
    f.write_text(textwrap.dedent("""\
        name: cambodia-default
        base: cambodia-default
        overrides:
          demographic.mortality.scale: 0.9
        """), encoding="utf-8")
    common = ["--horizon", "80", "--no-sensitivity", "--quiet", "--json"]
    by_set = _json(["valuate", *common, "--out", str(tmp_path / "a.xlsx"), "--set", MORTALITY],
                   tmp_path)
    by_file = _json(["valuate", str(f), *common, "--out", str(tmp_path / "b.xlsx")], tmp_path)
    plain = _json(["valuate", *common, "--out", str(tmp_path / "c.xlsx")], tmp_path)
    assert by_set["summary"] == by_file["summary"]
    assert by_set["summary"]["gap_75"] != plain["summary"]["gap_75"]
    assert by_set["overrides"] == ["demographic.mortality.scale"]


@pytest.mark.parametrize("item, fragments", [
    ("demographic.mortality.scale", ["--set", "not a KEY=VALUE pair"]),
    ("=0.9", ["--set", "not a KEY=VALUE pair"]),
    ("demographic.mortality.scal=0.9", ["--set", "overrides.demographic.mortality.scal",
                                         "unknown key path"]),
    ("economic.investment_return.values={2025-01-01: 0.06", ["--set economic.investment_return",
                                                              "malformed YAML"]),
    ("economic.investment_return.values={2025-02-30: 0.06}", ["not a real calendar date"]),
])
def test_a_bad_set_is_one_error_line(tmp_path, item, fragments):
    out = CliRunner().invoke(main, ["valuate", "--quiet", "--out", str(tmp_path / "v.xlsx"),
                                    "--set", item])
    one_error_line(out, *fragments)
    assert not (tmp_path / "v.xlsx").exists()


def test_the_same_key_twice_is_refused(tmp_path):
    out = CliRunner().invoke(main, ["valuate", "--quiet", "--out", str(tmp_path / "v.xlsx"),
                                    "--set", MORTALITY, "--set", "demographic.mortality.scale=1"])
    one_error_line(out, "set twice", "demographic.mortality.scale")


def test_compare_sets_every_set_and_prints_json(tmp_path):
    data = _json(["compare", "cambodia-default", "accrual-1.75", "--horizon", "80", "--quiet",
                  "--json", "--set", MORTALITY], tmp_path)
    alone = _json(["valuate", "--horizon", "80", "--no-sensitivity", "--quiet", "--json",
                   "--out", str(tmp_path / "v.xlsx"), "--set", MORTALITY], tmp_path)
    base = data["scenarios"][0]
    assert base["name"] == "cambodia-default"
    assert base["summary"]["gap_75"] == pytest.approx(alone["summary"]["gap_75"], rel=1e-12)
    rows = {r["key"]: r for r in data["table"]}
    assert rows["gap_75"]["accrual-1.75"] > rows["gap_75"]["cambodia-default"]


def test_compare_set_refuses_a_design(tmp_path):
    out = CliRunner().invoke(main, ["compare", "public-sector-default", "ps-transition-2027",
                                    "--quiet", "--set", MORTALITY])
    one_error_line(out, "design file", "--set")


def test_solve_json_says_whether_the_target_is_met(tmp_path):
    data = _json(["solve", "--lever", "rate", "--target", "gap", "--horizon", "80", "--quiet",
                  "--json"], tmp_path)
    assert data["target_met"] is True and data["margin"] >= 0
    assert 0 < data["value"] < 1
    # the rate found covers the GAP: it is the 75-year GAP of the valuation
    gap = _json(["valuate", "--horizon", "80", "--no-sensitivity", "--quiet", "--json",
                 "--out", str(tmp_path / "v.xlsx")], tmp_path)["summary"]["gap_75"]
    # the solver stops when its bracket is narrower than the rate lever's tolerance (1e-6),
    # then steps 1% of it to the side meeting the target: within about 2e-6 of the GAP
    assert data["value"] == pytest.approx(gap, abs=2e-6)


def test_quiet_population_prints_no_progress(tmp_path):
    out = CliRunner().invoke(main, ["population", "--to", "2030", "--quiet"])
    assert out.exit_code == 0 and out.stderr == ""
    loud = CliRunner().invoke(main, ["population", "--to", "2030"])
    assert "projecting the population" in loud.stderr


def test_data_check_strict_exit_code(tmp_path):
    members = tmp_path / "members_synthetic.csv"
    synth = CliRunner().invoke(main, ["data", "synth", "--members", "300", "--seed", "3",
                                      "--defects", "0.05", "--out", str(members), "--quiet"])
    assert synth.exit_code == 0, synth.output
    args = ["data", "check", str(members), "--report", str(tmp_path / "r.xlsx"), "--quiet"]
    lenient = CliRunner().invoke(main, args)
    assert lenient.exit_code == 0 and "rejected" in lenient.output
    strict = CliRunner().invoke(main, [*args, "--strict"])
    assert strict.exit_code == 3, strict.output
    assert "rows rejected (--strict)" in strict.output
    assert (tmp_path / "r.xlsx").exists()


@pytest.mark.parametrize("words, cword, expected", [
    ("actuary valuate accr", 2, "accrual-1.75"),
    ("actuary compare cambodia-default accr", 3, "accrual-1.75"),
    ("actuary table show wpp2024_cambodia_q", 3, "wpp2024_cambodia_qx"),
])
def test_shell_completion_offers_shipped_names(monkeypatch, words, cword, expected):
    import os
    import subprocess
    import shutil

    exe = shutil.which("actuary", path=str(Path(sys.executable).parent))
    env = {**os.environ, "_ACTUARY_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(cword)}
    out = subprocess.run([exe], env=env, capture_output=True, text=True, check=True)
    assert f"plain,{expected}" in out.stdout.splitlines()


def test_solve_refuses_usd_wages_unless_accepted(tmp_path):
    """A starting population in USD is refused by solve as by valuate, and valued with
    --accept-implausible, which the output says."""
    pop = Path(__file__).parents[1] / "data" / "bad_inputs" / "starting_population" / "wages_usd.csv"
    args = ["solve", "--lever", "rate", "--target", "gap", "--horizon", "80", "--quiet",
            "--population", str(pop)]
    one_error_line(CliRunner().invoke(main, args), "look like USD", "--accept-implausible")
    accepted = CliRunner().invoke(main, [*args, "--accept-implausible"])
    assert accepted.exit_code == 0, accepted.output
    assert "IMPLAUSIBLE DATA ACCEPTED (--accept-implausible)" in accepted.output


def test_json_of_the_member_commands(tmp_path):
    """data check, value and experience print one JSON object (progress and notes go to
    standard error), with counts that match the files."""
    members = tmp_path / "members_synthetic.csv"
    pensioners = tmp_path / "members_synthetic_pensioners.csv"
    made = CliRunner().invoke(main, ["data", "synth", "--members", "400", "--seed", "5",
                                     "--defects", "0.02", "--out", str(members), "--quiet"])
    assert made.exit_code == 0, made.output
    rows = sum(1 for _ in members.open(encoding="utf-8")) - 1

    check = _json(["data", "check", str(members), "--pensioners", str(pensioners), "--json",
                   "--report", str(tmp_path / "r.xlsx"), "--quiet"], tmp_path)
    mem = next(f for f in check["files"] if f["kind"] == "members")
    assert mem["rows_in"] == rows
    assert mem["rows_used"] + mem["rows_rejected"] == rows
    assert sum(r["rows"] for r in check["reasons"] if r["file"] == "members"
               and r["severity"] == "rejected") >= mem["rows_rejected"] > 0

    # a clean file for value: every active and inactive member and every pensioner is valued
    # (retired, invalid, refunded and dead members are valued through the pensioner file)
    clean = tmp_path / "clean_synthetic.csv"
    made = CliRunner().invoke(main, ["data", "synth", "--members", "300", "--seed", "6",
                                     "--out", str(clean), "--quiet"])
    assert made.exit_code == 0, made.output
    import csv

    with clean.open(encoding="utf-8") as fh:
        members_valued = sum(r["status"] in ("active", "inactive") for r in csv.DictReader(fh))
    value = _json(["value", str(clean), "--json", "--quiet", "--out", str(tmp_path / "v.xlsx")],
                  tmp_path)
    assert value["people"] == members_valued
    assert value["adl"] > 0 and value["synthetic"] is True

    study = _json(["experience", str(members), "--decrement", "exit", "--json", "--quiet",
                   "--out", str(tmp_path / "e.xlsx")], tmp_path)
    total = next(r for r in study["actual_to_expected"] if r["sex"] == "M+F" and r["ages"] == "all")
    assert total["events"] == study["events"]


def test_solve_describes_the_solved_rate_not_the_sets_schedule(tmp_path):
    """The solved run's own rate heads path [A] in the console, the key messages and the
    Summary; the set's schedule is not printed over it."""
    import openpyxl

    out = CliRunner().invoke(main, ["solve", "--lever", "rate", "--target", "gap",
                                    "--horizon", "80", "--quiet",
                                    "--out", str(tmp_path / "s.xlsx")])
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert "[A] the contribution rate of this run, not the set's schedule:" in text
    assert "[A] the legislated schedule" not in text
    ws = openpyxl.load_workbook(tmp_path / "s.xlsx")["Summary"]
    cells = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "[A] Contribution rate of this run" in cells
    assert not any(v.startswith("the legislated schedule") for v in cells)
    assert any("At this run's contribution rates" in v for v in cells)  # the key messages
    assert not any("At the rates in law" in v for v in cells)
    # the PAYG chart, the Projection's rate column and the headline rate rows name the
    # solved rate as the run's (the chart titles and legends are in the chart parts)
    import re
    import zipfile

    with zipfile.ZipFile(tmp_path / "s.xlsx") as z:
        charts = " ".join(z.read(n).decode() for n in z.namelist()
                          if n.startswith("xl/charts/chart"))
    texts = set(re.findall(r"<a:t>([^<]*)</a:t>", charts)) | set(
        re.findall(r"<(?:c:)?v>([^<]*)</(?:c:)?v>", charts))
    texts = {t.replace("&apos;", "'") for t in texts}
    assert "PAYG cost rate and this run's contribution rate (% of insurable earnings)" in texts
    assert "Contribution rate of this run" in texts
    assert not any("legislated" in t.lower() for t in texts), sorted(texts)
    book = openpyxl.load_workbook(tmp_path / "s.xlsx")
    proj = book["Projection"]
    header = {proj.cell(row=3, column=c).value: proj.cell(row=4, column=c).value
              for c in range(1, proj.max_column + 1)}
    assert header["contribution_rate"] == "Contribution rate of this run (not the set's schedule)"
    assert any(v.startswith("Contribution rate of this run, year 1 ") for v in cells)
    assert not any(v.startswith("Legislated contribution rate") for v in cells)
