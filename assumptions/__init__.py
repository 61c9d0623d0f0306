"""actuary.assumptions: assumption sets, scheme definitions and their loader.

>>> from actuary.assumptions import load_basis
>>> basis = load_basis()              # the built-in cambodia-default
>>> basis.scheme.parameters.contribution_rate.yearly(2025, 2034)

See :mod:`.dated` for dated parameters (values that change on dates, with their
extension rules and the yearly resolution), :mod:`.models` for the assumption set,
:mod:`.scheme` for scheme definitions and :mod:`.overlay` for reforms and
sensitivities written as overlays on a base set.
"""

from .dated import DatedParameter, Extension
from .loader import load_basis
from .models import AssumptionSet
from .problems import BasisInvalid
from .registry import shipped_schemes, shipped_sets
from .scheme import SchemeDefinition

__all__ = [
    "load_basis",
    "AssumptionSet",
    "SchemeDefinition",
    "DatedParameter",
    "Extension",
    "BasisInvalid",
    "shipped_sets",
    "shipped_schemes",
]
