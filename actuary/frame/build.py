"""The whole frame of an assumption set: population, labour force, coverage, economy
and the flows of each scheme's new entrants, built from the modules of this package.

This module sits on top of the others of :mod:`actuary.frame` (population ->
calibration, economy -> labour -> here): it assembles their results and nothing below
imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from actuary.frame.calibration import NationalProjection, project_population
from actuary.frame.economy import EconomyPaths, economy_paths
from actuary.frame.labour import LabourFrame, SchemeFlows, labour_frame, scheme_flows
from actuary.frame.population import N_AGE, frame_section, load_frame_basis
from actuary.io.errors import AssumptionError

if TYPE_CHECKING:  # pragma: no cover
    from actuary.assumptions.models import AssumptionSet

__all__ = ["Frame", "build_frame", "entrant_arrays", "project_frame", "gdp_path",
           "population_path"]


# ---------------------------------------------------------------------- the whole frame
@dataclass(frozen=True)
class Frame:
    """Population, labour force, coverage and economy of an assumption set's frame.

    ``flows`` holds the schemes that cover somebody (a level of 0 throughout, like the
    self-employed scheme that does not exist yet, has no flows)."""

    basis_name: str
    national: NationalProjection
    labour: LabourFrame
    economy: EconomyPaths
    flows: dict[str, SchemeFlows]

    @property
    def projection(self) -> Any:
        """The :class:`actuary.frame.population.PopulationProjection`."""
        return self.national.projection

    def headline(self, years: tuple[int, ...] = (2025, 2030, 2040, 2050, 2075, 2100)) -> pd.DataFrame:
        """Total (31 December), 60+ share, dependency ratio and e0 by sex in ``years``."""
        s = self.projection.summary().set_index("year")
        keep = [y for y in years if y in s.index]
        cols = ["population", "share_60_plus", "dependency_ratio", "e0_M", "e0_F"]
        return s.loc[keep, cols].reset_index()

    def long(self) -> pd.DataFrame:
        """Every number of :meth:`tables` in one tidy long frame: ``table, year, sex, age,
        key, variable, value`` (``sex``/``age`` empty where a table has none; ``key``
        names the row of tables that are not by year, e.g. the calibration items)."""
        parts = []
        for name, tab in self.tables().items():
            if tab.empty:
                continue
            ids = [c for c in ("year", "sex", "age", "scheme", "measure", "item") if c in tab.columns]
            values = [c for c in tab.columns if c not in ids and pd.api.types.is_numeric_dtype(tab[c])
                      and not pd.api.types.is_bool_dtype(tab[c])]
            longf = tab.melt(id_vars=ids, value_vars=values, var_name="variable", value_name="_v")
            longf = longf.rename(columns={"_v": "value"})
            key = [c for c in ("scheme", "measure", "item") if c in longf.columns]
            longf["key"] = longf[key].astype(str).agg(" ".join, axis=1) if key else ""
            longf.insert(0, "table", name)
            parts.append(longf.reindex(columns=["table", "year", "sex", "age", "key", "variable", "value"]))
        out = pd.concat(parts, ignore_index=True)
        for col in ("year", "age"):
            out[col] = out[col].astype("Int64")  # whole numbers, empty where none
        return out

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every result as a tidy pandas frame, by name."""
        out = dict(self.national.tables())
        lab = self.labour
        out["labour_summary"] = lab.summary()
        out["labour_by_age"] = lab.by_age()
        out["coverage_calibration"] = lab.calibration()
        emp, pop = _mid_year(lab.employed), _mid_year(lab.population)
        out["economy"] = self.economy.frame(population=pop, employed=emp)
        out["economy_consistency"] = self.economy.consistency(employed=emp)
        out["flows_summary"] = pd.concat([f.summary() for f in self.flows.values()], ignore_index=True)
        out["flows_by_age"] = pd.concat([f.by_age() for f in self.flows.values()], ignore_index=True)
        return out


def _mid_year(stocks: np.ndarray) -> np.ndarray:
    """Mid-year totals ``[N]`` from 1 January stocks ``[N, 2, 111]``: the mean of 1 January
    and the next; the last year (no next 1 January) extends the previous year's growth."""
    tot = stocks.sum(axis=(1, 2))
    out = np.empty(tot.size)
    out[:-1] = 0.5 * (tot[:-1] + tot[1:])
    out[-1] = out[-2] * out[-2] / out[-3] if tot.size > 2 else tot[-1]
    return out


def _rates(aset: "AssumptionSet", key: str, cap: bool = False) -> np.ndarray:
    """A member table of the set (``demographic.exit`` ...) times its scale, on 0..110."""
    table = aset.tables[f"demographic.{key}"]
    out = np.zeros((2, N_AGE))
    ages = np.asarray(table.ages)
    out[:, ages] = table.to_array(ages)
    ref = getattr(aset.demographic, key)
    out = out * getattr(ref, "scale", 1.0)
    return np.minimum(out, 1.0) if cap else out


def build_frame(basis: Any = None, to_year: int = 2100) -> Frame:
    """Population (calibrated), labour, coverage (calibrated), economy and flows.

    Parameters
    ----------
    basis
        A loaded :class:`~actuary.assumptions.models.AssumptionSet`, a path or a
        shipped name (default ``cambodia-default``).
    to_year
        Last calendar year (population to 31 December of it; labour stocks to
        1 January of ``to_year + 1``).
    """
    aset = load_frame_basis(basis)
    frame_section(aset)
    national = project_population(aset, to_year)
    proj = national.projection
    first = proj.inputs.first_year
    labour = labour_frame(aset, proj.population, first)
    last_stock = int(labour.years[-1])
    economy = economy_paths(aset, first, last_stock, employed=_mid_year(labour.employed))
    flows = {}
    q = proj.inputs.mortality
    for name, cov in labour.coverage.items():
        if not np.any(cov.covered > 0):  # a scheme that covers nobody (no scheme yet)
            continue
        flows[name] = scheme_flows(
            cov.covered, first, q, _rates(aset, "exit"), _rates(aset, "reentry", cap=True),
            _rates(aset, "invalidity"), _rates(aset, "salary_scale"), economy.average_wage,
            scheme=name,
        )
    return Frame(basis_name=aset.name, national=national, labour=labour, economy=economy,
                 flows=flows)


def entrant_arrays(aset: "AssumptionSet", scheme: str = "nssf",
                   horizon: int | None = None) -> dict[str, np.ndarray]:
    """The arrays a scheme projection takes from the frame, for ``horizon`` years from
    the set's first year (default its horizon): ``target_actives`` ``[T]``,
    ``entrant_distribution`` ``[T, 2, 111]`` and ``entrant_wage`` ``[T, 2, 111]``
    (KHR per year), aligned with :class:`actuary.engine.basis.Basis`.
    """
    T = int(horizon or aset.horizon_years)
    frame = build_frame(aset, aset.first_year + T - 1)
    if scheme not in frame.flows:
        raise AssumptionError("no coverage for this scheme in the frame", location="frame.coverage",
                              value=scheme, expected="one of " + ", ".join(frame.flows))
    f = frame.flows[scheme]
    return {"target_actives": f.target_actives[:T], "entrant_distribution": f.entrant_distribution[:T],
            "entrant_wage": f.entrant_wage[:T]}


def project_frame(basis: "str | Path | AssumptionSet | None" = None, to_year: int = 2100) -> Frame:
    """The whole frame: population, labour force, coverage and economy, calibrated.

    Parameters
    ----------
    basis
        An assumption set (loaded, a file, a shipped name or a frame scenario such as
        ``national-projection``; default ``cambodia-default``) with a ``frame`` section.
    to_year
        Last calendar year projected (at least the first year).

    Returns
    -------
    Frame
        With ``.tables()`` giving the tidy pandas frames.
    """
    return build_frame(basis, to_year)


# Frames built for GDP paths, by the set's content hash and last year: a valuation and its
# callers (the public-sector transition values the same set several times) build it once.
_FRAMES: dict[tuple[str, int], object] = {}
_FRAMES_KEPT = 4


def _frame(aset: "AssumptionSet", last_year: int):
    """The set's frame to ``last_year`` (cached by content hash)."""
    key = (aset.content_hash(), int(last_year))
    if key not in _FRAMES:
        if len(_FRAMES) >= _FRAMES_KEPT:
            _FRAMES.pop(next(iter(_FRAMES)))
        _FRAMES[key] = build_frame(aset, int(last_year))
    return _FRAMES[key]


def gdp_path(aset: "AssumptionSet", first_year: int, last_year: int) -> np.ndarray:
    """Nominal GDP (KHR per year) of the years ``first_year..last_year``.

    The frame's GDP (:func:`economy_paths`) when the set derives it from employment,
    productivity and inflation (``frame.economy.gdp_rule``), so that it moves with the
    same productivity and inflation as wages; otherwise ``economic.gdp``.
    """
    frame = getattr(aset, "frame", None)
    if frame is None or frame.economy.gdp_rule == "as_set":
        return np.asarray(aset.economic.gdp.yearly(int(first_year), int(last_year)), dtype=float)
    paths = _frame(aset, last_year).economy
    i = int(first_year) - int(paths.years[0])
    return np.asarray(paths.gdp[i: i + int(last_year) - int(first_year) + 1], dtype=float)


def population_path(aset: "AssumptionSet", first_year: int, last_year: int) -> np.ndarray | None:
    """Mid-year national population of the years ``first_year..last_year`` (persons),
    from the frame; None for a set without one."""
    if getattr(aset, "frame", None) is None:
        return None
    lab = _frame(aset, last_year).labour
    mid = _mid_year(lab.population)  # as the frame's GDP per worker uses the employed
    i = int(first_year) - int(lab.years[0])
    return np.asarray(mid[i: i + int(last_year) - int(first_year) + 1], dtype=float)
