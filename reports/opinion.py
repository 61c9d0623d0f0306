"""ISAP 2 deliverables of the valuation workbook, and the reviewer's checklist of a bundle.

* "Data and assumptions" sheet: the data-sufficiency statement of ``actuary data check``
  when the starting population was aggregated from checked member data (carried in the
  population's notes, :mod:`actuary.members.sufficiency`), else what the population is
  and its status; then the rationale of each assumption group: every parameter of the
  group with what it is based on (reference), its status, the reasoning written with it
  (note), and the sensitivity tests of the group with their effect on the GAP.
* "Actuarial opinion" sheet, laid out after the sections of ISAP 2 (IAA, International
  Standard of Actuarial Practice 2, Financial Analysis of Social Security Programs,
  approved 13 October 2013: 2.1 features of the programme and the law, 2.2 data, 2.3
  assumptions, 2.4 consistency with the financing method, 2.5 independent review, 2.6
  assumptions and methods mandated by law, 3.1 report, 3.2 actuarial opinion). The
  figures are filled in; every judgement is a boxed, unlocked cell marked
  "FOR THE ACTUARY" and left empty: the toolkit writes no opinion.
* :func:`review_checklist`: the ``REVIEW.md`` of a bundle: the ISAP 2 items and the five
  questions of the independent peer review of the Canada Pension Plan's actuarial
  reports (OSFI, Office of the Chief Actuary, terms of reference of the independent peer
  review, https://www.osfi-bsif.gc.ca/en/oca/independent-peer-reviews), in our words,
  each with where the bundle answers it.

The ISAP 2 items are this toolkit's reading of the section headings, not the standard's
text; the actuary applies the standard as adopted where the valuation is made.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pandas as pd
from openpyxl.worksheet.worksheet import Worksheet

from . import styles
from .i18n import N_, T, T_known, date_text, num
from .cells import put, put_title
from .sensitivity_names import name_of_test

__all__ = ["ISAP2_ITEMS", "CPP_QUESTIONS", "CPP_SOURCE", "ACTUARY_MARK",
           "write_data_assumptions", "write_opinion", "review_checklist",
           "sensitivity_groups", "rationale_table", "add_isap_sheets",
           "reviewer_checklist"]

ACTUARY_MARK = N_("FOR THE ACTUARY")

#: (section, what the actuary attends to, where this valuation shows it)
ISAP2_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("2.1", "Every relevant feature of the programme and of the law is valued; what is "
            "assumed where the law is unclear is said",
     "Assumptions sheet (scheme rules with their legal references and status); Summary: "
     "unverified parameters"),
    ("2.2", "The data needed, their checks, and whether they are sufficient and reliable "
            "for the purpose",
     "Data and assumptions sheet (statement); Starting data sheet; the data-check report"),
    ("2.3", "Each assumption with its rationale, individually and together",
     "Data and assumptions sheet (rationale by group); Assumptions sheet"),
    ("2.4", "Results consistent with the financing method of the programme",
     "Indicators sheet (GAP, scaled premiums, reserve ratio, depletion, actuarial balance)"),
    ("2.5", "Independent expert review of the work", "a bundle (--bundle) and its REVIEW.md"),
    ("2.6", "Assumptions or methods mandated by law or by the client, and the actuary's "
            "view of them", "Actuarial opinion sheet (field for the actuary)"),
    ("3.1", "The report: results, sensitivity, reconciliation with the previous valuation",
     "Summary, Projection, Sensitivity sheets; actuary change PREVIOUS CURRENT"),
    ("3.2", "The actuarial opinion", "Actuarial opinion sheet"),
)

CPP_SOURCE = ("OSFI, Office of the Chief Actuary: independent peer reviews of the actuarial "
              "reports on the Canada Pension Plan, terms of reference "
              "(https://www.osfi-bsif.gc.ca/en/oca/independent-peer-reviews; for the 31st "
              "report: https://www.osfi-bsif.gc.ca/Eng/oca-bac/ipr-rip/Pages/tor31.aspx)")

#: The five questions the reviewers answer, in our words, with where a bundle helps.
CPP_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("Is the professional experience of the actuary and of the staff adequate for the work?",
     "not in the bundle: the reviewer asks"),
    ("Was the work done in compliance with the professional standards and the legal "
     "requirements that apply?", "the ISAP 2 items above; the scheme rules with their legal "
     "references (Assumptions sheet)"),
    ("Did the actuary have the information the valuation needs, and were the data tested "
     "and analysed as would be expected?", "Data and assumptions sheet; the data-check "
     "report; the inputs in inputs/"),
    ("Were the methods and assumptions reasonable?", "Data and assumptions sheet (rationale, "
     "status, sensitivity); Indicators sheet (definitions); re-run with actuary verify"),
    ("Does the report communicate the results of the work fairly?", "the workbook in "
     "outputs/; the Actuarial opinion sheet"),
)

_STATUS_ORDER = ("confirmed", "secondary", "derived", "unverified")


def sensitivity_groups(aset: Any) -> dict[str, str]:
    """Sensitivity test name -> the group of assumptions it moves: by the keys its overlay
    overrides; a test that adjusts the built basis moves new entrants (contributors'
    growth) or the data (starting wages)."""
    from actuary.analysis.sensitivity import sensitivities_of
    from actuary.studies.change_keys import group_of

    out = {}
    for spec in sensitivities_of(aset):
        if spec.overlay is None:
            out[spec.name] = ("new_entrants" if spec.adjust.contributors_growth is not None
                              else "data")
            continue
        groups = {group_of(k.split(".")) for k in spec.overlay}
        out[spec.name] = groups.pop() if len(groups) == 1 else "several"
    return out


def rationale_table(result: Any) -> pd.DataFrame:
    """Every parameter with its group, status, basis (reference) and rationale (note)."""
    from actuary.studies.change_keys import GROUP_TITLES, group_of

    table = result.aset.parameters_table().copy()
    table["group"] = [group_of(p.split(".")) or "" for p in table["path"]]
    table["group_title"] = [GROUP_TITLES.get(g, g) for g in table["group"]]
    order = {g: k for k, g in enumerate(GROUP_TITLES)}
    table["_o"] = table["group"].map(order).fillna(len(order))
    return table.sort_values(["_o"], kind="stable").drop(columns="_o").reset_index(drop=True)


def _writable(ws: Worksheet, row: int, first: int = 2, last: int = 6, height: float = 48) -> None:
    # the top-left cell only: merging replaces the others by merged cells, which take
    # the box's edges from it (openpyxl's MergedCellRange.format)
    cell = ws.cell(row=row, column=first)
    cell.fill = styles.OPINION_FILL
    cell.border = styles.BOX
    cell.protection = styles.UNLOCKED
    cell.alignment = styles.WRAP
    ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    ws.row_dimensions[row].height = height


class _Rows:
    """Rows written from the top of a sheet."""

    def __init__(self, ws: Worksheet, row: int) -> None:
        self.ws, self.row = ws, row

    def section(self, title: str, note: str = "") -> None:
        self.row += 1
        put(self.ws, self.row, 1, title, font=styles.SECTION)
        self.row += 1
        if note:
            put(self.ws, self.row, 1, note, font=styles.NOTE)
            self.row += 1

    def pair(self, label: str, value: Any, fmt: str | None = None) -> None:
        put(self.ws, self.row, 1, label, font=styles.BOLD)
        put(self.ws, self.row, 2, value, fmt).alignment = styles.WRAP
        self.row += 1

    def field(self, question: str) -> None:
        put(self.ws, self.row, 1, f"{T(ACTUARY_MARK)}: {question}", font=styles.BOLD
            ).alignment = styles.WRAP
        _writable(self.ws, self.row)
        self.row += 1


def _data_lines(result: Any) -> tuple[list[tuple[str, str]], str]:
    """The data-sufficiency statement carried by the population, and what it is."""
    from actuary.members.sufficiency import statement_from_notes

    pop = result.population
    lines = statement_from_notes(list(pop.notes))
    if lines:
        return lines, T("{name}: aggregated by actuary data check from member data",
                        name=pop.name)
    return [], T("{name} (status {status}) was not aggregated from checked member data: no "
                 "data-check statement exists for it", name=pop.name,
                 status=T_known(str(pop.status)))


def write_data_assumptions(ws: Worksheet, result: Any) -> None:
    """The data statement and the rationale of each assumption group (ISAP 2.2, 2.3)."""
    from actuary.studies.change_keys import GROUP_TITLES

    put_title(ws, T("Data and assumptions (ISAP 2 sections 2.2 and 2.3)"),
              T("Figures and sources; the judgement on them is the actuary's (Actuarial opinion "
              "sheet)."))
    styles.set_widths(ws, {1: 40, 2: 44, 3: 12, 4: 50, 5: 70, 6: 40})
    rows = _Rows(ws, 3)
    pop = result.population
    lines, what = _data_lines(result)
    rows.section(T("Data: the starting population"), what)
    rows.pair(T("Source"), pop.source)
    rows.pair(T("Status"), T_known(str(pop.status)))
    rows.pair(T("Notes"), "\n".join(n for n in pop.notes if not n.startswith("data sufficiency")))
    if lines:
        rows.section(T("Sufficiency and reliability, in figures (from actuary data check)"))
        for label, text in lines:
            rows.pair(T_known(label), text)
    groups = sensitivity_groups(result.aset)
    sens = result.sensitivity if result.sensitivity is not None else pd.DataFrame()
    table = rationale_table(result)
    for g, title in GROUP_TITLES.items():
        part = table[table["group"] == g]
        if part.empty:
            continue
        counts = Counter(part["status"].fillna("unverified"))
        rows.section(T("Assumption group: {title}", title=T_known(title)),
                     T("Items by status: {counts}", counts=", ".join(
                         f"{num(counts[s])} {T(s)}" for s in _STATUS_ORDER if counts[s])))
        tests = [r for r in sens.to_dict("records") if groups.get(r.get("test")) == g] \
            if not sens.empty else []
        for r in tests:
            change = r.get("gap_change")
            text = (T("GAP change not available") if change is None or
                    (isinstance(change, float) and math.isnan(change))
                    else T("GAP over {n} years {change} points", n=r.get("gap_horizon"),
                           change=num(f"{100 * change:+.2f}")))
            rows.pair(T("sensitivity: {test}", test=name_of_test(r["test"])), text)
        if not tests:
            rows.pair(T("sensitivity"), T("no one-at-a-time test of this group is run"))
        for j, h in enumerate((T("Key path"), T("Description"), T("Status"),
                               T("Based on (reference)"), T("Rationale (note)"), T("Values")),
                              start=1):
            put(ws, rows.row, j, h)
        styles.style_header(ws, rows.row, 1, 6)
        rows.row += 1
        for rec in part.to_dict("records"):
            fill = styles.UNVERIFIED_FILL if rec.get("status") == "unverified" else None
            for j, key in enumerate(("path", "description", "status", "reference", "note",
                                     "values"), start=1):
                value = T_known(str(rec[key])) if key == "status" and rec.get(key) else rec.get(key)
                put(ws, rows.row, j, value, fill=fill).alignment = styles.WRAP
            rows.row += 1


def _fmt_rate(v: Any) -> str:
    return "-" if v is None or v != v else num(f"{100 * v:.2f}%")


def write_opinion(ws: Worksheet, result: Any) -> None:
    """The Actuarial opinion sheet (see the module docstring)."""
    aset, pop, s = result.aset, result.population, result.summary
    put_title(ws, T("Actuarial opinion (laid out after ISAP 2)"),
              T("Figures are filled in by the toolkit; every cell marked {mark} is left empty "
                "for the actuary responsible, who alone gives the opinion.", mark=T(ACTUARY_MARK)))
    styles.set_widths(ws, {1: 60, 2: 30, 3: 16, 4: 16, 5: 16, 6: 16})
    rows = _Rows(ws, 3)
    rows.section(T("Scope (3.1)"))
    rows.pair(T("Scheme"), f"{aset.scheme.name}: {aset.scheme.description}")
    rows.pair(T("Legal basis"), "; ".join(aset.scheme.legal_basis))
    rows.pair(T("Valuation date"), date_text(aset.valuation_date))
    rows.pair(T("Assumption set"), T("{name} (content hash {hash}...)", name=aset.name,
                                     hash=aset.content_hash()[:16]))
    rows.pair(T("Projection"), T("{first}-{last}, open group, annual steps",
                                 first=int(s["first_year"]), last=int(s["last_year"])))
    rows.field(T("purpose of the valuation and its users"))
    rows.section(T("Programme and law (2.1)"))
    n_unv = len(aset.unverified())
    rows.pair(T("Parameters and tables not found in any source (unverified)"), n_unv)
    rows.field(T("features of the law not valued, and what was assumed where the law is unclear"))
    rows.section(T("Data (2.2)"))
    lines, what = _data_lines(result)
    rows.pair(T("Starting population"), what)
    rows.pair(T("Its status"), T_known(str(pop.status)))
    for label, text in lines:
        rows.pair(T_known(label), text)
    rows.field(T("are the data sufficient and reliable for the purpose of the valuation?"))
    rows.section(T("Assumptions (2.3, 2.6)"))
    counts = Counter(aset.parameters_table()["status"].fillna("unverified"))
    rows.pair(T("Items by status"), ", ".join(f"{num(counts[k])} {T(k)}" for k in _STATUS_ORDER))
    rows.field(T("are the assumptions reasonable, individually and taken together?"))
    rows.field(T("assumptions or methods mandated by law or by the client, and your view of them"))
    rows.section(T("Methods and financing (2.4)"))
    rows.pair(T("Method"), T("cohort projection by sex, age and credited service (open group, new "
                        "entrants from coverage); accrued-to-date liability member by member "
                        "(closed group)"))
    rows.field(T("are the methods appropriate to the financing method of the programme?"))
    rows.section(T("Results (3.1)"))
    for n in (25, 50, 75):
        rows.pair(T("General average premium, {n} years", n=n), _fmt_rate(s.get(f"gap_{n}")))
    rows.pair(T("Actuarial balance, 75 years"), _fmt_rate(s.get("actuarial_balance_75")))
    rows.pair(T("Depletion year, legislated rates"), s.get("depletion_year")
              or T("none in the projection"))
    for path in getattr(result, "rate_paths", ()):
        if path.key == "held":
            y = path.indicators.get("depletion_year")
            rows.pair(T("Depletion year, rate held at its last enacted step"),
                      T("none in the projection") if y is None else int(y))
    rows.pair(T("Reserve ratio, year 10"), s.get("reserve_ratio_year_10"), styles.RATIO)
    acc = result.accrued or {}
    if "adl" in acc:
        rows.pair(T("Accrued-to-date liability (KHR)"), acc["adl"], styles.KHR)
        rows.pair(T("Reserve / accrued-to-date liability"), _fmt_rate(acc.get("funded_ratio")))
    sens = result.sensitivity
    if sens is not None and not sens.empty and "gap" in sens:
        g = sens["gap"].dropna()
        if len(g):
            rows.pair(T("GAP across the sensitivity and stress tests"),
                      T("{low} to {high}", low=_fmt_rate(g.min()), high=_fmt_rate(g.max())))
    rows.field(T("the financial status of the programme"))
    rows.field(T("the uncertainty of the results and the main risks"))
    rows.section(T("Independent review (2.5) and departures"))
    rows.field(T("departures from ISAP 2 (or the standard adopted) and why"))
    rows.field(T("reliance on others (data, assumptions set by others)"))
    rows.section(T("Signature"))
    for label in (T("name"), T("qualification"), T("date"), T("signature")):
        rows.field(label)


def review_checklist(result: Any, command: str | None = None) -> str:
    """The reviewer's checklist (Markdown) of a valuation's bundle."""
    aset = result.aset
    lines_data, what = _data_lines(result)
    prov = result.provenance or {}
    return reviewer_checklist(
        f"Valuation of {aset.scheme.name} on {aset.valuation_date.isoformat()}, assumption set "
        f"{aset.name} (content hash {aset.content_hash()}).",
        command or prov.get("command", ""),
        [f"unverified parameters and tables: {len(aset.unverified())} (Summary and "
         "Assumptions sheets)",
         f"starting population: {what}",
         f"data-sufficiency figures: {len(lines_data)} lines" if lines_data else
         "data-sufficiency figures: none (the population is not from checked member data)"])


def reviewer_checklist(heading: str, command: str, facts: list[str]) -> str:
    """A reviewer's checklist (Markdown): ``heading``, the command, ``facts``, then the
    ISAP 2 items and the five questions of the CPP peer review, each to tick."""
    out = ["# Reviewer's checklist", "", heading,
           f"Command: `{command}`. Re-run it from this archive alone with `actuary verify "
           "THIS.zip` (identical, or every difference).", ""]
    out += [f"- {fact}" for fact in facts]
    out += ["", "## ISAP 2 (IAA, Financial Analysis of Social Security Programs, 2013)", "",
            "Our reading of its sections; apply the standard as adopted where the valuation "
            "is made.", ""]
    out += [f"- [ ] {sec} {item}. Where: {where}." for sec, item, where in ISAP2_ITEMS]
    out += ["", "## The five questions of the CPP independent peer review", "",
            f"Source: {CPP_SOURCE}. In our words:", ""]
    out += [f"- [ ] {k}. {q} Where: {where}." for k, (q, where) in enumerate(CPP_QUESTIONS, 1)]
    out.append("")
    return "\n".join(out)


def add_isap_sheets(wb: Any, result: Any) -> None:
    """Append the ISAP 2 sheets to a valuation workbook: Data and assumptions, then
    Actual vs expected (when the result carries accounts), then Actuarial opinion."""
    write_data_assumptions(wb.create_sheet("Data and assumptions"), result)
    accounts = getattr(result, "accounts", None)
    if accounts is not None:
        from .accounts_sheet import write_actual_expected

        write_actual_expected(wb.create_sheet("Actual vs expected"), result)
    write_opinion(wb.create_sheet("Actuarial opinion"), result)
