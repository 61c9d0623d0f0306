"""``actuary verify``: re-run a bundle from the archive alone and compare the results."""

from __future__ import annotations

import sys

import click


@click.command("verify")
@click.argument("bundle", type=click.Path(dir_okay=False))
def verify(bundle) -> None:
    """Re-run BUNDLE (a .zip written by --bundle) in a temporary folder and compare.

    Prints "identical", or every difference and exits with code 1. A run's time, command
    line and file locations are not differences; see actuary/cli/bundle.py.

    \b
    Examples:
      actuary valuate --out v.xlsx --bundle run.zip
      actuary verify run.zip
    """
    from actuary.cli.bundle import verify_bundle

    diffs = verify_bundle(bundle, progress=lambda m: click.echo(m, err=True))
    if not diffs:
        click.echo("identical")
        return
    click.echo(f"{len(diffs)} differences:")
    for d in diffs:
        click.echo(f"  {d}")
    sys.exit(1)
