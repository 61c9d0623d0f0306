"""``actuary compare``: scenarios side by side, with their differences to the base."""

from __future__ import annotations

import math

import click

from actuary.cli.options import (accept_option, accepted_lines, apply_sets, bundle_option,
                                 complete_sets, echo_json, json_option, lang_option,
                                 prices_option,
                                 quiet_option, run_argv, set_option)
from actuary.cli.progress import progress
from actuary.reports.i18n import N_, T, T_known, cut, num, pad


def _fmt(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if kind == "rate":
        return f"{100 * value:.2f}%"
    if kind == "year":
        return f"{int(value)}"
    if kind == "ratio":
        return f"{value:.1f}"
    if kind == "khr":
        return f"{value / 1e9:,.0f} " + T("bn")
    return f"{value:.3f}%"


def _change(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if kind == "rate":
        return f"{100 * value:+.2f} " + T("pt")
    if kind == "year":
        return f"{int(value):+d} " + T("y")
    if kind == "ratio":
        return f"{value:+.1f}"
    if kind == "khr":
        return f"{value / 1e9:+,.0f} " + T("bn")
    return f"{value:+.3f} " + T("pt")


def comparison_text(comparison) -> str:
    """The comparison table as text: one column per scenario, then the changes."""
    names = [s.name for s in comparison.scenarios]
    width = max(14, *(len(n) + 1 for n in names))
    head = f"{'':50s}" + "".join(f"{n:>{width}s}" for n in names) \
        + "".join(pad(T("chg {name}", name=n), width + 4, right=True) for n in names[1:])
    lines = [T("Base: {name}  (KHR in billions, 'bn'; changes are scenario minus base)",
               name=names[0]), "", head]
    for rec in comparison.table.to_dict("records"):
        kind = rec["kind"]
        line = pad(cut(T_known(rec["indicator"]), 49), 50) + "".join(
            pad(num(_fmt(rec[n], kind)), width, right=True) for n in names)
        line += "".join(pad(num(_change(rec["change: " + n], kind)), width + 4, right=True)
                        for n in names[1:])
        lines.append(line)
    for sc in comparison.scenarios:
        for note in sc.notes:
            lines.append(f"  {sc.name}: {note}")
    return "\n".join(lines)


def _heads(columns: tuple[tuple[str, int], ...]) -> str:
    """A header row of right-aligned column names (English keys, shown in the current
    language), as the English tables wrote them with ``f"{name:>width}s"``."""
    return "  " + " ".join(pad(T(name), width, right=True) for name, width in columns)


def transition_text(scenario) -> str:
    """Year-by-year transition cost of a design (KHR billions), first 30 years and milestones."""
    y = scenario.yearly
    lines = ["\n" + T("Transition cost of {name} (budget cost of the design minus that of the "
                      "scheme as it is; KHR billions, % of GDP), split into the change of "
                      "financing (the present rules with contributions) and of the benefit "
                      "formula", name=scenario.name),
             _heads(((N_("year"), 6), (N_("status quo"), 11), (N_("design"), 11), (N_("transition"), 11),
                     (N_("% GDP"), 7), (N_("financing"), 10), (N_("formula"), 10), (N_("gross-up"), 9),
                     (N_("new reserve"), 12)))]
    for t in list(range(min(30, len(y)))) + [t for t in (49, 74, 99) if t < len(y)]:
        r = y.iloc[t]
        lines.append(num(f"  {int(r.year):6d} {r.status_quo_budget_cost / 1e9:11,.0f} "
                         f"{r.budget_cost / 1e9:11,.0f} {r.transition_cost / 1e9:11,.0f} "
                         f"{100 * r.transition_cost / r.gdp:7.3f} "
                         f"{r.transition_cost_financing / 1e9:10,.0f} "
                         f"{r.transition_cost_formula / 1e9:10,.0f} "
                         f"{r.gross_up_cost / 1e9:9,.0f} {r.new_reserve_end / 1e9:12,.0f}"))
    return "\n".join(lines)


def tiers_text(result) -> str:
    """Each tier of a multi-tier design: model careers and yearly costs (milestones)."""
    c = result.careers
    lines = ["\n" + T("Multi-tier design {name}: replacement rates of model careers (first "
                      "pension over the final wage)", name=result.design.name),
             "  " + pad(T("career"), 56) + " " + " ".join(
                 pad(T(h), 7, right=True) for h in (N_("tier 0"), N_("tier 1"), N_("tier 2"), N_("total")))]
    for r in c.itertuples(index=False):
        lines.append(f"  {pad(cut(T_known(r.career), 56), 56)} "
                     + num(f"{100 * r.tier0_rr:6.1f}% {100 * r.tier1_rr:6.1f}% "
                           f"{100 * r.tier2_rr:6.1f}% {100 * r.total_rr:6.1f}%"))
    y = result.yearly
    lines += ["", "  " + T("Costs (KHR billions; contributors: share of their wages; budget: "
                           "% of GDP)"),
              _heads(((N_("year"), 6), (N_("tier 0"), 10), (N_("tier 1 paid"), 12), (N_("tier 2 paid"), 12),
                      (N_("contrib. %"), 11), (N_("budget"), 10), (N_("% GDP"), 7)))]
    for t in (0, 4, 9, 24, 49, 74, 99):
        if t < len(y):
            r = y.iloc[t]
            lines.append(num(f"  {int(r.year):6d} {r.tier0_cost / 1e9:10,.0f} "
                             f"{r.tier1_contributions / 1e9:12,.0f} "
                             f"{r.tier2_contributions / 1e9:12,.0f} "
                             f"{100 * r.contributors_cost_share:10.2f}% "
                             f"{r.budget_cost / 1e9:10,.0f} {r.budget_cost_pct_gdp:7.3f}"))
    age = result.design.tier0.age if result.design.tier0 is not None else 60
    lines += ["", "  " + T("Tier-2 accounts and the elderly aged {age}+ by the pension they get "
                           "(thousands on 1 January; a person can have pensions from several "
                           "tiers)", age=age),
              _heads(((N_("year"), 6), (N_("t2 assets"), 10), (N_("t2 paid M"), 10), (N_("t2 paid F"), 10),
                      (N_("elderly"), 9), (N_("tier 1"), 8), (N_("tier 2"), 8), (N_("tier 0"), 8),
                      (N_("none"), 8))),
              f"  {'':6s} " + " ".join(pad(T(h), 10, right=True)
                                       for h in (N_("% GDP"), N_("KHR bn"), N_("KHR bn")))]
    has2 = "tier2_assets_pct_gdp" in y.columns
    for t in (0, 4, 9, 24, 49, 74, 99):
        if t < len(y):
            r = y.iloc[t]
            t2 = (f"{r.tier2_assets_pct_gdp:10.2f} {r.tier2_pensions_M / 1e9:10,.0f} "
                  f"{r.tier2_pensions_F / 1e9:10,.0f}" if has2 else f"{'-':>10s} " * 2 + f"{'-':>10s}")
            lines.append(num(f"  {int(r.year):6d} {t2} {r.population_aged / 1e3:9,.0f} "
                             f"{r.elderly_tier1 / 1e3:8,.0f} {r.elderly_tier2 / 1e3:8,.0f} "
                             f"{r.elderly_tier0 / 1e3:8,.0f} {r.elderly_none / 1e3:8,.0f}"))
    return "\n".join(lines)


def self_employed_text(result) -> str:
    """Replacement rates by density and the subsidy of a self-employed scheme."""
    from actuary.schemes.self_employed import self_employed_report

    rep = self_employed_report(result)
    lines = ["\n" + T("Self-employed scheme {name}: replacement rates by contribution density "
                      "(entry at 25 on the average declared income)", name=result.aset.name),
             _heads(((N_("sex"), 4), (N_("density"), 8), (N_("pension/month"), 14), (N_("replacement"), 12)))]
    for r in rep.replacement.itertuples(index=False):
        lines.append(f"  {pad(T_known(r.sex), 4, right=True)} "
                     + num(f"{r.density:8.2f} {r.monthly_pension:14,.0f} "
                           f"{100 * r.replacement_rate:11.1f}%"))
    s = rep.summary
    if s.get("subsidy_pv_75") is not None:
        lines.append("  " + T("matching subsidy, PV over 75 years: {amount} billion KHR ({pct}% "
                              "of the PV of GDP)", amount=num(f"{s['subsidy_pv_75'] / 1e9:,.0f}"),
                              pct=num(f"{s['subsidy_pv_75_pct_gdp']:.3f}")))
    return "\n".join(lines)


def take_up_text(own) -> str:
    """A self-employed design: take-up, density bands, replacement rates, sensitivities."""
    t = own.take_up
    lines = ["\n" + T("Self-employed design {name}: take-up of the eligible self-employed (1 "
                      "January)", name=own.design.name),
             _heads(((N_("year"), 6), (N_("eligible"), 11), (N_("net rate"), 9), (N_("equilibrium"), 12),
                     (N_("take-up"), 8), (N_("contributors"), 13)))]
    for k in (0, 1, 3, 5, 10, 25, 50, 75):
        if k < len(t) - 1:
            r = t.iloc[k]
            lines.append(num(f"  {int(r.year):6d} {r.eligible:11,.0f} {100 * r.net_rate:8.2f}% "
                             f"{100 * r.equilibrium:11.2f}% {100 * r.take_up:7.2f}% "
                             f"{r.contributors:13,.0f}"))
    lines += ["", "  " + T("Density bands: share of members, mean density, share of those "
                           "reaching the pension age who get a pension (not a refund), by sex"),
              _heads(((N_("band"), 8), (N_("share"), 7), (N_("density"), 8), (N_("pension M"), 10),
                      (N_("pension F"), 10)))]
    for r in own.bands.itertuples(index=False):
        lines.append(num(f"  {r.band:>8s} {100 * r.share:6.1f}% {r.density:8.3f} "
                         f"{100 * r.pension_share_M:9.1f}% {100 * r.pension_share_F:9.1f}%"))
    lines += ["", "  " + T("Replacement rates of a member joining at 25 on the average declared "
                           "income, by band density and sex"),
              _heads(((N_("sex"), 4), (N_("density"), 8), (N_("pension/month"), 14), (N_("replacement"), 12)))]
    for r in own.replacement.itertuples(index=False):
        lines.append(f"  {pad(T_known(r.sex), 4, right=True)} "
                     + num(f"{r.density:8.3f} {r.monthly_pension:14,.0f} "
                           f"{100 * r.replacement_rate:11.1f}%"))
    sens = own.sensitivity
    full = "subsidy_pv_75_pct_gdp" in sens.columns
    lines += ["", "  " + T("Take-up sensitivities (contributors on the take-up path; subsidy: "
                           "PV over 75 years, % of the PV of GDP)"),
              "  " + pad(T("variant"), 34) + " " + " ".join(
                  pad(T(h), 10, right=True) for h in (N_("year 10"), N_("year 25"), N_("year 50")))
              + (" " + pad(T("subsidy"), 9, right=True) if full else "")]
    for r in sens.to_dict("records"):
        cells = "".join(f" {v:10,.0f}" if v is not None and v == v else f" {'-':>10s}"
                        for v in (r["contributors_year_10"], r["contributors_year_25"],
                                  r["contributors_year_50"]))
        sub = r.get("subsidy_pv_75_pct_gdp")
        tail = ("" if not full else f" {sub:8.4f}%" if sub is not None else f" {'-':>9s}")
        lines.append(f"  {pad(cut(T_known(r['variant']), 34), 34)}" + num(f"{cells}{tail}"))
    return "\n".join(lines)


@click.command("compare")
@click.argument("base", shell_complete=complete_sets)
@click.argument("scenarios", nargs=-1, required=True, shell_complete=complete_sets)
@click.option("--horizon", type=click.IntRange(1, 300), help="Projection years.")
@click.option("--out", "out", type=click.Path(dir_okay=False),
              help="Also write the comparison workbook (.xlsx).")
@prices_option
@lang_option
@accept_option
@bundle_option
@set_option
@json_option
@quiet_option
def compare(base, scenarios, horizon, out, prices, lang, accept_implausible, bundle, sets,
            as_json, quiet) -> None:
    """Compare SCENARIOS with BASE: indicators side by side and their differences.

    Each is an assumption set or overlay (a file or a shipped name, e.g.
    public-sector-default) or a design file; shipped reforms in
    assumptions/data/reforms/ can be named by file stem or name (ps-transition-2027).
    --set changes every assumption set compared (not design files) the same way.

    \b
    Examples:
      actuary compare cambodia-default accrual-1.75 --out reforms.xlsx
      actuary compare cambodia-default accrual-1.75 --set 'demographic.mortality.scale=0.9'
    """
    from actuary.studies.compare import compare as run
    from actuary.cli.outputs import check_outputs

    if bundle and not out:
        raise click.UsageError("--bundle archives the comparison workbook: give --out too")
    check_outputs([("--out", out, (".xlsx",)), ("--bundle", bundle, (".zip",))],
                  inputs=[base, *scenarios])
    say = progress(quiet)
    refs = [base, *scenarios]
    if sets:
        refs = [_with_sets(ref, sets) for ref in refs]
    comparison = run(refs, horizon, progress=say, command="actuary " + " ".join(run_argv()),
                     accept_implausible=accept_implausible)
    accepted = accepted_lines(sc.parts["scheme"].population for sc in comparison.scenarios
                              if "scheme" in sc.parts)
    if as_json:
        echo_json({"scenarios": [{"name": sc.name, "kind": sc.kind, "summary": sc.summary}
                                 for sc in comparison.scenarios],
                   "table": comparison.table, "workbook": out})
        if out:
            _write(comparison, out, prices)
        return
    click.echo(comparison_text(comparison))
    for line in accepted:
        click.echo(line)
    for sc in comparison.scenarios:
        if "transition_cost" in sc.yearly.columns:
            click.echo(transition_text(sc))
        if "multi_tier" in sc.parts:
            click.echo(tiers_text(sc.parts["multi_tier"]))
        scheme = sc.parts.get("scheme")
        if "self_employed" in sc.parts:
            click.echo(take_up_text(sc.parts["self_employed"]))
        elif scheme is not None and scheme.aset.scheme.covered_population == "self_employed":
            click.echo(self_employed_text(scheme))
    if out:
        _write(comparison, out, prices)
        click.echo("\n" + T("workbook: {path}", path=out))
    if bundle:
        _bundle(bundle, comparison, out, say)


def _bundle(bundle: str, comparison, out: str, say) -> None:
    """Write the run's bundle (see actuary/cli/bundle.py)."""
    from actuary.cli.bundle import write_run_bundle
    from actuary.reports.opinion import reviewer_checklist

    names = ", ".join(sc.name for sc in comparison.scenarios)
    write_run_bundle(bundle, inputs=list(comparison.provenance["files"]),
                     outputs={"--out": (out, [out])}, say=say,
                     review=reviewer_checklist(f"Comparison of {names}.",
                                               comparison.provenance.get("command", ""), []))


def _write(comparison, out: str, prices: str = "nominal") -> None:
    from actuary.cli.outputs import check_outputs
    from actuary.reports.compare import write_comparison_workbook

    # the files the sets named (populations) are known now
    check_outputs([("--out", out, (".xlsx",))], inputs=comparison.provenance["files"])
    write_comparison_workbook(comparison, out, prices)


def _with_sets(ref: str, sets: tuple[str, ...]):
    """The set ``ref`` names with the --set overrides applied; a design file refused."""
    from actuary.assumptions import load_basis
    from actuary.io.errors import AssumptionError
    from actuary.io.yamlio import read_mapping
    from actuary.studies.compare import resolve_scenario

    target = resolve_scenario(ref)
    if not isinstance(target, str) and "design" in read_mapping(target):
        raise AssumptionError("--set changes assumption sets, and this is a design file",
                              source=str(target), field="--set",
                              expected="assumption sets only, or no --set")
    return apply_sets(load_basis(target), sets)
