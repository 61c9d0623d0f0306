"""Checked tables kept on disk between runs (:mod:`actuary.io.diskcache`).

Reading a table's CSV and sidecar and checking its rows (:func:`.reader.read_checked`),
then taking its digest (:func:`.digest.table_digest`), is most of the cost of loading
an assumption set in a new process: about 0.07 s for the default set's 8 tables, of
which the mortality table's 33,522 rows are most. The checked rows depend only on the
two files' bytes, the CSV's path (a table's name defaults to its stem), the code that
reads and checks them and the pandas and numpy that run it, so they are kept under a
SHA-256 of all of these (:func:`content_key`: the files are read, ~1 ms for the 8) and
read back, with the digest, by the next process that loads the same files.

Only a table that was read and checked is kept: a file with a problem is read and
reported as it would be without the cache, every time. A table read back is the one
read: the same rows, types, index, metadata, dimensions and digest (it was pickled
whole). A file changed while it was read is not kept (its bytes are read again after).
An entry that cannot be read, or holds anything else, is a miss: the files are read.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from actuary.io import diskcache
from actuary.tables.digest import table_digest
from actuary.tables.reader import read_checked, sidecar_path
from actuary.tables.schema import Dimensions, TableMeta

__all__ = ["checked_table", "content_key"]

#: The kind of entry in the cache folder, and the version of an entry's layout.
KIND = "table"
_LAYOUT = "1"
#: Entries kept (the oldest written removed): every table a user's runs read has one,
#: and a test suite's temporary tables would pile up. Most are a few kB; the largest
#: shipped table's is 0.9 MB.
_KEPT_ON_DISK = 128


def content_key(csv_path: Path) -> str | None:
    """A SHA-256 (hex) of what a table read from ``csv_path`` depends on: the path, the
    bytes of the CSV and of its sidecar (and which sidecar), the toolkit's code and the
    pandas and numpy versions; None when a file cannot be read (then the reader says
    why)."""
    side = sidecar_path(csv_path)
    try:
        # no stamp (an install without .py sources): no cache, the table is read
        h = hashlib.sha256(f"{_LAYOUT}|{diskcache.source_stamp()}|{pd.__version__}|"
                           f"{np.__version__}|{csv_path}|{side.name}\n".encode())
        for path in (csv_path, side):
            data = path.read_bytes()
            h.update(f"{len(data)}\n".encode())
            h.update(data)
    except OSError:
        return None
    return h.hexdigest()


def checked_table(csv_path: Path, table_type: Any) -> Any:
    """The table of ``csv_path`` (a ``table_type`` made by its ``_from_checked``), read back
    from the disk cache when its files were read and checked before, else read, checked
    and kept.

    Raises
    ------
    TableError
        As :func:`.reader.read_checked`, for files with a problem (never kept).
    """
    key = content_key(csv_path)
    entry = None if key is None else diskcache.cache_path(KIND, key, ".pickle")
    kept = None if entry is None else diskcache.load_pickle(entry, tuple)
    if _whole(kept):
        table = table_type._from_checked(*kept[:5])
        object.__setattr__(table, "_actuary_digest", kept[5])
        return table
    checked = read_checked(csv_path)
    table = table_type._from_checked(*checked)
    if entry is not None and content_key(csv_path) == key:  # not changed while read
        diskcache.store_pickle(entry, (*checked, table_digest(table)), keep=_KEPT_ON_DISK)
    return table


def _whole(kept: Any) -> bool:
    """Whether an entry read back holds what :func:`checked_table` writes."""
    return (isinstance(kept, tuple) and len(kept) == 6
            and isinstance(kept[0], str) and isinstance(kept[1], str)
            and isinstance(kept[2], TableMeta) and isinstance(kept[3], pd.DataFrame)
            and isinstance(kept[4], Dimensions) and isinstance(kept[5], str))
