"""Writing a :class:`~actuary.tables.Table` as ``NAME.csv`` + ``NAME.yaml``.

Both files are written atomically and byte-for-byte deterministically (no dates or
machine details), so rebuilding a shipped table can be checked by comparing files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from actuary.io.errors import TableError
from actuary.io.fileio import atomic_path, spreadsheet_safe

__all__ = ["save_table", "sidecar_document", "dump_yaml"]


class _Dumper(yaml.SafeDumper):
    """Safe YAML with multi-line strings in block style, for readable sidecars."""


def _str_representer(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(doc: dict[str, Any]) -> str:
    """YAML text of ``doc``: keys in the given order, block style for long text."""
    return yaml.dump(
        doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
        default_flow_style=None,
    )


def sidecar_document(table: Any) -> dict[str, Any]:
    """The sidecar mapping of a table (the format read by :mod:`actuary.tables.reader`)."""
    meta = table.meta
    dims: dict[str, Any] = {
        "sex": list(table.sexes),
        "age": [int(table.ages[0]), int(table.ages[-1])],
    }
    years = table.years
    if years is not None:
        dims["year"] = [int(years[0]), int(years[-1])]
        steps = set((years[1:] - years[:-1]).tolist())
        if len(steps) > 1:
            raise TableError(
                "years are not evenly spaced, so dimensions.year cannot describe them",
                source=table.name, field="year", value=sorted(steps),
                expected="years first..last in one constant step",
            )
        if steps and steps != {1}:
            dims["year_step"] = int(steps.pop())
    doc: dict[str, Any] = {
        "name": table.name,
        "kind": table.kind,
        "description": _clean(meta.description),
        "unit": meta.unit,
        "source": _clean(meta.source),
        "licence": meta.licence,
        "status": meta.status,
        "method": _clean(meta.method),
        "dimensions": dims,
    }
    doc.update(meta.extra)
    return doc


def _clean(text: str) -> str:
    """Strip trailing spaces per line (block-style YAML cannot hold them)."""
    return "\n".join(line.rstrip() for line in str(text).strip().splitlines())


def save_table(
    table: Any, directory: str | os.PathLike[str], digits: int | None = None
) -> Path:
    """Write ``table`` to ``directory/NAME.csv`` and ``directory/NAME.yaml``.

    Parameters
    ----------
    table
        The :class:`~actuary.tables.Table` to write.
    directory
        Destination folder (created if needed).
    digits
        Significant digits of ``value``; ``None`` writes the shortest text that
        reads back as the same float64 (exact round trip).

    Returns
    -------
    pathlib.Path
        Path of the CSV written.
    """
    folder = Path(directory)
    csv_path = folder / f"{table.name}.csv"
    yaml_text = dump_yaml(sidecar_document(table))
    float_format = None if digits is None else f"%.{int(digits)}g"
    with atomic_path(csv_path) as tmp:
        spreadsheet_safe(table.data).to_csv(tmp, index=False, float_format=float_format,
                                            lineterminator="\n")
    with atomic_path(folder / f"{table.name}.yaml") as tmp:
        tmp.write_text(yaml_text, encoding="utf-8")
    return csv_path
