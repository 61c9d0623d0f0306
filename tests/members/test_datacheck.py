"""The data check: every defect, the broken-file corpus, controls, the report, aggregation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from click.testing import CliRunner

from actuary.members.aggregate import aggregate, write_population
from actuary.cli.main import main
from actuary.members.datacheck import REASONS, CheckSettings, check_files, read_controls
from actuary.io.errors import DataError
from actuary.reports.datacheck import write_datacheck_workbook

DATA = Path(__file__).parents[1] / "data" / "members"
GOOD = DATA / "good_members.csv"
GOOD_P = DATA / "good_pensioners.csv"
HEADER = ("member_id,sex,birth_date,entry_date,status,status_date,credited_months,"
          "insurable_wage,name")
ROW2 = "M001,F,1995-03-10,2022-10-01,active,2022-10-01,27,800000,Sok Dara"

# Limits of the NSSF scheme file on 1 January 2025 (Sub-decree 144: floor 400,000 and
# ceiling 1,200,000 KHR; contributions from 1 October 2022; pension age 60).
SETTINGS = CheckSettings(as_of=date(2025, 1, 1), wage_floor=400_000, wage_ceiling=1_200_000,
                         scheme_start=date(2022, 10, 1), pension_age=60)


def problems_of(result) -> set[tuple]:
    return {(r.file, r.row, r.code, r.field) for r in result.problems.itertuples()}


def one_row(tmp_path: Path, row: str, settings: CheckSettings = SETTINGS):
    p = tmp_path / "m.csv"
    p.write_text(f"{HEADER}\n{ROW2}\n{row}\n", encoding="utf-8")
    return check_files(p, settings)


# -- the corpus: one defect per file ---------------------------------------------------------

CORPUS = {
    "missing_value.csv": ("members", 3, "missing_value", "entry_date"),
    "bad_sex.csv": ("members", 3, "bad_sex", "sex"),
    "bad_status.csv": ("members", 3, "bad_status", "status"),
    "bad_date.csv": ("members", 3, "bad_date", "birth_date"),
    "bad_number.csv": ("members", 3, "bad_number", "credited_months"),
    "date_order.csv": ("members", 3, "date_order", "entry_date"),
    "future_date.csv": ("members", 3, "future_date", "status_date"),
    "entry_age.csv": ("members", 3, "entry_age", "entry_date"),
    "age_out_of_range.csv": ("members", 3, "age_out_of_range", "birth_date"),
    "credits_too_long.csv": ("members", 3, "credits_too_long", "credited_months"),
    "wage_below_floor.csv": ("members", 3, "wage_below_floor", "insurable_wage"),
    "wage_above_ceiling.csv": ("members", 3, "wage_above_ceiling", "insurable_wage"),
    "duplicate_row.csv": ("members", 3, "duplicate_row", "member_id"),
    "empty_row.csv": ("members", 3, "empty_row", "(all)"),
    "blank_line.csv": ("members", 3, "empty_row", "(all)"),
    "ragged.csv": ("members", 2, "too_many_fields", "(beyond the header)"),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_defect_file_gives_exactly_its_reason(name):
    r = check_files(DATA / name, SETTINGS)
    assert problems_of(r) == {CORPUS[name]}
    f = r.files[0]
    n = len((DATA / name).read_text(encoding="utf-8").splitlines()) - 1  # rows after the header
    bad_row = CORPUS[name][1]
    assert (f.rows_in, f.rows_rejected, f.rows_used) == (n, 1, n - 1)
    assert set(r.members["row"]) == set(range(2, n + 2)) - {bad_row}


def test_duplicate_ids_with_different_rows_reject_both():
    r = check_files(DATA / "duplicate_id.csv", SETTINGS)
    assert problems_of(r) == {("members", 2, "duplicate_id", "member_id"),
                              ("members", 3, "duplicate_id", "member_id")}
    assert r.members.empty
    assert "rows 2, 3" in r.problems["expected"].iloc[0]


PENSIONER_CORPUS = {
    "pensioners_missing_start_date.csv": ("pensioners", 3, "missing_start_date", "start_date"),
    "pensioners_bad_benefit_type.csv": ("pensioners", 3, "bad_benefit_type", "benefit_type"),
    "pensioners_amount_not_positive.csv": ("pensioners", 3, "amount_not_positive",
                                           "monthly_amount"),
    "pensioners_missing_survivor_link.csv": ("pensioners", 3, "missing_survivor_link",
                                             "member_id"),
    "pensioners_old_age_before_pension_age.csv": ("pensioners", 3, "old_age_before_pension_age",
                                                  "start_date"),
}


@pytest.mark.parametrize("name", sorted(PENSIONER_CORPUS))
def test_each_pensioner_defect_gives_exactly_its_reason(name):
    r = check_files(GOOD, SETTINGS, pensioners=DATA / name)
    assert problems_of(r) == {PENSIONER_CORPUS[name]}
    f = r.files[1]
    flagged = REASONS[PENSIONER_CORPUS[name][2]][0] == "flagged"
    assert f.rows_in == 2
    assert (f.rows_used, f.rows_rejected, f.rows_flagged) == ((2, 0, 1) if flagged else (1, 1, 0))


def test_good_files_pass_whole_and_totals_are_the_hand_sums():
    r = check_files(GOOD, SETTINGS, pensioners=GOOD_P)
    assert r.problems.empty
    assert [f.rows_used for f in r.files] == [8, 4]
    t = r.totals.set_index("measure")
    # actives M001, M006, M007: wages 800,000 + 1,200,000 + 400,000
    assert t.loc["active_members", "in"] == 3
    assert t.loc["active_wage_mass", "in"] == 2_400_000
    assert t.loc["active_women", "in"] == 2
    assert t.loc["credited_months", "in"] == 27 + 12 + 20 + 16 + 11 + 27 + 7 + 18
    assert t.loc["pension_mass", "in"] == 222_750 + 300_000 + 150_000 + 75_000
    assert (t["removed_share"] == 0).all()


def test_settings_come_from_the_scheme_file():
    from actuary.assumptions import load_basis

    s = CheckSettings.from_basis(load_basis())
    assert (s.as_of, s.wage_floor, s.wage_ceiling, s.scheme_start, s.pension_age) == (
        date(2025, 1, 1), 400_000.0, 1_200_000.0, date(2022, 10, 1), 60.0)


def test_an_as_of_date_the_set_does_not_cover_names_the_option():
    from actuary.assumptions import load_basis

    with pytest.raises(DataError) as exc:
        CheckSettings.from_basis(load_basis(), date(2024, 1, 1))
    text = str(exc.value)
    assert "field '--as-of'" in text and "value '2024-01-01'" in text
    assert "economic.price_inflation" in text and "its valuation date is 2025-01-01" in text


@pytest.mark.parametrize("extra, fragment", [
    (["--reserve", "nan", "--population", "pop.csv"], "value nan; expected an amount in KHR"),
    (["--reserve", "-1", "--population", "pop.csv"], "value -1.0; expected an amount in KHR"),
    (["--reserve", "5"], "--reserve is the reserve of the starting population"),
])
def test_a_reserve_that_cannot_be_used_is_refused_first(tmp_path, monkeypatch, extra, fragment):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["data", "check", str(DATA / "good_members.csv"), *extra])
    assert res.exit_code == 1, res.output
    assert "field '--reserve'" in res.output and fragment in res.output
    assert not list(tmp_path.iterdir())  # refused before the check wrote its report


# -- boundaries: the last accepted value and the first rejected one -------------------------

@pytest.mark.parametrize("row, code", [
    ("M002,M,1990-01-01,2023-01-15,active,2023-01-15,12,400000,", None),
    ("M002,M,1990-01-01,2023-01-15,active,2023-01-15,12,1200000,", None),
    # credits: January 2023 to January 2025 counted both = 25 calendar months
    ("M002,M,1990-01-01,2023-01-15,active,2023-01-15,25,650000,", None),
    ("M002,M,1990-01-01,2023-01-15,active,2023-01-15,26,650000,", "credits_too_long"),
    # an inactive's credits stop at the status date: Jan-Jun 2023 = 6 months
    ("M002,M,1990-01-01,2023-01-15,inactive,2023-06-30,6,,", None),
    ("M002,M,1990-01-01,2023-01-15,inactive,2023-06-30,7,,", "credits_too_long"),
    # joined before the scheme: credits count from October 2022 (28 months to Jan 2025)
    ("M002,M,1990-01-01,2010-01-15,active,2010-01-15,28,650000,", None),
    ("M002,M,1990-01-01,2010-01-15,active,2010-01-15,29,650000,", "credits_too_long"),
    ("M002,M,2008-01-15,2023-01-15,active,2023-01-15,12,650000,", None),  # entry at 15
    ("M002,M,2008-01-16,2023-01-15,active,2023-01-15,12,650000,", "entry_age"),
    ("M002,M,1914-01-02,1990-01-15,inactive,1994-01-15,0,,", None),  # 110 on the as-of date
    ("M002,M,1914-01-01,1990-01-15,inactive,1994-01-15,0,,", "age_out_of_range"),  # 111
    ("M002,M,1990-01-01,2023-01-15,inactive,2025-01-01,12,,", None),
    ("M002,M,1990-01-01,2023-01-15,inactive,2025-01-02,12,,", "future_date"),
    ("M002,M,1990-01-01,2023-01-15,active,2023-01-15,12,,", "missing_value"),
    ("M002,M,1990-01-01,2023-01-15,inactive,2024-01-31,12,,", None),  # no wage: fine
    ("M002,M,1990-01-01,2023-01-15,active,2023-01-15,-1,650000,", "bad_number"),
    ("M002,M,1990-01-01,2023-01-15,active,2023-01-15,12,1_000,", "bad_number"),
    ("M002,m,1990-01-01,2023-01-15,active,2023-01-15,12,650000,", "bad_sex"),
    ("M002,M,1990-01-01,15/01/2023,active,2023-01-15,12,650000,", "bad_date"),
    ("M002,M,1990-01-01,2023-01-15,dead,2023-01-14,0,,", "date_order"),
])
def test_boundaries(tmp_path, row, code):
    r = one_row(tmp_path, row)
    assert {c for (_, _, c, _) in problems_of(r)} == ({code} if code else set())


def test_cap_wages_uses_the_row_and_lists_it_as_changed(tmp_path):
    s = CheckSettings(**{**SETTINGS.__dict__, "cap_wages": True})
    r = one_row(tmp_path, "M002,M,1990-01-01,2023-01-15,active,2023-01-15,12,1500000,", s)
    assert problems_of(r) == {("members", 3, "wage_capped", "insurable_wage")}
    assert r.files[0].rows_changed == 1 and r.files[0].rows_used == 2
    assert r.members.set_index("member_id").loc["M002", "insurable_wage"] == 1_200_000


def test_every_row_is_used_or_rejected_with_its_reasons(tmp_path):
    from actuary.members.synth import synthesize, write_synthetic

    res = synthesize(3000, 11, defects=0.01)
    members, _, _ = write_synthetic(res, tmp_path / "m_synthetic.csv")
    r = check_files(members, SETTINGS)
    f = r.files[0]
    rejected = set(r.problems.loc[r.problems["severity"] == "rejected", "row"])
    assert f.rows_in == 3000 == f.rows_used + f.rows_rejected
    assert len(rejected) == f.rows_rejected
    assert set(r.members["row"]) | rejected == set(range(2, 3002))
    assert not set(r.members["row"]) & rejected
    # the counts by reason are the defects the generator injected
    counts = r.reason_counts().set_index("code")["rows"].to_dict()
    injected = {k: v for k, v in res.meta["defects_injected"].items() if k != "missing_start_date"}
    assert counts == injected


# -- control totals ----------------------------------------------------------------------

def test_control_totals_agree_and_differ(tmp_path):
    c = tmp_path / "controls.csv"
    c.write_text("measure,value,tolerance\nmembers,8,\nactive_wage_mass,2400000,0\n"
                 "active_members,4,0.1\npension_mass,747750,\n", encoding="utf-8")
    r = check_files(GOOD, SETTINGS, pensioners=GOOD_P, controls=c)
    v = r.controls.set_index("measure")
    assert v["agrees"].to_dict() == {"members": True, "active_wage_mass": True,
                                     "active_members": False, "pension_mass": True}
    assert v.loc["active_members", "difference"] == -1
    assert v.loc["active_members", "relative_difference"] == pytest.approx(-0.25)
    # in Khmer, the Summary's line on them and the Controls sheet: no English label left
    # (the measures' keys and the file's path are the data's)
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "reports"))
    from khmer_check import KHMER, english_cells

    from actuary.reports.datacheck import write_datacheck_workbook
    from actuary.reports.i18n import language

    with language("km"):
        book = openpyxl.load_workbook(write_datacheck_workbook(r, tmp_path / "km.xlsx"))
    from actuary.members.files import BENEFIT_TYPES, MEMBER_STATUSES

    left = english_cells(book, {"Problems": "D,H", "Format": "B", "Totals": "A",
                                "Controls": "A"},
                         allowed={", ".join(MEMBER_STATUSES), ", ".join(BENEFIT_TYPES)})
    assert not left, left[:10]
    line = next(c.value for row in book["Summary"].iter_rows() for c in row
                if isinstance(c.value, str) and "active_members" in c.value)
    assert KHMER.search(line) and line.startswith("៣ ក្នុងចំណោម ៤")  # 3 of 4 agree


@pytest.mark.parametrize("text, fragment", [
    ("measure,value\nmembres,8\n", "unknown measure"),
    ("measure,value\nmembers,8k\n", "not a number"),
    ("measure,value\nmembers,8\nmembers,9\n", "more than once"),
    ("measure\nmembers\n", "missing column"),
    ("measure,value\n", "header but no rows"),
])
def test_bad_control_files_are_unusable(tmp_path, text, fragment):
    c = tmp_path / "controls.csv"
    c.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=fragment):
        read_controls(c)


# -- the report ---------------------------------------------------------------------------

TRICKY = ["=1+2", "+855 12", "-5", "@SUM(A1)", '=HYPERLINK("http://x")']


def tricky_file(tmp_path: Path) -> Path:
    p = tmp_path / "tricky.csv"
    rows = [f'"{t.replace(chr(34), chr(34) * 2)}",X,1990-01-01,2023-01-15,active,2023-01-15,'
            f'12,650000,"{t.replace(chr(34), chr(34) * 2)}"' for t in TRICKY]
    p.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return p


def test_report_writes_text_from_files_as_text(tmp_path):
    r = check_files(tricky_file(tmp_path), SETTINGS)
    out = write_datacheck_workbook(r, tmp_path / "report.xlsx")
    book = openpyxl.load_workbook(out)
    ws = book["Problems"]
    cells = [c for row in ws.iter_rows() for c in row if c.value in TRICKY]
    assert {c.value for c in cells} == set(TRICKY)
    assert all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for w in book for row in w.iter_rows() for c in row)
    assert book.sheetnames[:3] == ["Summary", "Reasons", "Problems"]


def test_report_lists_every_problem_row(tmp_path):
    r = check_files(DATA / "duplicate_id.csv", SETTINGS)
    book = openpyxl.load_workbook(write_datacheck_workbook(r, tmp_path / "r.xlsx"),
                                  read_only=True)
    rows = [row for row in book["Problems"].iter_rows(values_only=True)
            if row and row[0] == "members"]
    assert [(row[1], row[4]) for row in rows] == [(2, "duplicate_id"), (3, "duplicate_id")]


def test_workbooks_open_in_libreoffice(tmp_path):
    from libreoffice import SOFFICE as soffice

    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    import subprocess

    r = check_files(tricky_file(tmp_path), SETTINGS)
    report = write_datacheck_workbook(r, tmp_path / "report.xlsx")
    out = tmp_path / "converted"
    env = {"HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                           "--headless", "--convert-to", "xlsx", "--outdir", str(out),
                           str(report)], capture_output=True, text=True, timeout=180, env=env)
    converted = out / "report.xlsx"
    assert converted.exists(), done.stderr
    book = openpyxl.load_workbook(converted, data_only=True)
    values = {c.value for row in book["Problems"].iter_rows() for c in row}
    assert set(TRICKY) <= values  # still text after LibreOffice read and wrote them
    assert book["Summary"]["A1"].value == "Member data check"


# -- aggregation into the starting population ----------------------------------------------

def test_aggregation_by_hand():
    r = check_files(GOOD, SETTINGS, pensioners=GOOD_P)
    rows, recon = aggregate(r)
    got = {(x.status, x.sex, x.age, None if np.isnan(x.credited_months) else int(x.credited_months)):
           (x.count, x.average_monthly_wage, x.average_career_wage, x.average_monthly_pension)
           for x in rows.itertuples()}
    nan = np.nan
    want = {
        ("active", "F", 29, 27): (1, 800_000, nan, nan),      # M001 born 1995-03-10
        ("active", "F", 24, 7): (1, 400_000, nan, nan),       # M007 born 2000-09-09
        ("active", "M", 49, 27): (1, 1_200_000, nan, nan),    # M006 born 1975-07-20
        ("inactive", "M", 35, 12): (1, nan, 650_000, nan),    # M002: last wage
        ("old_age", "M", 60, None): (1, nan, nan, 222_750),
        ("invalidity", "M", 39, None): (1, nan, nan, 300_000),
        ("spouse", "M", 46, None): (1, nan, nan, 150_000),
        ("orphan", "F", 12, None): (1, nan, nan, 75_000),
    }
    assert got.keys() == want.keys()
    for k, v in want.items():
        np.testing.assert_array_equal(np.array(got[k], float), np.array(v, float), err_msg=str(k))
    where = recon.set_index(["file", "status"])["rows"].to_dict()
    assert where == {("members", "active"): 3, ("members", "inactive"): 1,
                     ("members", "retired"): 1, ("members", "dead"): 1,
                     ("members", "refunded"): 1, ("members", "invalid"): 1,
                     ("pensioners", "old_age"): 1, ("pensioners", "invalidity"): 1,
                     ("pensioners", "spouse"): 1, ("pensioners", "orphan"): 1}


def test_aggregated_population_is_a_starting_population_the_projection_takes(tmp_path):
    from actuary.assumptions import load_basis
    from actuary.engine.build import build_basis
    from actuary.engine.starting import read_starting_population
    from actuary.members.synth import synthesize, write_synthetic

    aset = load_basis()
    members, pens, _ = write_synthetic(synthesize(5000, 5, aset=aset), tmp_path / "x_synthetic.csv")
    r = check_files(members, CheckSettings.from_basis(aset), pensioners=pens)
    path, _ = write_population(r, tmp_path / "pop.csv", 1e12, reserve_source="test")
    pop = read_starting_population(path)
    assert pop.valuation_date == aset.valuation_date and pop.reserve == 1e12
    assert pop.status == "unverified" and "SYNTHETIC" in pop.description
    basis = build_basis(aset, pop, horizon=5)
    used = r.members
    assert basis.start.active_count.sum() == pytest.approx((used["status"] == "active").sum())
    assert basis.start.inactive_count.sum() == pytest.approx((used["status"] == "inactive").sum())
    assert basis.start.old_age_count.sum() == len(r.pensioners)
    # wage mass: the cells' wages (gross means, see actuary.engine.build._with_gross_wages),
    # capped, give back 12 x the monthly insurable wages of the actives; not to the last
    # digit, as the kernel caps the pooled wage of rows of different wages in one cell
    # (cells by 6 months paid: 0.33% here)
    from actuary.engine.wages import capped_mean
    st = basis.start
    floor, ceiling, sigma = basis.wage_floor[0], basis.wage_ceiling[0], basis.wage_sigma
    cells = [tuple(c) for c in np.argwhere(st.active_count > 0)]
    got = sum(st.active_count[c] * capped_mean(st.active_wage[c] / st.active_count[c], floor,
                                               ceiling, sigma) for c in cells)
    assert got == pytest.approx(
        12 * used.loc[used["status"] == "active", "insurable_wage"].sum(), rel=4e-3)


# -- the command ----------------------------------------------------------------------------

def test_cli_check_writes_report_and_population(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["data", "check", str(GOOD), "--pensioners", str(GOOD_P),
                               "--report", str(tmp_path / "r.xlsx"), "--population",
                               str(tmp_path / "pop.csv"), "--quiet"])
    assert res.exit_code == 0, res.output
    assert "rows in 8, used 8, rejected 0" in res.output
    assert (tmp_path / "r.xlsx").exists() and (tmp_path / "pop.yaml").exists()


@pytest.mark.parametrize("name", ["empty.csv", "header_only.csv", "latin1.csv",
                                  "missing_columns.csv", "corrupt.xlsx"])
def test_cli_check_unusable_input_exits_1_without_traceback(tmp_path, name):
    res = CliRunner().invoke(main, ["data", "check", str(DATA / name), "--report",
                                    str(tmp_path / "r.xlsx"), "--quiet"])
    assert res.exit_code == 1
    assert res.output.startswith("error: ") and "Traceback" not in res.output
    assert name in res.output
    assert not (tmp_path / "r.xlsx").exists()
