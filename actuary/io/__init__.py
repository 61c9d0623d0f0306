"""actuary.io: the bottom layer. Errors, YAML reading and safe file writing.

Holds :mod:`.errors` (the one exception family, :class:`~.errors.ActuaryError` and its
kinds, each naming file, row or key, field, value and what was expected), :mod:`.yamlio`
(the project's one YAML reader: safe load, duplicate keys and aliases refused, errors
located), :mod:`.fileio` (atomic writes, the check of output names, small CSV
inputs, file digests) and :mod:`.arrow` (pyarrow imported where a Parquet file is read,
not by pandas' import).

May import: the standard library, numpy, pandas, PyYAML, pyarrow (.arrow). Must not
import any other part of the toolkit: every layer above reads and writes files through
this one, so an import upwards would be a circle. What an upper layer knows (which
folders hold the shipped data, how an assumption set reports its problems) is passed in
as data or lives up there (:func:`actuary.cli.outputs.check_outputs`, :func:`actuary.assumptions.problems.read_validated`).

Layers, bottom to top (``tests/test_layout.py`` checks the order): io < tables <
assumptions < life < frame < engine < members < analysis < schemes < studies < api <
reports < cli.
"""
