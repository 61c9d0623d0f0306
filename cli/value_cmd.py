"""``actuary value``: closed-group valuation of a member file, member by member.

Checks the files (:mod:`actuary.members.datacheck`), values every used row with the
member-level engine (:mod:`actuary.members.closed_group`) and writes the workbook and the
by-member CSV (:mod:`actuary.reports.closed_group`). Bad input ends with a message and
exit code 1 (every error raised here is an :class:`~actuary.io.errors.ActuaryError`).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import click

from actuary.cli.options import echo_json, json_option, lang_option
from actuary.reports.i18n import T, T_known, date_text, num, pad
import numpy as np

from actuary.cli.progress import progress
from actuary.io.errors import DataError
from actuary.io.progress import waiting
from actuary.cli.outputs import check_outputs
from actuary.io.fileio import output_set

__all__ = ["value", "parse_rate", "read_discount_curve", "describe_discount", "headline",
           "RATE_RANGE"]

_DATE = click.DateTime(formats=["%Y-%m-%d"])

#: Annual effective rates accepted, as fractions: above -50% and at most 100% a year.
#: Wider is not a discount rate any basis would use; a value such as 5 is almost always
#: 5% written as a percentage.
RATE_RANGE = (-0.5, 1.0)
_RATE_EXPECTED = ("an annual effective rate as a fraction, e.g. 0.05 for 5% (or 5%), "
                  f"greater than {RATE_RANGE[0]:g} and at most {RATE_RANGE[1]:g}")


def parse_rate(text: str, *, source: str | None = None, location: str | None = None,
               field: str = "--discount") -> float:
    """An annual effective rate (fraction, per year) from ``text``: ``0.05`` or ``5%``.

    Raises
    ------
    DataError
        Not a number, not finite, or outside :data:`RATE_RANGE`; the message names
        ``source``, ``location`` and ``field``.
    """
    raw = str(text).strip()
    body, scale = (raw[:-1].strip(), 0.01) if raw.endswith("%") else (raw, 1.0)
    try:
        rate = float(body) * scale
    except ValueError:
        raise DataError("not a number", source=source, location=location, field=field,
                        value=raw, expected=_RATE_EXPECTED) from None
    if not math.isfinite(rate) or not RATE_RANGE[0] < rate <= RATE_RANGE[1]:
        raise DataError("discount rate out of range", source=source, location=location,
                        field=field, value=raw, expected=_RATE_EXPECTED)
    return rate


def _read_curve_frame(path: Path) -> Any:
    from actuary.io.fileio import read_small_csv

    return read_small_csv(path, ("year", "rate"), "the discount curve", "year,rate",
                          "one row per maturity 1, 2, ... years")


def read_discount_curve(path: str | Path) -> tuple[Any, np.ndarray]:
    """Read a spot curve: CSV columns ``year`` (maturity in years, 1, 2, ... n in order)
    and ``rate`` (annual effective spot rate for that maturity, a fraction or ``5%``).

    Returns
    -------
    (Discount, rates)
        The curve (:meth:`actuary.life.annuities.Discount.from_spot_rates`; beyond ``n``
        years the last one-year forward rate repeats) and the spot rates read.

    Raises
    ------
    DataError
        Naming the file, the row (as a spreadsheet shows it), the field, the value and
        what was expected.
    """
    from actuary.life.annuities import Discount

    path = Path(path)
    raw = _read_curve_frame(path)
    rates = np.empty(len(raw))
    for i, (year, rate) in enumerate(zip(raw["year"], raw["rate"])):
        where = f"row {i + 2}"
        text = str(year).strip()
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if number != i + 1:
            raise DataError("maturities must run 1, 2, 3, ... years in order, without gaps",
                            source=str(path), location=where, field="year", value=text,
                            expected=f"{i + 1}")
        rates[i] = parse_rate(rate, source=str(path), location=where, field="rate")
    return Discount.from_spot_rates(rates), rates


def describe_discount(rate: float | None, curve: tuple[Path, np.ndarray] | None,
                      basis: Any) -> str:
    """The discount used, in words (for the console and the workbook), in the current
    language."""
    if rate is not None:
        return T("constant {rate}% a year (annual effective, from --discount)",
                 rate=num(f"{100 * rate:.4g}"))
    if curve is not None:
        path, spots = curve
        return T("spot curve from {path}: {n} maturities, {first}% at 1 year to {last}% at {n} "
                 "years (annual effective); beyond the last maturity the last one-year forward "
                 "rate repeats", path=path, n=len(spots), first=num(f"{100 * spots[0]:.4g}"),
                 last=num(f"{100 * spots[-1]:.4g}"))
    r = np.asarray(basis.investment_return, dtype=float)
    if np.all(r == r[0]):
        return T("the assumption set's investment return, {rate}% a year (annual effective)",
                 rate=num(f"{100 * r[0]:.4g}"))
    return T("the assumption set's investment return as annual forward rates, {first}% in "
             "{year0} to {last}% in {year1}", first=num(f"{100 * r[0]:.4g}"),
             year0=basis.first_year, last=num(f"{100 * r[-1]:.4g}"),
             year1=basis.first_year + len(r) - 1)


def _billions(x: float) -> str:
    return f"{x / 1e9:,.3f}"


def headline(run: Any, discount: str) -> str:
    """A short text table of the results: people valued, PVFB, PVFC, ADL (KHR and
    billions of KHR) and the largest relative member-vs-cohort difference (labels in the
    current language)."""
    from actuary.reports.closed_group import largest_difference

    v = run.valuation
    lines = []
    if v.synthetic:
        lines.append(T("SYNTHETIC DATA: the files are marked synthetic (made by actuary data "
                       "synth); these are not the values of real members."))
    lines += [
        T("Closed-group valuation on {name} at {date}, no new entrants", name=run.aset.name,
          date=date_text(run.aset.valuation_date)),
        "  " + T("discount: {discount}", discount=discount),
        "",
        f"  {'':40s}" + pad(T("KHR"), 26, right=True) + pad(T("billions KHR"), 16, right=True),
        "  " + pad(T("people valued"), 40) + pad(num(f"{len(v.by_member):,d}"), 26, right=True),
    ]
    for label, x in ((T("PVFB (future benefits)"), v.pvfb),
                     (T("PVFC (future contributions)"), v.pvfc),
                     (T("ADL (accrued-to-date liability)"), v.adl)):
        lines.append("  " + pad(label, 40) + pad(num(f"{x:,.0f}"), 26, right=True)
                     + pad(num(_billions(x)), 16, right=True))
    diff = largest_difference(run.comparison)
    if diff is not None:
        row = run.comparison.loc[diff[0]]
        lines.append("  " + T("largest member vs cohort difference: {branch} {diff}% ({member} "
                              "against {cohort} billion KHR in cells)", branch=T_known(diff[0]),
                              diff=num(f"{100 * diff[1]:+.2f}"),
                              member=num(_billions(row["member_level"])),
                              cohort=num(_billions(row["cohort"]))))
    return "\n".join(lines)


def _report_check(checked: Any, err: bool = False) -> None:
    """Rows used and rejected, by file; the details are in actuary data check's report."""
    for f in checked.files:
        line = T("data check, {kind}: {used} of {read} rows used", kind=T_known(f.kind),
                 used=num(f"{f.rows_used:,}"), read=num(f"{f.rows_in:,}"))
        if f.rows_rejected:
            line += T(", {n} rejected and not valued (run actuary data check for the report of "
                      "every row and its reason)", n=num(f"{f.rows_rejected:,}"))
        click.echo(line, err=err)


@click.command("value")
@click.argument("members", type=click.Path(dir_okay=False))
@click.option("--pensioners", type=click.Path(dir_okay=False),
              help="Pensioner file (pensions in payment) to value too.")
@click.option("--basis", default=None, help="Assumption set, a name or a YAML file "
              "(default: cambodia-default).")
@click.option("--discount", "rate", metavar="RATE",
              help="Constant annual effective discount rate as a fraction (0.05 for 5%) "
                   "[default: the basis's investment return].")
@click.option("--discount-curve", "curve", type=click.Path(dir_okay=False),
              help="CSV of annual effective spot rates: columns year,rate (maturities 1..n "
                   "years; the last one-year forward rate repeats beyond n).")
@click.option("--horizon", type=click.IntRange(1, 300),
              help="Projection years (default: the basis's horizon); later flows are not "
                   "counted.")
@click.option("--as-of", "as_of", type=_DATE, help="Date of the extract (default: the basis's "
              "valuation date; it must be that date).")
@click.option("--out", default="closed_group.xlsx", show_default=True,
              type=click.Path(dir_okay=False), help="Workbook to write.")
@click.option("--by-member", "by_member", type=click.Path(dir_okay=False),
              help="CSV of the values by person (default: OUT_members.csv beside the workbook).")
@click.option("--encoding", help="Text encoding of CSV member files (default UTF-8).")
@click.option("--accept-implausible", is_flag=True,
              help="Value wages or pensions whose averages look like a unit mistake (said "
                   "on the console and the workbook's Summary).")
@lang_option
@json_option
@click.option("--quiet", is_flag=True, help="No progress messages.")
def value(members, pensioners, basis, rate, curve, horizon, as_of, out, by_member, encoding,
          accept_implausible, lang, as_json, quiet) -> None:
    """Value MEMBERS as a closed group, member by member: ADL, PVFB and PVFC in KHR.

    MEMBERS is a member file (CSV, XLSX or Parquet, the format of actuary data check).
    Rows the data check rejects are left out and counted. Writes the workbook and the
    by-member CSV; exit code 1 with a message on bad input.

    \b
    Examples:
      actuary value members.csv --pensioners pensioners.csv --out closed_group.xlsx
      actuary value members.csv --discount 5% --horizon 80 --json
      actuary value members.csv --discount-curve spot_rates.csv
    """
    from actuary.assumptions import load_basis
    from actuary.members.closed_group import value_check_result
    from actuary.members.datacheck import CheckSettings, check_files
    from actuary.reports.closed_group import (
        ClosedGroupReport,
        write_by_member_csv,
        write_closed_group_workbook,
    )

    say = progress(quiet)
    out_path = Path(out)
    csv_path = Path(by_member) if by_member else out_path.with_name(f"{out_path.stem}_members.csv")
    aset = load_basis(basis)
    check_outputs([("--out", out_path, (".xlsx",)), ("--by-member", csv_path, (".csv",))],
                  inputs=[members, pensioners, curve, *aset.read_files])
    if rate is not None and curve is not None:
        raise DataError("give either a constant rate or a curve, not both",
                        field="--discount / --discount-curve", value=f"{rate} / {curve}",
                        expected="one of --discount RATE or --discount-curve FILE.csv")
    discount: Any = None
    fixed = parse_rate(rate) if rate is not None else None
    spots = None
    if fixed is not None:
        discount = fixed
    elif curve is not None:
        discount, rates = read_discount_curve(curve)
        spots = (Path(curve), rates)
    settings = CheckSettings.from_basis(aset, as_of.date() if as_of else None,
                                        accept_implausible=accept_implausible)
    checked = check_files(members, settings, pensioners=pensioners, encoding=encoding,
                          progress=say)
    _report_check(checked, err=as_json)  # stdout holds only the JSON
    for note in checked.accepted:
        click.echo(T("IMPLAUSIBLE DATA ACCEPTED (--accept-implausible)") + f": {note}",
                   err=as_json)
    used = sum(f.rows_used for f in checked.files)
    with waiting(say, f"valuing {used:,} rows member by member (a first run compiles the "
                      "member engine)"):
        run = value_check_result(checked, aset, discount, horizon)
    words = describe_discount(fixed, spots, run.basis)
    with output_set():  # the CSV and the workbook replaced together, or neither
        say(f"writing {csv_path}")
        write_by_member_csv(run.valuation, csv_path)
        say(f"writing {out_path}")
        report = ClosedGroupReport(run=run, check=checked, discount=words,
                                   csv_path=str(csv_path),
                                   command="actuary " + " ".join(sys.argv[1:]))
        write_closed_group_workbook(report, out_path)
    if as_json:
        v = run.valuation
        echo_json({"set": run.aset.name, "valuation_date": run.aset.valuation_date,
                   "discount": words, "synthetic": v.synthetic, "people": len(v.by_member),
                   "pvfb": v.pvfb, "pvfc": v.pvfc, "adl": v.adl,
                   "against_cohort": run.comparison, "workbook": str(out_path),
                   "by_member": str(csv_path)})
        return
    click.echo(headline(run, words))
    click.echo("\n" + T("workbook: {path}", path=out_path) + "\n"
               + T("by member: {path}", path=csv_path))
