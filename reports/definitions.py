"""Indicator definitions in words, read from the docstrings of :mod:`actuary.analysis.indicators`.

DESIGN §6 asks for one definition of each indicator, written in its docstring and in
the workbook. Reading the docstring here keeps the two the same: change the
definition in the code and the workbook follows. Indicators computed outside
``actuary.analysis.indicators`` (dependency ratio, replacement rates, gender pension gap, the
share of GDP) are defined here, as :func:`actuary.analysis.valuation.yearly_frame`,
:func:`actuary.analysis.valuation.by_sex_frame` and :mod:`actuary.analysis.careers` compute them.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from actuary.analysis import indicators as ind

from .i18n import catalogue, current

__all__ = ["docstring_text", "conventions_text", "DEFINITIONS", "definition", "conventions"]

_SECTION = re.compile(r"^(Parameters|Returns|Attributes|Notes|Examples|Raises)\s*$")


def docstring_text(obj: Any) -> str:
    """The prose of ``obj``'s docstring, reST markup removed, one line per paragraph.

    Stops at the first numpy-style section (``Parameters``, ``Returns`` ...).
    """
    doc = inspect.getdoc(obj) or ""
    paragraphs: list[str] = []
    current: list[str] = []
    lines = doc.splitlines()
    for k, line in enumerate(lines):
        nxt = lines[k + 1] if k + 1 < len(lines) else ""
        if _SECTION.match(line.strip()) and set(nxt.strip()) == {"-"}:
            break
        if line.strip().startswith("* ") and current:
            paragraphs.append(" ".join(current))  # a bullet starts its own paragraph
            current = []
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    text = "\n".join(paragraphs)
    text = re.sub(r":\w+:`~?([^`]+)`", r"\1", text)  # :func:`x` -> x
    return text.replace("``", "")


def conventions_text() -> str:
    """The notation and conventions paragraphs of the ``actuary.analysis.indicators`` module."""
    text = docstring_text(ind)
    # Drop the first line (the module's title); keep notation, timing and discounting.
    return text.split("\n", 1)[1] if "\n" in text else text


DEFINITIONS: dict[str, str] = {
    "payg": docstring_text(ind.payg_cost_rate),
    "reserve": docstring_text(ind.reserve_path) + "\n" + docstring_text(ind.investment_income),
    "reserve_ratio": docstring_text(ind.reserve_ratio),
    "gap": docstring_text(ind.general_average_premium),
    "scaled": docstring_text(ind.scaled_premiums),
    "depletion": docstring_text(ind.depletion),
    "balance": docstring_text(ind.actuarial_balance),
    "steady_state": docstring_text(ind.steady_state_rate),
    "dependency": (
        "System dependency ratio: old-age and invalidity pensioners over active "
        "contributors, both counted on 1 January of the year."
    ),
    "cash_flows": (
        "Contributions C_t and expenditure B_t (benefits plus administrative expenses) of "
        "the year, as the Projection sheet holds them; in USD at the set's exchange rate and "
        "as a share of the nominal GDP of the same year."
    ),
    "gdp": (
        "Expenditure B_t (benefits plus administrative expenses) in per cent of the "
        "nominal GDP of the same year."
    ),
    "replacement_aggregate": (
        "Aggregate replacement rate, by sex: the average old-age pension in payment on "
        "1 January over the average monthly wage of contributors in the year "
        "(wage mass over contributor-years)."
    ),
    "replacement_career": (
        "Model careers: one member projected under the same rules with no decrements; "
        "the replacement rate is the first annual pension over the final annual wage "
        "(gross). The ILO Convention 102 standard beneficiary (30 years of contributions, "
        "men's average wage) should receive at least 40%."
    ),
    "gender_gap": (
        "Gender pension gap: 1 minus the average old-age pension of women over that of "
        "men (pensions in payment on 1 January)."
    ),
}


def definition(key: str) -> str:
    """The definition of indicator ``key`` in the current language: the docstring's words
    in English; the catalogue's ``definition.<key>`` in Khmer (a translation of the same
    words, kept by hand: a docstring change must be carried to the catalogue)."""
    lang = current()
    # the catalogue's text as it is (the formulas' braces, F_{t-1}, are no placeholders)
    return DEFINITIONS[key] if lang == "en" else catalogue()[f"definition.{key}"][lang]


def conventions() -> str:
    """:func:`conventions_text` in the current language (the catalogue's
    ``definition.conventions`` in Khmer)."""
    lang = current()
    return conventions_text() if lang == "en" else catalogue()["definition.conventions"][lang]
