"""``actuary basis ...`` commands (filled in by the assumptions work)."""

import click


@click.group("basis")
def basis() -> None:
    """Show and check assumption sets."""
