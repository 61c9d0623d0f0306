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


def _chart_texts(chart) -> tuple[str, list[str]]:
    """(title, the texts printed at the chart's bottom edge: legend names, else the value
    axis title of a horizontal bar chart) of an openpyxl chart."""
    title = chart.title
    if title is not None and not isinstance(title, str):
        title = "".join(r.t for p in title.tx.rich.p for r in (p.r or []))
    bottom = []
    if chart.legend is not None:
        for s in chart.series:
            if s.tx is not None and s.tx.v:
                bottom.append(str(s.tx.v))
    elif getattr(chart, "type", None) == "bar" and chart.y_axis.title is not None:
        t = chart.y_axis.title
        bottom.append(t if isinstance(t, str) else
                      "".join(r.t for p in t.tx.rich.p for r in (p.r or [])))
    return title or "", bottom


def split_charts(pages: list[str], book) -> tuple[int, list[tuple]]:
    """(charts checked, charts printed across a page break) of ``book`` (openpyxl, with
    its charts) printed as ``pages`` (pdftotext -layout text, one string a page).

    A chart is whole when the page where its title begins also holds the texts of its
    bottom edge (legend names; for a legend-less horizontal bar chart, its value-axis
    title): a break through the chart would put those on a later page. Text is matched
    within the layout's segments (runs split at 3 spaces or more), because charts side
    by side share printed lines. A chart whose title or bottom texts are not found at all
    is reported too (it is not silently skipped). Only the pages of the chart's sheet are
    searched (each page's footer starts with its sheet's name, as
    :mod:`actuary.reports.printing` writes it).
    """
    import re

    def segments(page: str) -> list[str]:
        return [" ".join(seg.split()) for line in page.splitlines()
                for seg in re.split(r"\s{3,}", line) if seg.strip()]

    segs = [segments(p) for p in pages]
    # the sheet of each page, from the footer (its last line starts with the sheet's name)
    names = sorted(book.sheetnames, key=len, reverse=True)
    sheet_of = []
    for p in pages:
        lines = [ln.strip() for ln in p.splitlines() if ln.strip()]
        last = lines[-1] if lines else ""
        sheet_of.append(next((n for n in names if last.startswith(n)), None))
    checked, split = 0, []
    for ws in book.worksheets:
        for chart in getattr(ws, "_charts", []):
            title, bottom = _chart_texts(chart)
            head = " ".join(title.split()[:3])
            if not head or not bottom:
                continue
            where = [k for k, s in enumerate(segs) if sheet_of[k] == ws.title
                     and any(x.startswith(head) for x in s)]
            checked += 1
            if not where:
                split.append((ws.title, title, "title not printed"))
                continue
            for k in where[:1]:
                missing = [b for b in bottom if not any(b in x for x in segs[k])]
                if missing:
                    split.append((ws.title, title, k + 1, missing))
    return checked, split
