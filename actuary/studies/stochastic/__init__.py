"""Stochastic projections: economic and demographic scenarios around a basis.

``generator`` (the AR(1) processes and the random streams), ``demography`` (national and
covered population of a scenario), ``model`` (what a run computes once; one scenario's
basis), ``economic_only`` (economic scenarios without a projection each), ``measures``
(the indicators over a batch), ``runner`` (batches), ``results`` (percentiles, depletion,
distributions), ``calibration`` (against UN WPP 2024's probabilistic projections),
``distributed`` (dask), ``run`` (a whole run).

It may import analysis, schemes, members, engine, frame, life, assumptions, tables and io;
it must not import api, reports or cli.
"""

# The engine first: its import installs the numba cache locator that the kernels of this
# package must be decorated under (actuary.engine.jitcache).
import actuary.engine  # noqa: F401, I001
from actuary.studies.stochastic.run import StochasticRun, run_stochastic

__all__ = ["StochasticRun", "run_stochastic"]
