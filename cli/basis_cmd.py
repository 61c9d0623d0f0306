"""``actuary basis show [FILE]`` and ``actuary basis check FILE``.

FILE is an assumption set YAML file or the name of a shipped set or scenario; ``show``
without FILE shows the built-in ``cambodia-default``. Bad input raises an
AssumptionError, which the ``actuary`` group prints without a traceback (exit 1).
"""

from __future__ import annotations

import textwrap
from typing import Any

import click

from actuary.cli.options import complete_sets

__all__ = ["basis"]

_SECTIONS = (("economic", "Economic"), ("demographic", "Demographic"), ("coverage", "Coverage"), ("scheme", "Scheme"),
             ("occupational_risk", "Occupational risk"))


@click.group("basis")
def basis() -> None:
    """Show and check assumption sets."""


def _short(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 3] + "..."


@basis.command("show")
@click.argument("file", required=False, shell_complete=complete_sets)
def show(file: str | None) -> None:
    """Show an assumption set: parameters, tables, unverified items and content hash.

    FILE is a YAML file or a shipped set name (default: the built-in cambodia-default).

    \b
    Examples:
      actuary basis show
      actuary basis show public-sector-default
      actuary basis show my_set.yaml
    """
    from actuary.assumptions import load_basis

    aset = load_basis(file)
    _show_header(aset)
    _show_parameters(aset)
    _show_tables(aset)
    _show_unverified(aset)
    click.echo(f"\nContent hash (SHA-256): {aset.content_hash()}")


def _show_header(aset: Any) -> None:
    echo = click.echo
    echo(f"Assumption set: {aset.name}")
    for line in textwrap.wrap(aset.description, 88):
        echo(f"  {line}")
    if aset.base:
        echo(f"Base: {aset.base}")
    echo(f"Files: {', '.join(aset.files)}")
    for path, source in aset.overrides:
        echo(f"  override {path} (from {source})")
    echo(
        f"Valuation date: {aset.valuation_date.isoformat()}; horizon {aset.horizon_years} years "
        f"({aset.first_year}-{aset.last_year})"
    )
    echo(f"Scheme: {aset.scheme.name} - {aset.scheme.description} (from {aset.scheme.start_date.isoformat()})")
    echo(f"Starting population: {aset.starting_population}")


def _show_parameters(aset: Any) -> None:
    """Each section's parameters: first values and extension rule, unit, status."""
    from actuary.assumptions.inventory import iter_items, overridden_by, value_summary
    from actuary.assumptions.models import TableRef

    items = [(p, it) for p, it in iter_items(aset) if not isinstance(it, TableRef)]
    for key, title in _SECTIONS:
        part = [(p, it) for p, it in items if p.startswith(key + ".")]
        if part:
            click.echo(f"\n{title}")
        for path, item in part:
            values, unit = value_summary(item, limit=3)
            name = path.split(".", 1)[1].removeprefix("parameters.")
            touched = overridden_by(aset, path)
            mark = f" (overridden by {', '.join(touched)})" if touched else ""
            click.echo(f"  {name:<30} {values}  [{unit}; {item.status}]{mark}")


def _show_tables(aset: Any) -> None:
    """Tables used, with their kind and their own status."""
    from actuary.assumptions.inventory import iter_table_refs, value_summary

    click.echo("\nTables")
    for path, ref in iter_table_refs(aset):
        table = aset.tables.get(path)
        values, _ = value_summary(ref)
        own = f"; use {ref.status}" if ref.status else ""
        about = f"kind {table.kind}, status {table.meta.status}{own}" if table is not None else "not loaded"
        click.echo(f"  {path:<34} {values:<44} {about}")


def _show_unverified(aset: Any) -> None:
    items = aset.unverified()
    click.echo(f"\nUnverified items ({len(items)}): placeholders to replace or confirm")
    for path, description, _, reference in items:
        click.echo(f"  {path}: {_short(description, 80)}")
        if reference:
            click.echo(f"      reference: {_short(reference, 90)}")


@basis.command("check")
@click.argument("file")
def check(file: str) -> None:
    """Validate an assumption set; print every problem (exit 1) or OK with its hash.

    FILE is a set or a reform overlay (a YAML file or a shipped name).

    \b
    Examples:
      actuary basis check my_set.yaml
      actuary basis check assumptions/data/reforms/ps_transition_2027.yaml
    """
    from actuary.assumptions import load_basis

    aset = load_basis(file)
    click.echo(f"OK: {aset.name}, hash {aset.content_hash()}")
