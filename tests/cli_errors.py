"""What a user mistake must look like on the command line (tests only)."""

from __future__ import annotations


def one_error_line(result, *fragments: str) -> str:
    """The message of a ``CliRunner`` result, after checking that the command exited
    with code 1 on exactly one ``error:`` line, without a traceback, containing every
    one of ``fragments``."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    return lines[0]
