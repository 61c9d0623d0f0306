"""The ``actuary`` command group: every command is found, and only the one run is loaded."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from actuary.cli.main import main


def test_every_listed_command_loads_under_its_own_name():
    ctx = click.Context(main)
    names = main.list_commands(ctx)
    assert names == sorted(names)
    assert {"valuate", "value", "data", "experience", "table", "basis"} <= set(names)
    for name in names:
        command = main.get_command(ctx, name)
        assert isinstance(command, click.Command)
        assert command.name == name


def test_an_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(main, ["valuation"])
    assert result.exit_code == 2
    assert "No such command 'valuation'" in result.output


def test_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:")[1].splitlines()
              if line.strip()]
    assert listed == main.list_commands(click.Context(main))


def test_running_one_command_does_not_load_the_others():
    # a fresh interpreter: this test process has imported everything already
    code = ("import sys\n"
            "from actuary.cli.main import main\n"
            "main.get_command(None, 'valuate')\n"
            "print(sorted(m for m in sys.modules if m.startswith('actuary.cli.')))\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    # the shared modules (gcpause, options, outputs, progress) are the only others (no other
    # command)
    assert out.strip() == ("['actuary.cli.gcpause', 'actuary.cli.main', 'actuary.cli.options', "
                           "'actuary.cli.outputs', "
                           "'actuary.cli.progress', "
                           "'actuary.cli.valuate_cmd']")


def test_a_terminated_command_leaves_no_partial_file(tmp_path):
    """SIGTERM (a scheduler's stop, `kill`) unwinds like Ctrl-C: the temporary output of an
    atomic write is removed and the old file is kept."""
    import signal
    import subprocess
    import sys

    dest = tmp_path / "out.xlsx"
    dest.write_text("the previous version")
    code = f"""
import os, signal
from pathlib import Path
from actuary.cli.main import stop_on_terminate
from actuary.io.fileio import atomic_path
stop_on_terminate()
with atomic_path(Path({str(dest)!r})) as tmp:
    tmp.write_text("half")
    os.kill(os.getpid(), signal.SIGTERM)
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 128 + signal.SIGTERM, run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]
    assert dest.read_text() == "the previous version"


def test_loading_a_command_leaves_garbage_collection_as_it_found_it():
    """A command's modules are imported with collection off (it only walks objects that
    live to the end); it is on again after, or still off if the caller had it off."""
    import gc

    ctx = click.Context(main)
    assert gc.isenabled()
    assert main.get_command(ctx, "basis") is not None
    assert gc.isenabled()
    gc.disable()
    try:
        assert main.get_command(ctx, "table") is not None
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_valuate_starts_the_kernels_early_compilation_before_its_imports(monkeypatch):
    """`actuary valuate` (not its help, not another command) starts the cohort kernel's
    early compilation before its command module is imported, the very worker
    compile_cohort_early would start. (numba's path: none starts where the kernel was
    compiled at install, see actuary.engine.native.)"""
    from actuary.engine import native
    from actuary.io import workers

    monkeypatch.setenv(native.ENVIRONMENT, "0")
    calls: list[tuple] = []
    monkeypatch.setattr(workers, "start", lambda *a: calls.append(a) or False)
    monkeypatch.setattr(workers, "numba_index_exists", lambda _source, _name: False)
    runner = CliRunner()
    runner.invoke(main, ["valuate", "--help"])
    runner.invoke(main, ["table", "--help"])
    assert calls == []
    result = runner.invoke(main, ["valuate", "--no-such-option"])
    assert result.exit_code == 2 and len(calls) == 1
    from actuary.engine import ahead
    from actuary.engine.kernel_types import compile_cohort_early

    monkeypatch.setattr(ahead, "cache_is_warm", lambda _d: False)
    compile_cohort_early()
    assert calls[1] == calls[0]
    # warm (numba's index is there): nothing started
    monkeypatch.setattr(workers, "numba_index_exists", lambda _source, _name: True)
    runner.invoke(main, ["valuate", "--no-such-option"])
    assert len(calls) == 2


def test_valuate_imports_the_workbook_writer_only_to_write():
    """Loading `actuary valuate` reads the label catalogue, not the workbook's writer
    (openpyxl and the sheets): that is imported after the valuation, while the
    sensitivity table is computed in the background."""
    code = ("import sys\n"
            "from actuary.cli.main import main\n"
            "main.get_command(None, 'valuate')\n"
            "print('openpyxl' in sys.modules, 'actuary.reports.workbook' in sys.modules)\n"
            "import actuary.reports as reports\n"
            "from actuary.reports.workbook import SHEETS, write_valuation_workbook\n"
            "print(reports.SHEETS is SHEETS, reports.write_valuation_workbook is "
            "write_valuation_workbook)\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    assert out.split() == ["False", "False", "True", "True"]
    import actuary.reports as reports

    with pytest.raises(AttributeError, match="no_such_name"):
        reports.no_such_name  # noqa: B018


def test_scipy_optimize_is_imported_by_the_root_finders_that_run():
    """scipy.optimize (~0.3 s to import, with the scipy.linalg, special, fft and sparse it
    loads) is imported by the functions that call brentq, not by the modules of a
    valuation: loading the command, the valuation's modules and the default set imports
    none of it; the first root found imports it (a default valuation's first is the
    gross wage of a cell, when the basis is built)."""
    code = ("import sys\n"
            "from actuary.cli.main import main\n"
            "main.get_command(None, 'valuate')\n"
            "import actuary.analysis.valuation, actuary.analysis.sensitivity\n"
            "import actuary.frame.build, actuary.frame.calibration\n"
            "import actuary.tables.frame, actuary.tables.wpp_mortality\n"
            "from actuary.assumptions import load_basis\n"
            "load_basis()\n"
            "print('scipy.optimize' in sys.modules)\n"
            "from actuary.analysis.indicators import _lowest_rate\n"
            "print(_lowest_rate(lambda r: r - 0.25), 'scipy.optimize' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    assert out.split() == ["False", "0.25", "True"]


_TEARDOWN = ("import atexit, os, sys\n"
             "from actuary.cli.main import main\n"
             "class Noisy:\n"
             "    def __del__(self, write=os.write):  # os is gone from globals by then\n"
             "        write(2, b'torn down\\n')\n"
             "kept = Noisy()  # freed by the interpreter's teardown, if it runs\n"
             "atexit.register(lambda: sys.stderr.write('handler ran\\n'))\n"
             "sys.argv = ['actuary'] + sys.argv[1:]\n")


@pytest.mark.parametrize("argv, code, out, err", [
    (["table", "list"], 0, "wpp2024_cambodia_qx", ""),
    (["table", "show", "no_such_table"], 1, "", "error: "),
    (["valuation"], 2, "", "No such command"),
])
def test_the_command_line_skips_the_teardown_but_not_the_exit(argv, code, out, err):
    """Run as the ``actuary`` script runs it (``main()`` without arguments), a command
    ends with its status and all its output, after every exit handler, without the
    interpreter's teardown (objects still alive are not freed one by one)."""
    done = subprocess.run([sys.executable, "-c", _TEARDOWN + "main()\n", *argv],
                          capture_output=True, text=True)
    assert done.returncode == code
    assert out in done.stdout and err in done.stderr
    assert "handler ran" in done.stderr and "torn down" not in done.stderr
    if argv == ["table", "list"]:  # the whole listing, flushed at the end
        from actuary.tables import list_tables

        assert all(name in done.stdout for name in list_tables())


def test_a_command_called_in_process_leaves_the_interpreter_alone():
    """``main([...])`` (click's test runner, a script calling it) ends as before: the
    interpreter's own exit, its teardown included."""
    code = _TEARDOWN + ("try:\n"
                        "    main(['table', 'list'])\n"
                        "except SystemExit as exc:\n"
                        "    sys.stderr.write(f'exit {exc.code}\\n')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0
    assert "exit 0" in done.stderr and "handler ran" in done.stderr
    assert "torn down" in done.stderr
    result = CliRunner().invoke(main, ["table", "list"])
    assert result.exit_code == 0
    from actuary.cli import main as cli_main

    assert cli_main._EXIT == []
