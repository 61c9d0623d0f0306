"""actuary.reports: Excel views of valuation results (openpyxl).

>>> from actuary.reports import write_valuation_workbook
>>> write_valuation_workbook(result, "valuation.xlsx")   # result from actuary.analysis.valuation.valuate

May import: every layer of the core (io to studies) and openpyxl: a workbook presents
the result of a valuation, a closed-group valuation, a data check, an experience study
or a comparison. Today it reads only io, engine, members and analysis (a comparison
arrives as an object). Must not import cli: commands call reports, never the reverse.
"""

from typing import Any

__all__ = ["write_valuation_workbook", "build_workbook", "SHEETS"]


def __getattr__(name: str) -> Any:
    # The workbook (openpyxl and every sheet's writer, ~0.15 s to import) is imported on
    # first use, not with the package: a command reading only the label catalogue
    # (actuary.reports.i18n) does not pay for it, and `actuary valuate` imports it while
    # its sensitivity table is computed on the other core.
    if name in __all__:
        from . import workbook

        return getattr(workbook, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
