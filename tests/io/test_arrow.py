"""pyarrow hidden from pandas' import (actuary.io.arrow), and Parquet read all the same.

Each check runs in a fresh interpreter: hiding applies only before pandas is imported.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd

from actuary.io.arrow import hide_from_pandas

HIDDEN_THEN_READ = """
import sys
from actuary.io.arrow import hide_from_pandas
print(hide_from_pandas())
import pandas as pd
print(sys.modules["pyarrow"] is None)
from actuary.members.files import read_table
read_table(sys.argv[1]).to_pickle(sys.argv[2])
print(type(sys.modules["pyarrow"]).__name__)
"""

MEMBERS = Path(__file__).parents[1] / "data" / "members" / "good_members.csv"


def test_nothing_is_hidden_once_pandas_is_imported():
    assert "pandas" in sys.modules  # this module imports it
    assert hide_from_pandas() is False
    assert sys.modules.get("pyarrow", 0) is not None


def test_a_parquet_file_is_read_as_without_hiding_after_pyarrow_was_hidden(tmp_path):
    from actuary.members.files import read_table

    path = tmp_path / "m.parquet"
    pd.read_csv(MEMBERS, dtype=str, keep_default_na=False).to_parquet(path, index=False)
    out = subprocess.run([sys.executable, "-c", HIDDEN_THEN_READ, str(path),
                          str(tmp_path / "read.pkl")],
                         capture_output=True, text=True, check=True).stdout.split()
    # hidden before pandas; pandas imported without it; pyarrow imported to read the file
    assert out == ["True", "True", "module"]
    pd.testing.assert_frame_equal(pd.read_pickle(tmp_path / "read.pkl"), read_table(path))


def test_actuary_valuate_runs_without_pyarrow(tmp_path):
    script = textwrap.dedent(f"""
        import sys
        from actuary.cli.main import main
        try:
            main(["valuate", "--no-sensitivity", "--quiet", "--out",
                  {str(tmp_path / "v.xlsx")!r}], standalone_mode=False)
        finally:
            print("pyarrow", "hidden" if sys.modules.get("pyarrow", 0) is None else "imported")
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip().splitlines()[-1] == "pyarrow hidden"
    assert (tmp_path / "v.xlsx").stat().st_size > 0
