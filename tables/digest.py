"""The digest of a table's content: what an assumption set's content hash takes of each
table it uses (:func:`actuary.assumptions.inventory.content_hash`), and what the caches
of work done on a table key it by (the population frame's).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

import numpy as np

__all__ = ["canonical_json", "table_digest"]


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no spaces: equal content gives equal text."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def table_digest(table: Any) -> str:
    """SHA-256 of a table's name, kind, metadata and data (rows sorted, exact values)."""
    # Loaded tables are shared and read-only (the tables layer caches them), so the
    # digest is kept with the table the first time it is computed (or read with the
    # table from the disk cache, actuary.tables.kept).
    cached = getattr(table, "_actuary_digest", None)
    if cached is not None:
        return cached
    digest = _table_digest(table)
    try:
        object.__setattr__(table, "_actuary_digest", digest)
    except (AttributeError, TypeError):  # pragma: no cover - a table type without a __dict__
        pass
    return digest


def _table_digest(table: Any) -> str:
    data = table.data
    keys = [c for c in ("sex", "age", "year") if c in data.columns]
    data = data.sort_values(keys, kind="stable")
    raw_meta = dataclasses.asdict(table.meta) if dataclasses.is_dataclass(table.meta) else {"meta": table.meta}
    head = {"name": table.name, "kind": table.kind, "meta": {k: str(v) for k, v in raw_meta.items()},
            "columns": [str(c) for c in data.columns]}
    h = hashlib.sha256(canonical_json(head).encode("utf-8"))
    for col in data.columns:
        arr = data[col].to_numpy()
        if arr.dtype.kind in "iuf":
            # The exact binary values: no rounding through text.
            h.update(np.ascontiguousarray(arr, dtype=np.float64).tobytes())
        else:
            h.update("\x1f".join(map(str, arr)).encode("utf-8"))
    return h.hexdigest()
