"""``actuary solve``: the value of one lever that meets a financial target."""

from __future__ import annotations

import sys

import click

from actuary.cli.options import (accept_option, accepted_lines, apply_sets, complete_sets,
                                 lang_option,
                                 echo_json, json_option, prices_option, quiet_option,
                                 set_option)
from actuary.cli.progress import progress

from actuary.reports.i18n import T, current, num
from actuary.studies.solve import GAP_YEARS, LEVERS, TARGETS, _spans


def _choices(names) -> list[str]:
    return [n.replace("_", "-") for n in names]


@click.command("solve")
@click.argument("basis", required=False, shell_complete=complete_sets)
@click.option("--lever", required=True, type=click.Choice(_choices(LEVERS)),
              help="What to move: a level contribution rate, a rate path rising by steps, "
                   "the pension age path, the accrual rate or the contribution ceiling.")
@click.option("--target", required=True, type=click.Choice(_choices(TARGETS)),
              help="What to meet: the GAP over --years, a reserve ratio of at least --ratio "
                   "until --until, no depletion until --until, or the steady state.")
@click.option("--from", "start_year", type=int, help="First calendar year the lever changes "
              "(default: the first projection year).")
@click.option("--period", type=click.IntRange(1, 50), help="Years per step, for --lever "
              "rate-path (default 10) and pension-age (default 2) only.")
@click.option("--years", type=click.IntRange(1, 300), help="Target horizon in projection "
              "years (gap: 75; not with steady-state).")
@click.option("--until", type=int, help="Last calendar year of the target (instead of --years).")
@click.option("--ratio", type=float, help="Reserve ratio > 0 for --target reserve-ratio only "
              "(default 1).")
@click.option("--min", "lo", type=float, help="Lower end of the lever's search range (rates and "
              "accrual: fractions in [0, 1]; ceiling: KHR a month, not below the wage floor; "
              "pension age: whole years from the age in force in the --from year to 110).")
@click.option("--max", "hi", type=float, help="Upper end of the lever's search range (above "
              "--min).")
@click.option("--population", type=click.Path(dir_okay=False),
              help="Starting population (default: the one the basis names).")
@click.option("--horizon", type=click.IntRange(1, 300), help="Projection years.")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Also write the valuation workbook of the projection at the solution.")
@prices_option
@lang_option
@accept_option
@set_option
@json_option
@quiet_option
def solve(basis, lever, target, start_year, period, years, until, ratio, lo, hi, population,
          horizon, out, prices, lang, accept_implausible, sets, as_json, quiet) -> None:
    """Find the LEVER value that meets the TARGET for BASIS (default cambodia-default).

    Every trial is a full projection; the answer is re-projected and printed with its
    margin (>= 0 means the target is met) and the number of projections used.

    \b
    Examples:
      actuary solve --lever rate --target gap --years 75
      actuary solve --lever rate-path --target no-depletion --from 2035 --period 10
      actuary solve --lever rate --target gap --set 'demographic.mortality.scale=0.9' --json
    """
    from actuary.assumptions import load_basis
    from actuary.cli.valuate_cmd import headline
    from actuary.io.errors import AssumptionError
    from actuary.cli.outputs import check_outputs
    from actuary.studies.solve import check_options
    from actuary.studies.solve import solve as run
    from actuary.analysis.valuation import load_population, provenance, run_valuation

    check_outputs([("--out", out, (".xlsx",))], inputs=[basis, population])
    if (lo is None) != (hi is None):
        raise AssumptionError("give both ends of the search range", field="--min/--max",
                              value=f"{lo} / {hi}", expected="both --min and --max, or neither")
    lever, target = lever.replace("-", "_"), target.replace("-", "_")
    bounds = (lo, hi) if lo is not None else None
    # the options alone, before the set is even loaded; the lever's range is checked
    # against the basis by the solver, before its first projection
    check_options(lever, target, period=period, years=years, until=until, ratio=ratio,
                  horizon=horizon, bounds=bounds)
    # progress only once every check has passed: a user mistake stays one error line
    say = progress(quiet)
    aset = apply_sets(load_basis(basis), sets)
    # before any projection: the output against every file the run reads
    check_outputs([("--out", out, (".xlsx",))], inputs=[population, *aset.read_files])
    pop = load_population(aset, population, accept_implausible)
    result = run(aset, pop, lever, target, start_year=start_year, period=period, years=years,
                 until=until, ratio=ratio, horizon=horizon, bounds=bounds)
    say(f"solved in {result.projections} projections; projecting at the solution")
    if as_json:
        from actuary.cli.valuate_cmd import headline_data

        valuation = run_valuation(aset, pop, basis=result.basis, detail=False)
        echo_json({"set": aset.name, "lever": lever, "target": target,
                   "solution": result.describe(), **_solution_data(result),
                   "at_solution": headline_data(valuation)})
        return
    click.echo(T("Solve on {name}", name=aset.name) + f"\n{describe(result)}\n")
    for line in accepted_lines([pop]):
        click.echo(line)
    if target == "gap" and years is None and until is None and result.target.years < GAP_YEARS:
        # only a set projecting fewer years than the default gets here (a shorter --horizon
        # is refused): say that the GAP is over its whole horizon
        click.echo(T("note: the GAP target covers the set's {n} projection years, fewer than "
                     "the default {default}; give --years to choose", n=result.target.years,
                     default=GAP_YEARS) + "\n")
    valuation = run_valuation(aset, pop, basis=result.basis, detail=out is not None)
    click.echo(T("Projection at the solution:"))
    click.echo(headline(valuation))
    if out:
        from actuary.reports.workbook import write_valuation_workbook

        valuation.provenance = provenance(aset, pop, "actuary " + " ".join(sys.argv[1:]))
        write_valuation_workbook(valuation, out, lang=lang, preface=solve_preface(result),
                                 prices=prices)
        click.echo("\n" + T("workbook (projection at the solution): {path}", path=out))


def solve_preface(result) -> list[tuple[str, str]]:
    """Lever, target, solution and whether the target is met, for the workbook's Summary
    (from the solver's own description and margin)."""
    rows = []
    for line in describe(result).splitlines():
        label, _, text = line.partition(":")
        if text.strip():
            label = label.strip().capitalize()
            rows.append((T("Lever and solution") if label in ("Lever", T("lever")) else label,
                         text.strip()))
    met = result.margin >= 0
    rows.append((T("Target truly met"),
                 T("yes: the projection at the solution meets it (margin {margin} >= 0)",
                   margin=num(f"{result.margin:.3g}")) if met else
                 T("NO: margin {margin} < 0 at the solution (see the console)",
                   margin=num(f"{result.margin:.3g}"))))
    return rows


def describe(result) -> str:
    """The solver's own description (:meth:`SolveResult.describe`) in the current
    language: as it is in English; in Khmer the same lines built from its fields."""
    if current() == "en":
        return result.describe()
    first = result.basis.first_year
    lines = [f"{T('lever')}: {_lever_text(result.lever, result.value)}",
             f"{T('target')}: {_target_text(result.target, first)}",
             T("margin at the solution: {margin} (>= 0: met)", margin=num(f"{result.margin:.3e}")),
             T("projections: {n}", n=result.projections)]
    if result.at_bound:
        lines.append(T("the target is met at the end of the lever's range (no tighter value)"))
    deficit = result.deficit_years
    if deficit:
        lines.append(T("the reserve is negative in {n} of the target's years ({years}): the target "
                       "balances present values, the budget would cover those deficits",
                       n=len(deficit), years=num(_spans(deficit))))
    return "\n".join(lines)


def _lever_text(lever, value: float) -> str:
    """:meth:`Lever.describe` in the current language."""
    if lever.name in ("rate", "accrual"):
        what = T("contribution rate") if lever.name == "rate" else T("accrual rate")
        return T("{what} {value}% from {year}", what=what, value=num(f"{100 * value:.4f}"),
                 year=lever.start_year)
    if lever.name == "rate_path":
        return T("contribution rate +{value} points every {period} years from {year}",
                 value=num(f"{100 * value:.4f}"), period=lever.period, year=lever.start_year)
    if lever.name == "pension_age":
        return T("pension age rising by one year every {period} years from {year} to {age}",
                 period=lever.period, year=lever.start_year, age=int(value))
    return T("contribution ceiling {value} KHR a month from {year}",
             value=num(f"{value:,.0f}"), year=lever.start_year)


def _target_text(target, first_year: int) -> str:
    """:meth:`Target.describe` in the current language."""
    last = first_year + target.years - 1
    if target.kind == "gap":
        return T("contributions cover the GAP over {n} years ({first}-{last})", n=target.years,
                 first=first_year, last=last)
    if target.kind == "reserve_ratio":
        return T("reserve ratio at least {ratio} every year until {last}",
                 ratio=num(f"{target.ratio:g}"), last=last)
    if target.kind == "no_depletion":
        return T("no depletion of the reserve until {last}", last=last)
    return T("steady state: reserve ratio of year 60 at least that of year 10")


def _solution_data(result) -> dict:
    """The solver's result as data: its dataclass fields that are plain values."""
    import dataclasses

    out = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)
           if isinstance(getattr(result, f.name), (int, float, str, bool, type(None)))}
    out["target_met"] = bool(result.margin >= 0)
    return out
