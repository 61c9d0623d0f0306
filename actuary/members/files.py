"""Member and pensioner files: the documented formats and a streaming reader.

A member file and a pensioner file are tables (CSV, XLSX or Parquet) with one row per
person and a header row. Headers are matched after trimming spaces and lower-casing;
columns not listed below are read, ignored and listed in the data-check report. Every
value is read as text and checked by :mod:`actuary.members.datacheck`, so a bad cell is a
reported row, never a crash. Dates are ISO ``YYYY-MM-DD`` (XLSX date cells are
accepted too); amounts are KHR per month, plain numbers without thousands separators.

Member file (one row per insured person, living or not):

=====================  ========  =============================================================
column                 required  meaning
=====================  ========  =============================================================
``member_id``          yes       identifier, unique in the file (text, kept as written)
``sex``                yes       ``M`` or ``F``
``birth_date``         yes       date of birth
``entry_date``         yes       date of joining the NSSF (may be before the pension scheme
                                 started; credits count from the scheme's start)
``status``             yes       ``active`` (contributing), ``inactive`` (stopped contributing,
                                 keeps the credits), ``retired`` (old-age pension awarded),
                                 ``invalid`` (invalidity pension awarded), ``refunded`` (left
                                 with a lump-sum refund: old-age with fewer than the months
                                 needed), ``dead``
``status_date``        yes       date the current status began: for ``active`` the date the
                                 member (re)started contributing (the entry date unless the
                                 member came back); for ``inactive`` the date contributions
                                 stopped; for ``retired``/``invalid`` the pension start date;
                                 for ``refunded`` the refund date; for ``dead`` the date of death
``credited_months``    yes       months of contributions credited (whole number >= 0),
                                 without transitional credits (the scheme rules add those)
``insurable_wage``     actives   current insurable wage, KHR per month (between the floor and
                                 the ceiling); for the others the last one, optional
``name``               no        person's name (text; used only to show rows in reports)
``synthetic``          no        ``yes`` on every row of a file made by ``actuary data synth``
=====================  ========  =============================================================

The file is a snapshot on its *as-of date* (the date of the extract, normally the
valuation date): living members are known to be alive then.

Pensioner file (one row per pension in payment):

=====================  ========  =============================================================
column                 required  meaning
=====================  ========  =============================================================
``pensioner_id``       yes       identifier, unique in the file
``sex``                yes       ``M`` or ``F``
``birth_date``         yes       date of birth
``benefit_type``       yes       ``old_age``, ``invalidity``, ``spouse`` or ``orphan``
``start_date``         yes       date the pension started
``monthly_amount``     yes       pension in payment, KHR per month (> 0)
``member_id``          survivors the member whose rights the pension comes from: the
                                 deceased for ``spouse`` and ``orphan`` (the survivor link),
                                 the pensioner's own member id otherwise (optional)
``name``               no        person's name (text)
``synthetic``          no        ``yes`` on every row of a synthetic file
=====================  ========  =============================================================

Reading: :func:`open_table` checks the file (exists, not empty, readable as its format,
decodable text, the required columns present, at least one row) and raises a
:class:`~actuary.io.errors.DataError` naming the file, the line or column and what was
expected when it is unusable. :meth:`TableSource.chunks` then yields the rows in
chunks of text (``chunk_rows`` rows each), so a file of millions of rows is never
held as text all at once. Row numbers are those a spreadsheet shows: the header is
row 1, the first person row 2. The file is only read.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from actuary.io.arrow import parquet
from actuary.io.errors import DataError
from actuary.io.fileio import (
    CONTROL_CHARACTERS,
    control_character_error,
    input_file,
    refuse_control_text,
    sha256_of,
)
# the calendar helpers were defined here first; their names stay importable from here
from actuary.members.calendar import (  # noqa: F401
    anniversary,
    completed_years,
    from_ymd,
    iso_dates,
    month_index,
    ymd,
)

__all__ = [
    "Column",
    "MEMBER_COLUMNS",
    "PENSIONER_COLUMNS",
    "MEMBER_STATUSES",
    "BENEFIT_TYPES",
    "FORMATS",
    "Chunk",
    "TableSource",
    "open_table",
    "read_table",
    "ymd",
    "anniversary",
    "completed_years",
    "month_index",
    "from_ymd",
    "EXTRA",
    "iso_dates",
]

#: Statuses of the member file, in the order reports list them.
MEMBER_STATUSES = ("active", "inactive", "retired", "invalid", "refunded", "dead")
#: Benefit types of the pensioner file (the pensioner statuses of actuary.engine.starting).
BENEFIT_TYPES = ("old_age", "invalidity", "spouse", "orphan")
#: File suffixes read, by format.
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet",
           ".pq": "parquet"}
DEFAULT_CHUNK_ROWS = 200_000
#: Column of a chunk holding any values found beyond the header's columns.
EXTRA = "__beyond_header"
#: Spare columns read beyond the header (a row with more extra fields is unusable).
_SPARE = tuple(f"__spare{i}" for i in range(8))


@dataclass(frozen=True)
class Column:
    """One documented column: name, type (text, date, number, choice), required or not."""

    name: str
    kind: str
    required: bool
    meaning: str


MEMBER_COLUMNS: tuple[Column, ...] = (
    Column("member_id", "text", True, "identifier, unique in the file"),
    Column("sex", "choice", True, "M or F"),
    Column("birth_date", "date", True, "date of birth, YYYY-MM-DD"),
    Column("entry_date", "date", True, "date of joining, YYYY-MM-DD"),
    Column("status", "choice", True, ", ".join(MEMBER_STATUSES)),
    Column("status_date", "date", True, "date the current status began, YYYY-MM-DD"),
    Column("credited_months", "number", True, "months of contributions credited"),
    Column("insurable_wage", "number", False, "insurable wage, KHR per month (actives: required)"),
    Column("name", "text", False, "name (shown in reports only)"),
    Column("synthetic", "text", False, "'yes' in a synthetic file"),
)

PENSIONER_COLUMNS: tuple[Column, ...] = (
    Column("pensioner_id", "text", True, "identifier, unique in the file"),
    Column("sex", "choice", True, "M or F"),
    Column("birth_date", "date", True, "date of birth, YYYY-MM-DD"),
    Column("benefit_type", "choice", True, ", ".join(BENEFIT_TYPES)),
    Column("start_date", "date", True, "date the pension started, YYYY-MM-DD"),
    Column("monthly_amount", "number", True, "pension in payment, KHR per month"),
    Column("member_id", "text", False, "member the pension comes from (survivors: required)"),
    Column("name", "text", False, "name (shown in reports only)"),
    Column("synthetic", "text", False, "'yes' in a synthetic file"),
)

_COLUMNS = {"members": MEMBER_COLUMNS, "pensioners": PENSIONER_COLUMNS}


@dataclass(frozen=True)
class Chunk:
    """Rows of a table as text: ``frame`` (documented columns, blank = ``""``) and the
    spreadsheet row number of its first row (header = row 1)."""

    frame: pd.DataFrame
    first_row: int

    @property
    def rows(self) -> pd.Index:
        """Spreadsheet row numbers of the rows."""
        return pd.RangeIndex(self.first_row, self.first_row + len(self.frame))


@dataclass
class TableSource:
    """A member or pensioner table opened for reading (see :func:`open_table`).

    Attributes
    ----------
    path, kind, format
        The file, ``members`` or ``pensioners``, and ``csv``/``xlsx``/``parquet``.
    header
        Column names as found (trimmed, lower-cased), in file order.
    columns
        The documented columns present.
    ignored
        Columns present but not documented (read and ignored).
    encoding
        Text encoding used (CSV only).
    size, sha256
        Bytes and SHA-256 of the file, for the report's record of what was read.
    """

    path: Path
    kind: str
    format: str
    header: list[str]
    columns: list[str]
    ignored: list[str]
    encoding: str | None
    size: int
    sha256: str
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    #: False only for a CSV with no space or tab anywhere (values then need no trimming)
    has_spaces: bool = True
    _header_raw: list[str] = field(default_factory=list, repr=False)

    def chunks(self) -> Iterator[Chunk]:
        """The rows, ``chunk_rows`` at a time, as text (documented columns only)."""
        reader = {"csv": self._csv_chunks, "xlsx": self._xlsx_chunks,
                  "parquet": self._parquet_chunks}[self.format]
        first = 2
        for frame in reader():
            if self.format != "csv":  # a CSV's text was scanned with its encoding
                refuse_control_text(self.path, frame, first)
            frame = _documented(frame, self.kind, self.has_spaces)
            if len(frame):
                yield Chunk(frame.reset_index(drop=True), first)
                first += len(frame)

    def row_count(self) -> int | None:
        """Rows after the header, for a progress bar: line breaks of a CSV (a row holding
        a quoted line break counts twice: an estimate), a Parquet file's metadata, an
        XLSX sheet's recorded dimensions; None when unknown."""
        try:
            if self.format == "csv":
                breaks, last = 0, b"\n"
                with open(self.path, "rb") as fh:
                    while block := fh.read(1 << 20):
                        breaks += block.count(b"\n")
                        last = block[-1:]
                lines = breaks + (last != b"\n")  # a last line without a break
                return max(0, lines - 1)
            if self.format == "parquet":
                return int(parquet().ParquetFile(self.path).metadata.num_rows)
            book, sheet = _open_xlsx(self.path)
            try:
                return None if sheet.max_row is None else max(0, sheet.max_row - 1)
            finally:
                book.close()
        except (OSError, ValueError, DataError):  # only a bar's length: never an error
            return None

    # -- readers ---------------------------------------------------------------------
    def _csv_chunks(self) -> Iterator[pd.DataFrame]:
        try:
            # Blank lines are kept as rows (of blanks), so they are reported and the
            # row numbers stay those of the file.
            # Read under the header's names plus spare columns: a row with more fields
            # than the header fills the spares and is reported (too_many_fields) instead
            # of shifting into an index as pandas would do by default.
            names = [f"__col{i}" for i in range(len(self._header_raw))] + list(_SPARE)
            reader = pd.read_csv(self.path, header=None, skiprows=1, names=names,
                                 index_col=False, dtype=str, keep_default_na=False,
                                 na_filter=False, encoding=self.encoding,
                                 chunksize=self.chunk_rows, skip_blank_lines=False)
            with warnings.catch_warnings():
                # pandas only warns (and drops values) when the first row is too wide
                warnings.simplefilter("error", pd.errors.ParserWarning)
                yield from self._csv_frames(reader)
        except pd.errors.ParserWarning:
            raise DataError("a row has more values than the header has columns (and more than "
                            f"{len(_SPARE)} extra)", source=str(self.path),
                            location=_first_wide_row(self.path, self.encoding,
                                                     len(self._header_raw) + len(_SPARE)),
                            expected="one value per column of the header (quote text that "
                                     "contains commas)") from None
        except pd.errors.ParserError as exc:
            raise DataError(f"the CSV cannot be parsed: {str(exc).strip()}", source=str(self.path),
                            expected="the same number of comma-separated fields on every row "
                                     "(quote text that contains commas)") from None

    def _csv_frames(self, reader: Any) -> Iterator[pd.DataFrame]:
        for frame in reader:
            extra = frame[list(_SPARE)]
            frame = frame.drop(columns=list(_SPARE))
            frame.columns = self.header
            frame[EXTRA] = _extra_text(extra)
            yield frame

    def _xlsx_chunks(self) -> Iterator[pd.DataFrame]:
        book, sheet = _open_xlsx(self.path)
        try:
            rows = sheet.iter_rows(min_row=2, values_only=True)
            width = len(self._header_raw)
            columns = self.header + [EXTRA]
            buffer: list[list[str]] = []
            for values in rows:
                texts = [_cell_text(v) for v in values[:width]]
                if len(texts) < width:
                    texts += [""] * (width - len(texts))
                beyond = [_cell_text(v) for v in values[width:]]
                texts.append(",".join(beyond) if any(beyond) else "")
                buffer.append(texts)
                if len(buffer) >= self.chunk_rows:
                    yield pd.DataFrame(buffer, columns=columns)
                    buffer = []
            if buffer:
                yield pd.DataFrame(buffer, columns=columns)
        finally:
            book.close()

    def _parquet_chunks(self) -> Iterator[pd.DataFrame]:
        pq = parquet()
        handle = pq.ParquetFile(self.path)
        names = handle.schema_arrow.names
        for batch in handle.iter_batches(batch_size=self.chunk_rows):
            frame = batch.to_pandas()
            frame.columns = _normalise(names)
            frame = frame.apply(_column_text) if len(frame) else frame
            yield frame


def _extra_text(extra: pd.DataFrame) -> pd.Series:
    """The values beyond the header's columns, joined ('' when there are none)."""
    has = (extra != "").to_numpy().any(axis=1)
    out = pd.Series("", index=extra.index, dtype=object)
    if has.any():
        out[has] = [",".join(v for v in row if v) for row in extra[has].to_numpy().tolist()]
    return out


def _first_wide_row(path: Path, encoding: str | None, limit: int) -> str:
    """Row number of the first row with more than ``limit`` fields (a slow scan, made
    only to locate an error)."""
    import csv

    with open(path, newline="", encoding=encoding) as fh:
        for i, fields in enumerate(csv.reader(fh), start=1):
            if len(fields) > limit:
                return f"row {i}"
    return "a row"


def _documented(frame: pd.DataFrame, kind: str, strip: bool = True) -> pd.DataFrame:
    """Only the documented columns, as stripped text ('' for blanks); absent optional = ''.

    The column :data:`EXTRA` holds the values found beyond the header (CSV, XLSX).
    """
    out = {}
    n = len(frame)
    for col in (*_COLUMNS[kind], Column(EXTRA, "text", False, "")):
        if col.name in frame.columns:
            s = frame[col.name].fillna("").astype(str)
            out[col.name] = s.str.strip() if (n and strip) else s
        else:
            out[col.name] = pd.Series([""] * n, dtype=object, index=frame.index)
    return pd.DataFrame(out, index=frame.index)


def _normalise(names: list[Any]) -> list[str]:
    return [str(n).strip().lower().lstrip("\ufeff") for n in names]


def _cell_text(value: Any) -> str:
    """Text of one XLSX or Parquet value: dates as ISO, whole floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time(0) else value.isoformat(" ")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, pd.Timestamp):
        return _cell_text(value.to_pydatetime())
    return str(value)


def _column_text(series: pd.Series) -> pd.Series:
    """A Parquet column as text (vectorised for the common types)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        text = series.dt.strftime("%Y-%m-%d")
        return text.where(series.notna(), "")
    if pd.api.types.is_integer_dtype(series):
        return series.astype("Int64").astype(str).replace("<NA>", "")
    if pd.api.types.is_float_dtype(series):
        return series.map(_cell_text)
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        return series.where(series.notna(), "")  # text already: only blanks to fill
    return series.map(_cell_text)


def _open_xlsx(path: Path):
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise DataError(f"cannot read the workbook: {exc}", source=str(path),
                        expected="an .xlsx workbook with the table on its first sheet") from None
    return book, book.worksheets[0]


def _check_encoding(path: Path, encoding: str) -> bool:
    """Decode the whole file once; name the line of the first byte that does not decode.

    Returns whether the file has a space or a tab anywhere (for an ASCII-compatible
    encoding; True otherwise).
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    offset = 0
    text_line = 1  # lines of the decoded text before this block's text
    spaces = not encoding.replace("-", "").replace("_", "").lower().startswith(("utf8", "ascii"))
    ascii_like = not spaces
    with open(path, "rb") as fh:
        while True:
            block = fh.read(1 << 20)
            final = not block
            spaces = spaces or b" " in block or b"\t" in block
            try:
                text = decoder.decode(block, final=final)
            except UnicodeDecodeError as exc:
                bad_at = max(exc.start, 0)
                # lines before the bad byte in this block (earlier blocks were counted)
                line += block[:bad_at].count(b"\n")
                byte = block[bad_at:bad_at + 1].hex().upper() if block else "end of file"
                raise DataError(
                    f"the file is not {encoding} text: byte 0x{byte} at byte {offset + bad_at + 1} "
                    "cannot be decoded", source=str(path), location=f"line {line}",
                    expected=f"{encoding} text (save the sheet as 'CSV UTF-8'), or give the "
                             "file's encoding with --encoding (e.g. cp1252, latin-1)") from None
            except UnicodeError as exc:  # UTF-16 or UTF-32 without a byte-order mark
                raise DataError(f"the file is not {encoding} text: {exc}", source=str(path),
                                location="line 1", field="--encoding", value=encoding,
                                expected="an encoding that names the byte order (utf-16-le, "
                                         "utf-16-be), or a file that starts with its "
                                         "byte-order mark") from None
            # pandas' C parser would cut a field at a NUL. In UTF-8 or ASCII a control
            # character is its own byte: deleting every other byte finds one 4x faster
            # than searching the text (measured 0.04 s against 0.15 s for 20 MB).
            if not ascii_like or block.translate(None, _NOT_CONTROL):
                control = CONTROL_CHARACTERS.search(text)
                if control is not None:
                    _control_error(path, encoding,
                                   (line if ascii_like else text_line)
                                   + text.count("\n", 0, control.start()))
            if not ascii_like:
                text_line += text.count("\n")
            if final:
                return spaces
            line += block.count(b"\n")
            offset += len(block)


#: Every byte but the control characters of :data:`CONTROL_CHARACTERS` (to delete).
_NOT_CONTROL = bytes(b for b in range(256)
                     if not CONTROL_CHARACTERS.match(chr(b)) or b >= 0x80)


def _control_error(path: Path, encoding: str, number: int) -> None:
    """Raise the error for the first control character, on text line ``number`` (a
    second read of the file up to that line, made only to word the error)."""
    import csv

    with open(path, encoding=encoding, newline="") as fh:
        header = None
        for i, line in enumerate(fh, start=1):
            if i == 1:
                header = _normalise(next(csv.reader([line]), []))
            if i == number:
                break
    line = line.rstrip("\r\n")
    found = CONTROL_CHARACTERS.search(line)
    raise control_character_error(path, number, line, found.start() if found else 0, header)


def _csv_encoding(path: Path, encoding: str | None) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head == b"PK\x03\x04":  # a zip archive: a workbook saved under a text name
        raise DataError("the file is a workbook (zip archive), not CSV text", source=str(path),
                        expected="a CSV text file, or the workbook named .xlsx")
    if encoding:
        return encoding
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return "utf-8"


def _csv_header(path: Path, encoding: str) -> list[str]:
    try:
        # header=None: the names as written (pandas would rename a repeated name)
        head = pd.read_csv(path, dtype=str, nrows=1, header=None, encoding=encoding,
                           keep_default_na=False, na_filter=False)
    except pd.errors.EmptyDataError:
        raise DataError("the file has no header row (it is empty or blank)", source=str(path),
                        expected="a header row naming the columns, then one row per person"
                        ) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"the header cannot be parsed: {exc}", source=str(path),
                        location="row 1") from None
    return [str(c) for c in head.iloc[0].tolist()]


def _has_rows_csv(path: Path, encoding: str) -> bool:
    head = pd.read_csv(path, dtype=str, nrows=1, encoding=encoding, keep_default_na=False,
                       skip_blank_lines=True)
    return len(head) > 0


def open_table(
    path: str | Path,
    kind: str = "members",
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    encoding: str | None = None,
) -> TableSource:
    """Open a member or pensioner file and check that it can be read.

    Parameters
    ----------
    path
        ``.csv`` (or ``.txt``), ``.xlsx`` (first sheet) or ``.parquet`` file.
    kind
        ``"members"`` or ``"pensioners"``.
    chunk_rows
        Rows per chunk yielded by :meth:`TableSource.chunks`.
    encoding
        Text encoding of a CSV; default UTF-8 (a UTF-8 or UTF-16 byte-order mark is
        recognised).

    Raises
    ------
    DataError
        File missing, empty, of an unknown type, unreadable or not decodable; required
        columns missing or named twice; a header with no rows.
    """
    if kind not in _COLUMNS:
        raise ValueError(f"kind must be one of {sorted(_COLUMNS)}")
    path = input_file(path, f"a CSV, XLSX or Parquet {kind} file")
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataError("unknown file type", source=str(path), value=path.suffix or "(none)",
                        expected="a name ending in .csv, .xlsx or .parquet")
    size = path.stat().st_size
    if size == 0:
        raise DataError("the file is empty (0 bytes)", source=str(path),
                        expected="a header row naming the columns, then one row per person")
    used_encoding = None
    has_spaces = True
    has_rows: bool
    if fmt == "csv":
        used_encoding = _csv_encoding(path, encoding)
        try:
            codecs.lookup(used_encoding)
        except LookupError:
            raise DataError("unknown text encoding", value=used_encoding,
                            expected="an encoding Python knows, e.g. utf-8, cp1252, latin-1"
                            ) from None
        has_spaces = _check_encoding(path, used_encoding)
        raw_header = _csv_header(path, used_encoding)
        has_rows = _has_rows_csv(path, used_encoding)
    elif fmt == "xlsx":
        book, sheet = _open_xlsx(path)
        try:
            first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
            raw_header = [] if first is None else [_cell_text(v) for v in first]
            # trailing empty header cells are not columns
            while raw_header and raw_header[-1] == "":
                raw_header.pop()
            second = next(sheet.iter_rows(min_row=2, max_row=2, values_only=True), None)
            has_rows = second is not None and any(v not in (None, "") for v in second)
        finally:
            book.close()
        if not raw_header:
            raise DataError("the first sheet has no header row", source=str(path),
                            location="row 1",
                            expected="a header row naming the columns, then one row per person")
    else:
        pq = parquet()
        try:
            handle = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow raises its own ArrowInvalid / OSError types
            raise DataError(f"cannot read the Parquet file: {exc}", source=str(path),
                            expected="a Parquet file") from None
        raw_header = list(handle.schema_arrow.names)
        has_rows = handle.metadata.num_rows > 0
    header = _normalise(raw_header)
    _check_header(path, kind, header)
    if not has_rows:
        raise DataError("the file has a header but no rows", source=str(path),
                        location="row 2", expected="one row per person after the header")
    documented = {c.name for c in _COLUMNS[kind]}
    return TableSource(
        path=path, kind=kind, format=fmt, header=header,
        columns=[c for c in header if c in documented],
        ignored=[c for c in header if c not in documented],
        encoding=used_encoding, size=size, sha256=sha256_of(path), chunk_rows=chunk_rows,
        has_spaces=has_spaces, _header_raw=raw_header,
    )


def _check_header(path: Path, kind: str, header: list[str]) -> None:
    dupes = sorted({c for c in header if header.count(c) > 1 and c})
    if dupes:
        raise DataError("columns named more than once", source=str(path), location="row 1",
                        field=", ".join(dupes), expected="each column once")
    required = [c.name for c in _COLUMNS[kind] if c.required]
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(
            f"missing required column(s) {', '.join(missing)}", source=str(path),
            location="row 1 (header)", field=", ".join(missing),
            value=",".join(header)[:200],
            expected=f"the {kind} columns " + ", ".join(required) + " (see actuary.members.files)")


def read_table(path: str | Path, kind: str = "members", **kwargs: Any) -> pd.DataFrame:
    """The whole table as text with a ``row`` column (small files, tests)."""
    source = open_table(path, kind, **kwargs)
    frames = []
    for chunk in source.chunks():
        f = chunk.frame.copy()
        f.insert(0, "row", chunk.rows)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)
