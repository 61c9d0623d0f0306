"""actuary.reports: Excel views of valuation results (openpyxl).

>>> from actuary.reports import write_valuation_workbook
>>> write_valuation_workbook(result, "valuation.xlsx")   # result from actuary.analysis.valuation.valuate
"""

from .workbook import SHEETS, build_workbook, write_valuation_workbook

__all__ = ["write_valuation_workbook", "build_workbook", "SHEETS"]
