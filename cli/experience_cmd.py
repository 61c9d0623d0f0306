"""``actuary experience``: an experience study of one decrement from a member file."""

from __future__ import annotations

import math
import sys
from datetime import date
from pathlib import Path

import click

from actuary.cli.options import echo_json, json_option, lang_option
from actuary.reports.i18n import T, T_known, current, date_text, num

from actuary.cli.progress import progress
from actuary.io.errors import AssumptionError, DataError

_DATE = click.DateTime(formats=["%Y-%m-%d"])
_LEVEL = (0.5, 0.999)


def _check_options(decrement: str, method: str, degree: int | None, smoothing: float | None,
                  level: float) -> None:
    """Refuse what click lets through: nan or inf (a FloatRange compares, and every
    comparison with nan is false) and a graduation option the study would ignore.

    Raises
    ------
    AssumptionError
        Naming the option (both, for a combination), the value and what is accepted.
    """
    if not math.isfinite(level):
        raise AssumptionError("the confidence level is not a number", field="--level",
                              value=level, expected=f"a number from {_LEVEL[0]} to {_LEVEL[1]}")
    if smoothing is not None and not math.isfinite(smoothing):
        raise AssumptionError("the Whittaker-Henderson smoothing is not a finite number",
                              field="--smoothing", value=smoothing,
                              expected="a finite number above 0 (or no --smoothing: the h "
                                       "with the lowest AIC)")
    given = [(name, v) for name, v in (("--degree", degree), ("--smoothing", smoothing))
             if v is not None]
    if decrement == "retirement" and given:
        name, v = given[0]
        raise AssumptionError(f"retirement is not graduated (the basis retires everyone at the "
                              f"pension age), so {name} would be ignored",
                              field=f"{name} / --decrement", value=f"{v:g} / retirement",
                              expected=f"no {name} with --decrement retirement")
    if method == "gm" and smoothing is not None:
        raise AssumptionError("--smoothing is the Whittaker-Henderson h: the GM graduation "
                              "would ignore it", field="--smoothing / --method",
                              value=f"{smoothing:g} / gm",
                              expected="--smoothing with --method whittaker (--degree with gm)")
    if method == "whittaker" and degree is not None:
        raise AssumptionError("--degree is the number of GM parameters: the Whittaker-Henderson "
                              "graduation would ignore it", field="--degree / --method",
                              value=f"{degree} / whittaker",
                              expected="--degree with --method gm (--smoothing with whittaker)")


def _check_window(study_start: date | None, study_end: date | None, as_of: date) -> None:
    """Refuse a study window that ends after the file's as-of date (the file holds no
    data after it: the exposure would be that of a shorter window than the one printed)
    or that is empty, before the member file is read. A window outside the data on the
    early side is refused by :func:`actuary.members.experience.study` (no member observed).

    Raises
    ------
    AssumptionError
        Naming ``--to`` or ``--from``, the date and what is accepted.
    """
    if study_end is not None and study_end > as_of:
        raise AssumptionError("the study window ends after the as-of date of the member file, "
                              "which holds no data after it", field="--to",
                              value=study_end.isoformat(),
                              expected=f"a date on or before the as-of date {as_of} (the "
                                       "default; --as-of sets the file's date)")
    # the messages of an empty window are those of actuary.members.experience.observations
    if study_start is not None and study_end is not None and study_end <= study_start:
        raise AssumptionError("the study window is empty", field="--to",
                              value=study_end.isoformat(),
                              expected=f"a date after the study start {study_start} (--from)")
    if study_start is not None and study_start >= as_of:
        raise AssumptionError("the study window is empty", field="--from",
                              value=study_start.isoformat(),
                              expected=f"a date before the end of the window, the as-of date "
                                       f"{as_of}")


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
@click.option("--to", "study_end", type=_DATE, help="Day after the study window, at the latest "
              "the as-of date (the default).")
@click.option("--method", type=click.Choice(["gm", "whittaker"]), default="gm",
              show_default=True, help="Graduation: Gompertz-Makeham GM(0,k) by Poisson "
              "likelihood, or Whittaker-Henderson on log rates.")
@click.option("--degree", type=click.IntRange(1, 8), help="GM parameters, with --method gm "
              "(default: lowest AIC).")
@click.option("--smoothing", type=click.FloatRange(min=0, min_open=True),
              help="Whittaker-Henderson h, with --method whittaker (default: lowest AIC).")
@click.option("--level", type=click.FloatRange(*_LEVEL), default=0.95, show_default=True,
              help="Confidence level of the intervals.")
@click.option("--encoding", help="Text encoding of a CSV member file (default UTF-8).")
@lang_option
@json_option
@click.option("--quiet", is_flag=True, help="No progress messages.")
def experience(members, decrement, out, table, basis, as_of, study_start, study_end, method,
               degree, smoothing, level, encoding, lang, as_json, quiet) -> None:
    """Experience study of MEMBERS: exposures, rates, A/E, survival curves, graduation.

    \b
    Examples:
      actuary experience members.csv --decrement death --out death.xlsx
      actuary experience members.csv --decrement exit --from 2020-01-01 --method whittaker
      actuary experience members.csv --decrement retirement --json
    """
    from actuary.assumptions import load_basis
    from actuary.members.datacheck import CheckSettings, check_files
    from actuary.members.experience import study, write_experience_table
    from actuary.cli.outputs import check_outputs
    from actuary.io.fileio import output_set
    from actuary.reports.experience import write_experience_workbook

    _check_options(decrement, method, degree, smoothing, level)
    out = Path(out or f"experience_{decrement}.xlsx")
    table_path = Path(table) if table else out.with_suffix(".csv")
    aset = load_basis(basis)
    check_outputs([("--out", out, (".xlsx",)), ("--table", table_path, (".csv",)),
                   ("--table", table_path.with_suffix(".yaml"), ())],
                  inputs=[members, *aset.read_files])
    say = progress(quiet)
    settings = CheckSettings.from_basis(aset, as_of.date() if as_of else None)
    study_start = study_start.date() if study_start else None
    study_end = study_end.date() if study_end else None
    _check_window(study_start, study_end, settings.as_of)
    checked = check_files(members, settings, encoding=encoding, progress=say)
    f = checked.files[0]
    if not f.rows_used:
        raise DataError(f"no usable rows: all {f.rows_in:,} rows were rejected by the data check",
                        source=f.path, expected="member rows that pass the data check (run "
                        "actuary data check on the file for every row and its reason)")
    if f.rows_rejected:
        click.echo(T("data check: {rejected} of {read} rows rejected and left out (run actuary "
                     "data check for the report)", rejected=num(f"{f.rows_rejected:,}"),
                     read=num(f"{f.rows_in:,}")), err=as_json)
    say(f"studying {decrement}")
    result = study(checked.members, decrement, aset, settings.as_of,
                   study_start=study_start, study_end=study_end,
                   method=method, degree=degree, h=smoothing, alpha=1.0 - level,
                   synthetic=checked.synthetic, source=f"{f.path} (SHA-256 {f.sha256[:16]}...)")
    with output_set():  # the table, its sidecar and the workbook together, or none
        write_experience_table(result, aset, table_path)
        say(f"writing {table_path} and {table_path.with_suffix('.yaml')}")
        write_experience_workbook(result, out, table_path=str(table_path),
                                  command="actuary " + " ".join(sys.argv[1:]))
    if as_json:
        o = result.observations
        echo_json({"decrement": decrement, "timescale": result.timescale,
                   "study_start": o.study_start, "study_end": o.study_end, "as_of": o.as_of,
                   "members_used": o.members_in, "years_observed": o.years_observed,
                   "events": int(o.event.sum()), "basis": result.basis, "method": method,
                   "actual_to_expected": result.ae, "rates": result.rates,
                   "notes": result.notes, "synthetic": result.synthetic,
                   "workbook": str(out), "table": str(table_path)})
        return
    click.echo("\n".join(summary_lines(result)))
    click.echo("\n" + T("workbook: {path}", path=out) + "\n"
               + T("table: {path}", path=table_path))


def summary_lines(result) -> list[str]:
    """The study's summary (:meth:`ExperienceResult.summary_lines`) in the current
    language: the same lines in English; in Khmer built from the same figures."""
    if current() == "en":
        return result.summary_lines()

    def f3(x) -> str:
        return "-" if x is None or x != x or x in (float("inf"), float("-inf")) \
            else num(f"{x:.3f}")

    o = result.observations
    tot = result.ae[(result.ae["sex"] == "M+F") & (result.ae["ages"] == "all")].iloc[0]
    lines = []
    if result.synthetic:
        lines.append(T("SYNTHETIC DATA: the member file is marked synthetic, not real records."))
    lines += [
        T("Experience study of {decrement} (time scale: {scale}), window {start} to {end} "
          "(exclusive), as-of {as_of}", decrement=T_known(result.decrement),
          scale=T_known(result.timescale), start=date_text(o.study_start),
          end=date_text(o.study_end), as_of=date_text(o.as_of)),
        "  " + T("members used {used}, observed {observed}, years observed {years}, events "
                 "{events}", used=num(f"{o.members_in:,}"), observed=num(f"{len(o):,}"),
                 years=num(f"{o.years_observed:,.1f}"), events=num(f"{int(o.event.sum()):,}")),
    ]
    for reason, count in o.excluded.items():
        lines.append("  " + T("not observed: {n} ({reason})", n=num(f"{count:,}"),
                              reason=T_known(reason)))
    lines.append("  " + T("actual {actual}, expected on basis {basis} {expected}, A/E {ae} "
                          "({level} interval {lower} - {upper})",
                          actual=num(f"{tot.events:,.0f}"), basis=result.basis,
                          expected=num(f"{tot.expected:,.1f}"), ae=f3(tot.ae),
                          level=num(f"{100 * (1 - result.alpha):.0f}%"), lower=f3(tot.ae_lower),
                          upper=f3(tot.ae_upper)))
    for sex, g in result.graduations.items():
        fails = result.gof[(result.gof["sex"] == sex) & (result.gof["verdict"] == "FAIL")]
        lines.append("  " + T("graduation {sex}: ages {first}-{last}, {detail}; tests failed: "
                              "{failed}", sex=T_known(sex), first=int(g.ages.min()),
                              last=int(g.ages.max()), detail=g.detail,
                              failed=", ".join(fails["test"]) or T("none")))
    for sex, why in result.not_graduated.items():
        lines.append("  " + T("graduation {sex}: left out ({why}); the table keeps the basis's "
                              "rates", sex=T_known(sex), why=why))
    for what in result.left_out:
        lines.append("  " + T("left out: {what}", what=what))
    return lines
