"""actuary: actuarial valuation of contributory pension schemes (Cambodia first).

>>> import actuary as act
>>> basis = act.load_basis("cambodia-default")
>>> res = act.valuate(basis)                  # doctest: +SKIP
>>> res.summary["gap_75"], res.yearly.loc[2050, "payg_cost_rate"]   # doctest: +SKIP

The names below come from :mod:`actuary.api` and are imported on first use, so that
``import actuary`` (and the command line) stays fast. The core's subpackages, bottom to
top: ``io``, ``life``, ``frame``, ``engine``, ``members``, ``analysis``, ``schemes``,
``studies``, ``api``; beside them ``actuary.tables``, ``actuary.assumptions`` (below the
core) and ``actuary.reports``, ``actuary.cli`` (above it) live in the top-level folders of
the same name (see ``pyproject.toml``).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_basis", "valuate", "compare", "solve", "stochastic",
           "value_members", "population_frame", "Valuation"]

_API = {"load_basis", "valuate", "compare", "solve", "stochastic", "value_members",
        "population_frame", "Valuation"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from actuary import api

        return getattr(api, name)
    raise AttributeError(f"module 'actuary' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _API)
