"""Reading input files and writing output files safely.

Outputs are written to a temporary file in the destination folder and renamed into
place, so an interrupted run never leaves a half-written file. A command that writes
several files writes them inside :func:`output_set`: every file goes to its temporary
name and all are renamed together at the end, so on an error, Ctrl-C or SIGTERM the
previous set of files is left as it was (none new beside old ones). A file that
cannot be written (a full disk) is an error naming it.

Inputs are only ever opened for reading, and only when they are regular files
(:func:`input_file`: a FIFO or a device would hang the command or read without end).
Text inputs are refused when they hold a control character (NUL and the other C0
characters except tab, line feed and carriage return, and DEL): pandas' C parser cuts
a field at a NUL, so ``9\x00439`` would be read as 9 (:func:`refuse_control_characters`).

Every CSV the toolkit writes goes through :func:`spreadsheet_safe`: a text cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (which a spreadsheet
would run as a formula), or with an apostrophe, gets one apostrophe in front. The
original is the cell without its first apostrophe (every written text cell that
starts with one had one added); numbers, and text that is a plain number such as
``-5``, are written as they are.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

__all__ = ["atomic_path", "check_outputs", "read_small_csv", "write_atomic", "sha256_of",
           "output_set", "input_file", "refuse_control_characters", "refuse_control_text", "control_character_error",
           "CONTROL_CHARACTERS", "spreadsheet_safe", "spreadsheet_original", "save_xlsx", "discard_zip"]

#: Characters no text input may hold: C0 controls other than tab, LF and CR, and DEL.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# The output set being written (see output_set): (temporary, destination) pairs
# waiting for the rename, or None when each file is renamed as soon as it is written.
_PENDING: contextvars.ContextVar[list[tuple[Path, Path]] | None] = contextvars.ContextVar(
    "actuary_output_set", default=None)


@contextlib.contextmanager
def atomic_path(destination: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``destination``; rename it there on success.

    On any exception the temporary file is removed and ``destination`` is left as
    it was (absent or the previous version).
    """
    from actuary.io.errors import DataError

    dest = Path(destination)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
    except OSError as exc:  # a file in the folder's place, a read-only or full disk
        raise DataError(f"cannot write the file: {exc.strerror or exc}", source=str(dest),
                        expected="a folder that exists or can be made, and can be "
                                 "written") from None
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp makes the file private (0600); give it the mode a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    pending = _PENDING.get()
    try:
        try:
            yield tmp_path
        except OSError as exc:  # the disk full, a quota, an I/O error while writing
            raise DataError(f"cannot write the file: {exc.strerror or exc}", source=str(dest),
                            expected="room on the disk and a folder that can be written"
                            ) from None
        if pending is not None:  # renamed with the rest of the set (output_set)
            pending.append((tmp_path, dest))
            return
        try:
            os.replace(tmp_path, dest)
        except OSError as exc:  # a folder of that name made meanwhile, say
            raise DataError(f"cannot write the file: {exc.strerror or exc}", source=str(dest),
                            expected="a name that is free or a file") from None
    finally:
        if (pending is None or (tmp_path, dest) not in pending) and tmp_path.exists():
            tmp_path.unlink()


@contextlib.contextmanager
def output_set() -> Iterator[None]:
    """Write several outputs all or nothing.

    Inside, every :func:`atomic_path` (hence :func:`write_atomic`) writes to its
    temporary name and waits; when the block ends normally all are renamed into place,
    each previous file first moved aside and restored should a rename fail. On any
    exception (Ctrl-C and SIGTERM included) the temporary files are removed and the
    previous files are left as they were. Sets do not nest: an inner set joins the
    outer one.
    """
    if _PENDING.get() is not None:
        yield
        return
    pending: list[tuple[Path, Path]] = []
    token = _PENDING.set(pending)
    try:
        yield
        _PENDING.reset(token)
        token = None
        _rename_all(pending)
    finally:
        if token is not None:
            _PENDING.reset(token)
        for tmp, _ in pending:
            with contextlib.suppress(OSError):
                tmp.unlink()


def _rename_all(pending: list[tuple[Path, Path]]) -> None:
    """Move every ``(tmp, dest)`` into place; on a failure put the previous files back."""
    from actuary.io.errors import DataError

    done: list[tuple[Path, Path | None]] = []  # (dest, its previous version moved aside)
    try:
        for tmp, dest in pending:
            aside = None
            if dest.exists() and not dest.is_dir():
                aside = dest.with_name(f".{dest.name}.{os.getpid()}.previous")
                os.replace(dest, aside)
            done.append((dest, aside))
            os.replace(tmp, dest)
    except BaseException as exc:
        for dest, aside in reversed(done):
            with contextlib.suppress(OSError):
                if aside is not None:
                    os.replace(aside, dest)
                elif dest.exists():
                    dest.unlink()
        if isinstance(exc, OSError):
            raise DataError(f"cannot write the file: {exc.strerror or exc}",
                            source=str(getattr(exc, "filename2", None) or exc.filename or ""),
                            expected="a name that is free or a file; no output was changed"
                            ) from None
        raise
    for _, aside in done:
        if aside is not None:
            with contextlib.suppress(OSError):
                aside.unlink()


def check_outputs(outputs: Iterable[tuple[str, str | os.PathLike[str] | None, tuple[str, ...]]],
                  inputs: Iterable[str | os.PathLike[str] | None] = (),
                  protected: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Refuse the names of a command's output files before any work is done.

    A command calls this first, so that a wrong name costs the user no waiting and an
    input file is never replaced by an output (inputs are only ever read).

    Parameters
    ----------
    outputs
        ``(option, path, suffixes)`` for each file the command will write: the option
        that names it (for the message, e.g. ``"--out"``), its path (``None``: not
        written this time) and the suffixes it may end in (lower case with the dot;
        empty: any). A sidecar written beside a file is listed as an output of its own.
    inputs
        The files the command reads (``None`` and names that are no file are skipped:
        a shipped set's name, an option not given).
    protected
        Folders no output may go into: the toolkit's shipped data (given by the
        caller, :func:`actuary.cli.outputs.check_outputs`, since this layer knows
        nothing of where the tables and sets above it keep their files).

    Raises
    ------
    DataError
        An output not ending in one of its suffixes, two outputs on one file, an
        output on an input file, or one that cannot be written where it is named (a
        folder there, a file in the way of its folder, a folder not writable).
    """
    from actuary.io.errors import DataError

    read = [Path(p) for p in inputs if p is not None and _is_file(Path(p))]
    folders = [Path(p).resolve() for p in protected]
    seen: dict[Path, str] = {}
    for option, path, suffixes in outputs:
        if path is None:
            continue
        dest = Path(path)
        if suffixes and dest.suffix.lower() not in suffixes:
            raise DataError(f"{option} must name a {' or '.join(suffixes)} file",
                            source=str(dest), field=option, value=dest.suffix or dest.name,
                            expected="a file name ending in " + " or ".join(suffixes))
        try:
            where = dest.resolve()
            problem = _unwritable(dest)
            on_input = any(given.resolve() == where
                           or (dest.exists() and os.path.samefile(given, dest))
                           for given in read)
        except (OSError, RuntimeError) as exc:  # a loop of links, a name too long
            problem, on_input = str(getattr(exc, "strerror", None) or exc), False
            where = dest.absolute()
        if where in seen:
            raise DataError(f"two outputs would be written to the same file ({seen[where]} and "
                            f"{option})", source=str(dest), field=option, value=str(dest),
                            expected="a different file for each output")
        for other, other_option in seen.items():
            if other in where.parents or where in other.parents:
                raise DataError(f"one output would be the folder of another ({other_option} and "
                                f"{option})", source=str(dest), field=option, value=str(dest),
                                expected="outputs side by side, none inside another")
        seen[where] = option
        shipped = _shipped_folder(where, folders)
        if shipped is not None:
            raise DataError("an output would be written into the toolkit's shipped data",
                            source=str(dest), field=option, value=str(shipped),
                            expected="a file outside the package's data folders (the shipped "
                                     "sets, tables and populations are inputs)")
        if problem:
            raise DataError(f"{option} cannot be written: {problem}", source=str(dest),
                            field=option, value=str(dest),
                            expected="a file in a folder that exists or can be made, and "
                                     "can be written")
        if on_input:
            raise DataError("an output would overwrite an input file", source=str(dest),
                            field=option, value=str(dest),
                            expected="a name other than the input files")


def _is_file(path: Path) -> bool:
    """``path.is_file()``, False for a name the system refuses (too long, say)."""
    try:
        return path.is_file()
    except OSError:
        return False


def _shipped_folder(path: Path, folders: list[Path]) -> Path | None:
    """The protected folder (resolved) that holds ``path`` (resolved), or None."""
    for folder in folders:
        if path == folder or folder in path.parents:
            return folder
    return None


def _unwritable(dest: Path) -> str:
    """Why ``dest`` cannot be written by :func:`atomic_path` ("" when it can): its
    folder, or the nearest existing one above it, must be a writable folder."""
    if dest.is_dir():
        return "it is a folder"
    folder = dest.absolute().parent
    while not folder.exists():
        if folder.is_symlink():  # a link to nothing: no folder can be made there
            return f"{folder} is a link to nothing"
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is a file, not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable"
    return ""


def write_atomic(destination: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``destination`` atomically."""
    with atomic_path(destination) as tmp:
        write(tmp)
    return Path(destination)


def sha256_of(path: str | os.PathLike[str]) -> str:
    """Hex SHA-256 of a file's bytes (for provenance records)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_small_csv(path: str | os.PathLike[str], required: tuple[str, ...], what: str,
                   columns: str, rows: str):
    """A small UTF-8 CSV given by the user (control totals, a discount curve) as text.

    Column names are stripped and lower-cased; every cell is read as text, blanks as
    ``""``. ``what`` names the file in messages ("the control totals"), ``columns``
    describes the columns expected ("measure,value[,tolerance]") and ``rows`` what one
    row is ("one row per control total").

    Raises
    ------
    DataError
        File missing or unreadable, a required column missing, a header without rows.
    """
    import pandas as pd

    from actuary.io.errors import DataError

    path = input_file(path, f"a CSV with columns {columns}")
    refuse_control_characters(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read {what}: {exc}", source=str(path),
                        expected=f"a UTF-8 CSV with columns {columns}") from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    for col in required:
        if col not in raw.columns:
            raise DataError("missing column", source=str(path), location="row 1", field=col,
                            value=", ".join(raw.columns), expected=f"columns {columns}")
    if raw.empty:
        raise DataError("the file has a header but no rows", source=str(path), expected=rows)
    return raw


def input_file(path: str | os.PathLike[str], expected: str, error: Any = None) -> Path:
    """``path`` as a Path, after checking that it names a regular file.

    A FIFO, a socket or a device would make a reader wait forever or read without end,
    so anything but a regular file (or a link to one) is refused.

    Raises
    ------
    ActuaryError
        Of class ``error`` (default :class:`~actuary.io.errors.DataError`): the file
        does not exist, is a folder, or is not a regular file.
    """
    from actuary.io.errors import DataError

    error = error or DataError
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise error("file not found", source=str(path), expected=expected) from None
    except OSError as exc:
        raise error(f"cannot read the file: {exc.strerror or exc}", source=str(path),
                    expected=expected) from None
    if stat.S_ISDIR(mode):
        raise error("a folder, not a file", source=str(path), expected=expected)
    if not stat.S_ISREG(mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket"
                if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "not a regular file")
        raise error(f"{kind}, not a regular file", source=str(path),
                    expected=expected + " (a regular file)")
    return path


def control_character_error(path: str | os.PathLike[str], line_number: int, line: str,
                            at: int, header: list[str] | None = None,
                            error: Any = None) -> Exception:
    """The error for a control character at offset ``at`` of ``line`` (a text line of a
    CSV, ``line_number`` counted from 1 as a spreadsheet counts rows).

    The column is found by splitting the line with :mod:`csv` (a quoted field with a
    line break inside is not followed across lines: the line is then still right).
    """
    import csv

    from actuary.io.errors import DataError

    error = error or DataError
    char = line[at]
    fields = next(csv.reader([line[:at] + "\ufffd"]), [""])
    column = len(fields)
    named = f" ({header[column - 1]!r})" if header and column <= len(header) else ""
    rest = next(csv.reader([line[at:]]), [""])
    shown = (fields[-1].replace("\ufffd", "") if fields else "") + (rest[0] if rest else "")
    return error(f"a control character {repr(char)[1:-1]} (code {ord(char)}) in the text",
                 source=str(path), location=f"row {line_number}, column {column}{named}",
                 value=shown[:60],
                 expected="printable text: no NUL or other control characters (a NUL "
                          "would cut the value short when read)")


def refuse_control_characters(path: str | os.PathLike[str], encoding: str = "utf-8-sig",
                              error: Any = None) -> None:
    """Raise if the text file ``path`` holds a control character (see the module
    docstring); the error names the row and column. A file that does not decode is
    left to the reader to report. Reads the whole file: meant for small inputs (the member
    files scan theirs as they check the encoding)."""
    try:
        with open(path, encoding=encoding, newline="") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        return  # not text in that encoding: the reader says so
    found = CONTROL_CHARACTERS.search(text)
    if found is None:
        return
    lines = text.splitlines()
    header = next(iter(__import__("csv").reader(lines[:1])), None)
    number = text.count("\n", 0, found.start()) + 1
    start = text.rfind("\n", 0, found.start()) + 1
    end = text.find("\n", found.start())
    line = text[start:end if end >= 0 else len(text)].rstrip("\r")
    raise control_character_error(path, number, line, found.start() - start, header, error)


def refuse_control_text(path: str | os.PathLike[str], frame: Any, first_row: int = 2,
                        error: Any = None) -> None:
    """Raise on the first text cell of ``frame`` holding a control character: for
    tables read from a workbook or a Parquet file, whose text no byte scan sees.
    ``first_row`` is the spreadsheet row of the frame's first row (the header is 1)."""
    from actuary.io.errors import DataError

    error = error or DataError
    for number, column in enumerate(frame.columns, start=1):
        series = frame[column]
        if series.dtype != object and not str(series.dtype).startswith("str"):
            continue
        hits = series.astype(str).str.contains(CONTROL_CHARACTERS, na=False).to_numpy()
        if hits.any():
            i = int(hits.argmax())
            text = str(series.iloc[i])
            char = CONTROL_CHARACTERS.search(text).group()
            raise error(f"a control character {repr(char)[1:-1]} (code {ord(char)}) in the text",
                        source=str(path), location=f"row {first_row + i}, column {number} "
                        f"({str(column)!r})", value=text[:60],
                        expected="printable text: no NUL or other control characters")


def spreadsheet_safe(frame: Any) -> Any:
    """``frame`` with its text cells made safe to open in a spreadsheet (see the module
    docstring): an apostrophe before a text cell that starts with ``= + - @``, a tab, a
    carriage return or an apostrophe, unless it is a plain number. Number columns are
    not touched; the frame given is not changed."""
    import pandas as pd

    out = frame
    for col in frame.columns:
        series = frame[col]
        if not (series.dtype == object or pd.api.types.is_string_dtype(series)):
            continue
        text = series.where(series.map(type) == str, None) if series.dtype == object else series
        risky = text.str.startswith(_FORMULA_STARTS, na=False)
        if not risky.any():
            continue
        risky &= ~text.str.fullmatch(_PLAIN_NUMBER, na=False)
        if not risky.any():
            continue
        if out is frame:
            out = frame.copy()
        out[col] = series.where(~risky, "'" + text.where(risky, ""))
        out[col] = out[col].astype(object) if series.dtype == object else out[col]
    return out


def spreadsheet_original(text: Any) -> Any:
    """The text written before :func:`spreadsheet_safe`: one leading apostrophe removed
    from each text cell that has one (a Series of text, or one string)."""
    if isinstance(text, str):
        return text[1:] if text.startswith("'") else text
    return text.str.replace(r"^'", "", n=1, regex=True)


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_PLAIN_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"


def discard_zip(archive: Any) -> None:
    """Close a :class:`zipfile.ZipFile` being written without writing its end record.

    After a failed write (a full disk) ``close()`` would try to write the archive's
    directory and fail again, and ``ZipFile.__del__`` would print that second failure
    as ``Exception ignored in ...`` at exit; the temporary file is removed anyway.
    """
    fp, archive.fp = archive.fp, None
    if fp is not None and not getattr(archive, "_filePassed", True):
        with contextlib.suppress(OSError, ValueError):
            fp.close()


def save_xlsx(book: Any, path: str | os.PathLike[str], archive: Any = None,
              writer: Any = None) -> None:
    """Save an openpyxl workbook to ``path`` (normally a temporary name from
    :func:`atomic_path`) through ``archive`` (a :class:`zipfile.ZipFile` opened for
    writing on ``path``; default a plain deflated one) with ``writer(book, archive)``
    (default openpyxl's ``ExcelWriter``). On a failure the archive is discarded
    (:func:`discard_zip`) and the error raised."""
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    if archive is None:
        archive = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    try:
        (writer or ExcelWriter)(book, archive).save()  # closes the archive
    except BaseException:
        discard_zip(archive)
        raise
