"""``actuary valuate`` of an occupational-risk set: the branch's valuation and its outputs.

Called by :mod:`actuary.cli.valuate_cmd` when the set's ``scheme_type`` is
``occupational_risk`` (the set has an ``occupational_risk`` section).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import click

from actuary.io.fileio import output_set, spreadsheet_safe, write_atomic
from actuary.reports.i18n import T, date_text, num, pad

__all__ = ["valuate_branch_command", "branch_headline", "CSV_TABLES"]

#: the tables --csv writes (a subset of valuate's names)
CSV_TABLES = ("yearly", "by_sex", "sensitivity")


def branch_headline(result) -> str:
    """The headline of a branch valuation as a small text table."""
    from actuary.reports.occupational_risk import headline_rows

    aset, s = result.aset, result.summary
    lines = [T("Valuation of the occupational-risk branch on {date} ({name}, hash {hash})",
               date=date_text(aset.valuation_date), name=aset.name,
               hash=aset.content_hash()[:12]),
             f"  {aset.occupational_risk.description.strip()}",
             "  " + T("horizon {first}-{last}", first=int(s["first_year"]),
                      last=int(s["last_year"])), ""]
    for label, value, fmt in headline_rows(result):
        if isinstance(value, str) or fmt is None:
            text = num(value)
        elif fmt.endswith("%"):
            text = "-" if value != value else num(f"{100 * value:.3f}%")
        elif fmt == "0.00":
            text = "-" if value is None or value != value else num(f"{value:.2f}")
        else:
            text = num(f"{value / 1e9:,.1f}") + " " + T("bn KHR")
        lines.append(f"  {pad(label, 58)}{pad(text, 16, right=True)}")
    lines += ["", "  " + " ".join(pad(T(h), w, right=True) for h, w in (
        ("year", 6), ("injuries", 9), ("new pens.", 9), ("pensioners", 10), ("needed", 8),
        ("PAYG", 8), ("reserve ratio", 13)))]
    y = result.yearly
    for n in (1, 5, 10, 25, 50, 75, 100):
        if n <= len(y):
            r = y.iloc[n - 1]
            pensioners = r.disability_pensioners + r.spouse_pensioners + r.orphan_pensioners
            lines.append(num(f"  {int(r.year):6d} {r.injuries:9,.0f} "
                             f"{r.new_disability_pensions:9,.0f}"
                             f" {pensioners:10,.0f} {100 * r.acc_cost_rate:7.3f}%"
                             f" {100 * r.payg_cost_rate:7.3f}% {r.reserve_ratio:13.1f}"))
    from actuary.schemes.occupational_risk.valuation import rests_on

    used, unused = rests_on(aset)
    lines.append("  " + T("{n} unverified parameters or tables the results rest on (listed in "
                          "the workbook's Summary and Assumptions sheets;", n=len(used)))
    lines.append("  " + T("{n} more, of the pension scheme's benefits, do not move them)",
                          n=len(unused)))
    return "\n".join(lines)


def valuate_branch_command(aset, population: str | None, horizon: int | None, out: str,
                           csv_dir: str | None, sensitivities: bool,
                           say: Callable[[str], None], as_json: bool = False,
                           prices: str = "nominal") -> None:
    """Value the branch of ``aset``, write the workbook (and CSV tables), print the headline
    (as one JSON object with ``as_json``); the workbook's yearly money in ``prices``."""
    from actuary.cli.outputs import check_outputs
    from actuary.reports.occupational_risk import write_occupational_risk_workbook
    from actuary.schemes.occupational_risk import valuate_branch
    from actuary.schemes.occupational_risk.pensions import pensions_file

    # the pensions in payment are an input too (valuate checked the set's other files)
    outputs = [("--out", out, (".xlsx",))] + [("--csv", Path(csv_dir) / f"{name}.csv", ())
                                              for name in CSV_TABLES if csv_dir]
    check_outputs(outputs, inputs=[pensions_file(aset)])

    result = valuate_branch(aset, population, horizon, sensitivities=sensitivities,
                            progress=say, command="actuary " + " ".join(sys.argv[1:]))
    with output_set():  # the workbook and the CSV tables together, or none of them
        say(f"writing {out}")
        write_occupational_risk_workbook(result, out, prices=prices)
        if csv_dir:
            folder = Path(csv_dir)
            for name in CSV_TABLES:
                frame = getattr(result, name)
                if frame is not None and not frame.empty:
                    write_atomic(folder / f"{name}.csv", lambda p, f=frame: spreadsheet_safe(
                        f).to_csv(p, index=False, lineterminator="\n"))
            say(f"wrote CSV tables to {folder}")
    if as_json:
        from actuary.cli.options import echo_json
        from actuary.schemes.occupational_risk.valuation import rests_on

        echo_json({"set": aset.name, "scheme_type": aset.scheme_type,
                   "content_hash": aset.content_hash(), "valuation_date": aset.valuation_date,
                   "overrides": [k for k, _ in aset.overrides], "summary": result.summary,
                   "unverified": [u[0] for u in rests_on(aset)[0]], "workbook": out})
        return
    click.echo(branch_headline(result))
    click.echo("\n" + T("workbook: {path}", path=out))
