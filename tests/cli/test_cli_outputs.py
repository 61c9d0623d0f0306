"""Output names are checked before any work: an input is never overwritten by an output.

Each command names its outputs and inputs to :func:`actuary.io.fileio.check_outputs`
before it loads anything, so these runs end at once with exit code 1, a message that
names the option and the file, no traceback, the input's bytes as they were and no
new file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from actuary.cli.main import main
from actuary.io.errors import DataError
from actuary.io.fileio import check_outputs

INPUT_BYTES = b"an input file: its bytes must survive the command\n"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A working folder holding the inputs the commands below are given."""
    monkeypatch.chdir(tmp_path)
    for name in ("pop.xlsx", "members.xlsx", "members.csv", "yearly.csv"):
        (tmp_path / name).write_bytes(INPUT_BYTES)
    (tmp_path / "basis.yaml").write_text("name: b\nbase: cambodia-default\ndescription: t\n"
                                         "overrides: {}\n")
    return tmp_path


def _listing(folder: Path) -> dict[str, bytes]:
    """The folder's files and their bytes (the commands write nowhere else here)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("args, option, target", [
    (["valuate", "--population", "pop.xlsx", "--out", "pop.xlsx"], "--out", "pop.xlsx"),
    # --csv writes yearly.csv among its tables
    (["valuate", "--population", "yearly.csv", "--csv", "."], "--csv", "yearly.csv"),
    (["valuate", "--population", "pop.xlsx", "--csv", ".", "--out", "./pop.xlsx"], "--out",
     "pop.xlsx"),
    (["solve", "--lever", "rate", "--target", "gap", "--population", "pop.xlsx", "--out",
      "pop.xlsx"], "--out", "pop.xlsx"),
    (["compare", "cambodia-default", "pop.xlsx", "--out", "pop.xlsx"], "--out", "pop.xlsx"),
    (["data", "check", "members.xlsx", "--report", "members.xlsx"], "--report", "members.xlsx"),
    (["data", "check", "members.csv", "--population", "members.csv"], "--population",
     "members.csv"),
    # the starting population's YAML sidecar would replace the assumption set
    (["data", "check", "members.csv", "--basis", "basis.yaml", "--population", "basis.csv"],
     "--population", "basis.yaml"),
    (["experience", "members.xlsx", "--decrement", "exit", "--out", "members.xlsx"], "--out",
     "members.xlsx"),
    (["experience", "members.csv", "--decrement", "death", "--table", "members.csv"], "--table",
     "members.csv"),
    (["value", "members.csv", "--by-member", "members.csv"], "--by-member", "members.csv"),
])
def test_an_output_never_overwrites_an_input(folder, args, option, target):
    before = _listing(folder)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "an output would overwrite an input file" in result.output
    assert f"field '{option}'" in result.output and target in result.output
    assert "Traceback" not in result.output
    assert "loading" not in result.output  # refused before any work
    assert _listing(folder) == before


@pytest.mark.parametrize("args, option, expected", [
    (["valuate", "--out", "v.csv"], "--out", ".xlsx"),
    (["solve", "--lever", "rate", "--target", "gap", "--out", "s.ods"], "--out", ".xlsx"),
    (["compare", "cambodia-default", "accrual-1.75", "--out", "c.csv"], "--out", ".xlsx"),
    (["data", "check", "members.csv", "--report", "r.csv"], "--report", ".xlsx"),
    (["data", "check", "members.csv", "--population", "p.xlsx"], "--population", ".csv"),
    (["experience", "members.csv", "--decrement", "exit", "--table", "t.xlsx"], "--table", ".csv"),
    (["population", "--out", "frame.json"], "--out", ".csv or .xlsx"),
])
def test_a_wrong_output_type_is_refused_before_any_work(folder, args, option, expected):
    before = _listing(folder)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert f"field '{option}'" in result.output
    assert f"expected a file name ending in {expected}" in result.output
    assert "loading" not in result.output and "Traceback" not in result.output
    assert _listing(folder) == before


@pytest.fixture
def own_population(folder):
    """A set (set.yaml) that names its own starting population, mine.xlsx, by path;
    returns the shipped population's CSV (another population to give)."""
    import pandas as pd

    from actuary.engine.starting import shipped_population_path

    shipped = shipped_population_path("nssf-default")
    pd.read_csv(shipped).to_excel(folder / "mine.xlsx", index=False)
    (folder / "mine.yaml").write_bytes(shipped.with_suffix(".yaml").read_bytes())
    (folder / "set.yaml").write_text("name: mine\nbase: cambodia-default\ndescription: x\n"
                                     "overrides:\n  starting_population: mine.xlsx\n")
    return shipped


def test_a_population_the_set_names_is_an_input_too(folder, own_population):
    # valuate knows it once the set is read, compare once the scenarios are valued:
    # refused before anything is written
    before = _listing(folder)
    for args in (["valuate", "set.yaml", "--horizon", "3", "--no-sensitivity", "--quiet"],
                 ["compare", "cambodia-default", "set.yaml", "--horizon", "3", "--quiet"]):
        result = CliRunner().invoke(main, [*args, "--out", "mine.xlsx"])
        assert result.exit_code == 1, result.output
        assert "an output would overwrite an input file" in result.output
        assert _listing(folder) == before
        result = CliRunner().invoke(main, [*args, "--out", "fine.xlsx"])
        assert result.exit_code == 0, result.output
        (folder / "fine.xlsx").unlink()


GOOD = Path(__file__).parents[1] / "data" / "bases" / "good"


def test_the_files_a_set_rests_on_are_inputs_too(tmp_path, monkeypatch):
    """A set's bases and user tables are read as much as the files on the command line."""
    import shutil

    shutil.copytree(GOOD, tmp_path / "good")
    monkeypatch.chdir(tmp_path / "good")
    (tmp_path / "good" / "members.csv").write_bytes(INPUT_BYTES)
    (tmp_path / "good" / "child.yaml").write_text(
        "name: child\nbase: minimal.yaml\ndescription: t\noverrides: {}\n")
    before = _listing(tmp_path / "good") | _listing(tmp_path / "good" / "tables")
    for args, option in (
            # the population's sidecar would replace the set's base
            (["data", "check", "members.csv", "--basis", "child.yaml", "--population",
              "minimal.csv"], "--population"),
            # the study's table would replace the set's own exit table
            (["experience", "members.csv", "--decrement", "exit", "--basis", "minimal.yaml",
              "--table", "tables/exit_flat.csv"], "--table"),
            (["value", "members.csv", "--basis", "minimal.yaml", "--by-member",
              "tables/exit_flat.csv"], "--by-member")):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert "an output would overwrite an input file" in result.output
        assert f"field '{option}'" in result.output
    assert _listing(tmp_path / "good") | _listing(tmp_path / "good" / "tables") == before


def test_two_outputs_on_one_file_are_refused(folder):
    result = CliRunner().invoke(main, ["data", "synth", "--members", "10", "--seed", "1",
                                       "--out", "m_synthetic.xlsx",
                                       "--report", "m_synthetic.xlsx"])
    assert result.exit_code == 1, result.output
    assert "two outputs would be written to the same file (--out and --report)" in result.output
    assert not (folder / "m_synthetic.xlsx").exists()


# -- the check itself --------------------------------------------------------------------

def test_names_that_are_no_file_are_not_inputs(tmp_path):
    # a shipped set's name, an option not given, an output not written: nothing to refuse
    check_outputs([("--out", tmp_path / "v.xlsx", (".xlsx",)), ("--csv", None, ())],
                  inputs=["cambodia-default", None, tmp_path / "absent.xlsx"])


def test_suffixes_are_compared_without_case(tmp_path):
    check_outputs([("--out", tmp_path / "V.XLSX", (".xlsx",))])
    with pytest.raises(DataError, match="--out must name a .xlsx file"):
        check_outputs([("--out", tmp_path / "v.xlsx.bak", (".xlsx",))])


def test_an_input_reached_by_another_path_is_still_an_input(tmp_path):
    data = tmp_path / "pop.xlsx"
    data.write_bytes(INPUT_BYTES)
    (tmp_path / "sub").mkdir()
    link = tmp_path / "link.xlsx"
    link.symlink_to(data)
    hard = tmp_path / "hard.xlsx"
    os.link(data, hard)
    for given, out in ((data, tmp_path / "sub" / ".." / "pop.xlsx"), (data, link),
                       (link, data), (data, hard)):
        with pytest.raises(DataError, match="would overwrite an input file"):
            check_outputs([("--out", out, (".xlsx",))], inputs=[given])
    assert data.read_bytes() == INPUT_BYTES


def test_outputs_apart_from_the_inputs_pass(tmp_path):
    data = tmp_path / "pop.xlsx"
    data.write_bytes(INPUT_BYTES)
    check_outputs([("--out", tmp_path / "v.xlsx", (".xlsx",)),
                   ("--csv", tmp_path / "yearly.csv", ())], inputs=[data])


# -- outputs that cannot be written ------------------------------------------------------

@pytest.mark.parametrize("args, option", [
    (["valuate", "--out", "afile/v.xlsx"], "--out"),
    (["valuate", "--csv", "afile/tables"], "--csv"),
    (["population", "--out", "afile/f.csv"], "--out"),
    (["data", "synth", "--members", "10", "--seed", "1", "--out", "d_synthetic.csv",
      "--report", "afile/r.xlsx"], "--report"),
    (["data", "check", "members.csv", "--report", "afile/r.xlsx"], "--report"),
    (["experience", "members.csv", "--decrement", "exit", "--table", "afile/t.csv"], "--table"),
    (["value", "members.csv", "--out", "afile/v.xlsx"], "--out"),
    # a name the command derives (the sidecar of --population) is a folder
    (["data", "check", "members.csv", "--population", "adir.csv"], "--population"),
])
def test_an_output_where_no_file_can_be_is_refused_before_any_work(folder, args, option):
    (folder / "afile").write_bytes(INPUT_BYTES)
    (folder / "adir.yaml").mkdir()
    before = _listing(folder)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert f"{option} cannot be written" in result.output and "Traceback" not in result.output
    assert "is a file, not a folder" in result.output or "it is a folder" in result.output
    assert _listing(folder) == before  # data synth wrote none of its files either


def test_a_folder_not_writable_is_refused(folder, monkeypatch):
    # (root writes through file modes, so the folder is made unwritable for os.access)
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == folder / "ro"
                        else real(p, mode))
    (folder / "ro").mkdir()
    result = CliRunner().invoke(main, ["valuate", "--out", "ro/sub/v.xlsx"])
    assert result.exit_code == 1, result.output
    assert f"the folder {folder / 'ro'} is not writable" in result.output


def test_a_write_the_system_refuses_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    import errno
    import tempfile

    from actuary.io.fileio import write_atomic

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(DataError, match="cannot write the file: Read-only file system"):
        write_atomic(tmp_path / "x.csv", lambda p: p.write_text("x"))
    assert not list(tmp_path.iterdir())


# -- the second audit: shipped data, a set's own files up front, odd names -------------------

def test_the_toolkit_s_shipped_data_is_never_an_output(folder):
    from actuary.assumptions.registry import DATA_DIR as SETS
    from actuary.tables.catalogue import DATA_DIR as TABLES

    # names that are not there: were the rule missing, nothing shipped would be replaced
    for args, target in (
            (["population", "--to", "2026", "--out"], TABLES / "not_written_by_a_test.csv"),
            (["data", "check", "members.csv", "--population"],
             SETS / "populations" / "not_written_by_a_test.csv"),
            (["valuate", "--out"], SETS / "not_written_by_a_test.xlsx")):
        result = CliRunner().invoke(main, [*args, str(target)])
        assert result.exit_code == 1, result.output
        assert "an output would be written into the toolkit's shipped data" in result.output
        assert not target.exists() and not target.with_suffix(".yaml").exists()


def test_a_population_the_set_names_is_refused_before_the_projection(folder, own_population):
    shipped = own_population
    before = _listing(folder)
    # another population given: the set's own is still one of its files
    for args in (["valuate", "set.yaml", "--population", str(shipped)],
                 ["solve", "set.yaml", "--population", str(shipped), "--lever", "rate",
                  "--target", "gap"]):
        result = CliRunner().invoke(main, [*args, "--out", "mine.xlsx"])
        assert result.exit_code == 1, result.output
        assert "an output would overwrite an input file" in result.output
        assert "projecting" not in result.output and "Solve on" not in result.output
    assert _listing(folder) == before


@pytest.mark.parametrize("make, out, fragment", [
    (lambda d: (d / "loop.xlsx").symlink_to("loop.xlsx"), "loop.xlsx", "ymlink loop"),
    (lambda d: (d / "dang").symlink_to("nowhere/dir"), "dang/v.xlsx", "is a link to nothing"),
    (lambda d: None, "a" * 300 + ".xlsx", "File name too long"),
])
def test_odd_output_names_are_one_line_errors(folder, make, out, fragment):
    make(folder)
    result = CliRunner().invoke(main, ["valuate", "--out", out])
    assert result.exit_code == 1, result.output
    assert "--out cannot be written" in result.output and fragment in result.output
    assert "Traceback" not in result.output and "loading" not in result.output


def test_one_output_inside_another_is_refused(folder):
    result = CliRunner().invoke(main, ["valuate", "--out", "x.xlsx", "--csv", "x.xlsx"])
    assert result.exit_code == 1, result.output
    assert "one output would be the folder of another (--out and --csv)" in result.output
    assert not (folder / "x.xlsx").exists()


def test_a_name_the_system_refuses_is_a_message(folder):
    result = CliRunner().invoke(main, ["valuate", "--population", "b" * 300 + ".csv"])
    assert result.exit_code == 1, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("error: bbb") and ".csv: cannot read the file: File name too long" in last
    assert "Traceback" not in result.output
