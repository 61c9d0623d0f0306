"""``actuary experience`` on bad options and small files: a one-line error naming the
option and its value (exit code 1), or a study of what the data support that says what
was left out; never a traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from actuary.cli.main import main
from actuary.io.errors import AssumptionError, DataError
from actuary.members.experience import (
    InsufficientData,
    experience_table,
    graduate,
    observations,
    study,
    survival_fits,
)

DATA = Path(__file__).parents[1] / "data"
GOOD = DATA / "members" / "good_members.csv"  # 8 members, as-of 2025-01-01 (the basis's date)
ONE = DATA / "experience" / "one_member.csv"
AS_OF = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def aset():
    from actuary.assumptions import load_basis

    return load_basis()


@pytest.fixture(scope="module")
def good(aset):
    """The used rows of good_members.csv, as the data check leaves them."""
    from actuary.members.datacheck import CheckSettings, check_files

    return check_files(GOOD, CheckSettings.from_basis(aset)).members


def run(tmp_path: Path, members: Path, *args: str):
    out = tmp_path / "exp.xlsx"
    return CliRunner().invoke(main, ["experience", str(members), "--out", str(out), "--quiet",
                                     *args])


def refused(res, *words: str) -> str:
    """The result is one error line (exit code 1, no traceback) holding ``words``."""
    text = res.output
    assert res.exit_code == 1, text
    # an exception other than the CLI's exit is a crash, whatever the exit code
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in text, text
    lines = [x for x in text.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), text
    for w in words:
        assert w in lines[0], (w, text)
    return lines[0]


# -- option values click lets through ----------------------------------------------------------

def test_level_nan_is_refused(tmp_path):
    res = run(tmp_path, GOOD, "--decrement", "death", "--level", "nan")
    refused(res, "'--level'", "value nan", "0.5 to 0.999")
    assert not (tmp_path / "exp.xlsx").exists()


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_smoothing_not_finite_is_refused(tmp_path, value):
    res = run(tmp_path, GOOD, "--decrement", "death", "--method", "whittaker",
              "--smoothing", value)
    refused(res, "'--smoothing'", f"value {value}", "finite number above 0")


# -- options the chosen graduation would ignore -------------------------------------------------

def test_smoothing_with_gm_is_refused(tmp_path):
    res = run(tmp_path, GOOD, "--decrement", "death", "--smoothing", "5")  # --method gm default
    refused(res, "--smoothing", "--method", "'5 / gm'", "--method whittaker")


def test_degree_with_whittaker_is_refused(tmp_path):
    res = run(tmp_path, GOOD, "--decrement", "exit", "--method", "whittaker", "--degree", "3")
    refused(res, "--degree", "--method", "'3 / whittaker'", "--method gm")


@pytest.mark.parametrize("option, value", [("--degree", "2"), ("--smoothing", "10")])
def test_graduation_options_with_retirement_are_refused(tmp_path, option, value):
    extra = ["--method", "whittaker"] if option == "--smoothing" else []
    res = run(tmp_path, GOOD, "--decrement", "retirement", option, value, *extra)
    refused(res, f"{option} / --decrement", "retirement", "not graduated")


# -- the study window ---------------------------------------------------------------------------

def test_window_ending_after_the_as_of_date_is_refused(tmp_path):
    res = run(tmp_path, GOOD, "--decrement", "death", "--to", "2030-01-01")
    refused(res, "'--to'", "'2030-01-01'", "as-of date 2025-01-01")


def test_window_ending_on_the_as_of_date_is_the_default(tmp_path):
    res = run(tmp_path, GOOD, "--decrement", "death", "--to", "2025-01-01")
    assert res.exit_code == 0, res.output
    assert "to 2025-01-01 (exclusive)" in res.output


@pytest.mark.parametrize("args, option, value", [
    (["--from", "2030-01-01"], "'--from'", "'2030-01-01'"),
    (["--from", "2024-01-01", "--to", "2023-01-01"], "'--to'", "'2023-01-01'"),
])
def test_empty_window_is_refused_naming_the_option(tmp_path, args, option, value):
    res = run(tmp_path, GOOD, "--decrement", "death", *args)
    refused(res, "the study window is empty", option, value)


def test_window_before_the_data_is_refused(tmp_path):
    res = run(tmp_path, GOOD, "--decrement", "death", "--from", "1800-01-01", "--to",
              "1900-01-01")
    refused(res, "no member is observed", "'1800-01-01 to 1900-01-01'", "--from, --to",
            "2015-05-01 to 2025-01-01")


def test_library_refuses_a_window_after_the_as_of_date(good):
    with pytest.raises(AssumptionError) as err:
        observations(good, "death", AS_OF, study_end=dt.date(2030, 1, 1))
    assert err.value.field == "study_end" and err.value.value == "2030-01-01"


# -- small files: what can be computed, and what was left out -----------------------------------

def test_small_file_death_study_leaves_out_what_it_cannot_estimate(tmp_path):
    res = run(tmp_path, GOOD, "--decrement", "death")
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    # A/E is reported; the Kaplan-Meier curves lifelines cannot estimate are said to be left out
    assert "actual 1, expected on basis" in res.output
    assert "left out: Kaplan-Meier curve (all): no one is at risk after age" in res.output
    assert "8 members, 1 event)" in res.output
    assert "graduation M: left out (no events)" in res.output
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "exp.xlsx", read_only=True)
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if len(r) > 1}
    assert summary["Left out"].startswith("Kaplan-Meier curve")
    assert summary["Graduation M"].startswith("left out: no events")
    curves = {r[:2] for r in book["Survival"].iter_rows(values_only=True) if len(r) > 1}
    assert ("nelson_aalen", "all") in curves and ("kaplan_meier", "all") not in curves


def test_small_file_exit_study_with_a_degree_too_high_for_the_data(tmp_path):
    res = run(tmp_path, GOOD, "--decrement", "exit", "--degree", "3")
    assert res.exit_code == 0, res.output
    assert ("graduation M: left out (1 event at 1 age (of 10 with exposure), too few for "
            "GM(0,3); needs events at 3 ages or more, or a degree (--degree) of at most 1)"
            in res.output)


def test_small_file_exit_study_chooses_a_degree_the_data_can_fit(tmp_path):
    res = run(tmp_path, GOOD, "--decrement", "exit")
    assert res.exit_code == 0, res.output
    assert "graduation M: ages 33-59, GM(0,1)" in res.output


def test_small_file_whittaker_is_left_out(tmp_path):
    res = run(tmp_path, GOOD, "--decrement", "death", "--method", "whittaker")
    assert res.exit_code == 0, res.output
    assert "graduation F: left out (1 event at 1 age" in res.output
    assert "too few for Whittaker-Henderson of order 3" in res.output


def test_one_member_without_events(tmp_path):
    res = run(tmp_path, ONE, "--decrement", "death")
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    assert "members used 1, observed 1" in res.output and "events 0" in res.output
    assert "graduation M: left out (no events)" in res.output
    assert "graduation F: left out (no events)" in res.output
    assert (tmp_path / "exp.csv").exists()


def test_study_of_one_member_keeps_numeric_columns(aset):
    from actuary.members.datacheck import CheckSettings, check_files

    members = check_files(ONE, CheckSettings.from_basis(aset)).members
    r = study(members, "death", aset, AS_OF)
    assert r.rates["mu_graduated"].dtype == float and r.rates["z"].isna().all()
    assert r.not_graduated == {"M": "no events", "F": "no events"}
    table = experience_table(r, aset, "one")
    assert "F: not graduated (no events); the basis's values" in table.meta.method


# -- the library's own checks (the CLI names the options first) ----------------------------------

def test_study_refuses_alpha_nan(aset, good):
    with pytest.raises(AssumptionError) as err:
        study(good, "death", aset, AS_OF, alpha=float("nan"))
    assert err.value.field == "alpha" and "--level" in str(err.value)


@pytest.mark.parametrize("kwargs, field", [
    ({"method": "whittaker", "h": float("nan")}, "h"),
    ({"method": "whittaker", "h": float("inf")}, "h"),
    ({"method": "gm", "h": 10.0}, "h"),
    ({"method": "whittaker", "degree": 2}, "degree"),
])
def test_graduate_refuses_settings_it_would_not_use(kwargs, field):
    ages = np.arange(30, 60)
    rates = pd.DataFrame({"sex": "M", "age": ages, "events": 5.0, "central": 1000.0})
    with pytest.raises(AssumptionError) as err:
        graduate(rates, "M", **kwargs)
    assert err.value.field == field


def test_gm_stops_at_the_number_of_ages_with_events():
    """Events at two ages: GM(0,3) and up have no maximum (a parabola through those two
    ages, negative elsewhere, raises the likelihood without bound)."""
    ages = np.arange(30, 45)
    d = np.where(np.isin(ages, [35, 40]), 1.0, 0.0)
    rates = pd.DataFrame({"sex": "F", "age": ages, "events": d, "central": 1.0})
    g = graduate(rates, "F")
    assert g.parameters <= 2 and "among [1, 2]" in g.detail
    assert np.all(np.isfinite(g.mu)) and g.mu.min() > 1e-6
    with pytest.raises(InsufficientData) as err:
        graduate(rates, "F", degree=3)
    assert isinstance(err.value, DataError) and err.value.field == "degree"
    assert "2 events at 2 ages (of 15 with exposure)" in str(err.value)


def test_survival_fits_left_out_or_raised(good):
    obs = observations(good, "death", AS_OF)
    left: list[str] = []
    s = survival_fits(obs, "age", left_out=left)
    assert set(s["estimator"]) == {"nelson_aalen"}
    assert len(left) == 3 and left[0].startswith("Kaplan-Meier curve (all)")
    with pytest.raises(InsufficientData):
        survival_fits(obs, "age")
