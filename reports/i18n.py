"""English and Khmer labels from one message catalogue (``reports/locale/messages.yaml``).

Two kinds of entry, both in the one file:

* ``messages``: sentences with a short key (``tr("key_messages", lang)``), used where the
  wording is long or built from parts (the key messages, chart titles).
* ``labels``: the English text is the key, as a gettext ``msgid`` (``T("Year")``): table
  headers, titles, notes, units, console headlines. ``T`` reads the language of the
  current command, set once with :func:`language` (a context variable, so the writers
  need no ``lang`` argument). A label defined before the language is known (a
  module-level tuple of headers) is marked with :func:`N_` and translated where it is
  written with ``T(name)``.

A label missing from the catalogue is an error (:class:`DataError`) in either language;
``tests/reports/test_i18n.py`` walks every ``T``/``N_``/``tr`` call with a literal text
in the package and checks the catalogue has it in both languages with the same
placeholders.

Numbers and dates for the language
----------------------------------
* Numbers in **text** (titles, sentences, the console) are written with Khmer digits
  (០-៩) in Khmer, as Khmer prose and official documents write them; grouping and
  decimal marks stay ``1,234.5`` (CLDR's Khmer locale uses the same marks).
* Numbers in **cells** stay numbers with Latin digits: an Excel number format cannot
  portably show Khmer digits (Excel has no native-digit code for Khmer that LibreOffice
  also honours), and a number written as Khmer text would no longer add up, sort or
  feed a formula. CLDR's default numbering system for ``km`` is Latin (``latn``), so
  Latin digits in tables are the locale's own default.
* **Dates** in text: ``1 មករា 2025`` style from Babel's CLDR data (month names), with
  Khmer digits. Date **cells** stay dates with the format ``[$-453]d mmmm yyyy``
  (locale 0x0453 = Khmer), which Excel and LibreOffice show with Khmer month names.

The Khmer entries were drafted without a native reviewer: the catalogue says so
(``meta.km_reviewed: false``), the Khmer Summary carries the ``draft_note`` and every
printed page of a Khmer workbook carries the short ``draft_mark`` in its header.
Sheet names stay English in both languages: formulas, defined names, the charts'
references and other tools name the sheets; each sheet's Khmer title says what it is.
"""

from __future__ import annotations

import string
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

import yaml

from actuary.io.errors import DataError

__all__ = ["LANGUAGES", "tr", "T", "N_", "number", "catalogue", "labels", "reviewed",
           "language", "current", "date_text", "date_format", "num", "year", "T_known",
           "T_data", "width", "pad", "cut"]

LANGUAGES = ("en", "km")
_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
_CURRENT: ContextVar[str] = ContextVar("actuary_language", default="en")
#: Excel number format of a date cell in each language (0x0453: Khmer month names).
_DATE_FORMATS = {"en": "yyyy-mm-dd", "km": "[$-453]d mmmm yyyy"}


@lru_cache(maxsize=1)
def _file() -> dict[str, Any]:
    text = resources.files("actuary.reports").joinpath("locale/messages.yaml").read_text(
        encoding="utf-8")
    # libyaml's parser when PyYAML has it: the same data, 15 times faster than the
    # pure-Python one on this 120 kB catalogue (0.2 s of a 2.7 s warm valuate)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def catalogue() -> dict[str, dict[str, str]]:
    """Key -> {language -> text} of the catalogue's ``messages``."""
    return _file()["messages"]


def labels() -> dict[str, str]:
    """English label -> Khmer label (the catalogue's ``labels``)."""
    return _file()["labels"]


def reviewed(lang: str) -> bool:
    """Whether a native speaker has reviewed the catalogue's ``lang`` text."""
    if lang == "en":
        return True
    return bool(_file()["meta"].get(f"{lang}_reviewed", False))


def _check(lang: str) -> str:
    if lang not in LANGUAGES:
        raise DataError("unknown language", field="--lang", value=lang,
                        expected=" or ".join(LANGUAGES))
    return lang


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Write labels in ``lang`` (``en``, ``km``) inside the ``with`` block."""
    token = _CURRENT.set(_check(lang))
    try:
        yield lang
    finally:
        _CURRENT.reset(token)


def current() -> str:
    """The language labels are written in now (``en`` unless :func:`language` says)."""
    return _CURRENT.get()


def number(text: str, lang: str) -> str:
    """A number already formatted in English, written for ``lang`` (Khmer digits)."""
    return text.translate(_KHMER_DIGITS) if lang == "km" else text


def num(text: Any) -> str:
    """``text`` (a number, or a number formatted in English) in the current language."""
    return number(str(text), current())


def year(value: Any) -> str:
    """A calendar year as text in the current language (``2050``, ``២០៥០``)."""
    return num(int(value))


def date_text(value: date | datetime | str, lang: str | None = None) -> str:
    """A date as text: ISO ``2025-01-01`` in English (as the workbooks always wrote it),
    ``១ មករា ២០២៥`` in Khmer (month names from CLDR through Babel, Khmer digits).
    A string is parsed as an ISO date (or date and time) first: a date alone stays a
    date (no ``00:00:00``)."""
    lang = _check(lang or current())
    if isinstance(value, str):
        try:
            value = (date.fromisoformat(value) if len(value.strip()) == 10
                     else datetime.fromisoformat(value))
        except ValueError:
            return number(value, lang)  # not a date: written as given
    if lang == "en":
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    from babel.dates import format_date, format_time  # imported when Khmer is asked for

    text = format_date(value, "d MMMM y", locale=lang)
    if isinstance(value, datetime):
        text += " " + format_time(value, "HH:mm:ss", locale=lang)
    return number(text, lang)


def date_format(lang: str | None = None) -> str:
    """The Excel number format of a date cell in ``lang`` (default: the current one)."""
    return _DATE_FORMATS[_check(lang or current())]


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def tr(key: str, lang: str = "en", **values: Any) -> str:
    """The text of ``key`` in ``lang`` with ``values`` filled in (numbers given as text
    are converted with :func:`number`).

    Raises
    ------
    DataError
        If ``lang`` is not one of :data:`LANGUAGES` or the catalogue has no such key.
    """
    _check(lang)
    entry = catalogue().get(key)
    if entry is None or lang not in entry:
        raise DataError("no such label in the message catalogue", source="messages.yaml",
                        field=key, value=lang, expected="a key with en and km texts")
    filled = {k: number(v, lang) if isinstance(v, str) else v for k, v in values.items()}
    return entry[lang].format(**filled)


def N_(text: str) -> str:
    """Mark ``text`` as a label to translate later with ``T(text)`` (returns it as is)."""
    return text


def T(text: str, **values: Any) -> str:
    """The label ``text`` (its English form) in the current language, ``{placeholders}``
    filled with ``values``: integers are written with the language's digits; text and
    other values as given (format a number into text first and pass it through
    :func:`num` when it should take Khmer digits).

    Raises
    ------
    DataError
        If the catalogue has no Khmer text for ``text`` (checked in English too, so a
        missing label fails the English tests as well).
    """
    lang = current()
    translated = labels().get(text)
    if translated is None:
        raise DataError("no such label in the message catalogue", source="messages.yaml",
                        field=text, value=lang, expected="an entry under labels: with its "
                        "Khmer text")
    out = text if lang == "en" else translated
    if not values:
        return out
    filled = {k: number(str(v), lang) if isinstance(v, int) and not isinstance(v, bool)
              else v for k, v in values.items()}
    return out.format(**filled)


def T_known(text: str, lang: str | None = None) -> str:
    """``text`` in ``lang`` (default: the current language) if the catalogue has it,
    else as it is: for names that come from the data (assumption sets' labels, reasons
    from lower layers), where an unknown one must not stop a run."""
    if (lang or current()) == "en":
        return text
    return labels().get(text, text)


def T_data(text: Any, templates: tuple[tuple[Any, str], ...] = ()) -> Any:
    """Text from the data or a lower layer in the current language: the catalogue's label
    when it has ``text`` (:func:`T_known`), else the first of ``templates`` (compiled
    regular expression, English label with named placeholders) that matches it whole,
    filled with its named groups (each a catalogue label if it is one, else with the
    language's digits), else ``text`` as it is. Values that are not text are returned
    unchanged.

    For texts a lower layer builds from a fixed wording and numbers or names
    (``each id once; this id is on rows 3, 9``), which cannot import the catalogue: the
    English wording stays in one place there, its translation here.
    """
    if not isinstance(text, str) or current() == "en":
        return text
    known = labels().get(text)
    if known is not None:
        return known
    for pattern, label in templates:
        m = pattern.fullmatch(text)
        if m:
            lang = current()
            return T(label, **{k: labels().get(v) or number(v, lang)
                               for k, v in m.groupdict().items()})
    return text


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal: combining marks (Khmer vowel signs above and
    below, the subscript sign) take none, so Khmer columns line up like English ones."""
    import unicodedata

    return sum(0 if unicodedata.category(c) in ("Mn", "Me", "Cf") else 1 for c in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (``right``: aligned
    right), as ``f"{text:34s}"`` / ``f"{text:>10s}"`` do for English."""
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill


def cut(text: str, columns: int) -> str:
    """``text`` cut to at most ``columns`` terminal columns; Khmer at a space (a cut
    inside a cluster would leave a broken syllable), English as ``text[:columns]`` did."""
    if width(text) <= columns:
        return text
    if not any("\u1780" <= c <= "\u17ff" for c in text):
        return text[:columns]
    out = ""
    for word in text.split(" "):
        nxt = f"{out} {word}" if out else word
        if width(nxt) > columns:
            break
        out = nxt
    return out
