"""Benchmarks: run with ``pytest benchmarks/ --benchmark-only`` (not part of the test suite)."""

import sys
from pathlib import Path

# The numpy reference lives with the tests (it is their oracle); the benchmarks reuse it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
