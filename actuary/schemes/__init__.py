"""actuary.schemes: schemes and designs beyond the NSSF pension. The public-sector
scheme and its transitions, a self-employed scheme, multi-tier designs.

Each builds its starting population and runs valuations (:mod:`actuary.analysis`),
and returns a standard :class:`actuary.analysis.scenario.ScenarioResult`.

May import: io, tables, assumptions, life, frame, engine, members and analysis. Must not
import studies, reports or cli: the comparison of scenarios (:mod:`actuary.studies.compare`)
runs these designs, so a scheme that imported it would close a circle; what both need
(the scenario result, present values, the budget view) is in :mod:`actuary.analysis.scenario`.
"""
