"""``actuary change``: the analysis of change from a previous valuation to the current one."""

from __future__ import annotations

from pathlib import Path

import click

from actuary.cli.bundle import write_run_bundle
from actuary.cli.compare_cmd import _change, _fmt
from actuary.cli.options import bundle_option, echo_json, json_option, lang_option, quiet_option
from actuary.reports.i18n import T, T_known, cut, date_text, num, pad
from actuary.cli.progress import progress


def change_text(result) -> str:
    """The steps as a text table: one row per indicator, one column per step."""
    from actuary.studies.change import INDICATORS

    d0, d1 = result.valuation_dates
    steps = result.steps
    head = f"{'':40s}" + pad(T("previous"), 12, right=True) \
        + "".join(f"{g[:12]:>13s}" for g in result.order) \
        + pad(T("current"), 12, right=True) + pad(T("total"), 12, right=True)
    lines = [T("Analysis of change: {previous} ({d0}) -> {current} ({d1})",
               previous=result.previous, d0=date_text(d0), current=result.current,
               d1=date_text(d1)),
             "  " + T("order: {order}; KHR in billions ('bn'); {n} valuations run",
                      order=" > ".join(result.order), n=result.runs), "", head]
    for key, label, kind in INDICATORS:
        rows = steps[steps.indicator == key].set_index("step")
        line = pad(cut(T_known(label), 39), 40) \
            + pad(num(_fmt(rows.loc[result.order[0], "before"], kind)), 12, right=True)
        line += "".join(pad(num(_change(rows.loc[g, "change"], kind)), 13, right=True)
                        for g in result.order)
        line += pad(num(_fmt(rows.loc["total", "after"], kind)), 12, right=True)
        line += pad(num(_change(rows.loc["total", "change"], kind)), 12, right=True)
        lines.append(line)
    changed = [f"{g}: {', '.join(k)}" for g, k in result.changed.items() if k]
    lines += ["", "  " + T("keys that differ: {keys}", keys="; ".join(changed) or T("none"))]
    dep = result.order_dependence
    if not dep.empty:
        lines += ["", "  " + T("order dependence (GAP 75 years: change taken first / taken "
                               "last):")]
        for r in dep[dep.indicator == "gap_75"].itertuples(index=False):
            lines.append(f"    {r.group:14s} " + pad(num(_change(r.first, "rate")), 11, right=True)
                         + " " + pad(num(_change(r.last, "rate")), 11, right=True))
    return "\n".join(lines)


@click.command("change")
@click.argument("previous")
@click.argument("current")
@click.option("--out", type=click.Path(dir_okay=False), default="change.xlsx",
              show_default=True, help="Workbook to write.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False),
              help="Also write change.csv and order_dependence.csv here.")
@click.option("--order", help="Groups in the order of the steps, comma-separated (default "
              "roll_forward,data,demographic,economic,methods,rules,new_entrants).")
@click.option("--previous-population", type=click.Path(dir_okay=False),
              help="Starting population of the previous valuation (default: the set's).")
@click.option("--current-population", type=click.Path(dir_okay=False),
              help="Starting population of the current valuation (default: the set's).")
@click.option("--no-order-check", is_flag=True, help="Skip the order dependence (each group "
              "first and last).")
@click.option("--prices", type=click.Choice(["nominal", "constant"]), default="nominal",
              show_default=True,
              help="Prices of the workbook's money: KHR of each valuation date, or constant "
                   "KHR of the current valuation year (the previous valuation's amounts "
                   "raised by the CPI growth its roll-forward assumes); the sheets say which. "
                   "The console and the CSV stay nominal.")
@bundle_option
@lang_option
@json_option
@quiet_option
def change(previous, current, out, csv_dir, order, previous_population, current_population,
           no_order_check, prices, bundle, lang, as_json, quiet) -> None:
    """Analysis of change from PREVIOUS to CURRENT, one group of assumptions at a time.

    Each is an assumption set (a file or a shipped name) with the starting population it
    names (or the one given). Steps: roll-forward to the new date, data update,
    demographic, economic, methods, scheme rules, new entrants.

    \b
    Examples:
      actuary change cambodia-default later.yaml --out change.xlsx --csv change/
      actuary change cambodia-default later.yaml --no-order-check --json
      actuary change cambodia-default later.yaml --prices constant --lang km
    """
    from actuary.cli.outputs import check_outputs
    from actuary.io.fileio import output_set, spreadsheet_safe, write_atomic
    from actuary.reports.change import write_change_workbook
    from actuary.studies.change import Side, analyse_change, parse_order

    csvs = [("--csv", Path(csv_dir) / n, ()) for n in ("change.csv", "order_dependence.csv")
            ] if csv_dir else []
    outputs = [("--out", out, (".xlsx",)), *csvs, ("--bundle", bundle, (".zip",))]
    check_outputs(outputs, inputs=[previous, current, previous_population, current_population])
    parse_order(order)  # a bad order costs no valuation
    say = progress(quiet)
    result = analyse_change(Side(previous, previous_population),
                            Side(current, current_population), order,
                            order_dependence=not no_order_check, progress=say)
    check_outputs(outputs, inputs=result.inputs)
    with output_set():  # the workbook and the CSV files together, or none of them
        say(f"writing {out}")
        write_change_workbook(result, out, prices)
        if csv_dir:
            folder = Path(csv_dir)
            frames = {"change.csv": result.csv_frame(), "order_dependence.csv":
                      result.order_dependence}
            for name, frame in frames.items():
                write_atomic(folder / name, lambda p, f=frame: spreadsheet_safe(f).to_csv(
                    p, index=False, lineterminator="\n"))
    if bundle:
        from actuary.reports.change import change_checklist

        written = {"--out": (out, [out])}
        if csv_dir:
            written["--csv"] = (csv_dir, [str(Path(csv_dir) / n) for n in
                                          ("change.csv", "order_dependence.csv")])
        write_run_bundle(bundle, inputs=result.inputs, outputs=written,
                         review=change_checklist(result), say=say)
    if as_json:
        echo_json(change_json(result, out))
        return
    click.echo(change_text(result))
    click.echo("\n" + T("workbook: {path}", path=out))


def change_json(result, out) -> dict:
    """What the text prints, as one mapping for ``--json``: the steps (each indicator
    before and after each step, KHR and rates as fractions), the keys that differ by
    group and the order dependence."""
    dep = result.order_dependence  # empty with --no-order-check
    if not dep.empty:
        dep = dep[["group", "indicator", "in_order", "first", "last", "spread"]]
    return {"previous": result.previous, "current": result.current,
            "valuation_dates": list(result.valuation_dates), "order": list(result.order),
            "runs": result.runs, "steps": result.csv_frame(), "changed": result.changed,
            "order_dependence": dep, "workbook": str(out)}
