"""Options several commands share: ``--set KEY=VALUE`` and ``--json``.

``--set`` changes the assumption set in memory with the keys of an overlay file
(:meth:`actuary.assumptions.AssumptionSet.override`), so one change needs no file; the
value is YAML (``0.06``, ``{2025-01-01: 0.06}``). ``--json`` prints the command's
results as one JSON object on standard output instead of the text headline.
"""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any, Callable

import click
import numpy as np

__all__ = ["accept_option", "accepted_lines", "set_option", "json_option", "quiet_option",
           "prices_option", "parse_sets", "apply_sets", "echo_json",
           "complete_sets", "complete_tables", "bundle_option", "run_argv",
           "plain"]

_SET_HELP = ("Change one assumption for this run, as an overlay file's overrides would: "
             "KEY=VALUE with a dotted key path and a YAML value, e.g. "
             "--set 'economic.investment_return.values={2025-01-01: 0.06}'. Repeatable.")


def set_option(f: Callable) -> Callable:
    """The ``--set KEY=VALUE`` option (repeatable), as ``sets``."""
    return click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", help=_SET_HELP)(f)


def json_option(f: Callable) -> Callable:
    """The ``--json`` flag, as ``as_json``."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print the results as one JSON object (for scripts).")(f)


def bundle_option(f: Callable) -> Callable:
    """The ``--bundle FILE.zip`` option of the commands that write results, as ``bundle``
    (written by :mod:`actuary.cli.bundle`)."""
    return click.option(
        "--bundle", type=click.Path(dir_okay=False),
        help="Also write one .zip with every input, the outputs, the command, versions, "
             "hashes and a reviewer's checklist; actuary verify FILE.zip re-runs it.")(f)


def run_argv() -> list[str]:
    """The running command's arguments after ``actuary``, as the command group received
    them (``sys.argv[1:]`` outside a command)."""
    import sys

    ctx = click.get_current_context(silent=True)
    argv = ctx.meta.get("actuary.argv") if ctx is not None else None
    return list(argv if argv is not None else sys.argv[1:])


def accept_option(f: Callable) -> Callable:
    """The ``--accept-implausible`` flag, as ``accept_implausible``: value data whose amounts
    look like a unit mistake (the output says so)."""
    return click.option("--accept-implausible", is_flag=True,
                        help="Go on with wages or pensions whose averages look like a unit "
                             "mistake (said on the console and in the workbook).")(f)


def accepted_lines(populations: Any) -> list[str]:
    """One line per implausible finding accepted, for the console."""
    return [f"IMPLAUSIBLE DATA ACCEPTED (--accept-implausible): {note}"
            for pop in populations for note in getattr(pop, "accepted", ())]


def prices_option(f: Callable) -> Callable:
    """The ``--prices nominal|constant`` option of the commands that write yearly money,
    as ``prices`` (:mod:`actuary.reports.money`)."""
    return click.option(
        "--prices", type=click.Choice(["nominal", "constant"]), default="nominal",
        show_default=True,
        help="Prices of the workbook's yearly money: nominal KHR of each year, or constant "
             "KHR of the valuation year (deflated by the set's CPI path); every table "
             "title says which.")(f)


def quiet_option(f: Callable) -> Callable:
    """The ``--quiet`` flag: no progress messages."""
    return click.option("--quiet", is_flag=True, help="No progress messages.")(f)


def lang_option(f: Callable) -> Callable:
    """``--lang en|km``: the language of the workbook's labels and of the console's
    headline (Khmer: a draft translation not yet reviewed by a native speaker). The
    command's body runs with that language set (:func:`actuary.reports.i18n.language`),
    and receives ``lang`` too."""
    import functools

    @functools.wraps(f)
    def run(*args: Any, **kwargs: Any) -> Any:
        from actuary.reports.i18n import language

        with language(kwargs.get("lang", "en")):
            return f(*args, **kwargs)

    return click.option(
        "--lang", type=click.Choice(["en", "km"]), default="en", show_default=True,
        help="Language of the workbook's labels and the console's headline (km: Khmer, a "
             "draft not yet reviewed by a native speaker; sheet names and the data's own "
             "texts stay as they are).")(run)


def parse_sets(sets: tuple[str, ...]) -> dict[str, Any]:
    """``("a.b=1", ...)`` -> ``{"a.b": 1, ...}``; each value read as YAML.

    Raises
    ------
    AssumptionError
        For an item without ``=``, an empty key, a key given twice or a value that is not
        YAML, naming the option and the item.
    """
    from actuary.io.errors import AssumptionError
    from actuary.io.yamlio import parse_value

    out: dict[str, Any] = {}
    for item in sets:
        key, eq, text = item.partition("=")
        key = key.strip()
        if not eq or not key:
            raise AssumptionError("not a KEY=VALUE pair", field="--set", value=item,
                                  expected="a dotted key path, '=', and a YAML value")
        if key in out:
            raise AssumptionError("the same key is set twice", field="--set", value=key,
                                  expected="each key once")
        out[key] = parse_value(text, f"--set {key}")
    return out


def apply_sets(aset: Any, sets: tuple[str, ...]) -> Any:
    """``aset`` with the ``--set`` overrides applied (``aset`` itself when there are none)."""
    overrides = parse_sets(sets)
    if not overrides:
        return aset
    return aset.override(overrides, name=aset.name, source="--set",
                         description=f"{aset.description} (with --set "
                                     + ", ".join(overrides) + ")")


def plain(value: Any) -> Any:
    """``value`` as JSON can hold it: numpy scalars as Python numbers, NaN and infinities as
    null, dates as ISO text, frames as lists of records, mappings and lists throughout."""
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        return [plain(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def echo_json(payload: dict[str, Any]) -> None:
    """Print ``payload`` as one JSON object on standard output."""
    click.echo(json.dumps(plain(payload), indent=2, ensure_ascii=False))


def complete_sets(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of an assumption set or scenario: shipped names, then files."""
    from click.shell_completion import CompletionItem

    from actuary.assumptions.registry import display_names, shipped_sets

    names = [n for n in display_names(shipped_sets()) if n.startswith(incomplete)]
    return [CompletionItem(n) for n in names] + [CompletionItem(incomplete, type="file")]


def complete_tables(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of a table: shipped table names, then files."""
    from click.shell_completion import CompletionItem

    from actuary.tables.catalogue import list_tables

    return ([CompletionItem(n) for n in list_tables() if n.startswith(incomplete)]
            + [CompletionItem(incomplete, type="file")])
