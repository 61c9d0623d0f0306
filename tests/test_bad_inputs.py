"""The bad-input corpus (tests/data/bad_inputs): every case through the command line.

Each case of ``cases.yaml`` names a file of the corpus, the command and the message it
must get: one ``error:`` line (exit 1, no traceback), rows reported with their reason,
or data accepted with ``--accept-implausible`` and said so. None may be accepted
silently. The output and signal cases (closed pipe, full disk, several outputs) are
the tests after the parametrised one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from cli_errors import one_error_line  # noqa: E402

from actuary.cli.main import main  # noqa: E402
from actuary.io.errors import ActuaryError  # noqa: E402

HERE = Path(__file__).parent / "data" / "bad_inputs"
CASES = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))["cases"]


def _args(case: dict, out: Path) -> list[str]:
    fifo = out / case["fifo"] if case.get("fifo") else None
    if fifo is not None:
        os.mkfifo(fifo)
    args = [a.format(here=HERE, out=out, fifo=fifo) for a in case["args"]]
    # no progress lines: the output is the message alone
    quiet = args[0] in ("valuate", "value", "experience") or args[:2] == ["data", "check"]
    return args + ["--quiet"] * quiet


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_each_bad_input_gets_its_message(case, tmp_path):
    result = CliRunner().invoke(main, _args(case, tmp_path))
    if case["outcome"] == "error":
        one_error_line(result, *case["expect"])
        # nothing written (the named pipe of a case is the only thing there)
        assert [p.name for p in tmp_path.iterdir()] == ([case["fifo"]] if case.get("fifo")
                                                        else [])
        return
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    for fragment in case["expect"]:
        assert fragment in result.output, (fragment, result.output)
    if case.get("summary"):  # the workbook says so too, on its Summary sheet
        import openpyxl

        book = openpyxl.load_workbook(case["summary"].format(out=tmp_path), read_only=True)
        text = " ".join(str(v) for row in book["Summary"].iter_rows(values_only=True)
                        for v in row if v is not None)
        book.close()
        assert "IMPLAUSIBLE DATA ACCEPTED (--accept-implausible)" in text
        assert case["expect"][1] in text


def test_the_corpus_files_are_what_make_py_writes(tmp_path, monkeypatch):
    """The committed files are those the generator writes (the NUL bytes included)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", HERE / "make.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    monkeypatch.setattr(make, "HERE", tmp_path)
    make.main()
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert made
    for rel in made:
        assert (HERE / rel).read_bytes() == (tmp_path / rel).read_bytes(), rel
    used = {Path(a.split("{here}/")[1]) for c in CASES for a in c["args"] if "{here}/" in a}
    assert used <= {p.relative_to(HERE) for p in HERE.rglob("*") if p.is_file()}


# -- outputs and signals ----------------------------------------------------------------

def _fill_disk(monkeypatch) -> None:
    """Every archive write fails as on a full disk (ENOSPC), the first byte included."""
    import errno
    import io
    import types
    import zipfile

    class Full(io.FileIO):
        def write(self, data):  # noqa: ARG002
            raise OSError(errno.ENOSPC, "No space left on device")

    shim = types.SimpleNamespace(**{k: getattr(io, k) for k in dir(io) if not k.startswith("__")})
    shim.open = lambda f, mode="r", *a, **k: (Full(f, "w") if "w" in mode
                                              else io.open(f, mode, *a, **k))
    monkeypatch.setattr(zipfile, "io", shim)


def test_a_full_disk_names_the_workbook_and_leaves_no_trace(tmp_path, monkeypatch):
    """openpyxl's own save (the data-check report) used to leave a ZipFile whose __del__
    printed 'Exception ignored in ... ZipFile.__del__' with a traceback at exit."""
    import gc

    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    _fill_disk(monkeypatch)
    report = tmp_path / "r.xlsx"
    result = CliRunner().invoke(main, ["data", "check", str(HERE / "members" / "ok.csv"),
                                       "--report", str(report), "--quiet"])
    gc.collect()  # what would run ZipFile.__del__ at exit
    one_error_line(result, "r.xlsx: cannot write the file: No space left on device")
    assert unraisable == [] and list(tmp_path.iterdir()) == []


def test_several_outputs_are_replaced_together_or_not_at_all(tmp_path, monkeypatch):
    """data check --population writes a CSV, its YAML and the report: a failure on the
    last (the report) leaves the previous three files as they were, none new beside."""
    population, report = tmp_path / "pop.csv", tmp_path / "r.xlsx"
    before = {population: b"old csv", population.with_suffix(".yaml"): b"old yaml",
              report: b"old report"}
    for path, data in before.items():
        path.write_bytes(data)
    import actuary.reports.datacheck as datacheck_report

    def fail(*_args, **_kwargs):
        raise KeyboardInterrupt  # Ctrl-C while the report is being written

    monkeypatch.setattr(datacheck_report, "write_datacheck_workbook", fail)
    args = ["data", "check", str(HERE / "members" / "ok.csv"), "--report", str(report),
            "--population", str(population), "--quiet"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert {p: p.read_bytes() for p in before} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pop.csv", "pop.yaml", "r.xlsx"]
    monkeypatch.undo()
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert all(p.read_bytes() != before[p] for p in before)


def test_data_synth_replaces_its_four_files_together(tmp_path, monkeypatch):
    out = tmp_path / "m_synthetic.csv"
    args = ["data", "synth", "--members", "40", "--seed", "1", "--out", str(out), "--quiet"]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    assert len(before) == 4  # members, pensioners, sidecar, report
    import actuary.reports.datacheck as datacheck_report

    def fail(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(datacheck_report, "write_synth_workbook", fail)
    result = CliRunner().invoke(main, args[:5] + ["2"] + args[6:])  # another seed
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_parquet_member_file_with_a_nul_is_refused_with_row_and_column(tmp_path):
    import pandas as pd

    path = tmp_path / "members.parquet"
    frame = pd.read_csv(HERE / "members" / "ok.csv", dtype=str)
    frame.loc[2, "member_id"] = "AB\x00CD"
    frame.to_parquet(path, index=False)
    result = CliRunner().invoke(main, ["data", "check", str(path), "--report",
                                       str(tmp_path / "r.xlsx"), "--quiet"])
    one_error_line(result, "members.parquet", "row 4, column 1 ('member_id')", "AB\\x00CD")


def test_output_set_puts_the_previous_files_back_when_a_rename_fails(tmp_path, monkeypatch):
    from actuary.io import fileio

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("old a")
    second.write_text("old b")
    real = os.replace

    def refuse_b(src, dst):
        if Path(dst) == second and str(src).endswith(".partial"):
            raise OSError(13, "Permission denied", str(dst))
        return real(src, dst)

    monkeypatch.setattr(fileio.os, "replace", refuse_b)
    with pytest.raises(ActuaryError, match="b.csv.*Permission denied"):
        with fileio.output_set():
            fileio.write_atomic(first, lambda p: p.write_text("new a"))
            fileio.write_atomic(second, lambda p: p.write_text("new b"))
    assert (first.read_text(), second.read_text()) == ("old a", "old b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


def test_csv_cells_are_safe_in_a_spreadsheet_and_numbers_stay_numbers():
    import pandas as pd

    from actuary.io.fileio import spreadsheet_original, spreadsheet_safe

    frame = pd.DataFrame({"id": ["=HYPERLINK(\"x\")", "+1", "-5", "@SUM(A1)", "\tx", "\rx",
                                 "'quoted", "plain", "-1e3"],
                          "amount": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]})
    safe = spreadsheet_safe(frame)
    assert safe["id"].tolist() == ["'=HYPERLINK(\"x\")", "+1", "-5", "'@SUM(A1)", "'\tx",
                                   "'\rx", "''quoted", "plain", "-1e3"]
    assert safe["amount"].tolist() == frame["amount"].tolist()  # numbers as they are
    assert spreadsheet_original(safe["id"]).tolist() == frame["id"].tolist()
    assert frame["id"].iloc[0].startswith("=")  # the frame given is not changed


def test_a_closed_pipe_ends_quietly_with_141(tmp_path):
    """The reader goes away before the command writes (as `| head` does once it has its
    lines): no 'error: Broken pipe', no traceback, exit 141 (128 + SIGPIPE)."""
    import subprocess

    proc = subprocess.Popen([sys.executable, "-c", "from actuary.cli.main import main; main()",
                             "basis", "show"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=tmp_path)
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert err == ""
