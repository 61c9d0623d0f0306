"""LibreOffice as the independent calculator of the workbooks' formulas (tests only).

openpyxl stores formulas without cached values, so LibreOffice computes every one when
it loads a file; converting to .xlsx writes the computed values, which openpyxl reads
back (``data_only=True``). :func:`formula_problems` then sets every formula cell beside
the value the test expects, so no formula goes unchecked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def recalculate(path: Path, workdir: Path) -> Path:
    """Convert ``path`` with LibreOffice headless (which computes every formula)."""
    out = workdir / "computed"
    profile = workdir / "lo-profile"
    env = dict(os.environ, HOME=str(workdir / "home"))
    cmd = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
           "--convert-to", "xlsx", "--outdir", str(out), str(path)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
    target = out / path.name
    assert target.exists(), f"LibreOffice did not convert the workbook: {done.stdout} {done.stderr}"
    return target


def formula_problems(path: Path, workdir: Path, expected: Callable[[openpyxl.Workbook], dict],
                     agrees: Callable[[Any, Any], bool]
                     ) -> tuple[int, list[tuple], openpyxl.Workbook]:
    """Every formula of the workbook at ``path``, computed by LibreOffice, against Python.

    ``expected(book)`` maps ``(sheet, cell)`` to what the formula must give (the book
    is the one with formulas); ``agrees(want, got)`` says whether LibreOffice's value
    matches. A formula cell missing from ``expected`` fails at once. Returns the number
    of formulas checked, the ``(where, formula, got, want)`` of those that disagree, and
    the workbook of computed values.
    """
    formulas = openpyxl.load_workbook(path)
    computed = openpyxl.load_workbook(recalculate(path, workdir), data_only=True)
    want_at = expected(formulas)
    checked, problems = 0, []
    for ws in formulas:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                where = (ws.title, cell.coordinate)
                assert where in want_at, f"formula {where} {cell.value} has no expected value"
                got = computed[ws.title][cell.coordinate].value
                checked += 1
                if not agrees(want_at[where], got):
                    problems.append((where, cell.value, got, want_at[where]))
    return checked, problems, computed


def to_pdf(path: Path, workdir: Path) -> Path:
    """Convert the workbook at ``path`` to PDF with LibreOffice headless (every sheet,
    with the print setup the workbook carries)."""
    out = workdir / "pdf"
    profile = workdir / "lo-profile"
    env = dict(os.environ, HOME=str(workdir / "home"))
    cmd = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless",
           "--convert-to", "pdf", "--outdir", str(out), str(path)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
    target = out / (path.stem + ".pdf")
    assert target.exists(), f"LibreOffice did not print the workbook: {done.stdout} {done.stderr}"
    return target


PDFTOTEXT = shutil.which("pdftotext")


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of ``pdf`` (pdftotext -layout, from poppler-utils), one
    string a page; pages are split at form feeds."""
    done = subprocess.run([PDFTOTEXT, "-layout", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, text=True, timeout=120, check=True)
    pages = done.stdout.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def pdf_page_count(pdf: Path) -> int:
    """Pages of ``pdf``: pdftotext's pages when installed, else the page objects."""
    if PDFTOTEXT:
        return len(pdf_pages(pdf))
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))
