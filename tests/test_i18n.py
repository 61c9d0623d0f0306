"""Khmer and English: the catalogue is complete, the Khmer workbook renders Khmer.

The Khmer text was drafted without a native reviewer (the catalogue says so and the
workbook shows a note); these tests check completeness and rendering, not the wording.
"""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import PDFTOTEXT, SOFFICE, pdf_pages, to_pdf  # noqa: E402
from test_workbook import synthetic_result  # noqa: E402

from actuary.io.errors import ActuaryError  # noqa: E402
from actuary.reports import write_valuation_workbook  # noqa: E402
from actuary.reports.i18n import LANGUAGES, catalogue, number, reviewed, tr  # noqa: E402
from actuary.reports.messages import key_messages  # noqa: E402

KHMER = re.compile("[\u1780-\u17ff]")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_label_has_both_languages_with_the_same_placeholders():
    cat = catalogue()
    assert len(cat) >= 30
    for key, entry in cat.items():
        for lang in LANGUAGES:
            assert isinstance(entry.get(lang), str), (key, lang)
        if key != "draft_note":
            assert entry["en"] and entry["km"], key
        assert _fields(entry["en"]) == _fields(entry["km"]), key
        if entry["km"]:
            assert KHMER.search(entry["km"]) or not re.search("[A-Za-z]{4}", entry["km"]), key


def test_a_missing_label_or_language_is_an_error():
    with pytest.raises(ActuaryError, match="catalogue"):
        tr("no_such_label", "en")
    with pytest.raises(ActuaryError, match="language"):
        tr("key_messages", "fr")


def test_khmer_numbers_and_the_draft_mark():
    assert number("1,452.1", "km") == "១,៤៥២.១"
    assert number("1,452.1", "en") == "1,452.1"
    assert not reviewed("km") and reviewed("en")


def test_key_messages_in_both_languages_carry_the_same_figures():
    result = synthetic_result()
    en, km = key_messages(result, "en"), key_messages(result, "km")
    assert len(en) == len(km) >= 3
    for a, b in zip(en, km):
        assert KHMER.search(b)
        assert [number(x, "km") for x in re.findall(r"[\d,.]*\d", a)] == \
            re.findall(r"[០-៩,.]*[០-៩]", b)


@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None,
                    reason="LibreOffice prints and pdftotext reads the workbook (CI installs "
                           "both, and fonts-khmeros)")
def test_khmer_workbook_prints_khmer_text(tmp_path):
    result = synthetic_result(n_years=30, sensitivity=False)
    path = write_valuation_workbook(result, tmp_path / "km.xlsx", lang="km")
    book = openpyxl.load_workbook(path)
    assert book["Summary"]["A4"].value == tr("key_messages", "km")
    assert book["Financing"]["A1"].value == tr("financing_title", "km")
    assert KHMER.search(book["Charts"]["A1"].value)
    pages = pdf_pages(to_pdf(path, tmp_path))
    text = "".join(pages)
    # Words without a subscript consonant (U+17D2) come back from the PDF as typed
    # (pdftotext drops some stacked clusters of shaped Khmer): the heading, and the
    # first such words of the key messages.
    assert tr("key_messages", "km") in text
    plain = [w for m in key_messages(result, "km") for w in m.split()
             if KHMER.search(w) and "\u17d2" not in w and len(w) >= 4]
    assert len(plain) >= 10
    assert sum(w in text for w in plain) >= 0.75 * len(plain)  # some split by wrapping
    assert len(KHMER.findall(pages[0])) > 200
    # and a Khmer font is embedded
    assert b"Khmer" in (tmp_path / "pdf" / "km.pdf").read_bytes()


def test_valuate_lang_km_prints_khmer_key_messages(tmp_path, monkeypatch):
    from actuary.cli import valuate_cmd

    result = synthetic_result(n_years=30, sensitivity=False)
    out = valuate_cmd.key_message_lines(result, "km")
    assert out.startswith(tr("console_key_messages", "km"))
    assert KHMER.search(out)
    bad = CliRunner().invoke(valuate_cmd.valuate, ["--lang", "fr", "--out",
                                                   str(tmp_path / "x.xlsx")])
    assert bad.exit_code != 0 and "fr" in bad.output
