"""Scenario results gathered, and the tables reported from them.

Memory: the run keeps, per scenario, one value per year of each reported series
(:data:`~actuary.studies.stochastic.runner.YEARLY`), a few scalars and the depletion
year under each rate path: ``8 x (6 T + 12)`` bytes a scenario, 4.9 MB per 1,000
scenarios of 100 years. Percentiles are exact (numpy's linear interpolation between order
statistics). Batches are written into place as they arrive, in any order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from actuary.studies.stochastic.runner import YEARLY, BatchResult

__all__ = ["PERCENTILES", "Results", "percentile_table", "depletion_table",
           "distribution_table", "deterministic_position"]

PERCENTILES = (2.5, 10.0, 25.0, 50.0, 75.0, 90.0, 97.5)


@dataclass
class Results:
    """Every scenario's per-year series, scalars and depletion years (scenario order)."""

    years: np.ndarray
    n: int
    yearly: dict[str, np.ndarray] = field(default_factory=dict)
    scalars: dict[str, np.ndarray] = field(default_factory=dict)
    depletion: dict[str, np.ndarray] = field(default_factory=dict)
    clipped: int = 0
    filled: int = 0

    def add(self, batch: BatchResult) -> None:
        """Put a batch's rows in place (allocating on the first batch)."""
        sl = slice(batch.start, batch.start + batch.n)
        T = self.years.size
        for name, arr in batch.yearly.items():
            self.yearly.setdefault(name, np.full((self.n, T), np.nan))[sl] = arr
        for name, arr in batch.scalars.items():
            self.scalars.setdefault(name, np.full(self.n, np.nan))[sl] = arr
        for name, arr in batch.depletion.items():
            self.depletion.setdefault(name, np.full(self.n, -2, dtype=np.int64))[sl] = arr
        self.clipped += batch.clipped
        self.filled += batch.n


def percentile_table(res: Results) -> pd.DataFrame:
    """Rows ``year, indicator, percentile, value`` for every reported series."""
    parts = []
    for name in YEARLY:
        arr = res.yearly.get(name)
        if arr is None or np.all(np.isnan(arr)):
            continue
        with np.errstate(invalid="ignore"):
            pct = np.nanpercentile(arr, PERCENTILES, axis=0)  # [P, T]
        parts.append(pd.DataFrame({
            "year": np.tile(res.years, len(PERCENTILES)),
            "indicator": name,
            "percentile": np.repeat(PERCENTILES, res.years.size),
            "value": pct.reshape(-1),
        }))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["indicator", "year", "percentile"], kind="stable").reset_index(drop=True)


def depletion_table(res: Results) -> pd.DataFrame:
    """Rows ``year, rate_path, probability``: the share of scenarios whose reserve is
    depleted by the end of each year (cumulative, so it never falls)."""
    parts = []
    for path, idx in res.depletion.items():
        t = np.arange(res.years.size)
        hit = (idx[:, None] >= 0) & (idx[:, None] <= t[None, :])
        parts.append(pd.DataFrame({"year": res.years, "rate_path": path,
                                   "probability": hit.mean(axis=0)}))
    return pd.concat(parts, ignore_index=True)


def distribution_table(res: Results) -> pd.DataFrame:
    """Percentiles and mean of GAP 25/50/75 and the actuarial balance (fractions)."""
    rows = []
    for name in ("gap_25", "gap_50", "gap_75", "actuarial_balance_75"):
        arr = res.scalars.get(name)
        if arr is None:
            continue
        row = {"measure": name, "mean": float(np.nanmean(arr))}
        for p, v in zip(PERCENTILES, np.nanpercentile(arr, PERCENTILES)):
            row[f"p{p:g}"] = float(v)
        rows.append(row)
    return pd.DataFrame(rows)


def _share_below(arr: np.ndarray, value: float) -> float:
    arr = arr[~np.isnan(arr)]
    return float(np.mean(arr <= value)) if arr.size else float("nan")


def deterministic_position(res: Results, summary: dict, yearly: pd.DataFrame,
                           depletion_years: dict[str, int | None]) -> pd.DataFrame:
    """Where the deterministic valuation falls among the scenarios.

    ``share_at_or_below``: the share of scenarios with a value at or below the
    deterministic one (its percentile rank); for depletion, the share of scenarios depleted
    in or before the deterministic depletion year (or within the horizon when it has none).
    """
    rows = []
    for name in ("gap_25", "gap_50", "gap_75", "actuarial_balance_75"):
        if name in res.scalars and summary.get(name) is not None:
            v = float(summary[name])
            rows.append({"measure": name, "deterministic": v,
                         "share_at_or_below": _share_below(res.scalars[name], v)})
    for n in (10, 25, 50, 75):
        if n <= res.years.size:
            for name in ("reserve_ratio", "payg_cost_rate"):
                v = float(yearly[name].iloc[n - 1])
                rows.append({"measure": f"{name} {int(res.years[n - 1])}", "deterministic": v,
                             "share_at_or_below": _share_below(res.yearly[name][:, n - 1], v)})
    for path, year in depletion_years.items():
        idx = res.depletion[path]
        t = (year - int(res.years[0])) if year is not None else res.years.size - 1
        rows.append({"measure": f"depletion year ({path})",
                     "deterministic": float(year) if year is not None else float("nan"),
                     "share_at_or_below": float(np.mean((idx >= 0) & (idx <= t)))})
    return pd.DataFrame(rows)
