"""``actuary table ...`` commands (filled in by the tables work)."""

import click


@click.group("table")
def table() -> None:
    """Show shipped and user tables."""
