"""The whole frame of an assumption set: population, labour force, coverage, economy
and the flows of each scheme's new entrants, built from the modules of this package.

This module sits on top of the others of :mod:`actuary.frame` (population ->
calibration, economy -> labour -> here): it assembles their results and nothing below
imports it.

A frame is built once for a given set of frame inputs and kept (:func:`build_frame`):
every basis built from the set, and every sensitivity or solver step on an overlay that
changes none of the frame's inputs, gets the same frame. The key (:func:`frame_key`) is
a digest of everything the frame reads; a change in any of it builds a new frame.

A frame built is also kept on disk (:func:`disk_key`, :mod:`actuary.io.diskcache`), so
that the next process with the same inputs and the same code reads it back (about 10 ms
with its key) instead of loading the frame's tables and building it again (about 75 ms).
"""

from __future__ import annotations

import dataclasses
import hashlib
import platform
import sys
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from actuary.frame.calibration import NationalProjection, project_population
from actuary.frame.economy import EconomyPaths, economy_paths
from actuary.frame.labour import LabourFrame, SchemeFlows, labour_frame, scheme_flows
from actuary.assumptions.models import FrameTable
from actuary.frame.population import N_AGE, frame_section, frame_table_target, load_frame_basis
from actuary.io import diskcache
from actuary.io.errors import ActuaryError, AssumptionError
from actuary.io.fileio import sha256_of
from actuary.tables.catalogue import table_file_key
from actuary.tables.digest import canonical_json, table_digest

if TYPE_CHECKING:  # pragma: no cover
    from actuary.assumptions.models import AssumptionSet

__all__ = ["Frame", "build_frame", "clear_frames", "disk_key", "entrant_arrays", "frame_key",
           "project_frame", "gdp_path", "population_path"]

#: The member tables the entrant flows read (:func:`_rates`), besides the frame section.
_MEMBER_RATES = ("exit", "reentry", "invalidity", "salary_scale")
#: Frames kept, the most recently used last (a valuation with its sensitivities needs a
#: handful: the base's and one per sensitivity that moves a frame input).
_KEPT = 8
_FRAMES: OrderedDict[str, Frame] = OrderedDict()
#: Frames kept on disk (about 4 MB each to 2100), the oldest written removed: a run with
#: its sensitivities writes a handful, and an edit of the code makes every key new.
_KEPT_ON_DISK = 16


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

    Built once for given frame inputs (:func:`frame_key`) and kept: a later call with
    the same inputs (the same set, or an overlay that changes none of them) returns the
    frame already built, its arrays read-only (shared by every caller). A frame not kept
    in this process is read from the disk cache when a run with the same inputs and the
    same code built it before (:func:`disk_key`), else built and stored there.

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
    key = frame_key(aset, to_year)
    if key is None:  # an input that cannot be read: the build says which, in its words
        return _build(aset, to_year)
    frame = _FRAMES.pop(key, None)
    if frame is None:
        frame = _read_or_build(aset, to_year, key)
    _FRAMES[key] = frame  # the most recently used last
    while len(_FRAMES) > _KEPT:
        _FRAMES.popitem(last=False)
    if frame.basis_name != aset.name:  # the same inputs under another set's name
        frame = dataclasses.replace(frame, basis_name=aset.name)
    return frame


def clear_frames() -> None:
    """Forget every frame kept by :func:`build_frame` (the next call builds afresh)."""
    _FRAMES.clear()


def frame_key(aset: AssumptionSet, to_year: int) -> str | None:
    """SHA-256 of everything :func:`build_frame` reads of ``aset``, with ``to_year``.

    That is: the ``frame`` section, the ``economic`` section (the economy paths), the
    valuation date (the first year), the member tables of exit, re-entry, invalidity
    and the salary scale with their uses and the digests of their data (the entrant
    flows), and the file of every table the frame section names with its size and
    modification time (:func:`actuary.tables.catalogue.table_file_key`, the key under
    which the tables layer keeps a loaded table: a file rewritten is a new table). Not
    the scheme, the contribution rates or the member mortality, which the frame does not
    read. None when a table's file cannot be found (the build then reports it).
    """
    try:
        tables = {path: table_file_key(frame_table_target(aset, path)[1])
                  for path in _frame_tables(aset.frame, "frame")}
    except ActuaryError:
        return None
    members = {}
    for name in _MEMBER_RATES:
        path = f"demographic.{name}"
        members[name] = {"use": getattr(aset.demographic, name).model_dump(mode="json"),
                         "table": table_digest(aset.tables[path])}
    payload = {
        "to_year": int(to_year),
        "valuation_date": aset.valuation_date.isoformat(),
        "frame": aset.frame.model_dump(mode="json"),
        "economic": aset.economic.model_dump(mode="json"),
        "member_rates": members,
        "frame_tables": tables,
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def disk_key(aset: AssumptionSet, to_year: int, key: str | None = None) -> str | None:
    """SHA-256 naming the frame of ``aset`` to ``to_year`` in the disk cache.

    Made of :func:`frame_key` (``key`` when already computed), the SHA-256 of the bytes
    of each frame table's files (the CSV and its sidecar) and the code that builds the
    frame: :func:`actuary.io.diskcache.source_stamp` (every ``.py`` file of the package
    by path, size and modification time: an edit of the frame, the tables layer, the
    assumption models... is another entry), the versions of Python, numpy and pandas and
    the machine's architecture (the arithmetic the frame was built with).

    The tables by their contents as well as their size and time (which the frame key
    holds): an entry outlasts the process by days, and a table can change while keeping
    both (a copy that keeps times, a file system that keeps them to the second). Reading
    the 14 files of the built-in frame (1.4 MB) costs about 2 ms, against the 75 ms an
    entry saves. None (no disk cache) when a table's file cannot be read (the build then
    reports it) or the package's source cannot be listed (installed in a zip file).
    """
    key = frame_key(aset, to_year) if key is None else key
    if key is None:
        return None
    digest = hashlib.sha256(key.encode())
    try:
        for path in _frame_tables(aset.frame, "frame"):
            csv_path = Path(table_file_key(frame_table_target(aset, path)[1])[0])
            sidecar = csv_path.with_suffix(".yaml")
            digest.update(f"|{path}|{sha256_of(csv_path)}|".encode())
            digest.update(sha256_of(sidecar).encode() if sidecar.is_file() else b"-")
        code = (diskcache.source_stamp(), sys.version, np.__version__, pd.__version__,
                platform.machine())
    except (ActuaryError, OSError):  # a table the build will report, or code not in files
        return None
    digest.update("|".join(code).encode())
    return digest.hexdigest()


def _read_or_build(aset: AssumptionSet, to_year: int, key: str) -> Frame:
    """The frame of ``aset`` read from the disk cache, else built (and stored there).

    The entry is a pickle (:func:`actuary.io.diskcache.load_pickle`): the frame is
    dataclasses of numpy arrays and numbers, which pickle keeps bit for bit, with which
    arrays are the same array. A pickle runs code named in the file when read: this is
    the user's own cache, written by the user's own runs in their own folder (numba's
    cache is pickled likewise). An entry that cannot be read, or is not a whole frame
    with aligned arrays, is built again.
    """
    name = disk_key(aset, to_year, key)
    path = diskcache.cache_path("frame", name, ".pickle") if name is not None else None
    if path is not None:
        frame = diskcache.load_pickle(path, Frame)
        if frame is not None and _arrays_aligned(frame):
            return _read_only(frame)
    frame = _read_only(_build(aset, to_year))
    if path is not None:
        diskcache.store_pickle(path, frame, keep=_KEPT_ON_DISK)
    return frame


def _frame_tables(node: Any, path: str) -> list[str]:
    """Key paths of every table reference under ``node`` (a part of the frame section)."""
    if isinstance(node, FrameTable):
        return [path]
    out = []
    for name in getattr(type(node), "model_fields", {}):
        value = getattr(node, name)
        if value is not None and hasattr(type(value), "model_fields"):
            out += _frame_tables(value, f"{path}.{name}")
    return out


def _read_only(obj: Any) -> Any:
    """Mark every numpy array in a built frame read-only (the frame is shared once kept:
    a caller writing into it would change every later caller's), and return it."""
    for array in _arrays(obj, set()):
        array.flags.writeable = False
    return obj


def _arrays_aligned(obj: Any) -> bool:
    """Whether every numpy array in ``obj`` is aligned, as every array numpy allocates
    is (numba types an array by its alignment too: a frame read back must not differ)."""
    return all(array.flags.aligned for array in _arrays(obj, set()))


def _arrays(obj: Any, seen: set[int]) -> Any:
    """Every numpy array in ``obj`` (dataclasses, dicts, lists and tuples of them), once."""
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        yield obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _arrays(getattr(obj, f.name), seen)
    elif isinstance(obj, dict):
        for value in obj.values():
            yield from _arrays(value, seen)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            yield from _arrays(value, seen)


def _build(aset: AssumptionSet, to_year: int) -> Frame:
    """The frame of ``aset`` to ``to_year``, computed (see :func:`build_frame`)."""
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


def gdp_path(aset: "AssumptionSet", first_year: int, last_year: int) -> np.ndarray:
    """Nominal GDP (KHR per year) of the years ``first_year..last_year``.

    The frame's GDP (:func:`economy_paths`) when the set derives it from employment,
    productivity and inflation (``frame.economy.gdp_rule``), so that it moves with the
    same productivity and inflation as wages; otherwise ``economic.gdp``.
    """
    frame = getattr(aset, "frame", None)
    if frame is None or frame.economy.gdp_rule == "as_set":
        return np.asarray(aset.economic.gdp.yearly(int(first_year), int(last_year)), dtype=float)
    paths = build_frame(aset, int(last_year)).economy
    i = int(first_year) - int(paths.years[0])
    return np.asarray(paths.gdp[i: i + int(last_year) - int(first_year) + 1], dtype=float)


def population_path(aset: "AssumptionSet", first_year: int, last_year: int) -> np.ndarray | None:
    """Mid-year national population of the years ``first_year..last_year`` (persons),
    from the frame; None for a set without one."""
    if getattr(aset, "frame", None) is None:
        return None
    lab = build_frame(aset, int(last_year)).labour
    mid = _mid_year(lab.population)  # as the frame's GDP per worker uses the employed
    i = int(first_year) - int(lab.years[0])
    return np.asarray(mid[i: i + int(last_year) - int(first_year) + 1], dtype=float)
