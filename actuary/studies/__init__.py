"""actuary.studies: questions asked of many valuations. Scenarios compared side by side
(:mod:`.compare`) and solvers for the lever that meets a target (:mod:`.solve`).

May import: every layer below (io to schemes): a study loads scenarios of any kind,
reform overlays and scheme designs alike. Must not import api, reports or cli: the
Python entry points, the workbooks and the commands present a study's result, they are
not part of it.
"""
