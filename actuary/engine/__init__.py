"""actuary.engine: the cohort projection of a scheme. Its state, its inputs, its kernels.

Holds :mod:`.state` (the state space and index constants), :mod:`.basis` (the dense
:class:`~.basis.Basis` a projection reads), :mod:`.starting` and
:mod:`.starting_default` (the insured population at the valuation date and the
derivation of the shipped one), :mod:`.build` (an assumption set and a starting
population to a basis), :mod:`.kernels` and :mod:`.member_kernel` (the numba year
steps, by cell and by member), :mod:`.projection` (a basis through the kernel into a
:class:`~.projection.Projection`) and :mod:`.memory`.

May import: :mod:`actuary.io`, :mod:`actuary.tables`, :mod:`actuary.assumptions`,
:mod:`actuary.life` and :mod:`actuary.frame` (the new entrants and the mortality
convention come from the frame). Must not import members, analysis, schemes, studies,
reports or cli: they all run projections, and the engine knows none of them.
"""

# Importing the package imports no numba: a valuation that calls the entries compiled at
# install (actuary.engine.native) never does. Every module that compiles with numba
# imports actuary.engine.jitopt before its first decoration, which puts the cache
# locators of actuary.engine.jitcache in place (a test checks each module).

