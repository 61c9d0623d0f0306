"""actuary.reports: Excel views of valuation results (openpyxl).

>>> from actuary.reports import write_valuation_workbook
>>> write_valuation_workbook(result, "valuation.xlsx")   # result from actuary.analysis.valuation.valuate

May import: every layer of the core (io to studies) and openpyxl: a workbook presents
the result of a valuation, a closed-group valuation, a data check, an experience study
or a comparison. Today it reads only io, engine, members and analysis (a comparison
arrives as an object). Must not import cli: commands call reports, never the reverse.
"""

from .workbook import SHEETS, build_workbook, write_valuation_workbook

__all__ = ["write_valuation_workbook", "build_workbook", "SHEETS"]
