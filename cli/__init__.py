"""actuary.cli: the ``actuary`` command line, the top layer.

Holds :mod:`.main` (the command group, each command's module imported only when it
runs), one ``*_cmd`` module per command, and the helpers they share: :mod:`.progress`
(progress lines) and :mod:`.outputs` (the check of output names, with the toolkit's
shipped data folders protected).

May import: every layer. Nothing in the toolkit imports the command line (tests drive
it through click's runner).
"""
