"""What a design file rests on: the keys of its own parameters labelled unverified.

A design file (public-sector transition, groups, multi-tier, self-employed) is not an
assumption set, so ``actuary basis show`` does not list its parameters. Every parameter in
it carries a ``status`` like a set's; :func:`unverified_keys` walks the file and returns the
dotted key of each mapping whose ``status`` is ``unverified`` (the file's own top-level
status excluded), so the comparison can print them beside the results they drive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["unverified_keys", "unverified_note"]


def _walk(node: Any, prefix: str, out: list[str]) -> None:
    if isinstance(node, dict):
        if prefix and str(node.get("status", "")).strip() == "unverified":
            out.append(prefix)
        for key, value in node.items():
            _walk(value, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            name = value.get("name") if isinstance(value, dict) else None
            _walk(value, f"{prefix}[{name if name is not None else i}]", out)


def unverified_keys(path: str | Path) -> list[str]:
    """Dotted keys of the parameters of design file ``path`` whose status is unverified."""
    from actuary.io.yamlio import read_mapping

    out: list[str] = []
    _walk(read_mapping(Path(path)), "", out)
    return out


def unverified_note(path: str | Path) -> str | None:
    """One line for a scenario's notes, or None when nothing in the file is unverified."""
    keys = unverified_keys(path)
    if not keys:
        return None
    return f"{len(keys)} unverified parameters in {Path(path).name}: " + ", ".join(keys)
