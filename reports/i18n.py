"""English and Khmer labels from one message catalogue (``reports/locale/messages.yaml``).

:func:`tr` is the one lookup: ``tr(key, lang, **values)`` returns the catalogue text of
``key`` in ``lang`` (``en`` or ``km``) with the ``{placeholders}`` filled. Numbers are
formatted for the language by :func:`number` (Khmer digits for ``km``; grouping and
decimal marks as in English, which Cambodian official tables also use).

The Khmer entries were drafted without a native reviewer: the catalogue says so
(``meta.km_reviewed: false``) and a Khmer workbook carries the ``draft_note``.
Which labels are translated: the Summary's title and key messages, the Charts sheet,
the Financing sheet's title, note and results, and the console's key messages; the
tables' headers stay in English (not done yet).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from actuary.io.errors import DataError

__all__ = ["LANGUAGES", "tr", "number", "catalogue", "reviewed"]

LANGUAGES = ("en", "km")
_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Key -> {language -> text} of the shipped catalogue."""
    text = resources.files("actuary.reports").joinpath("locale/messages.yaml").read_text(
        encoding="utf-8")
    return yaml.safe_load(text)["messages"]


def reviewed(lang: str) -> bool:
    """Whether a native speaker has reviewed the catalogue's ``lang`` text."""
    if lang == "en":
        return True
    text = resources.files("actuary.reports").joinpath("locale/messages.yaml").read_text(
        encoding="utf-8")
    return bool(yaml.safe_load(text)["meta"].get(f"{lang}_reviewed", False))


def number(text: str, lang: str) -> str:
    """A number already formatted in English, written for ``lang`` (Khmer digits)."""
    return text.translate(_KHMER_DIGITS) if lang == "km" else text


def tr(key: str, lang: str = "en", **values: Any) -> str:
    """The text of ``key`` in ``lang`` with ``values`` filled in (numbers given as text
    are converted with :func:`number`).

    Raises
    ------
    DataError
        If ``lang`` is not one of :data:`LANGUAGES` or the catalogue has no such key.
    """
    if lang not in LANGUAGES:
        raise DataError("unknown language", field="--lang", value=lang,
                        expected=" or ".join(LANGUAGES))
    entry = catalogue().get(key)
    if entry is None or lang not in entry:
        raise DataError("no such label in the message catalogue", source="messages.yaml",
                        field=key, value=lang, expected="a key with en and km texts")
    filled = {k: number(v, lang) if isinstance(v, str) else v for k, v in values.items()}
    return entry[lang].format(**filled)
