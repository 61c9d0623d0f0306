"""Khmer and English: the catalogue is complete, the Khmer workbook renders Khmer.

The Khmer text was drafted without a native reviewer (the catalogue says so and the
workbook shows a note); these tests check completeness and rendering, not the wording.

Completeness is checked two ways: every ``T``/``N_``/``tr`` call with a literal text in
the package (walked with ``ast``) has its entry in both languages with the same
placeholders, and the labels that come from lower layers' tables (rate paths, status
names) are in the catalogue too.
"""

from __future__ import annotations

import ast
import re
import string
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
from libreoffice import PDFTOTEXT, SOFFICE, pdf_pages, to_pdf  # noqa: E402
from test_workbook import synthetic_result  # noqa: E402

from actuary.io.errors import ActuaryError  # noqa: E402
from actuary.reports import write_valuation_workbook  # noqa: E402
from actuary.reports.definitions import DEFINITIONS  # noqa: E402
from actuary.reports.i18n import (LANGUAGES, T, catalogue, date_format, date_text,  # noqa: E402
                                  labels, language, number, pad, reviewed, tr, width)
from actuary.reports.messages import key_messages  # noqa: E402

KHMER = re.compile("[\u1780-\u17ff]")
ROOT = Path(__file__).resolve().parents[2]
#: The folders whose code writes workbooks and console headlines.
CODE = ("reports", "cli", "actuary")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def _literal_calls() -> dict[str, list[tuple[str, str]]]:
    """Function name (T, N_, tr) -> [(literal first argument, file:line)] over the code."""
    found: dict[str, list[tuple[str, str]]] = {"T": [], "N_": [], "tr": []}
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in found and node.args
                        and isinstance(node.args[0], ast.Constant)
                        and isinstance(node.args[0].value, str)):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    found[node.func.id].append((node.args[0].value, where))
    return found


def test_every_label_used_in_the_code_is_in_both_languages():
    calls = _literal_calls()
    assert len(calls["T"]) > 300 and len(calls["tr"]) > 10  # the walk found the code
    table = labels()
    missing = [(text, where) for text, where in calls["T"] + calls["N_"] if text not in table]
    assert not missing, f"labels missing from reports/locale/messages.yaml: {missing[:10]}"
    cat = catalogue()
    missing = [(key, where) for key, where in calls["tr"] if key not in cat]
    assert not missing, f"messages missing from the catalogue: {missing}"


def test_every_entry_has_both_languages_with_the_same_placeholders():
    cat = catalogue()
    for key, entry in cat.items():
        for lang in LANGUAGES:
            assert isinstance(entry.get(lang), str), (key, lang)
        if key not in ("draft_note", "draft_mark"):
            assert entry["en"] and entry["km"], key
        if not key.startswith(("definition.", "method.")):  # English read from the docstrings
            assert _fields(entry["en"]) == _fields(entry["km"]), key
        if entry["km"]:
            assert KHMER.search(entry["km"]) or not re.search("[A-Za-z]{4}", entry["km"]), key
    for english, khmer in labels().items():
        assert isinstance(khmer, str) and khmer.strip(), english
        assert _fields(english) == _fields(khmer), english
        # Khmer, or a text that is the same in both (a symbol, a code path) or an acronym
        assert KHMER.search(khmer) or khmer == english or not re.search("[a-z]{4}", khmer), \
            english


def test_the_labels_of_lower_layers_and_every_definition_are_translated():
    from actuary.analysis.rate_paths import PATH_INDICATORS
    from actuary.engine.state import STATUS_NAMES
    from actuary.studies.change_keys import GROUP_TITLES

    table = labels()
    for _key, label, _kind in PATH_INDICATORS:
        assert label.strip() in table, label
    for status in STATUS_NAMES:
        assert status.replace("_", "-") in table, status
    for title in GROUP_TITLES.values():
        assert title in table, title
    for status in ("confirmed", "secondary", "derived", "unverified"):
        assert status in table
    cat = catalogue()
    for key in (*DEFINITIONS, "conventions"):
        assert KHMER.search(cat[f"definition.{key}"]["km"]), key


def test_a_missing_label_or_language_is_an_error():
    with pytest.raises(ActuaryError, match="catalogue"):
        tr("no_such_label", "en")
    with pytest.raises(ActuaryError, match="language"):
        tr("key_messages", "fr")
    with pytest.raises(ActuaryError, match="catalogue"):
        T("A label nobody wrote")
    with pytest.raises(ActuaryError, match="language"):
        with language("fr"):
            pass


def test_labels_follow_the_language_of_the_block():
    assert T("Year") == "Year"
    with language("km"):
        assert T("Year") == labels()["Year"]
        # an integer takes Khmer digits; the English label is the same with Latin ones
        assert T("General average premium, {n} years", n=75).endswith("៧៥ ឆ្នាំ")
        with language("en"):
            assert T("Year") == "Year"
    assert T("General average premium, {n} years", n=75) == "General average premium, 75 years"


def test_khmer_numbers_dates_and_the_draft_mark():
    assert number("1,452.1", "km") == "១,៤៥២.១"
    assert number("1,452.1", "en") == "1,452.1"
    assert not reviewed("km") and reviewed("en")
    # dates: ISO in English as before; Khmer month names (CLDR) with Khmer digits
    assert date_text(date(2025, 1, 1), "en") == "2025-01-01"
    assert date_text(date(2025, 1, 1), "km") == "១ មករា ២០២៥"
    assert date_text(date(2026, 12, 7), "km") == "៧ ធ្នូ ២០២៦"
    assert date_text(datetime(2026, 3, 5, 9, 4, 1), "km") == "៥ មីនា ២០២៦ ០៩:០៤:០១"
    assert date_text("not a date", "km") == "not a date"
    # an ISO date as text stays a date (the change workbook's title said 00:00:00)
    assert date_text("2025-01-01", "en") == "2025-01-01"
    assert date_text("2025-01-01", "km") == "១ មករា ២០២៥"
    assert date_text("2025-01-01 10:00:00", "en") == "2025-01-01 10:00:00"
    # date cells stay dates: the Khmer format asks for the Khmer locale's month names
    assert date_format("en") == "yyyy-mm-dd" and date_format("km").startswith("[$-453]")
    # terminal columns: Khmer combining signs take none
    khmer = labels()["Year"]
    assert width(khmer) < len(khmer) and len(pad(khmer, 10)) == len(khmer) + 10 - width(khmer)


def test_key_messages_in_both_languages_carry_the_same_figures():
    result = synthetic_result()
    en, km = key_messages(result, "en"), key_messages(result, "km")
    assert len(en) == len(km) >= 3
    for a, b in zip(en, km):
        assert KHMER.search(b)
        assert [number(x, "km") for x in re.findall(r"[\d,.]*\d", a)] == \
            re.findall(r"[០-៩,.]*[០-៩]", b)


def _english_words(text: str) -> list[str]:
    """Words of English letters in ``text`` that are not formula symbols, acronyms or
    units (S_t, GAP, PAYG, KHR, ILO ...): what a reader would call untranslated text."""
    words = re.findall(r"(?<![\w.])[A-Za-z][a-z]{3,}(?![\w.(])", text)
    return [w for w in words if not w[0].isupper() or w.lower() in ("year", "reserve")]


def test_every_label_of_the_khmer_workbook_is_khmer(tmp_path):
    """The headers and titles of every sheet of a Khmer workbook carry no English words
    (sheet names, the data's own texts and code paths aside)."""
    result = synthetic_result(n_years=30, sensitivity=True)
    path = write_valuation_workbook(result, tmp_path / "km.xlsx", lang="km")
    book = openpyxl.load_workbook(path)
    for ws in book:
        title = ws["A1"].value
        assert isinstance(title, str) and KHMER.search(title), (ws.title, title)
        # the part before the colon: a title's own words (after it, the Summary names
        # the scheme in the data's words)
        assert not _english_words(title.split("៖")[0].split("(")[0]), (ws.title, title)
        # the header row: the row before the first row of numbers under a styled header
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
            cells = [c for c in row if isinstance(c.value, str) and c.font and c.font.b
                     and c.fill is not None and c.fill.fgColor.rgb not in (None, "00000000")]
            for c in cells:
                english = _english_words(c.value)
                assert not english or KHMER.search(c.value), (ws.title, c.coordinate, c.value)
    summary = book["Summary"]
    assert summary["A4"].value == tr("key_messages", "km")
    # the valuation date cell stays a date, shown with the Khmer month names
    dates = [c for row in summary.iter_rows() for c in row if getattr(c, "is_date", False)]
    assert dates and all(c.number_format == date_format("km") for c in dates)
    # every sheet says on paper that the Khmer is a draft
    assert all(tr("draft_mark", "km") in ws.oddHeader.center.text for ws in book)
    # every text cell, not only the headers: what is left in English is the data's own
    # (the set's descriptions and sources, the starting data, the provenance, the
    # sensitivity tests' names, the Projection's column keys, the Summary's hidden keys)
    sys.path.insert(0, str(Path(__file__).parent))
    from khmer_check import english_cells

    left = english_cells(book, {
        "Assumptions": "*", "Data and assumptions": "*", "Actual vs expected": "*",
        "Provenance": "*", "Starting data": "*", "Sensitivity": "B", "Projection": "3",
        "Summary": "B,C,L,M", "Actuarial opinion": "B"})
    assert not left, left[:10]


def test_the_english_workbook_has_no_draft_mark(tmp_path):
    result = synthetic_result(n_years=30, sensitivity=False)
    book = openpyxl.load_workbook(write_valuation_workbook(result, tmp_path / "en.xlsx"))
    assert not any((ws.oddHeader.center.text or "") for ws in book)
    assert book["Projection"]["A4"].value == "Year"


@pytest.mark.skipif(SOFFICE is None or PDFTOTEXT is None,
                    reason="LibreOffice prints and pdftotext reads the workbook (CI installs "
                           "both, and fonts-khmeros)")
def test_khmer_workbook_prints_khmer_text(tmp_path):
    result = synthetic_result(n_years=30, sensitivity=False)
    path = write_valuation_workbook(result, tmp_path / "km.xlsx", lang="km")
    book = openpyxl.load_workbook(path)
    assert book["Financing"]["A1"].value == tr("financing_title", "km")
    assert KHMER.search(book["Charts"]["A1"].value)
    pages = pdf_pages(to_pdf(path, tmp_path))
    text = "".join(pages)
    # Words without a subscript consonant (U+17D2) come back from the PDF as typed
    # (pdftotext drops some stacked clusters of shaped Khmer): the heading, and the
    # first such words of the key messages and of every sheet's title.
    assert tr("key_messages", "km") in text
    plain = [w for m in key_messages(result, "km") for w in m.split()
             if KHMER.search(w) and "\u17d2" not in w and len(w) >= 4]
    assert len(plain) >= 10
    assert sum(w in text for w in plain) >= 0.75 * len(plain)  # some split by wrapping
    titles = [w for ws in book for w in str(ws["A1"].value).split()
              if KHMER.search(w) and "\u17d2" not in w and len(w) >= 3]
    assert len(titles) >= 8
    assert sum(w in text for w in titles) >= 0.75 * len(titles)
    assert len(KHMER.findall(pages[0])) > 200
    # the valuation date printed with a Khmer month name (a date cell, Khmer format)
    assert "មករា" in text
    # and a Khmer font is embedded
    assert b"Khmer" in (tmp_path / "pdf" / "km.pdf").read_bytes()


def test_valuate_lang_km_prints_khmer_key_messages_and_headline(tmp_path):
    from actuary.cli import valuate_cmd

    result = synthetic_result(n_years=30, sensitivity=False)
    out = valuate_cmd.key_message_lines(result, "km")
    assert out.startswith(tr("console_key_messages", "km"))
    assert KHMER.search(out)
    english = valuate_cmd.headline(result)
    with language("km"):
        khmer = valuate_cmd.headline(result)
    assert english.splitlines()[2:] != khmer.splitlines()[2:]
    assert len(english.splitlines()) == len(khmer.splitlines())
    for line in khmer.splitlines()[1:]:
        assert not _english_words(line.split("(")[0]) or "actuary" in line, line
    # the same figures, in Khmer digits
    assert [number(x, "km") for x in re.findall(r"\d[\d,.]*%", english)] == \
        re.findall(r"[០-៩][០-៩,.]*%", khmer)
    from actuary.cli.main import main

    # through the group, as a user calls it (invoking the subcommand alone would cache
    # its help option without the group's -h, and a later test of -h would fail)
    bad = CliRunner().invoke(main, ["valuate", "--lang", "fr", "--out",
                                    str(tmp_path / "x.xlsx")])
    assert bad.exit_code != 0 and "fr" in bad.output
