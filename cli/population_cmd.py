"""``actuary population``: the demographic and economic frame (filled in by issue 3 work)."""

import click


@click.command("population")
def population() -> None:
    """Project Cambodia's population, labour force and coverage."""
    raise click.UsageError("not available yet")
