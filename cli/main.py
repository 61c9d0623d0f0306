"""The ``actuary`` command line."""

from __future__ import annotations

import atexit
import gc
import sys

import click

from actuary import __version__
from actuary.errors import ActuaryError


class _Group(click.Group):
    """A click group that turns user errors into a message and exit code 1."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ActuaryError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="actuary")
def main() -> None:
    """Actuarial valuation of Cambodia's contributory pension schemes."""


def _register() -> None:
    # Imported here so that ``actuary --help`` stays fast and the modules stay small.
    from actuary.cli.basis_cmd import basis
    from actuary.cli.table_cmd import table
    from actuary.cli.population_cmd import population
    from actuary.cli.valuate_cmd import valuate
    from actuary.cli.data_cmd import data
    from actuary.cli.experience_cmd import experience
    from actuary.cli.compare_cmd import compare
    from actuary.cli.solve_cmd import solve
    from actuary.cli.value_cmd import value

    main.add_command(basis)
    main.add_command(table)
    main.add_command(valuate)
    main.add_command(population)
    main.add_command(data)
    main.add_command(experience)
    main.add_command(compare)
    main.add_command(solve)
    main.add_command(value)


_register()

# On the way out Python's finalisation collects the whole heap: numba's type system,
# pandas, openpyxl, the run's frames (measured 0.8 s of a 4 s `actuary valuate`).
# Nothing the process still holds then needs collecting, so everything is frozen out of
# those collections; atexit calls this last (numba and llvmlite register their handlers
# later), and every file the commands write is closed before it.
atexit.register(gc.freeze)

if __name__ == "__main__":  # pragma: no cover
    main()
