"""``actuary experience``: an experience study of one decrement from a member file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from actuary.cli.progress import progress

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command("experience")
@click.argument("members", type=click.Path(dir_okay=False))
@click.option("--decrement", type=click.Choice(["death", "exit", "retirement"]), required=True)
@click.option("--out", type=click.Path(dir_okay=False),
              help="Workbook to write (default: experience_DECREMENT.xlsx).")
@click.option("--table", type=click.Path(dir_okay=False),
              help="Table to write (CSV + YAML, the tables format; default: beside the "
                   "workbook, same name, .csv).")
@click.option("--basis", default=None, help="Assumption set for the expected events and the "
              "data check (default: cambodia-default).")
@click.option("--as-of", "as_of", type=_DATE, help="Date of the member file (default: the "
              "basis's valuation date).")
@click.option("--from", "study_start", type=_DATE, help="First day of the study window.")
@click.option("--to", "study_end", type=_DATE, help="Day after the study window (default: "
              "the as-of date).")
@click.option("--method", type=click.Choice(["gm", "whittaker"]), default="gm",
              show_default=True, help="Graduation: Gompertz-Makeham GM(0,k) by Poisson "
              "likelihood, or Whittaker-Henderson on log rates.")
@click.option("--degree", type=click.IntRange(1, 8), help="GM parameters (default: lowest AIC).")
@click.option("--smoothing", type=click.FloatRange(min=0, min_open=True),
              help="Whittaker-Henderson h (default: lowest AIC).")
@click.option("--level", type=click.FloatRange(0.5, 0.999), default=0.95, show_default=True,
              help="Confidence level of the intervals.")
@click.option("--encoding", help="Text encoding of a CSV member file (default UTF-8).")
@click.option("--quiet", is_flag=True, help="No progress messages.")
def experience(members, decrement, out, table, basis, as_of, study_start, study_end, method,
               degree, smoothing, level, encoding, quiet) -> None:
    """Experience study of MEMBERS: exposures, rates, A/E, survival curves, graduation."""
    from actuary.assumptions import load_basis
    from actuary.datacheck import CheckSettings, check_files
    from actuary.experience import study, write_experience_table
    from actuary.fileio import check_outputs
    from actuary.reports.experience import write_experience_workbook

    out = Path(out or f"experience_{decrement}.xlsx")
    table_path = Path(table) if table else out.with_suffix(".csv")
    aset = load_basis(basis)
    check_outputs([("--out", out, (".xlsx",)), ("--table", table_path, (".csv",)),
                   ("--table", table_path.with_suffix(".yaml"), ())],
                  inputs=[members, *aset.read_files])
    say = progress(quiet)
    settings = CheckSettings.from_basis(aset, as_of.date() if as_of else None)
    checked = check_files(members, settings, encoding=encoding, progress=say)
    f = checked.files[0]
    if f.rows_rejected:
        click.echo(f"data check: {f.rows_rejected:,} of {f.rows_in:,} rows rejected and left "
                   "out (run actuary data check for the report)")
    say(f"studying {decrement}")
    result = study(checked.members, decrement, aset, settings.as_of,
                   study_start=study_start.date() if study_start else None,
                   study_end=study_end.date() if study_end else None,
                   method=method, degree=degree, h=smoothing, alpha=1.0 - level,
                   synthetic=checked.synthetic, source=f"{f.path} (SHA-256 {f.sha256[:16]}...)")
    write_experience_table(result, aset, table_path)
    say(f"wrote {table_path} and {table_path.with_suffix('.yaml')}")
    write_experience_workbook(result, out, table_path=str(table_path),
                              command="actuary " + " ".join(sys.argv[1:]))
    click.echo("\n".join(result.summary_lines()))
    click.echo(f"\nworkbook: {out}\ntable: {table_path}")
