"""The ``actuary`` command group: every command is found, and only the one run is loaded."""

from __future__ import annotations

import subprocess
import sys

import click
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
    assert out.strip() == "['actuary.cli.main', 'actuary.cli.progress', 'actuary.cli.valuate_cmd']"
