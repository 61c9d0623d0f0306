"""actuary.tables.

Decrement and demographic tables with their provenance: the :class:`Table` object,
the shipped tables (``tables/data/``, built from UN WPP 2024 by
``python -m actuary.tables.wpp`` plus labelled placeholders), user tables (a CSV with
a YAML sidecar, see tables/README.md) and parametric laws (Gompertz, Makeham).

This layer knows nothing of assumption sets: it imports only numpy, pandas, PyYAML,
:mod:`actuary.io.errors`, :mod:`actuary.io.fileio` and the project's one YAML reader,
:mod:`actuary.io.yamlio`.
"""

from actuary.tables.catalogue import (
    DATA_DIR,
    Table,
    TableMeta,
    gompertz,
    list_tables,
    load_table,
    makeham,
)
from actuary.tables.schema import KINDS, SEXES, STATUSES
from actuary.tables.writer import save_table

__all__ = [
    "DATA_DIR",
    "KINDS",
    "SEXES",
    "STATUSES",
    "Table",
    "TableMeta",
    "gompertz",
    "list_tables",
    "load_table",
    "makeham",
    "save_table",
]
