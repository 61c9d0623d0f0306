"""The data-sufficiency statement of a data check, in numbers (ISAP 2 section 2.2).

What the data check found, said in figures: the rows rejected from each file, the effect
of the rejections on the totals that drive a valuation, and whether control totals
were supplied and agree. The judgement (are the data sufficient and reliable for the
purpose?) is the actuary's: the statement gives the figures it rests on.

The same lines go to the data-check report and, through the notes of a starting
population aggregated from the checked data (:data:`NOTE_PREFIX`), to the valuation
workbook of a valuation that uses that population.
"""

from __future__ import annotations

from typing import Any

__all__ = ["sufficiency_statement", "NOTE_PREFIX", "statement_notes", "statement_from_notes"]

#: Prefix of the starting-population notes that carry the statement.
NOTE_PREFIX = "data sufficiency: "


def sufficiency_statement(result: Any) -> list[tuple[str, str]]:
    """(label, figures) lines of a :class:`actuary.members.datacheck.CheckResult`."""
    lines = []
    for f in result.files:
        share = f.rows_rejected / f.rows_in if f.rows_in else 0.0
        lines.append((f"{f.kind}: rows rejected", f"{f.rows_rejected:,} of {f.rows_in:,} "
                      f"({100 * share:.2f}%)"))
    t = result.totals.set_index("measure")
    for m in ("active_members", "active_wage_mass", "pensioners", "pension_mass"):
        if m in t.index and t.loc[m, "in"]:
            lines.append((f"effect on {m.replace('_', ' ')}",
                          f"{100 * t.loc[m, 'removed_share']:.2f}% of the file total removed "
                          f"({t.loc[m, 'in']:,.0f} read, {t.loc[m, 'used']:,.0f} used)"))
    if result.controls is not None:
        bad = result.controls[~result.controls["agrees"]]
        lines.append(("control totals", f"{len(result.controls) - len(bad)} of "
                      f"{len(result.controls)} agree within their tolerance"
                      + ("" if bad.empty else "; differ: " + ", ".join(bad["measure"]))))
    else:
        lines.append(("control totals", "none supplied: completeness of the extract not tested"))
    return lines


def statement_notes(result: Any) -> list[str]:
    """The statement as starting-population notes (``data sufficiency: label = figures``)."""
    return [f"{NOTE_PREFIX}{label} = {text}" for label, text in sufficiency_statement(result)]


def statement_from_notes(notes: list[str]) -> list[tuple[str, str]]:
    """The (label, figures) lines carried in a starting population's notes (none: [])."""
    out = []
    for note in notes:
        if note.startswith(NOTE_PREFIX):
            label, _sep, text = note[len(NOTE_PREFIX):].partition(" = ")
            out.append((label, text))
    return out
