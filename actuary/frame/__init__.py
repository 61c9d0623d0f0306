"""actuary.frame: the national frame of an assumption set. Population, labour force,
coverage by scheme, the economy and the flows of new entrants.

Holds, bottom up: :mod:`.population` (the cohort-component projection and the reading of
the set's ``frame`` section and tables), :mod:`.calibration` (the base calibrated to
births and deaths, scenario targets, comparisons with WPP), :mod:`.economy` (prices,
wages, GDP paths), :mod:`.labour` (labour force, sectors, coverage, entrant flows) and
:mod:`.build` (the whole :class:`~.build.Frame`, built once for given frame inputs and
kept, :func:`~.build.build_frame`). Within the package imports run that way only.

May import: :mod:`actuary.io`, :mod:`actuary.tables`, :mod:`actuary.assumptions` and
:mod:`actuary.life`. Must not import the engine or anything above it: the frame is an
input of a scheme's projection (its new entrants, :func:`actuary.engine.build.build_basis`),
never a consumer of one.
"""
