"""Member and pensioner files: formats, encodings, streaming, calendar arithmetic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from actuary.io.errors import DataError
from actuary.members.files import (
    anniversary,
    completed_years,
    from_ymd,
    iso_dates,
    month_index,
    open_table,
    read_table,
    ymd,
)

DATA = Path(__file__).parents[1] / "data" / "members"


def _py_age(born: dt.date, at: dt.date) -> int:
    """Age last birthday by plain Python (29 February counts as complete on 1 March)."""
    years = at.year - born.year
    return years - ((at.month, at.day) < (born.month, born.day))


# -- calendar arithmetic against Python's datetime ------------------------------------------

def test_ymd_and_from_ymd_agree_with_python_on_every_day_1600_2500():
    days = np.arange(np.datetime64("1600-01-01"), np.datetime64("2500-01-01"))
    y, m, d = ymd(days)
    sample = np.arange(0, len(days), 997)
    for i in sample:
        p = dt.date.fromisoformat(str(days[i]))
        assert (y[i], m[i], d[i]) == (p.year, p.month, p.day)
    assert np.array_equal(from_ymd(y, m, d), days)
    # and numpy's own calendar conversion on all of them
    mm = days.astype("datetime64[M]")
    assert np.array_equal(m, mm.astype(np.int64) % 12 + 1)


def test_completed_years_and_anniversaries_match_python():
    rng = np.random.default_rng(1)
    born = np.datetime64("1940-01-01") + rng.integers(0, 30000, 5000)
    at = born + rng.integers(0, 40000, 5000)
    born[:3] = np.array(["2000-02-29", "2000-02-29", "2000-02-29"], dtype="datetime64[D]")
    at[:3] = np.array(["2023-02-28", "2023-03-01", "2024-02-29"], dtype="datetime64[D]")
    ages = completed_years(born, at)
    for b, a, got in zip(born.tolist(), at.tolist(), ages.tolist()):
        assert got == _py_age(b, a)
    assert ages[:3].tolist() == [22, 23, 24]
    feb29 = np.array(["2000-02-29"], dtype="datetime64[D]")
    assert str(anniversary(feb29, 2023)[0]) == "2023-03-01"
    assert str(anniversary(feb29, 2024)[0]) == "2024-02-29"
    assert month_index(np.array(["1970-01-31", "2025-01-01"], dtype="datetime64[D]")).tolist() \
        == [0, 55 * 12]


def test_iso_dates_inside_and_outside_the_lookup_table():
    d = np.array(["1799-12-31", "1800-01-01", "2025-06-30", "2299-12-31", "2300-01-01", "NaT"],
                 dtype="datetime64[D]")
    assert iso_dates(d).tolist() == ["1799-12-31", "1800-01-01", "2025-06-30", "2299-12-31",
                                     "2300-01-01", ""]


# -- formats ----------------------------------------------------------------------------

def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """A workbook as a user would make it; text cells stay text (pandas would turn
    '=HYPERLINK(...)' into a formula)."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(list(frame.columns))
    for r, rec in enumerate(frame.itertuples(index=False), start=2):
        for c, v in enumerate(rec, start=1):
            cell = ws.cell(row=r, column=c, value=v.to_pydatetime() if hasattr(v, "to_pydatetime")
                           else v.item() if hasattr(v, "item") else v)
            if isinstance(v, str):
                cell.data_type = "s"
    book.save(path)


def test_csv_xlsx_and_parquet_read_the_same(tmp_path):
    csv = read_table(DATA / "good_members.csv")
    frame = pd.read_csv(DATA / "good_members.csv", dtype=str, keep_default_na=False)
    frame.to_parquet(tmp_path / "m.parquet", index=False)
    xl = frame.copy()
    # an XLSX written by a user: dates as date cells, numbers as numbers
    for col in ("birth_date", "entry_date", "status_date"):
        xl[col] = pd.to_datetime(xl[col])
    for col in ("credited_months", "insurable_wage"):
        xl[col] = pd.to_numeric(xl[col])
    _write_xlsx(xl, tmp_path / "m.xlsx")
    for other in (read_table(tmp_path / "m.parquet"), read_table(tmp_path / "m.xlsx")):
        pd.testing.assert_frame_equal(csv.drop(columns="__beyond_header"),
                                      other.drop(columns="__beyond_header"))


def test_chunks_keep_spreadsheet_row_numbers(tmp_path):
    src = open_table(DATA / "blank_line.csv", chunk_rows=1)
    chunks = list(src.chunks())
    assert [c.first_row for c in chunks] == [2, 3, 4]  # the blank line is row 3
    assert chunks[1].frame.iloc[0]["member_id"] == ""
    assert chunks[2].frame.iloc[0]["member_id"] == "M002"


def test_headers_are_trimmed_and_lower_cased_and_unknown_columns_listed(tmp_path):
    p = tmp_path / "m.csv"
    text = (DATA / "good_members.csv").read_text(encoding="utf-8").splitlines()
    text[0] = " Member_ID ,SEX," + ",".join(text[0].split(",")[2:]) + ",branch"
    p.write_text("\n".join(line if i == 0 else line + ",X" for i, line in enumerate(text)) + "\n",
                 encoding="utf-8")
    src = open_table(p)
    assert src.ignored == ["branch"]
    assert read_table(p)["member_id"].iloc[0] == "M001"


def test_utf8_bom_and_utf16_files_read_like_utf8():
    base = read_table(DATA / "good_members.csv")
    for name in ("bom_members.csv", "utf16_members.csv"):
        pd.testing.assert_frame_equal(base, read_table(DATA / name))
    assert open_table(DATA / "utf16_members.csv").encoding == "utf-16"


def test_utf16_without_its_byte_order_mark_needs_the_order_named(tmp_path):
    p = tmp_path / "no_bom.csv"
    text = (DATA / "good_members.csv").read_text(encoding="utf-8")
    p.write_bytes(text.encode("utf-16-le"))
    with pytest.raises(DataError) as exc:
        open_table(p, encoding="utf-16")
    for fragment in ("no_bom.csv", "at line 1", "not utf-16 text", "'--encoding'", "utf-16-le"):
        assert fragment in str(exc.value)
    pd.testing.assert_frame_equal(read_table(DATA / "good_members.csv"),
                                  read_table(p, encoding="utf-16-le"))


def test_a_cp1252_file_reads_with_its_encoding():
    t = read_table(DATA / "latin1.csv", encoding="cp1252")
    assert t["name"].tolist() == ["Sok", "Ren\u00e9"]


@pytest.mark.parametrize("name, fragments", [
    ("empty.csv", ["empty.csv", "the file is empty (0 bytes)"]),
    ("blank_only.csv", ["no header row"]),
    ("header_only.csv", ["at row 2", "a header but no rows"]),
    ("missing_columns.csv", ["at row 1 (header)", "missing required column(s) entry_date, "
                             "status_date"]),
    ("duplicate_column.csv", ["columns named more than once", "'member_id'"]),
    ("latin1.csv", ["at line 3", "not utf-8 text", "byte 0xE9", "--encoding"]),
    ("xlsx_named.csv", ["xlsx_named.csv", "a workbook (zip archive), not CSV text",
                        "named .xlsx"]),
    ("corrupt.xlsx", ["cannot read the workbook"]),
    ("corrupt.parquet", ["cannot read the Parquet file"]),
    ("members.json", ["unknown file type", "'.json'"]),
    ("no_such_file.csv", ["file not found"]),
])
def test_unusable_files_raise_a_precise_data_error(name, fragments):
    with pytest.raises(DataError) as exc:
        open_table(DATA / name)
    for f in fragments:
        assert f in str(exc.value)


def test_too_many_fields_beyond_the_spares_is_a_precise_error(tmp_path):
    p = tmp_path / "wide.csv"
    head = (DATA / "good_members.csv").read_text(encoding="utf-8").splitlines()[:2]
    p.write_text(head[0] + "\n" + head[1] + "," * 12 + "x\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 2"):
        read_table(p)


def test_inputs_are_not_changed():
    before = {p.name: p.read_bytes() for p in DATA.iterdir()}
    for p in DATA.glob("*.csv"):
        try:
            read_table(p)
        except DataError:
            pass
    assert before == {p.name: p.read_bytes() for p in DATA.iterdir()}
