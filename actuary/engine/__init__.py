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

from actuary.engine import jitcache as _jitcache

# Before any kernel of the toolkit is decorated: a cached kernel must notice a change in
# the files it calls into, not only in its own (see jitcache).
_jitcache.install()

