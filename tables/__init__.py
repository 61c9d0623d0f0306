"""actuary.tables.

Decrement and demographic tables with their provenance: the :class:`Table` object,
the shipped tables (``tables/data/``, built from UN WPP 2024 by
``python -m actuary.tables.wpp`` plus labelled placeholders), user tables (a CSV with
a YAML sidecar, see tables/README.md) and parametric laws (Gompertz, Makeham).

May import: numpy, pandas, PyYAML and :mod:`actuary.io` (errors, the one YAML reader,
atomic writes, the disk cache of checked tables: :mod:`actuary.tables.kept`). Must not import the assumptions or anything above: an assumption set
names tables and checks them against this layer, so the tables know nothing of sets,
the frame, the engine or a scheme. The layer above is :mod:`actuary.assumptions`.
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
