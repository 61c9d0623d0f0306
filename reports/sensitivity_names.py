"""The names of sensitivity tests and shocks, as a reader of the workbook sees them.

A test's name is data (the set's ``sensitivities`` and ``shocks``, the shipped default
lists, the occupational-risk branch's own tests): the analysis keys its rows by the
English name, and the English workbook shows it as written. In another language the
name is written through the catalogue (:func:`actuary.reports.i18n.T_data`): the whole
name when the catalogue has it (``floor and ceiling frozen``), else the first of
:data:`TEST_TEMPLATES` that matches it whole, its parts (``mortality``, ``wage
growth``) as catalogue labels and its numbers with the language's digits. A name that
neither knows (a set's own test) is shown as written.
"""

from __future__ import annotations

import re
from typing import Any

from .i18n import N_, T_data, T_known

__all__ = ["TEST_TEMPLATES", "name_of_test", "kind_of_test"]

_WHAT = r"(?P<what>[a-z][a-z -]*[a-z])"
_NUM = r"\d+(?:\.\d+)?"

#: (pattern, English label) of the generated shapes of the shipped tests' names.
TEST_TEMPLATES = (
    (re.compile(_WHAT + rf" (?P<change>[+-]{_NUM})%"), N_("{what} {change}%")),
    (re.compile(_WHAT + rf" (?P<change>[+-]{_NUM}) pt"), N_("{what} {change} pt")),
    (re.compile(_WHAT + rf" x(?P<factor>{_NUM})"), N_("{what} x{factor}")),
    (re.compile(_WHAT + r" (?P<change>[+-]\d+) from (?P<year>\d{4})"),
     N_("{what} {change} from {year}")),
    (re.compile(r"crisis (?P<year>\d{4}): (?P<months>\d+) months without contributions, "
                r"credits kept"),
     N_("crisis {year}: {months} months without contributions, credits kept")),
    (re.compile(r"crisis (?P<year>\d{4}): (?P<months>\d+) months without contributions, "
                r"no credits"),
     N_("crisis {year}: {months} months without contributions, no credits")),
    (re.compile(rf"employment shock (?P<year>\d{{4}}): (?P<share>{_NUM})% fewer "
                r"contributors, (?P<years>\d+)-year recovery"),
     N_("employment shock {year}: {share}% fewer contributors, {years}-year recovery")),
)


def name_of_test(name: Any) -> Any:
    """The test's ``name`` in the current language (as given in English, or when the
    catalogue knows neither it nor its shape)."""
    return T_data(name, TEST_TEMPLATES)


def kind_of_test(kind: Any) -> Any:
    """A row's kind (``base``, ``sensitivity``, ``shock``) in the current language."""
    return T_known(kind) if isinstance(kind, str) else kind

