"""``actuary solve`` refuses bad options before any projection.

Each mistake below once ended in a traceback, was accepted (a negative ceiling, a reserve
ratio of infinity), was resolved silently (``--years`` with ``--until``, ``--period`` for
a lever without steps, a short ``--horizon`` cutting the GAP's default 75 years) or was
reported against an internal temporary file. Now each is a one-line error naming the
option and the value given, with exit code 1, and no projection is made.
"""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

import actuary.studies.solve as solve_mod
from actuary.assumptions import load_basis
from actuary.engine.build import build_basis
from actuary.cli.main import main
from actuary.io.errors import AssumptionError
from actuary.studies.solve import solve
from actuary.analysis.valuation import load_population


@pytest.fixture
def no_projection(monkeypatch):
    """Count the solver's projections: a refused request must make none."""
    calls = []
    real = solve_mod.project

    def counted(basis):
        calls.append(1)
        return real(basis)

    monkeypatch.setattr(solve_mod, "project", counted)
    return calls


def _refused(args, field, value, no_projection):
    r = CliRunner().invoke(main, ["solve", *args])
    out = r.output
    assert r.exit_code == 1, out
    assert isinstance(r.exception, SystemExit), r.exception  # the CLI's exit, not a crash
    assert "Traceback" not in out
    assert out.startswith("error: ") and out.count("\n") == 1, out  # one line
    assert f"field '{field}'" in out, out
    assert f"value {value}" in out, out
    assert not no_projection
    return out


# ------------------------------------------------------------ 1. non-finite search range

@pytest.mark.parametrize("args, field, value", [
    (["--lever", "rate", "--min", "nan", "--max", "0.5"], "--min", "nan"),
    (["--lever", "rate", "--min", "0", "--max", "inf"], "--max", "inf"),
    (["--lever", "accrual", "--min", "-inf", "--max", "0.02"], "--min", "-inf"),
    (["--lever", "ceiling", "--min", "400000", "--max", "nan"], "--max", "nan"),
])
def test_search_range_must_be_finite(args, field, value, no_projection):
    out = _refused([*args, "--target", "gap"], field, value, no_projection)
    assert "finite" in out


# ------------------------------------------------------ 2. values the lever cannot take

@pytest.mark.parametrize("args, field, value, expected", [
    (["--lever", "ceiling", "--min", "-100", "--max", "1e30"], "--min", "-100.0",
     "not below the wage floor of 2025 (>= 400000)"),
    (["--lever", "ceiling", "--min", "0", "--max", "1e6"], "--min", "0.0", ">= 400000"),
    (["--lever", "accrual", "--min", "-1", "--max", "0"], "--min", "-1.0", "in [0, 1]"),
    (["--lever", "accrual", "--min", "0", "--max", "1.5"], "--max", "1.5", "in [0, 1]"),
    (["--lever", "rate", "--min", "-1", "--max", "0.5"], "--min", "-1.0", "in [0, 1]"),
    (["--lever", "rate", "--min", "0", "--max", "2"], "--max", "2.0", "in [0, 1]"),
    (["--lever", "rate-path", "--min", "-0.01", "--max", "0.1"], "--min", "-0.01", "in [0, 1]"),
    (["--lever", "pension-age", "--min", "10", "--max", "70"], "--min", "10.0", "in [60, 110]"),
    (["--lever", "pension-age", "--min", "60", "--max", "200"], "--max", "200.0",
     "in [60, 110]"),
    (["--lever", "pension-age", "--min", "60.5", "--max", "70"], "--min", "60.5", "whole"),
])
def test_lever_values_are_checked(args, field, value, expected, no_projection):
    out = _refused([*args, "--target", "gap"], field, value, no_projection)
    assert expected in out


@pytest.mark.parametrize("ratio, value", [("-1", "-1.0"), ("0", "0.0"), ("nan", "nan"),
                                          ("inf", "inf")])
def test_reserve_ratio_is_finite_and_positive(ratio, value, no_projection):
    out = _refused(["--lever", "rate", "--target", "reserve-ratio", "--ratio", ratio],
                   "--ratio", value, no_projection)
    assert "> 0" in out


def test_inverted_range_is_refused(no_projection):
    out = _refused(["--lever", "rate", "--target", "gap", "--min", "0.5", "--max", "0.1"],
                   "--min/--max", "'0.5 / 0.1'", no_projection)
    assert "--min below --max" in out


# ---------------------------------------------------- 3. options that would be dropped

@pytest.mark.parametrize("args, field, value", [
    (["--lever", "rate", "--target", "gap", "--years", "10", "--until", "2040"],
     "--years/--until", "'10 / 2040'"),
    (["--lever", "rate", "--target", "gap", "--period", "5"], "--period", "5"),
    (["--lever", "accrual", "--target", "gap", "--period", "5"], "--period", "5"),
    (["--lever", "ceiling", "--target", "gap", "--period", "3"], "--period", "3"),
    (["--lever", "rate", "--target", "gap", "--horizon", "1"], "--horizon", "1"),
    (["--lever", "rate", "--target", "gap", "--horizon", "74"], "--horizon", "74"),
    (["--lever", "rate", "--target", "gap", "--years", "10", "--horizon", "5"],
     "--years/--horizon", "'10 / 5'"),
    (["--lever", "rate", "--target", "gap", "--ratio", "2"], "--ratio", "2.0"),
    (["--lever", "rate", "--target", "no-depletion", "--ratio", "1"], "--ratio", "1.0"),
    (["--lever", "rate", "--target", "steady-state", "--years", "60"], "--years", "60"),
    (["--lever", "rate", "--target", "steady-state", "--until", "2084"], "--until", "2084"),
    (["--lever", "rate", "--target", "steady-state", "--horizon", "30"], "--horizon", "30"),
    (["--lever", "rate", "--target", "gap", "--until", "2200"], "--until", "2200"),
])
def test_conflicting_options_are_refused(args, field, value, no_projection):
    _refused(args, field, value, no_projection)


def test_a_set_shorter_than_the_gap_default_gets_a_note(tmp_path):
    """No option conflicts here: the set itself projects 50 years, so the GAP is over its
    whole horizon, and the output says so."""
    short = tmp_path / "short.yaml"
    short.write_text("name: short-horizon\nbase: cambodia-default\ndescription: 50 years\n"
                     "overrides:\n  horizon_years: 50\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["solve", str(short), "--lever", "rate", "--target", "gap"])
    assert r.exit_code == 0, r.output
    assert "GAP over 50 years" in r.output
    assert "note: the GAP target covers the set's 50 projection years" in r.output


# ------------------------------------------- 4. pension ages: the option, not a temp file

def test_pension_age_names_the_option_not_a_temporary_file(no_projection):
    out = _refused(["--lever", "pension-age", "--target", "gap", "--min", "60", "--max", "200"],
                   "--max", "200.0", no_projection)
    assert "overlay" not in out and "actuary-overlay" not in out and "201" not in out


# -------------------------------------------------------------- the library refuses too

@pytest.fixture(scope="module")
def nssf():
    aset = load_basis()
    pop = load_population(aset, None)
    return aset, pop, build_basis(aset, pop)


@pytest.mark.parametrize("lever, bounds, field", [
    ("rate", (math.nan, 0.5), "--min"),
    ("rate", (0.5, 0.1), "--min/--max"),
    ("ceiling", (-100.0, 1e30), "--min"),
    ("pension_age", (60.0, 111.0), "--max"),
])
def test_solve_refuses_bad_bounds(nssf, lever, bounds, field, no_projection):
    aset, pop, b = nssf
    with pytest.raises(AssumptionError) as exc:
        solve(aset, pop, lever, "gap", bounds=bounds, basis=b)
    assert exc.value.field == field
    with pytest.raises(AssumptionError):
        solve_mod.make_lever(lever, b, bounds=bounds,
                             unmasked=(b.invalidity, b.exit) if lever == "pension_age" else None)
    assert not no_projection


def test_pension_age_up_to_the_oldest_age_is_accepted(nssf):
    """The highest age the lever may take is the projection's oldest (110): the rates the
    age lever opens stop there instead of reaching one year beyond the set's ages."""
    aset, pop, b = nssf
    res = solve(aset, pop, "pension_age", "no_depletion", start_year=2030, bounds=(60, 110),
                basis=b)
    assert res.at_bound and res.value == 60

