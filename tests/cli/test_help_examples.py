"""Every command's help (``-h``) has examples, and every example parses: its command
exists and its options are the command's."""

from __future__ import annotations

import shlex

import click
import pytest
from click.testing import CliRunner

from actuary.cli.main import main


def _leaves(group: click.Group, ctx: click.Context, path: tuple[str, ...] = ()):
    """(path of words, command) of every command that runs (not the groups)."""
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            yield from _leaves(cmd, ctx, (*path, name))
        else:
            yield (*path, name), cmd


COMMANDS = list(_leaves(main, click.Context(main)))


def _examples(text: str) -> list[str]:
    """The lines after an 'Example:' or 'Examples:' heading of a help text."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() in ("Example:", "Examples:"))
    out = []
    for line in lines[start + 1:]:
        if not line.strip().startswith("actuary "):
            break
        out.append(line.strip())
    return out


def test_the_walk_finds_every_command():
    names = {" ".join(p) for p, _ in COMMANDS}
    assert {"valuate", "basis show", "data synth", "table show", "verify", "change"} <= names


@pytest.mark.parametrize("words, cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_help_has_examples_that_parse(words, cmd):
    out = CliRunner().invoke(main, [*words, "-h"])
    assert out.exit_code == 0, out.output
    examples = _examples(out.output)
    assert examples, f"no example in 'actuary {' '.join(words)} -h'"
    for line in examples:
        argv = shlex.split(line)[1:]
        # the example names this command, and click accepts its options and arguments
        assert tuple(argv[:len(words)]) == words or words == ("verify",), line
        if tuple(argv[:len(words)]) != words:
            continue  # verify's first line makes the bundle it checks
        ctx = cmd.make_context(" ".join(words), argv[len(words):], resilient_parsing=False)
        ctx.close()
