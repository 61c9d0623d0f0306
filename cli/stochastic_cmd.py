"""``actuary stochastic``: economic and demographic scenarios around a basis."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from actuary.cli.options import (apply_sets, complete_sets, echo_json, json_option, lang_option,
                                 set_option)
from actuary.reports.i18n import T, T_known, num, pad
from actuary.cli.progress import progress
from actuary.io.errors import ActuaryError
from actuary.io.fileio import check_outputs, output_set, write_atomic

_CSV = ("percentiles", "depletion")


def _pct(x: float | None) -> str:
    return "-" if x is None or x != x else num(f"{100 * x:.1f}%")


def headline(run) -> str:
    """Depletion probabilities, GAP 75's 80% interval and the throughput, as text (labels
    in the current language)."""
    m = run.model
    head = run.headline()
    lines = [T("Stochastic projection of {scheme} ({name}): {n} scenarios, seed {seed}, mode "
               "{mode}", scheme=m.aset.scheme.name, name=m.aset.name,
               n=num(f"{run.scenarios:,}"), seed=run.seed, mode=T_known(str(run.mode))), "",
             "  " + T("probability that the reserve is depleted by the end of")]
    years = sorted({y for d in head["depletion"].values() for y in d})
    lines.append("  " + pad(T("rate path"), 36) + "".join(pad(num(y), 9, right=True)
                                                          for y in years)
                 + "   " + T("deterministic"))
    for path, probs in head["depletion"].items():
        det = run.deterministic_depletion.get(path)
        lines.append("  " + pad(T_known(path), 36)
                     + "".join(pad(_pct(probs.get(y)), 9, right=True) for y in years)
                     + "   " + pad(num(det) if det else T("none"), 13, right=True))
    if "gap_75" in head:
        g = head["gap_75"]
        det = m.deterministic.summary.get("gap_75")
        lines.append("\n  " + T("GAP 75 years: 80% of scenarios between {low} and {high} "
                                 "(median {median}; deterministic {det})", low=_pct(g["p10"]),
                                 high=_pct(g["p90"]), median=_pct(g["p50"]), det=_pct(det)))
    t = run.timing
    lines.append("\n  " + T("{n} scenarios in {seconds} s ({rate} a second), after {setup} s of "
                             "set-up", n=num(f"{run.scenarios:,}"),
                             seconds=num(f"{t['scenarios_s']:.1f}"),
                             rate=num(f"{t['scenarios_per_s']:,.0f}"),
                             setup=num(f"{t['setup_s']:.1f}")))
    lines += ["  " + T("note: {note}", note=n) for n in run.notes]
    return "\n".join(lines)


def _client(workers: int | None, scheduler: str | None):
    """A dask client: a local cluster of ``workers`` processes, or the ``scheduler``'s."""
    if workers is None and scheduler is None:
        return None, None
    if workers is not None and scheduler is not None:
        raise ActuaryError("--workers and --scheduler exclude each other", field="--scheduler",
                           value=scheduler, expected="either a local cluster (--workers N) or "
                                                     "an existing scheduler, not both")
    from actuary.studies.stochastic.distributed import connect

    return connect(workers=workers, scheduler=scheduler)


@click.command("stochastic")
@click.argument("basis", required=False, shell_complete=complete_sets)
@click.option("--scenarios", type=click.IntRange(1, 100_000_000), default=1000,
              show_default=True, help="Number of scenarios.")
@click.option("--seed", type=click.IntRange(0, None), default=1, show_default=True,
              help="Seed of the random streams (same seed, same numbers).")
@click.option("--out", "out", type=click.Path(dir_okay=False), default="stochastic.xlsx",
              show_default=True, help="Workbook to write.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False),
              help="Also write percentiles.csv and depletion.csv here.")
@click.option("--workers", type=click.IntRange(1, 1024),
              help="Start a local dask cluster of N worker processes.")
@click.option("--scheduler", help="Use an existing dask scheduler (tcp://host:port).")
@click.option("--population", type=click.Path(dir_okay=False),
              help="Starting population (CSV or XLSX); default: the one the basis names.")
@click.option("--horizon", type=click.IntRange(1, 300), help="Projection years.")
@click.option("--economic-only", is_flag=True,
              help="Economic scenarios only: people follow the basis, money is recomputed "
                   "without a projection per scenario (fast; see economic_only.py).")
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=250, show_default=True,
              help="Scenarios per batch (a task on a cluster); results do not depend on it.")
@click.option("--threads", type=click.IntRange(1, 256), default=None,
              help="Projections at once within a batch (default: the CPUs, at most 2).")
@set_option
@lang_option
@json_option
@click.option("--quiet", is_flag=True, help="No progress messages.")
def stochastic(basis, scenarios, seed, out, csv_dir, workers, scheduler, population, horizon,
               economic_only, batch_size, threads, sets, lang, as_json, quiet) -> None:
    """Stochastic projection: percentiles, probability of depletion, GAP distribution.

    BASIS is an assumption-set file or the name of a shipped set (default:
    cambodia-default). The generator's parameters are the set's `stochastic` section.

    \b
    Examples:
      actuary stochastic --scenarios 10000 --seed 1 --out stochastic.xlsx
      actuary stochastic --scenarios 2000 --economic-only --csv stochastic-csv
      actuary stochastic --scenarios 100000 --workers 2
    """
    outputs = [("--out", out, (".xlsx",))] + [("--csv", Path(csv_dir) / f"{n}.csv", ())
                                              for n in _CSV if csv_dir]
    check_outputs(outputs, inputs=[basis, population])
    say = progress(quiet)
    from actuary.assumptions import load_basis
    from actuary.reports.stochastic import write_stochastic_workbook
    from actuary.studies.stochastic import run_stochastic

    say("loading the assumption set")
    aset = apply_sets(load_basis(basis), sets)
    check_outputs(outputs, inputs=[population, *aset.read_files])
    client, cluster = _client(workers, scheduler)
    try:
        run = run_stochastic(aset, population, horizon, scenarios=scenarios, seed=seed,
                             mode="economic" if economic_only else "full",
                             batch_size=batch_size,
                             threads=threads or min(2, os.cpu_count() or 1),
                             client=client, progress=say)
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    run.timing["command"] = "actuary " + " ".join(sys.argv[1:])
    with output_set():  # the workbook and the CSV tables together, or none of them
        say(f"writing {out}")
        write_stochastic_workbook(run, out)
        if csv_dir:
            folder = Path(csv_dir)
            for name, frame in (("percentiles", run.percentiles), ("depletion", run.depletion)):
                write_atomic(folder / f"{name}.csv",
                             lambda p, f=frame: f.to_csv(p, index=False, lineterminator="\n"))
            say(f"wrote percentiles.csv and depletion.csv to {folder}")
    if as_json:
        echo_json({"set": aset.name, "scenarios": run.scenarios, "seed": run.seed,
                   "mode": run.mode, **run.headline(),
                   "deterministic_depletion": run.deterministic_depletion,
                   "deterministic_gap_75": run.model.deterministic.summary.get("gap_75"),
                   "notes": run.notes, "workbook": out})
        return
    click.echo(headline(run))
    click.echo("\n" + T("workbook: {path}", path=out))
