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
