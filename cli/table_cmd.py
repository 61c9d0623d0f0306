"""``actuary table ...``: list the shipped tables and show one table with its provenance."""

from __future__ import annotations

import textwrap

import click

from actuary.cli.options import complete_tables
import numpy as np

from actuary.life.lifetable import LifeTable
from actuary.tables import DATA_DIR, Table, list_tables, load_table
from actuary.tables.reader import read_sidecar

#: Ages shown in the value block when the table has them (plus its first and last age).
_SHOW_AGES = (0, 1, 5, 15, 20, 30, 40, 50, 60, 65, 70, 80, 90, 100, 110)
#: Base year for which life expectancy is shown (with the first and last year).
_BASE_YEAR = 2025


@click.group("table")
def table() -> None:
    """Show shipped and user tables."""


@table.command("list")
def list_cmd() -> None:
    """List the shipped tables with kind, status and dimensions.

    \b
    Example:
      actuary table list
    """
    for name in list_tables():
        _, kind, meta, dims = read_sidecar(DATA_DIR / f"{name}.yaml")
        years = f", years {dims.years[0]}..{dims.years[-1]}" if dims.years else ""
        click.echo(
            f"{name:<36} {kind:<13} {meta.status:<11} "
            f"sex {'/'.join(dims.sexes)}, ages {dims.age_first}..{dims.age_last}{years}"
        )


@table.command("show")
@click.argument("name", shell_complete=complete_tables)
def show_cmd(name: str) -> None:
    """Show table NAME (a shipped name or a path to NAME.csv with NAME.yaml beside it).

    \b
    Examples:
      actuary table show wpp2024_cambodia_qx
      actuary table show my_tables/mortality.csv
    """
    t = load_table(name)
    _echo_meta(t)
    years = t.years
    shown_years = [None] if years is None else sorted({int(years[0]), int(years[-1])})
    for year in shown_years:
        _echo_values(t, year)
    if t.kind == "qx":
        _echo_life_expectancy(t)


def _echo_meta(t: Table) -> None:
    m = t.meta
    click.echo(f"{t.name}  (kind {t.kind}, status {m.status})")
    for label, text in (("description", m.description), ("unit", m.unit),
                        ("source", m.source), ("licence", m.licence)):
        click.echo(_wrap(f"{label}: {text}"))
    click.echo("method:")
    for line in m.method.splitlines() or ["(none given)"]:
        click.echo(f"  {line}")
    years = t.years
    year_text = "no year dimension" if years is None else (
        f"years {years[0]}..{years[-1]} ({years.size} years)")
    sex_text = "no sex dimension (B)" if t.sexes == ("B",) else "sex " + ", ".join(t.sexes)
    click.echo(f"dimensions: {sex_text}; ages {t.ages[0]}..{t.ages[-1]}; {year_text}")
    for key, value in m.extra.items():
        if key != "inputs_sha256":
            click.echo(f"{key}: {value}")


def _wrap(text: str) -> str:
    return textwrap.fill(text, width=100, subsequent_indent="  ")


def _echo_values(t: Table, year: int | None) -> None:
    first, last = int(t.ages[0]), int(t.ages[-1])
    ages = sorted({first, last} | {a for a in _SHOW_AGES if first <= a <= last})
    years = None if year is None else [year]
    values = t.to_array(ages, years, sex_fill=np.nan)
    block = values if year is None else values[0]
    cols = _sex_columns(t)
    click.echo(f"values{'' if year is None else f', year {year}'} ({t.meta.unit}):")
    click.echo("    age" + "".join(f"{c:>14}" for c, _ in cols))
    for j, age in enumerate(ages):
        cells = "".join(f"{block[row, j]:>14.6g}" for _, row in cols)
        click.echo(f"  {age:>5}{cells}")


def _sex_columns(t: Table) -> list[tuple[str, int]]:
    """(label, row of to_array) for each sex the table holds."""
    if t.sexes == ("B",):
        return [("B", 0)]
    return [(s, row) for row, s in enumerate(("M", "F")) if s in t.sexes]


def _echo_life_expectancy(t: Table) -> None:
    """Complete life expectancy (UDD) at 0 and 60 by sex, for the first, base and last year."""
    ages = np.arange(t.ages[0], t.ages[-1] + 1)
    at = [a for a in (0, 60) if ages[0] <= a <= ages[-1]]
    if not at:
        return
    years = t.years
    chosen = [None] if years is None else sorted(
        {int(years[0]), int(years[-1])} | ({_BASE_YEAR} if _BASE_YEAR in years else set()))
    cols = _sex_columns(t)
    click.echo(f"life expectancy (years, complete, UDD; table closed at age {ages[-1]}):")
    header = "".join(f"{f'e{a} {s}':>10}" for a in at for s, _ in cols)
    click.echo(f"  {'year' if years is not None else '':>6}{header}")
    for year in chosen:
        q = t.to_array(ages, None if year is None else [year], sex_fill=np.nan)
        q = q if year is None else q[0]
        cells = ""
        for a in at:
            for _, row in cols:
                cells += f"{LifeTable(q[row], min_age=int(ages[0])).ex(a):>10.2f}"
        click.echo(f"  {'' if year is None else year:>6}{cells}")
