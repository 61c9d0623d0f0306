"""``actuary basis show [FILE]`` and ``actuary basis check FILE`` on good input."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from actuary.assumptions import load_basis
from actuary.cli.main import main

GOOD = Path(__file__).parents[1] / "data" / "bases" / "good"


def test_show_default():
    result = CliRunner().invoke(main, ["basis", "show"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Assumption set: cambodia-default")
    assert "Valuation date: 2025-01-01; horizon 100 years (2025-2124)" in out
    for heading in ("\nEconomic\n", "\nDemographic\n", "\nCoverage\n", "\nScheme\n", "\nTables\n"):
        assert heading in out
    # First values and the extension rule of a dated parameter.
    assert "0.04 from 2022-10-01; 0.08 from 2027-10-01; 0.1075 from 2032-10-01; then +0.0275 every 10 years" in out
    assert "wpp2024_cambodia_qx" in out and "status derived" in out
    n = len(load_basis().unverified())
    assert f"Unverified items ({n})" in out and "scheme.parameters.accrual_rate:" in out
    assert f"Content hash (SHA-256): {load_basis().content_hash()}" in out


def test_show_overlay_marks_overrides():
    result = CliRunner().invoke(main, ["basis", "show", str(GOOD / "overlay_relative.yaml")])
    assert result.exit_code == 0, result.output
    assert "Base: minimal.yaml" in result.output
    assert "(overridden by overlay_relative.yaml)" in result.output
    assert "tables/exit_flat.csv" in result.output


def test_check_ok():
    result = CliRunner().invoke(main, ["basis", "check", str(GOOD / "minimal.yaml")])
    assert result.exit_code == 0, result.output
    assert result.output == f"OK: test-minimal, hash {load_basis(GOOD / 'minimal.yaml').content_hash()}\n"


def test_check_missing_file_is_exit_1():
    result = CliRunner().invoke(main, ["basis", "check", "no/such/file.yaml"])
    assert result.exit_code == 1
    assert "not found" in result.output and "Traceback" not in result.output
