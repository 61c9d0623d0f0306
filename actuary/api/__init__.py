"""actuary.api: the Python user's entry points, returning pandas objects.

Holds thin functions over the core (:func:`load_basis`, :func:`valuate`, :func:`compare`,
:func:`solve`, :func:`stochastic`, :func:`value_members`,
:func:`population_frame`) and the result object of a
valuation (:class:`Valuation`: frames indexed by year, a summary Series, ``plot``).

May import every core subpackage (analysis, studies, members, frame, engine,
assumptions, tables, io); must not import ``actuary.reports`` or ``actuary.cli``, and no
core module imports it: it is the top of the core, beside the command line.

>>> import actuary as act
>>> basis = act.load_basis("cambodia-default")
>>> res = act.valuate(basis.override({"scheme.parameters.accrual_rate.values":
...                                   {"2022-10-01": 0.0175}}))
>>> res.summary["gap_75"]                       # doctest: +SKIP
"""

from .functions import (compare, load_basis, population_frame, solve, stochastic, valuate,
                        value_members)
from .results import Valuation

__all__ = ["load_basis", "valuate", "compare", "solve", "stochastic", "value_members",
           "population_frame", "Valuation"]
