"""actuary: actuarial valuation of contributory pension schemes (Cambodia first).

The core package. Its sub-packages ``actuary.assumptions``, ``actuary.tables``,
``actuary.cli`` and ``actuary.reports`` live in the top-level folders of the same
name (see ``pyproject.toml``). Dependencies run one way:
cli -> reports -> actuary (core) -> assumptions -> tables.
"""

__version__ = "0.1.0"
