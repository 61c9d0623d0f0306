"""The valuation workbook: one ``.xlsx`` view of a :class:`~actuary.analysis.valuation.ValuationResult`.

Sheets in the order a valuation report is read (DESIGN §6b, after Canada's Chief
Actuary and the ILO): Summary, Charts, Indicators, Projection, Financing (the live
layer: unlocked rate, return and expense inputs that move the reserve), Population,
Assumptions, Starting data, Sensitivity, Provenance. The Projection sheet's derived columns, the
GAP, the actuarial balance and the sensitivity changes are live formulas over the
projected numbers, so an Excel user can follow every figure; the charts read the
Projection sheet.

Tables of values carry a key naming their source in the result:
``summary.<name>``, ``yearly.<column>[<year>]``, ``by_sex.<column>[<year>,<sex>]``,
``careers.<column>[<row>]``, ``scaled[<k>].rate`` (and on the Projection sheet, row 3,
the ``yearly`` column of each column).

The file is written to a temporary name and renamed (an interrupted run leaves no
half-written workbook), and the same result gives the same bytes: the zip entries and
the document properties carry the run's time from the provenance, not the clock.
"""

from __future__ import annotations

import os
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from openpyxl import Workbook

from actuary import __version__
from actuary.io.errors import DataError
from actuary.io.fileio import atomic_path, save_xlsx

from . import styles
from .charts import write_charts_sheet
from .data_sheets import write_assumptions, write_provenance, write_starting
from .financing_sheet import write_financing
from .i18n import language, tr
from .indicators_sheet import write_indicators
from .money import prices_for
from .opinion import add_isap_sheets
from .population_sheet import write_population
from .printing import prepare_for_print
from .rendering import RenderedAhead
from .projection_sheet import write_projection
from .sensitivity_sheet import write_sensitivity
from .summary_sheet import write_summary

__all__ = ["write_valuation_workbook", "build_workbook", "finish_workbook", "SHEETS"]

SHEETS = ("Summary", "Charts", "Indicators", "Projection", "Financing", "Population",
          "Assumptions", "Starting data",
          "Sensitivity", "Provenance")


def build_workbook(result: Any, lang: str = "en",
                   preface: list[tuple[str, str]] | None = None,
                   prices: str = "nominal") -> Workbook:
    """The workbook of ``result`` in memory (see the module docstring for its sheets);
    ``lang`` (``en``, ``km``) for every label (:mod:`actuary.reports.i18n`); ``prices``
    (``nominal``, ``constant``) of the money views (:mod:`actuary.reports.money`)."""
    with language(lang):
        return _build(result, lang, preface, prices)


#: The sheets that do not show the sensitivity table, in the order they are written:
#: the Projection first (the others refer to its cells). They are written before the
#: table is read (``result.collect_sensitivity()``), so that a table still being
#: computed in the background (``valuate(background=True)``) is waited for as late as
#: possible; the Summary, Sensitivity and ISAP sheets follow.
BEFORE_SENSITIVITY = ("Projection", "Indicators", "Charts", "Financing", "Population",
                      "Assumptions", "Starting data", "Provenance")


def _build(result: Any, lang: str, preface: list[tuple[str, str]] | None,
           prices: str, ready: Callable[[Workbook, list], None] | None = None) -> Workbook:
    """The workbook; ``ready(wb, sheets)`` is called with the sheets of
    :data:`BEFORE_SENSITIVITY` once they are complete (protected, the workbook's
    properties set), before the sensitivity table is read."""
    wb = Workbook()
    wb.remove(wb.active)
    ws = {name: wb.create_sheet(name) for name in SHEETS}
    years = result.yearly["year"]
    money = prices_for(result.aset, int(years.iloc[0]), int(years.iloc[-1]), prices)
    layout = write_projection(ws["Projection"], result, money)
    cells = write_indicators(ws["Indicators"], result, layout)
    write_charts_sheet(ws["Charts"], ws["Projection"], layout, result, lang)
    write_financing(ws["Financing"], result, layout, lang)
    write_population(ws["Population"], result)
    write_assumptions(ws["Assumptions"], result)
    write_starting(ws["Starting data"], result)
    write_provenance(ws["Provenance"], result)
    wb.active = 0
    finish_workbook(wb, tr("summary_title", lang, scheme=result.aset.scheme.description),
                    run_time(result))
    first = [ws[name] for name in BEFORE_SENSITIVITY]
    for sheet in first:
        styles.protect(sheet)
    if ready is not None:
        ready(wb, first)
    collect = getattr(result, "collect_sensitivity", None)
    if collect is not None:  # a table computed in the background: wait for it here
        collect()
    write_summary(ws["Summary"], result, layout, cells, lang, preface)
    write_sensitivity(ws["Sensitivity"], result)
    add_isap_sheets(wb, result)  # Data and assumptions, Actual vs expected, Actuarial opinion
    for sheet in wb.worksheets:
        styles.protect(sheet)
    return wb


def finish_workbook(wb: Workbook, title: str, stamp: datetime) -> None:
    """What every workbook of the project carries: recalculation on opening (formulas are
    stored without cached values), and its creator, title and the run's time (UTC,
    naive) as document properties (the time also stamps every zip entry on saving)."""
    wb.calculation.fullCalcOnLoad = True
    wb.properties.creator = f"actuary {__version__}"
    wb.properties.title = title
    wb.properties.created = stamp
    wb.properties.modified = stamp


def run_time(result: Any) -> datetime:
    """The run's time (UTC, naive) from the provenance; the clock when there is none."""
    text = (getattr(result, "provenance", None) or {}).get("run_at_utc")
    if text:
        try:
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            pass
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


class _StampedZip(zipfile.ZipFile):
    """A zip whose entries all carry one fixed time (for byte-identical output)."""

    def __init__(self, file: Any, stamp: datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._stamp = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour,
                       stamp.minute, stamp.second)

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        with open(filename, "rb") as fh:
            data = fh.read()
        self.writestr(arcname or os.path.basename(filename), data)


def save_workbook(wb: Workbook, path: str | os.PathLike[str],
                  ahead: RenderedAhead | None = None) -> None:
    """Write ``wb`` to ``path`` with its properties' time on every zip entry.

    openpyxl's own ``save`` stamps the clock's time; same result, same bytes here.
    Every sheet gets its print setup first (:func:`actuary.reports.printing.prepare_for_print`).
    The sheets ``ahead`` rendered already are written from their rendering.
    """
    prepare_for_print(wb)
    stamp = wb.properties.modified or datetime(1980, 1, 1)
    save_xlsx(wb, path, _StampedZip(path, stamp),
              writer=ahead.writer if ahead is not None else None)


def write_valuation_workbook(result: Any, path: str | os.PathLike[str],
                             lang: str = "en",
                             preface: list[tuple[str, str]] | None = None,
                             prices: str = "nominal") -> Path:
    """Write the valuation workbook of ``result`` to ``path`` (``.xlsx``), atomically.

    Parameters
    ----------
    result
        A :class:`actuary.analysis.valuation.ValuationResult` (money in nominal KHR of each year,
        rates as fractions).
    path
        Destination; its folder is created if needed. An existing file is replaced
        only once the new one is complete.
    lang
        ``en`` or ``km``: the language of every label, title, note and unit
        (:mod:`actuary.reports.i18n`); the sheet names and the data's own texts
        (descriptions, sources, file names) stay as they are.
    preface
        (label, text) rows opening the Summary under the heading "What was solved"
        (``actuary solve``: lever, target, solution, whether the target is met).
    prices
        ``nominal`` (default) or ``constant``: with ``constant`` the Projection sheet adds
        the CPI index and the reserve, contributions and expenditure in constant KHR of
        the valuation year, which the reserve chart and the Financing sheet's reserve
        views show (:mod:`actuary.reports.money`); the live layers stay nominal.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    DataError
        If ``path`` does not end in ``.xlsx``.
    """
    # The sheets that do not show the sensitivity table are rendered to their XML as
    # soon as they are complete, while a table computed in the background
    # (valuate(background=True)) is still on its way; the rest when it has come.
    ahead = RenderedAhead()
    with language(lang):  # the print header and footer are set when saving
        return write_xlsx(lambda r: _build(r, lang, preface, prices, ready=ahead.render),
                          result, path, save=lambda wb, tmp: save_workbook(wb, tmp, ahead))


def write_xlsx(build: Any, content: Any, path: str | os.PathLike[str],
               save: Callable[[Workbook, Path], None] = save_workbook) -> Path:
    """Build a workbook with ``build(content)`` and save it to ``path`` atomically
    (with ``save(wb, temporary_path)``).

    Raises
    ------
    DataError
        If ``path`` does not end in ``.xlsx`` (checked before anything is built).
    """
    dest = Path(path)
    if dest.suffix.lower() != ".xlsx":
        raise DataError("the workbook must be written to an .xlsx file", source=str(dest),
                        field="output path", value=dest.suffix or dest.name,
                        expected="a file name ending in .xlsx")
    wb = build(content)
    with atomic_path(dest) as tmp:
        save(wb, tmp)
    return dest
