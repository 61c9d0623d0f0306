"""The notes and kinds of compared scenarios, as a reader of the workbook sees them.

A scenario's notes are written by the code that runs a design
(:mod:`actuary.schemes.public_sector`, ``public_groups``, ``self_employed_design``,
``tiers``, :func:`actuary.schemes.design_params.unverified_note`) from a fixed wording
and the run's figures; the schemes layer cannot import the catalogue, so the English
wording stays there and its translation is here: :data:`NOTE_TEMPLATES` match a note
whole and fill the catalogue's label with its parts. Names from the data (scenario,
set and file names, key paths, a tier-0 test's name) are kept as written; numbers take
the language's digits, a date is written for the language. A note no template matches
is shown as written (the English workbook shows every note as written).
"""

from __future__ import annotations

import re
from typing import Any

from .i18n import N_, T, current, date_text, labels, num

__all__ = ["NOTE_TEMPLATES", "scenario_note", "scenario_kind"]

_NUM = r"-?[\d,]+(?:\.\d+)?"
#: Parts of a note that are the data's names: kept as written (no Khmer digits in them).
_AS_IS = {"names", "legacy", "new", "aset", "test", "file", "keys"}

#: (pattern, English label) of every note the schemes layer writes.
NOTE_TEMPLATES = (
    (re.compile(rf"groups: (?P<names>.+); first-year budget cost (?P<usd>{_NUM}) million USD "
                rf"a month at (?P<rate>{_NUM}) KHR/USD"),
     N_("groups: {names}; first-year budget cost {usd} million USD a month at {rate} KHR/USD")),
    (re.compile(r"(?P<design>[a-z ]+) from (?P<date>\d{4}-\d{2}-\d{2}): legacy = (?P<legacy>.+), "
                r"new scheme = (?P<new>.+)"),
     N_("{design} from {date}: legacy = {legacy}, new scheme = {new}")),
    (re.compile(rf"transition cost, PV over (?P<n>\d+) years: (?P<pv>{_NUM}) billion KHR; "
                rf"peak (?P<peak>{_NUM}) billion KHR in (?P<year>\S+)"),
     N_("transition cost, PV over {n} years: {pv} billion KHR; peak {peak} billion KHR in "
        "{year}")),
    (re.compile(rf"of which the change of financing (?P<financing>{_NUM}) and the change of "
                rf"the benefit formula (?P<formula>{_NUM}) billion KHR \(PV\); salaries "
                r"grossed up: (?P<gross>yes|no)"),
     N_("of which the change of financing {financing} and the change of the benefit formula "
        "{formula} billion KHR (PV); salaries grossed up: {gross}")),
    (re.compile(rf"take-up: (?P<share>{_NUM})% of the (?P<eligible>{_NUM}) self-employed in "
                rf"year 10; mean density (?P<density>{_NUM}) over (?P<bands>\d+) bands"),
     N_("take-up: {share}% of the {eligible} self-employed in year 10; mean density {density} "
        "over {bands} bands")),
    (re.compile(r"tier 1: (?P<aset>[^;]+); tier 0: (?P<test>[^;]+); tier 2: "
                r"(?P<tier2>individual accounts|none)"),
     N_("tier 1: {aset}; tier 0: {test}; tier 2: {tier2}")),
    (re.compile(rf"tier-2 assets (?P<y25>{_NUM})% of GDP in year 25, (?P<y50>{_NUM})% in "
                r"year 50"),
     N_("tier-2 assets {y25}% of GDP in year 25, {y50}% in year 50")),
    (re.compile(r"(?P<n>\d+) unverified parameters in (?P<file>\S+): (?P<keys>.+)"),
     N_("{n} unverified parameters in {file}: {keys}")),
)


def _part(key: str, value: str) -> str:
    known = labels().get(value)
    if known is not None and (key not in _AS_IS or value == "none"):
        return known if current() != "en" else value
    if key in _AS_IS:
        return value
    if key == "date":
        return date_text(value)
    return num(value)


def scenario_note(note: str) -> str:
    """``note`` in the current language: the catalogue's wording of the first template
    that matches it whole, else as written."""
    if current() == "en":
        return note
    for pattern, label in NOTE_TEMPLATES:
        m = pattern.fullmatch(note)
        if m:
            return T(label, **{k: _part(k, v) for k, v in m.groupdict().items()})
    return note


def scenario_kind(kind: Any) -> Any:
    """A scenario's kind (``set``, ``transition``, ``new_entrants`` ...) in the current
    language; in English the kind as the code names it."""
    if current() == "en" or not isinstance(kind, str):
        return kind
    return labels().get(kind.replace("_", " "), kind)
