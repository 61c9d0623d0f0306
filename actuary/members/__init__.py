"""actuary.members: member and pensioner records. Files, the data check, synthetic
memberships, aggregation into cells, the member-by-member (closed-group) valuation and
experience studies.

May import: :mod:`actuary.io`, :mod:`actuary.tables`, :mod:`actuary.assumptions`,
:mod:`actuary.life`, :mod:`actuary.frame` and :mod:`actuary.engine` (records become the
engine's starting population, :mod:`.aggregate`; the closed-group valuation runs the
engine's member kernel). Must not import analysis or anything above it: the valuation
(:mod:`actuary.analysis.valuation`) values the starting population member by member
through this package, not the other way round.
"""
