"""actuary.assumptions: assumption sets, scheme definitions and their loader.

>>> from actuary.assumptions import load_basis
>>> basis = load_basis()              # the built-in cambodia-default
>>> basis.scheme.parameters.contribution_rate.yearly(2025, 2034)

See :mod:`.dated` for dated parameters (values that change on dates, with their
extension rules and the yearly resolution), :mod:`.models` for the assumption set,
:mod:`.scheme` for scheme definitions and :mod:`.overlay` for reforms and
sensitivities written as overlays on a base set.

May import: :mod:`actuary.io` and :mod:`actuary.tables` (a set names its tables and is
checked against them), pydantic, numpy, pandas. Must not import life, frame, engine or
anything above: an assumption set is data that every computing layer reads, and it
knows none of them. Within the package: base < dated < scheme, items < inventory <
models < checks < loader (:mod:`.inventory` walks a set without importing
:mod:`.models`, whose methods use it).
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
