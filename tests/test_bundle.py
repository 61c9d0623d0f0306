"""Bundles: what a valuation's archive holds, that it verifies, and that a changed output
or archive is reported; the reviewer's checklist and the ISAP 2 sheets."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from actuary.cli.bundle import _rerun_argv, verify_bundle, write_bundle
from actuary.cli.main import main
from actuary.io.errors import DataError
from actuary.reports.opinion import ACTUARY_MARK, CPP_QUESTIONS, ISAP2_ITEMS


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """A valuation of a user overlay (short horizon, no sensitivities) with its bundle."""
    folder = tmp_path_factory.mktemp("run")
    (folder / "sets").mkdir()
    overlay = folder / "sets" / "mine.yaml"
    overlay.write_text(yaml.safe_dump({"name": "mine", "description": "test", "base":
                                       "cambodia-default", "overrides": {
                                           "demographic.mortality.scale": 0.95}}),
                       encoding="utf-8")
    out, csv, bundle = folder / "v.xlsx", folder / "csv", folder / "b.zip"
    res = CliRunner().invoke(main, ["valuate", str(overlay), "--horizon", "80",
                                    "--no-sensitivity", "--out", str(out), "--csv", str(csv),
                                    "--bundle", str(bundle), "--quiet"])
    assert res.exit_code == 0, res.output
    return folder, bundle


def test_bundle_holds_inputs_outputs_command_and_checklist(bundled):
    folder, bundle = bundled
    with zipfile.ZipFile(bundle) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("manifest.json"))
        review = z.read("REVIEW.md").decode()
    assert "inputs/files/mine.yaml" in names
    assert "inputs/shipped/assumptions/data/cambodia_default.yaml" in names
    assert "inputs/shipped/assumptions/data/populations/nssf_default.csv" in names
    assert "inputs/shipped/assumptions/data/accounts/nssf_accounts.csv" in names
    assert {"outputs/v.xlsx", "outputs/csv/yearly.csv"} <= names
    assert manifest["argv"][0] == "valuate" and "--bundle" in manifest["argv"]
    assert "--bundle" not in manifest["rerun_argv"]
    assert manifest["rerun_argv"][1] == "inputs/files/mine.yaml"
    for f in manifest["files"]:
        assert len(f["sha256"]) == 64
    assert manifest["versions"]["numpy"] and manifest["platform"]["python"]
    assert len(manifest["assumption_set_hash"]) == 64
    for sec, _item, _where in ISAP2_ITEMS:
        assert f"- [ ] {sec} " in review
    assert review.count("- [ ] ") == len(ISAP2_ITEMS) + len(CPP_QUESTIONS)


def test_bundle_verifies_identical(bundled):
    _folder, bundle = bundled
    assert verify_bundle(bundle) == []


def _rewrite(src: Path, dst: Path, name: str, data: bytes, fix_hash: bool) -> None:
    import hashlib

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        manifest = json.loads(zin.read("manifest.json"))
        for f in manifest["files"]:
            if f["archive"] == name and fix_hash:
                f["sha256"] = hashlib.sha256(data).hexdigest()
        for item in zin.namelist():
            if item == "manifest.json":
                zout.writestr(item, json.dumps(manifest))
            elif item == name:
                zout.writestr(item, data)
            else:
                zout.writestr(item, zin.read(item))


@pytest.mark.slow
def test_a_changed_output_is_reported(bundled, tmp_path):
    _folder, bundle = bundled
    with zipfile.ZipFile(bundle) as z:
        text = z.read("outputs/csv/careers.csv").decode()
    lines = text.splitlines()
    lines[1] = lines[1].replace(",", ";", 1)
    changed = tmp_path / "changed.zip"
    _rewrite(bundle, changed, "outputs/csv/careers.csv", ("\n".join(lines) + "\n").encode(), True)
    diffs = verify_bundle(changed)
    assert len(diffs) == 1 and diffs[0].startswith("outputs/csv/careers.csv: line 2:")


def test_a_changed_archive_is_reported_and_not_rerun(bundled, tmp_path):
    _folder, bundle = bundled
    tampered = tmp_path / "tampered.zip"
    _rewrite(bundle, tampered, "outputs/csv/careers.csv", b"x\n", False)
    diffs = verify_bundle(tampered)
    assert "SHA-256 is not the manifest's" in diffs[0] and diffs[-1].startswith("not re-run")


def test_verify_command(bundled, tmp_path):
    _folder, bundle = bundled
    res = CliRunner().invoke(main, ["verify", str(tmp_path / "none.zip")])
    assert res.exit_code == 1 and res.output.startswith("error:")
    not_zip = tmp_path / "x.zip"
    not_zip.write_text("no")
    res = CliRunner().invoke(main, ["verify", str(not_zip)])
    assert res.exit_code == 1 and "not a zip" in res.output


def test_rerun_arguments(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("x")
    inputs = {f.resolve(): "inputs/files/a.yaml"}
    argv = ["valuate", str(f), "--bundle=b.zip", "--csv", "out", "--quiet"]
    got = _rerun_argv(argv, inputs, {"--out": "outputs/valuation.xlsx", "--csv": "outputs/out"})
    assert got == ["valuate", "inputs/files/a.yaml", "--csv", "outputs/out", "--quiet",
                   "--out", "outputs/valuation.xlsx"]
    with pytest.raises(DataError, match="zip"):
        write_bundle(tmp_path / "b.tar", argv=[], inputs=[], outputs={})


def test_valuation_workbook_carries_the_isap2_sheets(bundled):
    folder, _bundle = bundled
    wb = load_workbook(folder / "v.xlsx")
    assert wb.sheetnames[-3:] == ["Data and assumptions", "Actual vs expected",
                                  "Actuarial opinion"]
    ae = wb["Actual vs expected"]  # the shipped NSSF accounts, beside the projection
    rows = [[c.value for c in row] for row in ae.iter_rows(min_row=6)]
    assert [r[3] for r in rows if r[0] == 2022 and r[1] == "contributions"] == [111540000000]
    ws = wb["Actuarial opinion"]
    fields = [r for r in range(1, ws.max_row + 1)
              if str(ws.cell(r, 1).value or "").startswith(ACTUARY_MARK)]
    assert len(fields) >= 10
    for r in fields:  # empty, unlocked, for the actuary
        assert ws.cell(r, 2).value is None and ws.cell(r, 2).protection.locked is False
    labels = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    assert labels["General average premium, 25 years"].endswith("%")
    da = wb["Data and assumptions"]
    text = [str(c.value) for row in da.iter_rows() for c in row if c.value is not None]
    assert any(t.startswith("Assumption group: demographic") for t in text)
    assert "economic.investment_return" in text
    assert any("no data-check statement" in t for t in text)


def test_data_check_statement_reaches_the_valuation_workbook(tmp_path):
    """A population aggregated by actuary data check carries the sufficiency figures in
    its notes; the valuation workbook shows them, the same as the data-check report."""
    from actuary.analysis.valuation import valuate
    from actuary.assumptions import load_basis
    from actuary.members.datacheck import CheckSettings, check_files
    from actuary.members.sufficiency import statement_from_notes, sufficiency_statement
    from actuary.reports.workbook import build_workbook

    members = Path(__file__).parent / "data" / "members"
    res = CliRunner().invoke(main, ["data", "check", str(members / "good_members.csv"),
                                    "--pensioners", str(members / "good_pensioners.csv"),
                                    "--report", str(tmp_path / "r.xlsx"), "--population",
                                    str(tmp_path / "pop.csv"), "--quiet"])
    assert res.exit_code == 0, res.output
    aset = load_basis()
    check = check_files(members / "good_members.csv", CheckSettings.from_basis(aset),
                        pensioners=members / "good_pensioners.csv")
    result = valuate(aset, tmp_path / "pop.csv", horizon=80, sensitivities=False)
    assert statement_from_notes(result.population.notes) == sufficiency_statement(check)
    ws = build_workbook(result)["Data and assumptions"]
    pairs = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1)}
    for label, text in sufficiency_statement(check):
        assert pairs[label] == text
    assert pairs["control totals"].startswith("none supplied")


def test_compare_bundle(tmp_path):
    res = CliRunner().invoke(main, ["compare", "cambodia-default", "accrual-1.75", "--horizon",
                                    "80", "--bundle", str(tmp_path / "c.zip"), "--quiet"])
    assert res.exit_code == 2 and "give --out too" in res.output
    res = CliRunner().invoke(main, ["compare", "cambodia-default", "accrual-1.75", "--horizon",
                                    "80", "--out", str(tmp_path / "c.xlsx"), "--bundle",
                                    str(tmp_path / "c.zip"), "--quiet"])
    assert res.exit_code == 0, res.output
    with zipfile.ZipFile(tmp_path / "c.zip") as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("manifest.json"))
    assert {"outputs/c.xlsx", "REVIEW.md",
            "inputs/shipped/assumptions/data/scenarios/accrual_175.yaml"} <= names
    assert manifest["rerun_argv"] == ["compare", "cambodia-default", "accrual-1.75",
                                      "--horizon", "80", "--out", "outputs/c.xlsx", "--quiet"]


def test_paths_of_shipped_inputs_mask_the_same_in_another_install(tmp_path):
    """A bundle made by one install and verified by another: the shipped files are read
    from different folders; each place masks to the file's name in the archive."""
    from actuary.cli.bundle import _installed, _masker

    name = "inputs/shipped/assumptions/data/cambodia_default.yaml"
    manifest = {"cwd": "/elsewhere", "command": "actuary valuate", "rerun_argv": ["valuate"],
                "files": [{"archive": name, "original": "/other/install/" + name[16:]}]}
    mask = _masker(manifest, tmp_path)
    assert mask(f"read {_installed(name)}") == mask(f"read /other/install/{name[16:]}") \
        == f"read <{name}>"
    assert mask("at 2026-12-07 09:19:00 UTC") == "at <time> UTC"
