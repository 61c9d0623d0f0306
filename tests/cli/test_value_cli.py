"""``actuary value``: the closed-group valuation command, its workbook and its CSV.

One small synthetic membership (a few hundred rows, one id made to look like a
formula) is valued once on the default basis; the other tests read that run or make
short runs of their own. The first valuation compiles the numba engine (about 15 s,
once per session with the cache on).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import SOFFICE, formula_problems  # noqa: E402

from actuary.cli.main import main  # noqa: E402
from actuary.io.fileio import spreadsheet_original  # noqa: E402

FORMULA_ID = "=1+2"
SHEETS = ["Summary", "Results by status and sex", "Branches", "Member vs cohort", "Discount",
          "Method", "By member"]


# -- fixtures --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def aset():
    from actuary.assumptions import load_basis

    return load_basis()


def _membership(folder: Path, aset, n: int, seed: int, defects: float = 0.0) -> tuple[Path, Path]:
    """A synthetic member file and pensioner file in ``folder``."""
    from actuary.members.synth import synthesize, write_synthetic

    result = synthesize(n, seed, aset=aset, defects=defects)
    members, pensioners, _ = write_synthetic(result, folder / "m_synthetic.csv")
    return Path(members), Path(pensioners)


@pytest.fixture(scope="module")
def files(tmp_path_factory, aset):
    """Members (one active id is ``=1+2``) and pensioners of a 400-row membership."""
    folder = tmp_path_factory.mktemp("members")
    members, pensioners = _membership(folder, aset, 400, 11)
    frame = pd.read_csv(members, dtype=str, keep_default_na=False)
    linked = set(pd.read_csv(pensioners, dtype=str, keep_default_na=False)["member_id"])
    row = frame.index[(frame["status"] == "active") & ~frame["member_id"].isin(linked)][0]
    frame.loc[row, "member_id"] = FORMULA_ID
    frame.to_csv(members, index=False, lineterminator="\n")
    return members, pensioners


def invoke(*args: str):
    return CliRunner().invoke(main, ["value", *map(str, args), "--quiet"])


@pytest.fixture(scope="module")
def default_run(files, tmp_path_factory):
    """The command on the default basis: (CLI result, workbook path, CSV path)."""
    out = tmp_path_factory.mktemp("out") / "cg.xlsx"
    members, pensioners = files
    result = invoke(members, "--pensioners", pensioners, "--out", out)
    assert result.exit_code == 0, result.output
    return result, out, out.with_name("cg_members.csv")


@pytest.fixture(scope="module")
def python_run(files, aset):
    """The same valuation done in Python (the engine's own entry point)."""
    from actuary.members.closed_group import value_check_result
    from actuary.members.datacheck import CheckSettings, check_files

    members, pensioners = files
    checked = check_files(members, CheckSettings.from_basis(aset), pensioners=pensioners)
    return value_check_result(checked, aset)


def _totals_on(sheet) -> dict[str, float]:
    """Label -> KHR number of the Summary's totals block."""
    out = {}
    for row in sheet.iter_rows(min_col=1, max_col=2):
        label, value = row[0].value, row[1].value
        if isinstance(label, str) and label[:5] in ("PVFB:", "PVFC:", "ADL: "):
            out[label.split(":")[0]] = value
    return out


def _khr(path: Path) -> dict[str, float]:
    book = openpyxl.load_workbook(path)
    return _totals_on(book["Summary"])


# -- the run on the default basis -------------------------------------------------------

def test_writes_the_workbook_and_the_csv(default_run):
    result, out, csv = default_run
    assert out.is_file() and csv.is_file()
    assert f"workbook: {out}" in result.output and f"by member: {csv}" in result.output
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == SHEETS
    # written atomically: no temporary file left beside them
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".partial")]
    for line in ("people valued", "PVFB", "PVFC", "ADL", "largest member vs cohort difference"):
        assert line in result.output


def test_synthetic_is_marked_everywhere(default_run):
    result, out, csv = default_run
    assert "SYNTHETIC DATA" in result.output
    book = openpyxl.load_workbook(out)
    for ws in book:
        assert ws["A1"].value.startswith("SYNTHETIC "), ws.title
        assert ws["A2"].value.startswith("SYNTHETIC DATA"), ws.title
    assert set(pd.read_csv(csv)["synthetic"]) == {"yes"}


def test_workbook_totals_equal_the_python_totals(default_run, python_run):
    _, out, _ = default_run
    v = python_run.valuation
    book = openpyxl.load_workbook(out)
    got = _totals_on(book["Summary"])
    assert got == pytest.approx({"PVFB": v.pvfb, "PVFC": v.pvfc, "ADL": v.adl}, rel=1e-12)
    branches = {r[0].value: r[2].value for r in book["Branches"].iter_rows(min_row=5)}
    for name in ("old_age", "invalidity", "survivors", "survivor_lump_sum", "funeral", "refund"):
        assert branches[name] == pytest.approx(v.totals[name], rel=1e-12)
    assert branches["PVFC"] == pytest.approx(v.pvfc, rel=1e-12)
    assert branches["ADL"] == pytest.approx(v.adl, rel=1e-12)
    cohort = {r[0].value: r[2].value for r in book["Member vs cohort"].iter_rows(min_row=9)}
    assert cohort["PVFB"] == pytest.approx(python_run.comparison.loc["pvfb", "cohort"], rel=1e-12)


def test_csv_sums_to_the_totals(default_run, python_run):
    _, out, csv = default_run
    frame = pd.read_csv(csv, dtype={"id": str}, keep_default_na=False)
    v = python_run.valuation
    assert len(frame) == len(v.by_member)
    assert list(frame.columns) == ["id", "sex", "age", "status", "service_years", "pvfb", "pvfc",
                                   "adl", "synthetic"]
    totals = _khr(out)
    for col, key in (("pvfb", "PVFB"), ("pvfc", "PVFC"), ("adl", "ADL")):
        assert math.fsum(frame[col]) == pytest.approx(totals[key], rel=1e-9)
    # every row and every digit: the file reads back as the Python values exactly
    exact = pd.read_csv(csv, dtype={"id": str}, keep_default_na=False,
                        float_precision="round_trip")
    expected = v.by_member.reset_index(drop=True)
    for col in ("id", "sex", "age", "status"):
        # text cells a spreadsheet would run as a formula carry one apostrophe in front
        text = spreadsheet_original(exact[col].astype(str))
        assert text.tolist() == expected[col].astype(str).tolist()
    assert "'=1+2" in exact["id"].tolist()
    for col in ("service_years", "pvfb", "pvfc", "adl"):
        np.testing.assert_array_equal(exact[col].to_numpy(), expected[col].to_numpy(float))
    # pensioners' accrued rights are all they will get
    pens = frame[~frame["status"].isin(["active", "inactive"])]
    np.testing.assert_allclose(pens["adl"], pens["pvfb"], rtol=1e-12)


def test_an_id_starting_with_equals_stays_text(default_run):
    _, out, csv = default_run
    ws = openpyxl.load_workbook(out)["By member"]
    cells = [c for (c,) in ws.iter_rows(min_col=1, max_col=1) if c.value == FORMULA_ID]
    assert len(cells) == 1 and cells[0].data_type == "s"
    assert not any(c.data_type == "f" for (c,) in ws.iter_rows(min_col=1, max_col=1))
    # in the CSV it is neutralised (a spreadsheet would run it) and recoverable
    ids = pd.read_csv(csv, dtype=str, keep_default_na=False)["id"]
    assert "'" + FORMULA_ID in set(ids) and FORMULA_ID not in set(ids)
    assert FORMULA_ID in set(spreadsheet_original(ids))


def test_by_member_sheet_only_up_to_the_limit(default_run, python_run, files, monkeypatch,
                                              tmp_path):
    from actuary.members.datacheck import CheckSettings, check_files
    from actuary.reports import closed_group as report

    members, pensioners = files
    checked = check_files(members, CheckSettings.from_basis(python_run.aset),
                          pensioners=pensioners)
    monkeypatch.setattr(report, "BY_MEMBER_SHEET_LIMIT", 10)
    content = report.ClosedGroupReport(run=python_run, check=checked, discount="test")
    path = report.write_closed_group_workbook(content, tmp_path / "small.xlsx")
    book = openpyxl.load_workbook(path)
    assert "By member" not in book.sheetnames
    texts = [c.value for row in book["Summary"].iter_rows() for c in row if isinstance(c.value, str)]
    assert any("no By member sheet" in t for t in texts)


# -- the discount ----------------------------------------------------------------------

def test_another_discount_rate_gives_other_values(files, default_run, tmp_path):
    members, pensioners = files
    base = _khr(default_run[1])
    low = tmp_path / "low.xlsx"
    result = invoke(members, "--pensioners", pensioners, "--discount", "0.03", "--out", low)
    assert result.exit_code == 0, result.output
    assert "constant 3% a year" in result.output
    got = _khr(low)
    # a lower rate weighs the distant benefits more
    assert got["PVFB"] > base["PVFB"] * 1.2 and got["ADL"] > base["ADL"]
    # the default basis earns a flat 5%: --discount 0.05 is the default
    same = tmp_path / "same.xlsx"
    assert invoke(members, "--pensioners", pensioners, "--discount", "5%", "--out",
                  same).exit_code == 0
    assert _khr(same) == pytest.approx(base, rel=1e-12)


def test_discount_curve(files, default_run, tmp_path):
    members, pensioners = files
    base = _khr(default_run[1])
    flat = tmp_path / "flat.csv"
    flat.write_text("year,rate\n" + "".join(f"{n},0.05\n" for n in range(1, 31)))
    out = tmp_path / "flat.xlsx"
    result = invoke(members, "--pensioners", pensioners, "--discount-curve", flat, "--out", out)
    assert result.exit_code == 0, result.output
    assert _khr(out) == pytest.approx(base, rel=1e-12)
    rising = tmp_path / "rising.csv"
    rising.write_text("Year,Rate\n1,2%\n2,0.03\n3,0.04\n")
    out2 = tmp_path / "rising.xlsx"
    result = invoke(members, "--pensioners", pensioners, "--discount-curve", rising, "--out", out2)
    assert result.exit_code == 0, result.output
    # the forward rate of year 3, 1.04^3 / 1.03^2 - 1 = 6.03%, repeats beyond: above 5%
    assert _khr(out2)["PVFB"] < base["PVFB"]
    ws = openpyxl.load_workbook(out2)["Discount"]
    # v_mid(t + 1/2) from the spot curve: (1.02)^-1 (1.0302...)^-1/2 for the second year
    f2 = 1.03 ** 2 / 1.02 - 1
    assert ws["C6"].value == pytest.approx(1.02 ** -1 * (1 + f2) ** -0.5, rel=1e-12)


# -- bad input: exit 1, a precise message, no traceback --------------------------------

def _refused(result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "error: " in result.output
    for needle in needles:
        assert needle in result.output, (needle, result.output)


@pytest.mark.parametrize("rate, words", [
    ("abc", "not a number"), ("5", "out of range"), ("nan", "out of range"),
    ("-1", "out of range"), ("", "not a number"),
])
def test_bad_discount(files, tmp_path, rate, words):
    members, _ = files
    result = invoke(members, "--discount", rate, "--out", tmp_path / "x.xlsx")
    _refused(result, words, "'--discount'", f"value {rate!r}", "0.05 for 5%")
    assert not (tmp_path / "x.xlsx").exists()


def test_missing_files(files, tmp_path):
    members, _ = files
    _refused(invoke(tmp_path / "nowhere.csv", "--out", tmp_path / "x.xlsx"),
             "nowhere.csv", "file not found")
    _refused(invoke(members, "--pensioners", tmp_path / "gone.csv", "--out", tmp_path / "x.xlsx"),
             "gone.csv", "file not found")
    _refused(invoke(members, "--discount-curve", tmp_path / "none.csv", "--out",
                    tmp_path / "x.xlsx"), "none.csv", "file not found")


@pytest.mark.parametrize("text, needles", [
    ("maturity,rate\n1,0.05\n", ["missing column", "at row 1", "'year'"]),
    ("year,rate\n", ["header but no rows"]),
    ("year,rate\n1,0.05\n2,0.05\n4,0.05\n", ["at row 4", "'year'", "value '4'", "expected 3"]),
    ("year,rate\n1,0.05\n2,abc\n", ["at row 3", "'rate'", "value 'abc'", "not a number"]),
    ("year,rate\n1,0.05\n2,5\n", ["at row 3", "'rate'", "value '5'", "out of range"]),
    ("year,rate\n0,0.05\n", ["at row 2", "'year'", "value '0'", "expected 1"]),
])
def test_malformed_curve(files, tmp_path, text, needles):
    members, _ = files
    curve = tmp_path / "curve.csv"
    curve.write_text(text)
    _refused(invoke(members, "--discount-curve", curve, "--out", tmp_path / "x.xlsx"),
             "curve.csv", *needles)


def test_rate_and_curve_together_refused(files, tmp_path):
    members, _ = files
    curve = tmp_path / "curve.csv"
    curve.write_text("year,rate\n1,0.05\n")
    _refused(invoke(members, "--discount", "0.05", "--discount-curve", curve, "--out",
                    tmp_path / "x.xlsx"), "not both")


def test_outputs_checked_before_any_work(files, tmp_path):
    members, pensioners = files
    _refused(invoke(members, "--out", tmp_path / "x.csv"), "'--out'", ".xlsx")
    _refused(invoke(members, "--out", tmp_path / "x.xlsx", "--by-member", tmp_path / "m.txt"),
             "'--by-member'", ".csv")
    _refused(invoke(members, "--pensioners", pensioners, "--by-member", pensioners, "--out",
                    tmp_path / "x.xlsx"), "would overwrite an input file")


def test_data_not_at_the_valuation_date(files, tmp_path):
    members, _ = files
    _refused(invoke(members, "--as-of", "2025-06-30", "--out", tmp_path / "x.xlsx"),
             "not at the valuation date", "2025-06-30", "2025-01-01")


def test_final_salary_basis_refused(files, tmp_path):
    members, _ = files
    _refused(invoke(members, "--basis", "public-sector-default", "--out", tmp_path / "x.xlsx"),
             "career-average schemes only", "actuary valuate")
    assert not (tmp_path / "x.xlsx").exists()


def test_rejected_rows_are_counted(aset, tmp_path):
    members, _ = _membership(tmp_path, aset, 300, 5, defects=0.02)
    result = invoke(members, "--out", tmp_path / "d.xlsx")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("data check, members"))
    assert "rejected and not valued" in line and "actuary data check" in line


# -- LibreOffice -----------------------------------------------------------------------

def _expected_formulas(book, run) -> dict[tuple[str, str], float | None]:
    """(sheet, cell) -> the value every formula of the workbook should compute."""
    v, comp = run.valuation, run.comparison
    out: dict[tuple[str, str], float | None] = {}
    ws = book["Summary"]
    for row in ws.iter_rows(min_col=1, max_col=4):
        if isinstance(row[1].value, (int, float)) and row[2].data_type == "f":
            out[("Summary", row[2].coordinate)] = row[1].value / 1e9
            # USD millions at the default set's 4,100 KHR per USD (shown in millions)
            out[("Summary", row[3].coordinate)] = row[1].value / 4100.0
    ws = book["Results by status and sex"]
    table = v.summary()
    for i, rec in enumerate(table.itertuples(index=False)):
        r = 5 + i
        assert ws.cell(r, 1).value == rec.status and ws.cell(r, 2).value == rec.sex
        if rec.status == "all":
            for col, x in zip("CDEF", (rec.members, rec.pvfb, rec.pvfc, rec.adl)):
                out[(ws.title, f"{col}{r}")] = x
        out[(ws.title, f"G{r}")] = rec.adl / rec.pvfb if rec.pvfb else None
    ws = book["Branches"]
    want = {"PVFB": v.pvfb, "PVFC": v.pvfc, "ADL": v.adl, "PVFB - PVFC": v.pvfb - v.pvfc,
            "PVFB - ADL": v.pvfb - v.adl, **{k: float(v.totals[k]) for k in v.totals.index}}
    for r in range(5, ws.max_row + 1):
        x = want[ws.cell(r, 1).value]
        out[(ws.title, f"C{r}")] = x
        out[(ws.title, f"D{r}")] = x / 1e9
    ws = book["Member vs cohort"]
    names = {"PVFB": "pvfb", "PVFC": "pvfc"}
    for r in range(9, ws.max_row + 1):
        rec = comp.loc[names.get(ws.cell(r, 1).value, ws.cell(r, 1).value)]
        out[(ws.title, f"D{r}")] = rec["difference"]
        out[(ws.title, f"E{r}")] = rec["relative"] if np.isfinite(rec["relative"]) else None
    for t, factor in enumerate(v.v_mid):
        out[("Discount", f"D{5 + t}")] = factor ** (-1 / (t + 0.5)) - 1
    return out


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_and_computes_every_formula(default_run, python_run, tmp_path):
    _, out, _ = default_run

    def agrees(want, got) -> bool:
        if want is None:
            return got in (None, "")
        return isinstance(got, (int, float)) and abs(got - want) <= 1e-9 * max(
            abs(want), 1e-300) + 1e-12

    checked, problems, computed = formula_problems(
        out, tmp_path, lambda book: _expected_formulas(book, python_run), agrees)
    assert computed.sheetnames == SHEETS
    assert not problems, problems[:5]
    assert checked >= len(python_run.valuation.v_mid) + 30
    # the id that looks like a formula came through LibreOffice as text
    ids = {c.value for (c,) in computed["By member"].iter_rows(min_col=1, max_col=1)}
    assert FORMULA_ID in ids


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice prints the workbook (CI installs it)")
def test_closed_group_labels_and_values_print_together(default_run, tmp_path):
    """They printed on different pages before the print setup (issue 20)."""
    from libreoffice import PDFTOTEXT, to_pdf

    # the printing tests' helper, found whether or not tests/reports was collected first
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))
    from test_printing import _pairs_on_one_line

    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) reads the PDF; CI installs it")
    _, path, _ = default_run
    pdf = to_pdf(path, tmp_path)
    checked, apart = _pairs_on_one_line(path, "Summary", pdf)
    assert checked >= 3 and not apart, apart
    # the present values by status and sex as a chart over the Results table's rows
    book = openpyxl.load_workbook(path)
    (chart,) = book["Results by status and sex"]._charts
    refs = [s.val.numRef.f for s in chart.series]
    assert [r.split("!")[1][:3] for r in refs] == ["$D$", "$F$"]
    # and the By member sheet prints its first rows only
    members = book["By member"]
    last = int(members.print_area.rsplit("$", 1)[1])
    assert 60 < last <= 70 < members.max_row


def test_khmer_workbooks_of_data_check_and_value(files, tmp_path):
    """``--lang km``: the data-check and closed-group workbooks' titles, headers and the
    Method sheet, and the console headline, are Khmer (data such as file paths, ids and
    reason codes stay as they are)."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))
    from khmer_check import KHMER, english_cells, english_words, untranslated

    members, pensioners = files
    report = tmp_path / "check_km.xlsx"
    out = CliRunner().invoke(main, ["data", "check", str(members), "--pensioners",
                                    str(pensioners), "--report", str(report), "--lang", "km",
                                    "--quiet"])
    assert out.exit_code == 0, out.output
    assert KHMER.search(out.output)
    book = openpyxl.load_workbook(report)
    assert not untranslated(book), untranslated(book)[:10]
    # every text cell: reasons, what was expected, severities, statuses, meanings; the
    # data's own values stay (names and values as read, the file formats' column names,
    # the control measures' keys and the lists of codes a file must hold)
    from actuary.members.files import BENEFIT_TYPES, MEMBER_STATUSES

    left = english_cells(book, {"Problems": "D,H", "Format": "B", "Totals": "A"},
                         allowed={", ".join(MEMBER_STATUSES), ", ".join(BENEFIT_TYPES)})
    assert not left, left[:10]
    assert all(ws.oddHeader.center.text for ws in book)  # the draft mark
    result = invoke(members, "--pensioners", pensioners, "--out", tmp_path / "cg_km.xlsx",
                    "--lang", "km")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # the table's labels (its first column) are Khmer
    table = [ln.strip().split("  ")[0] for ln in lines if ln.startswith("  ") and ln.strip()]
    assert len(table) >= 4 and all(KHMER.search(t) and not english_words(t) for t in table), table
    book = openpyxl.load_workbook(tmp_path / "cg_km.xlsx")
    assert not untranslated(book), untranslated(book)[:10]
    # every text cell but the set's descriptions and sources on the Summary
    left = english_cells(book, {"Summary": "B,C"})
    assert not left, left[:10]
    # the Method sheet's paragraphs too
    texts = [c.value for row in book["Method"].iter_rows(min_row=3, min_col=2, max_col=2)
             for c in row if isinstance(c.value, str)]
    assert len(texts) >= 10 and all(KHMER.search(t) for t in texts)
