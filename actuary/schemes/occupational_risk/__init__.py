"""actuary.schemes.occupational_risk: the NSSF occupational-risk (employment injury) branch.

The branch's long-term benefits (permanent disability and survivors' pensions), its
short-term benefits (temporary disability, funeral grants) and lump sums, on the insured
population of an assumption set's pension scheme, financed by the assessment of
constituent capitals (ILO practice), with pay-as-you-go and GAP measures beside it.

Modules: :mod:`.rules` (parameters and benefit formulas), :mod:`.insured` (the insured
population from the pension projection), :mod:`.annuity` (capital values),
:mod:`.pensions` (pensions in payment: file format and stock), :mod:`.projection` (the
year step), :mod:`.financing` (indicators), :mod:`.valuation` (end to end and
sensitivities), :mod:`.defaults` (the shipped placeholders). The set's rules are the
``occupational_risk`` section of an assumption set (``actuary.assumptions.occupational_risk``).

May import: actuary.analysis, actuary.engine, actuary.life, actuary.assumptions,
actuary.tables, actuary.io (never reports or cli).
"""

from .valuation import BranchResult, valuate_branch

__all__ = ["BranchResult", "valuate_branch"]
