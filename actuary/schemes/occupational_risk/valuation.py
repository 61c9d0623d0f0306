"""The valuation of an occupational-risk branch, end to end, and its sensitivity tests.

:func:`valuate_branch` loads the set (or takes a loaded one), projects its pension scheme
for the insured population (:mod:`.insured`), reads the pensions in payment
(:mod:`.pensions`), projects the branch (:mod:`.projection`) and computes the indicators
(:mod:`.financing`); the sensitivities re-run the branch with one assumption changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from actuary.analysis import indicators as ind
from actuary.analysis.valuation import load_population, provenance
from actuary.assumptions import AssumptionSet, load_basis
from actuary.engine.basis import Basis
from actuary.engine.build import build_basis
from actuary.engine.starting import StartingPopulation
from actuary.io.fileio import sha256_of

from . import financing
from .insured import Insured, insured_population
from .pensions import PensionStock, set_pensions
from .projection import BranchProjection, project_branch
from .rules import BranchRules, branch_rules

__all__ = ["BranchResult", "valuate_branch", "run_branch", "sensitivity_table",
           "BRANCH_SENSITIVITIES", "NOT_USED", "rests_on"]

Progress = Callable[[str], None]

#: Items of the set that do not move the branch's results: the pension scheme's benefit
#: rules, reserve return and expenses, and invalidity pensioners' mortality shape only the
#: pension scheme's pensioners and money, never who contributes or what they earn (a test
#: changes some of them and finds the branch's results unchanged). GDP growth only turns
#: expenditure into a share of GDP.
NOT_USED = (
    "scheme.parameters.refund_share", "scheme.parameters.refund_interest",
    "scheme.parameters.accrual_rate", "scheme.parameters.reference_wage",
    "scheme.parameters.revaluation", "scheme.parameters.minimum_pension",
    "scheme.parameters.invalidity_minimum_rate", "scheme.parameters.funeral_grant_minimum",
    "scheme.parameters.invalidity_credited_share", "scheme.parameters.invalidity_cover_months",
    "scheme.parameters.invalidity_cover_until",
    "scheme.parameters.transitional_credits", "economic.investment_return",
    "economic.admin_expense_rate", "demographic.disabled_mortality_factor",
)


def rests_on(aset: AssumptionSet) -> tuple[list[tuple], list[tuple]]:
    """The set's unverified items split in two: those the branch's results rest on, and
    those of :data:`NOT_USED` (items of the pension scheme the branch does not use)."""
    used, unused = [], []
    for item in aset.unverified():
        path = item[0]
        skip = any(path == k or path.startswith(k + ".") for k in NOT_USED)
        (unused if skip else used).append(item)
    return used, unused


@dataclass
class BranchResult:
    """Everything a valuation of the branch produces (money in nominal KHR of each year).

    ``yearly`` (one row a year), ``by_sex`` (one row a year and sex), ``summary`` (the
    headline figures of :func:`.financing.summary_indicators`), ``sensitivity`` (one row a
    test), ``awards`` (permanent disabilities by degree and year), ``start`` (the pensions
    in payment on the valuation date by type and sex).
    """

    aset: AssumptionSet
    population: StartingPopulation
    basis: Basis
    insured: Insured
    rules: BranchRules
    stock: PensionStock
    pensions_path: Path | None
    projection: BranchProjection
    cash: ind.CashFlows
    yearly: pd.DataFrame
    by_sex: pd.DataFrame
    summary: dict
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    provenance: dict = field(default_factory=dict)

    @property
    def awards(self) -> pd.DataFrame:
        """Permanent disabilities by year and degree (both sexes)."""
        p = self.projection
        frame = pd.DataFrame(p.awards_by_degree, columns=[f"{d:g}" for d in p.degrees])
        frame.insert(0, "year", p.years)
        return frame

    @property
    def start(self) -> pd.DataFrame:
        """Pensions in payment on the valuation date: counts, monthly amounts, present value."""
        p, rows = self.projection, []
        for kind, count, pv in (("permanent disability", "disability_pensioners",
                                 "pv_disability_pensions"),
                                ("spouse", "spouse_pensioners", "pv_spouse_pensions"),
                                ("orphan", "orphan_pensioners", "pv_orphan_pensions")):
            for s, sex in enumerate(("M", "F")):
                rows.append({"type": kind, "sex": sex, "count": p.stocks[count][0, s],
                             "present_value": p.stocks[pv][0, s]})
        frame = pd.DataFrame(rows)
        masses = {"permanent disability": self.stock.disability_mass.sum(axis=(1, 2)),
                  "spouse": self.stock.spouse_mass.sum(axis=1),
                  "orphan": self.stock.orphan_mass.sum(axis=1)}
        frame["monthly_amount"] = [masses[k][0 if s == "M" else 1] / 12.0
                                   for k, s in zip(frame["type"], frame["sex"])]
        return frame


def run_branch(aset: AssumptionSet, population: StartingPopulation, insured: Insured,
               rules: BranchRules, stock: PensionStock, basis: Basis,
               pensions_path: Path | None) -> BranchResult:
    """Project the branch and compute its indicators (no sensitivities)."""
    proj = project_branch(rules, insured, stock)
    cf = financing.cash_flows(proj, rules)
    yearly = financing.yearly_frame(proj, rules, cf, insured.gdp)
    return BranchResult(
        aset=aset, population=population, basis=basis, insured=insured, rules=rules,
        stock=stock, pensions_path=pensions_path, projection=proj, cash=cf, yearly=yearly,
        by_sex=financing.by_sex_frame(proj, rules),
        summary=financing.summary_indicators(proj, rules, cf, yearly))


def valuate_branch(basis: AssumptionSet | str | Path | None, population_file: str | Path | None = None,
                   horizon: int | None = None, *, sensitivities: bool = True,
                   progress: Progress | None = None, command: str = "") -> BranchResult:
    """The whole valuation of an occupational-risk set: load, project, indicators,
    sensitivities, provenance.

    ``population_file`` replaces the set's starting population (the insured); the
    pensions in payment are those the set names.
    """
    say = progress or (lambda _m: None)
    aset = basis if isinstance(basis, AssumptionSet) else load_basis(basis)
    rules = branch_rules(aset, horizon)
    say("reading the starting population")
    population = load_population(aset, population_file)
    say("projecting the insured population (the pension scheme's contributors)")
    pension_basis = build_basis(aset, population, horizon)
    insured = insured_population(aset, population, basis=pension_basis)
    stock, path = set_pensions(aset, rules.degrees, insured.orphan_age_limit)
    say("projecting the occupational-risk branch")
    result = run_branch(aset, population, insured, rules, stock, pension_basis, path)
    if sensitivities:
        say("running sensitivities")
        result.sensitivity = sensitivity_table(result, say)
    prov = provenance(aset, population, command)
    if path is not None:
        prov["files"][str(path)] = sha256_of(path)
    result.provenance = prov
    return result


@dataclass(frozen=True)
class BranchSensitivity:
    """A one-at-a-time test: the rules changed, or the set changed (insured rebuilt)."""

    name: str
    description: str
    rules: Callable[[BranchRules], BranchRules] | None = None
    overrides: Callable[[AssumptionSet], dict] | None = None


def _reweight(rules: BranchRules, power: float) -> BranchRules:
    w = rules.degree_shares * rules.degrees ** power
    return rules.replace(degree_shares=w / w.sum())


def _shift_values(aset: AssumptionSet, path: str, delta: float) -> dict:
    node = aset
    for key in path.split("."):
        node = getattr(node, key)
    return {f"{path}.values": {d.isoformat(): float(v) + delta for d, v in node.values.items()}}


BRANCH_SENSITIVITIES: tuple[BranchSensitivity, ...] = (
    BranchSensitivity("incidence x0.5", "work injuries half as frequent at every age",
                      rules=lambda r: r.replace(incidence=r.incidence * 0.5)),
    BranchSensitivity("incidence x2", "work injuries twice as frequent at every age",
                      rules=lambda r: r.replace(incidence=r.incidence * 2.0)),
    BranchSensitivity("degrees more severe", "the shares of the degree distribution "
                      "re-weighted in proportion to the degree (more heavy disabilities)",
                      rules=lambda r: _reweight(r, 1.0)),
    BranchSensitivity("degrees less severe", "the shares re-weighted in proportion to "
                      "1 / degree (more light disabilities)",
                      rules=lambda r: _reweight(r, -1.0)),
    BranchSensitivity("wage growth +1 pt", "nominal wage growth 1 point higher every year "
                      "(the insured's wages; pensions still follow prices)",
                      overrides=lambda a: _shift_values(a, "economic.wage_growth", 0.01)),
    BranchSensitivity("wage growth -1 pt", "nominal wage growth 1 point lower every year",
                      overrides=lambda a: _shift_values(a, "economic.wage_growth", -0.01)),
    BranchSensitivity("return -1 pt", "the branch's return 1 point lower every year",
                      rules=lambda r: r.replace(investment_return=r.investment_return - 0.01)),
    BranchSensitivity("return +1 pt", "the branch's return 1 point higher every year",
                      rules=lambda r: r.replace(investment_return=r.investment_return + 0.01)),
)


def _row(name: str, description: str, s: dict, b: dict) -> dict:
    gap = "gap_75" if s.get("gap_75") is not None else "gap_25"
    rate = "rate_needed_75" if "rate_needed_75" in s else "rate_needed_10"
    row = {"test": name, "description": description,
           "rate_needed_year_1": s.get("rate_needed_1"), "rate_needed": s.get(rate),
           "rate_horizon": int(rate.rsplit("_", 1)[1]),
           "gap": s.get(gap), "gap_horizon": int(gap.rsplit("_", 1)[1]),
           "pv_pensions_in_payment_0": s["pv_pensions_in_payment_0"],
           "reserve_ratio_year_10": s.get("reserve_ratio_year_10"),
           "depletion_year": s.get("depletion_year")}
    for key in ("rate_needed", "gap"):
        base = b.get(rate if key == "rate_needed" else gap)
        row[f"{key}_change"] = (row[key] - base) if row[key] is not None and base is not None \
            else None
    return row


def sensitivity_table(result: BranchResult, progress: Progress | None = None) -> pd.DataFrame:
    """The base and every test of :data:`BRANCH_SENSITIVITIES`, with changes from the base.

    The pensions in payment and, except in the wage tests, the insured population are
    the base's; the wage tests rebuild the pension projection with the base's
    contributors wanted (entrants held), so only wages move.
    """
    from actuary.analysis.sensitivity import overlay

    say = progress or (lambda _m: None)
    base = result.summary
    rows = [_row("base", "the valuation as presented", base, base)]
    entrants = {"target_actives": result.basis.target_actives,
                "entrant_distribution": result.basis.entrant_distribution}
    T = result.basis.n_years
    for sens in BRANCH_SENSITIVITIES:
        say(f"  sensitivity: {sens.name}")
        rules, insured, aset = result.rules, result.insured, result.aset
        if sens.rules is not None:
            rules = sens.rules(rules)
        else:
            aset = overlay(result.aset, sens.overrides(result.aset), sens.name)
            b = build_basis(aset, result.population, T, entrants=entrants)
            insured = insured_population(aset, result.population, basis=b)
            rules = branch_rules(aset, T)
        proj = project_branch(rules, insured, result.stock)
        cf = financing.cash_flows(proj, rules)
        yearly = financing.yearly_frame(proj, rules, cf)
        rows.append(_row(sens.name, sens.description,
                         financing.summary_indicators(proj, rules, cf, yearly), base))
    return pd.DataFrame(rows)

