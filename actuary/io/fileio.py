"""Reading small input tables and writing output files safely.

Outputs are written to a temporary file in the destination folder and renamed into
place, so an interrupted run never leaves a half-written file. Inputs are only ever
opened for reading.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Iterator

__all__ = ["atomic_path", "check_outputs", "read_small_csv", "write_atomic", "sha256_of"]


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
    try:
        yield tmp_path
        try:
            os.replace(tmp_path, dest)
        except OSError as exc:  # a folder of that name made meanwhile, say
            raise DataError(f"cannot write the file: {exc.strerror or exc}", source=str(dest),
                            expected="a name that is free or a file") from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


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

    path = Path(path)
    if not path.is_file():
        raise DataError("file not found", source=str(path), expected=f"a CSV with columns {columns}")
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
