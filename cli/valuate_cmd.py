"""``actuary valuate``: the statutory valuation of a scheme, end to end."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click

from actuary.cli.options import (accept_option, accepted_lines, apply_sets, bundle_option,
                                 complete_sets, echo_json, json_option, lang_option,
                                 prices_option,
                                 quiet_option, run_argv, set_option)
from actuary.cli.gcpause import paused_gc
from actuary.cli.progress import progress
from actuary.cli.outputs import check_outputs
from actuary.io.fileio import output_set, spreadsheet_safe, write_atomic
from actuary.reports.i18n import T, T_known, cut, date_text, language, num, pad

# the tables --csv writes, one file each
_CSV_TABLES = ("yearly", "by_sex", "sensitivity", "careers", "reconciliation")
# and the headline in long form (indicator, rate_path, value)
_HEADLINE_CSV = "headline"
# and the wage against GDP per head with the spread of the return (analysis.wage_gdp)
_ECONOMY_CSV = "economy"


def _pct(x) -> str:
    if x is None:
        return "-"
    if x != x:  # NaN: the indicator has no solution (see its definition)
        return T("none")
    return num(f"{round(100 * x, 2) + 0.0:.2f}%")  # + 0.0: no "-0.00%" for a rounding residue


def _value(x, kind: str) -> str:
    """One headline value: a rate, a calendar year or a ratio ('-' when not available)."""
    if kind in ("rate", "share"):
        return _pct(x)
    if kind == "year":
        return T("none") if x is None else num(int(x))
    return "-" if x is None or x != x else num(f"{x:.1f}")


def _row(label: str, value: str, label_width: int = 34, value_width: int = 10) -> str:
    """A label and its value, aligned in terminal columns (Khmer too)."""
    return f"  {pad(label, label_width)}{pad(value, value_width, right=True)}"


def _rate_paths(result) -> list[str]:
    """The path-dependent indicators, one column per contribution-rate path."""
    from actuary.analysis.rate_paths import PATH_INDICATORS

    paths = result.rate_paths
    if not paths:
        return []
    first = result.summary["first_year"]
    heads = {"legislated": T("legislated"), "run": T("this run"), "held": T("rate held")}
    lines = ["", "  " + (T("Contribution-rate paths, side by side as equals:") if len(paths) > 1
                         else T("Contribution-rate paths:"))]
    for k, p in enumerate(paths):
        lines += textwrap.wrap(f"[{'AB'[k]}] {p.assumes}", width=92, initial_indent="    ",
                               subsequent_indent="        ")
    if len(paths) == 1:
        lines.append("    " + T("(the rate has no step after its last dated value: one path)"))
    lines.append(f"  {'':44s}" + "".join(pad(f"[{'AB'[k]}] {heads[p.key]}", 16, right=True)
                                         for k, p in enumerate(paths)))
    for key, label, kind in PATH_INDICATORS:
        label = T_known(label.strip()) if label.startswith("  ") else T_known(label)
        if key.startswith("reserve_ratio_year_"):
            n = int(key.rsplit("_", 1)[1])
            label = f"{label} ({num(first + n - 1)})"
        if key == "depletion_year":
            label = T("depletion year (within the projection)")
        lines.append(f"  {pad(cut(label, 44), 44)}" + "".join(
            pad(_value(p.indicators.get(key), kind), 16, right=True) for p in paths))
    return lines


def _economy(result) -> list[str]:
    """The wage-to-GDP-per-head band and the spread of the return over wage growth."""
    eco = result.economy
    if eco is None:
        return []
    t = eco.table
    lines = []
    if t["population"].notna().all():
        first = int(t["year"].iloc[0])
        text = T("average insurable wage / GDP per head {ratio} in {year}",
                 ratio=num(f"{t['wage_to_gdp_per_head'].iloc[0]:.3f}"), year=first)
        band = eco.band
        if band is not None:
            verdict = (T("within the band") if band["within"]
                       else T("OUTSIDE the band the set states"))
            text += T("; the set's band: within {tolerance}% of it through {through} (lowest "
                      "{lowest} of {year}'s in {lowest_year}, highest {highest} in "
                      "{highest_year}): {verdict}",
                      tolerance=num(f"{100 * band['tolerance']:.0f}"), through=int(band["through"]),
                      lowest=num(f"{band['lowest']:.3f}"), year=first,
                      lowest_year=int(band["lowest_year"]), highest=num(f"{band['highest']:.3f}"),
                      highest_year=int(band["highest_year"]), verdict=verdict)
        lines += textwrap.wrap(text, width=92, initial_indent="  ", subsequent_indent="    ")
    n = min(75, len(t))
    lines += textwrap.wrap(T("return over wage growth: {spread}; {n}-year average {average} pt",
                             spread=eco.spread_text(), n=n,
                             average=num(f"{100 * eco.spread_average:+.2f}")), width=92,
                           initial_indent="  ", subsequent_indent="    ")
    return [""] + lines


def headline(result) -> str:
    """The headline indicators as a small text table (labels in the current language,
    :func:`actuary.reports.i18n.language`)."""
    s = result.summary
    y = result.yearly
    bn = T("billion KHR")
    lines = [
        T("Valuation of {scheme} on {date} ({name}, hash {hash})", scheme=result.aset.scheme.name,
          date=date_text(result.aset.valuation_date), name=result.aset.name,
          hash=result.aset.content_hash()[:12]),
        "  " + T("horizon {first}-{last}, reserve at start {reserve} billion KHR",
                 first=int(s["first_year"]), last=int(s["last_year"]),
                 reserve=num(f"{s['reserve0'] / 1e9:,.1f}")),
        "",
        "  " + T("The same under any contribution rate:"),
        _row(T("GAP 25 years"), _pct(s.get("gap_25"))),
        _row(T("GAP 50 years"), _pct(s.get("gap_50"))),
        _row(T("GAP 75 years"), _pct(s.get("gap_75"))),
        _row(T("steady-state rate"), _pct(s.get("steady_state_rate"))),
    ]
    if s.get("steady_state_rate") is not None and s["steady_state_rate"] != s["steady_state_rate"]:
        lines.append("    " + T("(no rate equalises the reserve ratios of years 10 and 60: the "
                                "scheme is"))
        lines.append("     " + T("immature, its year-10 expenditure is tiny; see "
                                 "actuary/analysis/indicators.py)"))
    acc = result.accrued
    if "not_computed" in acc:
        lines.append(_row(T("accrued-to-date liability"), "-"))
        lines += textwrap.wrap(T("(not computed: {why})", why=acc["not_computed"]), width=88,
                               initial_indent="    ", subsequent_indent="     ")
    elif acc:
        lines.append(_row(T("accrued-to-date liability"), num(f"{acc['adl'] / 1e9:,.1f}"))
                     + " " + T("{unit} ({pct}% of {year} GDP)", unit=bn,
                               pct=num(f"{acc['adl_pct_gdp']:.2f}"), year=int(s["first_year"])))
        lines.append(_row(T("reserve / accrued liability"), _pct(acc["funded_ratio"])))
        if "method" in acc:  # the cohort engine's split (final-salary rules)
            lines += textwrap.wrap(
                T("of which pensioners {pensioners} and members (service frozen) {members} "
                  "billion KHR; the members with service to retirement would cost {projected} "
                  "({method})", pensioners=num(f"{acc['pensioners'] / 1e9:,.1f}"),
                  members=num(f"{acc['members'] / 1e9:,.1f}"),
                  projected=num(f"{acc['members_projected_service'] / 1e9:,.1f}"),
                  method=acc["method"]), width=88, initial_indent="    ",
                subsequent_indent="     ")
    lines += _economy(result)
    if result.rate_paths:
        lines += _rate_paths(result)
    else:
        lines += [
            _row(T("actuarial balance (75 years)"), _pct(s.get("actuarial_balance_75"))),
            _row(T("depletion year (legislated rates)"),
                 num(s["depletion_year"]) if s.get("depletion_year") else T("none")),
        ]
        if s.get("payable_share_at_depletion") is not None:
            lines.append(_row(T("  share payable from income then"),
                              _pct(s["payable_share_at_depletion"])))
    if s["reserve0"] == 0 and not (y["contributions"] > 0).any():
        lines += textwrap.wrap(
            T("(no contributions and no reserve: the scheme is paid from the budget; the GAP is "
              "the rate that would finance it, and the depletion year and reserve ratios "
              "describe a fund it does not have; actuary compare gives its budget cost in % of "
              "GDP)"), width=88, initial_indent="    ", subsequent_indent="     ")
    lines += ["", "  " + pad(T("year"), 6, True) + " " + pad(T("rate"), 8, True) + " "
              + pad(T("PAYG"), 8, True) + " " + pad(T("reserve ratio"), 14, True) + " "
              + pad(T("contributors"), 13, True) + " " + pad(T("pensioners"), 11, True) + "   "
              + (T("(this run's rates)") if result.rate_paths and result.rate_paths[0].key == "run"
                 else T("(legislated rates)"))]
    first = int(y["year"].iloc[0])
    for n in (1, 5, 10, 25, 50, 75, 100):
        if n <= len(y):
            r = y.iloc[n - 1]
            lines.append(num(
                f"  {int(r.year):6d} {_pct(r.contribution_rate):>8s} {_pct(r.payg_cost_rate):>8s}"
                f" {r.reserve_ratio:14.1f} {r.active:13,.0f}"
                f" {r.old_age_pensioners + r.invalidity_pensioners:11,.0f}"))
    bs = result.by_sex.drop_duplicates("year").set_index("year")["gender_pension_gap"]
    # a gap is undefined ('-') in a year without old-age pensioners of both sexes
    gaps = [f"{_pct(g) if g == g else '-'} ({num(first + n - 1)})" for n in (1, 25, 50, 75)
            if n <= len(y) for g in [bs.get(first + n - 1)]]
    lines.append("  " + T("(pensioners: old-age and invalidity; survivors are on the Projection "
                          "sheet)"))
    lines.append("\n  " + T("gender pension gap (1 - women's average old-age pension / men's):"))
    lines.append("    " + ", ".join(gaps))
    unverified = result.aset.unverified()
    lines.append("  " + T("{n} unverified parameters or tables (listed in the workbook's Summary "
                          "and Assumptions sheets)", n=len(unverified)))
    return "\n".join(lines)


def _read_shock_file(path: str, aset, horizon: int | None):
    """The shocks of ``--shock FILE``, each checked to start within the projection."""
    from actuary.assumptions.stress import read_shocks
    from actuary.io.errors import AssumptionError

    shocks = read_shocks(path)
    first = aset.first_year
    last = first + int(horizon or aset.horizon_years) - 1
    for k, shock in enumerate(shocks):
        start = (shock.suspension.start.year if shock.suspension is not None
                 else shock.employment.start)
        if not first <= start <= last:
            kind = "suspension" if shock.suspension is not None else "employment"
            raise AssumptionError("the shock starts outside the projection", source=path,
                                  location=f"shocks[{k}].{kind}.start", value=start,
                                  expected=f"a year from {first} to {last}")
    return shocks


def shock_lines(result, path: str) -> str:
    """The shocks' rows of the sensitivity table as text."""
    table = result.sensitivity
    rows = table[table["kind"] == "shock"] if "kind" in table else table.iloc[0:0]
    lines = [f"\n  shocks of {path} (change from the base; Sensitivity sheet):",
             f"  {'':60s}{'GAP':>9s}{'change':>9s}{'depletion':>11s}"]
    for _, r in rows.iterrows():
        dep = "none" if r["depletion_year"] is None or r["depletion_year"] != r["depletion_year"] \
            else str(int(r["depletion_year"]))
        lines.append(f"  {str(r['test'])[:60]:60s}{_pct(r['gap']):>9s}"
                     f"{_pct(r['gap_change']):>9s}{dep:>11s}")
    return "\n".join(lines)


def _write_csv_tables(result, folder: Path) -> None:
    """The tables of ``--csv``, one file each (spreadsheet-safe text, see fileio)."""
    for name in _CSV_TABLES:
        frame = getattr(result, name)
        if frame is not None and not frame.empty:
            write_atomic(folder / f"{name}.csv", lambda p, f=frame: spreadsheet_safe(f).to_csv(
                p, index=False, lineterminator="\n"))
    if result.rate_paths:
        from actuary.analysis.rate_paths import headline_table

        table = spreadsheet_safe(headline_table(result.summary, result.rate_paths,
                                                result.accrued))
        write_atomic(folder / f"{_HEADLINE_CSV}.csv",
                     lambda p: table.to_csv(p, index=False, lineterminator="\n"))
    if result.economy is not None:
        eco = result.economy.table
        write_atomic(folder / f"{_ECONOMY_CSV}.csv",
                     lambda p: eco.to_csv(p, index=False, lineterminator="\n"))


@click.command("valuate")
@click.argument("basis", required=False, shell_complete=complete_sets)
@click.option("--population", "population", type=click.Path(dir_okay=False),
              help="Starting population (CSV or XLSX); default: the one the basis names.")
@click.option("--horizon", type=click.IntRange(1, 300), help="Projection years.")
@click.option("--out", "out", type=click.Path(dir_okay=False), default="valuation.xlsx",
              show_default=True, help="Workbook to write.")
@click.option("--csv", "csv_dir", type=click.Path(file_okay=False),
              help="Also write the yearly, by-sex, sensitivity, careers and headline tables "
                   "as CSV here.")
@click.option("--no-sensitivity", is_flag=True, help="Skip the sensitivity tests.")
@click.option("--shock", "shock_file", type=click.Path(dir_okay=False),
              help="Run the shocks of this YAML file (contribution suspension, employment "
                   "shock) in place of the set's; printed and on the Sensitivity sheet.")
@accept_option
@click.option("--accounts", type=click.Path(dir_okay=False),
              help="Published accounts (CSV or XLSX) to compare with the projection; default: "
                   "the shipped NSSF accounts for the NSSF pension scheme.")
@lang_option
@prices_option
@bundle_option
@set_option
@json_option
@quiet_option
def valuate(basis, population, horizon, out, csv_dir, no_sensitivity, shock_file,
            accept_implausible, accounts, lang, prices, bundle, sets, as_json, quiet) -> None:
    """Value a scheme: project it, compute the indicators, write the workbook.

    BASIS is an assumption-set file or the name of a shipped set (default:
    cambodia-default, the NSSF pension scheme). A set with an occupational_risk
    section (occupational-risk-default) values that branch instead.

    \b
    Examples:
      actuary valuate --out valuation.xlsx --csv valuation-csv
      actuary valuate accrual-1.75 --out accrual.xlsx
      actuary valuate --set 'economic.investment_return.values={2025-01-01: 0.05}' --json
      actuary valuate --shock my_shock.yaml --no-sensitivity
    """
    outputs = [("--out", out, (".xlsx",))] + [("--csv", Path(csv_dir) / f"{name}.csv", ())
                                              for name in (*_CSV_TABLES, _HEADLINE_CSV, _ECONOMY_CSV)
                                              if csv_dir]
    outputs += [("--bundle", bundle, (".zip",))]
    check_outputs(outputs, inputs=[basis, population, shock_file, accounts])
    say = progress(quiet)
    with language(lang):
        _valuate(basis, population, horizon, out, csv_dir, no_sensitivity, shock_file,
                 accept_implausible, accounts, lang, prices, bundle, sets, as_json, say, outputs)


def _valuate(basis, population, horizon, out, csv_dir, no_sensitivity, shock_file,
             accept_implausible, accounts, lang, prices, bundle, sets, as_json, say,
             outputs) -> None:
    """The body of ``actuary valuate``, with the language set."""
    with paused_gc():
        from actuary.engine.kernel_types import compile_cohort_early

        # a first run: a worker compiles the cohort kernel from now on, while this
        # process imports, loads the set and the population (and compiles the member
        # engine)
        compile_cohort_early()
        from actuary.assumptions import load_basis
        from actuary.analysis.valuation import valuate as run

        say("loading the assumption set")
        aset = apply_sets(load_basis(basis), sets)
        # and against the files the set rests on (bases, scheme, tables, population),
        # known once it is read, before any projection
        check_outputs(outputs, inputs=[population, shock_file, *aset.read_files])
        shocks = _read_shock_file(shock_file, aset, horizon) if shock_file else None
        published = _read_accounts(accounts, aset)
        if aset.scheme_type == "occupational_risk":  # the branch, not the pension scheme
            if shock_file:
                raise click.UsageError("--shock applies to a pension scheme's valuation, not "
                                       "to an occupational-risk branch")
            from actuary.cli.occupational_risk_cmd import valuate_branch_command

            valuate_branch_command(aset, population, horizon, out, csv_dir, not no_sensitivity,
                                   say, as_json, prices)
            return
        from actuary.members.closed_group import member_engine_early

        member_engine_early()  # a first run: its worker imports while this one loads
        result = run(aset, population, horizon, sensitivities=not no_sensitivity, progress=say,
                     shocks=shocks,
                     command="actuary " + " ".join(run_argv()),
                     accept_implausible=accept_implausible,
                     background=True)  # sensitivities on the second core, see below
        if published is not None:
            from actuary.analysis.accounts import attach_accounts

            attach_accounts(result, published)
        if shock_file:  # the shock file is an input of the run too
            from actuary.io.fileio import sha256_of

            result.provenance.setdefault("files", {})[str(shock_file)] = sha256_of(shock_file)
        # imported once the sensitivity table is on its way in a child process (valuate's
        # background): openpyxl and the sheets' writers are imported meanwhile
        from actuary.reports.workbook import write_valuation_workbook

        # the workbook and the CSV tables are replaced together, or none of them
        with output_set():
            say(f"writing {out}")
            # the sheets without the sensitivity table first, while a forked child
            # computes it (valuate's background); the writer collects it
            write_valuation_workbook(result, out, lang=lang, prices=prices)
            result.collect_sensitivity()
            if csv_dir:
                _write_csv_tables(result, Path(csv_dir))
                say(f"wrote CSV tables to {csv_dir}")
    if bundle:
        _bundle(bundle, result, out, csv_dir, say)
    if as_json:
        data = headline_data(result, out)
        if result.population.accepted:  # said in the data, as on the console
            data["accepted_implausible"] = list(result.population.accepted)
        echo_json(data)
        return
    click.echo(key_message_lines(result, lang))
    click.echo(headline(result))
    if shocks is not None:
        click.echo(shock_lines(result, shock_file))
    for line in accepted_lines([result.population]):
        click.echo(line)
    click.echo("\n" + T("workbook: {path}", path=out))


def key_message_lines(result, lang: str = "en") -> str:
    """The workbook's key messages for the console, in ``lang``."""
    from actuary.reports.i18n import tr
    from actuary.reports.messages import key_messages

    lines = [tr("console_key_messages", lang)]
    lines += [textwrap.fill(f"{k}. {text}", width=92, initial_indent="  ",
                            subsequent_indent="     ")
              for k, text in enumerate(key_messages(result, lang), start=1)]
    return "\n".join(lines) + "\n"


def _read_accounts(path: str | None, aset):
    """The accounts given, else the shipped ones of the set's scheme (None: none)."""
    from actuary.analysis.accounts import default_accounts_path, read_accounts

    path = path or default_accounts_path(aset)
    return read_accounts(path) if path else None


def _bundle(bundle: str, result, out: str, csv_dir: str | None, say) -> None:
    """Write the run's bundle (see actuary/cli/bundle.py)."""
    from actuary.cli.bundle import write_run_bundle
    from actuary.reports.opinion import review_checklist

    csvs = [str(Path(csv_dir) / f"{n}.csv") for n in (*_CSV_TABLES, _HEADLINE_CSV)
            if csv_dir and (Path(csv_dir) / f"{n}.csv").is_file()]
    write_run_bundle(bundle, inputs=list(result.provenance.get("files", {})),
                     outputs={"--out": (out, [out]), **({"--csv": (csv_dir, csvs)} if csv_dir
                                                        else {})},
                     review=review_checklist(result),
                     extra={"assumption_set_hash": result.aset.content_hash()}, say=say)


def _held_depletion(result) -> int | None:
    """The depletion year with the rate held at its last enacted step (None: none within
    the projection, or the rate has no later step)."""
    held = [p for p in result.rate_paths if p.key == "held"]
    return held[0].indicators["depletion_year"] if held else None


def headline_data(result, out: str | None = None) -> dict:
    """The headline as data, for ``--json``: the set, the summary indicators, the
    depletion year with the rate held at its last dated value, the indicators under each
    contribution-rate path (:mod:`actuary.analysis.rate_paths`), the implicit pension debt
    and the count of unverified items."""
    aset = result.aset
    return {
        "set": aset.name, "scheme": aset.scheme.name, "content_hash": aset.content_hash(),
        "valuation_date": aset.valuation_date, "overrides": [k for k, _ in aset.overrides],
        "summary": result.summary,
        "depletion_year_rate_held": _held_depletion(result),
        "rate_paths": {p.name: {"assumes": p.assumes, **p.indicators}
                       for p in result.rate_paths},
        "accrued": result.accrued,
        "unverified": len(aset.unverified()),
        "workbook": out,
    }
