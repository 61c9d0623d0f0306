"""actuary.analysis: what a projection means. Indicators, the valuation, its results,
sensitivities, model careers and the standard scenario result.

Holds :mod:`.indicators` (one definition of each financial indicator), :mod:`.careers`
(model careers and replacement rates), :mod:`.results` (:class:`~.results.ValuationResult`
and the tables made from one projection), :mod:`.sensitivity` (the one-at-a-time tests),
:mod:`.valuation` (:func:`~.valuation.valuate`, end to end) and :mod:`.scenario` (a
scenario's standard yearly table and summary with the budget view, what the schemes and
the comparison share). Within the package: results < sensitivity < valuation < scenario.

May import: io, tables, assumptions, life, frame, engine and members. Must not import
schemes, studies, reports or cli: a scheme design or a study is built from valuations,
so this layer cannot know them.
"""
