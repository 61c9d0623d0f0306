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
from typing import Callable, Iterator

__all__ = ["atomic_path", "read_small_csv", "write_atomic", "sha256_of"]


@contextlib.contextmanager
def atomic_path(destination: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``destination``; rename it there on success.

    On any exception the temporary file is removed and ``destination`` is left as
    it was (absent or the previous version).
    """
    dest = Path(destination)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp makes the file private (0600); give it the mode a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    try:
        yield tmp_path
        os.replace(tmp_path, dest)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


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

    from actuary.errors import DataError

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
