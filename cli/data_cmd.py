"""``actuary data``: check member files, aggregate them, make a synthetic membership."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import click

from actuary.cli.options import echo_json, json_option, lang_option
from actuary.reports.i18n import T, T_known, current, num, pad

from actuary.cli.progress import progress
from actuary.io.errors import DataError

_DATE = click.DateTime(formats=["%Y-%m-%d"])


#: Exit code of ``data check --strict`` when rows were rejected (1 is a file that cannot
#: be used at all, 2 a usage error).
STRICT_EXIT = 3


def _command() -> str:
    return "actuary " + " ".join(sys.argv[1:])


@click.group("data")
def data() -> None:
    """Member data: check it, aggregate it, or make a synthetic membership."""


@data.command("check")
@click.argument("members", type=click.Path(dir_okay=False))
@click.option("--pensioners", type=click.Path(dir_okay=False), help="Pensioner file to check too.")
@click.option("--controls", type=click.Path(dir_okay=False),
              help="Control totals (CSV: measure,value[,tolerance]).")
@click.option("--report", type=click.Path(dir_okay=False), default="datacheck.xlsx",
              show_default=True, help="Workbook to write.")
@click.option("--basis", default=None, help="Assumption set for the floor, ceiling, scheme start "
              "and pension age (default: cambodia-default).")
@click.option("--as-of", "as_of", type=_DATE, help="Date of the extract (default: the basis's "
              "valuation date).")
@click.option("--population", type=click.Path(dir_okay=False),
              help="Also write the starting population (CSV + YAML) aggregated from the used rows.")
@click.option("--reserve", type=float, help="Reserve on the as-of date for the starting "
              "population, KHR (default: that of the basis's starting population).")
@click.option("--cap-wages", is_flag=True, help="Use actives whose wage is outside the floor and "
              "ceiling, with the wage brought to the bound (listed as changed).")
@click.option("--encoding", help="Text encoding of CSV files (default UTF-8).")
@click.option("--accept-implausible", is_flag=True,
              help="Go on with wages or pensions whose averages look like a unit mistake "
                   "(said on the console and in the report).")
@click.option("--strict", is_flag=True,
              help="Exit with code 3 when any row is rejected (the report is still written).")
@lang_option
@json_option
@click.option("--quiet", is_flag=True, help="No progress messages.")
def check(members, pensioners, controls, report, basis, as_of, population, reserve, cap_wages,
          encoding, accept_implausible, strict, lang, as_json, quiet) -> None:
    """Check MEMBERS (CSV, XLSX or Parquet) and write the data-check report.

    Every row is used or listed in the report with its reason. Exit codes: 0 the files
    were checked (rows may have been rejected: see the summary); 1 a file cannot be used
    at all (a message says why); 2 a usage error; 3 with --strict, rows were rejected.

    \b
    Examples:
      actuary data check members.csv --pensioners pensioners.csv --report datacheck.xlsx
      actuary data check members.csv --strict --population population.csv
    """
    from actuary.assumptions import load_basis
    from actuary.members.datacheck import CheckSettings, check_files
    from actuary.cli.outputs import check_outputs
    from actuary.io.fileio import output_set
    from actuary.reports.datacheck import write_datacheck_workbook

    if reserve is not None and not (math.isfinite(reserve) and reserve >= 0):
        raise DataError("bad reserve", field="--reserve", value=reserve,
                        expected="an amount in KHR, at least 0")
    if reserve is not None and not population:
        raise DataError("--reserve is the reserve of the starting population that "
                        "--population writes", field="--reserve", value=reserve,
                        expected="--population FILE.csv with it")
    aset = load_basis(basis)
    check_outputs([("--report", report, (".xlsx",)), ("--population", population, (".csv",)),
                   ("--population", Path(population).with_suffix(".yaml") if population else None,
                    ())],
                  inputs=[members, pensioners, controls, *aset.read_files])
    say = progress(quiet)
    settings = CheckSettings.from_basis(aset, as_of.date() if as_of else None, cap_wages,
                                        accept_implausible)
    result = check_files(members, settings, pensioners=pensioners, controls=controls,
                         encoding=encoding, progress=say)
    recon = None
    with output_set():  # the population, its sidecar and the report together, or none
        if population:
            from actuary.members.aggregate import write_population

            source = ""
            if reserve is None:
                reserve, source = _basis_reserve(aset)
            path, recon = write_population(result, population, reserve, reserve_source=source)
            say(f"writing {path} and {path.with_suffix('.yaml')}")
        say(f"writing {report}")
        write_datacheck_workbook(result, report, reconciliation=recon,
                                 population_path=population, command=_command(), progress=say)
    rejected = sum(f.rows_rejected for f in result.files)
    if as_json:
        echo_json({"files": [{"kind": f.kind, "path": f.path, "rows_in": f.rows_in,
                              "rows_used": f.rows_used, "rows_rejected": f.rows_rejected,
                              "rows_flagged": f.rows_flagged, "rows_changed": f.rows_changed}
                             for f in result.files],
                   "reasons": result.reason_counts(), "accepted_implausible": result.accepted,
                   "synthetic": result.synthetic, "report": report, "population": population})
    else:
        click.echo("\n".join(summary_lines(result)))
        click.echo("\n" + T("report: {path}", path=report))
    if strict and rejected:
        click.echo(f"error: {rejected:,} rows rejected (--strict)", err=True)
        sys.exit(STRICT_EXIT)


def summary_lines(result) -> list[str]:
    """:meth:`CheckResult.summary_lines` in the current language (the same lines in
    English; in Khmer built from the same counts)."""
    if current() == "en":
        return result.summary_lines()
    lines = [T("IMPLAUSIBLE DATA ACCEPTED (--accept-implausible)") + f": {note}"
             for note in result.accepted]
    if result.synthetic:
        lines.append(T("SYNTHETIC DATA: the files read are marked synthetic (made by actuary "
                       "data synth), not real member records."))
    counts = result.reason_counts()
    for f in result.files:
        lines.append(f"{T_known(f.kind)}: {f.path}")
        lines.append("  " + T("rows in {read}, used {used}, rejected {rejected}, flagged "
                              "{flagged}, changed {changed}", read=num(f"{f.rows_in:,}"),
                              used=num(f"{f.rows_used:,}"), rejected=num(f"{f.rows_rejected:,}"),
                              flagged=num(f"{f.rows_flagged:,}"),
                              changed=num(f"{f.rows_changed:,}")))
        for r in counts[counts.file == f.kind].itertuples():
            lines.append(f"    {pad(T_known(r.severity), 8)} {r.code:28s} "
                         f"{pad(num(f'{r.rows:,}'), 10, right=True)}  {r.description}")
        if f.ignored:
            lines.append("  " + T("columns ignored: {names}", names=", ".join(f.ignored)))
    if result.controls is not None:
        bad = result.controls[~result.controls["agrees"]]
        lines.append(T("control totals: {n} of {total} agree", n=len(result.controls) - len(bad),
                       total=len(result.controls))
                     + ("" if bad.empty else T("; differ: {names}",
                                               names=", ".join(bad["measure"]))))
    return lines


def _basis_reserve(aset) -> tuple[float, str]:
    from actuary.analysis.valuation import load_population

    pop = load_population(aset, None)
    return pop.reserve, (f"taken from the starting population {pop.name} of the assumption "
                         f"set {aset.name} (status {pop.status}); pass --reserve to replace it")


@data.command("synth")
@click.option("--members", "n", type=click.IntRange(1, 50_000_000), required=True,
              help="Rows of the member file.")
@click.option("--seed", type=click.IntRange(0, None), required=True, help="Random seed.")
@click.option("--out", type=click.Path(dir_okay=False), required=True,
              help="Member file (.csv, .parquet or .xlsx; the name must contain 'synthetic'); "
                   "the pensioners go beside it as NAME_pensioners.EXT, the record as NAME.yaml.")
@click.option("--report", type=click.Path(dir_okay=False),
              help="Calibration workbook (default: NAME_report.xlsx beside the output).")
@click.option("--basis", default=None, help="Assumption set (default: cambodia-default).")
@click.option("--defects", type=click.FloatRange(0.0, 0.05), default=0.0, show_default=True,
              help="Share of rows to make defective for each kind the data check finds.")
@lang_option
@click.option("--quiet", is_flag=True, help="No progress messages.")
def synth(n, seed, out, report, basis, defects, lang, quiet) -> None:
    """Make a SYNTHETIC NSSF-like membership (seeded, reproducible, calibrated).

    \b
    Examples:
      actuary data synth --members 100000 --seed 1 --out members_synthetic.csv
      actuary data synth --members 5000 --seed 2 --defects 0.01 --out test_synthetic.parquet
    """
    from actuary.assumptions import load_basis
    from actuary.reports.datacheck import write_synth_workbook
    from actuary.cli.outputs import check_outputs
    from actuary.io.fileio import output_set
    from actuary.members.synth import output_paths, synthesize, write_synthetic

    say = progress(quiet)
    report = report or str(Path(out).with_name(f"{Path(out).stem}_report.xlsx"))
    files = output_paths(out)  # the name says synthetic and has a known type
    aset = load_basis(basis)
    check_outputs([("--out", f, ()) for f in files] + [("--report", report, (".xlsx",))],
                  inputs=aset.read_files)
    result = synthesize(n, seed, aset=aset, defects=defects, progress=say)
    say(f"writing {out}")
    with output_set():  # members, pensioners, sidecar and report together, or none
        files = write_synthetic(result, out)
        write_synth_workbook(result, files, report, command=_command())
    m = result.meta
    click.echo(f"SYNTHETIC membership: {m['members']:,} members, {m['pensioners']:,} "
               f"pensioners, seed {m['seed']}, valuation date {m['valuation_date']}")
    click.echo("  statuses: " + ", ".join(f"{k} {v:,}" for k, v in m["statuses"].items()))
    for r in result.calibration.itertuples():
        click.echo(f"  {r.measure:56s} target {r.target:14,.4f}  drawn {r.synthetic:14,.4f}")
    if m["defects_injected"]:
        click.echo("  defects injected: " + ", ".join(f"{k} {v:,}" for k, v in
                                                      m["defects_injected"].items()))
    click.echo("files: " + ", ".join(str(f) for f in files) + f", {report}")
